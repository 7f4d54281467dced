"""The default rating scale and the role groups reviewer, editor and viewer."""

from django.db import migrations

DEFAULT_VERDICTS = [
    # key, label, rating_value, colour
    ("true", "True", 5, "#2e7d32"),
    ("mostly-true", "Mostly true", 4, "#7cb342"),
    ("mixed", "Mixed", 3, "#f9a825"),
    ("mostly-false", "Mostly false", 2, "#ef6c00"),
    ("false", "False", 1, "#c62828"),
    ("misleading", "Misleading", None, "#8e24aa"),
    ("unproven", "Unproven", None, "#607d8b"),
]

ROLES = ("reviewer", "editor", "viewer")


def create(apps, schema_editor):
    Verdict = apps.get_model("annotations", "Verdict")
    Group = apps.get_model("auth", "Group")
    for position, (key, label, rating_value, colour) in enumerate(DEFAULT_VERDICTS):
        Verdict.objects.update_or_create(
            key=key, defaults={"label": label, "rating_value": rating_value, "colour": colour, "position": position}
        )
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove(apps, schema_editor):
    apps.get_model("annotations", "Verdict").objects.filter(key__in=[v[0] for v in DEFAULT_VERDICTS]).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]

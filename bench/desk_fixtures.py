"""Users, tokens and articles for bench/desk.py; run as a script in the desk's environment, prints JSON.

python bench/desk_fixtures.py REVIEWERS EDITORS EXPORTERS
"""

import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 8
PHRASES = 1000  # claimable phrases per article


def main(reviewers: int, editors: int, exporters: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from knox.models import AuthToken

    from annotations.articles import create_article

    def users(role: str, prefix: str, count: int) -> list[str]:
        group = Group.objects.get(name=role)
        tokens = []
        for index in range(count):
            user = get_user_model().objects.create_user(f"{prefix}-{index}", password=secrets.token_urlsafe())
            user.groups.add(group)
            tokens.append(AuthToken.objects.create(user=user)[1])
        return tokens

    articles = []
    for number in range(ARTICLES):
        body = " ".join(f"Desk article {number} says claim {number}-{i} is true." for i in range(PHRASES))
        article = create_article(title=f"Desk article {number}", body=body, language="en")
        articles.append({"id": article.pk, "phrases": [f"claim {number}-{i} is true" for i in range(PHRASES)]})
    return {
        "reviewers": users("reviewer", "desk-reviewer", reviewers),
        "editors": users("editor", "desk-editor", editors),
        "exporters": users("editor", "desk-exporter", exporters),
        "articles": articles,
    }


if __name__ == "__main__":
    print(json.dumps(main(*(int(value) for value in sys.argv[1:4]))))

"""factory_boy factories: arrange tests with the same services the API uses."""

import factory
import pgtrigger
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations import review, versioning
from annotations.articles import create_article
from annotations.claims import create_claim
from annotations.exports.cells import version_cells
from annotations.models import AnnotationVersion, Article, Claim, Verdict

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get_or_create(name=extracted)[0])


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = "The council voted 31 to 12 on Tuesday. The mayor said the project is fully funded."
    url = factory.Sequence(lambda n: f"https://news.example.org/{n}")
    publisher = "The Example Times"
    language = "en"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_article(**kwargs)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim on `exact` (default: the first word run of the article body) found by quote."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    exact = "voted 31 to 12"
    claimant = "City council"

    @classmethod
    def _create(cls, model_class, *args, article, exact, **kwargs):
        return create_claim(article, [{"type": "TextQuoteSelector", "exact": exact}], **kwargs)


def verdict(key: str) -> Verdict:
    return Verdict.objects.get(key=key)


def make_annotation(claim, reviewer, *, key="true", confidence=80, rationale="", evidence=None, **kwargs):
    """Version 1 of `reviewer`'s annotation of `claim`."""
    return versioning.create_annotation(
        claim,
        reviewer=reviewer,
        verdict=verdict(key),
        confidence=confidence,
        rationale=rationale,
        evidence=evidence or [],
        **kwargs,
    )


def store_raw_rationale(annotation, rationale: str) -> None:
    """Give the annotation's current version a rationale the service would have trimmed (a leading tab
    or CR): data written around the services, which the exports must still make safe. Before publishing."""
    version = annotation.versions.get(number=annotation.version)
    cells = version_cells(rationale=rationale, evidence=version.evidence, created_at=version.created_at)
    with pgtrigger.ignore("annotations.AnnotationVersion:append_only_rows"):
        AnnotationVersion.objects.filter(pk=version.pk).update(rationale=rationale, **cells)


def publish(annotation, editor):
    """Submit (as its reviewer) and approve (as `editor`) an annotation: the claim's published verdict."""
    review.submit(annotation, actor=annotation.reviewer)
    review.approve(annotation, actor=editor)
    annotation.refresh_from_db()
    return annotation

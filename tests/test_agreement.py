"""Agreement between reviewers: Krippendorff's alpha (nominal) and the list of disagreements."""

import datetime
import math
import random

import krippendorff
import pytest

from annotations import review, versioning
from annotations.agreement import nominal_alpha
from annotations.models import Annotation

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, verdict

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, missing values as None. The paper works it through to alpha = 0.743 (nominal).
PAPER_UNITS_BY_OBSERVER = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _units(by_observer):
    return [[value for value in unit if value is not None] for unit in zip(*by_observer, strict=True)]


def test_alpha_of_the_worked_example_in_krippendorffs_paper():
    assert round(nominal_alpha(_units(PAPER_UNITS_BY_OBSERVER)), 3) == 0.743


def test_alpha_of_a_small_hand_worked_example():
    # Coincidences: o_aa = 2, o_bb = 2, o_ab = o_ba = 1; n_a = n_b = 3, n = 6.
    # alpha = 1 - (n - 1) * (o_ab + o_ba) / (2 * n_a * n_b) = 1 - 5 * 2 / 18 = 4 / 9
    assert nominal_alpha([["a", "a"], ["a", "b"], ["b", "b"]]) == pytest.approx(4 / 9)


@pytest.mark.parametrize("seed", range(5))
def test_alpha_matches_the_krippendorff_package_on_random_data(seed):
    rng = random.Random(seed)
    by_observer = [
        [rng.choice([1, 2, 3, 4, None]) if rng.random() < 0.8 else None for _unit in range(30)] for _obs in range(4)
    ]
    matrix = [[math.nan if value is None else value for value in row] for row in by_observer]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert nominal_alpha(_units(by_observer)) == pytest.approx(expected)


def test_alpha_is_undefined_without_pairable_values_or_with_a_single_verdict():
    assert nominal_alpha([["a"], ["b"]]) is None
    assert nominal_alpha([["a", "a"], ["a", "a", "a"]]) is None


def test_perfect_agreement_across_verdicts_gives_alpha_1():
    assert nominal_alpha([["a", "a"], ["b", "b", "b"]]) == 1


@pytest.mark.django_db
def test_agreement_endpoint_reports_alpha_and_the_claims_where_reviewers_disagree(api, editor):
    article = ArticleFactory()
    agreed, disputed, unsubmitted = (
        ClaimFactory(article=article, exact=text) for text in ("voted 31 to 12", "fully funded", "on Tuesday")
    )
    ana, bo = UserFactory(role="reviewer", username="ana"), UserFactory(role="reviewer", username="bo")
    for claim, keys in ((agreed, ("true", "true")), (disputed, ("true", "false"))):
        for reviewer, key in zip((ana, bo), keys, strict=True):
            review.submit(make_annotation(claim, reviewer, key=key), actor=reviewer)
    make_annotation(unsubmitted, ana, key="true")
    make_annotation(unsubmitted, bo, key="false")

    response = api(editor).get("/api/v1/agreement/", {"article": article.pk})
    assert response.status_code == 200
    body = response.json()
    assert (body["claims"], body["annotations"]) == (2, 4)
    # By hand: coincidences o_tt = 2, o_tf = o_ft = 1; n_t = 3, n_f = 1, n = 4.
    # alpha = 1 - (n - 1) * (o_tf + o_ft) / (2 * n_t * n_f) = 1 - 3 * 2 / 6 = 0.
    assert body["alpha"] == pytest.approx(0.0)
    assert body["disagreements"] == [
        {"claim": disputed.pk, "exact": "fully funded", "verdicts": {"ana": "true", "bo": "false"}}
    ]


@pytest.mark.django_db
def test_agreement_uses_each_annotations_first_submitted_verdict(api, editor):
    claim = ClaimFactory()
    ana, bo = UserFactory(role="reviewer", username="ana"), UserFactory(role="reviewer", username="bo")
    first = make_annotation(claim, ana, key="true")
    review.submit(first, actor=ana)
    review.submit(make_annotation(claim, bo, key="false"), actor=bo)
    review.reopen(first, actor=editor, comment="Bo disagrees")
    versioning.append_version(first, based_on=1, author=ana, verdict=verdict("false"))
    review.submit(first, actor=ana)
    body = api(editor).get("/api/v1/agreement/").json()
    assert (body["basis"], body["disagreements"][0]["verdicts"]) == (
        "first_submissions",
        {"ana": "true", "bo": "false"},
    )


@pytest.mark.django_db
def test_agreement_of_a_bad_article_id_is_refused_naming_article(api, editor):
    response = api(editor).get("/api/v1/agreement/", {"article": "seven"})
    assert response.status_code == 400
    assert "article" in response.json()


@pytest.mark.django_db
def test_agreement_computed_in_sql_matches_the_reference_on_random_verdicts(api, editor):
    rng = random.Random(7)
    body = " ".join(f"Figure {n:02d} rose." for n in range(8))
    article = ArticleFactory(body=body)
    reviewers = [UserFactory(role="reviewer", username=f"rater-{n}") for n in range(3)]
    units = []
    for n in range(8):
        claim = ClaimFactory(article=article, exact=f"Figure {n:02d}")
        keys = [rng.choice(["true", "false", "mixed"]) for _ in range(rng.randint(1, 3))]
        for reviewer, key in zip(reviewers, keys, strict=False):
            review.submit(make_annotation(claim, reviewer, key=key), actor=reviewer)
        units.append(keys)
    body = api(editor).get("/api/v1/agreement/", {"article": article.pk}).json()
    pairable = [keys for keys in units if len(keys) >= 2]
    assert body["claims"] == len(pairable)
    assert body["annotations"] == sum(len(keys) for keys in pairable)
    expected = nominal_alpha(pairable)
    assert body["alpha"] == (pytest.approx(expected) if expected is not None else None)
    assert body["disagreement_count"] == sum(len(set(keys)) > 1 for keys in pairable)


@pytest.mark.django_db
def test_agreement_over_everything_equals_the_sum_of_its_articles(api, editor):
    ana, bo = UserFactory(role="reviewer", username="ana"), UserFactory(role="reviewer", username="bo")
    for keys in (("true", "false"), ("true", "true"), ("mixed", "false")):
        claim = ClaimFactory(article=ArticleFactory())
        for reviewer, key in zip((ana, bo), keys, strict=True):
            review.submit(make_annotation(claim, reviewer, key=key), actor=reviewer)
    body = api(editor).get("/api/v1/agreement/").json()
    assert (body["claims"], body["annotations"], body["disagreement_count"]) == (3, 6, 2)
    assert body["alpha"] == pytest.approx(nominal_alpha([["true", "false"], ["true", "true"], ["mixed", "false"]]))
    assert [d["claim"] for d in body["disagreements"]] == sorted(d["claim"] for d in body["disagreements"])


@pytest.mark.django_db
def test_agreement_between_instants_within_a_day_counts_only_claims_changed_between_them(api, editor):
    claim = ClaimFactory()
    for name, key in (("ana", "true"), ("bo", "false")):
        reviewer = UserFactory(role="reviewer", username=name)
        review.submit(make_annotation(claim, reviewer, key=key), actor=reviewer)
    changed = Annotation.objects.filter(claim=claim).latest("updated_at").updated_at
    client = api(editor)
    around = client.get(
        "/api/v1/agreement/",
        {
            "date_from": (changed - datetime.timedelta(seconds=1)).isoformat(),
            "date_to": (changed + datetime.timedelta(seconds=1)).isoformat(),
        },
    ).json()
    after = client.get(
        "/api/v1/agreement/", {"date_from": (changed + datetime.timedelta(seconds=1)).isoformat()}
    ).json()
    assert (around["claims"], around["disagreement_count"], after["claims"]) == (1, 1, 0)


@pytest.mark.django_db
def test_agreement_counts_only_annotations_changed_within_the_date_range(api, editor):
    claim = ClaimFactory()
    for name, key in (("ana", "true"), ("bo", "false")):
        reviewer = UserFactory(role="reviewer", username=name)
        review.submit(make_annotation(claim, reviewer, key=key), actor=reviewer)
    client = api(editor)
    now = client.get("/api/v1/agreement/", {"date_from": "2000-01-01"}).json()
    before = client.get("/api/v1/agreement/", {"date_from": "2000-01-01", "date_to": "2000-01-02"}).json()
    assert (now["claims"], before["claims"]) == (1, 0)
    bad = client.get("/api/v1/agreement/", {"date_from": "2000-01-02", "date_to": "2000-01-01"})
    assert bad.status_code == 400 and "date_to" in bad.json()

"""The rating scale in every language: translated labels in pages, in the CSV (`labels=`) and in ClaimReview."""

import csv
import io
import json

import pytest
from django.utils import timezone

from annotations import people
from annotations.exports import jobs
from annotations.exports.claimreview import write_claimreview
from annotations.models import ExportJob, VerdictTranslation

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish, verdict
from .test_export_csv import URL, fetch, rows
from .test_export_formats import export

pytestmark = pytest.mark.django_db


def published(editor, reviewer, *, key="false", language="en"):
    claim = ClaimFactory(article=ArticleFactory(language=language), exact="voted 31 to 12")
    return publish(make_annotation(claim, reviewer, key=key), editor)


def test_csv_with_labels_it_writes_the_italian_label_right_after_the_verdict_key(api, editor, reviewer):
    published(editor, reviewer, key="mostly-false")
    content = fetch(api(editor), labels="it")
    header = content.split(b"\r\n")[0].decode().split(",")
    [row] = rows(content)
    assert header[header.index("verdict") + 1] == "verdict_label"
    assert (row["verdict"], row["verdict_label"]) == ("mostly-false", "Quasi falso")


def test_csv_without_labels_keeps_the_documented_columns(api, editor, reviewer):
    published(editor, reviewer)
    assert "verdict_label" not in rows(fetch(api(editor)))[0]


def test_csv_labels_fall_back_to_the_verdicts_own_label_where_no_translation_exists(api, editor, reviewer):
    VerdictTranslation.objects.filter(verdict__key="false", language="it").delete()
    published(editor, reviewer, key="false")
    assert rows(fetch(api(editor), labels="it"))[0]["verdict_label"] == "False"


def test_csv_labels_apply_to_the_history_export_as_of_an_instant(api, editor, reviewer):
    published(editor, reviewer, key="true")
    [row] = rows(fetch(api(editor), labels="it", as_of=timezone.now().isoformat()))
    assert (row["verdict"], row["verdict_label"]) == ("true", "Vero")


def test_csv_labels_in_an_unknown_language_are_refused_naming_the_parameter(api, editor):
    response = api(editor).get(URL, {"labels": "klingon"})
    assert response.status_code == 400
    assert "labels" in response.json()


def test_export_job_with_labels_writes_the_label_column(editor, reviewer, settings, tmp_path):
    settings.FACTCHECK = {**settings.FACTCHECK, "EXPORT_DIR": tmp_path}
    published(editor, reviewer, key="misleading")
    job = ExportJob.objects.create(format="csv", filters={"labels": "it"}, created_by=editor)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    text = (tmp_path / job.file).read_text(encoding="utf-8")
    [row] = list(csv.DictReader(io.StringIO(text, newline="")))
    assert (row["verdict"], row["verdict_label"]) == ("misleading", "Fuorviante")


def test_export_job_request_accepts_labels_among_its_filters(api, editor):
    response = api(editor).post("/api/v1/exports/", {"format": "csv", "filters": {"labels": "ar"}}, format="json")
    assert response.status_code == 202, response.content


def test_claimreview_alternate_name_is_in_the_articles_language(editor, reviewer):
    published(editor, reviewer, key="false", language="it")
    [review] = json.loads(export(write_claimreview))["@graph"]
    assert review["reviewRating"]["alternateName"] == "Falso"


def test_claimreview_alternate_name_matches_a_regional_tag_by_its_language(editor, reviewer):
    published(editor, reviewer, key="false", language="pt-BR")
    [review] = json.loads(export(write_claimreview))["@graph"]
    assert review["reviewRating"]["alternateName"] == "Falso"


def test_claimreview_alternate_name_keeps_the_desks_label_without_a_translation(editor, reviewer):
    published(editor, reviewer, key="false", language="sv")
    [review] = json.loads(export(write_claimreview))["@graph"]
    assert review["reviewRating"]["alternateName"] == "False"


def test_reader_offers_the_rating_scale_in_the_persons_language(browser_client, reviewer):
    people.update_profile(reviewer, language="de")
    article = ArticleFactory()
    page = browser_client(reviewer).get(f"/articles/{article.pk}/")
    labels = {row["key"]: row["label"] for row in page.context["page_data"]["verdicts"]}
    assert labels["mostly-true"] == "Größtenteils richtig"


def test_a_verdict_edited_in_the_admin_shows_its_translations_inline(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-for-tests")
    client.force_login(admin)
    page = client.get(f"/admin/annotations/verdict/{verdict('false').pk}/change/").content.decode()
    assert "translations-TOTAL_FORMS" in page and "Falso" in page


def test_reader_explains_each_verdict_in_the_persons_language(browser_client, reviewer):
    people.update_profile(reviewer, language="it")
    page = browser_client(reviewer).get(f"/articles/{ArticleFactory().pk}/").content.decode()
    assert "La scala dei verdetti" in page
    assert "I fatti possono essere giusti, ma l&#x27;affermazione dà un&#x27;impressione sbagliata." in page

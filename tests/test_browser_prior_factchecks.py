"""Prior fact-checks in "Checked before?" of the claim panel, in real Chromium."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, PriorFactCheck, RatingMapping
from annotations.priors.importing import import_items
from annotations.priors.ratings import save_mapping

from .axe import axe_violations
from .browser_steps import open_article
from .factories import ArticleFactory, ClaimFactory, UserFactory, verdict
from .test_prior_api import EN_BODY, ITALIAN_VOTE_REVIEW, VOTE
from .test_prior_import import ITALIAN_REVIEW, datafeed, review

pytest_plugins = ["tests.browser_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def checked():
    reviewer = UserFactory(role="reviewer", username="desk-reviewer")
    claim = ClaimFactory(article=ArticleFactory(title="Kaspersky ban", body=EN_BODY, language="en"), exact=VOTE)
    import_items([(1, ITALIAN_VOTE_REVIEW)], source_kind="file", source="test")
    PriorFactCheck.objects.update(verdict=verdict("false"))
    return {"reviewer": reviewer, "claim": claim}


def test_a_prior_fact_check_shows_its_publisher_ratings_and_link_and_links_as_a_draft(open_page, checked):
    page = open_page(checked["reviewer"])
    open_article(page, checked["claim"].article_id, f"?claim={checked['claim'].pk}")

    suggestions = page.get_by_role("list", name="Checked before?").get_by_role("listitem")
    expect(suggestions).to_have_count(1)
    # The fact-check's date in the page's language (English here), not as the feed writes it.
    expect(suggestions.first).to_contain_text("Pagella Example rated it “Falso”, May 2, 2023")
    expect(suggestions.first.locator(".verdict-chip")).to_have_text("False")
    expect(suggestions.first.get_by_role("link")).to_have_attribute("href", ITALIAN_VOTE_REVIEW["url"])
    expect(suggestions.first).to_contain_text("Kaspersky")

    suggestions.first.get_by_role("button", name="Checked by this fact-check").click()

    expect(page.locator("#match-message")).to_have_text(
        "Linked. A draft verdict was pre-filled from the mapped rating: confirm it before submitting."
    )
    linked = page.get_by_role("list", name="Same claim elsewhere").locator(".prior-link")
    expect(linked).to_contain_text("Checked by")
    annotation = Annotation.objects.get(claim=checked["claim"])
    assert (annotation.status, annotation.versions.get().verdict.key) == ("draft", "false")


def test_the_search_page_ranks_prior_fact_checks_among_the_claims_when_asked(open_page, checked):
    page = open_page(checked["reviewer"])
    page.goto("/search/?q=Kaspersky&include=prior")

    results = page.get_by_role("list", name="Search results").get_by_role("listitem")
    expect(results).to_have_count(2)
    expect(page.locator("#search-message")).to_have_text("2 results found, prior fact-checks included.")
    prior = results.filter(has_text="Prior fact-check")
    expect(prior).to_contain_text("Pagella Example rated it “Falso”")
    expect(prior.locator(".verdict-chip")).to_have_text("False")
    expect(prior.get_by_role("link")).to_have_attribute("href", ITALIAN_VOTE_REVIEW["url"])
    expect(prior.locator("mark")).to_have_text("Kaspersky")

    page.get_by_label("Include prior fact-checks").uncheck()
    page.get_by_role("button", name="Search").click()
    expect(results).to_have_count(1)
    expect(page.locator("#search-message")).to_have_text("1 claim found.")
    expect(results.first).to_contain_text("Kaspersky ban")


# ---------------------------------------------------------------- the prior fact-checks page


def _feed(tmp_path) -> str:
    path = tmp_path / "feed.json"
    path.write_bytes(
        datafeed(
            ITALIAN_REVIEW,
            review(1, reviewRating={"alternateName": "Pants on Fire"}),
            review(2, claimReviewed=""),
        )
    )
    return str(path)


@pytest.mark.worker
def test_an_editor_imports_a_feed_file_sees_its_counts_and_maps_an_unmapped_rating(
    open_page, celery_worker_process, tmp_path
):
    editor = UserFactory(role="editor", username="desk-editor")
    page = open_page(editor)
    page.get_by_role("link", name="Prior fact-checks").click()
    expect(page.get_by_role("heading", name="Prior fact-checks", level=1)).to_be_visible()
    expect(page.locator("html[data-ready=true]")).to_have_count(1)

    page.get_by_label("Feed file").set_input_files(_feed(tmp_path))
    page.get_by_role("button", name="Import", exact=True).click()

    job = page.get_by_role("table", name="Imports").locator("tbody tr").first
    expect(job.get_by_text("succeeded")).to_be_visible(timeout=30_000)
    counts = {name: job.locator(f'[data-count="{name}"]') for name in ("new", "updated", "unchanged", "refused")}
    expect(counts["new"]).to_have_text("2")
    expect(counts["unchanged"]).to_have_text("0")
    expect(counts["refused"]).to_have_text("1")
    expect(page.locator("#import-message")).to_have_text("Import finished: 2 new, 0 updated, 0 unchanged, 1 refused.")
    report = page.locator("#import-reports details")
    expect(report).to_contain_text("1 item refused in the import of feed.json")
    expect(report).to_contain_text("Item 3")
    expect(report).to_contain_text("claimReviewed: missing")
    expect(report).not_to_contain_text("null")
    expect(page.get_by_role("table", name="Fact-checks").locator("tbody tr")).to_have_count(2)

    unmapped = page.get_by_role("table", name="Unmapped ratings").locator("tbody tr")
    expect(unmapped).to_have_count(2)
    falso = unmapped.filter(has_text="Falso")
    expect(falso).to_contain_text("Pagella Example")
    # The suggestion is offered, not applied: nothing is mapped until the editor maps it.
    expect(falso.get_by_role("combobox")).to_have_value("false")
    assert not RatingMapping.objects.exists()
    falso.get_by_role("button", name="Map").click()

    expect(page.locator("#mapping-message")).to_have_text("“Falso” (Pagella Example, it) is now mapped to False.")
    expect(unmapped).to_have_count(1)
    expect(unmapped.first).to_contain_text("Pants on Fire")
    mappings = page.get_by_role("table", name="Mappings").locator("tbody tr")
    expect(mappings).to_have_count(1)
    expect(mappings.first).to_contain_text("Falso")
    mapping = RatingMapping.objects.get()
    assert (mapping.publisher, mapping.language, mapping.verdict.key) == ("Pagella Example", "it", "false")
    assert PriorFactCheck.objects.get(url=ITALIAN_REVIEW["url"]).verdict.key == "false"
    assert axe_violations(page) == []


def test_a_reviewer_reads_the_list_and_filters_it_without_any_editors_controls(open_page):
    reviewer = UserFactory(role="reviewer", username="desk-reviewer")
    import_items(enumerate([ITALIAN_REVIEW, review(1)], start=1), source_kind="file", source="test")
    page = open_page(reviewer)
    page.goto("/prior-factchecks/")
    expect(page.locator("html[data-ready=true]")).to_have_count(1)

    rows = page.get_by_role("table", name="Fact-checks").locator("tbody tr")
    expect(rows).to_have_count(2)
    italian = rows.filter(has_text="ponte")
    expect(italian).to_contain_text("Pagella Example")
    expect(italian).to_contain_text("Falso (1 on 1\u20135)")
    expect(italian).to_contain_text("Not mapped")
    expect(italian).to_contain_text("May 2, 2023")
    expect(italian.get_by_role("link", name="Read it")).to_have_attribute("href", ITALIAN_REVIEW["url"])
    for name in ("Import fact-checks", "Ratings to map", "Rating mappings"):
        expect(page.get_by_role("heading", name=name)).to_have_count(0)
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Verdict on our scale", exact=False)).to_have_count(0)

    page.get_by_label("Language", exact=True).select_option("it")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/prior-factchecks/?language=it")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ponte")
    assert axe_violations(page) == []


def test_the_list_pages_through_the_apis_next_links(open_page):
    viewer = UserFactory(role="viewer", username="desk-viewer")
    import_items(enumerate([review(n) for n in range(1, 53)], start=1), source_kind="file", source="test")
    page = open_page(viewer)
    page.goto("/prior-factchecks/")
    rows = page.get_by_role("table", name="Fact-checks").locator("tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next")).to_be_hidden()
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Previous").click()
    expect(rows).to_have_count(50)


def test_an_editors_verdict_stays_through_a_mapping_change_until_handed_back(open_page):
    editor = UserFactory(role="editor", username="desk-editor")
    import_items([(1, review(1))], source_kind="file", source="test")
    save_mapping(None, actor=editor, rating_name="False", verdict=verdict("false"))
    page = open_page(editor)
    page.goto("/prior-factchecks/")
    row = page.get_by_role("table", name="Fact-checks").locator("tbody tr").first
    choice = row.get_by_role("combobox", name="Verdict on our scale", exact=False)
    expect(choice).to_have_value("false")
    expect(row.get_by_role("button", name="Use the mapping")).to_have_count(0)

    choice.select_option("mostly-false")
    row.get_by_role("button", name="Save").click()
    expect(row).to_contain_text("Set by an editor; mappings leave it.")
    # A later change of the mapping leaves the editor's verdict. The list it reloads is held back, so
    # the editor hands the verdict back while that (older) list is still on its way.
    held = []

    def hold_the_first_list(route):
        if held:
            return route.continue_()
        held.append((route, route.fetch()))  # read now, delivered later

    page.route("**/api/v1/prior-factchecks/?*", hold_the_first_list)
    mappings = page.get_by_role("table", name="Mappings").locator("tbody tr")
    mappings.first.get_by_role("combobox").select_option("misleading")
    mappings.first.get_by_role("button", name="Save").click()
    expect(page.locator("#mapping-message")).to_contain_text("is now mapped to Misleading")
    expect(choice).to_have_value("mostly-false")
    assert PriorFactCheck.objects.get().verdict.key == "mostly-false"
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1

    row.get_by_role("button", name="Use the mapping").click()
    expect(page.locator("#prior-message")).to_contain_text("follows the rating mapping again: Misleading.")
    route, stale = held[0]
    with page.expect_response("**/api/v1/prior-factchecks/?*"):
        route.fulfill(response=stale)  # the list read before the hand-back arrives last, and is not drawn
    page.wait_for_timeout(200)  # time for the page to read it (and, before the fix, draw it)
    expect(row.get_by_role("combobox", name="Verdict on our scale", exact=False)).to_have_value("misleading")
    expect(row).not_to_contain_text("Set by an editor")
    prior = PriorFactCheck.objects.get()
    assert (prior.verdict.key, prior.verdict_corrected) == ("misleading", False)
    assert axe_violations(page) == []

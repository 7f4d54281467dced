"""Concurrent saves through the API on real, separate PostgreSQL connections: no lost update, ever."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient

from annotations.models import AnnotationVersion

from .factories import ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(count: int, work: Callable[[int, APIClient], object]) -> list:
    """Run work(index, client) in `count` threads, each on its own database connection, started together."""
    barrier = threading.Barrier(count, timeout=30)
    results: list = [None] * count
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            client = APIClient()
            barrier.wait()
            results[index] = work(index, client)
        except BaseException as error:  # reported below; a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_sixteen_writers_racing_on_one_etag_give_one_version_and_fifteen_412s():
    editor = UserFactory(role="editor", username="racer")
    annotation = make_annotation(ClaimFactory(), editor, confidence=50)

    def save(index: int, client: APIClient):
        client.force_authenticate(editor)
        response = client.patch(
            f"/api/v1/annotations/{annotation.pk}/", {"confidence": index}, format="json", HTTP_IF_MATCH='"1"'
        )
        return response.status_code, backend_pid()

    results = run_in_threads(16, save)
    codes = sorted(code for code, _pid in results)
    assert codes == [200] + [412] * 15
    assert len({pid for _code, pid in results}) == 16
    assert list(AnnotationVersion.objects.filter(annotation=annotation).values_list("number", flat=True)) == [1, 2]


def test_writers_that_reread_and_retry_lose_nothing_and_leave_gapless_numbers():
    writers, saves_each = 8, 6
    reviewer = UserFactory(role="reviewer", username="writer")
    annotation = make_annotation(ClaimFactory(), reviewer, confidence=50)
    url = f"/api/v1/annotations/{annotation.pk}/"

    def save_repeatedly(index: int, client: APIClient) -> dict[int, str]:
        client.force_authenticate(reviewer)
        accepted: dict[int, str] = {}
        etag = client.get(url)["ETag"]
        for n in range(saves_each):
            note = f"writer {index} save {n}"
            for _attempt in range(200):
                response = client.patch(url, {"change_note": note}, format="json", HTTP_IF_MATCH=etag)
                if response.status_code == 200:
                    accepted[response.json()["version"]] = note
                    etag = response["ETag"]
                    break
                assert response.status_code == 412, response.content
                etag = client.get(url)["ETag"]  # re-read, then retry on the newer version
            else:
                raise AssertionError(f"{note} never got through")
        return accepted

    accepted: dict[int, str] = {}
    for per_writer in run_in_threads(writers, save_repeatedly):
        assert not set(per_writer) & set(accepted), "two writers were told they made the same version"
        accepted.update(per_writer)

    stored = dict(AnnotationVersion.objects.filter(annotation=annotation).values_list("number", "change_note"))
    assert sorted(stored) == list(range(1, writers * saves_each + 2))
    assert {number: stored[number] for number in accepted} == accepted
    annotation.refresh_from_db()
    assert annotation.version == writers * saves_each + 1


# ---------------------------------------------------------------- review races and derived data


def _derived_equal_a_rebuild() -> bool:
    from annotations import derived

    from .test_derived import derived_state

    kept = derived_state()
    derived.rebuild()
    return derived_state() == kept


def _submitted(claim, reviewer, key: str):
    from annotations import review

    annotation = make_annotation(claim, reviewer, key=key)
    review.submit(annotation, actor=reviewer)
    return annotation


def test_two_editors_approving_two_annotations_of_one_claim_leave_one_published_verdict():
    from annotations.models import Annotation, Claim, PublishedExportRow

    claim = ClaimFactory()
    annotations = [
        _submitted(claim, UserFactory(role="reviewer", username=f"rater-{n}"), key)
        for n, key in enumerate(("true", "false"))
    ]
    editors = [UserFactory(role="editor", username=f"approver-{n}") for n in range(2)]

    def approve(index: int, client: APIClient) -> int:
        client.force_authenticate(editors[index])
        url = f"/api/v1/annotations/{annotations[index].pk}/approve/"
        return client.post(url, {}, format="json", HTTP_IF_MATCH='"1"').status_code

    codes = run_in_threads(2, approve)
    assert sorted(codes) in ([200, 200], [200, 409])  # serialised on the claim: the later one replaces or is refused
    approved = list(Annotation.objects.filter(claim=claim, status="approved"))
    assert len(approved) == 1
    published = Claim.objects.get(pk=claim.pk).published_version
    assert published.annotation_id == approved[0].pk
    assert PublishedExportRow.objects.get(claim=claim).version_id == published.pk
    assert _derived_equal_a_rebuild()


def test_an_approval_racing_an_edit_of_the_same_annotation_loses_nothing():
    from annotations.models import Annotation, AnnotationVersion, Claim

    claim = ClaimFactory()
    annotation = _submitted(claim, UserFactory(role="reviewer", username="rated"), "true")
    editors = [UserFactory(role="editor", username=f"racing-editor-{n}") for n in range(2)]

    def act(index: int, client: APIClient) -> tuple[str, int]:
        client.force_authenticate(editors[index])
        url = f"/api/v1/annotations/{annotation.pk}/"
        if index == 0:
            return "edit", client.patch(url, {"confidence": 10}, format="json", HTTP_IF_MATCH='"1"').status_code
        return "approve", client.post(url + "approve/", {}, format="json", HTTP_IF_MATCH='"1"').status_code

    outcome = dict(run_in_threads(2, act))
    published = Claim.objects.get(pk=claim.pk).published_version_id
    status = Annotation.objects.get(pk=annotation.pk).status
    if outcome["approve"] == 412:  # the edit came first: the approval named a version that is gone
        assert (outcome["edit"], status, published) == (200, "submitted", None)
    else:  # the approval came first: the edit (based on the approved version) re-opens it as a draft
        assert outcome == {"edit": 200, "approve": 200}
        first = AnnotationVersion.objects.get(annotation=annotation, number=1)
        assert (status, published) == ("draft", first.pk)
    assert AnnotationVersion.objects.filter(annotation=annotation).count() == 2
    assert _derived_equal_a_rebuild()

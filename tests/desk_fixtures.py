"""A small desk built through the real services: drafts, submissions, approvals, rejections, a re-approval,
a withdrawal and a replacement, in two languages. `EXPECTED` is what the dashboard must show for it."""

from dataclasses import dataclass

from annotations import review, versioning

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, verdict

EN_BODY = "One said 31 to 12. Two said 4.2 km. Three said 40,000. Four said 180 million. Five said 2019. Six said 68."
IT_BODY = "Sette disse 94 milioni. Otto disse il doppio."


@dataclass
class Desk:
    editor: object
    alice: object
    bob: object
    carol: object
    english: object
    italian: object
    claims: dict


def build_desk() -> Desk:
    editor = UserFactory(role="editor", username="desk-editor")
    alice, bob, carol = (UserFactory(role="reviewer", username=name) for name in ("alice", "bob", "carol"))
    english = ArticleFactory(body=EN_BODY, language="en")
    italian = ArticleFactory(body=IT_BODY, language="it")
    english_claims = ["31 to 12", "4.2 km", "40,000", "180 million", "2019", "68"]
    claims = {f"c{n}": ClaimFactory(article=english, exact=exact) for n, exact in enumerate(english_claims, 1)}
    claims["c7"] = ClaimFactory(article=italian, exact="94 milioni")
    claims["c8"] = ClaimFactory(article=italian, exact="il doppio")

    # c1: alice's verdict approved, then re-opened and edited as a draft (the published verdict stays).
    a1 = make_annotation(claims["c1"], alice, key="true")
    review.submit(a1, actor=alice)
    review.approve(a1, actor=editor)
    review.reopen(a1, actor=editor, comment="More sources, please.")
    versioning.append_version(a1, based_on=1, author=alice, rationale="More sources.")
    # c2: alice's draft only.
    make_annotation(claims["c2"], alice, key="false")
    # c3: bob's rejected, edited, resubmitted and approved with another verdict.
    b3 = make_annotation(claims["c3"], bob, key="mixed")
    review.submit(b3, actor=bob)
    review.reject(b3, actor=editor)
    versioning.append_version(b3, based_on=1, author=bob, verdict=verdict("mostly-false"))
    review.submit(b3, actor=bob)
    review.approve(b3, actor=editor)
    # c4: alice's approved, withdrawn (rejected), resubmitted and approved again.
    a4 = make_annotation(claims["c4"], alice, key="true")
    review.submit(a4, actor=alice)
    review.approve(a4, actor=editor)
    review.reject(a4, actor=editor)
    review.submit(a4, actor=alice)
    review.approve(a4, actor=editor)
    # c5: three reviewers; alice's approved, then replaced by carol's.
    a5 = make_annotation(claims["c5"], alice, key="false")
    b5 = make_annotation(claims["c5"], bob, key="false")
    c5 = make_annotation(claims["c5"], carol, key="mixed")
    for annotation in (a5, b5, c5):
        review.submit(annotation, actor=annotation.reviewer)
    review.approve(a5, actor=editor)
    review.approve(c5, actor=editor)
    # c7: carol's submitted, waiting. c6 and c8: nobody.
    review.submit(make_annotation(claims["c7"], carol, key="unproven"), actor=carol)
    return Desk(editor, alice, bob, carol, english, italian, claims)


EXPECTED_VERDICTS = {"true": 2, "mostly-true": 0, "mixed": 1, "mostly-false": 1, "false": 0, "misleading": 0,
                     "unproven": 0}  # fmt: skip
# Assigned work is counted now, whatever the range (annotations.desk.workload); this desk assigns nothing.
NO_ASSIGNED_WORK = {"assigned": 0, "open": 0, "overdue": 0}
EXPECTED_REVIEWERS = [
    {"reviewer": "alice", "annotations": 4, "submitted": 4, "approved": 4, "rejected": 1, **NO_ASSIGNED_WORK},
    {"reviewer": "bob", "annotations": 2, "submitted": 3, "approved": 1, "rejected": 1, **NO_ASSIGNED_WORK},
    {"reviewer": "carol", "annotations": 2, "submitted": 2, "approved": 1, "rejected": 0, **NO_ASSIGNED_WORK},
]
EXPECTED_ANNOTATED_TODAY = 8
EXPECTED_APPROVALS_TODAY = 6
EXPECTED_BACKLOG = {"unannotated_claims": 2, "waiting": 3}

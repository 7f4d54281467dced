"""The domain's data: articles, claims anchored in them, verdict annotations and their history.

Source data by concept (`articles`, `claims`, `reviews`, `scale`, `jobs`, `people`); the tables derived from
it live apart in `derived` (kept by annotations.derived, rebuildable from the history).

History tables (annotation versions, review transitions, publications, article revisions and claim
anchorings) are append-only: PostgreSQL triggers make the database itself refuse UPDATE, DELETE and
TRUNCATE on them.
"""

from .agreement import AgreementTally
from .articles import Article, ArticleRevision
from .audit import AuditChainHead, AuditEvent
from .claims import AnchorStatus, Claim, ClaimAnchor, ClaimGroup, ClaimGroupMember
from .derived import BacklogTally, DailyTally, PairedClaim, PublishedExportRow, WaitingAnnotation
from .jobs import ExportJob, FetchJob
from .people import Profile
from .postgres import RegConfigField
from .prior import (
    ClaimPriorLink,
    PriorFactCheck,
    PriorFactCheckChange,
    PriorFeed,
    PriorImportJob,
    PriorSource,
    RatingMapping,
)
from .reviews import Annotation, AnnotationVersion, Publication, ReviewTransition
from .scale import Verdict
from .team import Assignment, Comment, CommentRevision, EmailDigest, Notification
from .translations import VerdictTranslation
from .words import WordsDecision

__all__ = [
    "AgreementTally",
    "AnchorStatus",
    "Annotation",
    "AnnotationVersion",
    "Article",
    "ArticleRevision",
    "Assignment",
    "AuditChainHead",
    "AuditEvent",
    "BacklogTally",
    "Claim",
    "ClaimAnchor",
    "ClaimGroup",
    "ClaimGroupMember",
    "ClaimPriorLink",
    "Comment",
    "CommentRevision",
    "DailyTally",
    "EmailDigest",
    "ExportJob",
    "FetchJob",
    "Notification",
    "PairedClaim",
    "PriorFactCheck",
    "PriorFactCheckChange",
    "PriorFeed",
    "PriorImportJob",
    "PriorSource",
    "Profile",
    "Publication",
    "PublishedExportRow",
    "RatingMapping",
    "RegConfigField",
    "ReviewTransition",
    "Verdict",
    "VerdictTranslation",
    "WaitingAnnotation",
    "WordsDecision",
]

"""Create N claims over many articles, each with a published verdict of three versions, for benchmarks.

On PostgreSQL the rows go in with COPY inside one transaction (a million
claims take a few minutes); elsewhere with bulk_create. The data is synthetic
but shaped like the real thing: accents and non-Latin text, commas, quotes,
line breaks and formula-looking text in rationales, one to three evidence URLs.
Running it again adds N more claims.
"""

import datetime
import io
import json
import math
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from annotations import roles, stats
from annotations.models import Annotation, AnnotationVersion, Article, Claim, Publication, ReviewTransition, Verdict

CLAIMS_PER_ARTICLE = 20
VERSIONS_PER_ANNOTATION = 3
REVIEWERS = 10
SENTENCE = "Sentence {k}: the minister said spending rose to {n} million euros in {year}, è vero? Москва. "
RATIONALES = (
    "Official figures agree.",
    'The report says "roughly", not exactly; see table 2.',
    "Two sources, one line each:\nfirst source\nsecond source",
    "-5% is what the budget office reported, not +5%.",
    "=SUM(A1:A9) is what the spreadsheet in the leak computed.",
)


class Command(BaseCommand):
    help = "Create N claims with published verdicts (three versions each) for export benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="Number of claims to add.")

    def handle(self, *args, claims: int, **options):
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        users = _users()
        verdicts = list(Verdict.objects.order_by("position", "id").values_list("id", flat=True))
        if not verdicts:
            raise CommandError("The rating scale is empty; run migrate first.")
        plan = _Plan(claims, users, verdicts)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy_in(plan)
            else:
                _bulk_create(plan)
            # The rows went in around the services: rebuild the dashboard's counters from them.
            stats.recount()
        self.stdout.write(f"Added {claims} claims over {plan.articles} articles.")


def _users() -> dict:
    User = get_user_model()
    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    reviewer_group = Group.objects.get_or_create(name=roles.REVIEWER)[0]
    reviewers = []
    for number in range(REVIEWERS):
        user, _ = User.objects.get_or_create(username=f"bench-reviewer-{number}")
        user.groups.add(reviewer_group)
        reviewers.append(user.pk)
    return {"editor": editor.pk, "reviewers": reviewers}


class _Plan:
    """Ids and rows of one seeding run; ids continue after the tables' current maxima."""

    def __init__(self, claims: int, users: dict, verdicts: list[int]) -> None:
        self.claims = claims
        self.articles = math.ceil(claims / CLAIMS_PER_ARTICLE)
        self.users = users
        self.verdicts = verdicts
        self.start = {
            model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            for model in (Article, Claim, Annotation, AnnotationVersion, Publication)
        }
        self.base = timezone.now() - datetime.timedelta(days=365)
        sentences = [SENTENCE.format(k=k, n=100 + k * 7, year=2000 + k) for k in range(CLAIMS_PER_ARTICLE)]
        self.body = "".join(sentences)
        self.spans = []
        offset = 0
        for sentence in sentences:
            self.spans.append((offset, offset + len(sentence) - 1))  # without the trailing space
            offset += len(sentence)

    def instant(self, seconds: float) -> datetime.datetime:
        return self.base + datetime.timedelta(seconds=seconds)

    def article_rows(self) -> Iterator[tuple]:
        for index in range(self.articles):
            pk = self.start[Article] + index
            yield (
                pk,
                f"Bench article {pk}, «edizione» №{index}",
                f"https://news.example.org/bench/{pk}",
                "The Example Times",
                ("en", "it", "ru")[index % 3],
                self.instant(index),
                self.body,
                self.instant(index),
                self.instant(index),
                None,
            )

    def claim_rows(self) -> Iterator[tuple]:
        for index in range(self.claims):
            article, position = divmod(index, CLAIMS_PER_ARTICLE)
            start, end = self.spans[position]
            exact = self.body[start:end]
            published = self.start[AnnotationVersion] + index * VERSIONS_PER_ANNOTATION + VERSIONS_PER_ANNOTATION - 1
            yield (
                self.start[Claim] + index,
                start,
                end,
                exact,
                self.body[max(0, start - 32) : start],
                self.body[end : end + 32],
                ("Minister of Finance", "=Opposition leader")[index % 2],
                (self.base + datetime.timedelta(days=index % 300)).date(),
                "",
                self.instant(index),
                self.instant(index),
                self.start[Article] + article,
                None,
                published,
            )

    def annotation_rows(self) -> Iterator[tuple]:
        for index in range(self.claims):
            reviewer = self.users["reviewers"][index % REVIEWERS]
            yield (
                self.start[Annotation] + index,
                Annotation.Status.APPROVED,
                VERSIONS_PER_ANNOTATION,
                self.instant(index),
                self.instant(index + 3),
                reviewer,
                self.start[Claim] + index,
            )

    def version_rows(self) -> Iterator[tuple]:
        for index in range(self.claims):
            reviewer = self.users["reviewers"][index % REVIEWERS]
            for number in range(1, VERSIONS_PER_ANNOTATION + 1):
                evidence = [
                    {
                        "url": f"https://evidence.example.org/{index}/{item}",
                        "title": f"Source {item}",
                        "publisher": "Statistics office",
                        "quote": "spending rose",
                        "stance": "supports",
                        "accessed": "2024-05-01",
                    }
                    for item in range(1 + (index + number) % 3)
                ]
                yield (
                    self.start[AnnotationVersion] + index * VERSIONS_PER_ANNOTATION + number - 1,
                    number,
                    number - 1 or None,
                    None,
                    50 + (index + number) % 50,
                    RATIONALES[(index + number) % 5],
                    json.dumps(evidence),
                    f"version {number}",
                    self.instant(index + number),
                    self.start[Annotation] + index,
                    reviewer,
                    self.verdicts[(index + number) % len(self.verdicts)],
                )

    def transition_rows(self) -> Iterator[tuple]:
        for index in range(self.claims):
            reviewer = self.users["reviewers"][index % REVIEWERS]
            first = self.start[Annotation] + index
            for step, (before, after, actor) in enumerate(
                (("draft", "submitted", reviewer), ("submitted", "approved", self.users["editor"]))
            ):
                yield (
                    None,
                    before,
                    after,
                    VERSIONS_PER_ANNOTATION,
                    "",
                    self.instant(index + 3.5 + step / 2),
                    actor,
                    first,
                )

    def publication_rows(self) -> Iterator[tuple]:
        for index in range(self.claims):
            version = self.start[AnnotationVersion] + index * VERSIONS_PER_ANNOTATION + VERSIONS_PER_ANNOTATION - 1
            yield (
                self.start[Publication] + index,
                self.instant(index + 4),
                self.users["editor"],
                self.start[Claim] + index,
                version,
            )


_TABLES = (
    (Article, "id,title,url,publisher,language,published_at,body,created_at,updated_at,created_by_id", "article_rows"),
    (
        AnnotationVersion,
        "id,number,based_on,reverted_from,confidence,rationale,evidence,change_note,created_at,"
        "annotation_id,author_id,verdict_id",
        "version_rows",
    ),
    (
        Claim,
        'id,start,"end",exact,prefix,suffix,claimant,claim_date,statement,created_at,updated_at,article_id,'
        "created_by_id,published_version_id",
        "claim_rows",
    ),
    (Annotation, "id,status,version,created_at,updated_at,reviewer_id,claim_id", "annotation_rows"),
    (Publication, "id,created_at,actor_id,claim_id,version_id", "publication_rows"),
    (ReviewTransition, "id,from_status,to_status,version,comment,created_at,actor_id,annotation_id", "transition_rows"),
)


class _CopySource(io.RawIOBase):
    """A readable stream of COPY text-format lines generated on demand (never the whole table in memory)."""

    def __init__(self, rows: Iterator[tuple]) -> None:
        self.rows = rows
        self.pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        parts = [self.pending]
        length = len(self.pending)
        for row in self.rows:
            line = "\t".join(_copy_text(value) for value in row) + "\n"
            encoded = line.encode()
            parts.append(encoded)
            length += len(encoded)
            if length >= max(size, 1 << 16):
                break
        data = b"".join(parts)
        cut = len(data) if size is None or size < 0 else size
        self.pending = data[cut:]
        return data[:cut]


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_in(plan: _Plan) -> None:
    with connection.cursor() as cursor:
        # Foreign keys are deferred to commit; checking a few million of them there costs minutes, and the
        # rows are consistent by construction. Needs a superuser; without one, the checks just run.
        cursor.execute("SAVEPOINT replica")
        try:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("RELEASE SAVEPOINT replica")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT replica")
        raw = cursor.cursor
        for model, columns, rows in _TABLES:
            if model is ReviewTransition:  # ids from the sequence
                columns, source = columns.removeprefix("id,"), (row[1:] for row in plan.transition_rows())
            else:
                source = getattr(plan, rows)()
            raw.copy_expert(
                f"COPY {model._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT text)",
                _CopySource(source),
            )
        for model in (Article, Claim, Annotation, AnnotationVersion, Publication):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def _bulk_create(plan: _Plan) -> None:
    """Any database: the same rows through bulk_create, in batches."""
    for model, columns, rows in _TABLES:
        names = [name.strip('"') for name in columns.split(",")]
        fields = {field.column: field.attname for field in model._meta.concrete_fields}
        batch = []
        for row in getattr(plan, rows)():
            values = dict(zip((fields[name] for name in names), row, strict=True))
            if model is AnnotationVersion:
                values["evidence"] = json.loads(values["evidence"])
            batch.append(model(**values))
            if len(batch) >= 5000:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)

"""Create N claims over many articles, each with a published verdict of three versions, for benchmarks.

The rows go in with COPY inside one transaction (a million claims take a few
minutes). The data is synthetic
but shaped like the real thing: accents and non-Latin text, commas, quotes,
line breaks and formula-looking text in rationales, one to three evidence URLs.
Each article has its own text (English, Italian or Russian sentences with
figures and names, words drawn with Zipf-like frequencies from a vocabulary
with a long tail), so text search meets common and rare words as in a newsroom.
Running it again adds N more claims.
"""

import datetime
import io
import itertools
import json
import math
import random
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from annotations import derived, roles
from annotations.exports.cells import version_cells
from annotations.models import (
    Annotation,
    AnnotationVersion,
    Article,
    Claim,
    Publication,
    PublishedExportRow,
    ReviewTransition,
    Verdict,
)
from annotations.search import config_for_language

CLAIMS_PER_ARTICLE = 20
VERSIONS_PER_ANNOTATION = 3
REVIEWERS = 10
PUBLISHERS = ("The Example Times", "Corriere dell'Esempio", "Вестник Примера", "Daily Sample", "Le Monde d'essai")
LANGUAGES = ("en", "it", "ru")
# Words by language (drawn with Zipf-like frequencies), names and figures that recur across languages.
_WORDS = {
    "en": (
        "the minister said spending rose to million euros in year government report budget tax health school "
        "police court election vote voted parliament senate council mayor city country company market price "
        "prices inflation jobs unemployment workers wages energy gas oil climate emissions war army border "
        "migrants hospital patients doctors vaccine cases deaths crime prison law ban software security data "
        "bank debt growth percent rate fell cut increase record highest lowest since according official "
        "figures study survey shows claims more than less half third every people children women families "
    ),
    "it": (
        "il ministro ha detto che la spesa è salita a milioni di euro nel anno governo rapporto bilancio "
        "tasse sanità scuola polizia tribunale elezioni voto votato parlamento senato comune sindaco città "
        "paese azienda mercato prezzo prezzi inflazione lavoro disoccupazione lavoratori salari energia gas "
        "petrolio clima emissioni guerra esercito confine migranti ospedale pazienti medici vaccino casi "
        "morti reati carcere legge divieto sicurezza dati banca debito crescita percento tasso calo aumento "
        "record secondo dati ufficiali studio sondaggio mostra oltre meno metà terzo ogni persone bambini "
        "donne famiglie "
    ),
    "ru": (
        "министр сказал что расходы выросли до миллионов евро в году правительство доклад бюджет налог "
        "здоровье школа полиция суд выборы голосование парламент сенат совет мэр город страна компания рынок "
        "цены инфляция работа безработица зарплаты энергия газ нефть климат война армия граница больница "
        "врачи вакцина случаи закон запрет безопасность банк долг рост процент ставка снизилась рекорд "
    ),
}
WORDS = {language: text.split() for language, text in _WORDS.items()}
NAMES = str.split(
    "Kaspersky Rossi Müller Dupont García Ivanov Smith Bianchi Schmidt Moreau Lopez Petrov Johnson Romano "
    "Fischer Laurent Martínez Sokolov Brown Colombo Weber Bernard Fernández Volkov Eurostat Istat Reuters "
    "Brussels Milano Berlin Paris Madrid Moscow London Roma Napoli Torino "
)
SYLLABLES = str.split("ka ri to mo la ne si pa ve ro cu di fa ge lu mi no sa te zo bra cre fli gno pro stra tri vel")
TAIL_WORDS = 40_000  # rare words: each claim gets a few, so a rare word matches a handful of claims
RATIONALES = (
    "Official figures agree.",
    'The report says "roughly", not exactly; see table 2.',
    "Two sources, one line each:\nfirst source\nsecond source",
    "-5% is what the budget office reported, not +5%.",
    "=SUM(A1:A9) is what the spreadsheet in the leak computed.",
)


def tail_word(n: int) -> str:
    """The n-th long-tail word (made of syllables, the same on every run); the higher n, the rarer."""
    return "".join(random.Random(n).choices(SYLLABLES, k=3 + n % 2)) + ("" if n % 3 else "s")


class Command(BaseCommand):
    help = "Create N claims with published verdicts (three versions each) for export benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="Number of claims to add.")
        parser.add_argument(
            "--articles",
            type=int,
            default=None,
            help=f"Number of articles to spread them over (default: one per {CLAIMS_PER_ARTICLE} claims).",
        )

    def handle(self, *args, claims: int, articles: int | None, **options):
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        if articles is not None and not 1 <= articles <= claims:
            raise CommandError("--articles must be between 1 and --claims.")
        users = _users()
        verdicts = list(Verdict.objects.order_by("position", "id").values_list("id", flat=True))
        if not verdicts:
            raise CommandError("The rating scale is empty; run migrate first.")
        plan = _Plan(claims, users, verdicts, articles=articles)
        with transaction.atomic():
            _copy_in(plan)
            # The rows went in around the services: rebuild what is derived from them.
            derived.rebuild(range(plan.start[Article], plan.start[Article] + plan.articles))
        _analyze()
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

    def __init__(self, claims: int, users: dict, verdicts: list[int], *, articles: int | None = None) -> None:
        self.claims = claims
        self.articles = articles or math.ceil(claims / CLAIMS_PER_ARTICLE)
        self.per_article = math.ceil(claims / self.articles)
        self.users = users
        self.verdicts = verdicts
        self.start = {
            model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            for model in (Article, Claim, Annotation, AnnotationVersion, Publication)
        }
        self.base = timezone.now() - datetime.timedelta(days=365)
        self.tail = [tail_word(n) for n in range(TAIL_WORDS)]
        self.tail_weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(TAIL_WORDS)))

    def instant(self, seconds: float) -> datetime.datetime:
        return self.base + datetime.timedelta(seconds=seconds)

    def language(self, article_pk: int) -> str:
        return LANGUAGES[article_pk % len(LANGUAGES)]

    def article_text(self, article_pk: int) -> tuple[str, list[tuple[int, int]]]:
        """The article's body and its sentences' spans (without the trailing space), the same on every call."""
        rng = random.Random(article_pk)
        words = WORDS[self.language(article_pk)]
        sentences = []
        for _ in range(self.per_article):
            common = rng.choices(words, cum_weights=_ZIPF[: len(words)], k=rng.randint(6, 12))
            rare = rng.choices(self.tail, cum_weights=self.tail_weights, k=rng.randint(1, 3))
            picked = [
                *common,
                *rare,
                rng.choice(NAMES),
                str(rng.choice((rng.randint(2, 999), rng.randint(1990, 2025)))),
            ]
            rng.shuffle(picked)
            sentence = " ".join(picked)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        body = " ".join(sentences)
        spans, offset = [], 0
        for sentence in sentences:
            spans.append((offset, offset + len(sentence)))
            offset += len(sentence) + 1
        return body, spans

    def article_rows(self) -> Iterator[tuple]:
        for index in range(self.articles):
            pk = self.start[Article] + index
            yield (
                pk,
                f"Bench article {pk}, «edizione» №{index}",
                f"https://news.example.org/bench/{pk}",
                PUBLISHERS[index % len(PUBLISHERS)],
                self.language(pk),
                self.instant(index),
                self.article_text(pk)[0],
                self.instant(index),
                self.instant(index),
                None,
                0,  # counters: recounted after the load
                0,
            )

    def claim_rows(self) -> Iterator[tuple]:
        body, spans = "", []
        for index in range(self.claims):
            article, position = divmod(index, self.per_article)
            article_pk = self.start[Article] + article
            if position == 0:
                body, spans = self.article_text(article_pk)
            start, end = spans[position]
            exact = body[start:end]
            published = self.start[AnnotationVersion] + index * VERSIONS_PER_ANNOTATION + VERSIONS_PER_ANNOTATION - 1
            yield (
                self.start[Claim] + index,
                start,
                end,
                exact,
                body[max(0, start - 32) : start],
                body[end : end + 32],
                ("Minister of Finance", "=Opposition leader")[index % 2],
                (self.base + datetime.timedelta(days=index % 300)).date(),
                "",
                self.instant(index),
                self.instant(index),
                article_pk,
                None,
                published,
                config_for_language(self.language(article_pk)),
                RATIONALES[(index + VERSIONS_PER_ANNOTATION) % 5],  # the published version's
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
                VERSIONS_PER_ANNOTATION,  # submitted (and approved) at its newest version
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
                rationale, created_at = RATIONALES[(index + number) % 5], self.instant(index + number)
                cells = version_cells(rationale=rationale, evidence=evidence, created_at=created_at)
                yield (
                    self.start[AnnotationVersion] + index * VERSIONS_PER_ANNOTATION + number - 1,
                    number,
                    number - 1 or None,
                    None,
                    50 + (index + number) % 50,
                    rationale,
                    json.dumps(evidence),
                    f"version {number}",
                    created_at,
                    self.start[Annotation] + index,
                    reviewer,
                    self.verdicts[(index + number) % len(self.verdicts)],
                    cells["rationale_cell"],
                    cells["evidence_urls_cell"],
                    cells["annotated_at_cell"],
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
    (
        Article,
        "id,title,url,publisher,language,published_at,body,created_at,updated_at,created_by_id,"
        "claim_count,unreviewed_count",
        "article_rows",
    ),
    (
        AnnotationVersion,
        "id,number,based_on,reverted_from,confidence,rationale,evidence,change_note,created_at,"
        "annotation_id,author_id,verdict_id,rationale_cell,evidence_urls_cell,annotated_at_cell",
        "version_rows",
    ),
    (
        Claim,
        'id,start,"end",exact,prefix,suffix,claimant,claim_date,statement,created_at,updated_at,article_id,'
        "created_by_id,published_version_id,search_config,published_rationale",
        "claim_rows",
    ),
    (
        Annotation,
        "id,status,version,created_at,updated_at,reviewer_id,claim_id,first_submitted_version",
        "annotation_rows",
    ),
    (Publication, "id,created_at,actor_id,claim_id,version_id", "publication_rows"),
    (ReviewTransition, "id,from_status,to_status,version,comment,created_at,actor_id,annotation_id", "transition_rows"),
)


_ZIPF = list(itertools.accumulate(1 / (rank + 1) for rank in range(200)))


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


def _analyze() -> None:
    """Statistics for what was just written: without them the planner guesses, and guesses badly
    (a million index probes instead of one ordered scan)."""
    with connection.cursor() as cursor:
        for model in (Article, Claim, Annotation, AnnotationVersion, Publication, ReviewTransition, PublishedExportRow):
            cursor.execute(f"ANALYZE {model._meta.db_table}")

"""python manage.py seed_demo [--address HOST:PORT] : demo accounts, short sample articles with verdicts, and
a few other fact-checkers' published verdicts on the same stories (prior fact-checks).

Safe to run again: articles are matched by title, and each run sets fresh
passwords for the demo accounts and prints them, with the address to log in at (`make run` passes
its RUN_ADDRESS, the address runserver is then given).
"""

import datetime
import os
import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from ... import review, versioning
from ...articles import create_article
from ...claims import create_claim
from ...models import Article, RatingMapping, Verdict
from ...priors import ratings
from ...priors.importing import import_items
from ...roles import EDITOR, REVIEWER, VIEWER

# Sample articles written for this project; names and figures are invented.
ARTICLES = [
    {
        "title": "Harbour city council approves tram extension after heated debate",
        "publisher": "The Coastal Ledger",
        "language": "en",
        "url": "https://example.org/news/tram-extension",
        "published_at": "2026-03-14T09:30:00Z",
        "body": (
            "The council of Porthaven voted 31 to 12 on Tuesday to extend the harbour tram line by 4.2 km.\n\n"
            "Mayor Ines Calder said the extension \u201cwill cut commuting times in half for 40,000 residents\u201d "
            "and insisted that the project has been fully funded by regional grants.\n\n"
            "Opposition leader Tom Reyes \U0001f68b called the plan \u201ca \u20ac180 million gamble\u201d and claimed "
            "that ridership on the existing line has fallen every year since 2019."
        ),
        "claims": [
            (
                "voted 31 to 12",
                "Porthaven city council",
                "true",
                95,
                "The published minutes record 31 votes for, 12 against.",
            ),
            (
                "will cut commuting times in half for 40,000 residents",
                "Ines Calder",
                "mostly-false",
                70,
                "The transport study projects a 20-30% cut for about 25,000 residents.",
            ),
            (
                "ridership on the existing line has fallen every year since 2019",
                "Tom Reyes",
                "false",
                85,
                "Ridership fell in 2020 and 2021 but rose in 2022, 2023 and 2024.",
            ),
        ],
    },
    {
        "title": "Il comune di Valdora annuncia il raddoppio della raccolta differenziata",
        "publisher": "Gazzetta di Valdora",
        "language": "it",
        "url": "https://example.org/notizie/raccolta-differenziata",
        "published_at": "2026-05-02T07:00:00Z",
        "body": (
            "Secondo l\u2019assessora all\u2019ambiente Chiara Benedetti, nel 2025 la raccolta differenziata "
            "\u00e8 arrivata al 68 per cento, il doppio rispetto al 2015.\n\n"
            "Il sindaco ha aggiunto che \u201cla tassa sui rifiuti non aumenter\u00e0 per tre anni\u201d e che "
            "sono stati spesi 2,4 milioni di euro per i nuovi centri di raccolta."
        ),
        "claims": [
            (
                "la raccolta differenziata \u00e8 arrivata al 68 per cento",
                "Chiara Benedetti",
                "mostly-true",
                80,
                "Il rapporto regionale indica il 66,8 per cento per il 2025.",
            ),
            (
                "sono stati spesi 2,4 milioni di euro",
                "Il sindaco di Valdora",
                "unproven",
                40,
                "Il bilancio pubblicato non separa la spesa per i centri di raccolta.",
            ),
        ],
    },
]

# Other fact-checkers' verdicts on the same stories (schema.org ClaimReview, as their feeds publish them),
# written for this project: "Checked before?" and the prior fact-checks page have something to show. Only
# the first rating is mapped; the others wait on the page's "Ratings to map" with their suggestions.
PRIOR_FACTCHECKS = [
    {
        "url": "https://factdesk.example.org/checks/porthaven-tram-ridership",
        "claimReviewed": "Ridership on the Porthaven harbour tram has fallen every year since 2019",
        "author": {"@type": "Organization", "name": "Fact Desk Example", "url": "https://factdesk.example.org"},
        "datePublished": "2025-11-20",
        "inLanguage": "en",
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1, "bestRating": 5,
                         "worstRating": 1},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Tom Reyes"}},
    },
    {
        "url": "https://factdesk.example.org/checks/porthaven-tram-funding",
        "claimReviewed": "The Porthaven tram extension is fully funded by regional grants",
        "author": {"@type": "Organization", "name": "Fact Desk Example", "url": "https://factdesk.example.org"},
        "datePublished": "2026-03-16",
        "inLanguage": "en",
        "reviewRating": {"@type": "Rating", "alternateName": "Half True", "ratingValue": 3, "bestRating": 5,
                         "worstRating": 1},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Ines Calder"}},
    },
    {
        "url": "https://comprobado.example.org/verificaciones/tranvia-porthaven",
        "claimReviewed": "El tranvía de Porthaven reducirá a la mitad el tiempo de viaje de 40.000 vecinos",
        "author": {"@type": "Organization", "name": "Comprobado Example", "url": "https://comprobado.example.org"},
        "datePublished": "2026-03-18",
        "inLanguage": "es",
        "reviewRating": {"@type": "Rating", "alternateName": "Engañoso"},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Ines Calder"}},
    },
    {
        "url": "https://verifica.example.it/analisi/valdora-differenziata-68",
        "claimReviewed": "A Valdora la raccolta differenziata ha raggiunto il 68 per cento nel 2025",
        "author": {"@type": "Organization", "name": "Verifica Example", "url": "https://verifica.example.it"},
        "datePublished": "2026-05-05",
        "inLanguage": "it",
        "reviewRating": {"@type": "Rating", "alternateName": "C'eri quasi", "ratingValue": 4, "bestRating": 5,
                         "worstRating": 1},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Chiara Benedetti"}},
    },
]  # fmt: skip

ACCOUNTS = [("editor", EDITOR), ("reviewer", REVIEWER), ("viewer", VIEWER)]


class Command(BaseCommand):
    help = "Create demo accounts (passwords printed) and sample articles with claims and published verdicts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default=os.environ.get("RUN_ADDRESS", "127.0.0.1:8000"),
            help="Where the server listens, as runserver takes it (PORT or HOST:PORT): printed as the login URL.",
        )

    def handle(self, *args, **options):
        passwords = {}
        with transaction.atomic():
            users = {}
            for username, role in ACCOUNTS:
                users[username], passwords[username] = _account(username, role)
            for spec in ARTICLES:
                _article(spec, reviewer=users["reviewer"], editor=users["editor"])
            _prior_factchecks(editor=users["editor"])
        url = login_url(options["address"])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in at {url} with:"))
        for username, password in passwords.items():
            self.stdout.write(f"  {username:<9} {password}")


def _account(username: str, role: str):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
    password = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12))
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user, password


def _prior_factchecks(*, editor) -> None:
    import_items(enumerate(PRIOR_FACTCHECKS, start=1), source_kind="file", source="seed_demo")
    if not RatingMapping.objects.filter(publisher="Fact Desk Example", rating_key=ratings.rating_key("False")):
        ratings.save_mapping(
            None,
            actor=editor,
            publisher="Fact Desk Example",
            rating_name="False",
            verdict=Verdict.objects.get(key="false"),
        )


def _article(spec: dict, *, reviewer, editor) -> None:
    if Article.objects.filter(title=spec["title"]).exists():
        return
    fields = {key: spec[key] for key in ("title", "publisher", "language", "url", "body")}
    fields["published_at"] = datetime.datetime.fromisoformat(spec["published_at"])
    article = create_article(created_by=editor, **fields)
    for exact, claimant, verdict, confidence, rationale in spec["claims"]:
        claim = create_claim(article, [{"type": "TextQuoteSelector", "exact": exact}], claimant=claimant,
                             created_by=reviewer)  # fmt: skip
        annotation = versioning.create_annotation(
            claim,
            reviewer=reviewer,
            verdict=Verdict.objects.get(key=verdict),
            confidence=confidence,
            rationale=rationale,
            evidence=[{"url": spec["url"], "title": spec["title"], "quote": exact, "stance": "context"}],
            change_note="First assessment.",
        )
        review.submit(annotation, actor=reviewer)
        review.approve(annotation, actor=editor, comment="Checked against the sources.")


def login_url(address: str) -> str:
    """The URL a browser on this machine opens for runserver's ADDRESS (`8310`, `0.0.0.0:8310`, `[::1]:8310`)."""
    host, _, port = address.rpartition(":")
    host = host or "127.0.0.1"
    if host in ("0.0.0.0", "0", "[::]"):  # every interface: this machine reaches it on loopback
        host = "127.0.0.1"
    return f"http://{host}:{port}/"

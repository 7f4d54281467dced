"""Generated ClaimReview feeds of any size, for the import benchmark and the streaming test.

Written to a file as a schema.org DataFeed, one element at a time, so a feed of hundreds of MB is made in
constant memory. The claims vary in words, names and figures so that they index like real ones.
"""

import json
import random
from typing import TextIO

PUBLISHERS = [
    ("Pagella Politica", "https://pagellapolitica.it", "it", ["Falso", "Vero", "Pinocchio andante", "Nì"]),
    ("PolitiFact", "https://www.politifact.com", "en", ["Pants on Fire", "False", "Half True", "Mostly True"]),
    ("Full Fact", "https://fullfact.org", "en", ["Incorrect", "Correct", "Missing context"]),
    ("Lupa", "https://lupa.uol.com.br", "pt", ["Falso", "Verdadeiro", "Enganoso", "Exagerado"]),
]
SUBJECTS = ["the government", "the mayor", "the minister", "il governo", "la regione", "the council", "l'agenzia"]
VERBS = ["spent", "cut", "raised", "ha speso", "ha tagliato", "doubled", "banned", "approved"]
OBJECTS = ["on hospitals", "for schools", "per la sanità", "on defence", "per le scuole", "on software", "in taxes"]
NAMES = ["Kaspersky", "Rossi", "Johnson", "Bianchi", "Garcia", "Müller", "Ferrari", "Smith", "Lopez"]


def claim_review(number: int, rng: random.Random) -> dict:
    publisher, site, language, ratings = PUBLISHERS[number % len(PUBLISHERS)]
    figure = rng.randint(2, 99_999)
    text = (
        f"{rng.choice(NAMES)} says {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {figure} million "
        f"{rng.choice(OBJECTS)} in {rng.randint(1990, 2026)} (claim {number})"
    )
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{site}/fact-check/{number}",
        "claimReviewed": text,
        "author": {"@type": "Organization", "name": publisher, "url": site},
        "datePublished": f"20{rng.randint(10, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "inLanguage": language,
        "reviewRating": {"@type": "Rating", "alternateName": rng.choice(ratings), "ratingValue": rng.randint(1, 5),
                         "bestRating": 5, "worstRating": 1},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": rng.choice(NAMES)},
                         "datePublished": "2020-01-01", "appearance": [{"url": f"https://social.example/{number}"}]},
    }  # fmt: skip


def write_datafeed(out: TextIO, count: int, *, seed: int = 24, malformed_every: int = 0) -> None:
    """A DataFeed of `count` ClaimReview items; every `malformed_every`-th lacks its claimReviewed."""
    rng = random.Random(seed)
    out.write('{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [')
    for number in range(count):
        item = claim_review(number, rng)
        if malformed_every and number % malformed_every == malformed_every - 1:
            del item["claimReviewed"]
        if number:
            out.write(",")
        out.write(json.dumps({"@type": "DataFeedItem", "item": [item]}, ensure_ascii=False))
    out.write("]}")

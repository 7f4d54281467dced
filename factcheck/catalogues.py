"""The translation catalogues: compiled from the committed .po files with Babel (no GNU gettext needed).

locale/<language>/LC_MESSAGES/django.po (templates and Python) and djangojs.po (the pages' scripts) are
the source; the .mo files beside them are generated (`manage.py compile_catalogues`, run by `make run`
and at the start of the test suite) and ignored by git.
"""

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings


def po_files() -> Iterator[Path]:
    for root in settings.LOCALE_PATHS:
        yield from sorted(Path(root).glob("*/LC_MESSAGES/*.po"))


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, abort_invalid=True)


def compile_catalogues(*, force: bool = False) -> list[Path]:
    """Write each .po file's .mo beside it when missing or older; return the files written.

    Fuzzy entries are left out, as msgfmt does: a guessed translation never reaches a reader.
    """
    written = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalogue = read_catalogue(po)
        temporary = mo.with_suffix(".mo.tmp")
        with temporary.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        temporary.replace(mo)  # a server reading the catalogue never sees half a file
        written.append(mo)
    return written

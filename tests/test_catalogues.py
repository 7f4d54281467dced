"""The translation catalogues: complete in every language, plural forms right, nothing a person reads outside.

A failure names the catalogue and message, or the file:line of a word not in the catalogue. To add a string:
wrap it ({% translate %}, gettext), run `manage.py makemessages -a` and `-d djangojs -a` (GNU gettext), translate
the new entries in every locale/<language>/LC_MESSAGES/*.po, and the .mo files are compiled on the next run.
"""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from factcheck.catalogues import compile_catalogues

from . import catalogue_scan

LOCALE = Path(settings.LOCALE_PATHS[0])
LANGUAGES = [code for code, _name in settings.LANGUAGES]
DOMAINS = ["django", "djangojs"]
# CLDR's plural categories as gettext numbers them; Arabic has all six.
PLURAL_FORMS = {"en": 2, "it": 2, "es": 3, "fr": 2, "de": 2, "pt": 2, "ar": 6}


def catalogue(language: str, domain: str):
    with (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale=language)


def keys(language: str, domain: str) -> set[tuple[str | None, str]]:
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalogue(language, domain) if m.id}


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_translates_every_message_and_has_none_fuzzy(language, domain):
    untranslated = []
    for message in catalogue(language, domain):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(f"{language}/{domain}.po: {message.id!r}{' (fuzzy)' if message.fuzzy else ''}")
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_is_not_fuzzy(language):
    assert not catalogue(language, "django").fuzzy and not catalogue(language, "djangojs").fuzzy


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_messages_have_every_form_of_the_language(language, domain):
    cat = catalogue(language, domain)
    assert cat.num_plurals == PLURAL_FORMS[language]
    for message in cat:
        if isinstance(message.id, tuple):
            assert len(message.string) == PLURAL_FORMS[language], message.id


def test_every_message_marked_in_templates_and_python_is_in_each_catalogue():
    marked = catalogue_scan.marked_in_templates_and_python()
    assert marked, "the extraction found nothing: the scan itself is broken"
    missing = [
        f"{m.where}: {m.msgid!r} not in {language}/django.po"
        for language in LANGUAGES
        for m in marked
        if (m.context, m.msgid) not in keys(language, "django")
    ]
    assert missing == []


def test_every_message_marked_in_the_scripts_is_in_each_javascript_catalogue():
    marked = catalogue_scan.marked_in_scripts()
    assert marked, "the extraction found nothing: the scan itself is broken"
    missing = [
        f"{m.where}: {m.msgid!r} not in {language}/djangojs.po"
        for language in LANGUAGES
        for m in marked
        if (m.context, m.msgid) not in keys(language, "djangojs")
    ]
    assert missing == []


def test_templates_hold_no_words_outside_the_catalogue():
    assert catalogue_scan.unmarked_words_in_templates() == []


def test_scripts_hold_no_words_outside_the_catalogue():
    assert catalogue_scan.unmarked_words_in_scripts() == []


def test_the_template_scan_points_at_an_unwrapped_word_and_its_line():
    source = (
        '{% load i18n %}\n<h1>{% translate "Claims" %}</h1>\n<p class="hint">Nothing here</p>\n'
        '<i aria-label="Close"></i>'
    )
    assert catalogue_scan.words_in_template(source, "x.html") == [
        "x.html:3: 'Nothing here'",
        "x.html:4: <i aria-label='Close'>",
    ]


def test_the_script_scan_points_at_an_unwrapped_message_and_its_line():
    source = (
        'const a = gettext("Saved.");\nnode.textContent = "Saving…";\n'
        'h("span", { class: "hint", text: `${a} · ${b}` });'
    )
    assert catalogue_scan.words_in_script(source, "x.js") == ['x.js:2: "Saving…"']


def test_catalogues_compile_without_gnu_gettext_and_translate_the_interface():
    compile_catalogues(force=True)
    translation.trans_real._translations.clear()  # the next lookup reads the files just written
    with translation.override("it"):
        assert translation.gettext("New claim") == "Nuova affermazione"
    with translation.override("de"):
        assert translation.pgettext("keyboard key", "Ctrl") == "Strg"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "لا مقالات"), (1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (11, "11 مقالًا"), (100, "100 مقال")],
)
def test_arabic_counts_articles_with_its_six_plural_forms(count, expected):
    with translation.override("ar"):
        text = translation.ngettext("%(n)s article", "%(n)s articles", count) % {"n": count}
    assert text == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "1 articolo"), (2, "2 articoli")])
def test_italian_counts_articles_in_singular_and_plural(count, expected):
    with translation.override("it"):
        assert translation.ngettext("%(n)s article", "%(n)s articles", count) % {"n": count} == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_script_messages_write_a_percent_sign_as_it_is(language):
    """Django's JavaScript interpolate() leaves "%%" as two signs: the scripts' messages use a single one."""
    doubled = [m.id for m in catalogue(language, "djangojs") if m.id and "%%" in "".join(m.string or "")]
    assert doubled == []

"""Every string the app shows is translated in every supported language (pure Python: no GNU gettext).

The strings come from the sources themselves (gettext calls in Python, {% translate %} and
{% blocktranslate %} in templates), not from the catalogues, so a string someone forgot to catalogue
fails here too. Fix a failure with `tradeshield translations export`, fill in, `... import`.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

from tradeshield.cli import translations
from tradeshield.cli.translations import Message, extract_messages, find_gaps, translation_problem


@pytest.fixture(scope="module")
def shown() -> dict[tuple[str, str], Message]:
    return extract_messages()


def test_every_shown_string_is_translated_in_every_supported_language(shown):
    started = time.monotonic()
    gaps = find_gaps(messages=shown)
    assert not gaps, "Shown strings without a translation (tradeshield translations export):\n" + "\n".join(
        str(g) for g in gaps
    )
    assert time.monotonic() - started < 5


def test_every_supported_language_has_a_catalogue_and_the_other_way_round():
    supported = {to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE}
    assert supported == {"zh_Hans", "es", "ru", "pt_BR", "fr", "ar"}
    assert set(translations.catalogue_locales()) == supported


@pytest.mark.parametrize(("locale", "forms"), [("ru", 3), ("ar", 6), ("pt_BR", 2), ("fr", 2), ("es", 3)])
def test_plural_rules_match_the_language(locale, forms):
    catalogue = translations.load_catalogue(locale)
    assert translations.plural_count(catalogue) == forms
    plural = next(e for e in catalogue if e.msgid == "%(days)s day after payment")
    assert len(plural.msgstr_plural) == forms and all(plural.msgstr_plural.values())


def test_the_extractor_finds_python_and_template_strings_of_every_kind(shown):
    # Python: gettext_lazy fields, ngettext plurals, module text; templates: translate, blocktranslate with
    # variables, blocktranslate count ... plural, and the plain-text email template.
    assert ("", "Trade expert") in shown  # accounts/models.py, gettext_lazy
    assert shown[("", "%(n)s row could not be read")].plural == "%(n)s rows could not be read"
    assert shown[("", "Skip to content")].where.startswith("web/templates/web/base.html:")
    assert ("", "You receive this email as a member of %(org)s on TradeShield.") in shown  # blocktranslate with
    assert shown[("", "%(n)s inspection")].plural == "%(n)s inspections"  # blocktranslate count/plural
    assert any(m.where.startswith("notifications/templates/notifications/email/event.txt") for m in shown.values())
    assert len(shown) > 800


def test_the_extractor_reads_contexts_and_plurals(tmp_path: Path):
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    (app / "views.py").write_text(
        "from django.utils.translation import gettext as _, npgettext, pgettext_lazy\n"
        "A = _('Refund')\n"
        "B = pgettext_lazy('escrow', 'Hold')\n"
        "C = npgettext('order', '%(n)s line', '%(n)s lines', 2)\n"
        "D = _(variable)  # not a literal: nothing to extract\n"
    )
    (app / "templates" / "page.html").write_text(
        "{% load i18n %}\n<div>\n    <p>{% translate 'Release' context 'escrow' %}</p>\n"
        "    {% blocktranslate trimmed count n=items|length %}\n      One item\n    {% plural %}\n"
        "      {{ n }} items\n    {% endblocktranslate %}\n</div>\n"
    )
    (app / "migrations").mkdir()
    (app / "migrations" / "0001.py").write_text("from django.utils.translation import gettext as _\n_('Skipped')\n")
    found = extract_messages(app)
    assert set(found) == {
        ("", "Refund"),
        ("escrow", "Hold"),
        ("order", "%(n)s line"),
        ("escrow", "Release"),
        ("", "One item"),
    }
    assert found[("order", "%(n)s line")].plural == "%(n)s lines"
    assert found[("", "One item")].plural == "%(n)s items"
    assert found[("escrow", "Release")].where == "templates/page.html:3"


def test_a_string_missing_from_the_catalogues_is_named_for_every_language():
    # A sentinel no catalogue will ever hold ("Dispute opened" became a real string with the disputes domain).
    new = Message("", "Sentinel string that is never catalogued", "", "disputes/text.py:1")
    gaps = find_gaps(messages={new.key: new})
    assert sorted(g.locale for g in gaps) == sorted(translations.catalogue_locales())
    assert {g.problem for g in gaps} == {"missing"}
    assert "ar: missing: 'Sentinel string that is never catalogued' (disputes/text.py:1)" in [str(g) for g in gaps]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (polib.POEntry(msgid="Paid %(amount)s", msgstr=""), "untranslated"),
        (polib.POEntry(msgid="Paid %(amount)s", msgstr="Payé %(amount)s", flags=["fuzzy"]), "fuzzy"),
        (polib.POEntry(msgid="Paid %(amount)s", msgstr="Payé %(montant)s"), "placeholders differ"),
        (polib.POEntry(msgid="Paid %(amount)s", msgstr="Payé"), "placeholders differ"),
        (polib.POEntry(msgid="%(p)s %% packed", msgstr="%(p)s % emballé"), "placeholders differ"),
        (polib.POEntry(msgid="Hash <code>%(h)s</code>", msgstr="Empreinte %(h)s"), "placeholders differ"),
        (polib.POEntry(msgid="Paid %(amount)s", msgstr="Payé %(amount)s"), None),
    ],
)
def test_a_translation_must_keep_placeholders_and_markup(entry, problem):
    assert translation_problem(entry, plurals=2) == problem


def test_a_plural_needs_every_form_of_the_language():
    entry = polib.POEntry(msgid="%(n)s day", msgid_plural="%(n)s days")
    entry.msgstr_plural = {0: "%(n)s день", 1: "%(n)s дня", 2: ""}
    assert translation_problem(entry, plurals=3) == "untranslated"
    entry.msgstr_plural[2] = "%(n)s дней"
    assert translation_problem(entry, plurals=3) is None


def test_export_then_import_fills_a_gap_in_one_step(tmp_path, monkeypatch):
    """The lead's flow after other branches add strings: export what is missing, translate, import."""
    locale_dir = tmp_path / "locale"
    shutil.copytree(translations.LOCALE_DIR / "fr", locale_dir / "fr")
    monkeypatch.setattr(translations, "LOCALE_DIR", locale_dir)
    new = Message("", "Dispute opened by %(org)s", "", "disputes/text.py:7")
    plural = Message("", "%(n)s dispute", "%(n)s disputes", "disputes/text.py:9")
    messages = {new.key: new, plural.key: plural}

    [path] = translations.export_gaps(find_gaps(["fr"], messages), tmp_path / "out")
    fill_in = polib.pofile(str(path))
    assert [e.msgid for e in fill_in] == ["%(n)s dispute", "Dispute opened by %(org)s"]
    fill_in[0].msgstr_plural = {0: "%(n)s litige", 1: "%(n)s litiges"}
    fill_in[1].msgstr = "Litige ouvert par %(org)s"
    fill_in.save()

    assert translations.import_translations(path) == ("fr", 2, [])
    assert find_gaps(["fr"], messages) == []
    compiled = polib.mofile(str(locale_dir / "fr" / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid: e.msgstr for e in compiled}["Dispute opened by %(org)s"] == "Litige ouvert par %(org)s"


def test_import_refuses_a_translation_with_broken_placeholders(tmp_path, monkeypatch):
    locale_dir = tmp_path / "locale"
    shutil.copytree(translations.LOCALE_DIR / "ru", locale_dir / "ru")
    monkeypatch.setattr(translations, "LOCALE_DIR", locale_dir)
    fill_in = polib.POFile()
    fill_in.metadata = {"Language": "ru", "Content-Type": "text/plain; charset=UTF-8"}
    fill_in.append(polib.POEntry(msgid="Refund %(amount)s", msgstr="Возврат %(сумма)s"))
    path = tmp_path / "ru.po"
    fill_in.save(str(path))
    locale, merged, refused = translations.import_translations(path)
    assert (locale, merged) == ("ru", 0) and refused == ["placeholders differ: 'Refund %(amount)s'"]
    assert "Refund %(amount)s" not in {e.msgid for e in translations.load_catalogue("ru")}

"""`tradeshield translations …`: which shown strings each language lacks, and fill-in files for translators.

Pure Python (polib and Babel, from the dev extras): no GNU gettext needed. Strings are extracted the way
`makemessages` does it: Python sources through Babel's Python extractor with Django's gettext keywords,
templates through `django.utils.translation.template.templatize` (which turns `{% translate %}` and
`{% blocktranslate %}` into gettext calls) and then the same extractor.

    tradeshield translations check            # every gap, per language; exit status 1 if any
    tradeshield translations export           # var/translations/<locale>.po: only what is missing
    tradeshield translations import FILE...   # merge filled-in files into the catalogues, recompile .mo
    tradeshield translations compile          # rebuild every .mo from its .po
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

import tradeshield

if TYPE_CHECKING:
    import polib

SOURCE_ROOT = Path(tradeshield.__file__).parent
LOCALE_DIR = SOURCE_ROOT / "locale"
DEFAULT_EXPORT_DIR = SOURCE_ROOT.parent.parent / "var" / "translations"

# Django's gettext functions as Babel keyword specs: positions of (context,) singular and plural.
KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
TEMPLATE_SUFFIXES = {".html", ".txt"}
SKIPPED_DIRS = {"migrations", "locale", "static", "__pycache__"}

# What a translation must carry over unchanged: %(name)s / %s / %% and {name} placeholders, and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[#0\- +]*\d*(?:\.\d+)?[sdifeEgGxXr]|%[sdif%]|\{\w*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class Message:
    """One translatable string found in the sources."""

    context: str
    msgid: str
    plural: str
    where: str  # first place it was found, e.g. "web/templates/web/base.html:14"

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)


@dataclass(frozen=True)
class Gap:
    """A shown string a language cannot show translated."""

    locale: str
    message: Message
    problem: str  # missing | untranslated | fuzzy | plural differs | placeholders differ

    def __str__(self) -> str:
        context = f" [context {self.message.context!r}]" if self.message.context else ""
        return f"{self.locale}: {self.problem}: {self.message.msgid!r}{context} ({self.message.where})"


def _requirements() -> tuple[Any, Any]:
    try:
        import polib
        from babel.messages.extract import extract
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(f"{exc.name} is missing: install the dev extras (pip install -e '.[dev]')") from exc
    return polib, extract


def _source_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if not path.is_file() or SKIPPED_DIRS.intersection(path.relative_to(root).parts):
            continue
        if path.suffix == ".py" or (path.suffix in TEMPLATE_SUFFIXES and "templates" in path.parts):
            yield path


def _python_source(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        from django.utils.translation.template import templatize

        # Each gettext call templatize writes sits on one line (literals are repr()s); indentation copied from
        # the template would trip Python's tokenizer, so it goes.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
    return text


def extract_messages(root: Path = SOURCE_ROOT) -> dict[tuple[str, str], Message]:
    """Every translatable string in the sources under `root`, by (context, msgid)."""
    _polib, extract = _requirements()
    found: dict[tuple[str, str], Message] = {}
    for path in _source_files(root):
        source = _python_source(path)
        if "gettext" not in source and "_(" not in source:
            continue
        where = path.relative_to(root).as_posix()
        for lineno, text, _comments, context in extract(
            "python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS, comment_tags=(), options={}
        ):
            singular, plural = (text[0], text[1]) if isinstance(text, tuple) else (text, "")
            if not singular:
                continue
            message = Message(context or "", singular, plural or "", f"{where}:{lineno}")
            found.setdefault(message.key, message)
    return found


def catalogue_locales() -> list[str]:
    """Locale directories that hold a catalogue (e.g. ["ar", "es", "fr", "pt_BR", "ru", "zh_Hans"])."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def catalogue_path(locale: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"django{suffix}"


def load_catalogue(locale: str) -> polib.POFile:
    polib, _extract = _requirements()
    return polib.pofile(str(catalogue_path(locale)), wrapwidth=79)


def plural_count(catalogue: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _tokens(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text)) + Counter(HTML_TAG.findall(text))


def translation_problem(entry: polib.POEntry, *, plurals: int) -> str | None:
    """Why this catalogue entry cannot be shown translated, or None when it can."""
    if "fuzzy" in entry.flags:
        return "fuzzy"
    if entry.msgid_plural:
        forms = [entry.msgstr_plural.get(i, "") for i in range(plurals)]
        if not all(forms):
            return "untranslated"
        # Every form carries the placeholders and markup of the singular or of the plural source.
        allowed = [_tokens(entry.msgid), _tokens(entry.msgid_plural)]
        if any(_tokens(form) not in allowed for form in forms):
            return "placeholders differ"
        return None
    if not entry.msgstr:
        return "untranslated"
    if _tokens(entry.msgstr) != _tokens(entry.msgid):
        return "placeholders differ"
    return None


def find_gaps(
    locales: Iterable[str] | None = None, messages: dict[tuple[str, str], Message] | None = None
) -> list[Gap]:
    """Every shown string that some language lacks (missing, untranslated, fuzzy or with broken placeholders)."""
    messages = extract_messages() if messages is None else messages
    gaps: list[Gap] = []
    for locale in catalogue_locales() if locales is None else locales:
        catalogue = load_catalogue(locale)
        plurals = plural_count(catalogue)
        entries = {(e.msgctxt or "", e.msgid): e for e in catalogue if not e.obsolete}
        for key, message in sorted(messages.items()):
            entry = entries.get(key)
            if entry is None:
                gaps.append(Gap(locale, message, "missing"))
            elif entry.msgid_plural != message.plural:
                gaps.append(Gap(locale, message, "plural differs"))
            elif problem := translation_problem(entry, plurals=plurals):
                gaps.append(Gap(locale, message, problem))
    return gaps


def save_catalogue(catalogue: polib.POFile, locale: str) -> None:
    """Save a .po; with GNU gettext installed, `msgcat` rewraps it as makemessages would (smaller diffs)."""
    path = catalogue_path(locale)
    catalogue.save(str(path))
    if msgcat := shutil.which("msgcat"):
        subprocess.run([msgcat, "-o", str(path), str(path)], check=True)


def compile_catalogue(locale: str) -> None:
    """Write the .mo next to the .po: `msgfmt --check` when installed, else polib (fuzzy entries left out)."""
    po, mo = catalogue_path(locale), catalogue_path(locale, ".mo")
    if msgfmt := shutil.which("msgfmt"):
        subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True)
    else:
        load_catalogue(locale).save_as_mofile(str(mo))


def export_gaps(gaps: list[Gap], out_dir: Path) -> list[Path]:
    """One fill-in .po per language holding only its gaps (existing translations kept as a starting point)."""
    polib, _extract = _requirements()
    written: list[Path] = []
    by_locale: dict[str, list[Gap]] = {}
    for gap in gaps:
        by_locale.setdefault(gap.locale, []).append(gap)
    out_dir.mkdir(parents=True, exist_ok=True)
    for locale, locale_gaps in sorted(by_locale.items()):
        catalogue = load_catalogue(locale)
        plurals = plural_count(catalogue)
        existing = {(e.msgctxt or "", e.msgid): e for e in catalogue if not e.obsolete}
        fill_in = polib.POFile(wrapwidth=79)
        fill_in.metadata = dict(catalogue.metadata)
        path = out_dir / f"{locale}.po"
        fill_in.header = f"Fill in every msgstr, then: tradeshield translations import {_shown(path)}"
        for gap in locale_gaps:
            message, old = gap.message, existing.get(gap.message.key)
            entry = polib.POEntry(
                msgctxt=message.context or None,
                msgid=message.msgid,
                comment=f"{gap.problem} · {message.where}",
                flags=["python-format"] if PLACEHOLDER.search(message.msgid + message.plural) else [],
            )
            if message.plural:
                entry.msgid_plural = message.plural
                entry.msgstr_plural = {i: (old.msgstr_plural.get(i, "") if old else "") for i in range(plurals)}
            else:
                entry.msgstr = old.msgstr if old and not old.msgid_plural else ""
            fill_in.append(entry)
        fill_in.save(str(path))
        written.append(path)
    return written


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def import_translations(path: Path, locale: str | None = None) -> tuple[str, int, list[str]]:
    """Merge a filled-in .po into its language's catalogue and recompile; returns (locale, merged, refused)."""
    polib, _extract = _requirements()
    fill_in = polib.pofile(str(path))
    locale = locale or fill_in.metadata.get("Language") or path.stem
    if not catalogue_path(locale).exists():
        raise ValueError(f"no catalogue for {locale!r} (expected {catalogue_path(locale)})")
    catalogue = load_catalogue(locale)
    plurals = plural_count(catalogue)
    existing = {(e.msgctxt or "", e.msgid): e for e in catalogue}
    merged, refused = 0, []
    for new in fill_in:
        if not new.msgid or new.obsolete:
            continue
        new.flags = [f for f in new.flags if f != "fuzzy"] if new.translated() else new.flags
        if problem := translation_problem(new, plurals=plurals):
            refused.append(f"{problem}: {new.msgid!r}")
            continue
        entry = existing.get((new.msgctxt or "", new.msgid))
        if entry is None:
            entry = polib.POEntry(msgctxt=new.msgctxt, msgid=new.msgid, msgid_plural=new.msgid_plural)
            catalogue.append(entry)
            existing[(new.msgctxt or "", new.msgid)] = entry
        entry.obsolete = False
        entry.msgid_plural = new.msgid_plural
        entry.flags = sorted({*(f for f in entry.flags if f != "fuzzy"), *new.flags})
        if new.msgid_plural:
            entry.msgstr_plural = dict(new.msgstr_plural)
        else:
            entry.msgstr = new.msgstr
        merged += 1
    save_catalogue(catalogue, locale)
    compile_catalogue(locale)
    return locale, merged, refused


translations_app = typer.Typer(
    help="Translation catalogues: what is missing per language, fill-in files, import and compile.",
    no_args_is_help=True,
)


def _django_for_templates() -> None:
    import django
    from django.conf import settings

    if not settings.configured:  # templatize needs only the template engine's defaults, not our settings
        settings.configure(USE_I18N=True)
        django.setup()


@translations_app.command("check")
def check_command() -> None:
    """List every shown string that a supported language lacks; exit status 1 if there is any."""
    from tradeshield.cli.boot import console

    _django_for_templates()
    messages = extract_messages()
    gaps = find_gaps(messages=messages)
    for gap in gaps:
        console.print(str(gap), markup=False, highlight=False)
    counts = Counter(g.locale for g in gaps)
    summary = ", ".join(f"{loc} {counts.get(loc, 0)}" for loc in catalogue_locales())
    console.print(f"{len(messages)} strings shown; gaps per language: {summary}", markup=False)
    raise typer.Exit(1 if gaps else 0)


@translations_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option(help="Directory for the fill-in files.")] = DEFAULT_EXPORT_DIR,
    locale: Annotated[list[str] | None, typer.Option("--locale", "-l", help="Only these locales.")] = None,
) -> None:
    """Write <locale>.po fill-in files holding only the strings each language still lacks."""
    from tradeshield.cli.boot import console

    _django_for_templates()
    gaps = find_gaps(locales=locale or None)
    if not gaps:
        console.print("Every shown string is translated in every language; nothing to export.")
        return
    for path in export_gaps(gaps, out):
        console.print(f"{path}: {sum(1 for g in gaps if g.locale == path.stem)} strings to translate", markup=False)


@translations_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Filled-in .po files.")],
) -> None:
    """Merge filled-in .po files into the catalogues (checking placeholders) and recompile the .mo files."""
    from tradeshield.cli.boot import console, fail

    problems = False
    for path in files:
        try:
            locale, merged, refused = import_translations(path)
        except (ValueError, OSError) as exc:
            fail(str(exc))
        console.print(f"{locale}: {merged} translations merged from {path}", markup=False)
        for reason in refused:
            problems = True
            console.print(f"  not merged, {reason}", markup=False, highlight=False)
    raise typer.Exit(1 if problems else 0)


@translations_app.command("compile")
def compile_command() -> None:
    """Rebuild every locale's .mo from its .po (what `msgfmt` would do)."""
    from tradeshield.cli.boot import console

    for locale in catalogue_locales():
        compile_catalogue(locale)
        console.print(f"{catalogue_path(locale, '.mo')}", markup=False)

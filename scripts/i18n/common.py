"""Shared helpers for the Vietnamese Wagtail admin catalog scripts.

Dev-time only: requires ``polib`` (``pip install polib``), never imported by
the running site.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import unicodedata
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent
WORK_DIR = HERE / "work"
PROJECT_LOCALE_DIR = PROJECT_ROOT / "locale" / "vi" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")

# Wagtail packages whose catalogs are merged into the project catalog.  The
# first block is what an editor meets when writing/reviewing/publishing; the
# second block are smaller contrib apps that are cheap to include.
WAGTAIL_PACKAGES = (
    "",  # wagtail core (wagtail/locale)
    "admin",
    "images",
    "documents",
    "snippets",
    "users",
    "sites",
    "search",
    "contrib/redirects",
    "contrib/settings",
    "embeds",
    "locales",
    # extras
    "contrib/forms",
    "contrib/table_block",
    "contrib/typed_table_block",
    "contrib/simple_translation",
    "contrib/search_promotions",
    "contrib/styleguide",
)

VI_HEADER = {
    "Project-Id-Version": "tuyengiao (Wagtail admin, Vietnamese)",
    "Report-Msgid-Bugs-To": "",
    "Last-Translator": "tuyengiao project <noreply@localhost>",
    "Language-Team": "Vietnamese",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def wagtail_root() -> Path:
    spec = importlib.util.find_spec("wagtail")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("wagtail is not importable from this interpreter")
    return Path(list(spec.submodule_search_locations)[0])


def wagtail_version() -> str:
    import wagtail

    return wagtail.__version__


def package_label(pkg: str) -> str:
    return pkg or "core"


def source_po(pkg: str, lang: str, domain: str) -> Path:
    return wagtail_root() / pkg / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


def entry_key(msgctxt: str | None, msgid: str) -> str:
    return (msgctxt + "\x04" if msgctxt else "") + msgid


def short_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def msgstr_of(entry: polib.POEntry) -> str:
    """The (single, nplurals=1) translation of an entry, '' if none."""
    if entry.msgid_plural:
        values = [v for _, v in sorted(entry.msgstr_plural.items()) if v]
        return values[0] if values else ""
    return entry.msgstr


def usable(entry: polib.POEntry) -> bool:
    return not entry.obsolete and "fuzzy" not in entry.flags and bool(msgstr_of(entry))


# --- placeholder checks --------------------------------------------------------
PY_FORMAT_RE = re.compile(r"%(?:\([^)]+\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
BRACE_RE = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str) -> list[str]:
    found = [p for p in PY_FORMAT_RE.findall(text) if p != "%%"]
    return sorted(found)


def brace_placeholders(text: str) -> list[str]:
    return sorted(BRACE_RE.findall(text))


def tags(text: str) -> list[str]:
    return sorted(TAG_RE.findall(text))


def fix_whitespace(msgid: str, msgstr: str) -> str:
    """NFC-normalise and copy the msgid's leading/trailing whitespace."""
    msgstr = unicodedata.normalize("NFC", msgstr)
    core = msgstr.strip()
    lead = msgid[: len(msgid) - len(msgid.lstrip())]
    trail = msgid[len(msgid.rstrip()) :]
    return lead + core + trail


def load_en_entries(domain: str):
    """Union of Wagtail's English entries for ``domain``.

    Returns ``{key: {"entry": POEntry, "packages": [...]}}`` preserving order.
    """
    result: dict[str, dict] = {}
    for pkg in WAGTAIL_PACKAGES:
        path = source_po(pkg, "en", domain)
        if not path.exists():
            continue
        for e in polib.pofile(str(path)):
            if e.obsolete or not e.msgid:
                continue
            key = entry_key(e.msgctxt, e.msgid)
            slot = result.get(key)
            if slot is None:
                result[key] = {"entry": e, "packages": [package_label(pkg)]}
            else:
                slot["packages"].append(package_label(pkg))
                # prefer the plural variant if one catalog has it
                if e.msgid_plural and not slot["entry"].msgid_plural:
                    slot["entry"] = e
                for flag in e.flags:
                    if flag not in slot["entry"].flags:
                        slot["entry"].flags.append(flag)
    return result


def load_wagtail_vi(domain: str) -> dict[str, str]:
    """Existing (non-fuzzy, non-empty) Vietnamese translations shipped by Wagtail."""
    out: dict[str, str] = {}
    for pkg in WAGTAIL_PACKAGES:
        path = source_po(pkg, "vi", domain)
        if not path.exists():
            continue
        for e in polib.pofile(str(path)):
            if e.msgid and usable(e):
                out.setdefault(entry_key(e.msgctxt, e.msgid), msgstr_of(e))
    return out


def load_project(domain: str) -> polib.POFile | None:
    path = PROJECT_LOCALE_DIR / f"{domain}.po"
    return polib.pofile(str(path)) if path.exists() else None


def load_project_memory(domain: str, wagtail_keys) -> tuple[dict[str, str], list]:
    """Split the existing project catalog into (memory, own_entries).

    ``memory`` maps Wagtail keys to our reviewed translation.  Obsolete
    (``#~``) entries count too: ``makemessages`` run on the project marks every
    Wagtail msgid obsolete because it is not found in the project's sources,
    and ``build_catalog.py`` simply brings them back.  Fuzzy or empty entries
    are ignored.  ``own_entries`` are the project's own (non-Wagtail,
    non-obsolete) entries, kept verbatim.
    """
    project = load_project(domain)
    memory: dict[str, str] = {}
    own: list = []
    if project is None:
        return memory, own
    for e in list(project) + list(project.obsolete_entries()):
        if not e.msgid:
            continue
        key = entry_key(e.msgctxt, e.msgid)
        if key in wagtail_keys:
            if "fuzzy" not in e.flags and msgstr_of(e):
                if not e.obsolete or key not in memory:
                    memory[key] = msgstr_of(e)
        elif not e.obsolete:
            own.append(e)
    return memory, own


def load_batches(domain: str, ids: dict[str, str]) -> dict[str, str]:
    """Read ``work/<domain>-*.tsv`` batch files: ``<short id> <translation>``.

    The id and the translation are separated by whitespace (TAB or spaces);
    leading/trailing whitespace of the translation is taken from the msgid.

    In the translation ``\\n`` means newline, ``\\t`` tab and ``\\\\`` a backslash.
    ``ids`` maps short id -> key.  Later files win.
    """
    out: dict[str, str] = {}
    if not WORK_DIR.exists():
        return out
    for path in sorted(WORK_DIR.glob(f"{domain}-*.tsv")):
        for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) != 2:
                raise SystemExit(f"{path}:{lineno}: expected '<id> <translation>'")
            sid, text = parts
            if sid not in ids:
                raise SystemExit(f"{path}:{lineno}: unknown id {sid!r}")
            out[ids[sid]] = unescape(text)
    return out


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "\\": "\\"}.get(m.group(1), m.group(0)), text)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")

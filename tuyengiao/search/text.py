"""Vietnamese text normalisation for search.

Every syllable gets two forms:

- canonical: NFC, lower case, the legacy ``ð`` read as ``đ``, and the tone
  mark moved to one fixed vowel, so old style (``hòa``, ``thủy``) and new
  style (``hoà``, ``thuỷ``) are one form, and misplaced tones (``qúy``,
  ``gìa``, ``hòan``) are repaired. The canonical form follows the new style
  (tone on the second vowel of ``oa``, ``oe``, ``uy`` in an open syllable).
- folded: every mark removed and ``đ`` → ``d`` (``Đảng`` → ``dang``).

The index stores one key per syllable, ``<folded>_<canonical>`` (``dang_đảng``):
a query syllable with diacritics looks up its exact key, a bare one looks up
every key starting with ``<folded>_``. The folded part never contains ``_``,
so a prefix never reaches into another syllable's keys.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Combining tone marks: grave, acute, tilde, hook above, dot below.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
MODIFIED_VOWELS = frozenset("ăâêôơư")
KEY_SEPARATOR = "_"
# Longer runs of letters (URLs, garbage) are cut: PostgreSQL refuses lexemes over 2 kB.
MAX_SYLLABLE_CHARS = 40

# A syllable: letters and digits, with any combining marks that follow them
# (text may arrive decomposed, or with marks that have no precomposed form).
_SYLLABLE = re.compile(r"[^\W_][^\W_\u0300-\u036f]*(?:[\u0300-\u036f]+[^\W_]*)*")
# The same syllables when no combining mark is left after NFC (nearly always): a faster pattern.
_PLAIN_SYLLABLE = re.compile(r"[^\W_]+")
_MARK = re.compile(r"[\u0300-\u036f]")
_VIETNAMESE_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?([aăâeêioôơuưy]{1,3})(ch|ng|nh|[cmnptk])?"
)


def nfc(text: str) -> str:
    """NFC, with the legacy ``ð`` (U+00F0, from old encodings) read as ``đ``."""
    return unicodedata.normalize("NFC", text).replace("ð", "đ").replace("Ð", "Đ")


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _tone_index(onset: str, vowels: str, final: str) -> int:
    """Which vowel of the nucleus carries the tone (new style)."""
    modified = [i for i, ch in enumerate(vowels) if ch in MODIFIED_VOWELS]
    if modified:
        return modified[-1]  # ươ → ơ, uô → ô, iê → ê, ưa → ư
    if final or len(vowels) == 1:
        return len(vowels) - 1  # hoàn, toán, huỳnh
    if len(vowels) == 2:
        return 1 if vowels in ("oa", "oe", "uy") else 0  # hoà, khoẻ, thuỷ; mùa, kìa, tài
    return 1  # oai → hoài, uyu → khuỷu, oeo → ngoẹo


@lru_cache(maxsize=1 << 18)
def canonical(syllable: str) -> str:
    """Canonical form of one syllable (see module docstring)."""
    decomposed = unicodedata.normalize("NFD", nfc(syllable).lower())
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in TONE_MARKS:
            tone = tone or ch
        else:
            kept.append(ch)
    base = unicodedata.normalize("NFC", "".join(kept))
    match = _VIETNAMESE_SYLLABLE.fullmatch(base) if tone else None
    if match is None:
        # No tone, or not a Vietnamese syllable (a foreign name): keep the
        # marks where they are, dropping any that do not compose.
        return _strip_marks(unicodedata.normalize("NFC", decomposed))
    onset, vowels, final = match.group(1) or "", match.group(2), match.group(3) or ""
    at = _tone_index(onset, vowels, final)
    vowels = vowels[:at] + unicodedata.normalize("NFC", vowels[at] + tone) + vowels[at + 1 :]
    return onset + vowels + final


@lru_cache(maxsize=1 << 18)
def fold(syllable: str) -> str:
    """Accent-folded form: every mark removed, ``đ`` → ``d``, lower case."""
    return _strip_marks(unicodedata.normalize("NFD", nfc(syllable).lower())).replace("đ", "d")


def has_diacritics(syllable: str) -> bool:
    return canonical(syllable) != fold(syllable)


@lru_cache(maxsize=1 << 18)
def index_key(syllable: str) -> str:
    """The key stored in the index for one syllable: ``dang_đảng``."""
    syllable = syllable[:MAX_SYLLABLE_CHARS]
    return fold(syllable) + KEY_SEPARATOR + canonical(syllable)


def _find(text: str) -> list[str]:
    return (_SYLLABLE if _MARK.search(text) else _PLAIN_SYLLABLE).findall(text)


def syllables(text: str) -> list[str]:
    """The syllables of a text, as written (NFC)."""
    return _find(nfc(text))


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def syllable_spans(text: str) -> list[Span]:
    """Syllables with their offsets in ``text``, which must already be NFC."""
    return [Span(m.start(), m.end(), m.group()) for m in _SYLLABLE.finditer(text)]


def normalize(text: str) -> str:
    """The whole text in canonical form, syllables joined by single spaces."""
    return " ".join(canonical(s) for s in syllables(text))


def folded(text: str) -> str:
    """The whole text accent-folded, syllables joined by single spaces."""
    return " ".join(fold(s) for s in syllables(text))


def index_keys(text: str) -> list[str]:
    """The index keys of a text, one per syllable, in order."""
    # Lower-casing the whole text first keeps the per-syllable caches small.
    return [index_key(s) for s in _find(nfc(text).lower())]

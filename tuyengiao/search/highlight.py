"""Mark the matched words in titles and snippets.

Matching follows the query policy: a syllable typed with diacritics marks
the same canonical syllable (``hoà`` marks ``Hòa``), a bare one marks every
syllable with that folded form (``dang`` marks ``Đảng`` and ``đăng``). A
phrase marks only its words in a row.

Speed matters (20 results a page, bodies of a thousand words): each term
becomes one regular expression that finds candidates in the original text
(every letter stands for all its accented forms, in either case), and only
the candidates are checked syllable by syllable with ``text.canonical`` /
``text.fold``, the same functions the index uses.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from . import text
from .query import Query, Term

SNIPPET_CHARS = 240
CONTEXT_BEFORE = 70
_MARKS = "[\u0300-\u036f]*"


def _letter_classes() -> dict[str, str]:
    """Folded letter → a regex class of every Latin letter that folds to it (``d`` → ``[dđ…]``)."""
    members: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        if not char.isalpha():
            continue
        folded = text.fold(char)
        if len(folded) == 1 and folded.isascii():
            members.setdefault(folded, set()).update({char, char.lower(), char.upper()})
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in members.items()}


_CLASSES = _letter_classes()
_SYLLABLE = re.compile(r"[^\W_][^\W_\u0300-\u036f]*(?:[\u0300-\u036f]+[^\W_]*)*")


def _term_regex(term: Term) -> str:
    syllables = ["".join(_CLASSES.get(ch, re.escape(ch)) + _MARKS for ch in s.folded) for s in term.syllables]
    return r"(?<![^\W_])" + r"[\W_]+".join(syllables) + r"(?![^\W_])"


@lru_cache(maxsize=256)
def _pattern(term: Term) -> re.Pattern:
    return re.compile(_term_regex(term), re.IGNORECASE)


@lru_cache(maxsize=256)
def _any_term(terms: tuple[Term, ...]) -> re.Pattern:
    """One pattern for all terms (group n = term n), to find the first match in a single scan."""
    return re.compile("|".join(f"({_term_regex(term)})" for term in terms), re.IGNORECASE)


def _verify(term: Term, value: str, start: int, end: int) -> list[tuple[int, int]] | None:
    found = [(m.start(), m.end(), m.group()) for m in _SYLLABLE.finditer(value, start, end)]
    if len(found) == len(term.syllables) and all(
        s.matches(text.canonical(word), text.fold(word)) for s, (_, _, word) in zip(term.syllables, found, strict=True)
    ):
        return [(a, b) for a, b, _ in found]
    return None


def _matches(term: Term, value: str, start: int, end: int):
    """Verified matches of one term in value[start:end]: lists of (start, end) syllable spans."""
    for candidate in _pattern(term).finditer(value, start, end):
        spans = _verify(term, value, candidate.start(), candidate.end())
        if spans:
            yield spans


def matched_spans(value: str, query: Query, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every matched syllable in ``value`` (NFC), sorted."""
    end = len(value) if end is None else end
    return sorted({span for term in query.terms for match in _matches(term, value, start, end) for span in match})


def first_match(value: str, query: Query) -> int | None:
    """Where the first matched word starts; the text after it is not scanned."""
    if not query.terms:
        return None
    position = 0
    pattern = _any_term(query.terms)
    while (candidate := pattern.search(value, position)) is not None:
        term = query.terms[candidate.lastindex - 1]
        if _verify(term, value, candidate.start(), candidate.end()):
            return candidate.start()
        # Another term may match at the same place: look at this spot term by term.
        for other in query.terms:
            match = _pattern(other).match(value, candidate.start())
            if match and _verify(other, value, match.start(), match.end()):
                return match.start()
        position = candidate.start() + 1
    return None


def _render(value: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    end = len(value) if end is None else end
    spans = [(a, b) for a, b in spans if a >= start and b <= end]
    out, cursor = [], start
    for i, (a, b) in enumerate(spans):
        gap = value[cursor:a]
        if i and not gap.strip():  # words in a row separated by spaces: one <mark>
            out[-1] = out[-1][: -len("</mark>")]
            out.append(escape(gap) + escape(value[a:b]) + "</mark>")
        else:
            out.append(escape(gap) + "<mark>" + escape(value[a:b]) + "</mark>")
        cursor = b
    out.append(escape(value[cursor:end]))
    return "".join(out)


def highlight(value: str, query: Query) -> SafeString:
    """The whole value, HTML-escaped, matched words in ``<mark>``."""
    value = text.nfc(value or "")
    return mark_safe(_render(value, matched_spans(value, query)))  # noqa: S308 - every piece escaped in _render


def _window(value: str, first: int | None, size: int) -> tuple[int, int]:
    if len(value) <= size:
        return 0, len(value)
    first = first or 0
    start = min(max(0, first - CONTEXT_BEFORE), max(0, len(value) - size))
    if start:  # begin at a word
        space = value.find(" ", start, first + 1)
        start = space + 1 if space >= 0 else start
    end = min(len(value), start + size)
    if end < len(value):
        space = value.rfind(" ", first + 1, end)
        end = space if space > start else end
    return start, end


def snippet(
    lead: str, body: str, query: Query, *, size: int = SNIPPET_CHARS, scan_body: bool = True
) -> tuple[str, SafeString]:
    """A short passage showing the match: from the lead if it matches, else from the body.

    Returns (plain text, HTML with ``<mark>``). Only the text up to the first
    match and the passage itself are scanned; ``scan_body=False`` (the ranking
    found every term in title or lead) skips the body altogether.
    """
    lead, body = text.nfc(lead or ""), text.nfc(body or "") if scan_body else ""
    value, first = lead, first_match(lead, query)
    if first is None and body:
        body_first = first_match(body, query)
        if body_first is not None or not lead:
            value, first = body, body_first
    start, end = _window(value, first, size)
    spans = matched_spans(value, query, start, end) if first is not None else []
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(value) else ""
    plain = prefix + " ".join(value[start:end].split()) + suffix
    html = prefix + _render(value, spans, start, end) + suffix
    return plain, mark_safe(html)  # noqa: S308 - escaped in _render

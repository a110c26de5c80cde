"""What a reader typed, turned into terms the index understands.

Everything that is not a letter or a digit separates syllables, so FTS
operators (``NEAR``, ``*``, ``:``, ``-``, ``^``, ``OR``, parentheses), SQL
fragments and control characters never reach the database as syntax: ``OR``
is just the syllable ``or``. Text between a pair of quotes (``"…"`` or
``“…”``) is a phrase; an unpaired quote is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import text

MAX_QUERY_CHARS = 500
MAX_SYLLABLES = 32
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})


@dataclass(frozen=True)
class Syllable:
    canonical: str
    folded: str

    @classmethod
    def of(cls, typed: str) -> Syllable:
        typed = typed[: text.MAX_SYLLABLE_CHARS]
        return cls(canonical=text.canonical(typed), folded=text.fold(typed))

    @property
    def exact(self) -> bool:
        """Typed with a diacritic: matches only the same canonical syllable."""
        return self.canonical != self.folded

    @property
    def key(self) -> str:
        return self.folded + text.KEY_SEPARATOR + self.canonical

    @property
    def prefix(self) -> str:
        """Every key of a syllable with this folded form starts with this."""
        return self.folded + text.KEY_SEPARATOR

    @property
    def literal_key(self) -> str:
        """The key of the syllable written exactly as typed, without any mark."""
        return self.folded + text.KEY_SEPARATOR + self.folded

    def matches(self, canonical: str, folded: str) -> bool:
        return canonical == self.canonical if self.exact else folded == self.folded


@dataclass(frozen=True)
class Term:
    """One syllable, or a phrase (several syllables in a row within one field)."""

    syllables: tuple[Syllable, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.syllables) > 1


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def has_bare(self) -> bool:
        """Some syllable was typed without diacritics (so folded matches exist)."""
        return any(not s.exact for term in self.terms for s in term.syllables)


def parse(raw: str | None) -> Query:
    raw = text.nfc(raw or "")[:MAX_QUERY_CHARS].translate(_QUOTES)
    parts = raw.split('"')
    if len(parts) % 2 == 0:  # an odd number of quotes: the last one is unpaired
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    terms: list[Term] = []
    budget = MAX_SYLLABLES
    for index, part in enumerate(parts):
        syllables = tuple(Syllable.of(s) for s in text.syllables(part))[:budget]
        budget -= len(syllables)
        if index % 2 == 1 and len(syllables) > 1:
            terms.append(Term(syllables))
        else:
            terms.extend(Term((s,)) for s in syllables)
    # ``Hòa hoà`` is one term: both syllables have the same canonical form.
    return Query(terms=tuple(dict.fromkeys(terms)))

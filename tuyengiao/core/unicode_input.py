"""Form and query input in Unicode NFC before any view sees it.

Vietnamese reaches us in two spellings: precomposed (NFC, "ệ" as one code
point) and decomposed ("e" + U+0302 + U+0323), which Unikey's "Unicode tổ hợp"
mode, macOS and text pasted from Word or PDFs produce. Both look the same but
compare, sort, search and count characters differently: a unit name typed
twice would not be a duplicate, and a max_length check would count marks.
Normalising at the edge gives every form, admin view and service one spelling
without each of them remembering to do it (imports and the search index
normalise their own input too).

Passwords are left as typed: existing password hashes were made from the
characters the user typed, whatever their form.
"""

from __future__ import annotations

import unicodedata

from django.http import QueryDict

KEPT_AS_TYPED = ("password",)


def nfc_querydict(data: QueryDict) -> QueryDict:
    """A copy of `data` with every value in NFC, or `data` itself when nothing changes (the usual case)."""
    changed = False
    lists = []
    for key, values in data.lists():
        if any(word in key for word in KEPT_AS_TYPED):
            lists.append((key, values))
            continue
        normalised = [unicodedata.normalize("NFC", value) if isinstance(value, str) else value for value in values]
        changed = changed or normalised != values
        lists.append((key, normalised))
    if not changed:
        return data
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in lists:
        copy.setlist(key, values)
    copy._mutable = False
    return copy


class NFCInputMiddleware:
    """Replaces request.GET and request.POST (form encodings only) with NFC copies.

    In process_view: only requests that reach a view are read, and a body Django
    cannot parse fails as it did before, on its first reading.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.GET:
            request.GET = nfc_querydict(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = nfc_querydict(request.POST)
        return None

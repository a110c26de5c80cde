"""Helpers of the form fuzz tests: what a browser would send, hostile text, and what must hold after a POST.

`browser_form_data` reads the edit form out of a page as a browser does when
it submits it (inputs with their values, checked boxes, the selected or first
option, textareas), so a test starts from exactly what an editor would post
and changes only the fields it fuzzes.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from django.apps import apps
from hypothesis import strategies as st

# Letters that only Vietnamese text has (lower case; messages are compared in lower case).
VIETNAMESE_LETTER = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")

# Characters forms meet in pasted and hostile text: NUL and other C0 controls, vertical tab, DEL,
# combining marks (decomposed Vietnamese), right-to-left and zero-width marks, BOM, line/paragraph
# separators, a non-breaking space, and text that looks like markup.
AWKWARD = [
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\t", "\r\n", "\n",
    "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b",
    "\u200e", "\u200f", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028", "\u2029", "\xa0",
    "<", ">", "&", '"', "'", "{{", "}}", "{%", "%}", "%s", "\\",
]  # fmt: skip
WORDS = ["Nguyễn", "Đảng ủy", "phường", "Hòa", "hội nghị", "tuyên truyền", "Thủy", "ĐU", "số 05-CT/TW", "x"]


def _decomposed(text: str) -> str:
    return unicodedata.normalize("NFD", text)


hostile_text = st.one_of(
    # Any Unicode but lone surrogates (UTF-8 over HTTP cannot carry them).
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.lists(st.sampled_from(AWKWARD + WORDS), min_size=1, max_size=12).map("".join),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join).map(_decomposed),
    st.tuples(st.sampled_from(WORDS), st.integers(300, 70_000)).map(lambda t: (t[0] + " ") * (t[1] // len(t[0]))),
)


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def squashed(text: str) -> str:
    """Whitespace collapsed: forms strip and may join runs of spaces."""
    return " ".join(text.split())


def is_vietnamese(message: str) -> bool:
    return bool(VIETNAMESE_LETTER.search(str(message).lower()))


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, bool] | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._templates = 0  # inside <template>: inline-panel rows to be, never submitted

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._templates += 1
        if self._templates:
            return
        if tag == "form":
            self._form = {"attrs": attrs, "fields": []}
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["fields"].append((name, attrs.get("value", "on")))
                return
            form["fields"].append((name, attrs.get("value") or ""))
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = (name, "multiple" in attrs)
            self._select_options = []
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": []}
        elif tag == "textarea" and name and "disabled" not in attrs:
            self._textarea = name
            self._text = []

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates = max(0, self._templates - 1)
        if self._templates:
            return
        if tag == "option" and self._option is not None:
            option = self._option
            value = option["value"] if option["value"] is not None else "".join(option["text"]).strip()
            self._select_options.append((value, option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and not multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            self._form["fields"] += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text)
            self._form["fields"].append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def browser_form_data(html: str, *, containing: str) -> dict[str, str | list[str]]:
    """The fields of the first POST form holding a field named `containing`, as a browser would submit them."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        names = [name for name, _value in form["fields"]]
        if (form["attrs"].get("method") or "").lower() == "post" and containing in names:
            data: dict[str, str | list[str]] = {}
            for name, value in form["fields"]:
                if name in data:
                    previous = data[name]
                    data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
                else:
                    data[name] = value
            return data
    raise AssertionError(f"no POST form with a field {containing!r} on the page")


def row_counts(*app_labels: str) -> dict[str, int]:
    """Rows of every model of these apps, plus Wagtail's log entries and revisions (a refused save writes none)."""
    models = [model for label in app_labels for model in apps.get_app_config(label).get_models()]
    models += [apps.get_model("wagtailcore", "ModelLogEntry"), apps.get_model("wagtailcore", "Revision")]
    return {model._meta.label: model._default_manager.count() for model in models}


def form_errors(response) -> list[str]:
    """Every error message the re-rendered page's forms and formsets carry, and the page's messages."""
    messages = []
    context = response.context or {}
    seen = set()
    for key in ("form", "comment_form", "formset"):
        form = context.get(key)
        if form is None or id(form) in seen or not hasattr(form, "errors"):
            continue
        seen.add(id(form))
        messages += _messages_of(form)
        for formset in getattr(form, "formsets", {}).values():
            messages += [str(m) for m in formset.non_form_errors()]
            for subform in formset.forms:
                messages += _messages_of(subform)
    messages += [str(m) for m in context.get("messages", [])]
    return messages


def _messages_of(form) -> list[str]:
    """Messages as the editor sees them: a StreamField shows each block's own messages, not its summary."""
    messages = []
    for errors in form.errors.as_data().values():
        for error in errors:
            if hasattr(error, "as_json_data"):  # Wagtail's block validation errors
                messages += _block_messages(error.as_json_data())
            else:
                messages += [str(m) for m in error.messages]
    return messages


def _block_messages(data) -> list[str]:
    if isinstance(data, dict):
        return [m for key, value in data.items() for m in (value if key == "messages" else _block_messages(value))]
    if isinstance(data, list):
        return [m for value in data for m in _block_messages(value)]
    return []

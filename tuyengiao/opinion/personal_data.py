"""Refuse free text that looks like a citizen's personal data.

Public-opinion reports store aggregate topic information only (DESIGN.md §1).
Political and religious opinions tied to a person are sensitive personal data
under Nghị định 13/2023/NĐ-CP and Luật Bảo vệ dữ liệu cá nhân 2025, so any text
that names or locates a person is refused before it reaches the database:

- a name after ông / bà / anh / chị / cháu ("ông Nguyễn Văn A", "ong Nguyen Van A");
- phone numbers (mobile 0912 345 678, +84 912 345 678; landline 0292.3812.345);
- citizen ID numbers (CCCD 12 digits, old CMND 9 digits);
- e-mail addresses;
- house addresses ("số nhà 12", "số 12 đường …", "12/3 hẻm …", "tổ 5 ấp …").

Matching is case-insensitive and insensitive to Unicode normalisation (NFC/NFD)
and to missing diacritics. Ordinary report language must pass: "ông bà tổ
tiên", "anh chị em", "Bác Hồ", "cháu ngoan Bác Hồ", "120 lượt", "05-CT/TW".
The checks are deliberately conservative heuristics, not a guarantee; the
message tells the writer what was found so they can rephrase.

Used by the model field validators (so admin forms, services, imports and any
API that calls `full_clean` are covered) — see models.py and services.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

LEGAL_REASON = (
    "Báo cáo dư luận xã hội chỉ lưu thông tin tổng hợp theo chủ đề. Họ tên, số điện thoại, số định danh, "
    "thư điện tử, địa chỉ nhà của công dân là dữ liệu cá nhân; gắn với quan điểm chính trị, tôn giáo thì là "
    "dữ liệu cá nhân nhạy cảm theo Nghị định 13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân 2025, "
    "nên không được lưu trong hệ thống. Hãy bỏ các chi tiết này hoặc thay bằng mô tả chung "
    "(ví dụ “một số hộ dân”, “người dân khu vực chợ”)."
)

KIND_LABELS = {
    "name": "họ tên",
    "phone": "số điện thoại",
    "citizen_id": "số CCCD/CMND",
    "email": "địa chỉ thư điện tử",
    "address": "địa chỉ nhà",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


# --- text folding -----------------------------------------------------------


def _fold_char(char: str) -> str:
    """One NFC character → its lower-case base letter (ắ → a, Đ → d), keeping one character per character."""
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower() if len(base.lower()) == 1 else char


def fold(text: str) -> str:
    """Lower case without diacritics, the same length as the NFC text (so match positions line up)."""
    return "".join(_fold_char(char) for char in text)


def _either(*words: str) -> str:
    """A regex alternative for a keyword with and without diacritics: "đường" → (?:đường|duong)."""
    forms = {form for word in words for form in (word, fold(word))}
    return "(?:" + "|".join(sorted((re.escape(f).replace(r"\ ", r"\s+") for f in forms), key=len, reverse=True)) + ")"


# --- names after a form of address -----------------------------------------

# Forms of address from the rule; others ("đồng chí", "Bác") name officials or Hồ Chí Minh.
TITLES = {"ông", "bà", "anh", "chị", "cháu"}
ASCII_TITLES = {fold(title) for title in TITLES}

# Family names that mark a name even in lower or upper case ("ông nguyễn văn a",
# "ÔNG NGUYỄN VĂN A"). Family names that are also everyday words are left out:
# "chị từ chối", "anh lại đến", "anh phạm lỗi", "bà hồ hởi", "chị kiều bào".
FAMILY_NAMES = {"nguyễn", "trần", "lê", "huỳnh", "phan", "vũ", "đặng", "ngô", "quách", "trương", "phùng", "khổng"}
ASCII_FAMILY_NAMES = {fold(name) for name in FAMILY_NAMES}

# Common middle names: after a lower-case family name they mean a three-word name.
MIDDLE_NAMES = {
    "văn", "thị", "hữu", "đức", "minh", "ngọc", "thanh", "quốc", "xuân", "hoàng", "kim", "công", "thành",
    "bảo", "gia", "anh", "thu", "hồng", "quang", "trọng", "đình", "mạnh", "phương", "tuấn", "hải",
}  # fmt: skip
ASCII_MIDDLE_NAMES = {fold(name) for name in MIDDLE_NAMES}

# Capitalised words that follow a form of address without naming a citizen:
# "bà Mẹ Việt Nam Anh hùng", "ông Bí thư", "bà Bộ trưởng", "Tết ông Công ông Táo",
# and place names such as "Bà Rịa", "Bà Chiểu", "Núi Bà Đen", "cầu Ông Lãnh".
NOT_A_NAME = {
    "mẹ", "bí", "chủ", "giám", "trưởng", "phó", "tổng", "thủ", "thứ", "bộ", "cục", "vụ", "viện", "hiệu",
    "chánh", "đại", "bác", "đảng", "nhà", "nước", "tổ", "trời", "phật", "bụt", "tiên", "chúa", "thánh",
    "táo", "công", "địa", "thần", "noel", "già", "rịa", "chiểu", "đen", "điểm", "quẹo", "lãnh", "đốc",
    "trưng", "chi", "ban", "hội", "sở", "phòng", "ủy", "mặt", "khu", "ấp", "xã", "phường", "tỉnh",
    "huyện", "quận", "thành", "việt", "ông", "bà", "anh", "chị", "cháu", "em", "con", "cô", "chú",
}  # fmt: skip
# "Ba" without diacritics is the nickname in "anh Ba", "chị Ba" (the third child), not "bà".
ASCII_NOT_A_NAME = {fold(word) for word in NOT_A_NAME} - ASCII_FAMILY_NAMES - {"ba"}

WORD = r"[^\W\d_]+"
SPACE = r"[ \t\u00a0]+"
_word_re = re.compile(rf"(?<![^\W\d_])({WORD})(?![^\W\d_])")
_following_re = re.compile(rf"{SPACE}({WORD}(?:{SPACE}{WORD}){{0,5}})")
SENTENCE_BREAKS = ".!?:;…\n\"“”'([•-–—"


def _is_title_case(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def _is_upper(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _is_form_of_address(word: str, text: str, start: int) -> bool:
    if word.lower() not in TITLES | ASCII_TITLES:
        return False
    if word.islower() or _is_upper(word):
        return True
    # "tỉnh Bà Rịa", "Hai Bà Trưng": capitalised mid-sentence, it is part of a proper name.
    return _is_title_case(word) and _starts_sentence(text, start)


def _starts_sentence(text: str, start: int) -> bool:
    """Whether only white space separates `start` from the text's start or a sentence break."""
    position = start - 1
    while position >= 0 and text[position].isspace() and text[position] != "\n":
        position -= 1
    return position < 0 or text[position] in SENTENCE_BREAKS


def _in(word: str, vietnamese: set[str], ascii_set: set[str]) -> bool:
    return word.lower() in (ascii_set if word.isascii() else vietnamese)


def _leading(words: list[str], predicate) -> list[str]:
    taken = []
    for word in words:
        if not predicate(word):
            break
        taken.append(word)
    return taken


def _name_after(title: str, words: list[str]) -> list[str]:
    """The words after a form of address that make a personal name, or []."""
    first = words[0]
    written_without_diacritics = title.lower() not in TITLES  # "ong", "ba", "chi", "chau"
    if written_without_diacritics and not all(word.isascii() for word in words[:2]):
        return []  # "ba Chi bộ" is "three cells", not "bà Chi"
    # A family name in lower or upper case: "ông nguyễn văn a", "ÔNG NGUYỄN VĂN A", "ong nguyen van a".
    if (first.islower() or _is_upper(first)) and _in(first, FAMILY_NAMES, ASCII_FAMILY_NAMES):
        same_case = str.islower if first.islower() else _is_upper
        rest = _leading(words[1:], lambda w: same_case(w) or (w.isupper() and len(w) == 1))
        if not rest or (written_without_diacritics and title.lower() in {"ba", "chi"}):
            return []
        # Without capitals the name's end is a guess: family + middle + given name ("nguyễn văn a"), else two words.
        return [first, *rest[: 2 if _in(rest[0], MIDDLE_NAMES, ASCII_MIDDLE_NAMES) else 1]]
    # Capitalised words: "chị Hoa", "anh Phạm Minh Tuấn", "ông Tư", "ong Nguyen Van A".
    if not _is_title_case(first) or _in(first, NOT_A_NAME, ASCII_NOT_A_NAME):
        return []
    name = [first, *_leading(words[1:], _is_title_case)][:5]
    if written_without_diacritics and len(name) < 2:
        return []
    return name


def _find_names(text: str) -> list[Finding]:
    findings = []
    for match in _word_re.finditer(text):
        title = match.group(1)
        if not _is_form_of_address(title, text, match.start(1)):
            continue
        following = _following_re.match(text, match.end(1))
        if not following:
            continue
        name = _name_after(title, following.group(1).split())
        if not name:
            continue
        end = following.start(1)
        for word in name:
            end = text.index(word, end) + len(word)
        findings.append(Finding("name", text[match.start(1) : end], match.start(1), end))
    return findings


# --- phone numbers and citizen IDs -----------------------------------------

SEP = r"[ .\-]?"
_number_res = [
    # Mobile: 0912345678, 091 234 5678, 0912.345.678, +84 912 345 678, 84912345678
    ("phone", re.compile(rf"(?<![\w+])(?:\+84{SEP}|0|84(?=[35789]\d{{8}}(?!\d)))[35789](?:{SEP}\d){{8}}(?!\d)")),
    # Landline: 0292.3812.345, 024 3825 1234, +84 292 3812 345 (02 + area code + number = 11 digits)
    ("phone", re.compile(rf"(?<![\w+])(?:\+84{SEP}|0)2(?:{SEP}\d){{9}}(?!\d)")),
    # CCCD: 12 digits starting with the province code 0xx, in one block or in groups of three
    ("citizen_id", re.compile(r"(?<![\w.,/\-])0\d{2}(?: ?\d{3}){3}(?![\w/]|[.,]\d)")),
    # Old CMND: 9 digits in one block
    ("citizen_id", re.compile(r"(?<![\w.,/\-])\d{9}(?![\w/]|[.,]\d)")),
]


def _find_numbers(text: str) -> list[Finding]:
    return [
        Finding(kind, match.group(0), match.start(), match.end())
        for kind, pattern in _number_res
        for match in pattern.finditer(text)
    ]


# --- e-mail addresses -------------------------------------------------------

_email_re = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def _find_emails(text: str) -> list[Finding]:
    return [Finding("email", match.group(0), match.start(), match.end()) for match in _email_re.finditer(text)]


# --- house addresses --------------------------------------------------------

SO = _either("số")
STREET = (
    "(?:"
    + "|".join(
        [
            _either("đường") + r"(?!\s+(?:phố|pho|lối|loi|dây|day|sá|bộ|truyền)\b)",  # not "đường phố", "đường lối"
            _either("phố") + r"(?!\s+(?:biến|bien)\b)",
            _either("hẻm", "ngõ", "ngách", "kiệt", "khu phố", "khóm", "thôn", "xóm", "ấp", "lô", "chung cư", "căn hộ"),
            _either("tổ") + r"(?=\s+\d)",  # "tổ 5", not "tổ chức"
        ]
    )
    + ")"
)
HOUSE_NUMBER = r"\d+[a-z]?(?:/\d+[a-z]?)*"
_address_res = [
    # "số nhà 12", "so nha 12B"
    re.compile(rf"\b{SO}\s+{_either('nhà')}\s+{HOUSE_NUMBER}", re.IGNORECASE),
    # "số 12 đường Trần Phú", "số 45/7 hẻm 3"
    re.compile(rf"\b{SO}\s+{HOUSE_NUMBER}\s+{STREET}\b", re.IGNORECASE),
    # "số 45/7" (a document symbol "số 12/2025/TT-…" or "số 12/QĐ-…" does not match)
    re.compile(rf"\b{SO}\s+\d+[a-z]?/\d{{1,3}}[a-z]?(?![\w/\-])", re.IGNORECASE),
    # "12/3 hẻm 45", "27/5 đường …" (but "30/4 đường phố" is a date)
    re.compile(rf"(?<![\w/])\d+[a-z]?(?:/\d+[a-z]?)+\s+{STREET}\b", re.IGNORECASE),
    # "hẻm 45", "ngõ 12", "kiệt 5"
    re.compile(rf"\b{_either('hẻm', 'ngõ', 'ngách', 'kiệt')}\s+\d+[a-z]?(?:/\d+)*", re.IGNORECASE),
    # "tổ 5 ấp Mỹ Lợi", "tổ 12 khu phố 3"
    re.compile(rf"\b{_either('tổ')}\s+\d+\s+{_either('ấp', 'khu phố', 'khóm', 'thôn', 'xóm', 'bản')}\b", re.IGNORECASE),
]
_place_words_re = re.compile(rf"{SPACE}(\w+(?:{SPACE}\w+){{0,3}})")


def _extend_over_place_name(text: str, end: int) -> int:
    """Quote the street or hamlet too ("số 12 đường Trần Phú"): the capitalised words or numbers after it."""
    following = _place_words_re.match(text, end)
    if not following:
        return end
    for word in following.group(1).split():
        if not (word[:1].isupper() or word.isdigit()):
            break
        end = text.index(word, end) + len(word)
    return end


def _find_addresses(text: str) -> list[Finding]:
    findings = []
    for pattern in _address_res:
        for match in pattern.finditer(text):
            end = _extend_over_place_name(text, match.end())
            findings.append(Finding("address", text[match.start() : end], match.start(), end))
    return findings


# --- public API -------------------------------------------------------------

# Where findings overlap, keep the more specific one: an e-mail before the digits in it.
PRIORITY = {"email": 0, "address": 1, "name": 2, "phone": 3, "citizen_id": 4}


def find_personal_data(text: str | None) -> list[Finding]:
    """Everything in `text` that looks like a citizen's personal data, in reading order, without overlaps."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", str(text))
    found = _find_emails(text) + _find_addresses(text) + _find_names(text) + _find_numbers(text)
    found.sort(key=lambda f: (PRIORITY[f.kind], f.start, f.start - f.end))
    kept: list[Finding] = []
    for finding in found:
        if not any(finding.start < other.end and other.start < finding.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def describe(findings: list[Finding]) -> str:
    """Vietnamese message: what was found (quoted) and why it may not be stored."""
    quoted = "; ".join(f"{finding.label} “{finding.text}”" for finding in findings)
    return f"Không thể lưu vì nội dung có dấu hiệu dữ liệu cá nhân: {quoted}. {LEGAL_REASON}"


def refuse_personal_data(value) -> None:
    """Field validator: ValidationError (code "personal_data") when the text looks like personal data."""
    findings = find_personal_data(value)
    if findings:
        raise ValidationError(describe(findings), code="personal_data")

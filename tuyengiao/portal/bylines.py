"""Structured bylines: who wrote the text, took the photos, made the video.

Stored as one row per person with the roles they had; rendered the way
Vietnamese news sites print them, e.g. ``Tin, ảnh: Lê Thuý`` or
``Bài: Trần An; ảnh: Lê Bình``.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

ROLE_ORDER = ("tin", "bai", "anh", "video")
ROLE_LABELS = {"tin": "tin", "bai": "bài", "anh": "ảnh", "video": "video"}
_LABEL_TO_ROLE = {"tin": "tin", "bài": "bai", "bai": "bai", "ảnh": "anh", "anh": "anh", "video": "video"}


@dataclass(frozen=True)
class BylineCredit:
    name: str
    roles: tuple[str, ...]


def format_byline(credits: Iterable[BylineCredit]) -> str:
    """Group people who share the same roles: ``Tin, ảnh: A, B; video: C``."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for credit in credits:
        roles = tuple(role for role in ROLE_ORDER if role in credit.roles)
        if not roles or not credit.name.strip():
            continue
        groups.setdefault(roles, []).append(credit.name.strip())
    parts = []
    for roles, names in groups.items():
        label = ", ".join(ROLE_LABELS[role] for role in roles)
        parts.append(f"{label}: {', '.join(names)}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


_SEGMENT = re.compile(r"\s*([^:;]+?)\s*:\s*([^;]+)")


def parse_byline(text: str) -> list[BylineCredit]:
    """Read a byline as typed (``Tin, ảnh: Lê Thuý``). Unknown labels raise ValueError."""
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        return []
    credits: list[BylineCredit] = []
    for segment in re.split(r"\s*[;\n]\s*|\s+-\s+", text):
        if not segment.strip():
            continue
        match = _SEGMENT.fullmatch(segment)
        if not match:
            raise ValueError(f"Không đọc được phần “{segment}” của dòng tác giả (cần dạng “Tin, ảnh: Họ tên”).")
        roles = []
        for label in re.split(r"\s*,\s*|\s+và\s+", match.group(1).lower()):
            if label not in _LABEL_TO_ROLE:
                raise ValueError(f"Vai trò “{label}” không hợp lệ (chỉ dùng tin, bài, ảnh, video).")
            roles.append(_LABEL_TO_ROLE[label])
        for name in re.split(r"\s*,\s*", match.group(2)):
            if name.strip():
                credits.append(BylineCredit(name=name.strip(), roles=tuple(roles)))
    return credits

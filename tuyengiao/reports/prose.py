"""The figures written as a Party report writes them.

Numbers: thousands with ".", counts under ten with a leading zero (``so``):
``mở 29 lớp, 08 hội nghị báo cáo viên (trong đó có 04 hội nghị báo cáo viên
trực tuyến), tổng số 2.302 lượt người dự``. Percentages with a decimal
comma (``95,23%``). A part with nothing to say is left out of its sentence;
a section with no records says so rather than printing zeros, and a period
with no records at all gives a report that says there is nothing to report.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuyengiao.education.selectors import format_percent, ratio

from .figures import FigureSet
from .periods import format_date

SECTION_HEADINGS = {
    "study": "1. Công tác học tập, quán triệt, triển khai thực hiện nghị quyết, chỉ thị",
    "education": "2. Công tác giáo dục lý luận chính trị, hội nghị báo cáo viên",
    "opinion": "3. Công tác nắm bắt tình hình tư tưởng, dư luận xã hội",
    "documents": "4. Công tác tham mưu, ban hành văn bản",
    "tasks": "5. Thực hiện nhiệm vụ được giao",
}
NOTHING_IN_SECTION = {
    "study": "Trong kỳ, không có số liệu về học tập, quán triệt nghị quyết, chỉ thị.",
    "education": "Trong kỳ, không có số liệu về lớp bồi dưỡng và hội nghị báo cáo viên.",
    "opinion": "Trong kỳ, không có số liệu về dư luận xã hội.",
    "documents": "Trong kỳ, không có số liệu về văn bản ban hành.",
    "tasks": "Trong kỳ, không có số liệu về nhiệm vụ đến hạn hoặc hoàn thành.",
}
RESULTS_HEADING = "I. KẾT QUẢ THỰC HIỆN"
NOTHING_TO_REPORT = "Không có số liệu để báo cáo"


@dataclass
class Section:
    heading: str
    paragraphs: list[str]
    level: int = 1

    def as_dict(self) -> dict:
        return {"heading": self.heading, "paragraphs": self.paragraphs, "level": self.level}


def so(n: int) -> str:
    """A count as Party documents write it: 8 → ``08``, 29 → ``29``, 2302 → ``2.302`` (0 → ``0``)."""
    n = int(n)
    if 0 < n < 10:
        return f"{n:02d}"
    return f"{n:,}".replace(",", ".")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def join_parts(parts: list[str]) -> str:
    return ", ".join(part for part in parts if part)


def _study(figures: FigureSet) -> list[str]:
    paragraphs = []
    for campaign in figures.campaigns:
        prefix = f"study.{campaign['pk']}"
        required, returned = figures.value(f"{prefix}.required"), figures.value(f"{prefix}.returned")
        members, studied = figures.value(f"{prefix}.members"), figures.value(f"{prefix}.studied")
        late = figures.value(f"{prefix}.late")
        sentence = f"Đợt “{campaign['title']}”: {so(returned)}/{so(required)} đơn vị đã báo cáo kết quả"
        if members:
            sentence += (
                f"; có {so(studied)}/{so(members)} đảng viên tham gia học tập (kể cả học bù), "
                f"đạt {format_percent(ratio(studied, members))}"
            )
        sentence += "."
        if late:
            sentence += f" Còn {so(late)} đơn vị báo cáo chậm so với thời hạn."
        paragraphs.append(sentence)
    return paragraphs


def education_sentence(figures: FigureSet) -> str:
    """``đã mở 29 lớp, 08 hội nghị báo cáo viên (trong đó có 04 …trực tuyến), tổng số 2.302 lượt người dự``."""
    classes, conferences = figures.value("classes"), figures.value("conferences")
    online, luot = figures.value("conferences.online"), figures.value("attendance")
    parts = []
    if classes:
        parts.append(f"{so(classes)} lớp")
    if conferences:
        conference = f"{so(conferences)} hội nghị báo cáo viên"
        if online:
            conference += f" (trong đó có {so(online)} hội nghị báo cáo viên trực tuyến)"
        parts.append(conference)
    verb = "mở" if classes else "tổ chức"
    sentence = f"đã {verb} {join_parts(parts)}"
    if luot:
        sentence += f", tổng số {so(luot)} lượt người dự"
    return sentence


def _education(figures: FigureSet, subject: str) -> list[str]:
    paragraphs = [f"{subject} {education_sentence(figures)}."]
    programmes = [f for f in figures.prefixed("classes.")]
    if programmes:
        listed = join_parts([f"{so(f.value)} {lower_first(f.label)}" for f in programmes])
        paragraphs.append(f"Các lớp gồm: {listed}.")
    return paragraphs


def _opinion(figures: FigureSet) -> list[str]:
    tendencies = [f for f in figures.prefixed("opinion.tendency.") if f.value]
    sentence = f"Các cấp ủy, cơ quan tham mưu đã nắm bắt, tổng hợp {so(figures.value('opinion'))} tin dư luận xã hội"
    if tendencies:
        listed = join_parts([f"{so(f.value)} tin {lower_first(f.label.removeprefix('Xu hướng '))}" for f in tendencies])
        sentence += f", trong đó {listed}"
    paragraphs = [sentence + "."]
    topics = figures.prefixed("opinion.topic.")
    if topics:
        listed = join_parts([f"{f.label.removeprefix('Chủ đề: ')} ({so(f.value)} tin)" for f in topics[:5]])
        paragraphs.append(f"Dư luận tập trung vào các chủ đề: {listed}.")
    return paragraphs


def _documents(figures: FigureSet) -> list[str]:
    sentence = f"Tham mưu ban hành {so(figures.value('documents'))} văn bản"
    types = figures.prefixed("documents.type.")
    if types:
        sentence += ", gồm: " + join_parts([f"{so(f.value)} {lower_first(f.label)}" for f in types])
    return [sentence + "."]


def _tasks(figures: FigureSet) -> list[str]:
    due, done, late = figures.value("tasks.due"), figures.value("tasks.done"), figures.value("tasks.late")
    parts = []
    if due:
        parts.append(f"có {so(due)} nhiệm vụ đến hạn")
    if done:
        parts.append(f"đã hoàn thành {so(done)} nhiệm vụ")
    sentence = "Trong kỳ " + "; ".join(parts)
    sentence += f"; {so(late)} nhiệm vụ trễ hạn." if late else "; không có nhiệm vụ trễ hạn."
    return [sentence]


def nothing_to_report(figures: FigureSet) -> str:
    return (
        f"{NOTHING_TO_REPORT}: từ ngày {format_date(figures.start)} đến ngày {format_date(figures.end)}, "
        f"{figures.unit_name} và các đơn vị trực thuộc không có bản ghi nào về học tập, quán triệt nghị quyết, "
        "lớp bồi dưỡng, hội nghị báo cáo viên, dư luận xã hội, văn bản ban hành hay nhiệm vụ."
    )


def generated_sections(figures: FigureSet, *, period: str) -> list[Section]:
    """Section I of the report (results), written from the figures; `period` e.g. ``6 tháng đầu năm 2025``."""
    if figures.is_empty:
        return [Section(RESULTS_HEADING, [nothing_to_report(figures)])]
    subject = f"Trong {period}, {figures.unit_name} và các đơn vị trực thuộc"
    writers = {
        "study": _study,
        "education": lambda f: _education(f, subject),
        "opinion": _opinion,
        "documents": _documents,
        "tasks": _tasks,
    }
    sections = [Section(RESULTS_HEADING, [])]
    for name, heading in SECTION_HEADINGS.items():
        paragraphs = [NOTHING_IN_SECTION[name]] if figures.section_is_empty(name) else writers[name](figures)
        sections.append(Section(heading, paragraphs, level=2))
    return sections


def emulation_text(movements) -> str:
    """The emulation section's starting text: the movements launched or running in the period."""
    movements = list(movements)
    if not movements:
        return ""
    names = ", ".join(f"“{movement.title}”" for movement in movements)
    return f"Trong kỳ, triển khai {so(len(movements))} phong trào thi đua: {names}."


def key_figures_text(figures: FigureSet, *, period: str) -> list[str]:
    """The few sentences a portal article about the report carries."""
    if figures.is_empty:
        return [nothing_to_report(figures)]
    sentences = []
    if figures.value("classes") or figures.value("conferences"):
        sentences.append(f"Trong {period}, {figures.unit_name} và các đơn vị trực thuộc {education_sentence(figures)}.")
    for campaign in figures.campaigns:
        prefix = f"study.{campaign['pk']}"
        members, studied = figures.value(f"{prefix}.members"), figures.value(f"{prefix}.studied")
        if members:
            sentences.append(
                f"Đợt “{campaign['title']}” có {so(studied)}/{so(members)} đảng viên tham gia học tập, "
                f"đạt {format_percent(ratio(studied, members))}."
            )
    if figures.value("opinion"):
        sentences.append(_opinion(figures)[0])
    if figures.value("documents"):
        sentences.extend(_documents(figures))
    return sentences

"""Demo documents (fictional numbers and texts) for the demo units, 01/2025 – 11/2026.

Central documents received by the provincial board, the Tỉnh ủy's
resolutions and directives, the board's monthly plans for the reporters'
conference and monthly reports, its guidance and official letters, and the
wards' plans implementing them. Numbers come from the numbering service,
so they restart at 01 when the 2025–2030 term begins (and, for the central
issuer, with the XIV term). Public documents carry a small generated PDF.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from unidecode import unidecode
from wagtail.documents import get_document_model

from .models import Document, DocumentAttachment, DocumentType, Issuer, RelationKind, SigningMode, SubjectArea, Term
from .services import document_create

PLACE = "Sông Hậu"
BOARD_RECIPIENTS = (
    "- Thường trực Tỉnh ủy (để báo cáo),\n- Ban Tuyên giáo và Dân vận Trung ương (để báo cáo),\n"
    "- Các đảng ủy trực thuộc Tỉnh ủy,\n- Lưu Văn phòng Ban."
)
PROVINCE_RECIPIENTS = (
    "- Ban Bí thư Trung ương Đảng (để báo cáo),\n- Các ban đảng, Văn phòng Tỉnh ủy,\n"
    "- Các đảng ủy trực thuộc Tỉnh ủy,\n- Lưu Văn phòng Tỉnh ủy."
)
WARD_RECIPIENTS = (
    "- Ban Tuyên giáo và Dân vận Tỉnh ủy (để báo cáo),\n- Các chi bộ trực thuộc,\n- Lưu Văn phòng Đảng ủy."
)
# Summary lines of these types start with a capital (under the type name); the others read "về …".
CAPITALISED = ("HD", "KH", "BC", "CTr")


@dataclass
class Seed:
    day: datetime.date
    issuer: Issuer
    type_code: str
    summary: str
    area: str = ""
    public: bool = False
    symbol: str = ""  # typed for external issuers
    signer: tuple[str, str, str, str] = ("", "", "", "")  # mode, for whom, position, name
    recipients: str = ""
    key: str = ""  # to attach relations
    implements: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    in_force_to: datetime.date | None = None
    with_file: bool = False


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page A4 PDF written by hand (no PDF library in the project).

    The 14 standard PDF fonts have no Vietnamese glyphs, so the text is
    transliterated to ASCII; the real file of a document is uploaded by staff.
    """
    text = ["BT", "/F1 13 Tf", "16 TL", "72 770 Td"]
    for line in lines:
        ascii_line = unidecode(line).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"({ascii_line[:90]}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(output)
    output += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    output += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    output += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(output)


def _pdf_for(document: Document) -> object:
    lines = [
        "DANG CONG SAN VIET NAM",
        document.issuer.name,
        f"{document.written_symbol}",
        f"{document.issued_place or PLACE}, ngay {document.issued_on:%d/%m/%Y}",
        "",
        document.doc_type.name.upper(),
        document.summary[:85],
        document.summary[85:170],
        "",
        "(Ban demo - van ban hu cau dung de thu nghiem)",
    ]
    pdf = tiny_pdf([line for line in lines if line is not None])
    stored = get_document_model()(
        title=document.title, file=ContentFile(pdf, name=f"{slugify(unidecode(document.symbol))}.pdf")
    )
    stored._set_document_file_metadata()
    stored.save()
    return stored


def _issuers(units) -> dict[str, Issuer]:
    def ours(unit, *, order: int) -> Issuer:
        issuer, _ = Issuer.objects.get_or_create(
            unit=unit, defaults={"name": unit.name, "code": unit.short_code, "sort_order": order}
        )
        return issuer

    central, _ = Issuer.objects.get_or_create(name="Ban Chấp hành Trung ương", defaults={"code": "TW", "sort_order": 1})
    central_board, _ = Issuer.objects.get_or_create(
        name="Ban Tuyên giáo và Dân vận Trung ương", defaults={"code": "BTGDVTW", "sort_order": 2}
    )
    issuers = {
        "TW": central,
        "BTGDVTW": central_board,
        "TU": ours(units.province, order=10),
        "BTGDVTU": ours(units.board, order=11),
    }
    for n, ward in enumerate(units.wards):
        issuers[f"ward{n}"] = ours(ward, order=20 + n)
    return issuers


def _terms(central: Issuer) -> None:
    terms = [
        ("2020–2025", None, datetime.date(2020, 10, 15), datetime.date(2025, 9, 30)),
        ("2025–2030", None, datetime.date(2025, 10, 1), None),
        ("Khóa XIII (2021–2026)", central, datetime.date(2021, 1, 25), datetime.date(2026, 1, 22)),
        ("Khóa XIV (2026–2031)", central, datetime.date(2026, 1, 23), None),
    ]
    for name, issuer, starts_on, ends_on in terms:
        Term.objects.get_or_create(name=name, issuer=issuer, defaults={"starts_on": starts_on, "ends_on": ends_on})


def _months(start: datetime.date, end: datetime.date):
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _seeds(issuers: dict[str, Issuer], wards) -> list[Seed]:
    tw, btw, tu, board = issuers["TW"], issuers["BTGDVTW"], issuers["TU"], issuers["BTGDVTU"]
    central_signer = ("T/M", "Bộ Chính trị", "", "")
    tu_signer = ("T/M", "Ban Thường vụ", "Phó Bí thư Thường trực", "Lê Hoàng Phúc")
    deputy = ("K/T", "Trưởng ban", "Phó Trưởng ban", "Trần Minh Khoa")
    head = ("", "", "Trưởng ban", "Nguyễn Thị Hoà")
    by_order = ("T/L", "Ban Thường vụ", "Trưởng Ban Tuyên giáo và Dân vận", "Nguyễn Thị Hoà")
    d = datetime.date
    seeds = [
        # Central documents, registered by the provincial board as they arrive (typed symbols).
        Seed(
            d(2025, 1, 20),
            tw,
            "CT",
            "về tăng cường công tác giáo dục truyền thống cách mạng cho thế hệ trẻ trong tình hình mới",
            "Tuyên truyền",
            True,
            "41-CT/TW",
            central_signer,
            key="ct41",
            with_file=True,
        ),
        Seed(
            d(2025, 2, 14),
            tw,
            "NQ",
            "về đổi mới, nâng cao chất lượng công tác giáo dục lý luận chính trị trong hệ thống chính trị",
            "Giáo dục lý luận chính trị",
            True,
            "58-NQ/TW",
            central_signer,
            key="nq58",
            with_file=True,
        ),
        Seed(
            d(2025, 4, 10),
            tw,
            "KL",
            "về tiếp tục sắp xếp tổ chức bộ máy của hệ thống chính trị và đơn vị hành chính",
            "Tổ chức bộ máy",
            True,
            "137-KL/TW",
            central_signer,
            key="kl137",
            with_file=True,
        ),
        Seed(
            d(2025, 5, 6),
            btw,
            "HD",
            "tuyên truyền đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
            "Tuyên truyền",
            True,
            "21-HD/BTGDVTW",
            ("K/T", "Trưởng ban", "Phó Trưởng ban", ""),
            key="hd21",
            with_file=True,
        ),
        Seed(
            d(2025, 9, 2),
            tw,
            "CT",
            "về đẩy mạnh đấu tranh phản bác quan điểm sai trái, thù địch trên không gian mạng",
            "Bảo vệ nền tảng tư tưởng của Đảng",
            True,
            "48-CT/TW",
            central_signer,
            key="ct48",
            with_file=True,
        ),
        Seed(
            d(2026, 2, 10),
            tw,
            "CT",
            "về tổ chức nghiên cứu, học tập, quán triệt, tuyên truyền và triển khai thực hiện "
            "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
            "Xây dựng Đảng",
            True,
            "01-CT/TW",
            central_signer,
            key="ct01tw",
            with_file=True,
        ),
        Seed(
            d(2026, 5, 12),
            tw,
            "KL",
            "về tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và "
            "làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            "Học tập và làm theo Bác",
            True,
            "06-KL/TW",
            central_signer,
            key="kl06",
            with_file=True,
        ),
        # The Tỉnh ủy (from the merger on 01/07/2025).
        Seed(
            d(2025, 7, 15),
            tu,
            "CT",
            "về lãnh đạo đại hội đảng bộ các cấp tiến tới Đại hội đại biểu Đảng bộ tỉnh lần thứ I, nhiệm kỳ 2025–2030",
            "Xây dựng Đảng",
            True,
            signer=tu_signer,
            key="ct01tu",
            with_file=True,
        ),
        Seed(
            d(2025, 8, 12),
            tu,
            "QĐi",
            "về chế độ thông tin, báo cáo trong các cơ quan, đơn vị thuộc Tỉnh ủy",
            "Xây dựng Đảng",
            True,
            signer=tu_signer,
            key="qdi_old",
            in_force_to=d(2026, 4, 19),
            with_file=True,
        ),
        Seed(
            d(2025, 10, 20),
            tu,
            "NQ",
            "về phát triển văn hóa, con người Sông Hậu đáp ứng yêu cầu phát triển bền vững, giai đoạn 2025–2030",
            "Văn hóa, văn nghệ",
            True,
            signer=tu_signer,
            key="nq01tu",
            with_file=True,
        ),
        Seed(
            d(2026, 3, 5),
            tu,
            "KH",
            "học tập, quán triệt, tuyên truyền và triển khai thực hiện Nghị quyết Đại hội đại biểu "
            "toàn quốc lần thứ XIV của Đảng",
            "Xây dựng Đảng",
            True,
            signer=tu_signer,
            key="kh_tu_xiv",
            implements=["ct01tw"],
            with_file=True,
        ),
        Seed(
            d(2026, 4, 20),
            tu,
            "QĐi",
            "về chế độ thông tin, báo cáo trong các cơ quan, đơn vị thuộc Tỉnh ủy (thay thế Quy định năm 2025)",
            "Xây dựng Đảng",
            True,
            signer=tu_signer,
            key="qdi_new",
            replaces=["qdi_old"],
            with_file=True,
        ),
        Seed(
            d(2026, 6, 18),
            tu,
            "KL",
            "về tiếp tục đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh trong Đảng bộ tỉnh",
            "Học tập và làm theo Bác",
            True,
            signer=tu_signer,
            key="kl_tu_bac",
            implements=["kl06"],
            with_file=True,
        ),
        # The board: guidance, letters, half-year and yearly reviews.
        Seed(
            d(2025, 5, 20),
            board,
            "HD",
            "tuyên truyền đại hội đảng bộ các cấp nhiệm kỳ 2025–2030 trên địa bàn tỉnh",
            "Tuyên truyền",
            True,
            signer=deputy,
            recipients=BOARD_RECIPIENTS,
            key="hd_board",
            implements=["hd21"],
            with_file=True,
        ),
        Seed(
            d(2025, 6, 25),
            board,
            "BC",
            "sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm 2025",
            "Tuyên truyền",
            signer=head,
            recipients=BOARD_RECIPIENTS,
            key="bc_6t_2025",
        ),
        Seed(
            d(2025, 12, 15),
            board,
            "BC",
            "tổng kết công tác tuyên giáo và dân vận năm 2025, phương hướng, nhiệm vụ năm 2026",
            "Tuyên truyền",
            signer=head,
            recipients=BOARD_RECIPIENTS,
            key="bc_2025",
            related=["bc_6t_2025"],
            with_file=True,
        ),
        Seed(
            d(2026, 3, 12),
            board,
            "HD",
            "tuyên truyền kết quả Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
            "Tuyên truyền",
            True,
            signer=deputy,
            recipients=BOARD_RECIPIENTS,
            key="hd_xiv",
            implements=["kh_tu_xiv"],
            with_file=True,
        ),
        Seed(
            d(2026, 6, 24),
            board,
            "BC",
            "sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm 2026",
            "Tuyên truyền",
            signer=head,
            recipients=BOARD_RECIPIENTS,
            key="bc_6t_2026",
            related=["bc_2025"],
        ),
        Seed(
            d(2026, 9, 8),
            board,
            "CTr",
            "hành động thực hiện Nghị quyết số 01-NQ/TU của Tỉnh ủy về phát triển văn hóa, con người Sông Hậu",
            "Văn hóa, văn nghệ",
            True,
            signer=by_order,
            recipients=BOARD_RECIPIENTS,
            implements=["nq01tu"],
            with_file=True,
        ),
    ]
    for n, month in enumerate(_months(d(2025, 3, 1), d(2026, 11, 1))):
        label = f"{month.month:02d}/{month.year}" if month.month < 3 else f"{month.month}/{month.year}"
        seeds.append(
            Seed(
                month + datetime.timedelta(days=2),
                board,
                "KH",
                f"tổ chức hội nghị báo cáo viên tháng {label}",
                "Tuyên truyền",
                n % 2 == 0,
                signer=deputy,
                recipients=BOARD_RECIPIENTS,
            )
        )
        seeds.append(
            Seed(
                month + datetime.timedelta(days=22),
                board,
                "BC",
                f"kết quả công tác tuyên giáo và dân vận tháng {label}",
                "Tuyên truyền",
                signer=head,
                recipients=BOARD_RECIPIENTS,
            )
        )
        if n % 3 == 1:
            seeds.append(
                Seed(
                    month + datetime.timedelta(days=9),
                    board,
                    "CV",
                    "V/v định hướng công tác tuyên truyền "
                    f"{'quý' if n % 2 else 'tháng'} tới và nắm tình hình dư luận xã hội",
                    "Dư luận xã hội",
                    signer=deputy,
                    recipients=BOARD_RECIPIENTS,
                )
            )
    for n, ward in enumerate(wards):
        issuer = issuers[f"ward{n}"]
        place = ward.name.removeprefix("Đảng ủy ")
        ward_signer = (
            "T/M",
            "Ban Thường vụ",
            "Phó Bí thư",
            ["Võ Thanh Tâm", "Huỳnh Ngọc Ánh", "Đặng Hữu Phước"][n % 3],
        )
        seeds += [
            Seed(
                d(2025, 8, 4 + n),
                issuer,
                "KH",
                f"tuyên truyền đại hội Đảng bộ {place} lần thứ I, nhiệm kỳ 2025–2030",
                "Tuyên truyền",
                True,
                signer=ward_signer,
                recipients=WARD_RECIPIENTS,
                implements=["ct01tu"],
            ),
            Seed(
                d(2026, 3, 16 + n),
                issuer,
                "KH",
                f"học tập, quán triệt Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng trong Đảng bộ {place}",
                "Xây dựng Đảng",
                True,
                signer=ward_signer,
                recipients=WARD_RECIPIENTS,
                implements=["kh_tu_xiv"],
                with_file=True,
            ),
        ]
        for quarter_end in (d(2025, 9, 28), d(2025, 12, 26), d(2026, 3, 27), d(2026, 6, 26), d(2026, 9, 25)):
            seeds.append(
                Seed(
                    quarter_end,
                    issuer,
                    "BC",
                    f"kết quả công tác tuyên giáo và dân vận quý {(quarter_end.month - 1) // 3 + 1} "
                    f"năm {quarter_end.year}",
                    "Tuyên truyền",
                    signer=ward_signer,
                    recipients=WARD_RECIPIENTS,
                )
            )
    return seeds


def load_demo(*, units) -> dict:
    """Create the demo registry; `units` is tuyengiao.portal.demo.DemoUnits."""
    actor = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if actor is None:
        raise RuntimeError("Cần một tài khoản quản trị (superuser) để nhập văn bản mẫu.")
    issuers = _issuers(units)
    _terms(issuers["TW"])
    types = {doc_type.code: doc_type for doc_type in DocumentType.objects.all()}
    areas = {area.name: area for area in SubjectArea.objects.all()}
    today = timezone.localdate()
    created: dict[str, Document] = {}
    count = 0
    for seed in sorted(_seeds(issuers, units.wards), key=lambda s: s.day):
        if seed.day > today:
            continue
        relations = [
            {"kind": kind, "target": created[key]}
            for kind, keys in (
                (RelationKind.IMPLEMENTS, seed.implements),
                (RelationKind.REPLACES, seed.replaces),
                (RelationKind.RELATED, seed.related),
            )
            for key in keys
            if key in created
        ]
        mode, signing_for, position, name = seed.signer
        document = document_create(
            actor=actor,
            symbol=seed.symbol,
            issuer=seed.issuer,
            unit=units.board if seed.issuer.is_external else None,
            doc_type=types[seed.type_code],
            issued_on=seed.day,
            issued_place="Hà Nội" if seed.issuer.is_external else PLACE,
            summary=seed.summary[:1].upper() + seed.summary[1:] if seed.type_code in CAPITALISED else seed.summary,
            signing_mode=mode or SigningMode.DIRECT,
            signing_for=signing_for,
            signer_position=position,
            signer_name=name,
            recipients=seed.recipients or (PROVINCE_RECIPIENTS if seed.issuer.unit == units.province else ""),
            subject_area=areas.get(seed.area),
            in_force_to=seed.in_force_to,
            is_public=seed.public,
            relations=relations,
        )
        if seed.with_file:
            DocumentAttachment.objects.create(document=document, file=_pdf_for(document), sort_order=0)
        if seed.key:
            created[seed.key] = document
        count += 1
    return {"documents": count}

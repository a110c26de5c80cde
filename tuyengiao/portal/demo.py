"""Demo content written for tuyengiao (fictional units, people and events).

A provincial board portal and three ward portals, six categories, about
forty articles over two years with generated photos, bylines, tags, event
topics, and approved and pending comments.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images.models import Image
from wagtail.models import Page, Site

from tuyengiao.units.models import Unit, UnitKind, UnitLevel
from tuyengiao.units.services import unit_create

from .models import (
    ArticleByline,
    ArticleDailyViews,
    ArticlePage,
    ArticleViewTotal,
    CategoryPage,
    Comment,
    CommentModeration,
    CommentStatus,
    HomePage,
    PortalSettings,
    Topic,
)

DEMO_PASSWORD = "tuyengiao-demo-2026"  # noqa: S105 - printed by `make run`, demo only
EDITOR_USERNAME = "bientap"
REVIEWER_USERNAME = "kiemduyet"
ADMIN_USERNAME = "admin"
PORT = 8000

CATEGORIES = [
    ("Tin hoạt động", "tin-hoat-dong", "Hoạt động của cấp ủy, ban tuyên giáo và dân vận."),
    (
        "Học tập và làm theo Bác",
        "hoc-tap-lam-theo-bac",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    ),
    ("Giáo dục lý luận chính trị", "giao-duc-ly-luan-chinh-tri", "Lớp học, hội nghị báo cáo viên, bồi dưỡng."),
    ("Dư luận xã hội", "du-luan-xa-hoi", "Tình hình tư tưởng và dư luận trong cán bộ, đảng viên, nhân dân."),
    ("Khoa giáo - Văn hóa", "khoa-giao-van-hoa", "Giáo dục, y tế, khoa học, văn hóa, văn nghệ."),
    ("Dân vận khéo", "dan-van-kheo", "Gương điển hình, mô hình dân vận khéo."),
]

TOPICS = [
    ("Đại hội Đảng các cấp", "dai-hoi-dang-cac-cap", "Tin tức về đại hội đảng bộ các cấp nhiệm kỳ 2025 - 2030."),
    ("Sắp xếp đơn vị hành chính", "sap-xep-don-vi-hanh-chinh", "Sắp xếp tổ chức bộ máy, đơn vị hành chính hai cấp."),
    ("Bảo vệ nền tảng tư tưởng của Đảng", "bao-ve-nen-tang-tu-tuong", "Đấu tranh phản bác quan điểm sai trái."),
]

PEOPLE = [
    "Lê Thuý",
    "Trần Minh Khoa",
    "Nguyễn Thị Hoà",
    "Phạm Quốc Bảo",
    "Võ Thanh Tâm",
    "Huỳnh Ngọc Ánh",
    "Đặng Hữu Phước",
]
COMMENTERS = ["Nguyễn Văn Tư", "Thu Hà", "Bác Sáu", "Minh Tuấn", "Lâm Thị Thủy", "Cựu chiến binh Năm"]
TAGS = [
    "nghị quyết",
    "học tập",
    "chi bộ",
    "đảng viên",
    "thanh niên",
    "chuyển đổi số",
    "báo cáo viên",
    "an sinh xã hội",
    "nông thôn mới",
    "văn hóa",
    "giáo dục",
    "y tế",
]


@dataclass
class ArticleSeed:
    title: str
    lead: str
    paragraphs: list[str]
    caption: str


def _seeds(place: str) -> list[ArticleSeed]:
    """Article texts for one portal; `place` names the unit (e.g. "phường Long Hòa")."""
    return [
        ArticleSeed(
            f"Hội nghị báo cáo viên tháng {{month}} tại {place}",
            f"Sáng nay, Ban Tuyên giáo và Dân vận {place} tổ chức hội nghị báo cáo viên định kỳ, "
            "kết nối trực tuyến đến các điểm cầu cơ sở.",
            [
                "Tại hội nghị, báo cáo viên đã thông tin tình hình thời sự nổi bật trong nước và quốc tế, "
                "kết quả phát triển kinh tế - xã hội của địa phương và định hướng công tác tuyên truyền thời gian tới.",
                "Hội nghị cũng nghe phản ánh tình hình tư tưởng, dư luận xã hội trong cán bộ, đảng viên và nhân dân; "
                "các ý kiến tập trung vào việc sắp xếp tổ chức bộ máy, chăm lo an sinh xã hội và chuyển đổi số.",
                "Phát biểu kết luận, đồng chí Trưởng ban đề nghị các chi bộ nắm chắc tình hình, kịp thời báo cáo "
                "những vấn đề mới phát sinh để cấp ủy chỉ đạo.",
            ],
            "Quang cảnh hội nghị báo cáo viên",
        ),
        ArticleSeed(
            f"Khai giảng lớp bồi dưỡng nhận thức về Đảng khóa {{n}} năm {{year}} ở {place}",
            "Lớp học dành cho quần chúng ưu tú là đoàn viên, hội viên đang sinh hoạt tại các chi bộ, "
            "chuẩn bị cho công tác phát triển đảng viên mới.",
            [
                "Trong thời gian học tập, học viên được nghiên cứu các chuyên đề về chủ nghĩa Mác - Lênin, tư tưởng "
                "Hồ Chí Minh, Điều lệ Đảng và nhiệm vụ của người đảng viên.",
                "Trung tâm chính trị đề nghị học viên chấp hành nghiêm nội quy, tích cực trao đổi, liên hệ thực tiễn "
                "tại nơi công tác và nơi cư trú.",
                "Kết thúc khóa học, học viên viết bài thu hoạch và được cấp giấy chứng nhận theo quy định.",
            ],
            "Học viên dự lễ khai giảng",
        ),
        ArticleSeed(
            f"{place[:1].upper() + place[1:]} quán triệt, triển khai nghị quyết của cấp trên",
            "Hội nghị học tập, quán triệt được tổ chức theo hình thức trực tiếp kết hợp trực tuyến, "
            "bảo đảm toàn thể cán bộ, đảng viên được tiếp cận đầy đủ nội dung.",
            [
                "Các chi bộ tổ chức học tập bù cho đảng viên vắng mặt có lý do và thu bài thu hoạch đúng thời hạn.",
                "Ban Thường vụ yêu cầu xây dựng chương trình hành động cụ thể, gắn với nhiệm vụ chính trị của từng "
                "cơ quan, đơn vị; thường xuyên kiểm tra, giám sát việc thực hiện.",
                "Kết quả học tập được tổng hợp, báo cáo về Ban Tuyên giáo và Dân vận theo định kỳ.",
            ],
            "Cán bộ, đảng viên tham dự hội nghị quán triệt",
        ),
        ArticleSeed(
            f"Mô hình dân vận khéo “Dân biết, dân bàn, dân làm” ở {place}",
            "Từ sự đồng thuận của nhân dân, nhiều tuyến đường nội ô được mở rộng, lắp đèn chiếu sáng, "
            "trồng cây xanh mà không phải bồi thường.",
            [
                "Chi bộ khu vực họp bàn công khai với nhân dân, thống nhất phương án và phân công đảng viên "
                "phụ trách từng hộ gia đình.",
                "Nhiều hộ tự nguyện hiến đất, góp ngày công; các doanh nghiệp trên địa bàn hỗ trợ vật tư.",
                "Mô hình được Ban Chỉ đạo nhân rộng ra các khu vực khác trong năm tới.",
            ],
            "Người dân cùng chi bộ làm đường giao thông",
        ),
        ArticleSeed(
            f"Tọa đàm học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh tại {place}",
            "Buổi tọa đàm giới thiệu những tấm gương bình dị mà cao quý trong lao động, học tập và công tác.",
            [
                "Các đại biểu chia sẻ cách làm hay trong việc cụ thể hóa nội dung học tập thành việc làm thiết thực "
                "của từng cán bộ, đảng viên.",
                "Nhiều ý kiến đề nghị tăng cường tuyên truyền trên không gian mạng, lan tỏa những câu chuyện đẹp "
                "đến thế hệ trẻ.",
                "Dịp này, cấp ủy khen thưởng các tập thể và cá nhân tiêu biểu.",
            ],
            "Đại biểu phát biểu tại tọa đàm",
        ),
        ArticleSeed(
            f"Sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm {{year}} ở {place}",
            "Hội nghị đánh giá kết quả đạt được, chỉ ra hạn chế, nguyên nhân và đề ra nhiệm vụ trọng tâm "
            "6 tháng cuối năm.",
            [
                "Trong 6 tháng, các chi bộ đã tổ chức học tập đầy đủ các chỉ thị, nghị quyết; công tác nắm bắt dư "
                "luận xã hội được thực hiện thường xuyên.",
                "Tuy nhiên, việc báo cáo định kỳ ở một số đơn vị còn chậm; nội dung sinh hoạt chi bộ có lúc chưa "
                "phong phú.",
                "Hội nghị thống nhất các giải pháp nâng cao chất lượng tuyên truyền miệng và đội ngũ báo cáo viên.",
            ],
            "Chủ trì hội nghị sơ kết",
        ),
        ArticleSeed(
            f"Ra quân hưởng ứng Ngày Sách và Văn hóa đọc tại {place}",
            "Tủ sách pháp luật và tủ sách Bác Hồ được bổ sung hàng trăm đầu sách mới cho các trường học "
            "và nhà văn hóa khu vực.",
            [
                "Chương trình thu hút đông đảo học sinh, đoàn viên thanh niên tham gia giao lưu, giới thiệu sách.",
                "Ban tổ chức phát động cuộc thi viết cảm nhận về cuốn sách em yêu thích.",
                "Hoạt động góp phần xây dựng môi trường văn hóa lành mạnh tại cơ sở.",
            ],
            "Học sinh tham gia giao lưu giới thiệu sách",
        ),
    ]


def _caption_text(text: str) -> tuple[str, ImageFont.ImageFont]:
    """A font with Vietnamese glyphs when the system has one, else the text folded to ASCII."""
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    ):
        try:
            return text, ImageFont.truetype(path, 44)
        except OSError:
            continue
    from unidecode import unidecode

    return unidecode(text), ImageFont.load_default(size=44)


def make_demo_image(title: str, seed: int) -> Image:
    """A generated photo-like picture (gradient, shapes, caption band) stored as a Wagtail image."""
    rng = random.Random(seed)
    width, height = 1200, 800
    base = (rng.randint(120, 200), rng.randint(40, 120), rng.randint(30, 90))
    image = PILImage.new("RGB", (width, height), base)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(60 * y / height)
        draw.line([(0, y), (width, y)], fill=(max(0, base[0] - shade), max(0, base[1] - shade), base[2] + shade // 2))
    for _ in range(14):
        x, y, r = rng.randint(0, width), rng.randint(0, height - 200), rng.randint(30, 160)
        tone = rng.randint(180, 255)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(tone, tone - rng.randint(0, 60), rng.randint(0, 80)))
    draw.rectangle([0, height - 150, width, height], fill=(20, 20, 20))
    text, font = _caption_text(title[:46])
    draw.text((40, height - 120), text, fill=(255, 230, 150), font=font)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    buffer.seek(0)
    wagtail_image = Image(title=title)
    wagtail_image.file = ImageFile(buffer, name=f"demo-{seed}.jpg")
    wagtail_image.save()
    return wagtail_image


def _rich_text(paragraphs: list[str]) -> list[tuple[str, str]]:
    from django.utils.html import escape

    return [("paragraph", "".join(f"<p>{escape(p)}</p>" for p in paragraphs))]


def _create_article(
    *,
    category: CategoryPage,
    seed: ArticleSeed,
    when: datetime.datetime,
    index: int,
    topic: Topic | None,
    rng: random.Random,
    featured: bool,
) -> ArticlePage:
    title = seed.title.format(month=when.month, year=when.year, n=index % 5 + 1)
    image = make_demo_image(title, seed=index)
    body_image = make_demo_image(seed.caption, seed=10_000 + index)
    body = (
        _rich_text(seed.paragraphs[:1])
        + [
            (
                "figure",
                {"image": body_image, "alt_text": seed.caption, "caption": f"{seed.caption}. Ảnh: {PEOPLE[index % 7]}"},
            ),
        ]
        + _rich_text(seed.paragraphs[1:])
    )
    article = ArticlePage(
        title=title,
        lead=seed.lead,
        body=body,
        published_at=when,
        cover_image=image,
        featured=featured,
        topic=topic,
        source="Ban Tuyên giáo và Dân vận" if index % 4 == 0 else "",
    )
    from django.utils.text import slugify

    article.slug = slugify(title.replace("đ", "d").replace("Đ", "D"))[:80] + f"-{index}"
    writer, photographer = PEOPLE[index % 7], PEOPLE[(index + 3) % 7]
    if index % 3 == 0:
        article.bylines = [ArticleByline(name=writer, is_news=True, is_photo=True)]
    else:
        article.bylines = [
            ArticleByline(name=writer, is_news=False, is_article=True),
            ArticleByline(name=photographer, is_news=False, is_photo=True),
        ]
    category.add_child(instance=article)
    article.tags.add(*rng.sample(TAGS, 3))
    article.save_revision().publish()
    ArticlePage.objects.filter(pk=article.pk).update(first_published_at=when, last_published_at=when)
    return article


def _add_comments(article: ArticlePage, rng: random.Random, now: datetime.datetime) -> None:
    texts = [
        "Bài viết rất thiết thực, cảm ơn ban biên tập.",
        "Mong địa phương tiếp tục nhân rộng mô hình này.",
        "Đề nghị đăng thêm lịch sinh hoạt chi bộ tháng tới.",
        "Thông tin hữu ích cho đảng viên mới chúng tôi.",
    ]
    for i in range(rng.randint(0, 3)):
        created = min(now, article.published_at + datetime.timedelta(hours=rng.randint(1, 72)))
        status = CommentStatus.APPROVED if i < 2 else CommentStatus.PENDING
        comment = Comment.objects.create(
            page=article,
            name=rng.choice(COMMENTERS),
            body=rng.choice(texts),
            status=status,
            created_at=created,
            moderated_at=created if status == CommentStatus.APPROVED else None,
        )
        if status == CommentStatus.APPROVED and rng.random() < 0.4:
            Comment.objects.create(
                page=article,
                parent=comment,
                name="Ban biên tập",
                body="Cảm ơn bạn đã quan tâm theo dõi.",
                status=CommentStatus.APPROVED,
                created_at=created,
                moderated_at=created,
            )
    # A pending comment so the moderation queue is never empty.
    if rng.random() < 0.3:
        Comment.objects.create(
            page=article,
            name=rng.choice(COMMENTERS),
            body="Cho tôi hỏi lớp học tiếp theo khi nào mở?",
            status=CommentStatus.PENDING,
            created_at=now,
        )


def _add_views(article: ArticlePage, rng: random.Random, today: datetime.date) -> None:
    total = 0
    for back in range(7):
        day = today - datetime.timedelta(days=back)
        if day < article.published_at.date():
            continue
        count = rng.randint(5, 120)
        total += count
        ArticleDailyViews.objects.create(page=article, day=day, count=count)
    ArticleViewTotal.objects.create(page=article, count=total + rng.randint(100, 3000))


def _create_portal(
    *,
    unit: Unit,
    slug: str,
    name: str,
    tagline: str,
    hostname: str,
    is_default: bool,
    place: str,
    article_count: int,
    start_index: int,
    topics: list[Topic],
    rng: random.Random,
) -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage(title=name, slug=slug, intro=tagline)
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(hostname=hostname, port=PORT, root_page=home, site_name=name, is_default_site=is_default)
    PortalSettings.objects.update_or_create(
        site=site,
        defaults={
            "unit": unit,
            "portal_name": name,
            "tagline": tagline,
            "footer_text": f"Cơ quan chủ quản: {unit.name}\nNội dung demo do tuyengiao tự soạn.",
            "comment_moderation": CommentModeration.ALL if is_default else CommentModeration.GUESTS,
        },
    )
    categories = []
    for title, slug, description in CATEGORIES:
        category = CategoryPage(title=title, slug=slug, description=description, show_in_menus=True)
        home.add_child(instance=category)
        category.save_revision().publish()
        categories.append(category)
    # A sub-category so the category tree is real.
    sub = CategoryPage(title="Báo cáo viên", slug="bao-cao-vien", description="Hoạt động của đội ngũ báo cáo viên.")
    categories[2].add_child(instance=sub)
    sub.save_revision().publish()
    categories.append(sub)

    now = timezone.now()
    seeds = _seeds(place)
    for i in range(article_count):
        index = start_index + i
        when = now - datetime.timedelta(days=int(730 * i / max(1, article_count - 1)), hours=rng.randint(0, 10))
        category = categories[i % len(categories)]
        article = _create_article(
            category=category,
            seed=seeds[i % len(seeds)],
            when=when,
            index=index,
            topic=topics[i % len(topics)] if i % 2 == 0 else None,
            rng=rng,
            featured=i < 4,
        )
        _add_comments(article, rng, now)
        _add_views(article, rng, timezone.localdate())
    return home


@dataclass
class DemoUnits:
    """The demo's unit tree, handed to each back-office app's own `demo.load_demo`."""

    province: Unit
    board: Unit
    wards: list[Unit]
    cells: dict[int, list[Unit]] = field(default_factory=dict)
    political_centre: Unit | None = None

    def add_grassroots(self) -> None:
        """Four Party cells under each ward and the province's political centre."""
        for ward in self.wards:
            self.cells[ward.pk] = [
                unit_create(
                    name=f"Chi bộ khu vực {n} ({ward.name.removeprefix('Đảng ủy ')})",
                    kind=UnitKind.PARTY_CELL,
                    level=UnitLevel.CELL,
                    short_code="CB",
                    parent=ward,
                    valid_from=datetime.date(2025, 7, 1),
                )
                for n in range(1, 5)
            ]
        self.political_centre = unit_create(
            name="Trung tâm Chính trị tỉnh",
            kind=UnitKind.POLITICAL_CENTRE,
            level=UnitLevel.PROVINCE,
            short_code="TTCT",
            parent=self.province,
            valid_from=datetime.date(2025, 7, 1),
        )

    def load_back_office(self) -> None:
        """Grassroots units, then each back-office app's demo records (apps that have one)."""
        import importlib

        self.add_grassroots()
        for app in BACK_OFFICE_DEMO_APPS:
            try:
                module = importlib.import_module(f"tuyengiao.{app}.demo")
            except ModuleNotFoundError as error:
                if error.name not in (f"tuyengiao.{app}", f"tuyengiao.{app}.demo"):
                    raise
                continue
            module.load_demo(units=self)


# Back-office apps whose `demo.load_demo(units=DemoUnits)` adds records, in dependency order.
BACK_OFFICE_DEMO_APPS = ["units", "documents", "education", "opinion", "tasks", "reports"]


def demo_is_loaded() -> bool:
    return HomePage.objects.exists()


@transaction.atomic
def load_demo(*, seed: int = 2026) -> dict:
    """Create the demo portals, users and content. Refuses to run twice."""
    if demo_is_loaded():
        return {"created": False}
    rng = random.Random(seed)
    province = unit_create(
        name="Tỉnh ủy Sông Hậu",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.PROVINCE,
        short_code="TU",
        valid_from=datetime.date(2025, 7, 1),
    )
    board = unit_create(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        kind=UnitKind.STAFF_BOARD,
        level=UnitLevel.PROVINCE,
        short_code="BTGDVTU",
        parent=province,
        valid_from=datetime.date(2025, 3, 1),
    )
    wards = [
        unit_create(
            name=f"Đảng ủy phường {ward}",
            kind=UnitKind.PARTY_COMMITTEE,
            level=UnitLevel.COMMUNE,
            short_code="ĐU",
            parent=province,
            valid_from=datetime.date(2025, 7, 1),
        )
        for ward in ("Long Hòa", "Bình Thủy", "An Thới")
    ]
    topics = [Topic.objects.create(name=n, slug=s, description=d) for n, s, d in TOPICS]

    # Replace Wagtail's welcome page and default site with our portals.
    Site.objects.all().delete()
    for page in Page.objects.filter(depth=2).exclude(pk__in=HomePage.objects.values("pk")):
        page.delete()

    portals = [
        _create_portal(
            unit=board,
            slug="tinh",
            name="Ban Tuyên giáo và Dân vận Tỉnh ủy Sông Hậu",
            tagline="Cổng thông tin điện tử",
            hostname="127.0.0.1",
            is_default=True,
            place="tỉnh Sông Hậu",
            article_count=28,
            start_index=0,
            topics=topics,
            rng=rng,
        )
    ]
    for n, (unit, ward) in enumerate(zip(wards, ("long-hoa", "binh-thuy", "an-thoi"), strict=True)):
        portals.append(
            _create_portal(
                unit=unit,
                slug=ward,
                name=unit.name,
                tagline="Trang thông tin điện tử",
                hostname=f"{ward}.localhost",
                is_default=False,
                place=unit.name.replace("Đảng ủy ", ""),
                article_count=5,
                start_index=100 + 10 * n,
                topics=topics,
                rng=rng,
            )
        )

    user_model = get_user_model()
    user_model.objects.create_superuser(
        ADMIN_USERNAME, "admin@example.invalid", DEMO_PASSWORD, first_name="Quản trị", last_name=""
    )
    editor = user_model.objects.create_user(
        EDITOR_USERNAME, "bientap@example.invalid", DEMO_PASSWORD, first_name="Biên tập viên", is_staff=False
    )
    reviewer = user_model.objects.create_user(
        REVIEWER_USERNAME, "kiemduyet@example.invalid", DEMO_PASSWORD, first_name="Kiểm duyệt viên"
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    reviewer.groups.add(Group.objects.get(name="Moderators"))
    DemoUnits(province=province, board=board, wards=wards).load_back_office()
    return {"created": True, "portals": [p.get_site().root_url for p in portals]}

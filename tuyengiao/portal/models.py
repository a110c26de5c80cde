"""The public news portal: home, categories, articles, topics, comments, view counts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents.models import Document
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

from .bylines import BylineCredit, format_byline


class CommentModeration(models.TextChoices):
    ALL = "all", "Duyệt mọi bình luận"
    GUESTS = "guests", "Chỉ duyệt bình luận của khách (người đăng nhập đăng ngay)"
    NONE = "none", "Không duyệt (đăng ngay)"


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """Per-portal configuration: which unit runs it, how comments are moderated."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị quản lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portals",
    )
    portal_name = models.CharField("tên cổng", max_length=255, blank=True)
    tagline = models.CharField("khẩu hiệu", max_length=255, blank=True)
    footer_text = models.TextField("chân trang", blank=True)
    comment_moderation = models.CharField(
        "kiểm duyệt bình luận",
        max_length=16,
        choices=CommentModeration.choices,
        default=CommentModeration.ALL,
    )
    comments_enabled = models.BooleanField("cho phép bình luận", default=True)
    most_read_days = models.PositiveSmallIntegerField("số ngày tính tin đọc nhiều", default=7)

    panels = [
        FieldPanel("unit"),
        FieldPanel("portal_name"),
        FieldPanel("tagline"),
        FieldPanel("footer_text"),
        MultiFieldPanel([FieldPanel("comments_enabled"), FieldPanel("comment_moderation")], heading="Bình luận"),
        FieldPanel("most_read_days"),
    ]

    class Meta:
        verbose_name = "cấu hình cổng thông tin"


class Topic(models.Model):
    """An event topic (dòng sự kiện) grouping articles across categories."""

    name = models.CharField("tên", max_length=255)
    slug = models.SlugField("đường dẫn", max_length=255, unique=True)
    description = models.TextField("mô tả", blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        verbose_name = "dòng sự kiện"
        verbose_name_plural = "dòng sự kiện"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HomePage(RoutablePageMixin, Page):
    """Root of one portal: featured, latest, most read, a box per category."""

    intro = models.TextField("giới thiệu", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["portal.CategoryPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "trang chủ"

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_context(home=self, request=request))
        return context

    @path("")
    def index_view(self, request):
        from . import views

        return views.serve_listing(self, request)

    @path("tag/<str:tag_slug>/", name="tag")
    def tag_view(self, request, tag_slug):
        from . import views

        return views.tag_page(request, home=self, tag_slug=tag_slug)

    @path("dong-su-kien/<str:topic_slug>/", name="topic")
    def topic_view(self, request, topic_slug):
        from . import views

        return views.topic_page(request, home=self, topic_slug=topic_slug)

    @path("rss/", name="rss")
    def rss_view(self, request):
        from . import feeds

        return feeds.SiteFeed()(request, home=self)

    @path("tim-kiem/", name="search")
    def search_view(self, request):
        from tuyengiao.search import views

        return views.search_page(request, home=self)

    @path("van-ban/", name="documents")
    def documents_view(self, request):
        from tuyengiao.documents import views

        return views.document_list(request, home=self)

    @path("van-ban/<int:pk>/", name="document")
    def document_view(self, request, pk):
        from tuyengiao.documents import views

        return views.document_detail(request, home=self, pk=pk)

    @path("tin/<int:article_id>/", name="article_by_id")
    def article_by_id(self, request, article_id):
        from . import views

        return views.article_permalink(request, home=self, article_id=article_id)


class CategoryPage(RoutablePageMixin, Page):
    """A news category (chuyên mục); categories nest."""

    description = models.TextField("mô tả", blank=True)
    show_on_home = models.BooleanField("hiện hộp trên trang chủ", default=True)

    content_panels = Page.content_panels + [FieldPanel("description"), FieldPanel("show_on_home")]
    parent_page_types = ["portal.HomePage", "portal.CategoryPage"]
    subpage_types = ["portal.CategoryPage", "portal.ArticlePage"]

    class Meta:
        verbose_name = "chuyên mục"

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.category_context(category=self, request=request))
        return context

    @path("")
    def index_view(self, request):
        from . import views

        return views.serve_listing(self, request)

    @path("rss/", name="rss")
    def rss_view(self, request):
        from . import feeds

        return feeds.CategoryFeed()(request, category=self)


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("portal.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


class ArticlePage(Page):
    """A news article with every element Vietnamese readers expect (DESIGN.md §2)."""

    lead = models.TextField("sapo (tóm tắt)", help_text="Đoạn mở đầu in đậm.")
    body = StreamField(
        [
            ("paragraph", blocks.RichTextBlock(label="Đoạn văn")),
            (
                "figure",
                blocks.StructBlock(
                    [
                        ("image", ImageChooserBlock(label="Ảnh")),
                        ("alt_text", blocks.CharBlock(label="Mô tả ảnh (cho người khiếm thị)", required=False)),
                        ("caption", blocks.CharBlock(label="Chú thích", required=False)),
                    ],
                    label="Ảnh có chú thích",
                    icon="image",
                    template="portal/blocks/figure.html",
                ),
            ),
            (
                "quote",
                blocks.StructBlock(
                    [("text", blocks.TextBlock(label="Trích dẫn")), ("author", blocks.CharBlock(required=False))],
                    label="Trích dẫn",
                    icon="openquote",
                    template="portal/blocks/quote.html",
                ),
            ),
        ],
        verbose_name="nội dung",
        blank=True,
    )
    published_at = models.DateTimeField(
        "thời điểm đăng",
        default=timezone.now,
        db_index=True,
        help_text="Thời điểm hiển thị trên bài (giờ Việt Nam).",
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="ảnh đại diện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField("nguồn", max_length=255, blank=True)
    featured = models.BooleanField("tin nổi bật", default=False)
    topic = models.ForeignKey(
        Topic,
        verbose_name="dòng sự kiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = ClusterTaggableManager("từ khóa", through=ArticleTag, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("lead"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        InlinePanel("bylines", label="Tác giả", heading="Dòng tác giả"),
        FieldPanel("source"),
        InlinePanel("attachments", label="Tệp đính kèm", heading="Tệp đính kèm"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("published_at"), FieldPanel("featured")]),
                FieldPanel("topic"),
                FieldPanel("tags"),
            ],
            heading="Phân loại",
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("published_at"),
    ]
    parent_page_types = ["portal.CategoryPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"

    @property
    def byline(self) -> str:
        return format_byline(BylineCredit(name=credit.name, roles=credit.roles) for credit in self.bylines.all())

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.article_context(article=self, request=request))
        return context

    def serve(self, request, *args, **kwargs):
        from . import views

        return views.serve_article(self, request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return [{"location": self.get_full_url(request), "lastmod": self.last_published_at or self.published_at}]


class ArticleByline(Orderable):
    """One person in the byline, with every role they had (Tin, ảnh: …)."""

    page = ParentalKey(ArticlePage, related_name="bylines", on_delete=models.CASCADE)
    name = models.CharField("họ tên", max_length=255)
    is_news = models.BooleanField("tin", default=True)
    is_article = models.BooleanField("bài", default=False)
    is_photo = models.BooleanField("ảnh", default=False)
    is_video = models.BooleanField("video", default=False)

    panels = [
        FieldPanel("name"),
        FieldRowPanel(
            [FieldPanel("is_news"), FieldPanel("is_article"), FieldPanel("is_photo"), FieldPanel("is_video")]
        ),
    ]

    @property
    def roles(self) -> tuple[str, ...]:
        flags = (("tin", self.is_news), ("bai", self.is_article), ("anh", self.is_photo), ("video", self.is_video))
        return tuple(role for role, on in flags if on)

    def clean(self):
        if not self.roles:
            raise ValidationError("Chọn ít nhất một vai trò (tin, bài, ảnh, video).")


class ArticleAttachment(Orderable):
    page = ParentalKey(ArticlePage, related_name="attachments", on_delete=models.CASCADE)
    document = models.ForeignKey(Document, verbose_name="tài liệu", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("tên hiển thị", max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def display_title(self) -> str:
        return self.title or self.document.title

    @property
    def is_pdf(self) -> bool:
        return self.document.file_extension.lower() == "pdf"


class ArticleViewTotal(models.Model):
    """All-time view count of an article, kept apart from the page row.

    Counting never saves the page (that would create revisions and reindex);
    see `viewcounts.py` for how increments arrive here.
    """

    page = models.OneToOneField(ArticlePage, primary_key=True, on_delete=models.CASCADE, related_name="view_total")
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "tổng lượt xem"


class ArticleDailyViews(models.Model):
    """Views per article per day, for "most read in the last N days"."""

    page = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "lượt xem theo ngày"
        constraints = [models.UniqueConstraint(fields=["page", "day"], name="unique_daily_views")]
        indexes = [models.Index(fields=["day", "page"])]


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Chờ duyệt"
    APPROVED = "approved", "Đã duyệt"
    REJECTED = "rejected", "Từ chối"
    SPAM = "spam", "Thư rác"


class Comment(models.Model):
    page = models.ForeignKey(ArticlePage, verbose_name="bài viết", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", verbose_name="trả lời cho", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    name = models.CharField("họ tên", max_length=100)
    email = models.EmailField("thư điện tử", blank=True, help_text="Không bao giờ hiển thị công khai.")
    body = models.TextField("nội dung", max_length=3000)
    status = models.CharField(
        "trạng thái", max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("thời điểm gửi", default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField("thời điểm duyệt", null=True, blank=True)

    class Meta:
        verbose_name = "bình luận"
        verbose_name_plural = "bình luận"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["page", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:40]}"

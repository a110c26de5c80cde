"""Reads for the portal pages. Listings query ArticlePage with select_related.

A home or category page costs a fixed number of queries, however many articles there are: one
per list (featured, latest, a category's page and its count, one per category box on the home
page), one for the card images' renditions per list that has images, and the most-read box
(its ranking cached for MOST_READ_SECONDS, see `most_read`).
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from .dates import vietnamese_number
from .models import ArticleDailyViews, ArticlePage, CategoryPage, CommentStatus, HomePage, PortalSettings
from .pagecache import VIEW_COUNT_MARKER
from .viewcounts import current_view_count

PAGE_SIZE = 12
# The rendition of a card's image (portal/includes/article_card.html), fetched with the list.
CARD_IMAGE_FILTER = "fill-480x300"
# How long the most-read ranking is reused: a box a minute old is fine (README, LISTING_CACHE_SECONDS).
MOST_READ_SECONDS = 60


def portal_settings(*, site: Site | None) -> PortalSettings | None:
    if site is None:
        return None
    return PortalSettings.for_site(site)


def articles_under(page: Page) -> QuerySet[ArticlePage]:
    """Live articles below a page, newest first, without their body (no list shows it; it is most of the row)."""
    return (
        ArticlePage.objects.live()
        .descendant_of(page)
        .select_related("cover_image", "topic")
        .defer("body")
        .order_by("-published_at", "-pk")
    )


def with_card_images(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """Fetch the cards' image renditions with the list: one query, not one per card on a cold cache."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=CARD_IMAGE_FILTER)
    return articles.prefetch_related(Prefetch("cover_image__renditions", queryset=renditions))


def listing_pages_showing(page: Page) -> list[int]:
    """The home and category pages that list this page's articles: the page itself and those above it."""
    return list(
        Page.objects.ancestor_of(page, inclusive=True).type(HomePage, CategoryPage).values_list("pk", flat=True)
    )


def paginate(queryset, request, *, per_page: int = PAGE_SIZE) -> PaginatorPage:
    """`?page=abc` gives the first page and `?page=99999` the last, never an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def most_read(*, root: Page, days: int = 7, limit: int = 5) -> list[ArticlePage]:
    """The live articles under `root` read most in the last `days` days, today included.

    The ranking sums the daily counts by article id alone (grouping whole article rows cost tens
    of milliseconds per page at a few thousand articles) and is reused for MOST_READ_SECONDS; the
    articles themselves are read live each time, so an unpublished one leaves the box at once.
    """
    today = timezone.localdate()
    key = f"tg:most-read:{root.pk}:{days}:{limit}:{today.isoformat()}"
    ranked = cache.get(key)
    if ranked is None:
        ranked = list(
            ArticleDailyViews.objects.filter(
                day__gte=today - datetime.timedelta(days=days - 1),
                page__live=True,
                page__path__startswith=root.path,
                page__depth__gt=root.depth,
            )
            .values("page_id")
            .annotate(recent_views=Sum("count"))
            .order_by("-recent_views", "-page__published_at", "-page_id")
            .values_list("page_id", flat=True)[: limit * 2]  # spares for articles unpublished meanwhile
        )
        cache.set(key, ranked, MOST_READ_SECONDS)
    if not ranked:
        return []
    articles = {article.pk: article for article in articles_under(root).filter(pk__in=ranked)}
    return [articles[pk] for pk in ranked if pk in articles][:limit]


def most_read_box(*, home: Page, request=None) -> dict:
    """The portal's "most read in the last N days" list, N from its settings."""
    settings = _portal_settings_of(home=home, request=request)
    days = settings.most_read_days if settings else 7
    return {"most_read": most_read(root=home, days=days), "most_read_days": days}


def _portal_settings_of(*, home: Page, request) -> PortalSettings | None:
    """The settings of the portal `home` is the root of: read once per request when it is the request's portal."""
    site = Site.find_for_request(request) if request is not None else None
    if site is not None and site.root_page_id == home.pk:
        return PortalSettings.for_request(request)  # kept on the request: base.html reads them too
    return portal_settings(site=home.get_site())


# A reply is shown only while the comment it answers is approved too.
VISIBLE_COMMENT = Q(status=CommentStatus.APPROVED) & (Q(parent__isnull=True) | Q(parent__status=CommentStatus.APPROVED))


def approved_comment_count(*, article: ArticlePage) -> int:
    return article.comments.filter(VISIBLE_COMMENT).count()


def approved_comments(*, article: ArticlePage) -> list:
    """Approved top-level comments with their approved replies attached as `.approved_replies`."""
    comments = list(article.comments.filter(VISIBLE_COMMENT).order_by("created_at"))
    by_parent: dict[int | None, list] = {}
    for comment in comments:
        by_parent.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.approved_replies = by_parent.get(comment.pk, [])
    return by_parent.get(None, [])


def home_context(*, home: HomePage, request) -> dict:
    articles = with_card_images(articles_under(home))
    featured = list(articles.filter(featured=True)[:5])
    featured_ids = [a.pk for a in featured]
    latest = list(articles.exclude(pk__in=featured_ids)[:10])
    categories = list(CategoryPage.objects.live().child_of(home).filter(show_on_home=True).order_by("path"))
    # One query per category shown (not per article): each uses the published_at index and stops at 5.
    boxes = [(category, list(with_card_images(articles_under(category))[:5])) for category in categories]
    return {
        "featured": featured,
        "latest": latest,
        **most_read_box(home=home, request=request),
        "category_boxes": [(c, items) for c, items in boxes if items],
    }


def category_context(*, category: CategoryPage, request) -> dict:
    home = category.get_ancestors().type(HomePage).first()
    return {
        "articles": paginate(with_card_images(articles_under(category)), request),
        "subcategories": CategoryPage.objects.live().child_of(category).order_by("path"),
        **(most_read_box(home=home, request=request) if home else {}),
    }


def article_context(*, article: ArticlePage, request) -> dict:
    category = article.get_parent().specific
    siblings = articles_under(category).exclude(pk=article.pk)
    newer = siblings.filter(
        Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, pk__gt=article.pk)
    ).order_by("published_at", "pk")[:5]
    older = siblings.filter(
        Q(published_at__lt=article.published_at) | Q(published_at=article.published_at, pk__lt=article.pk)
    )[:5]
    site = article.get_site()
    home = site.root_page.specific if site else None
    settings = _portal_settings_of(home=home, request=request) if home else None
    if getattr(request, "view_count_marker", False):
        view_count_display = VIEW_COUNT_MARKER  # filled in per request, also for cached HTML
    else:
        view_count_display = vietnamese_number(current_view_count(page_id=article.pk))
    return {
        "category": category,
        "home": home,
        "view_count_display": view_count_display,
        "newer_articles": list(newer),
        "older_articles": list(older),
        "comments": approved_comments(article=article),
        "comment_count": approved_comment_count(article=article),
        "portal_settings": settings,
        **(most_read_box(home=home, request=request) if home else {}),
    }


def tag_articles(*, home: HomePage, tag_slug: str) -> QuerySet[ArticlePage]:
    return articles_under(home).filter(tags__slug=tag_slug).distinct()


def topic_articles(*, home: HomePage, topic) -> QuerySet[ArticlePage]:
    return articles_under(home).filter(topic=topic)

"""Reads for the portal pages. Listings query ArticlePage with select_related."""

from __future__ import annotations

import datetime

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from wagtail.models import Page, Site

from .dates import vietnamese_number
from .models import ArticlePage, CategoryPage, CommentStatus, HomePage, PortalSettings
from .pagecache import VIEW_COUNT_MARKER
from .viewcounts import current_view_count

PAGE_SIZE = 12


def portal_settings(*, site: Site | None) -> PortalSettings | None:
    if site is None:
        return None
    return PortalSettings.for_site(site)


def articles_under(page: Page) -> QuerySet[ArticlePage]:
    """Live articles below a page, newest first."""
    return (
        ArticlePage.objects.live()
        .descendant_of(page)
        .select_related("cover_image", "topic")
        .order_by("-published_at", "-pk")
    )


def paginate(queryset, request, *, per_page: int = PAGE_SIZE) -> PaginatorPage:
    """`?page=abc` gives the first page and `?page=99999` the last, never an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def most_read(*, root: Page, days: int = 7, limit: int = 5) -> list[ArticlePage]:
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return list(
        articles_under(root)
        .filter(daily_views__day__gte=since)
        .annotate(recent_views=Sum("daily_views__count"))
        .order_by("-recent_views", "-published_at")[:limit]
    )


def most_read_box(*, home: HomePage) -> dict:
    """The portal's "most read in the last N days" list, N from its settings."""
    settings = portal_settings(site=home.get_site())
    days = settings.most_read_days if settings else 7
    return {"most_read": most_read(root=home, days=days), "most_read_days": days}


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
    articles = articles_under(home)
    featured = list(articles.filter(featured=True)[:5])
    featured_ids = [a.pk for a in featured]
    latest = list(articles.exclude(pk__in=featured_ids)[:10])
    categories = list(CategoryPage.objects.live().child_of(home).filter(show_on_home=True).order_by("path"))
    boxes = [(category, list(articles_under(category)[:5])) for category in categories]
    return {
        "featured": featured,
        "latest": latest,
        **most_read_box(home=home),
        "category_boxes": [(c, items) for c, items in boxes if items],
    }


def category_context(*, category: CategoryPage, request) -> dict:
    home = category.get_ancestors().type(HomePage).first()
    return {
        "articles": paginate(articles_under(category), request),
        "subcategories": CategoryPage.objects.live().child_of(category).order_by("path"),
        **(most_read_box(home=home.specific) if home else {}),
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
    settings = portal_settings(site=site)
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
        **(most_read_box(home=home) if home else {}),
    }


def tag_articles(*, home: HomePage, tag_slug: str) -> QuerySet[ArticlePage]:
    return articles_under(home).filter(tags__slug=tag_slug).distinct()


def topic_articles(*, home: HomePage, topic) -> QuerySet[ArticlePage]:
    return articles_under(home).filter(topic=topic)

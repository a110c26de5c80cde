from django import template
from django.utils.timezone import localtime
from wagtail.models import Site

from ..dates import vietnamese_meta_datetime, vietnamese_number
from ..models import CategoryPage, PortalSettings

register = template.Library()


@register.filter
def vn_datetime(value):
    """``Thứ sáu - 08/07/2022 04:06``."""
    return vietnamese_meta_datetime(value) if value else ""


@register.filter
def vn_number(value):
    """``2.302``."""
    try:
        return vietnamese_number(int(value))
    except (TypeError, ValueError):
        return value


@register.simple_tag(takes_context=True)
def portal_navigation(context):
    """Top-level categories of the current portal, with their children."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    categories = list(CategoryPage.objects.live().in_menu().descendant_of(site.root_page).order_by("path"))
    top = [c for c in categories if c.depth == site.root_page.depth + 1]
    for category in top:
        category.menu_children = [
            c for c in categories if c.path.startswith(category.path) and c.depth == category.depth + 1
        ]
    return top


@register.simple_tag(takes_context=True)
def portal_settings(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return PortalSettings.for_request(request) if site else None  # read once per request


@register.simple_tag(takes_context=True)
def portal_home(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page.specific if site else None


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """schema.org NewsArticle as a JSON-LD script, escaped like `json_script`."""
    import json

    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    request = context.get("request")
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.lead,
        "datePublished": localtime(article.published_at).isoformat(),
        "dateModified": localtime(article.last_published_at or article.published_at).isoformat(),
        "mainEntityOfPage": article.get_full_url(request),
        "inLanguage": "vi",
    }
    names = [credit.name for credit in article.bylines.all()]
    if names:
        data["author"] = [{"@type": "Person", "name": name} for name in names]
    if article.cover_image:
        rendition = article.cover_image.get_rendition("fill-1200x630")
        data["image"] = [request.build_absolute_uri(rendition.url) if request else rendition.url]
    site = article.get_site()
    if site:
        settings = PortalSettings.for_site(site)
        data["publisher"] = {"@type": "Organization", "name": settings.portal_name or site.site_name}
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308

"""Thin views for the portal; reads go through `selectors`, writes through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Page, Site

from . import pagecache, selectors, services, viewcounts
from .dates import vietnamese_number
from .forms import CommentForm
from .models import ArticlePage, CategoryPage, HomePage, Topic


def serve_article(article: ArticlePage, request, *args, **kwargs):
    """Render an article, count the view and fill the anonymous-reader cache."""
    if request.GET.get("print"):
        return TemplateResponse(request, "portal/article_print.html", article.get_context(request, *args, **kwargs))
    cacheable = pagecache.is_cacheable_request(request) and not request.user.is_authenticated
    request.view_count_marker = True
    response = Page.serve(article, request, *args, **kwargs)
    response.render()
    html = response.content.decode(response.charset)
    if cacheable and response.status_code == 200:
        pagecache.store(request, page_id=article.pk, html=html, content_type=response["Content-Type"])
    viewcounts.count_view_for_request(request, response, page_id=article.pk)
    count = viewcounts.current_view_count(page_id=article.pk)
    response.content = html.replace(pagecache.VIEW_COUNT_MARKER, vietnamese_number(count))
    patch_cache_control(response, no_cache=True)
    return response


def serve_listing(page: HomePage | CategoryPage, request):
    """Render a home or category page; anonymous readers' copies are kept (`pagecache`, nginx).

    Kept only as every anonymous reader sees it: no session or flash message, no cookie set, no
    CSRF token used, and as query string only the number of a page that exists (`?page=99999` shows the last page but
    is not kept, so made-up numbers cannot fill the caches).
    """
    request.is_preview = getattr(request, "is_preview", False)  # as Wagtail's index route: previews stay previews
    cacheable = pagecache.is_cacheable_request(request, page_query=True) and not request.user.is_authenticated
    response = TemplateResponse(request, page.get_template(request), page.get_context(request))
    response.render()
    personal = bool(response.cookies) or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token in the page
    if cacheable and response.status_code == 200 and not personal and _is_real_page(request, response):
        pagecache.store(
            request,
            page_id=page.pk,
            html=response.content.decode(response.charset),
            content_type=response["Content-Type"],
            listing=True,
        )
        request.listing_page_id = page.pk  # nginx may keep it too (frontcache.annotate)
    patch_cache_control(response, no_cache=True)
    return response


def _is_real_page(request, response) -> bool:
    requested = request.GET.get("page")
    if requested is None:
        return True
    shown = (response.context_data or {}).get("articles")
    return shown is not None and str(shown.number) == requested


def article_permalink(request, *, home: HomePage, article_id: int):
    """`/tin/<id>/` always leads to the article's current canonical URL."""
    article = get_object_or_404(ArticlePage.objects.live().descendant_of(home), page_ptr__id=article_id)
    return HttpResponsePermanentRedirect(article.get_url(request))


def tag_page(request, *, home: HomePage, tag_slug: str):
    from taggit.models import Tag

    tag = Tag.objects.filter(slug=tag_slug).first()
    if tag is None:
        raise Http404("Không có từ khóa này.")
    return TemplateResponse(
        request,
        "portal/listing_page.html",
        {
            "page": home,
            "heading": f"Từ khóa: {tag.name}",
            "articles": selectors.paginate(selectors.tag_articles(home=home, tag_slug=tag_slug), request),
        },
    )


def topic_page(request, *, home: HomePage, topic_slug: str):
    topic = get_object_or_404(Topic, slug=topic_slug)
    return TemplateResponse(
        request,
        "portal/listing_page.html",
        {
            "page": home,
            "heading": f"Dòng sự kiện: {topic.name}",
            "description": topic.description,
            "articles": selectors.paginate(selectors.topic_articles(home=home, topic=topic), request),
        },
    )


@csrf_exempt  # Anonymous readers post from cached pages; see services.comment_submit for the defences.
@require_POST
def comment_post(request, article_id: int):
    article = get_object_or_404(ArticlePage.objects.live(), page_ptr__id=article_id)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return _article_with_form(request, article, form, status=400)
    result = services.comment_submit(
        article=article,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        body=form.cleaned_data["body"],
        parent=form.cleaned_data.get("parent"),
        user=_signed_in_author(request),
        client_address=services.client_address(request),
        honeypot=form.cleaned_data.get("website", ""),
    )
    if result.closed:
        form.add_error(None, "Cổng thông tin hiện không nhận bình luận.")
        return _article_with_form(request, article, form, status=403)
    if result.rate_limited_for:
        form.add_error(
            None,
            f"Bạn gửi bình luận quá nhanh. Vui lòng thử lại sau {result.rate_limited_for} giây nữa.",
        )
        response = _article_with_form(request, article, form, status=429)
        response["Retry-After"] = str(result.rate_limited_for)
        return response
    if result.comment is not None and result.comment.status == "approved":
        messages.success(request, "Cảm ơn bạn, bình luận đã được đăng.")
    else:
        messages.success(request, "Cảm ơn bạn, bình luận sẽ hiển thị sau khi được duyệt.")
    return redirect(article.get_url(request) + "?gui=1#binh-luan")


def _signed_in_author(request):
    """The signed-in user, but only if the post carries their CSRF token.

    The endpoint is CSRF-exempt for anonymous readers; without this check a
    forged cross-site post from a signed-in editor's browser would skip
    moderation in "guests" mode. A post without a valid token counts as a guest's.
    """
    if not request.user.is_authenticated:
        return None
    if CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
        return None
    return request.user


def _article_with_form(request, article: ArticlePage, form, *, status: int):
    context = article.get_context(request)
    context["comment_form"] = form
    request.view_count_marker = False
    return TemplateResponse(request, article.get_template(request), context, status=status)


def robots_txt(request):
    site = Site.find_for_request(request)
    root = site.root_url if site else request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /tai-khoan/",
        "Disallow: /*?print=",
        f"Sitemap: {root}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return TemplateResponse(request, "404.html", {"home_url": "/"}, status=404)


def server_error(request):
    # Render without context processors or DB access: the database may be the cause.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


@require_safe
def view_count_json(request, article_id: int):
    """Current count for one article (used by pages served from a front cache); a JSON 404 for other ids."""
    from django.http import JsonResponse

    # page_ptr__id rather than pk: an id beyond the column's range (e.g. 20 digits) then matches nothing,
    # where the one-to-one pk lookup sent it to the database (OverflowError on SQLite, 500).
    if not ArticlePage.objects.live().filter(page_ptr__id=article_id).exists():
        return JsonResponse({"detail": "Không tìm thấy bài viết."}, status=404, json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"id": article_id, "views": viewcounts.current_view_count(page_id=article_id)})

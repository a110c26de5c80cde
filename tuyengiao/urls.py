from django.conf import settings
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from django.views.static import serve as serve_media
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from tuyengiao.accounts import urls as accounts_urls
from tuyengiao.core import views as core_views
from tuyengiao.portal import admin_views as portal_admin_views
from tuyengiao.portal import views as portal_views
from tuyengiao.portal.privacy import privacy_notice
from tuyengiao.search import views as search_views
from tuyengiao.units import views as units_views

handler404 = "tuyengiao.portal.views.page_not_found"
handler500 = "tuyengiao.portal.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Ahead of Wagtail's own view, which names any page (drafts too) to anyone in the admin.
    path(
        "admin/choose-page/chosen-multiple/",
        never_cache(require_admin_access(portal_admin_views.ExplorablePagesChosenView.as_view())),
        name="wagtailadmin_choose_page_chosen_multiple",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("tai-khoan/", include(accounts_urls)),
    path("binh-luan/<int:article_id>/", portal_views.comment_post, name="comment_post"),
    path("api/v1/articles/<int:article_id>/views", portal_views.view_count_json, name="view_count_json"),
    path("api/v1/search", search_views.search_api, name="search_api"),
    path("api/v1/units/", units_views.unit_list_api, name="units_api"),
    path("api/v1/schema", core_views.openapi_schema, name="openapi_schema"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", portal_views.robots_txt, name="robots_txt"),
    path("chinh-sach-rieng-tu/", privacy_notice, name="privacy_notice"),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns += [path("static/<path:path>", serve_static, {"insecure": True})]
    # Not media/documents/: Party documents' files are served only through /documents/ (rights checked there).
    urlpatterns += [re_path(r"^media/(?!documents/)(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]

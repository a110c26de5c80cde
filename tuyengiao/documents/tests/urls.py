"""Test-only URLconf: the public documents pages routed the way HomePage will route them (`van-ban/`)."""

from django.urls import path
from wagtail.models import Site

from tuyengiao import urls as project_urls
from tuyengiao.documents import views


def _home(request):
    return Site.find_for_request(request).root_page.specific


def document_list(request):
    return views.document_list(request, home=_home(request))


def document_detail(request, pk):
    return views.document_detail(request, home=_home(request), pk=pk)


urlpatterns = [
    path("van-ban/", document_list),
    path("van-ban/<int:pk>/", document_detail),
    *project_urls.urlpatterns,
]

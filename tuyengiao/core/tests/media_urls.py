"""The project's URLs plus media served by Django, as `make run` has them (SERVE_MEDIA=1)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from tuyengiao.urls import urlpatterns as project_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request: tests move MEDIA_ROOT


urlpatterns = [re_path(r"^media/(?!documents/)(?P<path>.*)$", media), *project_urlpatterns]

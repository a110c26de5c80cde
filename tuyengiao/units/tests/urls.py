"""The project's URLs plus the unit API, as the main urls.py wires it (`api/v1/units/`)."""

from django.urls import path

from tuyengiao.units.views import unit_list_api
from tuyengiao.urls import handler404, handler500  # noqa: F401
from tuyengiao.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("api/v1/units/", unit_list_api, name="units_api"), *project_urlpatterns]

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("phien/trang-thai/", views.status, name="status"),
    path("phien/duy-tri/", views.keepalive, name="keepalive"),
    path("phien/ket-thuc/", views.end, name="end"),
]

from django.contrib import admin
from django.urls import include, path

from config.views import healthz, trivial
from courseware.views.teaching import home

admin.site.site_header = "Lectern administration"
admin.site.site_title = "Lectern admin"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/trivial", trivial, name="healthz-trivial"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("courseware.urls")),
    path("", include("config.api")),
]

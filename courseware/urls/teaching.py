from django.urls import path

from courseware.views import teaching as views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("classes/<int:pk>/", views.classroom_detail, name="classroom-detail"),
]

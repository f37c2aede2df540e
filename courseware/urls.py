from django.urls import path

from courseware import views

app_name = "courseware"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("classes/<int:pk>/", views.classroom_detail, name="classroom-detail"),
]

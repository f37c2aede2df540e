"""Writing-process pages."""

from django.urls import path

from courseware.views import process as views

urlpatterns = [
    path("submissions/<int:pk>/process/", views.writing_process, name="writing-process"),
    path(
        "submissions/<int:pk>/process/accommodation/",
        views.accommodation_set,
        name="writing-accommodation",
    ),
]

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
    path("submissions/<int:pk>/coach/", views.citation_coach, name="citation-coach"),
    path(
        "submissions/<int:pk>/feedback/response/",
        views.feedback_response,
        name="feedback-response",
    ),
    path(
        "assignments/<int:pk>/process-settings/",
        views.process_settings,
        name="process-settings",
    ),
]

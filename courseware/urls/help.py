"""Help request pages: asking about an assignment, one request, a class's requests."""

from django.urls import path

from courseware.views import help as views

urlpatterns = [
    path("assignments/<int:pk>/help/", views.assignment_help, name="assignment-help"),
    path("help/<int:pk>/", views.help_detail, name="help-detail"),
    path("help/<int:pk>/reply/", views.help_reply, name="help-reply"),
    path("help/<int:pk>/resolve/", views.help_resolve, name="help-resolve"),
    path("classes/<int:pk>/help/", views.classroom_help, name="classroom-help"),
]

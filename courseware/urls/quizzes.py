"""Quiz authoring pages: write, edit, duplicate, reorder, import, export and statistics."""

from django.urls import path

from courseware.views import quizzes as views

urlpatterns = [
    path(
        "courses/<slug:course_slug>/units/<slug:slug>/quizzes/new/",
        views.quiz_create,
        name="quiz-create",
    ),
    path(
        "courses/<slug:course_slug>/units/<slug:slug>/quizzes/import/",
        views.quiz_import,
        name="quiz-import",
    ),
    path("quizzes/<int:pk>/", views.quiz_detail, name="quiz-detail"),
    path("quizzes/<int:pk>/edit/", views.quiz_edit, name="quiz-edit"),
    path("quizzes/<int:pk>/duplicate/", views.quiz_duplicate, name="quiz-duplicate"),
    path("quizzes/<int:pk>/move/", views.quiz_move, name="quiz-move"),
    path("quizzes/<int:pk>/export/", views.quiz_export, name="quiz-export"),
    path("quizzes/<int:pk>/statistics/", views.quiz_statistics, name="quiz-statistics"),
]

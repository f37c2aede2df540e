"""Content pages: courses, units, readings, prompts, rubrics, glossary, people, timeline."""

from django.urls import path

from courseware.views import content as views

urlpatterns = [
    path("courses/", views.course_list, name="course-list"),
    path("courses/<slug:slug>/", views.course_detail, name="course-detail"),
    path("courses/<slug:slug>/glossary/", views.glossary, name="glossary"),
    path("courses/<slug:slug>/people/", views.people, name="people"),
    path("courses/<slug:slug>/timeline/", views.timeline, name="timeline"),
    path("courses/<slug:course_slug>/units/new/", views.unit_create, name="unit-create"),
    path("courses/<slug:course_slug>/units/<slug:slug>/", views.unit_detail, name="unit-detail"),
    path("courses/<slug:course_slug>/units/<slug:slug>/edit/", views.unit_edit, name="unit-edit"),
    path("courses/<slug:course_slug>/prompts/new/", views.prompt_create, name="prompt-create"),
    path(
        "courses/<slug:course_slug>/prompts/<slug:slug>/",
        views.prompt_detail,
        name="prompt-detail",
    ),
    path(
        "courses/<slug:course_slug>/prompts/<slug:slug>/edit/",
        views.prompt_edit,
        name="prompt-edit",
    ),
    path("readings/", views.reading_list, name="reading-list"),
    path("readings/new/", views.reading_create, name="reading-create"),
    path("readings/<slug:slug>/", views.reading_detail, name="reading-detail"),
    path("readings/<slug:slug>/edit/", views.reading_edit, name="reading-edit"),
    path("readings/<slug:slug>/progress/", views.reading_progress, name="reading-progress"),
    path("rubrics/", views.rubric_list, name="rubric-list"),
    path("rubrics/new/", views.rubric_create, name="rubric-create"),
    path("rubrics/<int:pk>/", views.rubric_detail, name="rubric-detail"),
    path("rubrics/<int:pk>/edit/", views.rubric_edit, name="rubric-edit"),
    path("rubrics/<int:pk>/duplicate/", views.rubric_duplicate, name="rubric-duplicate"),
    path("search/", views.search, name="search"),
]

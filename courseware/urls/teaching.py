"""Teaching pages: dashboards, classes, enrolment, assignments, extensions and quizzes."""

from django.urls import path

from courseware.views import setting as setting_views
from courseware.views import teaching as views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("classes/new/", views.classroom_create, name="classroom-create"),
    path("classes/join/", views.classroom_join, name="classroom-join"),
    path("classes/<int:pk>/", views.classroom_detail, name="classroom-detail"),
    path("classes/<int:pk>/roster/", views.classroom_roster, name="classroom-roster"),
    path("classes/<int:pk>/enrol/", views.classroom_enrol, name="classroom-enrol"),
    path("classes/<int:pk>/archive/", views.classroom_archive, name="classroom-archive"),
    path("classes/<int:pk>/restore/", views.classroom_restore, name="classroom-restore"),
    path(
        "classes/<int:pk>/join-code/regenerate/",
        views.classroom_join_code_regenerate,
        name="classroom-join-code-regenerate",
    ),
    path(
        "classes/<int:pk>/join-code/enable/",
        views.classroom_join_code_enable,
        name="classroom-join-code-enable",
    ),
    path(
        "classes/<int:pk>/join-code/disable/",
        views.classroom_join_code_disable,
        name="classroom-join-code-disable",
    ),
    path("classes/<int:pk>/teachers/", views.classroom_teacher_add, name="classroom-teacher-add"),
    path(
        "classes/<int:pk>/teachers/<int:user_pk>/remove/",
        views.classroom_teacher_remove,
        name="classroom-teacher-remove",
    ),
    path(
        "classes/<int:pk>/assignments/new/<str:kind>/",
        views.assignment_create,
        name="assignment-create",
    ),
    path("classes/<int:pk>/essays/set/", setting_views.essay_set, name="essay-set"),
    path(
        "classes/<int:pk>/essays/drafts/<int:draft_pk>/",
        setting_views.essay_draft,
        name="essay-draft",
    ),
    path("classes/<int:pk>/copy-work/", setting_views.work_copy, name="work-copy"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment-edit"),
    path("assignments/<int:pk>/withdraw/", views.assignment_withdraw, name="assignment-withdraw"),
    path("assignments/<int:pk>/restore/", views.assignment_restore, name="assignment-restore"),
    path("assignments/<int:pk>/extensions/", views.extension_grant, name="extension-grant"),
    path(
        "assignments/<int:pk>/extensions/<int:extension_pk>/revoke/",
        views.extension_revoke,
        name="extension-revoke",
    ),
    path("assignments/<int:pk>/quiz/start/", views.quiz_start, name="quiz-start"),
    path(
        "assignments/<int:pk>/quiz/grant-attempt/",
        views.quiz_attempt_grant,
        name="quiz-attempt-grant",
    ),
    path("quiz-attempts/<int:pk>/", views.quiz_attempt, name="quiz-attempt"),
]

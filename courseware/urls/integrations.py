"""LTI 1.3 URLs: what an LMS is given (JWKS, login initiation, launch) and the pages a launch
leads to."""

from django.urls import path

from courseware.views import integrations as views

urlpatterns = [
    path("lti/jwks/", views.jwks, name="lti-jwks"),
    path("lti/login/", views.oidc_login, name="lti-login"),
    path("lti/launch/", views.launch, name="lti-launch"),
    path("lti/link-class/", views.link_class, name="lti-link-class"),
    path("lti/not-linked/", views.not_linked, name="lti-not-linked"),
    path("lti/link-account/", views.link_account, name="lti-link-account"),
    path("lti/deep-link/", views.deep_link, name="lti-deep-link"),
    path("classes/<int:pk>/lms/", views.classroom_lms, name="lti-classroom"),
    path("classes/<int:pk>/lms/sync/", views.roster_sync, name="lti-roster-sync"),
    path("assignments/<int:pk>/lms-grades/", views.grade_passback, name="lti-grade-passback"),
    path(
        "assignments/<int:pk>/lms-grades/retry/",
        views.grade_passback_retry,
        name="lti-grade-passback-retry",
    ),
]

"""Courseware API URLs, mounted under ``/api/v1/``; one module per area."""

from django.urls import re_path
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from courseware.api import (
    analysis,
    annotations,
    content,
    help,
    marking,
    notifications,
    originality,
    process,
    quizzes,
    rosters,
    setting,
    submissions,
    teaching,
)

router = SimpleRouter(use_regex_path=False)
router.register("courses", content.CourseViewSet, basename="api-course")
router.register("units", content.UnitViewSet, basename="api-unit")
router.register("readings", content.ReadingViewSet, basename="api-reading")
router.register("prompts", content.PromptViewSet, basename="api-prompt")
router.register("rubrics", content.RubricViewSet, basename="api-rubric")
router.register("classes", teaching.ClassroomViewSet, basename="api-classroom")
router.register("assignments", teaching.AssignmentViewSet, basename="api-assignment")
router.register("quizzes", quizzes.QuizViewSet, basename="api-quiz")
router.register("quiz-attempts", teaching.QuizAttemptViewSet, basename="api-quiz-attempt")
router.register("submissions", teaching.SubmissionViewSet, basename="api-submission-list")
router.register("notifications", notifications.NotificationViewSet, basename="api-notification")
router.register("announcements", notifications.AnnouncementViewSet, basename="api-announcement")
router.register("help-requests", help.HelpRequestViewSet, basename="api-help-request")


class NoSuchEndpoint(APIView):
    """Any other path under the API's root: a JSON 404 like every other API error, not the
    site's HTML page."""

    permission_classes = [AllowAny]
    schema = None

    def handle(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = head = options = handle


urlpatterns = [
    *analysis.urlpatterns,
    *submissions.urlpatterns,
    *marking.urlpatterns,
    *originality.urlpatterns,
    *process.urlpatterns,
    *notifications.urlpatterns,
    *setting.urlpatterns,
    *rosters.urlpatterns,
    *annotations.urlpatterns,
    *router.urls,
    # Last: nothing above matched. Not the bare root: /api/schema/ and /api/docs/ pass through it.
    re_path(r"^.+$", NoSuchEndpoint.as_view(), name="api-no-such-endpoint"),
]

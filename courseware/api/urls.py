"""Courseware API URLs, mounted under ``/api/v1/``; one module per area."""

from rest_framework.routers import SimpleRouter

from courseware.api import content, marking, originality, submissions, teaching

router = SimpleRouter(use_regex_path=False)
router.register("courses", content.CourseViewSet, basename="api-course")
router.register("units", content.UnitViewSet, basename="api-unit")
router.register("readings", content.ReadingViewSet, basename="api-reading")
router.register("prompts", content.PromptViewSet, basename="api-prompt")
router.register("rubrics", content.RubricViewSet, basename="api-rubric")
router.register("classes", teaching.ClassroomViewSet, basename="api-classroom")
router.register("assignments", teaching.AssignmentViewSet, basename="api-assignment")
router.register("quiz-attempts", teaching.QuizAttemptViewSet, basename="api-quiz-attempt")
router.register("submissions", teaching.SubmissionViewSet, basename="api-submission-list")

urlpatterns = [
    *submissions.urlpatterns,
    *marking.urlpatterns,
    *originality.urlpatterns,
    *router.urls,
]

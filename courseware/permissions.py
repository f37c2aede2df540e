"""Who may do what in courseware: one function per capability.

HTML views, API views and templates ask these; none of them inspects roles or memberships itself.
A class a user may not see is a 404 (``courseware.selectors.classroom_get_for``), never a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.permissions import can_study, can_teach, is_school_admin
from courseware.models import MembershipRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from courseware.models import Classroom


def _role_in(user: User | AnonymousUser, classroom: Classroom) -> str | None:
    if not (user.is_authenticated and user.is_active):
        return None
    return classroom.memberships.filter(user=user).values_list("role", flat=True).first()


# --- Teaching: classes, enrolment, assignments ------------------------------------------------


def can_view_classroom(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """Members of a class see it; school admins see every class."""
    return is_school_admin(user) or _role_in(user, classroom) is not None


def can_manage_classroom(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers run it (roster, join code, assignments); school admins may too."""
    return is_school_admin(user) or _role_in(user, classroom) == MembershipRole.TEACHER


def can_create_classroom(user: User | AnonymousUser) -> bool:
    """Classes are created by school admins."""
    return is_school_admin(user)


def can_archive_classroom(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """School admins archive classes at the end of a year (and restore them)."""
    return is_school_admin(user)


def can_assign_teachers(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """School admins decide who teaches a class, co-teachers included."""
    return is_school_admin(user)


def can_enrol_students(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """School admins bulk-enrol students from a CSV, creating accounts that are missing."""
    return is_school_admin(user)


def can_view_roster(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers (and school admins) see its students and their progress."""
    return can_manage_classroom(user, classroom)


def can_set_work(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers (and school admins) assign, edit and withdraw its work and grant
    extensions."""
    return can_manage_classroom(user, classroom)


def can_join_classroom(user: User | AnonymousUser) -> bool:
    """Students join classes with a join code; teachers are added by a school admin."""
    return can_study(user)


def can_take_quiz(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """Students of the class take its quizzes."""
    return can_study(user) and _role_in(user, classroom) == MembershipRole.STUDENT


# --- Content: courses, units, readings, prompts, rubrics -----------------------------------------


def can_view_all_content(user: User | AnonymousUser) -> bool:
    """Teachers and school admins see every course, reading, prompt and rubric: they author
    and reuse content across classes. Students see their own courses' content (selectors)."""
    return can_teach(user)


def can_author_content(user: User | AnonymousUser) -> bool:
    """Teachers and school admins create and edit units, readings, prompts and rubrics."""
    return can_teach(user)


def can_view_teaching_overview(user: User | AnonymousUser) -> bool:
    """Teachers see, on their dashboard, the marking, deadlines and hand-ins of the classes they
    teach (the selector keeps to those classes)."""
    return can_teach(user)


def can_track_reading(user: User | AnonymousUser) -> bool:
    """Students keep reading progress: opened, marked read."""
    return can_study(user)


# --- Submissions ---------------------------------------------------------------------------------

if TYPE_CHECKING:
    from courseware.models import Assignment, Submission


def can_write_essay(user: User | AnonymousUser, assignment: Assignment) -> bool:
    """Students of the class write its essays."""
    return can_study(user) and _role_in(user, assignment.classroom) == MembershipRole.STUDENT


def can_write_submission(user: User | AnonymousUser, submission: Submission) -> bool:
    """An essay is written, saved and handed in by its own student while they are in the
    class; nobody else writes in it."""
    return (
        user.is_authenticated
        and submission.student_id == user.pk
        and can_write_essay(user, submission.assignment)
    )


def can_view_submission(user: User | AnonymousUser, submission: Submission) -> bool:
    """A submission is seen by its student, the class's teachers and school admins; to anyone
    else it does not exist (404)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if submission.student_id == user.pk or is_school_admin(user):
        return True
    return _role_in(user, submission.assignment.classroom) == MembershipRole.TEACHER


def can_read_draft(user: User | AnonymousUser, submission: Submission) -> bool:
    """A draft is private to its writer until it is handed in; teachers read the versions."""
    return user.is_authenticated and user.is_active and submission.student_id == user.pk


# --- Marking -------------------------------------------------------------------------------------

if TYPE_CHECKING:
    from courseware.models import Grade


def can_mark(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers (and school admins) mark its essays, keep a comment bank, see the
    marking queue, the gradebook and every grade in it, released or not."""
    return can_manage_classroom(user, classroom)


def can_release(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """Those who mark a class's essays release the grades to its students."""
    return can_mark(user, classroom)


def can_keep_comment_bank(user: User | AnonymousUser) -> bool:
    """Teachers (and school admins) keep a bank of their own reusable comments."""
    return can_teach(user)


def can_view_grade(user: User | AnonymousUser, grade: Grade) -> bool:
    """A student sees their own grade once it is released; the class's teachers and school
    admins see it at any stage. To anyone else it does not exist (404)."""
    if not (user.is_authenticated and user.is_active):
        return False
    submission = grade.submission
    if submission.student_id == user.pk:
        return grade.released_at is not None
    return can_mark(user, submission.assignment.classroom)


# --- Originality ---------------------------------------------------------------------------------

if TYPE_CHECKING:
    from courseware.models import OriginalityReport


def can_run_originality_check(user: User | AnonymousUser, submission: Submission) -> bool:
    """A class's teachers (and school admins) read every originality report of its essays and
    ask for a re-check."""
    return can_manage_classroom(user, submission.assignment.classroom)


def can_share_originality_report(user: User | AnonymousUser, submission: Submission) -> bool:
    """Those who run the checks decide whether a student may read their own report."""
    return can_run_originality_check(user, submission)


def can_view_originality_report(user: User | AnonymousUser, report: OriginalityReport) -> bool:
    """A report is read by the class's teachers and school admins, and by its own student once
    a teacher has shown it to them; to anyone else it does not exist (404)."""
    if not (user.is_authenticated and user.is_active):
        return False
    submission = report.version.submission
    if submission.student_id == user.pk:
        return report.visible_to_student
    return can_run_originality_check(user, submission)


# --- Notifications ------------------------------------------------------------------------------


def can_post_announcement(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """Teachers of an active class (and school admins) post announcements to it."""
    return can_set_work(user, classroom)


def can_post_announcements(user: User | AnonymousUser) -> bool:
    """Whether the person may post announcements at all (teachers and school admins)."""
    return can_teach(user)


# --- Help requests -------------------------------------------------------------------------------
# Private to the student who asked and the class's teachers: not even a school admin reads them
# unless they teach the class.

if TYPE_CHECKING:
    from courseware.models import HelpRequest


def can_ask_for_help(user: User | AnonymousUser, assignment: Assignment) -> bool:
    """Students of the class ask its teachers for help with its work."""
    return can_study(user) and _role_in(user, assignment.classroom) == MembershipRole.STUDENT


def can_answer_help_requests(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers read, answer and resolve its students' help requests."""
    return _role_in(user, classroom) == MembershipRole.TEACHER


def can_view_help_request(user: User | AnonymousUser, help_request: HelpRequest) -> bool:
    """A help request is seen by the student who asked and the class's teachers; to anyone
    else it does not exist (404)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if help_request.student_id == user.pk:
        return True
    return can_answer_help_requests(user, help_request.assignment.classroom)


# --- Integrations: LTI 1.3 (LMS course links, roster sync, grade passback) -----------------------


def can_link_lms_course(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers (and school admins) link an LMS course to it from an LTI launch."""
    return can_manage_classroom(user, classroom)


def can_sync_lms_roster(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """Those who run a class bring its students in line with the linked LMS course."""
    return can_manage_classroom(user, classroom)


def can_view_grade_passback(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """Markers see how sending grades to the LMS went, and send failed ones again."""
    return can_mark(user, classroom)


# --- Rosters: importing the school's OneRoster export --------------------------------------------


def can_import_rosters(user: User | AnonymousUser) -> bool:
    """School admins import the school's roster (accounts, classes, enrolments); nobody else."""
    return is_school_admin(user)


# --- Annotations ---------------------------------------------------------------------------------

if TYPE_CHECKING:
    from courseware.models import Annotation, Assignment


def can_annotate(user: User | AnonymousUser, assignment: Assignment) -> bool:
    """The class's students and teachers annotate its readings and reply to each other, while the
    class is active. (School admins who are not in the class read and moderate, not write.)"""
    return (
        not assignment.classroom.is_archived
        and assignment.withdrawn_at is None
        and _role_in(user, assignment.classroom) is not None
    )


def can_moderate_annotations(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers (and school admins) endorse and hide its annotations, delete any of
    them, see the class's heat map and participation, set participation marks and export the
    annotations as CSV."""
    return can_manage_classroom(user, classroom)


def can_delete_annotation(user: User | AnonymousUser, annotation: Annotation) -> bool:
    """An annotation is deleted by its writer or by those who moderate the class."""
    if not (user.is_authenticated and user.is_active):
        return False
    if annotation.author_id == user.pk:
        return True
    return can_moderate_annotations(user, annotation.assignment.classroom)


# --- Source-analysis tasks ----------------------------------------------------------------------


def can_set_analysis_task(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers (and school admins) set it source-analysis tasks and see their list."""
    return can_set_work(user, classroom)


def can_answer_analysis_task(user: User | AnonymousUser, assignment: Assignment) -> bool:
    """Students of the class answer its source-analysis tasks (as they write its essays)."""
    return can_write_essay(user, assignment)


# --- Writing process ----------------------------------------------------------------------------


def can_view_writing_history(user: User | AnonymousUser, submission: Submission) -> bool:
    """An essay's writing history is seen by its own student and the class's teachers (and
    school admins), the same evidence on both sides; to anyone else it does not exist (404)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if submission.student_id == user.pk:
        return True
    return can_mark(user, submission.assignment.classroom)


def can_set_accommodation(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """Those who mark a class's essays record which students write with assistive software."""
    return can_mark(user, classroom) and not classroom.is_archived


def can_set_process_settings(user: User | AnonymousUser, assignment: Assignment) -> bool:
    """Those who set a class's work choose its coach checks and "feedback first"."""
    return can_set_work(user, assignment.classroom)


def can_use_citation_coach(user: User | AnonymousUser, submission: Submission) -> bool:
    """The citation coach is the writer's own, while they may still change the essay."""
    return can_write_submission(user, submission) and submission.is_editable

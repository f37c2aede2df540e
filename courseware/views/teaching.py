"""Teaching pages: dashboards, classes, enrolment, assignments, extensions and quizzes.

Each view parses its input, checks a capability from ``courseware.permissions``, calls one
service and responds. An object the user may not see is a 404 (the selectors' ``*_get_for``);
a member of a class asking for what only its teachers may do is a 403.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from courseware import permissions
from courseware.enrolment import plan_enrolment
from courseware.forms_teaching import (
    AssignmentForm,
    AttemptGrantForm,
    ClassroomCreateForm,
    EnrolmentConfirmForm,
    EnrolmentUploadForm,
    ExtensionForm,
    JoinForm,
    QuizAttemptForm,
    TeacherAddForm,
)
from courseware.models import Assignment, AssignmentKind, Membership, MembershipRole
from courseware.models.teaching import MARKED_KINDS
from courseware.selectors import dashboards
from courseware.selectors import notifications as notification_selectors
from courseware.selectors import setting as setting_selectors
from courseware.selectors import teaching as selectors
from courseware.selectors.help import open_help_count
from courseware.selectors.naming import student_naming
from courseware.selectors.teaching import Bucket
from courseware.services import teaching as services
from courseware.timing import deadline_for, format_moment


def home(request):
    """Say what Lectern is; a signed-in person is offered their dashboard."""
    return render(request, "courseware/home.html")


def _refusal_on_form(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: field errors on their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _target_url(assignment: Assignment) -> str:
    """Where what is set can be read: the reading or prompt page, when that page exists."""
    if assignment.kind == AssignmentKind.QUIZ:
        return assignment.get_absolute_url()
    try:
        return assignment.target.get_absolute_url()
    except NoReverseMatch:
        return ""


def _url_or_blank(name: str, pk: int) -> str:
    """A page of another area, or nothing while that page does not exist."""
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def _local_minute(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(second=0, microsecond=0)


# --- Dashboards ---------------------------------------------------------------------------------

STUDENT_SECTIONS = [
    (Bucket.OVERDUE, _lazy("Overdue"), _lazy("Nothing overdue.")),
    (
        Bucket.DUE_SOON,
        _lazy("Due in the next 3 days"),
        _lazy("Nothing due in the next three days."),
    ),
    (Bucket.TO_DO, _lazy("To do"), _lazy("Nothing else to do yet.")),
    (
        Bucket.DONE,
        _lazy("Done"),
        _lazy(
            "Nothing done yet: readings you mark read, quizzes you take and essays you hand in "
            "appear here."
        ),
    ),
    (
        Bucket.RETURNED,
        _lazy("Returned"),
        _lazy(
            "Nothing returned yet. When your teacher marks an essay and returns it, it appears "
            "here."
        ),
    ),
]


def _render_dashboard(request, *, join_form: JoinForm | None = None, status: int = 200):
    user = request.user
    now = timezone.now()
    classrooms = list(
        notification_selectors.with_latest_announcement(selectors.classrooms_for_user(user=user))
    )
    roles = selectors.classroom_roles_for(user=user, classrooms=classrooms)
    for classroom in classrooms:
        role = roles.get(classroom.pk)
        classroom.my_role_label = MembershipRole(role).label if role else ""
    context = {
        "classrooms": classrooms,
        "now": now,
        "latest_announcements": notification_selectors.latest_announcements(classrooms),
        "can_announce": permissions.can_post_announcements(user),
    }
    if permissions.can_join_classroom(user):
        buckets = selectors.student_dashboard(student=user, now=now)
        for items in buckets.values():
            for work in items:
                work.target_url = _target_url(work.assignment)
        context["join_form"] = join_form or JoinForm()
        context["sections"] = [
            {"id": bucket.value, "title": title, "empty": empty, "items": buckets[bucket]}
            for bucket, title, empty in STUDENT_SECTIONS
        ]
        context["closed"] = buckets[Bucket.CLOSED]
    if permissions.can_view_teaching_overview(user):
        context["teaching"] = dashboards.teacher_dashboard(user=user, now=now)
    if permissions.can_create_classroom(user):
        context["can_create_classroom"] = True
        context["can_import_rosters"] = permissions.can_import_rosters(user)
        context["archived_classrooms"] = list(
            selectors.classrooms_for_user(user=user, archived=True)
        )
    return render(request, "courseware/teaching/dashboard.html", context, status=status)


@login_required
def dashboard(request):
    """A student's work by what needs doing next; a teacher's classes; every class for an admin."""
    return _render_dashboard(request)


@login_required
@require_POST
def classroom_join(request):
    """Join a class with its join code."""
    if not permissions.can_join_classroom(request.user):
        raise PermissionDenied
    form = JoinForm(request.POST)
    form.is_valid()  # the code is free text; the service decides what it means
    try:
        membership, joined = services.classroom_join(
            user=request.user, code=form.cleaned_data.get("code", "")
        )
    except ValidationError as error:
        _refusal_on_form(form, error)
        too_many = any(
            e.code == services.JOIN_CODE_TOO_MANY_TRIES for e in error.error_dict.get("code", [])
        )
        return _render_dashboard(request, join_form=form, status=429 if too_many else 400)
    name = membership.classroom.name
    if joined:
        messages.success(request, _("You have joined %(name)s.") % {"name": name})
    else:
        messages.info(request, _("You are already in %(name)s.") % {"name": name})
    return redirect(membership.classroom)


# --- Classes ------------------------------------------------------------------------------------


@login_required
def classroom_create(request):
    """A school admin creates a class and names its teachers."""
    if not permissions.can_create_classroom(request.user):
        raise PermissionDenied
    form = ClassroomCreateForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            classroom = services.classroom_create(**form.cleaned_data)
        except ValidationError as error:
            _refusal_on_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is ready. Its join code is %(code)s.")
                % {"name": classroom.name, "code": classroom.join_code},
            )
            return redirect(classroom)
    status = 400 if form.is_bound else 200
    return render(request, "courseware/teaching/classroom_form.html", {"form": form}, status=status)


def _assignment_rows(classroom, *, now: datetime) -> list[Assignment]:
    assignments = list(selectors.assignments_for_classroom(classroom=classroom))
    for assignment in assignments:
        assignment.deadline = deadline_for(assignment=assignment, extension=None, now=now)
        assignment.target_url = _target_url(assignment)
        assignment.done_count = {
            AssignmentKind.READING: assignment.read_count,
            AssignmentKind.QUIZ: assignment.quiz_done_count,
            AssignmentKind.ESSAY: assignment.handed_in_count,
            AssignmentKind.ANALYSIS: assignment.handed_in_count,
        }[assignment.kind]
    return assignments


def _render_classroom(request, classroom, *, teacher_form=None, status=200):
    user = request.user
    now = timezone.now()
    can_manage = permissions.can_manage_classroom(user, classroom)
    teachers, students = selectors.classroom_members(classroom=classroom)
    context = {
        "classroom": classroom,
        "teachers": teachers,
        "can_manage": can_manage,
        "now": now,
        "announcements": notification_selectors.announcements_for_classroom(classroom=classroom),
        # Posting needs what managing needs (``permissions.can_post_announcement``).
        "can_announce": can_manage and not classroom.is_archived,
    }
    if can_manage:
        can_assign_teachers = permissions.can_assign_teachers(user, classroom)
        context.update(
            students=students,
            assignments=_assignment_rows(classroom, now=now),
            drafts=setting_selectors.drafts_for_classroom(classroom=classroom),
            kinds=AssignmentKind.choices,
            can_edit=not classroom.is_archived,
            can_assign_teachers=can_assign_teachers and not classroom.is_archived,
            can_enrol=permissions.can_enrol_students(user, classroom) and not classroom.is_archived,
            can_import_rosters=permissions.can_import_rosters(user),
            can_archive=permissions.can_archive_classroom(user, classroom),
        )
        if context["can_assign_teachers"]:
            context["teacher_form"] = teacher_form or TeacherAddForm(
                teachers=selectors.teachers_available(classroom=classroom)
            )
    else:
        work = selectors.student_work_for(student=user, now=now, classroom=classroom)
        for item in work:
            item.target_url = _target_url(item.assignment)
        context["work"] = work
    return render(request, "courseware/teaching/classroom_detail.html", context, status=status)


@login_required
def classroom_detail(request, pk: int):
    """A class page: its teachers and, for them, the join code, assignments and roster; for a
    student, their work in the class."""
    classroom = selectors.classroom_get_for(user=request.user, pk=pk)
    return _render_classroom(request, classroom)


def _managed_classroom(request, pk: int, capability=permissions.can_manage_classroom):
    """The class, if the user may see it (else 404) and has the capability (else 403)."""
    classroom = selectors.classroom_get_for(user=request.user, pk=pk)
    if not capability(request.user, classroom):
        raise PermissionDenied
    return classroom


@login_required
def classroom_roster(request, pk: int):
    """The class's students with what each has done of its work."""
    classroom = _managed_classroom(request, pk, permissions.can_view_roster)
    roster = selectors.classroom_roster(classroom=classroom)
    return render(
        request,
        "courseware/teaching/roster.html",
        {
            "classroom": classroom,
            "roster": roster,
            "can_enrol": permissions.can_enrol_students(request.user, classroom)
            and not classroom.is_archived,
            "can_import_rosters": permissions.can_import_rosters(request.user),
        },
    )


def _post_and_return(request, classroom, action, success: str):
    """Run a one-click service on the class and return to its page with what happened."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(classroom)


@login_required
@require_POST
def classroom_archive(request, pk: int):
    classroom = _managed_classroom(request, pk, permissions.can_archive_classroom)
    return _post_and_return(
        request,
        classroom,
        lambda: services.classroom_archive(classroom=classroom, now=timezone.now()),
        _("%(name)s is archived. Its work is kept; restore it at any time.")
        % {"name": classroom.name},
    )


@login_required
@require_POST
def classroom_restore(request, pk: int):
    classroom = _managed_classroom(request, pk, permissions.can_archive_classroom)
    return _post_and_return(
        request,
        classroom,
        lambda: services.classroom_restore(classroom=classroom),
        _("%(name)s is restored.") % {"name": classroom.name},
    )


@login_required
@require_POST
def classroom_join_code_regenerate(request, pk: int):
    classroom = _managed_classroom(request, pk)
    return _post_and_return(
        request,
        classroom,
        lambda: services.classroom_join_code_regenerate(classroom=classroom, now=timezone.now()),
        _("The class has a new join code; the old one no longer works."),
    )


@login_required
@require_POST
def classroom_join_code_enable(request, pk: int):
    classroom = _managed_classroom(request, pk)
    return _post_and_return(
        request,
        classroom,
        lambda: services.classroom_join_code_set_enabled(classroom=classroom, enabled=True),
        _("Students can join with the code again."),
    )


@login_required
@require_POST
def classroom_join_code_disable(request, pk: int):
    classroom = _managed_classroom(request, pk)
    return _post_and_return(
        request,
        classroom,
        lambda: services.classroom_join_code_set_enabled(classroom=classroom, enabled=False),
        _("Joining by code is switched off. Students already in the class stay."),
    )


@login_required
@require_POST
def classroom_teacher_add(request, pk: int):
    """A school admin adds a teacher (or co-teacher) to the class."""
    classroom = _managed_classroom(request, pk, permissions.can_assign_teachers)
    form = TeacherAddForm(request.POST, teachers=selectors.teachers_available(classroom=classroom))
    if form.is_valid():
        teacher = form.cleaned_data["teacher"]
        try:
            services.classroom_teacher_add(classroom=classroom, teacher=teacher)
        except ValidationError as error:
            _refusal_on_form(form, error)
        else:
            messages.success(
                request, _("%(name)s now teaches this class.") % {"name": teacher.name}
            )
            return redirect(classroom)
    return _render_classroom(request, classroom, teacher_form=form, status=400)


@login_required
@require_POST
def classroom_teacher_remove(request, pk: int, user_pk: int):
    """A school admin takes a teacher off the class."""
    classroom = _managed_classroom(request, pk, permissions.can_assign_teachers)
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        classroom=classroom,
        user__pk=user_pk,  # not user_id: too large an id is no match, not a crash
        role=MembershipRole.TEACHER,
    )
    return _post_and_return(
        request,
        classroom,
        lambda: services.classroom_teacher_remove(classroom=classroom, teacher=membership.user),
        _("%(name)s no longer teaches this class.") % {"name": membership.user.name},
    )


# --- Bulk enrolment -----------------------------------------------------------------------------


@login_required
def classroom_enrol(request, pk: int):
    """Enrol students from a CSV: upload, preview every row, then confirm to import them all."""
    classroom = _managed_classroom(request, pk, permissions.can_enrol_students)
    template = "courseware/teaching/enrol.html"
    context = {"classroom": classroom, "upload_form": EnrolmentUploadForm()}
    if request.method != "POST":
        return render(request, template, context)

    if "payload" in request.POST:
        confirm = EnrolmentConfirmForm(request.POST)
        if not confirm.is_valid():
            context["confirm_errors"] = confirm.errors["payload"]
            return render(request, template, context, status=400)
        try:
            result = services.classroom_enrol_csv(
                classroom=classroom, text=confirm.cleaned_data["payload"], by=request.user
            )
        except services.EnrolmentRejected as rejected:
            context["plan"] = rejected.plan
            return render(request, template, context, status=400)
        except ValidationError as error:
            context["confirm_errors"] = error.messages
            return render(request, template, context, status=400)
        messages.success(
            request,
            _(
                "Imported: %(enrolled)s students enrolled, %(created)s of them with new "
                "accounts. Already in the class: %(already)s."
            )
            % {
                "enrolled": result.enrolled,
                "created": result.created,
                "already": result.already_enrolled,
            },
        )
        return redirect("courseware:classroom-roster", pk=classroom.pk)

    upload = EnrolmentUploadForm(request.POST, request.FILES)
    context["upload_form"] = upload
    if not upload.is_valid():
        return render(request, template, context, status=400)
    text = upload.cleaned_data["file"]
    plan = plan_enrolment(classroom=classroom, text=text)
    context["plan"] = plan
    if not plan.is_valid:
        return render(request, template, context, status=400)
    context["confirm_form"] = EnrolmentConfirmForm(
        initial={"payload": EnrolmentConfirmForm.sign(text)}
    )
    return render(request, template, context)


# --- Assignments --------------------------------------------------------------------------------


NEW_ASSIGNMENT_HEADINGS = {
    AssignmentKind.READING: _lazy("Assign a reading"),
    AssignmentKind.ESSAY: _lazy("Set an essay"),
    AssignmentKind.QUIZ: _lazy("Set a quiz"),
}


@login_required
def assignment_create(request, pk: int, kind: str):
    """Set a reading, an essay prompt or a quiz for the class, with its dates and rules."""
    classroom = _managed_classroom(request, pk, permissions.can_set_work)
    if kind == AssignmentKind.ANALYSIS:
        # A source-analysis task needs its scaffold and rubric: set on its own page.
        return redirect("courseware:analysis-set", pk=classroom.pk)
    if kind not in AssignmentKind.values:
        raise Http404
    now = _local_minute(timezone.now())
    initial = {"opens_at": now, "due_at": now + timedelta(days=7)}
    form = AssignmentForm(request.POST or None, kind=kind, course=classroom.course, initial=initial)
    chosen = request.GET.get("target", "")
    if chosen.isdigit():
        # "Set this quiz" and the like: what is set is picked, and a quiz's attempts are the
        # number its author gave it.
        target = form.fields["target"].queryset.filter(pk=chosen).first()
        if target is not None:
            initial["target"] = target.pk
            if kind == AssignmentKind.QUIZ:
                initial["max_attempts"] = target.max_attempts
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(
                classroom=classroom, kind=kind, by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            _refusal_on_form(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is set for %(name)s.")
                % {"title": assignment.title, "name": classroom.name},
            )
            return redirect(classroom)
    return render(
        request,
        "courseware/teaching/assignment_form.html",
        {
            "classroom": classroom,
            "form": form,
            "kind_label": AssignmentKind(kind).label,
            "heading": NEW_ASSIGNMENT_HEADINGS[kind],
            "assignment": None,
        },
        status=400 if form.is_bound else 200,
    )


def _managed_assignment(request, pk: int) -> Assignment:
    assignment = selectors.assignment_get_for(user=request.user, pk=pk, now=timezone.now())
    if not permissions.can_set_work(request.user, assignment.classroom):
        raise PermissionDenied
    return assignment


@login_required
def assignment_edit(request, pk: int):
    """Change an assignment; once students have work on it, what is set stays as it is."""
    assignment = _managed_assignment(request, pk)
    initial = {name: getattr(assignment, name) for name in services.EDITABLE_FIELDS}
    initial["target"] = assignment.target
    form = AssignmentForm(
        request.POST or None,
        kind=assignment.kind,
        course=assignment.classroom.course,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_update(assignment=assignment, **form.service_kwargs())
        except ValidationError as error:
            _refusal_on_form(form, error)
        else:
            messages.success(request, _("The assignment is updated."))
            return redirect(assignment)
    return render(
        request,
        "courseware/teaching/assignment_form.html",
        {
            "classroom": assignment.classroom,
            "form": form,
            "kind_label": assignment.get_kind_display(),
            "assignment": assignment,
            "has_work": selectors.assignment_has_student_work(assignment=assignment),
        },
        status=400 if form.is_bound else 200,
    )


def _render_assignment(request, assignment: Assignment, *, extension_form=None, status=200):
    user = request.user
    now = timezone.now()
    classroom = assignment.classroom
    context = {
        "assignment": assignment,
        "classroom": classroom,
        "target_url": _target_url(assignment),
        "now": now,
    }
    if permissions.can_set_work(user, classroom):
        progress = selectors.assignment_progress(assignment=assignment, now=now)
        naming = student_naming(assignment=assignment, viewer=user)
        for row in progress:
            row.label = naming.label(row.student)
            if row.submission is not None and row.submission.is_submitted:
                row.submission_url = _url_or_blank(
                    "courseware:submission-detail", row.submission.pk
                )
        if naming.hidden:
            # In name order the pseudonyms would give the names away.
            progress = sorted(progress, key=lambda row: row.label)
        context.update(
            names_hidden=naming.hidden,
            can_set_work=True,
            can_edit=not classroom.is_archived,
            deadline=deadline_for(assignment=assignment, extension=None, now=now),
            progress=progress,
            has_work=selectors.assignment_has_student_work(assignment=assignment),
            attempt_grant_form=AttemptGrantForm(students=_students_queryset(assignment))
            if assignment.kind == AssignmentKind.QUIZ
            else None,
            extension_form=extension_form
            or ExtensionForm(
                students=_students_queryset(assignment),
                initial={"due_at": _local_minute(assignment.due_at) + timedelta(days=2)},
            ),
        )
        if permissions.can_answer_help_requests(user, classroom):
            context["open_help_count"] = open_help_count(assignment=assignment)
        # A quiz's scores go to the LMS on hand-in (an essay's from its marking queue); the
        # notice costs its queries only when an LMS links to the quiz.
        context["lti_passback_notice"] = (
            assignment.kind == AssignmentKind.QUIZ
            and assignment.has_lms_placement
            and permissions.can_view_grade_passback(user, classroom)
        )
        if naming.hidden:
            # A form shown again after an error names the students the same way.
            context["extension_form"].fields["student"].label_from_instance = naming.label
    else:
        work = selectors.student_work_on(student=user, assignment=assignment, now=now)
        context["work"] = work
        context["deadline"] = work.deadline
        if assignment.kind in MARKED_KINDS:
            context["essay_url"] = _url_or_blank(
                "courseware:analysis-write"
                if assignment.kind == AssignmentKind.ANALYSIS
                else "courseware:essay-write",
                assignment.pk,
            )
            if work.submission is not None and work.submission.is_submitted:
                context["submission_url"] = _url_or_blank(
                    "courseware:submission-detail", work.submission.pk
                )
        context["can_take_quiz"] = assignment.kind == AssignmentKind.QUIZ and (
            permissions.can_take_quiz(user, classroom)
        )
    return render(request, "courseware/teaching/assignment_detail.html", context, status=status)


def _students_queryset(assignment: Assignment):
    return User.objects.filter(
        memberships__classroom=assignment.classroom_id,
        memberships__role=MembershipRole.STUDENT,
    ).order_by("last_name", "first_name", "username")


@login_required
def assignment_detail(request, pk: int):
    """An assignment: for teachers, every student's progress and extensions; for a student,
    their dates, status and (for a quiz) attempts."""
    assignment = selectors.assignment_get_for(user=request.user, pk=pk, now=timezone.now())
    return _render_assignment(request, assignment)


@login_required
@require_POST
def assignment_withdraw(request, pk: int):
    """Hide an assignment from students, keeping their work."""
    assignment = _managed_assignment(request, pk)
    try:
        services.assignment_withdraw(assignment=assignment, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Withdrawn: students no longer see it. Their work is kept; restore it at any time."),
        )
    return redirect(assignment)


@login_required
@require_POST
def assignment_restore(request, pk: int):
    """Give students back a withdrawn assignment, with their work on it."""
    assignment = _managed_assignment(request, pk)
    try:
        services.assignment_restore(assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Restored: students see it again, with their work."))
    return redirect(assignment)


@login_required
@require_POST
def extension_grant(request, pk: int):
    """Give one student later dates for this assignment."""
    assignment = _managed_assignment(request, pk)
    form = ExtensionForm(request.POST, students=_students_queryset(assignment))
    if form.is_valid():
        try:
            extension = services.extension_grant(
                assignment=assignment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refusal_on_form(form, error)
        else:
            naming = student_naming(assignment=assignment, viewer=request.user)
            messages.success(
                request,
                _("%(name)s has an extension to %(due)s.")
                % {
                    "name": naming.label(extension.student),
                    "due": format_moment(extension.due_at),
                },
            )
            return redirect(assignment)
    return _render_assignment(request, assignment, extension_form=form, status=400)


@login_required
@require_POST
def extension_revoke(request, pk: int, extension_pk: int):
    """Take an extension back."""
    assignment = _managed_assignment(request, pk)
    extension = get_object_or_404(assignment.extensions.select_related("student"), pk=extension_pk)
    services.extension_revoke(extension=extension)
    messages.success(
        request, _("%(name)s's extension is revoked.") % {"name": extension.student.name}
    )
    return redirect(assignment)


# --- Quizzes ------------------------------------------------------------------------------------


@login_required
@require_POST
def quiz_attempt_grant(request, pk: int):
    """Let one student make one more attempt at a quiz than the assignment allows."""
    assignment = _managed_assignment(request, pk)
    form = AttemptGrantForm(request.POST, students=_students_queryset(assignment))
    if not form.is_valid():
        messages.error(request, _("Choose a student of the class to grant an attempt to."))
        return redirect(assignment)
    student = form.cleaned_data["student"]
    try:
        extra = services.quiz_attempt_grant(assignment=assignment, student=student, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s may make one more attempt (%(count)s more than the class in all).")
            % {"name": student.name, "count": extra},
        )
    return redirect(assignment)


@login_required
@require_POST
def quiz_start(request, pk: int):
    """Start (or resume) an attempt at a quiz assignment."""
    assignment = selectors.assignment_get_for(user=request.user, pk=pk, now=timezone.now())
    if not permissions.can_take_quiz(request.user, assignment.classroom):
        raise PermissionDenied
    try:
        attempt = services.quiz_attempt_start(
            assignment=assignment, student=request.user, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(assignment)
    return redirect("courseware:quiz-attempt", pk=attempt.pk)


@login_required
def quiz_attempt(request, pk: int):
    """Take a quiz attempt, or see its result once handed in."""
    attempt = selectors.quiz_attempt_get_for(user=request.user, pk=pk)
    assignment = attempt.assignment
    quiz = attempt.quiz or assignment.quiz
    questions = selectors.quiz_questions(quiz=quiz)
    is_owner = attempt.student_id == request.user.pk
    context = {"attempt": attempt, "assignment": assignment, "classroom": assignment.classroom}

    if attempt.submitted_at is None:
        if not is_owner:
            if request.method == "POST":
                raise PermissionDenied
            return render(
                request, "courseware/teaching/quiz_result.html", {**context, "in_progress": True}
            )
        form = QuizAttemptForm(
            request.POST or None, questions=questions, shuffle=quiz.shuffle, seed=attempt.pk
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.quiz_attempt_submit(
                    attempt=attempt, answers=form.answers(), now=timezone.now()
                )
            except services.AttemptAlreadySubmitted as error:
                messages.info(request, " ".join(error.messages))
                return redirect("courseware:quiz-attempt", pk=attempt.pk)
            except ValidationError as error:
                _refusal_on_form(form, error)
            else:
                return redirect("courseware:quiz-attempt", pk=attempt.pk)
        return render(
            request,
            "courseware/teaching/quiz_take.html",
            {
                **context,
                "form": form,
                "questions": questions,
                "quiz": quiz,
                "ends_at": _attempt_ends_at(attempt, quiz),
                "attempts_allowed": assignment.max_attempts
                + services.quiz_extra_attempts(assignment=assignment, student=attempt.student),
            },
            status=400 if form.is_bound else 200,
        )

    if request.method == "POST":
        # A second click on "Hand in", or the form sent again from another tab.
        messages.info(request, _("This attempt was already handed in; its result is below."))
        return redirect("courseware:quiz-attempt", pk=attempt.pk)
    answers = selectors.quiz_attempt_answers(attempt=attempt)
    now = timezone.now()
    work = (
        selectors.student_work_on(student=request.user, assignment=assignment, now=now)
        if is_owner
        else None
    )
    reveal = selectors.quiz_attempt_reveals_answers(
        attempt=attempt, user=request.user, now=now, work=work
    )
    results = []
    for question in questions:
        answer = answers.get(question.pk)
        correct = [c for c in question.choices.all() if c.is_correct]
        results.append(
            {
                "question": question,
                "answer": answer,
                "given": _answer_text(question, answer),
                "correct_text": " · ".join(c.text for c in correct)
                if correct
                else " · ".join(question.accepted_answers),
                "evidence_url": _evidence_url(question),
            }
        )
    ends_at = _attempt_ends_at(attempt, quiz)
    return render(
        request,
        "courseware/teaching/quiz_result.html",
        {
            **context,
            "results": results,
            "reveal": reveal,
            "work": work,
            "over_time": ends_at is not None and attempt.submitted_at > ends_at,
        },
    )


def _attempt_ends_at(attempt, quiz) -> datetime | None:
    """When the attempt's time limit runs out, if the quiz has one."""
    if not quiz.time_limit_minutes:
        return None
    return attempt.started_at + timedelta(minutes=quiz.time_limit_minutes)


def _answer_text(question, answer) -> str:
    """What the student answered, in words."""
    if answer is None:
        return ""
    if answer.choice_id is not None:
        return next((c.text for c in question.choices.all() if c.pk == answer.choice_id), "")
    if answer.choice_ids:
        ticked = set(answer.choice_ids)
        return " · ".join(c.text for c in question.choices.all() if c.pk in ticked)
    return answer.text


def _evidence_url(question) -> str:
    if question.evidence is None:
        return ""
    try:
        return question.evidence.get_absolute_url()
    except NoReverseMatch:
        return ""

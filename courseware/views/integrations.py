"""LTI 1.3 pages: the tool's JWKS, OIDC login initiation, the launch, linking an LMS course to a
class, deep linking, roster sync and the state of grade passback.

The LMS posts the OIDC login and the launch from its own pages, so those two take no CSRF token:
the launch is protected by its signed ``id_token``, its one-time nonce and the state cookie the
login set. Every refused launch gets a page that says why, and nothing is changed.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key, LtiContext
from pylti1p3.exception import LtiException, OIDCException

from courseware import lti, permissions
from courseware.forms_teaching import LocalDateTimeField
from courseware.models import AssignmentKind
from courseware.selectors import integrations as selectors
from courseware.selectors.naming import student_naming
from courseware.selectors.teaching import (
    assignable_prompts,
    assignable_quizzes,
    assignable_readings,
    classroom_get_for,
)
from courseware.services import integrations as services
from courseware.services.teaching import assignment_create

SESSION_LAUNCH = "lectern_lti_launch"
SESSION_CONTEXT = "lectern_lti_context"


def _refused(request, message: str, status: int = 400):
    return render(
        request, "courseware/integrations/refused.html", {"message": message}, status=status
    )


@require_GET
def jwks(request):
    """The tool's public keys, old and new, for platforms to check what Lectern signs."""
    response = JsonResponse(Key.objects.as_jwks())
    response["Cache-Control"] = "public, max-age=3600"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request):
    """Third-party login initiation: answer the LMS with a redirect to its auth endpoint,
    carrying a fresh state (also set as a cookie) and a nonce, both kept in the database."""
    params = request.POST if request.method == "POST" else request.GET
    target = params.get("target_link_uri") or ""
    launch_url = request.build_absolute_uri(reverse("courseware:lti-launch"))
    if target and target.split("?")[0].rstrip("/") != launch_url.rstrip("/"):
        return _refused(request, _("This sign-in asks to open a page that is not Lectern's."))
    try:
        return lti.oidc_login(request).redirect(launch_url)
    except (OIDCException, LtiException):
        return _refused(
            request,
            _(
                "This LMS is not registered with Lectern, or it did not say who is signing in. "
                "Ask your LMS administrator to check Lectern's registration."
            ),
        )


@csrf_exempt
@require_POST
def launch(request):
    """A resource-link or deep-linking launch: check it, sign the person in, send them on."""
    try:
        outcome = services.lti_launch_receive(request=request, now=timezone.now())
    except services.LaunchRefused as refusal:
        return _refused(request, str(refusal))
    except lti.NoSigningKey:
        return _refused(request, _("Lectern's LTI keys are not set up yet."), status=503)
    login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_LAUNCH] = outcome.launch_id
    request.session[SESSION_CONTEXT] = outcome.context.pk if outcome.context else None
    return redirect(outcome.next_url)


def _launch_context(request) -> LtiContext:
    """The LMS course of this person's latest launch; 404 without one."""
    context_id = request.session.get(SESSION_CONTEXT)
    if not context_id:
        raise Http404
    context = selectors.context_for_launch(pk=context_id, user=request.user)
    if context is None:
        raise Http404
    return context


class ClassChoiceForm(forms.Form):
    classroom = forms.TypedChoiceField(label=_lazy("Lectern class"), coerce=int)

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].choices = [(c.pk, str(c)) for c in classrooms]
        self.classrooms = {c.pk: c for c in classrooms}


@login_required
@require_http_methods(["GET", "POST"])
def link_class(request):
    """A teacher launching from an LMS course Lectern does not know yet chooses which of their
    classes it is."""
    context = _launch_context(request)
    linked = selectors.linked_classroom(context=context)
    if request.method == "GET" and linked and permissions.can_view_classroom(request.user, linked):
        return redirect(linked.get_absolute_url())  # linked meanwhile (or by a co-teacher)
    classrooms = selectors.linkable_classrooms(user=request.user)
    form = ClassChoiceForm(request.POST or None, classrooms=classrooms)
    if request.method == "POST" and form.is_valid():
        classroom = form.classrooms[form.cleaned_data["classroom"]]
        try:
            services.lti_class_link(
                context=context, classroom=classroom, by=request.user, now=timezone.now()
            )
        except (PermissionDenied, ValidationError):
            form.add_error("classroom", _("You cannot link that class."))
        else:
            messages.success(
                request,
                _("%(course)s now opens %(class)s.") % {"course": context, "class": classroom},
            )
            if _deep_linking(request):
                return redirect("courseware:lti-deep-link")
            return redirect(classroom.get_absolute_url())
    return render(
        request,
        "courseware/integrations/link_class.html",
        {
            "context": context,
            "form": form,
            "classrooms": classrooms,
            "can_link_account": services.lti_made_account(request.user),
        },
        status=400 if form.errors else 200,
    )


class ExistingAccountForm(forms.Form):
    login = forms.CharField(label=_lazy("Username or e-mail"), max_length=254)
    password = forms.CharField(label=_lazy("Password"), widget=forms.PasswordInput, max_length=128)


@login_required
@require_http_methods(["GET", "POST"])
def link_account(request):
    """Someone whose first LMS launch made them a new account, who already has a Lectern account
    with a password, proves it is theirs and their LMS sign-in opens it from then on."""
    if not services.lti_made_account(request.user):
        raise Http404
    form = ExistingAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        existing = authenticate(
            request,
            username=form.cleaned_data["login"],
            password=form.cleaned_data["password"],
        )
        if existing is None:
            form.add_error(None, _("That username or e-mail and password do not match."))
        else:
            try:
                services.lti_account_merge(lti_account=request.user, into=existing)
            except services.LaunchRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                kept = {key: request.session.get(key) for key in (SESSION_LAUNCH, SESSION_CONTEXT)}
                login(request, existing, backend="django.contrib.auth.backends.ModelBackend")
                request.session.update(kept)
                messages.success(
                    request,
                    _("Your LMS sign-in now opens your Lectern account %(name)s.")
                    % {"name": existing.name},
                )
                return redirect("courseware:lti-link-class" if kept[SESSION_CONTEXT] else "home")
    return render(
        request,
        "courseware/integrations/link_account.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def not_linked(request):
    """A student launching from an LMS course no teacher has linked yet."""
    return render(
        request,
        "courseware/integrations/not_linked.html",
        {"can_link_account": services.lti_made_account(request.user)},
    )


def _restored_launch(request):
    launch_id = request.session.get(SESSION_LAUNCH)
    if not launch_id:
        return None
    try:
        return lti.MessageLaunch.restore(request, launch_id)
    except (LtiException, lti.NoSigningKey):
        return None


def _deep_linking(request) -> bool:
    launch = _restored_launch(request)
    return launch is not None and launch.is_deep_link_launch()


NEW_WORK_TARGETS = {
    AssignmentKind.READING: (_lazy("Reading"), assignable_readings),
    AssignmentKind.ESSAY: (_lazy("Essay prompt"), assignable_prompts),
    AssignmentKind.QUIZ: (_lazy("Quiz"), assignable_quizzes),
}
NEW_WORK_HEADINGS = {
    AssignmentKind.READING: _lazy("Or set a new reading"),
    AssignmentKind.ESSAY: _lazy("Or set a new essay"),
    AssignmentKind.QUIZ: _lazy("Or set a new quiz"),
}


class NewWorkForm(forms.Form):
    """Set a reading, an essay or a quiz from the course's own, to link it straight away. The
    prefix is the kind, so the page can hold one form of each."""

    target = forms.TypedChoiceField(coerce=int)
    title = forms.CharField(label=_lazy("Title (optional)"), max_length=200, required=False)
    opens_at = LocalDateTimeField(label=_lazy("Opens"))
    due_at = LocalDateTimeField(label=_lazy("Due"))

    def __init__(self, *args, kind, targets, now, **kwargs):
        initial = {"opens_at": now, "due_at": now + timedelta(days=7)}
        super().__init__(*args, prefix=kind, initial=initial, **kwargs)
        self.kind = kind
        self.heading = NEW_WORK_HEADINGS[kind]
        self.fields["target"].label = NEW_WORK_TARGETS[kind][0]
        self.fields["target"].choices = [(t.pk, t.title) for t in targets]
        self.targets = {t.pk: t for t in targets}

    def submitted(self, data) -> bool:
        return self.add_prefix("target") in data

    def refuse(self, error: ValidationError) -> None:
        """Put the service's refusal on the fields it names (the rest on the form)."""
        for field, refusals in getattr(error, "message_dict", {None: error.messages}).items():
            for message in refusals:
                self.add_error(field if field in self.fields else None, message)


class AssignmentChoiceForm(forms.Form):
    assignment = forms.TypedChoiceField(label=_lazy("Assignment"), coerce=int)

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [(a.pk, a.title) for a in assignments]
        self.assignments = {a.pk: a for a in assignments}


@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request):
    """Deep linking: a teacher chooses an assignment of the linked class, or sets a new reading,
    essay or quiz from the course's own, and Lectern sends the LMS a signed link to it (with a
    gradebook column for an essay or a quiz)."""
    launch = _restored_launch(request)
    if launch is None or not launch.is_deep_link_launch():
        raise Http404
    context = _launch_context(request)
    classroom = selectors.linked_classroom(context=context)
    if classroom is None:
        return redirect("courseware:lti-link-class")
    if not permissions.can_set_work(request.user, classroom):
        raise Http404
    assignments = selectors.linkable_assignments(classroom=classroom)
    course = classroom.course
    now = timezone.localtime().replace(second=0, microsecond=0)
    data = request.POST if request.method == "POST" else None
    new_forms = [
        NewWorkForm(kind=kind, targets=list(assignable(course=course)), now=now)
        for kind, (_label, assignable) in NEW_WORK_TARGETS.items()
    ]
    creating = next((f for f in new_forms if data is not None and f.submitted(data)), None)
    form = AssignmentChoiceForm(None if creating else data, assignments=assignments)
    assignment = None
    if creating is not None:
        creating = NewWorkForm(
            data, kind=creating.kind, targets=list(creating.targets.values()), now=now
        )
        new_forms = [creating if f.kind == creating.kind else f for f in new_forms]
        if creating.is_valid():
            try:
                assignment = assignment_create(
                    classroom=classroom,
                    kind=creating.kind,
                    target=creating.targets[creating.cleaned_data["target"]],
                    by=request.user,
                    opens_at=creating.cleaned_data["opens_at"],
                    due_at=creating.cleaned_data["due_at"],
                    title=creating.cleaned_data["title"],
                )
            except ValidationError as error:
                creating.refuse(error)
    elif data is not None and form.is_valid():
        assignment = form.assignments[form.cleaned_data["assignment"]]
    if assignment is not None:
        return_url, token = services.lti_deep_link_response(
            launch=launch,
            assignment=assignment,
            launch_url=request.build_absolute_uri(reverse("courseware:lti-launch")),
        )
        response = render(
            request,
            "courseware/integrations/deep_link_return.html",
            {"return_url": return_url, "jwt": token, "assignment": assignment},
        )
        parts = urlsplit(return_url)
        response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
        return response
    return render(
        request,
        "courseware/integrations/deep_link.html",
        {
            "classroom": classroom,
            "form": form,
            "new_forms": [f for f in new_forms if f.targets],
            "assignments": assignments,
            "context": context,
        },
        status=400 if form.errors or (creating is not None and creating.errors) else 200,
    )


@login_required
@require_GET
def classroom_lms(request, pk: int):
    """A class's LMS courses: which are linked, when the roster was last synced, and the button
    to sync it."""
    classroom = classroom_get_for(user=request.user, pk=pk)
    if not permissions.can_sync_lms_roster(request.user, classroom):
        raise Http404
    return render(
        request,
        "courseware/integrations/classroom.html",
        {"classroom": classroom, "links": selectors.class_links(classroom=classroom)},
    )


@login_required
@require_POST
def roster_sync(request, pk: int):
    """Sync roster: add the LMS course's learners, unenrol those who left (keeping their work).

    With "Also remove students who are not in the LMS course" ticked, the teacher first sees who
    that would unenrol; confirming unenrols exactly those listed (still keeping their work)."""
    classroom = classroom_get_for(user=request.user, pk=pk)
    if not permissions.can_sync_lms_roster(request.user, classroom):
        raise Http404
    remove_others: frozenset[int] = frozenset()
    try:
        if request.POST.get("remove_others") and not request.POST.get("confirm"):
            preview = services.lti_roster_preview(classroom=classroom, by=request.user)
            if preview.kept:
                return render(
                    request,
                    "courseware/integrations/roster_confirm.html",
                    {"classroom": classroom, "preview": preview},
                )
        elif request.POST.get("remove_others"):
            remove_others = frozenset(
                int(value) for value in request.POST.getlist("remove") if value.isdigit()
            )
        result = services.lti_roster_sync(
            classroom=classroom, by=request.user, now=timezone.now(), remove_others=remove_others
        )
    except services.RosterSyncFailed as failure:
        messages.error(request, str(failure))
    else:
        messages.success(
            request,
            ngettext(
                "Roster synced: %(added)s student added, %(removed)s unenrolled.",
                "Roster synced: %(added)s students added, %(removed)s unenrolled.",
                len(result.added),
            )
            % {"added": len(result.added), "removed": len(result.removed)},
        )
        if result.kept:
            messages.info(
                request,
                _("Kept, because they joined in Lectern rather than from the LMS: %(names)s.")
                % {"names": ", ".join(user.name for user in result.kept)},
            )
    return redirect("courseware:lti-classroom", pk=classroom.pk)


@login_required
@require_GET
def grade_passback(request, pk: int):
    """Where each student's grade (or best quiz score) stands on its way to the LMS gradebook."""
    assignment = selectors.assignment_for_passback(user=request.user, pk=pk)
    naming = student_naming(assignment=assignment, viewer=request.user)
    posts = list(selectors.score_posts(assignment=assignment))
    for post in posts:
        post.student_label = naming.label(post.student)
    if naming.hidden:
        posts.sort(key=lambda post: (post.student_label, post.pk))
    return render(
        request,
        "courseware/integrations/passback.html",
        {"assignment": assignment, "classroom": assignment.classroom, "posts": posts},
    )


@login_required
@require_POST
def grade_passback_retry(request, pk: int):
    """Send the assignment's failed grades to the LMS again now."""
    assignment = selectors.assignment_for_passback(user=request.user, pk=pk)
    count = services.lti_score_posts_retry(
        assignment=assignment, by=request.user, now=timezone.now()
    )
    messages.info(
        request,
        ngettext("%(n)s grade sent again.", "%(n)s grades sent again.", count) % {"n": count},
    )
    return redirect("courseware:lti-grade-passback", pk=assignment.pk)

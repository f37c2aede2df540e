"""Content pages: courses, units, readings, prompts, rubrics, glossary, people, timeline, search.

Views parse, check a capability, call one service and respond. What a user may see comes from
``courseware.selectors.content`` (a 404 for what is missing and what is not theirs alike); what
they may do comes from ``courseware.permissions`` (a 403 on something they can see but not
change).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courseware import permissions
from courseware.forms_content import (
    CriterionForm,
    CriterionFormSet,
    EssayPromptForm,
    ReadingCreateForm,
    ReadingEditForm,
    RubricForm,
    UnitForm,
    builder_data_with_more,
)
from courseware.importers import ReadingParseError
from courseware.rubric_templates import rubric_templates
from courseware.selectors import content as selectors
from courseware.selectors import search as search_selectors
from courseware.services import content as services
from courseware.views.reading_text import reading_text

SEARCH_PAGE_SIZE = 20


def _require_author(request) -> None:
    if not permissions.can_author_content(request.user):
        raise PermissionDenied(_("Only teachers edit course content."))


def _form_error(form, error: ValidationError) -> None:
    """Show a service's validation error on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Courses and units --------------------------------------------------------------------


@login_required
def course_list(request):
    """The courses the user may see."""
    courses = selectors.courses_for_user(user=request.user).order_by("title")
    return render(request, "courseware/content/course_list.html", {"courses": courses})


@login_required
def course_detail(request, slug: str):
    """A course: its units in order with their readings, and its essay prompts."""
    course = selectors.course_get_for(user=request.user, slug=slug)
    units = selectors.course_units(course=course)
    readings = [row.reading for unit in units for row in unit.unit_readings.all()]
    return render(
        request,
        "courseware/content/course_detail.html",
        {
            "course": course,
            "units": units,
            "prompts": selectors.course_prompts(course=course),
            "read_ids": selectors.read_reading_ids(user=request.user, readings=readings),
            "can_author": permissions.can_author_content(request.user),
        },
    )


@login_required
def unit_detail(request, course_slug: str, slug: str):
    """A unit: overview, learning intentions, readings, essay prompts and quizzes."""
    unit = selectors.unit_get_for(user=request.user, course_slug=course_slug, slug=slug)
    readings = [row.reading for row in unit.unit_readings.all()]
    return render(
        request,
        "courseware/content/unit_detail.html",
        {
            "unit": unit,
            "course": unit.course,
            "read_ids": selectors.read_reading_ids(user=request.user, readings=readings),
            "can_author": permissions.can_author_content(request.user),
        },
    )


@login_required
def unit_create(request, course_slug: str):
    """A teacher adds a unit to a course."""
    course = selectors.course_get_for(user=request.user, slug=course_slug)
    _require_author(request)
    form = UnitForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                course=course,
                slug=form.cleaned_data["slug"],
                title=form.cleaned_data["title"],
                overview=form.cleaned_data["overview"],
                learning_intentions=form.cleaned_data["learning_intentions"],
                readings=form.reading_specs(),
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Unit added."))
            return redirect(unit)
    return render(
        request,
        "courseware/content/unit_form.html",
        {"form": form, "course": course, "unit": None},
        status=400 if form.errors else 200,
    )


@login_required
def unit_edit(request, course_slug: str, slug: str):
    """A teacher edits a unit's text and the readings it sets."""
    unit = selectors.unit_get_for(user=request.user, course_slug=course_slug, slug=slug)
    _require_author(request)
    form = UnitForm(
        request.POST or None, course=unit.course, unit=unit, initial=UnitForm.initial_for(unit)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                unit=unit,
                title=form.cleaned_data["title"],
                overview=form.cleaned_data["overview"],
                learning_intentions=form.cleaned_data["learning_intentions"],
                readings=form.reading_specs(),
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Unit saved."))
            return redirect(unit)
    return render(
        request,
        "courseware/content/unit_form.html",
        {"form": form, "course": unit.course, "unit": unit},
        status=400 if form.errors else 200,
    )


# --- Readings -----------------------------------------------------------------------------


@login_required
def reading_list(request):
    """The readings the user may open."""
    readings = list(selectors.reading_list_for(user=request.user))
    return render(
        request,
        "courseware/content/reading_list.html",
        {
            "readings": readings,
            "read_ids": selectors.read_reading_ids(user=request.user, readings=readings),
            "can_author": permissions.can_author_content(request.user),
        },
    )


@login_required
def reading_detail(request, slug: str):
    """The reading page, built for long reading; a student's visit is recorded.

    ``?text=scanned`` shows the text as scanned, without the recorded corrections.
    """
    reading = selectors.reading_get_for(user=request.user, slug=slug)
    view = request.GET.get("text", "corrected")
    if view not in ("corrected", "scanned"):
        return HttpResponseBadRequest(_("The text can be shown “corrected” or “scanned”."))
    progress = None
    can_track = permissions.can_track_reading(request.user)
    if can_track:
        progress = services.reading_progress_record_open(student=request.user, reading=reading)
    return render(
        request,
        "courseware/content/reading_detail.html",
        {
            "reading": reading,
            "text": reading_text(reading, scanned=view == "scanned"),
            "progress": progress,
            "can_track": can_track,
            "can_author": permissions.can_author_content(request.user),
        },
    )


@login_required
@require_POST
def reading_progress(request, slug: str):
    """A student marks a reading read, or takes that back."""
    reading = selectors.reading_get_for(user=request.user, slug=slug)
    if not permissions.can_track_reading(request.user):
        raise PermissionDenied(_("Only students keep reading progress."))
    action = request.POST.get("action")
    if action == "read":
        services.reading_mark_read(student=request.user, reading=reading)
        messages.success(request, _("Marked as read."))
    elif action == "unread":
        services.reading_unmark_read(student=request.user, reading=reading)
        messages.success(request, _("Marked as not read yet."))
    else:
        return HttpResponseBadRequest(_("Say whether to mark the reading read or not read."))
    return redirect(f"{reading.get_absolute_url()}#progress")


@login_required
def reading_create(request):
    """A teacher adds a reading by pasting or uploading plain text; the importer structures it."""
    _require_author(request)
    form = ReadingCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reading = services.reading_create(
                text=form.cleaned_data["source_text"],
                slug=form.cleaned_data["slug"],
                by=request.user,
                **form.metadata(),
            )
        except ReadingParseError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _form_error(form, error)
        else:
            report = reading.import_report
            messages.success(
                request,
                _(
                    "Imported: %(sections)s sections, %(paragraphs)s paragraphs, "
                    "%(footnotes)s notes."
                )
                % {
                    "sections": report.sections,
                    "paragraphs": report.paragraphs,
                    "footnotes": report.footnotes,
                },
            )
            return redirect(reading)
    return render(
        request,
        "courseware/content/reading_form.html",
        {"form": form, "reading": None},
        status=400 if form.errors else 200,
    )


@login_required
def reading_edit(request, slug: str):
    """A teacher edits a reading's details and may replace its text (re-imported in place)."""
    reading = selectors.reading_get_for(user=request.user, slug=slug)
    _require_author(request)
    initial = {name: getattr(reading, name) for name in ReadingEditForm.METADATA}
    form = ReadingEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["source_text"] is None:
                services.reading_update(reading=reading, **form.metadata())
                messages.success(request, _("Reading saved."))
            else:
                reading = services.reading_import(
                    text=form.cleaned_data["source_text"], slug=reading.slug, **form.metadata()
                )
                report = reading.import_report
                messages.success(
                    request,
                    _(
                        "Text replaced: %(paragraphs)s paragraphs. Links moved with their text: "
                        "%(moved)s; left on a changed paragraph, to check: %(kept)s; removed "
                        "with their paragraph: %(detached)s."
                    )
                    % {
                        "paragraphs": report.paragraphs,
                        "moved": report.references_moved,
                        "kept": report.references_kept_on_changed_text,
                        "detached": report.references_detached,
                    },
                )
        except ReadingParseError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _form_error(form, error)
        else:
            return redirect(reading)
    return render(
        request,
        "courseware/content/reading_form.html",
        {"form": form, "reading": reading},
        status=400 if form.errors else 200,
    )


# --- Essay prompts and rubrics ------------------------------------------------------------


@login_required
def prompt_detail(request, course_slug: str, slug: str):
    """An essay prompt: the question, guidance, word limits, readings and rubric."""
    prompt = selectors.prompt_get_for(user=request.user, course_slug=course_slug, slug=slug)
    return render(
        request,
        "courseware/content/prompt_detail.html",
        {
            "prompt": prompt,
            "course": prompt.course,
            "can_author": permissions.can_author_content(request.user),
        },
    )


def _prompt_fields(form: EssayPromptForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "unit": data["unit"],
        "question": data["question"],
        "guidance": data["guidance"],
        "min_words": data["min_words"],
        "max_words": data["max_words"],
        "readings": data["readings"],
        "rubric": data["rubric"],
    }


@login_required
def prompt_create(request, course_slug: str):
    """A teacher writes an essay prompt for a course."""
    course = selectors.course_get_for(user=request.user, slug=course_slug)
    _require_author(request)
    initial = {"unit": request.GET.get("unit")} if request.GET.get("unit") else None
    form = EssayPromptForm(request.POST or None, course=course, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            prompt = services.essay_prompt_create(
                course=course,
                slug=form.cleaned_data["slug"],
                by=request.user,
                **_prompt_fields(form),
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Essay prompt added."))
            return redirect(prompt)
    return render(
        request,
        "courseware/content/prompt_form.html",
        {"form": form, "course": course, "prompt": None},
        status=400 if form.errors else 200,
    )


@login_required
def prompt_edit(request, course_slug: str, slug: str):
    """A teacher edits an essay prompt."""
    prompt = selectors.prompt_get_for(user=request.user, course_slug=course_slug, slug=slug)
    _require_author(request)
    form = EssayPromptForm(
        request.POST or None,
        course=prompt.course,
        prompt=prompt,
        initial=EssayPromptForm.initial_for(prompt),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.essay_prompt_update(prompt=prompt, **_prompt_fields(form))
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Essay prompt saved."))
            return redirect(prompt)
    return render(
        request,
        "courseware/content/prompt_form.html",
        {"form": form, "course": prompt.course, "prompt": prompt},
        status=400 if form.errors else 200,
    )


@login_required
def rubric_list(request):
    """Rubrics the user may see; teachers create and edit them here."""
    return render(
        request,
        "courseware/content/rubric_list.html",
        {
            "rubrics": selectors.rubric_list_for(user=request.user),
            "can_author": permissions.can_author_content(request.user),
        },
    )


@login_required
def rubric_detail(request, pk: int):
    """A rubric as a table: criteria down the side, levels across."""
    rubric = selectors.rubric_get_for(user=request.user, pk=pk)
    return render(
        request,
        "courseware/content/rubric_detail.html",
        {
            "rubric": rubric,
            "table": selectors.rubric_table(rubric=rubric),
            "is_latest": not hasattr(rubric, "next_version"),
            "can_author": permissions.can_author_content(request.user),
        },
    )


@login_required
def rubric_create(request):
    """A teacher writes a rubric: criteria, each with its levels."""
    _require_author(request)
    return _rubric_form(request, rubric=None)


@login_required
def rubric_edit(request, pk: int):
    """A teacher edits a rubric; one already used becomes a new version instead."""
    rubric = selectors.rubric_get_for(user=request.user, pk=pk)
    _require_author(request)
    if hasattr(rubric, "next_version"):
        messages.info(request, _("That is an old version; this is the latest."))
        latest = rubric.next_version
        while hasattr(latest, "next_version"):
            latest = latest.next_version
        return redirect("courseware:rubric-edit", pk=latest.pk)
    return _rubric_form(request, rubric=rubric)


def _rubric_form(request, *, rubric):
    data = request.POST or None
    adding = data is not None and ("add_criterion" in data or "add_level" in data)
    if adding:
        data = builder_data_with_more(data)
    template = None
    if rubric is None:
        template = rubric_templates().get(request.GET.get("template", ""))
        initial = {}
        initial_criteria = []
        if template is not None:
            initial = {
                "title": template.title,
                "description": template.description,
                "total_marks": template.total,
            }
            initial_criteria = [CriterionForm.initial_for(c) for c in template.criteria]
    else:
        initial = {"title": rubric.title, "description": rubric.description}
        initial_criteria = [CriterionForm.initial_for(c) for c in rubric.criteria.all()]
    form = RubricForm(data, initial=initial)
    criteria = CriterionFormSet(data, prefix="criteria", initial=initial_criteria)
    used = rubric is not None and selectors.rubric_is_used(rubric=rubric)
    if data is not None and not adding and form.is_valid() and criteria.is_valid():
        fields = {
            "title": form.cleaned_data["title"],
            "description": form.cleaned_data["description"],
            "criteria": criteria.criteria(),
            "total_marks": form.cleaned_data.get("total_marks"),
        }
        try:
            if rubric is None:
                saved = services.rubric_create(owner=request.user, **fields)
                messages.success(request, _("Rubric added."))
            else:
                saved = services.rubric_update(rubric=rubric, by=request.user, **fields)
                if saved.pk != rubric.pk:
                    messages.success(
                        request,
                        _(
                            "The rubric is in use, so your edit is version %(version)s; work "
                            "already set keeps version %(old)s."
                        )
                        % {"version": saved.version, "old": rubric.version},
                    )
                else:
                    messages.success(request, _("Rubric saved."))
        except ValidationError as error:
            for field, errors in criteria.show_errors(error):
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("courseware:rubric-detail", pk=saved.pk)
    has_errors = data is not None and not adding and (form.errors or criteria.total_error_count())
    return render(
        request,
        "courseware/content/rubric_form.html",
        {
            "form": form,
            "criteria": criteria,
            "rubric": rubric,
            "used": used,
            "template": template,
            "templates": rubric_templates().values(),
        },
        status=400 if has_errors else 200,
    )


@login_required
@require_POST
def rubric_duplicate(request, pk: int):
    """Copy a rubric as a new one of the teacher's, to adapt."""
    rubric = selectors.rubric_get_for(user=request.user, pk=pk)
    _require_author(request)
    copy = services.rubric_duplicate(rubric=rubric, by=request.user)
    messages.success(request, _("Rubric copied: this is the copy."))
    return redirect("courseware:rubric-detail", pk=copy.pk)


# --- Glossary, people, timeline -----------------------------------------------------------


@login_required
def glossary(request, slug: str):
    """A course's glossary, each definition linked to the paragraphs that evidence it."""
    course = selectors.course_get_for(user=request.user, slug=slug)
    return render(
        request,
        "courseware/content/glossary.html",
        {"course": course, "terms": selectors.course_terms(course=course)},
    )


@login_required
def people(request, slug: str):
    """The people of a course, each linked to the paragraphs that evidence what is said."""
    course = selectors.course_get_for(user=request.user, slug=slug)
    return render(
        request,
        "courseware/content/people.html",
        {"course": course, "people": selectors.course_people(course=course)},
    )


@login_required
def timeline(request, slug: str):
    """A course's timeline, in date order, each event linked to its evidence."""
    course = selectors.course_get_for(user=request.user, slug=slug)
    return render(
        request,
        "courseware/content/timeline.html",
        {"course": course, "events": selectors.course_timeline(course=course)},
    )


# --- Search -------------------------------------------------------------------------------


@login_required
def search(request):
    """Full-text search over the readings the user may open, or within one of them."""
    query = request.GET.get("q", "").strip()[:200]
    reading = None
    if request.GET.get("reading"):
        reading = selectors.reading_get_for(user=request.user, slug=request.GET["reading"])
    page = None
    hits = []
    if query:
        paragraphs = search_selectors.paragraph_search(
            user=request.user, query=query, reading=reading
        )
        page = Paginator(paragraphs, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        hits = search_selectors.search_hits(page.object_list, query=query)
    return render(
        request,
        "courseware/content/search.html",
        {
            "query": query,
            "reading": reading,
            "page": page,
            "hits": hits,
            "only_common_words": bool(query) and not search_selectors.parse_query(query),
        },
    )

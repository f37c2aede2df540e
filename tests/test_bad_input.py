"""Bad input at every URL and every API operation, as every role: never a server error, and
never a change.

The URLs come from the URL resolver (pages) and the OpenAPI schema (API operations), so a new
URL is covered without being listed here. Each URL's path parameters are filled with real
objects of one busy class, so requests reach the views' input handling rather than a 404.

For each URL and method every role first sends one bad request (NUL bytes). The roles that get
past the permission check (in CI the first two of the class's teacher, its student and the
school admin; in the edit loop's ``make test`` the first, which halves the sweep's time) then
send every class of bad input: NUL bytes, lone surrogates, deep nesting,
huge numbers, out-of-range and naive dates, 5 MB bodies and wrong content types. Each request
runs in a transaction that is rolled back afterwards, so requests cannot affect one another, and
the SQL it runs is recorded: a bad request may write only what the same request with an empty
body writes (an action that takes no input, such as "archive", acts on any body).

The class, its people and its work are built once for the module.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from courseware.models import AssignmentKind, MembershipRole, Notification
from courseware.services.annotations import annotation_create
from courseware.services.help import help_request_ask
from courseware.services.marking import comment_bank_add, inline_comment_add
from courseware.services.notifications import announcement_post, events_dispatch_ready
from courseware.services.rosters import roster_import_record
from courseware.services.setting import essay_task_set
from courseware.services.teaching import assignment_withdraw, quiz_attempt_start
from courseware.views import marking as marking_views
from tests.conftest import IN_CI, ROLES
from tests.courseware.rosters.exports import export_zip
from tests.courseware.rosters.exports import school as roster_school
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    ExtensionFactory,
    MembershipFactory,
    SchoolAdminFactory,
    StudentFactory,
    TeacherFactory,
    analysis_assignment,
    course_reading,
    essay_assignment,
    graded,
    submission_for,
    submitted_submission,
)
from tests.factories.originality import run_latest_report

# --- The bad inputs ------------------------------------------------------------------------------

FIVE_MB = 5 * 1024 * 1024 + 1
# Names that views and filters read from the query string.
QUERY_NAMES = [
    "q",
    "reading",
    "page",
    "classroom",
    "kind",
    "status",
    "student",
    "assignment",
    "course",
    "unit",
    "due_after",
    "due_before",
    "opens_after",
    "ordering",
    "format",
    "next",
    "search",
    "tab",
    "o",
    "p",
]
# Names that forms and serializers read from a body, besides the ones a page's form shows.
BODY_NAMES = ["text", "revision", "comment", "title", "due_at", "opens_at", "cutoff_at", "code"]


@dataclass(frozen=True)
class BadInput:
    """One class of bad input, as a query string value and as a form or JSON body."""

    name: str
    query: str  # as it goes into the URL: percent-encoded where it must be
    form: str | None  # every form field's value, encoded as ``query``; None: the body is ``raw``
    json_value: object = None
    raw: tuple[bytes, str] | None = None  # a whole body and its content type


def _deep(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


# Deeper than Python's recursion limit (1,000), so a recursive parser of a field would fail; not
# deeper, since every query-string name and form field carries it (each request parses it all).
FIELD_DEPTH = 1_100
# Brackets go into the query string and the form body as they are: "[" and "]" arrive the same
# percent-encoded or not, and unquoting 2,200 escapes in every field costs more than the request.
DEEP_FIELD = _deep(FIELD_DEPTH)


YEAR_ONE, YEAR_MAX, NAIVE = "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-03-01T09:00:00"
FORM = "application/x-www-form-urlencoded"
BAD_INPUTS = [
    BadInput("nul", quote("a\x00b"), quote("a\x00b"), "a\x00b"),
    # A lone surrogate cannot be UTF-8; in a URL or form it arrives as the bytes that would be.
    BadInput("surrogate", "%ED%A0%80", "%ED%A0%80", "\ud800"),
    BadInput("deep-json", DEEP_FIELD, None, raw=(_deep().encode(), "application/json")),
    BadInput("deep-form", DEEP_FIELD, DEEP_FIELD),
    BadInput("huge-number", "9" * 400, "9" * 400, 10**400),
    BadInput(
        "year-one", quote("0001-01-01T00:00:00Z"), quote("0001-01-01 00:00"), "0001-01-01T00:00:00Z"
    ),
    BadInput(
        "year-max", quote("9999-12-31T23:59:59"), quote("9999-12-31 23:59"), "9999-12-31T23:59:59Z"
    ),
    BadInput(
        "naive-date", quote("2026-03-01T09:00:00"), quote("2026-10-04 02:30"), "2026-03-01T09:00:00"
    ),
    BadInput(
        "five-mb", "a", None, raw=(b"x=" + b"a" * FIVE_MB, "application/x-www-form-urlencoded")
    ),
    BadInput("wrong-content-type", "a", None, raw=(b'{"text": "a"}', "text/plain")),
    BadInput("no-boundary", "a", None, raw=(b"--x\r\n\r\n", "multipart/form-data")),
]
FIRST, REST = BAD_INPUTS[0], BAD_INPUTS[1:]


# --- The class, built once -----------------------------------------------------------------------


@dataclass
class World:
    users: dict
    ids: dict  # path parameter filling, by URL prefix and parameter name
    clients: dict = field(default_factory=dict)


def _build() -> World:
    now = timezone.now()
    classroom = ClassroomFactory()
    other_classroom = ClassroomFactory(course=classroom.course)
    users = {
        "school_admin": SchoolAdminFactory(),
        "teacher": TeacherFactory(),
        "other_teacher": TeacherFactory(),
        "student": StudentFactory(),
        "other_student": StudentFactory(),
    }
    for room, teacher, student in (
        (classroom, "teacher", "student"),
        (other_classroom, "other_teacher", "other_student"),
    ):
        MembershipFactory(classroom=room, user=users[teacher], role=MembershipRole.TEACHER)
        MembershipFactory(classroom=room, user=users[student], role=MembershipRole.STUDENT)
    text = course_reading(classroom.course)
    essay = essay_assignment(classroom, min_words=5, max_words=400, readings=[text])
    quiz = AssignmentFactory(classroom=classroom, kind=AssignmentKind.QUIZ)
    attempt = quiz_attempt_start(assignment=quiz, student=users["student"], now=now)
    submission = submitted_submission(essay, users["student"])
    run_latest_report(submission)
    peer = StudentFactory()
    MembershipFactory(classroom=classroom, user=peer, role=MembershipRole.STUDENT)
    submitted_submission(essay, peer)
    graded(submission, users["teacher"])
    first_word = submission.versions.get().text.split()[0]
    comment = inline_comment_add(
        submission=submission,
        paragraph=1,
        start=0,
        end=len(first_word),
        quote=first_word,
        text="Cite this.",
        by=users["teacher"],
        now=now,
    )
    bank = comment_bank_add(owner=users["teacher"], text="Good use of evidence.", now=now)
    withdrawn = AssignmentFactory(classroom=classroom, title="Withdrawn work")
    assignment_withdraw(assignment=withdrawn, now=now)
    extension = ExtensionFactory(assignment=essay, student=users["student"])
    unit = text.units.get()
    prompt = essay.prompt
    help_request = help_request_ask(
        assignment=essay, student=users["student"], text="Help", now=now
    )
    ids = {
        "help": {"pk": help_request.pk},
        "help-requests": {"pk": help_request.pk, "id": help_request.pk},
        "classes": {"pk": classroom.pk, "user_pk": users["teacher"].pk},
        "assignments": {"pk": essay.pk, "extension_pk": extension.pk},
        "submissions": {"pk": submission.pk, "number": 1, "slug": text.slug},
        "quiz-attempts": {"pk": attempt.pk},
        "inline-comments": {"pk": comment.pk},
        "comment-bank": {"pk": bank.pk},
        "rubrics": {"pk": prompt.rubric_id},
        "readings": {"pk": text.pk, "slug": text.slug},
        "courses": {
            "pk": classroom.course_id,
            "slug": classroom.course.slug,
            "course_slug": classroom.course.slug,
        },
        "units": {"pk": unit.pk},
        "prompts": {"pk": prompt.pk},
        "*": {
            "kind": "essay",
            "fmt": "csv",
            "version": "v1",
            "course_slug": classroom.course.slug,
            "slug": unit.slug,
        },
    }
    ids["courses-prompts"] = {"slug": prompt.slug}
    task = analysis_assignment(classroom, reading=text, by=users["teacher"])
    ids["analysis"] = {"pk": submission_for(task, users["student"]).pk}
    ids["analysis-tasks"] = {"pk": task.pk}
    note = annotation_create(
        assignment=essay,
        reading=text,
        author=users["student"],
        paragraph_number=1,
        kind="note",
        text="The source's own words.",
        visibility="class",
        now=now,
    )
    ids["annotations"] = {"pk": note.pk}
    ids["assignments"]["student_pk"] = users["student"].pk
    announcement = announcement_post(
        author=users["teacher"],
        classrooms=[classroom],
        title="Sources",
        body="Bring them.",
        now=now,
    )
    ids["announcements"] = {"pk": announcement.pk}
    draft = essay_task_set(
        classroom=classroom,
        by=users["teacher"],
        prompt=prompt,
        set_it=False,
        assignment_fields={"opens_at": now, "due_at": now + timedelta(days=7)},
    ).draft
    ids["classes"] |= {"classroom_pk": classroom.pk, "draft_pk": draft.pk}
    ids["classes-drafts"] = {"id": draft.pk}
    ids["quizzes"] = {"pk": quiz.quiz_id}
    # The announcement's notice to the student: the student's reads and writes reach it.
    events_dispatch_ready(now=timezone.now())
    ids["notifications"] = {
        "pk": Notification.objects.filter(recipient=users["student"]).latest("pk").pk
    }
    upload = roster_import_record(
        archive=export_zip(roster_school(2)),
        file_name="export.zip",
        course=classroom.course,
        by=None,
        now=now,
    )
    ids["rosters"] = {"pk": upload.pk}
    return World(users=users, ids=ids)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The class and its work, built once and rolled back when the module is done."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        # Making a PDF takes a second and reads no input: the feedback page's own tests make them.
        patch.setattr(marking_views, "feedback_pdf", lambda **kwargs: b"%PDF-1.7")
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = _build()
            for role in ROLES:
                client = Client(raise_request_exception=False)
                if role != "anonymous":
                    client.force_login(built.users[role])
                built.clients[role] = client
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- The URLs ------------------------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)|\{(\w+)\}")


def _route(route: str) -> str:
    """A resolver route or schema path as a template with ``{name}`` parameters."""
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + PARAM.sub(lambda m: "{" + next(g for g in m.groups() if g) + "}", route)


def _known(template: str, ids: dict) -> dict:
    """The values for a route's path parameters, by the route's root."""
    parts = template.strip("/").split("/")
    root = parts[2] if parts[0] == "api" and len(parts) > 2 else parts[0]
    if root == "courses" and "prompts" in parts:
        known = {**ids["*"], **ids["courses"], **ids["courses-prompts"]}
    elif root == "courses" and "units" in parts:
        known = {**ids["*"], **ids["courses"], "slug": ids["*"]["slug"]}
    elif root == "classes" and "drafts" in parts:
        known = {**ids["*"], **ids["classes"], **ids["classes-drafts"]}
    else:
        known = {**ids["*"], **ids.get(root, {})}
    if "pk" in known:
        known.setdefault("id", known["pk"])  # the API's schema names every object's id ``id``
    return known


def _fill(template: str, ids: dict) -> str:
    known = _known(template, ids)
    return re.sub(r"\{(\w+)\}", lambda m: str(known.get(m.group(1), 1)), template)


# Pages served by others (the Django admin's own pages, allauth's sign-in flows) are included;
# what is left out cannot take input or is the API (covered by its schema below).
SKIP_PAGES = re.compile(r"^/(api/|static/|media/)")


def _page_urls() -> list[str]:
    templates = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        template = _route(route)
        if SKIP_PAGES.match(template) or ".*" in template or "(.+)" in template:
            continue
        if template.startswith("/admin/") and "{" in template:
            continue  # the admin's object pages: one model's changelist stands for them
        templates.append(template)
    return sorted(set(templates))


def _api_operations() -> list[tuple[str, str, list[str]]]:
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            names = []
            body = operation.get("requestBody", {}).get("content", {})
            for content in body.values():
                ref = content.get("schema", {}).get("$ref", "")
                names += list(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            operations.append((path, method, sorted(set(names))))
    return operations


PAGES = _page_urls()
API = _api_operations()
CASES = [(template, method, None) for template in PAGES for method in ("get", "post")] + [
    (path, method, names) for path, method, names in API
]


# --- Sending and checking ------------------------------------------------------------------------

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Tables a request may write whatever its input: the session (sign-in, messages) and the record
# of sign-ins and failed sign-ins (a sign-in form sent junk is a failed sign-in).
ALWAYS_WRITABLE = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
}


def _send(client, method, url, bad: BadInput | None, names: list[str], api: bool):
    """One request inside a rolled-back transaction: its status and the tables it wrote."""
    written: set[str] = set()

    def record(execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            written.add(match.group(2).lower())
        return execute(sql, params, many, context)

    kwargs = {}
    if bad is None:
        query, body, content_type = "", b"", "application/x-www-form-urlencoded"
    else:
        # DRF reads ``format`` as the answer's format and answers 404 for one it does not know,
        # before the view: sent to the API, it would stop every request short of its input.
        names_in_query = [n for n in QUERY_NAMES if not (api and n == "format")]
        query = "&".join(f"{name}={bad.query}" for name in names_in_query)
        if bad.raw is not None:
            body, content_type = bad.raw
        elif api:
            body = json.dumps({name: bad.json_value for name in names or BODY_NAMES}).encode()
            content_type = "application/json"
        else:
            form_names = names or BODY_NAMES
            body = "&".join(f"{name}={bad.form}" for name in form_names).encode()
            content_type = "application/x-www-form-urlencoded"
    target = f"{url}?{query}" if query else url
    if method != "get":
        kwargs = {"data": body, "content_type": content_type}
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        with connection.execute_wrapper(record):
            response = getattr(client, method)(target, **kwargs)
        transaction.set_rollback(True)
    client.cookies = cookies  # a sign-out's cleared cookie must not sign the role out for good
    return response.status_code, written - ALWAYS_WRITABLE


def _form_names(client, url: str) -> list[str]:
    """The field names of the forms on a page, so a bad value reaches every field."""
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    names = re.findall(rb'name="([\w-]+)"', response.content)
    return sorted({n.decode() for n in names} - {"csrfmiddlewaretoken"})


REFUSED = {302, 401, 403, 404, 405}
# How many of the roles that reach a view send it every class of bad input (see the docstring).
DEEP_ROLES = 2 if IN_CI else 1
DEEP_ORDER = ["teacher", "student", "school_admin", "other_teacher", "other_student"]


@pytest.mark.parametrize(
    ("template", "method", "names"),
    CASES,
    ids=[f"{m.upper()} {t}" for t, m, _n in CASES],
)
def test_bad_input_is_refused_without_a_server_error_or_a_change(
    world, db, template, method, names
):
    api = names is not None
    url = _fill(template, world.ids)
    failures = []
    baselines: dict[str, set[str]] = {}

    def check(role: str, bad: BadInput, fields: list[str]):
        status, written = _send(world.clients[role], method, url, bad, fields, api)
        if status >= 500:
            failures.append(f"{role} {bad.name}: {status}")
        if written:
            if role not in baselines:
                baselines[role] = _send(world.clients[role], method, url, None, [], api)[1]
            # A free-text field may hold a date, a long number or a replaced broken character
            # (a form), or a date (JSON): a request that accepted one as text may act, but a
            # refusal changes nothing.
            if api:
                as_text = isinstance(bad.json_value, str) and bad.name not in ("nul", "surrogate")
            else:
                as_text = bad.form is not None and bad.name != "nul"
            accepted = status < 400 and as_text
            if not accepted and not written <= baselines[role]:
                failures.append(f"{role} {bad.name}: wrote {sorted(written - baselines[role])}")
        return status

    deep = []
    for role in ROLES:
        status = check(role, FIRST, names or [])
        if role != "anonymous" and status not in REFUSED:
            deep.append(role)
    deep.sort(key=DEEP_ORDER.index)
    # A GET has no body: the classes that are only a body say nothing new about it.
    rest = [bad for bad in REST if method != "get" or bad.raw is None]
    for role in deep[:DEEP_ROLES]:
        fields = names
        if not api:
            fields = _form_names(world.clients[role], url) if method == "post" else []
            if method == "post":
                check(role, FIRST, fields)
        for bad in rest:
            check(role, bad, fields)
    assert not failures, f"{method.upper()} {url}:\n" + "\n".join(failures)


def test_every_url_and_operation_is_covered():
    """The lists come from the resolver and the schema: a new URL joins them by itself."""
    assert len(PAGES) > 60
    assert len(API) > 60
    assert "/submissions/{pk}/versions/{number}/originality/" in PAGES
    assert any(path == "/api/v1/auth/token/" for path, _m, _n in API)


TOO_LARGE = str(2**70)  # past a 64-bit id column
ID_NAMES = re.compile(r"\{(pk|id|user_pk|extension_pk|number)\}")


@pytest.mark.parametrize("role", ["teacher", "student"])
def test_an_id_too_large_for_the_database_is_no_match_not_a_server_error(world, db, role):
    """Every URL and operation with an id in its path, each id past what a column holds: a
    lookup by a foreign key's column (``submission_id=``) overflows on SQLite where one by the
    key (``submission__pk=``) is no match."""
    cases = [(template, method, False) for template in PAGES for method in ("get", "post")]
    cases += [(path, method, True) for path, method, _names in API]
    failures = []
    for template, method, api in cases:
        if not ID_NAMES.search(template):
            continue
        url = _fill(ID_NAMES.sub(TOO_LARGE, template), world.ids)
        status, _written = _send(world.clients[role], method, url, None, [], api)
        if status >= 500:
            failures.append(f"{method.upper()} {url}: {status}")
    assert not failures, "\n".join(failures)


# Parameters that are not an object of the class: sign-in and calendar tokens, whose bad values
# are the point.
NOT_OBJECTS = {"token", "key", "uidb36"}


def test_every_path_parameter_is_a_real_object_of_the_class(world):
    """A parameter without a value would be 1, most likely no object at all: the request would
    answer 404 before any view read its input, and the sweep would check nothing there."""
    unfilled = [
        f"{template} {{{name}}}"
        for template in PAGES + [path for path, _m, _n in API]
        for name in re.findall(r"\{(\w+)\}", template)
        if name not in _known(template, world.ids) and name not in NOT_OBJECTS
    ]
    assert not unfilled, "\n".join(unfilled)


def test_the_api_sweep_reaches_the_views(world, db):
    """Most API reads answer a bad query string from the view (its filters, its pagination),
    not with a 404 from routing: DRF's ``format`` parameter is left out, and real ids fill the
    paths. (When ``format`` was sent, every operation answered 404 whatever its input.)"""
    date = next(bad for bad in BAD_INPUTS if bad.name == "year-one")
    reads = [path for path, method, _names in API if method == "get"]
    statuses = {
        path: _send(world.clients["teacher"], "get", _fill(path, world.ids), date, [], True)[0]
        for path in reads
    }
    not_found = sorted(path for path, status in statuses.items() if status == 404)
    assert len(not_found) < len(reads) / 3, not_found

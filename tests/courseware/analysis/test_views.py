"""The source-analysis pages: setting a task, answering it without JavaScript, marking it, the
essay editor's evidence panel, and their query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courseware.models import Assignment
from courseware.services.analysis import analysis_answers_save, analysis_answers_submit
from courseware.services.marking import grade_release, grade_save
from courseware.services.submissions import submission_start
from tests.courseware.analysis.conftest import answers_for
from tests.factories import (
    analysis_assignment,
    analysis_reading,
    criterion_marks,
    submission_for,
)

TASK_PAGE_QUERIES = 8
TASK_LIST_QUERIES = 5
EDITOR_QUERIES = 11  # with the annotations panel and the writing history beside the analyses


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _fields(reading, **overrides):
    return {f"field-{k}": v for k, v in answers_for(reading, **overrides).items()}


def test_a_teacher_sets_a_passage_task_from_the_class(client, school, analysis):
    client.force_login(school.teacher)
    url = reverse("courseware:analysis-set", args=[school.classroom.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "reading": analysis.reading.pk,
            "paragraph_from": 1,
            "paragraph_to": 3,
            "scaffold": "hipp",
            "rubric": analysis.rubric.pk,
            "set-title": "HIPP on Carr",
            "set-opens_at": "2026-01-05T09:00",
            "set-due_at": "2026-01-12T09:00",
            "set-late_penalty_percent_per_day": "5",
            "set-late_penalty_floor_percent": "50",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = Assignment.objects.get(title="HIPP on Carr").analysis_task
    assert (task.paragraph_from, task.paragraph_to) == (1, 3)
    assert [f["key"] for f in task.fields] == ["situation", "audience", "purpose", "point_of_view"]
    assert task.assignment.late_penalty_percent_per_day == 5


def test_a_passage_out_of_order_is_a_field_error_and_nothing_is_set(client, school, analysis):
    client.force_login(school.teacher)
    before = Assignment.objects.count()
    response = client.post(
        reverse("courseware:analysis-set", args=[school.classroom.pk]),
        {
            "reading": analysis.reading.pk,
            "paragraph_from": 4,
            "paragraph_to": 2,
            "scaffold": "opcvl",
            "rubric": analysis.rubric.pk,
            "set-opens_at": "2026-01-05T09:00",
            "set-due_at": "2026-01-12T09:00",
            "set-late_penalty_percent_per_day": "0",
            "set-late_penalty_floor_percent": "0",
        },
    )
    assert response.status_code == 400
    assert "The last paragraph must be on or after the first." in response.content.decode()
    assert Assignment.objects.count() == before


def test_the_task_page_shows_the_passage_and_a_box_per_prompt(client, school, analysis):
    client.force_login(school.student)
    url = reverse("courseware:analysis-write", args=[analysis.task.pk])
    assert b"Start the analysis" in client.get(url).content
    assert client.post(url).status_code == 302
    page = client.get(url).content.decode()
    assert re.findall(r'<li id="p-(\d+)">', page) == ["2", "3", "4", "5"]
    assert page.count("data-answer-field=") == 5
    assert f'data-cite-paragraph="[[{analysis.reading.slug}#p-3]]"' in page


def test_answers_saved_and_handed_in_without_javascript(client, school, analysis):
    submission = submission_start(
        assignment=analysis.task, student=school.student, now=timezone.now()
    )
    client.force_login(school.student)
    fields = _fields(analysis.reading)
    response = client.post(
        reverse("courseware:analysis-save", args=[submission.pk]), {**fields, "revision": 0}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.revision == 1
    page = client.get(reverse("courseware:analysis-write", args=[analysis.task.pk])).content
    # The answer's evidence chip links to the cited paragraph.
    assert f'/readings/{analysis.reading.slug}/#p-3"'.encode() in page
    response = client.post(
        reverse("courseware:analysis-submit", args=[submission.pk]),
        {**fields, "revision": 1, "honesty": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()
    receipt = client.get(response["Location"]).content.decode()
    assert "Written before the archives opened." in receipt
    assert "#p-2" in receipt  # the citation rendered as a link to the paragraph


def test_a_stale_save_shows_the_other_version_and_keeps_the_posted_answers(
    client, school, analysis
):
    submission = submission_start(
        assignment=analysis.task, student=school.student, now=timezone.now()
    )
    analysis_answers_save(
        submission=submission,
        answers={"origin": "From the other tab."},
        revision=0,
        by=school.student,
        now=timezone.now(),
    )
    client.force_login(school.student)
    response = client.post(
        reverse("courseware:analysis-save", args=[submission.pk]),
        {**_fields(analysis.reading, origin="From this tab."), "revision": 0},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "From the other tab." in page  # the stored version, offered read-only
    assert ">From this tab.</textarea>" in page  # the posted answer, kept in its box


def test_handing_in_with_an_empty_prompt_is_a_field_error(client, school, analysis):
    submission = submission_start(
        assignment=analysis.task, student=school.student, now=timezone.now()
    )
    client.force_login(school.student)
    response = client.post(
        reverse("courseware:analysis-submit", args=[submission.pk]),
        {**_fields(analysis.reading, value=""), "revision": 0, "honesty": "on"},
    )
    assert response.status_code == 400
    assert "still empty: Value" in response.content.decode()
    submission.refresh_from_db()
    assert submission.current_version == 0


def test_the_teacher_marks_it_on_the_essay_marking_pages(client, school, analysis):
    submission = submission_start(
        assignment=analysis.task, student=school.student, now=timezone.now()
    )
    analysis_answers_submit(
        submission=submission,
        answers=answers_for(analysis.reading),
        revision=0,
        honesty_declared=True,
        by=school.student,
        now=timezone.now(),
    )
    client.force_login(school.teacher)
    queue = client.get(reverse("courseware:marking-queue", args=[analysis.task.pk]))
    assert queue.status_code == 200
    mark = client.get(reverse("courseware:mark-submission", args=[submission.pk]))
    assert mark.status_code == 200
    assert b"Knowledge and understanding" in mark.content  # the task's rubric
    grade_save(
        submission=submission,
        by=school.teacher,
        criteria=criterion_marks(analysis.rubric),
        ready=True,
        now=timezone.now(),
    )
    grade_release(submission=submission, by=school.teacher, now=timezone.now())
    book = client.get(reverse("courseware:gradebook", args=[school.classroom.pk]))
    assert analysis.task.title.encode() in book.content


@pytest.mark.parametrize("count", [5, 15])
def test_the_task_page_takes_the_same_queries_whatever_the_passage_and_citations(
    client, school, count
):
    reading = analysis_reading(school.classroom, paragraphs=count + 1)
    task = analysis_assignment(school.classroom, reading=reading)
    submission = submission_start(assignment=task, student=school.student, now=timezone.now())
    cites = " ".join(f"[[{reading.slug}#p-{n}]]" for n in range(1, count + 1))
    analysis_answers_save(
        submission=submission,
        answers={key: f"Evidence {cites}" for key in ("origin", "purpose", "content")},
        revision=0,
        by=school.student,
        now=timezone.now(),
    )
    client.force_login(school.student)
    url = reverse("courseware:analysis-write", args=[task.pk])
    page = client.get(url).content.decode()
    assert page.count('<li id="p-') == count + 1
    assert page.count('class="evidence-chip"') == 3 * count
    assert _queries(client, url) == TASK_PAGE_QUERIES


@pytest.mark.parametrize("count", [5, 15])
def test_the_teachers_list_takes_the_same_queries_whatever_the_number_of_tasks(
    client, school, count
):
    reading = analysis_reading(school.classroom)
    for n in range(count):
        task = analysis_assignment(school.classroom, reading=reading, title=f"Task {n}")
        submission_for(task, school.student)
    client.force_login(school.teacher)
    url = reverse("courseware:analysis-list", args=[school.classroom.pk])
    # The class has the shared task too.
    assert client.get(url).content.decode().count("<tr>") == count + 2
    assert _queries(client, url) == TASK_LIST_QUERIES


# --- The essay editor's evidence panel ------------------------------------------------------------


def test_the_editor_lists_my_answers_with_use_as_evidence_buttons(client, school, analysis):
    submission = submission_start(
        assignment=analysis.task, student=school.student, now=timezone.now()
    )
    analysis_answers_save(
        submission=submission,
        answers=answers_for(analysis.reading),
        revision=0,
        by=school.student,
        now=timezone.now(),
    )
    submission_for(analysis.essay, school.student)
    client.force_login(school.student)
    page = client.get(reverse("courseware:essay-write", args=[analysis.essay.pk])).content.decode()
    assert "Your source analyses" in page
    assert "js/use_evidence.js" in page
    slug = analysis.reading.slug
    # The student's own quotation, with the paragraph it came from.
    assert f'data-quote="the Troika met in Moscow" data-cite="[[{slug}#p-3]]"' in page
    # A citation without a quotation offers the cited paragraph's words.
    assert re.search(
        rf'data-quote="Paragraph 2 says that[^"]*" data-cite="\[\[{slug}#p-2\]\]"', page
    )


def test_another_students_answers_are_not_listed(client, school, analysis):
    from tests.factories import MembershipFactory, StudentFactory

    peer = StudentFactory()
    MembershipFactory(classroom=school.classroom, user=peer, role="student")
    peer_answers = submission_start(assignment=analysis.task, student=peer, now=timezone.now())
    analysis_answers_save(
        submission=peer_answers,
        answers=answers_for(analysis.reading, origin="Peer's secret origin."),
        revision=0,
        by=peer,
        now=timezone.now(),
    )
    submission_for(analysis.essay, school.student)
    client.force_login(school.student)
    page = client.get(reverse("courseware:essay-write", args=[analysis.essay.pk])).content
    assert b"secret origin" not in page
    assert b"Your source analyses" not in page


@pytest.mark.parametrize("count", [5, 15])
def test_the_editor_takes_the_same_queries_whatever_the_number_of_answers(
    client, school, analysis, count
):
    for n in range(count):
        task = analysis_assignment(school.classroom, reading=analysis.reading, title=f"T{n}")
        answers = submission_start(assignment=task, student=school.student, now=timezone.now())
        analysis_answers_save(
            submission=answers,
            answers=answers_for(analysis.reading),
            revision=0,
            by=school.student,
            now=timezone.now(),
        )
    submission_for(analysis.essay, school.student)
    client.force_login(school.student)
    url = reverse("courseware:essay-write", args=[analysis.essay.pk])
    assert client.get(url).content.decode().count("data-use-evidence ") == 2 * count
    assert _queries(client, url) == EDITOR_QUERIES


def test_a_returned_task_sent_back_for_revision_links_to_the_answer_page(client, school, analysis):
    from courseware.services.submissions import submission_request_resubmission

    submission = submission_start(
        assignment=analysis.task, student=school.student, now=timezone.now()
    )
    analysis_answers_submit(
        submission=submission,
        answers=answers_for(analysis.reading),
        revision=0,
        honesty_declared=True,
        by=school.student,
        now=timezone.now(),
    )
    submission_request_resubmission(submission=submission)
    client.force_login(school.student)
    receipt = client.get(submission.get_absolute_url()).content.decode()
    write = reverse("courseware:analysis-write", args=[analysis.task.pk])
    assert f'href="{write}"' in receipt
    page = client.get(write)
    assert page.status_code == 200
    assert b"Written before the archives opened.</textarea>" in page.content


def test_handed_in_answers_are_on_the_teachers_dashboard_to_mark(client, school, analysis):
    submission = submission_start(
        assignment=analysis.task, student=school.student, now=timezone.now()
    )
    analysis_answers_submit(
        submission=submission,
        answers=answers_for(analysis.reading),
        revision=0,
        honesty_declared=True,
        by=school.student,
        now=timezone.now(),
    )
    client.force_login(school.teacher)
    page = client.get(reverse("courseware:dashboard")).content.decode()
    queue = reverse("courseware:marking-queue", args=[analysis.task.pk])
    assert f'href="{queue}?show=to_mark"' in page
    assert "1 source analysis to mark" in page
    assert "essay to mark" not in page

"""The report page: highlights with labels beside their sources, the score, the status while
it runs, re-check and sharing with the student; its query count does not grow."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import OriginalityReport, ReportStatus
from courseware.services.originality import originality_report_request
from tests.courseware.originality.conftest import essay_with_matches
from tests.factories import StudentFactory, essay_text, submitted_submission
from tests.factories.originality import checked_submission
from tests.factories.people import MembershipFactory

pytestmark = pytest.mark.django_db


def _url(name, world, number=1):
    return reverse(f"courseware:{name}", kwargs={"pk": world.submission.pk, "number": number})


def test_teacher_sees_each_match_highlighted_with_its_label_and_its_source(
    client, school, essay_world
):
    client.force_login(school.teacher)
    response = client.get(_url("originality-report", essay_world))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="match match-unattributed"' in html
    assert 'class="match match-quoted_cited"' in html
    # A text label, not colour alone, in the highlight and in the legend.
    assert '<span class="match-label">Unattributed copying</span>' in html
    assert '<span class="match-label">Quoted and cited</span>' in html
    # Each highlight links to its source card, which links to the reading paragraph.
    for match in essay_world.report.matches.all():
        assert f'href="#match-{match.pk}"' in html
        assert f'id="match-{match.pk}"' in html
    assert f"/readings/{essay_world.reading.slug}/#p-2" in html
    assert f"{essay_world.report.score}%" in html
    assert "Re-check" in html and "Show to the student" in html


def test_status_json_reports_a_queued_run_and_then_its_progress(client, school, essay_world):
    client.force_login(school.teacher)
    report = originality_report_request(version=essay_world.version, now=timezone.now())
    data = client.get(_url("originality-status", essay_world)).json()
    assert data == {
        "run": 2,
        "status": "queued",
        "status_label": "Queued",
        "progress": 0,
        "score": None,
        "finished": False,
    }
    OriginalityReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, progress=40)
    data = client.get(_url("originality-status", essay_world)).json()
    assert (data["status"], data["progress"], data["finished"]) == ("running", 40, False)


def test_a_running_report_page_shows_its_progress_and_polls_for_the_end(
    client, school, essay_world
):
    originality_report_request(version=essay_world.version, now=timezone.now())
    client.force_login(school.teacher)
    html = client.get(_url("originality-report", essay_world)).content.decode()
    assert "data-status-url=" in html and _url("originality-status", essay_world) in html
    assert "<progress" in html and "Queued" in html
    assert "js/originality.js" in html


def test_recheck_queues_and_runs_a_new_run(
    client, school, essay_world, django_capture_on_commit_callbacks
):
    client.force_login(school.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("originality-check", essay_world))
    assert response.status_code == 302
    latest = OriginalityReport.objects.filter(version=essay_world.version).order_by("-run").first()
    assert latest.run == 2 and latest.status == ReportStatus.DONE
    assert latest.requested_by == school.teacher


def test_showing_the_report_lets_the_student_read_it_without_teacher_actions(
    client, school, essay_world
):
    client.force_login(school.teacher)
    client.post(_url("originality-visibility", essay_world), {"visible": "1"})
    client.force_login(school.student)
    response = client.get(_url("originality-report", essay_world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unattributed copying" in html
    assert "Re-check" not in html and "Show to the student" not in html
    client.force_login(school.teacher)
    client.post(_url("originality-visibility", essay_world), {"visible": "0"})
    client.force_login(school.student)
    assert client.get(_url("originality-report", essay_world)).status_code == 404


def test_visibility_without_a_clear_choice_is_refused_and_changes_nothing(
    client, school, essay_world
):
    client.force_login(school.teacher)
    response = client.post(_url("originality-visibility", essay_world), {"visible": "yes"})
    assert response.status_code == 400
    essay_world.report.refresh_from_db()
    assert essay_world.report.visible_to_student is False


def test_a_student_does_not_learn_whose_essay_theirs_overlaps(client, school, essay_world):
    shared = (
        "Nobody in the Politburo trusted the commissar of war after the winter of "
        "nineteen twenty three because he wrote open letters that embarrassed them all."
    )
    peer = StudentFactory(display_name="Zelda Peerson")
    MembershipFactory(classroom=school.classroom, user=peer, role="student")
    submitted_submission(essay_world.assignment, peer, text=essay_text(30) + "\n\n" + shared)
    other_assignment_student = StudentFactory()
    MembershipFactory(classroom=school.classroom, user=other_assignment_student, role="student")
    submission, report = checked_submission(
        essay_world.assignment, other_assignment_student, text="I begin.\n\n" + shared
    )
    report.visible_to_student = True
    report.save(update_fields=["visible_to_student"])
    url = reverse("courseware:originality-report", kwargs={"pk": submission.pk, "number": 1})
    client.force_login(other_assignment_student)
    html = client.get(url).content.decode()
    assert "Overlap with another student" in html and "Zelda Peerson" not in html
    client.force_login(school.teacher)
    assert "Zelda Peerson" in client.get(url).content.decode()


def test_report_page_queries_do_not_grow_with_matches_or_peers(
    client, school, essay_world, django_assert_max_num_queries
):
    # Twelve peers who all copied the same paragraph of a peer and quoted the reading.
    slug = essay_world.reading.slug
    shared = (
        "Nobody in the Politburo trusted the commissar of war after the winter of "
        "nineteen twenty three because he wrote open letters that embarrassed them all."
    )
    last = None
    for n in range(12):
        student = StudentFactory()
        MembershipFactory(classroom=school.classroom, user=student, role="student")
        text = f"Essay {n} begins here.\n\n{shared}\n\n" + essay_with_matches(slug) * 3
        last = checked_submission(essay_world.assignment, student, text=text)
    submission, report = last
    assert report.matches.count() >= 8
    client.force_login(school.teacher)
    url = reverse("courseware:originality-report", kwargs={"pk": submission.pk, "number": 1})
    # 10, and 4 for the process section (the latest version, the history, an accommodation,
    # the citation coach's uses).
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200


PEER_ONLY = "Kamenev's hesitation at the fourteenth congress sealed the fate of the opposition."
SHARED = (
    "Nobody in the Politburo trusted the commissar of war after the winter of "
    "nineteen twenty three because he wrote open letters that embarrassed them all."
)


def _peer_in_another_class(school, essay_world):
    """A student of ``other_classroom`` who wrote on the same prompt, whose essay ``student``'s
    overlaps: the words around the overlap are only in the peer's essay."""
    from courseware.models import AssignmentKind
    from tests.factories import AssignmentFactory

    other = AssignmentFactory(
        classroom=school.other_classroom,
        kind=AssignmentKind.ESSAY,
        target=essay_world.assignment.prompt,
    )
    peer = StudentFactory(display_name="Zelda Peerson")
    MembershipFactory(classroom=school.other_classroom, user=peer, role="student")
    submitted_submission(other, peer, text=essay_text(30) + "\n\n" + PEER_ONLY + " " + SHARED)
    writer = StudentFactory()
    MembershipFactory(classroom=school.classroom, user=writer, role="student")
    submission, report = checked_submission(
        essay_world.assignment, writer, text="I begin.\n\n" + SHARED
    )
    assert report.matches.filter(peer_version__isnull=False).exists()
    return submission, report, writer


def test_a_student_sees_that_a_peer_overlap_exists_but_none_of_the_peers_words(
    client, school, essay_world
):
    submission, report, writer = _peer_in_another_class(school, essay_world)
    report.visible_to_student = True
    report.save(update_fields=["visible_to_student"])
    client.force_login(writer)
    html = client.get(reverse("courseware:originality-report", args=[submission.pk, 1])).content
    html = html.decode()
    assert "Overlap with another student" in html and "Another student" in html
    assert "Kamenev" not in html and "Zelda Peerson" not in html


def test_a_teacher_sees_a_peer_essay_only_where_they_may_read_it(client, school, essay_world):
    submission, _report, _writer = _peer_in_another_class(school, essay_world)
    url = reverse("courseware:originality-report", args=[submission.pk, 1])
    client.force_login(school.teacher)  # teaches the student, not the peer
    html = client.get(url).content.decode()
    assert "Overlap with another student" in html
    assert "Kamenev" not in html and "Zelda Peerson" not in html
    assert school.other_classroom.name not in html
    client.force_login(school.school_admin)  # may read every essay
    html = client.get(url).content.decode()
    assert "Kamenev" in html and "Zelda Peerson" in html

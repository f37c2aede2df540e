"""The revision loop: a resubmitted essay's marking page shows the two versions side by side, with
what was removed and added and the earlier inline comments placed on the passages they were on."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from courseware.selectors.process import revision_diff
from courseware.services.marking import inline_comment_add
from courseware.services.submissions import (
    submission_request_resubmission,
    submission_submit,
)
from tests.conftest import module_world
from tests.courseware.process.conftest import make_process_world, save

FIRST = (
    "Stalin won because he was clever.\n\n"
    "Trotsky lost because he was arrogant and never built a faction in the party."
)
SECOND = (
    "Stalin won because, as General Secretary, he controlled appointments.\n\n"
    "Trotsky lost because he was arrogant and never built a faction in the party."
)


def _hand_in(submission, text, at):
    save(submission, text, now=at)
    submission.refresh_from_db()
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=submission.student,
        now=at,
    )
    submission.refresh_from_db()


def make_world(school):
    world = make_process_world(school)
    now = timezone.now() - timedelta(hours=1)
    _hand_in(world.submission, FIRST, now)
    for quote, comment in [
        ("he was clever", "Clever how? Be specific."),
        ("arrogant", "Evidence?"),
    ]:
        paragraph = 1 if quote == "he was clever" else 2
        body = FIRST.split("\n\n")[paragraph - 1]
        inline_comment_add(
            submission=world.submission,
            paragraph=paragraph,
            start=body.index(quote),
            end=body.index(quote) + len(quote),
            quote=quote,
            text=comment,
            by=school.teacher,
            now=now,
        )
    submission_request_resubmission(submission=world.submission)
    _hand_in(world.submission, SECOND, now + timedelta(minutes=30))
    return world


shared_world, world_copy, school, world = module_world(make_world)


def test_the_diff_marks_what_changed_and_places_the_earlier_comments(world):
    diff = revision_diff(submission=world.submission)
    assert (diff.before.number, diff.after.number) == (1, 2)
    removed = "".join(piece.text for piece in diff.left if piece.change == "del")
    added = "".join(piece.text for piece in diff.right if piece.change == "ins")
    assert "clever" in removed
    assert "controlled appointments" in added
    placed = {p.comment.quote: p for p in diff.comments}
    assert placed["he was clever"].changed
    assert not placed["arrogant"].changed
    # The unchanged passage's comment is placed on the new text too.
    on_right = {n for piece in diff.right for n in piece.comments}
    assert placed["arrogant"].number in on_right


def test_the_marking_page_shows_the_versions_side_by_side(client, school, world):
    client.force_login(school.teacher)
    html = client.get(reverse("courseware:mark-submission", args=[world.submission.pk])).content
    html = html.decode()
    assert "Changes from version 1 to version 2" in html
    assert "<ins>" in html and "<del>" in html
    assert "the student changed this passage" in html
    assert "Clever how? Be specific." in html


def test_a_first_version_has_no_comparison(school):
    world = make_process_world(school)
    _hand_in(world.submission, FIRST, timezone.now())
    assert revision_diff(submission=world.submission) is None

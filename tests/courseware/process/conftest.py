"""A class's essay on a reading, with a second student's essay handed in: the world the writing
process is recorded in."""

from dataclasses import dataclass

from courseware.services.submissions import submission_draft_save
from tests.courseware.originality.conftest import COPIED, SOURCE_TEXT
from tests.factories import course_reading, essay_assignment, submission_for, submitted_submission

PEER_TEXT = (
    "Bukharin's alliance with Stalin was never an alliance of equals, and by the spring of 1928 "
    "the grain crisis had made the Right's gradualism look like weakness to the cadres who ran "
    "the provinces and who owed their posts to the General Secretary."
)

__all__ = ["COPIED", "PEER_TEXT", "ProcessWorld", "make_process_world", "save"]


@dataclass
class ProcessWorld:
    reading: object
    assignment: object
    submission: object
    peer: object


def make_process_world(school) -> ProcessWorld:
    """The school's student has started the essay; another student of the class has handed in
    theirs."""
    from tests.factories import MembershipFactory, StudentFactory

    reading = course_reading(school.classroom.course, slug="succession-notes", text=SOURCE_TEXT)
    assignment = essay_assignment(school.classroom, min_words=5, max_words=2000, readings=[reading])
    classmate = StudentFactory()
    MembershipFactory(classroom=school.classroom, user=classmate, role="student")
    peer = submitted_submission(assignment, classmate, text=PEER_TEXT + "\n\nThat is all.")
    submission = submission_for(assignment, school.student)
    return ProcessWorld(reading=reading, assignment=assignment, submission=submission, peer=peer)


def save(submission, text, *, events=(), now=None, sent_at=None):
    from django.utils import timezone

    submission.refresh_from_db()
    return submission_draft_save(
        submission=submission,
        text=text,
        revision=submission.revision,
        by=submission.student,
        now=now or timezone.now(),
        events=list(events),
        sent_at=sent_at,
    )

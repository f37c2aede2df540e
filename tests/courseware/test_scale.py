"""The scale dataset has the shape its size promises, and is consistent by construction."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from courseware import scale
from courseware.models import (
    Classroom,
    MembershipRole,
    QuizAttempt,
    ReadingProgress,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)


@pytest.fixture
def tiny(monkeypatch):
    size = scale.Size(students=30, classes=3, essays_per_class=4)
    monkeypatch.setitem(scale.SIZES, "T", size)
    return size


def test_a_size_makes_the_students_classes_and_submissions_it_promises(db, tiny):
    made = scale.scale_seed(size="T")
    assert made["students"] == tiny.students
    assert made["classes"] == tiny.classes
    assert made["submissions"] == tiny.submissions == 3 * 10 * 4
    for classroom in Classroom.objects.filter(name__startswith="Scale class "):
        roles = list(classroom.memberships.values_list("role", flat=True))
        assert roles.count(MembershipRole.STUDENT) == tiny.students_per_class
        assert roles.count(MembershipRole.TEACHER) == 1
    scale_submissions = Submission.objects.filter(student__username__startswith="scale-")
    handed_in = scale_submissions.exclude(status=SubmissionStatus.DRAFT)
    assert handed_in.exists() and scale_submissions.filter(status=SubmissionStatus.DRAFT).exists()
    assert SubmissionVersion.objects.filter(submission__in=handed_in).count() == handed_in.count()
    assert ReadingProgress.objects.filter(student__username__startswith="scale-").count() == 30
    assert QuizAttempt.objects.filter(student__username__startswith="scale-").count() == 30


def test_a_second_seed_is_refused(db, tiny):
    scale.scale_seed(size="T")
    with pytest.raises(ValidationError, match="already here"):
        scale.scale_seed(size="T")


def test_the_command_reports_what_it_made(db, tiny, capsys):
    call_command("seed_scale", "--size", "S")
    assert "Size S made in" in capsys.readouterr().out
    assert Submission.objects.filter(student__username__startswith="scale-").count() == 10_000

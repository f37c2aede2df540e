"""Factories for originality reports, made through the services as a hand-in makes them."""

from courseware.models import OriginalityReport, Submission
from courseware.selectors.originality import latest_report
from courseware.services.originality import originality_report_run
from tests.factories.submissions import submitted_submission

__all__ = ["checked_submission", "run_latest_report"]


def run_latest_report(submission: Submission) -> OriginalityReport:
    """Run the report that handing in queued (tests run inside a transaction that never
    commits, so the task the commit would start is run here instead)."""
    version = submission.versions.order_by("-number").first()
    report = latest_report(version=version)
    originality_report_run(report_id=report.pk)
    report.refresh_from_db()
    return report


def checked_submission(assignment, student, *, text: str) -> tuple[Submission, OriginalityReport]:
    """The student's essay handed in with ``text`` and its originality report run."""
    submission = submitted_submission(assignment, student, text=text)
    return submission, run_latest_report(submission)

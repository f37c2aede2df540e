"""Background work for courseware. Tasks call services; they hold no rules of their own."""

from celery import shared_task
from django.db import connection

from courseware.services.originality import originality_report_run


@shared_task(name="courseware.ping")
def ping(token: str) -> dict:
    """Answer with the token and the database vendor: proves a worker reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"token": token, "database": connection.vendor}


@shared_task(name="courseware.originality_check", acks_late=True)
def originality_check(report_id: int) -> dict:
    """Run a queued originality report (``services.originality.originality_report_run``)."""
    report = originality_report_run(report_id=report_id)
    if report is None:
        return {"report": report_id, "status": "skipped"}
    return {"report": report.pk, "status": report.status, "score": str(report.score)}

"""Background work for courseware. Tasks call services; they hold no rules of their own."""

from celery import shared_task
from django.db import connection
from django.utils import timezone

from courseware.services import notifications
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


# --- Notifications -------------------------------------------------------------------------------
# Each may run twice at once or be retried after a crash: the services send every e-mail once.


@shared_task(name="courseware.notifications_dispatch", acks_late=True)
def notifications_dispatch(event_id: int) -> dict:
    """Deliver one recorded event: its notifications, and the e-mails wanted straight away."""
    sent = notifications.event_dispatch(event_id=event_id, now=timezone.now())
    return {"event": event_id, "sent": sent}


@shared_task(name="courseware.notifications_dispatch_pending", acks_late=True)
def notifications_dispatch_pending() -> dict:
    """Deliver events whose time has come (work that opens now; anything a lost task missed)."""
    return {"sent": notifications.events_dispatch_ready(now=timezone.now())}


@shared_task(name="courseware.notifications_remind_due", acks_late=True)
def notifications_remind_due() -> dict:
    """Remind students of work due within 24 hours that they have not done."""
    return {"sent": notifications.reminders_send(now=timezone.now())}


@shared_task(name="courseware.notifications_send_digests", acks_late=True)
def notifications_send_digests() -> dict:
    """Send today's daily digests."""
    return {"sent": notifications.digests_send(now=timezone.now())}

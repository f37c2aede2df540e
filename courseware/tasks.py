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


# --- LTI grade passback --------------------------------------------------------------------------
# A passback may be sent twice (a retry, a second worker, the sweep): it sends the grade as it is.


@shared_task(
    name="courseware.lti_score_post",
    bind=True,
    acks_late=True,
    max_retries=None,
    default_retry_delay=60,
)
def lti_score_post(self, post_id: int) -> dict:
    """Send one score (a released grade, a quiz's best attempt) to the LMS; a failure is kept on
    the row and retried with backoff (``LTI_SCORE_POST_RETRIES`` times here, then by the
    schedule's sweep)."""
    from django.conf import settings

    from courseware.models import ScorePostStatus
    from courseware.services import integrations

    post = integrations.lti_score_post_send(post_id=post_id, now=timezone.now())
    if post is None:
        return {"post": post_id, "status": "missing"}
    if post.status == ScorePostStatus.FAILED and self.request.retries < min(
        settings.LTI_SCORE_POST_RETRIES, 10
    ):
        if not self.request.is_eager:
            raise self.retry(countdown=60 * 2**self.request.retries)
    return {"post": post.pk, "status": post.status}


@shared_task(name="courseware.lti_scores_post_pending", acks_late=True)
def lti_scores_post_pending() -> dict:
    """Send every grade still waiting for the LMS or failed before; forget expired launches."""
    from courseware.services import integrations

    now = timezone.now()
    integrations.launch_values_purge(now=now)
    return {"sent": integrations.lti_score_posts_send_due(now=now)}

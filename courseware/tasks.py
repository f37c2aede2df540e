"""Background work for courseware. Tasks call services; they hold no rules of their own."""

from celery import shared_task
from django.db import connection


@shared_task(name="courseware.ping")
def ping(token: str) -> dict:
    """Answer with the token and the database vendor: proves a worker reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"token": token, "database": connection.vendor}

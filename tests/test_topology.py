"""The production topology, run natively: gunicorn and a Celery worker on PostgreSQL and Redis.

Marked ``topology``: ``make test-topology`` (and so ``.ci/run``) runs it; a plain ``make test``
skips it. It needs PostgreSQL at ``TOPOLOGY_POSTGRES_URL`` (default: the local server, user
postgres) and Redis at ``TOPOLOGY_REDIS_URL``; it makes a fresh database, starts every process it
needs, and stops them and drops the database afterwards.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.topology

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get(
    "TOPOLOGY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TOPOLOGY_REDIS_URL", "redis://127.0.0.1:6379/9")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    # TLS ends at the load balancer in production; it says so with X-Forwarded-Proto.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> tuple[int, bytes]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}")
        try:
            return _get(url)
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {seconds}s")


@pytest.fixture
def production_env(tmp_path):
    name = f"lectern_topology_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": REDIS_URL,
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "2",
    }
    yield env
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert all(process.poll() is not None for process in started)


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_gunicorn_and_worker_serve_lectern_on_postgres_and_redis(
    production_env, processes, tmp_path
):
    env = production_env
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput")
    port = _free_port()
    web_log = (tmp_path / "web.log").open("w")
    worker_log = (tmp_path / "worker.log").open("w")
    processes.append(
        subprocess.Popen(
            [BIN / "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=web_log,
            stderr=subprocess.STDOUT,
        )
    )
    processes.append(
        subprocess.Popen(
            [BIN / "celery", "-A", "config", "worker", "--loglevel=info", "--concurrency=1"],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    )

    status, body = _wait_for(f"http://127.0.0.1:{port}/healthz", processes[0])
    assert status == 200, body
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}

    status, body = _get(f"http://127.0.0.1:{port}/accounts/login/")
    assert status == 200
    assert b"Sign In" in body
    status, _ = _get(f"http://127.0.0.1:{port}/static/css/lectern.css")
    assert status == 200

    token = uuid.uuid4().hex
    enqueue = (
        "from courseware.tasks import ping; "
        f"result = ping.delay({token!r}); "
        "import json; print(json.dumps(result.get(timeout=60)))"
    )
    result = _manage(env, "shell", "-c", enqueue)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "token": token,
        "database": "postgresql",
    }
    worker_log.flush()
    assert "courseware.ping[" in (tmp_path / "worker.log").read_text()


SUBMIT_AND_WAIT = """
import json, time
from courseware.models import MembershipRole, OriginalityReport
from tests.factories import (
    ClassroomFactory, MembershipFactory, StudentFactory, course_reading, essay_assignment,
    submitted_submission,
)
classroom = ClassroomFactory()
student = StudentFactory()
MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
reading = course_reading(classroom.course, slug="topology-notes", text=(
    "Stalin, on the other hand, became synonymous with the policy of socialism in one country "
    "towards the end of 1924, and a tired party rallied to him.\\n"
))
assignment = essay_assignment(classroom, min_words=10, max_words=300, readings=[reading])
submission = submitted_submission(assignment, student, text=(
    "My essay begins with its own words about the struggle for power.\\n\\n"
    "Stalin, on the other hand, became synonymous with the policy of socialism in one country "
    "towards the end of 1924, and a tired party rallied to him."
))
deadline = time.monotonic() + 90
while time.monotonic() < deadline:
    report = OriginalityReport.objects.filter(version__submission=submission).first()
    if report is not None and report.is_finished:
        break
    time.sleep(0.5)
print(json.dumps({
    "status": report.status if report else None,
    "kinds": sorted(m.kind for m in report.matches.all()) if report else [],
    "score": str(report.score) if report else None,
}))
"""


def test_a_handed_in_essay_is_checked_by_the_worker_through_redis(
    production_env, processes, tmp_path
):
    env = production_env
    _manage(env, "migrate", "--noinput")
    worker_log = (tmp_path / "worker.log").open("w")
    processes.append(
        subprocess.Popen(
            [BIN / "celery", "-A", "config", "worker", "--loglevel=info", "--concurrency=1"],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    )
    # Handing in commits a queued report and sends the task to Redis; only the worker runs it.
    result = _manage(env, "shell", "-c", SUBMIT_AND_WAIT)
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    worker_log.flush()
    log = (tmp_path / "worker.log").read_text()
    assert outcome["status"] == "done", log
    assert outcome["kinds"] == ["unattributed"]
    assert float(outcome["score"]) > 50
    assert "courseware.originality_check[" in log


SET_WORK_DUE_SOON = """
import json
from datetime import timedelta
from django.utils import timezone
from courseware.models import MembershipRole
from tests.factories import AssignmentFactory, ClassroomFactory, MembershipFactory, StudentFactory
classroom = ClassroomFactory()
student = StudentFactory()
MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
AssignmentFactory(classroom=classroom, due_at=timezone.now() + timedelta(hours=3))
print(json.dumps({"student": student.pk}))
"""

COUNT_DELIVERIES = """
import json
from courseware.models import Delivery, Notification
print(json.dumps({
    "notifications": sorted(Notification.objects.values_list("kind", flat=True)),
    "sent": sorted(Delivery.objects.filter(status="sent").values_list("key", flat=True)),
}))
"""


def test_beat_schedules_reminders_that_the_worker_sends_once(production_env, processes, tmp_path):
    """Two beat processes (a mistake the schedule must survive) and a worker: work due in three
    hours gets its work-set e-mail and one reminder, each once."""
    env = {
        **production_env,
        "NOTIFICATION_DISPATCH_SECONDS": "2",
        "NOTIFICATION_REMINDER_SECONDS": "2",
    }
    _manage(env, "migrate", "--noinput")
    # Set the work before the worker starts, so that only the schedule can deliver it.
    student = json.loads(_manage(env, "shell", "-c", SET_WORK_DUE_SOON).stdout.splitlines()[-1])
    worker_log = (tmp_path / "worker.log").open("w")
    beat_log = (tmp_path / "beat.log").open("w")
    processes.append(
        subprocess.Popen(
            [BIN / "celery", "-A", "config", "worker", "--loglevel=info", "--concurrency=2"],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    )
    for n in (1, 2):
        processes.append(
            subprocess.Popen(
                [
                    BIN / "celery",
                    "-A",
                    "config",
                    "beat",
                    "--loglevel=info",
                    f"--schedule={tmp_path / f'beat-{n}'}",
                ],
                cwd=ROOT,
                env=env,
                stdout=beat_log,
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + 90
    outcome = {}
    while time.monotonic() < deadline:
        outcome = json.loads(_manage(env, "shell", "-c", COUNT_DELIVERIES).stdout.splitlines()[-1])
        if len(outcome["sent"]) >= 2:
            time.sleep(6)  # a few more beats: nothing more may go out
            outcome = json.loads(
                _manage(env, "shell", "-c", COUNT_DELIVERIES).stdout.splitlines()[-1]
            )
            break
        time.sleep(1)
    worker_log.flush()
    beat_log.flush()
    logs = (tmp_path / "worker.log").read_text() + (tmp_path / "beat.log").read_text()
    assert outcome["notifications"] == ["due_soon", "work_set"], logs
    assert len(outcome["sent"]) == 2, logs
    assert "courseware.notifications_remind_due" in logs
    assert student["student"]

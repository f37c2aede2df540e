"""Browser journeys with pytest-playwright on the system Chromium.

Playwright's own browser download is not used: tests drive Debian's ``/usr/bin/chromium`` (or
``LECTERN_CHROMIUM``). Without it they skip with a reason, except under ``CI=true``, where they
run and fail. Screenshots are taken when ``LECTERN_SCREENSHOTS=1`` (``make screenshots``, and
CI's browser stage) into ``test-artifacts/screenshots/`` (or ``LECTERN_SCREENSHOT_DIR``); they
are for people to look at, no test reads them, and taking them is a tenth of a browser test's
time, so ``make test`` leaves them out.
"""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import IN_CI
from tests.e2e.waits import wait_until

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test
# body (seeding, assertions) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Assertions wait on their condition for up to 15 s (Playwright's default is 5 s): on a loaded
# two-core machine a navigation after a form post can take longer than that.
expect.set_options(timeout=15_000)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LECTERN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT_DIR = Path(
    os.environ.get("LECTERN_SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots")
)
SCREENSHOTS = os.environ.get("LECTERN_SCREENSHOTS", "") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here not in Path(item.path).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if not _chromium_available() and not IN_CI:
            item.add_marker(
                pytest.mark.skip(
                    reason=f"Chromium not found at {CHROMIUM}: `apt-get install chromium` "
                    "(or set LECTERN_CHROMIUM) to run the browser tests"
                )
            )


@pytest.fixture(scope="session")
def base_url():
    """No base URL: the journeys address the live server by its full URL.

    pytest-playwright's own stand-in for this fixture (used without pytest-base-url) is a
    session fixture defined as a method, which pytest 10 will refuse.
    """
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def context(context):
    """Every journey's pages run on Playwright's clock: time flows as it does, and a journey
    jumps over a wait the page would make (an autosave's pause in typing) instead of sleeping
    through it (``waits.pause_typing``)."""
    context.clock.install()
    return context


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-AU"}


def _sqlite_is_free(connection) -> bool:
    from django.db import OperationalError

    try:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("ROLLBACK")
    except OperationalError:
        return False
    return True


class _Requests:
    """The live server's requests being answered now, and when the last one ended."""

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.last_ended = time.monotonic()

    def started(self, **kwargs):
        with self.lock:
            self.in_flight += 1

    def finished(self, **kwargs):
        with self.lock:
            self.in_flight -= 1
            self.last_ended = time.monotonic()

    def quiet_for(self, seconds: float) -> bool:
        with self.lock:
            return self.in_flight <= 0 and time.monotonic() - self.last_ended >= seconds


@pytest.fixture(autouse=True)
def _server_done_before_the_database_is_emptied(request):
    """On SQLite the live server's threads share the test's in-memory database (and Django's
    connection to it), whose locks do not wait: a request still being answered when a journey
    ends (a large hand-in, an autosave sent as the page closed) would make emptying the database
    fail, and leave the connection broken for the next tests. The pages are closed by now; wait
    until the server has answered what they sent (quiet for a moment) and the database is free."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    from django.core.signals import request_finished, request_started
    from django.db import connection

    request.getfixturevalue("transactional_db")  # set up first, so emptied after this waits
    requests = _Requests()
    request_started.connect(requests.started, dispatch_uid="e2e-requests-started")
    request_finished.connect(requests.finished, dispatch_uid="e2e-requests-finished")
    try:
        yield
        wait_until(lambda: requests.quiet_for(0.1), timeout=15, interval=0.02)
        if connection.vendor == "sqlite":
            wait_until(lambda: _sqlite_is_free(connection), timeout=15)
    finally:
        request_started.disconnect(dispatch_uid="e2e-requests-started")
        request_finished.disconnect(dispatch_uid="e2e-requests-finished")


def save_screenshot(page, name: str, **options) -> None:
    """Save ``name``.png of the page when screenshots are asked for (``LECTERN_SCREENSHOTS=1``)."""
    if not SCREENSHOTS:
        return
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), **options)


@pytest.fixture
def screenshot(request):
    """Save a screenshot named after the test and a label: the whole page, or with
    ``full_page=False`` what the reader sees (a whole reading as one image is too tall to look
    at)."""

    def take(page, label: str, *, full_page: bool = True) -> None:
        save_screenshot(page, f"{request.node.name}--{label}", full_page=full_page)

    return take


@pytest.fixture
def demo_school(transactional_db):
    """The demo school as ``make run`` makes it, without the students' work: the journeys hand
    in, mark and read themselves, starting from a class where nobody has yet."""
    from tests.demo_snapshot import seeded_demo

    return seeded_demo(with_work=False)


@pytest.fixture
def demo_school_with_work(transactional_db):
    """The demo school exactly as ``make run`` makes it: essays handed in and marked, quizzes
    taken, readings read."""
    from tests.demo_snapshot import seeded_demo

    return seeded_demo()


@pytest.fixture
def log_in(live_server):
    """Log in through the real login form."""

    def do(page, login: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Login").fill(login)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In", exact=True).click()

    return do

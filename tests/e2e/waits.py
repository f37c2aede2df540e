"""Waits on conditions, never for a fixed time."""

import time

from django.db import OperationalError


def wait_until(condition, *, timeout: float = 5.0, interval: float = 0.05) -> bool:
    """Poll ``condition`` (e.g. a row the server writes) until it holds or ``timeout`` passes.

    On SQLite the live server shares the test's in-memory database, whose table locks do not
    wait: a read while the server is in the middle of writing that table is "locked", which
    here means "not yet"."""
    deadline = time.monotonic() + timeout
    while not _holds(condition):
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def _holds(condition) -> bool:
    try:
        return bool(condition())
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        return False


# The essay editor saves after a pause in typing of 2 s, the marking page after 1.2 s.
AUTOSAVE_PAUSE_MS = 2_000


def pause_typing(page) -> None:
    """Jump the page's clock (installed by the journeys' ``context`` fixture) over a pause in
    typing: the autosave it starts fires now instead of after two real seconds."""
    page.clock.fast_forward(AUTOSAVE_PAUSE_MS)


def settle(page) -> None:
    """Wait until the page has no network requests in flight and has painted twice, so that
    whatever an event just started (a handler, a load, a timer of zero) has had its turn."""
    page.wait_for_load_state("networkidle")
    page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )

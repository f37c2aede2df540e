"""Locust users for ``bench/load_test.py``: students and teachers on their journeys, a user that
hammers one page, and the trivial baseline.

The plan (who logs in, which class, reading and draft) comes from the JSON file named by
``LOAD_PLAN``, which ``bench/load_test.py`` writes from the seeded database. The server runs in
production mode behind a pretend TLS proxy: every request says ``X-Forwarded-Proto: https`` and
the session cookie (``Secure``) is sent by hand, as a browser on HTTPS would.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading

from locust import FastHttpUser, between, constant, tag, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = PLAN["password"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next = itertools.count()
_lock = threading.Lock()


def _take(people: list[dict]) -> dict:
    with _lock:
        return people[next(_next) % len(people)]


class LecternUser(FastHttpUser):
    abstract = True
    # Browsers on HTTPS: the proxy says so, and the session cookie travels by hand.
    cookies: dict[str, str]

    def headers(self, **extra) -> dict[str, str]:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {"X-Forwarded-Proto": "https", "Cookie": cookie, **extra}

    def _keep_cookies(self, response) -> None:
        for header, value in response.headers.items():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]

    def log_in(self, username: str) -> None:
        self.cookies = {}
        self.origin = f"https://{self.host.split('://', 1)[1]}"
        page = self.client.get(
            "/accounts/login/", headers=self.headers(), name="login form", allow_redirects=False
        )
        self._keep_cookies(page)
        token = CSRF_INPUT.search(page.text).group(1)
        origin = self.origin
        response = self.client.post(
            "/accounts/login/",
            data={"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers=self.headers(Origin=origin, Referer=f"{origin}/accounts/login/"),
            name="log in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{username} could not log in: {response.status_code}")
        self._keep_cookies(response)

    def page(self, url: str, name: str) -> None:
        with self.client.get(
            url, headers=self.headers(), name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")


class StudentUser(LecternUser):
    """Checks the dashboard, reads, writes (autosaving) and looks at the work set."""

    weight = 4
    wait_time = between(1, 3)

    def on_start(self):
        self.me = _take(PLAN["students"])
        self.log_in(self.me["username"])
        self.revision = None

    @tag("journey")
    @task(3)
    def dashboard(self):
        self.page("/dashboard/", "student dashboard")

    @tag("journey")
    @task(2)
    def reading(self):
        self.page(f"/readings/{self.me['reading']}/", "reading page")

    @tag("journey")
    @task(1)
    def my_assignments(self):
        self.page("/api/v1/assignments/", "API: my assignments")

    @tag("journey")
    @task(2)
    def autosave(self):
        url = f"/api/v1/submissions/{self.me['submission']}/draft/"
        if self.revision is None:
            response = self.client.get(url, headers=self.headers(), name="API: draft")
            self.revision = response.json()["revision"]
        csrf = self.cookies.get("csrftoken", "")
        with self.client.put(
            url,
            json={"text": f"Stalin won. Draft {self.revision}.", "revision": self.revision},
            headers=self.headers(**{"X-CSRFToken": csrf, "Origin": self.origin}),
            name="API: autosave",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.revision = response.json()["revision"]
            else:
                response.failure(f"autosave answered {response.status_code}")
                self.revision = None


class TeacherUser(LecternUser):
    """Opens the class, the marking queue, the gradebook and the API list of submissions."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.me = _take(PLAN["teachers"])
        self.log_in(self.me["username"])

    @tag("journey")
    @task(2)
    def class_page(self):
        self.page(f"/classes/{self.me['classroom']}/", "class page")

    @tag("journey")
    @task(2)
    def marking_queue(self):
        self.page(f"/assignments/{self.me['essay']}/marking/", "marking queue")

    @tag("journey")
    @task(1)
    def gradebook(self):
        self.page(f"/classes/{self.me['classroom']}/gradebook/", "gradebook")

    @tag("journey")
    @task(1)
    def submissions(self):
        self.page("/api/v1/submissions/", "API: submissions")


class OnePageUser(LecternUser):
    """Requests one page (``LOAD_PAGE``) as fast as the server answers: its throughput."""

    wait_time = constant(0)

    def on_start(self):
        # Several people, so that no one person's API rate limit is what gets measured; each
        # comes with a session made beforehand, so that logins are not what gets measured.
        self.name = os.environ["LOAD_PAGE"]
        page = _take(PLAN["pages"][self.name])
        self.url = page["url"]
        self.cookies = {"sessionid": page["session"]} if page["session"] else {}

    @task
    def one_page(self):
        self.page(self.url, self.name)

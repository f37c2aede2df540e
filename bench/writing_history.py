"""Measure the writing history of a long essay: its stored size, and how long the editor, the
replay and the history API take to open.

Usage: ``.venv/bin/python bench/writing_history.py [--words 50000] [--saves 3000] [--runs 7]``

Goal: a 50,000-word essay written over a week still opens (editor and replay) in under a second.

Without ``DATABASE_URL`` it builds a throwaway SQLite database in a temporary directory; with it,
it uses that database (point it at a scratch one: the bench adds a class, people and an essay
under names that start with ``bench-``). The essay is written through the real autosave API
(``PUT /api/v1/submissions/<id>/draft/`` with the editor's events), ``--saves`` autosaves spread
over seven days of sittings: each adds its share of the words, one save in ten also rewords a
sentence earlier in the essay, one in fifty pastes a passage. The clock is moved for each save,
so the sessions are a week's. Then each page is requested ``--runs`` times as the student (the
editor, the writing-process page, the history API) and as the teacher (the marking page and the
history API) through Django's test client, the whole stack but the network, and the replay's
own work (rebuilding every text from the deltas, as ``static/js/replay.js`` does in the
browser) is timed in Python.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import uuid
from datetime import timedelta
from unittest import mock

from benchlib import percentile, setup_django

WORDS = (
    "the party apparatus grain crisis Trotsky Stalin Bukharin Zinoviev Kamenev opposition "
    "congress delegates secretariat permanent revolution socialism in one country cadres "
    "provinces Lenin testament Politburo expelled exile industrialisation peasants kulaks"
).split()


def _sentence(rng: random.Random, words: int) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(words))
    return body[0].upper() + body[1:] + ". "


def _time(client, url: str, runs: int) -> dict:
    for _ in range(2):
        assert client.get(url).status_code == 200
    totals = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        totals.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return {
        "median": statistics.median(totals),
        "p95": percentile(totals, 0.95),
        "max": max(totals),
        "size": size / 1024,
    }


def _line(title: str, figures: dict, goal_ms: float = 1000) -> None:
    verdict = "meets" if figures["median"] < goal_ms else "MISSES"
    print(
        f"  {title:<34} median {figures['median']:7.1f} ms · p95 {figures['p95']:7.1f} ms · "
        f"max {figures['max']:7.1f} ms · {figures['size']:8.1f} KiB ({verdict} {goal_ms:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000, help="words in the essay (50000)")
    parser.add_argument("--saves", type=int, default=3000, help="autosaves over the week (3000)")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page (7)")
    args = parser.parse_args()
    vendor = setup_django()

    from django.conf import settings
    from django.test import Client

    from courseware.api.submissions import DraftView

    # A week of autosaves in a minute would be throttled, and nobody needs the e-mails.
    DraftView.throttle_classes = []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role
    from accounts.services import user_create
    from courseware.models import (
        MembershipRole,
        Submission,
        WritingHistory,
    )
    from courseware.services.process import history_texts
    from courseware.services.submissions import submission_start, submission_submit
    from courseware.services.teaching import classroom_create, course_create, membership_add
    from tests.factories.submissions import essay_assignment

    tag = f"bench-{uuid.uuid4().hex[:6]}"

    def person(name: str, role: str):
        return user_create(
            username=f"{tag}-{name}",
            email=f"{tag}-{name}@example.org",
            password="bench-only-password",  # noqa: S106 - a throwaway account
            role=role,
            display_name=f"Bench {name}",
        )

    teacher, student = person("teacher", Role.TEACHER), person("student", Role.STUDENT)
    course = course_create(title=f"Bench course {tag}", slug=tag)
    classroom = classroom_create(name=f"{tag} class", course=course, year=2026)
    membership_add(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    membership_add(classroom=classroom, user=student, role=MembershipRole.STUDENT)
    assignment = essay_assignment(
        classroom, title="Why Stalin won", min_words=10, max_words=args.words + 5000
    )
    submission = submission_start(assignment=assignment, student=student, now=timezone.now())

    writer = Client()
    writer.force_login(student)
    draft_url = reverse("api-submission-draft", args=["v1", submission.pk])
    rng = random.Random(21)
    week_start = timezone.now() - timedelta(days=7)
    per_save = max(1, args.words // args.saves)
    sentences: list[str] = []
    revision = 0
    save_times = []
    started = time.perf_counter()
    for n in range(args.saves):
        # Seven days, three sittings a day, saves every ten seconds or so within a sitting.
        day, rest = divmod(n, max(1, args.saves // 7))
        sitting, step = divmod(rest, max(1, args.saves // 21))
        moment = week_start + timedelta(days=day, hours=9 + 4 * sitting, seconds=10 * step)
        added = _sentence(rng, per_save)
        events = [{"kind": "type", "at": n * 10_000, "chars": len(added)}]
        if n % 50 == 49:
            pasted = _sentence(rng, 30)
            added += pasted
            events.append({"kind": "paste", "at": n * 10_000, "chars": len(pasted), "text": pasted})
        sentences.append(added)
        if n % 10 == 9 and len(sentences) > 20:
            i = rng.randrange(len(sentences) - 10)
            sentences[i] = _sentence(rng, max(3, per_save))
            events.append({"kind": "delete", "at": n * 10_000, "chars": 12})
        text = "".join(sentences)
        body = json.dumps(
            {"text": text, "revision": revision, "events": events, "sent_at": n * 10_000}
        )
        with mock.patch("django.utils.timezone.now", return_value=moment):
            began = time.perf_counter()
            response = writer.put(draft_url, body, content_type="application/json")
            save_times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content[:300]
        revision = response.json()["revision"]
        if (n + 1) % 250 == 0:
            print(
                f"  … {n + 1} autosaves, last {save_times[-1]:.0f} ms",
                flush=True,
            )
    written = time.perf_counter() - started

    submission = Submission.objects.get(pk=submission.pk)
    history = WritingHistory.objects.get(submission=submission)
    document = history.load()
    raw = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    essay_bytes = len(submission.draft_text.encode("utf-8"))
    print(f"writing history on {vendor}: {submission.word_count:,} words, {args.saves:,} autosaves")
    print(f"  essay text                         {essay_bytes / 1024:8.1f} KiB")
    print(
        f"  history stored (zlib)              {history.size / 1024:8.1f} KiB "
        f"({raw / 1024:.1f} KiB of JSON; {history.step_count} steps kept, "
        f"{document['coalesced']} coalesced)"
    )
    print(
        f"  sessions / time on task            {history.session_count} / "
        f"{history.active_seconds / 3600:.1f} h; {history.paste_count} pastes"
    )
    print(
        f"  autosave (API PUT) median / p95    {statistics.median(save_times):7.1f} / "
        f"{percentile(save_times, 0.95):.1f} ms (written in {written:.1f} s)"
    )

    started = time.perf_counter()
    texts = sum(1 for _ in history_texts(document))
    rebuild = (time.perf_counter() - started) * 1000
    print(
        f"  replay rebuild of {texts} texts     {rebuild:8.1f} ms (the browser's work, in Python)"
    )

    print("opening, as the student:")
    _line(
        "editor", _time(writer, reverse("courseware:essay-write", args=[assignment.pk]), args.runs)
    )
    process_url = reverse("courseware:writing-process", args=[submission.pk])
    history_url = reverse("api-submission-history", args=["v1", submission.pk])
    _line("writing process page", _time(writer, process_url, args.runs))
    _line("history API (the replay's data)", _time(writer, history_url, args.runs))
    submission = Submission.objects.get(pk=submission.pk)
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=student,
        now=timezone.now(),
    )
    marker = Client()
    marker.force_login(teacher)
    print("opening, as the teacher:")
    _line(
        "marking page (with the replay)",
        _time(marker, reverse("courseware:mark-submission", args=[submission.pk]), args.runs),
    )
    _line("history API (the replay's data)", _time(marker, history_url, args.runs))
    _replay_in_v8(marker.get(history_url).content)


# The replay's load in static/js/replay.js: every delta applied once, a keyframe every 25 steps.
REPLAY_JS = """
const fs = require("fs");
const body = fs.readFileSync(process.argv[1], "utf8");
function applyDelta(before, delta) {
  const out = []; let pointer = 0;
  for (const token of delta.split("\\t")) {
    if (!token) continue;
    const op = token.charAt(0), param = token.substring(1);
    if (op === "+") out.push(decodeURI(param));
    else {
      const n = parseInt(param, 10);
      if (op === "=") out.push(before.substring(pointer, pointer + n));
      pointer += n;
    }
  }
  return out.join("");
}
const opens = [], builds = [];
let check = "";
for (let run = 0; run < 5; run += 1) {
  let started = process.hrtime.bigint();
  const history = JSON.parse(body);  // then the page shows history.text: nothing replayed
  opens.push(Number(process.hrtime.bigint() - started) / 1e6);
  started = process.hrtime.bigint();
  let current = history.base; const keyframes = [current];
  history.steps.forEach((step, i) => {
    current = applyDelta(current, step[1]);
    if ((i + 1) % 25 === 0) keyframes.push(current);
  });
  builds.push(Number(process.hrtime.bigint() - started) / 1e6);
  check = current === history.text ? "the last step rebuilds the text" : "MISMATCH";
}
opens.sort((a, b) => a - b); builds.sort((a, b) => a - b);
console.log(opens[2].toFixed(1) + " " + builds[2].toFixed(1) + " " + check);
"""


def _replay_in_v8(body: bytes) -> None:
    """Time the replay's own work in V8 (Node), as the browser does it after the API answers."""
    import shutil
    import subprocess
    import tempfile

    node = shutil.which("node")
    if node is None:
        print("  replay in the browser (V8)          not measured: no node on PATH")
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".json") as data:
        data.write(body)
        data.flush()
        result = subprocess.run(  # noqa: S603 - our own script and file
            [node, "-e", REPLAY_JS, data.name], capture_output=True, text=True, check=True
        )
    opened, built, check = result.stdout.split(" ", 2)
    print(
        f"  replay in V8: data parsed (the page shows the text now) {float(opened):.1f} ms; "
        f"every save rebuilt in the background {float(built):.1f} ms ({check.strip()})"
    )


if __name__ == "__main__":
    main()

"""The README's REST API examples run as written against a test server, in order, and do what
they say: a token, the assignments, a draft saved, the essay handed in, graded and released."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from courseware.models import MembershipRole, Submission, SubmissionStatus
from tests.factories import (
    ClassroomFactory,
    MembershipFactory,
    StudentFactory,
    TeacherFactory,
    essay_assignment,
)

README = Path(__file__).resolve().parents[2] / "README.md"

pytestmark = pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq"
)


def readme_api_script() -> str:
    """The shell blocks of the README's "REST API" section, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## REST API", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```sh\n(.*?)```", section, flags=re.S))


def test_the_readme_shows_every_promised_example():
    script = readme_api_script()
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/assignments/?kind=essay",
        "/draft/",
        "/submit/",
        "/grade/",
        "/grade/release/",
    ]:
        assert path in script


@pytest.mark.django_db(transaction=True)
def test_the_readme_examples_run_against_a_server(live_server):
    classroom = ClassroomFactory()
    teacher = TeacherFactory(username="ms.barker", password="lectern-demo")
    student = StudentFactory(username="ava.chen", password="lectern-demo")
    MembershipFactory(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
    essay = essay_assignment(classroom, min_words=5, max_words=200)

    # Every request must succeed: a 4xx or 5xx stops the script.
    script = (
        'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n' + readme_api_script()
    )
    result = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "LECTERN": live_server.url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    submission = Submission.objects.get(assignment=essay, student=student)
    assert submission.status == SubmissionStatus.RETURNED
    assert submission.current_version == 1
    assert submission.word_count == 21  # as the README's example answer says
    # curl prints bodies back to back: the student's released grades (a page), then their
    # response to the feedback as they wrote it and as the teacher reads it.
    decoder = json.JSONDecoder()
    grades, end = decoder.raw_decode(result.stdout, result.stdout.rindex('{"count"'))
    assert (grades["count"], grades["next"]) == (1, None)
    assert [grade["overall_comment"] for grade in grades["results"]] == ["A sharp argument."]
    written, end = decoder.raw_decode(result.stdout, end)
    read, end = decoder.raw_decode(result.stdout, end)
    assert written == read
    assert (read["submission"], read["version"]) == (submission.pk, 1)
    assert read["text"].startswith("Next time I will quote the sources")

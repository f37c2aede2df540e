"""Deep linking: a teacher in the LMS picks a Lectern assignment and the LMS gets a signed
LtiResourceLink content item with a line item on the rubric's scale."""

import json
import re
from datetime import timedelta
from html import unescape

import jwt
from django.urls import reverse
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from tests.courseware.integrations.helpers import link_course
from tests.courseware.integrations.platform import CLAIM, LAUNCH_URL

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def _verify(platform, token: str) -> dict:
    """What the LMS does with the response: check it against the tool's published keys."""
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in platform.tool_jwks["keys"] if k["kid"] == kid)
    return jwt.decode(
        token,
        RSAAlgorithm.from_jwk(json.dumps(jwk)),
        algorithms=["RS256"],
        audience=platform.issuer,
        issuer=platform.client_id,
    )


def test_a_teacher_picks_an_assignment_and_the_lms_gets_a_signed_link_with_a_line_item(
    client, lms, school, platform
):
    link_course(client, platform, lms, school)
    response = platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    assert response["Location"] == reverse("courseware:lti-deep-link")
    picker = client.get(response["Location"])
    assert picker.status_code == 200
    assert lms.assignment.title.encode() in picker.content

    answer = client.post(reverse("courseware:lti-deep-link"), {"assignment": lms.assignment.pk})
    assert answer.status_code == 200
    html = answer.content.decode()
    action = unescape(re.search(r'action="([^"]+)" id="lti-deep-link-return"', html).group(1))
    assert action == platform.base + "/deep-link-return"
    assert f"form-action 'self' {platform.base}" in answer["Content-Security-Policy"]
    claims = _verify(platform, re.search(r'name="JWT" value="([^"]+)"', html).group(1))
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "deployment_id"] == platform.deployment_id
    assert claims[DL + "data"] == "opaque-platform-data"
    [item] = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == LAUNCH_URL
    assert item["custom"] == {"lectern_assignment": str(lms.assignment.pk)}
    assert item["lineItem"]["scoreMaximum"] == 10  # the default rubric: two criteria of 5
    assert item["lineItem"]["resourceId"] == f"lectern-assignment-{lms.assignment.pk}"


def test_a_teacher_of_an_unlinked_course_links_it_first_then_picks(client, lms, school, platform):
    response = platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    assert response["Location"] == reverse("courseware:lti-link-class")
    from accounts.models import User
    from courseware.models import Membership, MembershipRole

    teacher = User.objects.get(lti_users__sub=lms.teacher.sub)
    Membership.objects.create(classroom=school.classroom, user=teacher, role=MembershipRole.TEACHER)
    linked = client.post(reverse("courseware:lti-link-class"), {"classroom": school.classroom.pk})
    assert linked["Location"] == reverse("courseware:lti-deep-link")


def test_a_student_cannot_deep_link(client, lms, school, platform):
    link_course(client, platform, lms, school)
    response = platform.launch(client, lms.student, message_type="LtiDeepLinkingRequest")
    assert response.status_code == 400
    assert b"teachers choose" in response.content


def test_an_assignment_of_another_class_cannot_be_picked(client, lms, school, platform):
    from tests.factories import essay_assignment

    elsewhere = essay_assignment(school.other_classroom)
    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    response = client.post(reverse("courseware:lti-deep-link"), {"assignment": elsewhere.pk})
    assert response.status_code == 400
    assert b"JWT" not in response.content


def test_the_picker_needs_a_deep_linking_launch(client, lms, school, platform):
    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher)  # a resource launch
    assert client.get(reverse("courseware:lti-deep-link")).status_code == 404


def _jwt_of(answer) -> str:
    return re.search(r'name="JWT" value="([^"]+)"', answer.content.decode()).group(1)


def test_a_teacher_sets_a_new_essay_from_the_picker_and_the_lms_gets_it(
    client, lms, school, platform
):
    from courseware.models import Assignment

    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    prompt = lms.assignment.prompt
    before = Assignment.objects.count()
    answer = client.post(
        reverse("courseware:lti-deep-link"),
        {
            "essay-target": prompt.pk,
            "essay-title": "Source analysis",
            "essay-opens_at": "2031-02-01T09:00",
            "essay-due_at": "2031-03-01T09:00",
        },
    )
    assert answer.status_code == 200
    made = Assignment.objects.get(title="Source analysis")
    assert Assignment.objects.count() == before + 1
    assert made.classroom == school.classroom
    [item] = _verify(platform, _jwt_of(answer))[DL + "content_items"]
    assert item["custom"] == {"lectern_assignment": str(made.pk)}
    assert item["lineItem"]["scoreMaximum"] == 10


def test_a_new_essay_without_a_due_date_is_refused_and_not_made(client, lms, school, platform):
    from courseware.models import Assignment

    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    before = Assignment.objects.count()
    answer = client.post(
        reverse("courseware:lti-deep-link"),
        {
            "essay-target": lms.assignment.prompt.pk,
            "essay-opens_at": "2031-02-01T09:00",
            "essay-due_at": "not a date",
        },
    )
    assert answer.status_code == 400
    assert b"JWT" not in answer.content
    assert Assignment.objects.count() == before
    assert re.search(r'field-error" role="alert">[^<]*valid date', answer.content.decode())


def _post_new(client, kind: str, target, **fields):
    data = {f"{kind}-target": target.pk, f"{kind}-opens_at": "2031-02-01T09:00"}
    data.update({f"{kind}-{name}": value for name, value in fields.items()})
    data.setdefault(f"{kind}-due_at", "2031-03-01T09:00")
    return client.post(reverse("courseware:lti-deep-link"), data)


def test_the_picker_offers_the_courses_readings_and_quizzes_with_dates_filled_in(
    client, lms, school, platform
):
    from tests.factories import course_quiz, course_reading

    reading = course_reading(school.classroom.course, title="Lenin's testament")
    quiz = course_quiz(school.classroom.course)
    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    html = client.get(reverse("courseware:lti-deep-link")).content.decode()
    assert "Or set a new reading" in html and "Or set a new quiz" in html
    assert f'<option value="{reading.pk}">' in html
    assert f'<option value="{quiz.pk}">{quiz.title}</option>' in html
    # Opens now and is due a week later unless the teacher changes them.
    assert re.search(r'name="quiz-opens_at" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', html)
    assert re.search(r'name="reading-due_at" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', html)


def test_a_teacher_sets_a_new_reading_from_the_picker_and_the_lms_gets_a_link_only(
    client, lms, school, platform
):
    from courseware.models import Assignment, AssignmentKind
    from tests.factories import course_reading

    reading = course_reading(school.classroom.course)
    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    answer = _post_new(client, "reading", reading, title="Read before Tuesday")
    assert answer.status_code == 200
    made = Assignment.objects.get(title="Read before Tuesday")
    assert (made.kind, made.reading, made.classroom) == (
        AssignmentKind.READING,
        reading,
        school.classroom,
    )
    assert timezone.localtime(made.opens_at).isoformat().startswith("2031-02-01T09:00")
    [item] = _verify(platform, _jwt_of(answer))[DL + "content_items"]
    assert item["custom"] == {"lectern_assignment": str(made.pk)}
    assert "lineItem" not in item  # a reading has no grade


def test_a_teacher_sets_a_new_quiz_from_the_picker_and_the_lms_gets_a_column_on_its_score(
    client, lms, school, platform
):
    from courseware.models import Assignment, AssignmentKind
    from tests.factories import course_quiz

    quiz = course_quiz(school.classroom.course, questions=4)
    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    before = Assignment.objects.count()
    answer = _post_new(client, "quiz", quiz)
    assert answer.status_code == 200
    assert Assignment.objects.count() == before + 1
    made = Assignment.objects.latest("pk")
    assert (made.kind, made.quiz, made.title) == (AssignmentKind.QUIZ, quiz, quiz.title)
    [item] = _verify(platform, _jwt_of(answer))[DL + "content_items"]
    assert item["custom"] == {"lectern_assignment": str(made.pk)}
    assert item["lineItem"]["scoreMaximum"] == quiz.total_points == 4
    assert item["lineItem"]["resourceId"] == f"lectern-assignment-{made.pk}"


def test_a_quiz_due_before_it_opens_is_refused_on_the_field_and_not_made(
    client, lms, school, platform
):
    from courseware.models import Assignment
    from tests.factories import course_quiz

    quiz = course_quiz(school.classroom.course)
    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    before = Assignment.objects.count()
    answer = _post_new(client, "quiz", quiz, due_at="2031-01-01T09:00")
    assert answer.status_code == 400
    assert b"JWT" not in answer.content
    assert Assignment.objects.count() == before
    assert 'role="alert"' in answer.content.decode()


def test_a_reading_of_another_course_cannot_be_set_from_the_picker(client, lms, school, platform):
    from courseware.models import Assignment
    from tests.factories import CourseFactory, course_reading

    course_reading(school.classroom.course)
    elsewhere = course_reading(CourseFactory())
    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    before = Assignment.objects.count()
    answer = _post_new(client, "reading", elsewhere)
    assert answer.status_code == 400
    assert re.search(r'field-error" role="alert">Select a valid choice', answer.content.decode())
    assert Assignment.objects.count() == before


def _picked(client, platform, lms, school, assignment) -> dict:
    link_course(client, platform, lms, school)
    platform.launch(client, lms.teacher, message_type="LtiDeepLinkingRequest")
    answer = client.post(reverse("courseware:lti-deep-link"), {"assignment": assignment.pk})
    assert answer.status_code == 200
    [item] = _verify(platform, _jwt_of(answer))[DL + "content_items"]
    assert item["custom"] == {"lectern_assignment": str(assignment.pk)}
    return item


def test_a_source_analysis_picked_brings_a_line_item_on_its_rubrics_scale(
    client, lms, school, platform
):
    from tests.factories import analysis_assignment

    analysis = analysis_assignment(school.classroom)
    item = _picked(client, platform, lms, school, analysis)
    assert item["lineItem"]["scoreMaximum"] == 10  # the default rubric: two criteria of 5
    assert item["lineItem"]["resourceId"] == f"lectern-assignment-{analysis.pk}"


def test_a_source_analysis_marked_out_of_one_overall_mark_brings_that_maximum(
    client, lms, school, platform
):
    from courseware.models import Scaffold
    from courseware.services.analysis import analysis_task_set
    from tests.factories import analysis_reading

    now = timezone.now()
    analysis = analysis_task_set(
        classroom=school.classroom,
        by=None,
        reading=analysis_reading(school.classroom),
        scaffold=Scaffold.OPCVL,
        max_mark="25",
        assignment_fields={"opens_at": now, "due_at": now + timedelta(days=7)},
    )
    item = _picked(client, platform, lms, school, analysis)
    assert item["lineItem"]["scoreMaximum"] == 25

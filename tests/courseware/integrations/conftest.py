"""The school, an LMS registered with Lectern (the simulated platform, over HTTP), an essay set in
the school's class, and the LMS's people: the class's teacher and a student as the LMS knows
them."""

from dataclasses import dataclass

import pytest
from lti_tool.models import LtiRegistration

from courseware.services import integrations as services
from tests.conftest import module_world
from tests.courseware.integrations.platform import (
    INSTRUCTOR,
    LEARNER,
    Person,
    SimulatedPlatform,
    shared_platform,
)
from tests.factories import essay_assignment


@dataclass
class Lms:
    registration: LtiRegistration
    assignment: object
    teacher: Person
    student: Person


def build(school) -> Lms:
    registration = services.platform_register(**shared_platform().registration())
    return Lms(
        registration=registration,
        assignment=essay_assignment(school.classroom, min_words=1, max_words=400),
        teacher=Person(sub="lms-teacher-1", name="Ms Teacher", roles=[INSTRUCTOR]),
        student=Person(sub="lms-student-1", name="Sam Student", roles=[LEARNER]),
    )


shared_world, world_copy, school, lms = module_world(build, name="lms")


@pytest.fixture
def platform(lms, client) -> SimulatedPlatform:
    """The platform, reset, knowing the tool's current JWKS (as it would after registration)."""
    platform = shared_platform()
    platform.reset()
    platform.tool_jwks = client.get("/lti/jwks/").json()
    return platform

"""A school with a reading set in both classes and an essay citing it, for the annotation tests.

``reading`` is an assignment of ``text`` (a reading of six paragraphs) in ``classroom``;
``other_reading`` assigns the same text in ``other_classroom``, so the two classes' notes on one
text must never mix. ``essay`` is an essay of ``classroom`` whose prompt links ``text``. A second
student (``peer``) is in ``classroom``.
"""

from dataclasses import dataclass

from django.utils import timezone

from courseware.models import AssignmentKind, MembershipRole
from courseware.services import annotations as services
from tests.conftest import module_world
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    StudentFactory,
    course_reading,
    essay_assignment,
    reading_text,
)


@dataclass
class Annotations:
    text: object
    reading: object
    other_reading: object
    essay: object
    peer: object


def make_annotations(school) -> Annotations:
    text = course_reading(school.classroom.course, text=reading_text(6))
    reading = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.READING, target=text
    )
    other_reading = AssignmentFactory(
        classroom=school.other_classroom, kind=AssignmentKind.READING, target=text
    )
    essay = essay_assignment(school.classroom, min_words=5, max_words=400, readings=[text])
    peer = StudentFactory()
    MembershipFactory(classroom=school.classroom, user=peer, role=MembershipRole.STUDENT)
    return Annotations(
        text=text, reading=reading, other_reading=other_reading, essay=essay, peer=peer
    )


shared_world, world_copy, school, world = module_world(make_annotations)


def annotate(world, author, *, number=2, kind="note", text="A note.", exact="", **fields):
    """An annotation on paragraph ``number`` of the world's reading assignment."""
    return services.annotation_create(
        assignment=fields.pop("assignment", world.reading),
        reading=world.text,
        author=author,
        paragraph_number=number,
        kind=kind,
        text=text,
        visibility=fields.pop("visibility", "class"),
        exact=exact,
        now=fields.pop("now", timezone.now()),
        **fields,
    )

"""How a student is named to whoever is looking: the one place anonymous marking is decided.

While an assignment is marked anonymously and its names have not been revealed, every page,
export, PDF, e-mail and API answer that names a student of it shows the student's pseudonym
(``selectors.marking.pseudonyms_for``) to everyone but the student themself. Views ask
``student_naming`` once per assignment and label each student with it; no template reads a
student's name on such pages directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from courseware.models import Assignment


@dataclass
class StudentNaming:
    """The names of one assignment's students as one viewer may see them."""

    viewer_id: int | None
    hidden: bool
    pseudonyms: dict[int, str] = field(default_factory=dict)

    def label(self, student: User) -> str:
        """The student's name, or their pseudonym while the assignment's names are hidden
        (a student always sees their own name)."""
        if not self.hidden or student.pk == self.viewer_id:
            return student.name
        return self.pseudonyms.get(student.pk, "Student")


def student_naming(*, assignment: Assignment, viewer: User | AnonymousUser) -> StudentNaming:
    """How ``viewer`` sees the students of ``assignment``. No query for an assignment that is
    not marked anonymously; two while its names are hidden."""
    from courseware.selectors.marking import (
        _people_of,
        assignment_reveal,
        names_hidden,
        pseudonyms_for,
    )

    viewer_id = viewer.pk if viewer.is_authenticated else None
    if not assignment.anonymous_marking:
        return StudentNaming(viewer_id=viewer_id, hidden=False)
    if not names_hidden(assignment, assignment_reveal(assignment=assignment)):
        return StudentNaming(viewer_id=viewer_id, hidden=False)
    pseudonyms = pseudonyms_for(assignment_id=assignment.pk, student_ids=_people_of(assignment))
    return StudentNaming(viewer_id=viewer_id, hidden=True, pseudonyms=pseudonyms)

"""``in_subquery`` selects exactly what ``__in`` selects, inside an OR and on its own."""

from django.db.models import Q

from courseware.models import Classroom, Membership
from courseware.selectors.indexed import in_subquery


def _pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_one_side_of_an_or_selects_what_in_selects(school):
    others = Classroom.objects.filter(pk=school.other_classroom.pk).values("pk")
    expected = Membership.objects.filter(Q(user=school.teacher) | Q(classroom_id__in=others))
    got = Membership.objects.filter(Q(user=school.teacher) | in_subquery("classroom_id", others))
    assert _pks(got) == _pks(expected)
    # The teacher's own membership and the other class's teacher and student.
    assert len(_pks(got)) == 3


def test_an_empty_subquery_matches_nothing(school):
    none = Classroom.objects.filter(pk=-1).values("pk")
    got = Membership.objects.filter(Q(user=school.student) | in_subquery("classroom_id", none))
    assert _pks(got) == {school.student.memberships.get().pk}
    assert not Membership.objects.filter(in_subquery("classroom_id", none)).exists()


def test_negated_it_selects_the_rest(school):
    mine = Classroom.objects.filter(pk=school.classroom.pk).values("pk")
    got = Membership.objects.exclude(in_subquery("classroom_id", mine))
    assert _pks(got) == _pks(Membership.objects.filter(classroom=school.other_classroom))

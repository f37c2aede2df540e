"""Courseware pages: the landing page, each person's dashboard and class pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from courseware import permissions
from courseware.models import MembershipRole
from courseware.selectors.teaching import (
    classroom_get_for,
    classroom_roles_for,
    classrooms_for_user,
)


def home(request):
    """Say what Lectern is; a signed-in person is offered their dashboard."""
    return render(request, "courseware/home.html")


@login_required
def dashboard(request):
    """The signed-in person's classes: taught ones for teachers, enrolled ones for students."""
    classrooms = list(classrooms_for_user(user=request.user))
    roles = classroom_roles_for(user=request.user, classrooms=classrooms)
    for classroom in classrooms:
        role = roles.get(classroom.pk)
        classroom.my_role_label = MembershipRole(role).label if role else ""
    return render(request, "courseware/dashboard.html", {"classrooms": classrooms})


@login_required
def classroom_detail(request, pk: int):
    """A class page: its course and teachers; its teachers also see the roster and join code."""
    classroom = classroom_get_for(user=request.user, pk=pk)
    memberships = classroom.memberships.select_related("user").order_by("role", "user__username")
    can_manage = permissions.can_manage_classroom(request.user, classroom)
    return render(
        request,
        "courseware/classroom_detail.html",
        {
            "classroom": classroom,
            "teachers": [m.user for m in memberships if m.role == MembershipRole.TEACHER],
            "students": (
                [m.user for m in memberships if m.role == MembershipRole.STUDENT]
                if can_manage
                else []
            ),
            "can_manage": can_manage,
        },
    )

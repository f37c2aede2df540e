"""DRF permission classes: each a one-line wrapper around a capability of
``courseware.permissions``, so the API and the pages ask the same question.

``UserCapability`` classes ask about the user alone (``has_permission``); ``ClassroomCapability``
classes ask about the class an object belongs to (``has_object_permission``), after the view
has fetched the object through a selector, so a class the user may not see is already a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.permissions import SAFE_METHODS, BasePermission

from courseware import permissions


class UserCapability(BasePermission):
    """Allowed when ``capability(user)`` holds."""

    capability: Callable

    def has_permission(self, request, view) -> bool:
        return bool(request.user and type(self).capability(request.user))


class ClassroomCapability(BasePermission):
    """Allowed when ``capability(user, classroom)`` holds for the object's class."""

    capability: Callable

    def has_object_permission(self, request, view, obj) -> bool:
        classroom = getattr(obj, "classroom", obj)
        return type(self).capability(request.user, classroom)


class ReadOnlyOr(BasePermission):
    """Reads for everyone the view lets in; writes only with ``write`` (a permission class)."""

    write: type[BasePermission]

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or self.write().has_permission(request, view)


class CanAuthorContent(UserCapability):
    capability = staticmethod(permissions.can_author_content)


class ReadOrAuthorContent(ReadOnlyOr):
    write = CanAuthorContent


class CanCreateClassroom(UserCapability):
    capability = staticmethod(permissions.can_create_classroom)


class CanJoinClassroom(UserCapability):
    capability = staticmethod(permissions.can_join_classroom)


class CanTrackReading(UserCapability):
    capability = staticmethod(permissions.can_track_reading)


class CanManageClassroom(ClassroomCapability):
    capability = staticmethod(permissions.can_manage_classroom)


class CanArchiveClassroom(ClassroomCapability):
    capability = staticmethod(permissions.can_archive_classroom)


class CanAssignTeachers(ClassroomCapability):
    capability = staticmethod(permissions.can_assign_teachers)


class CanEnrolStudents(ClassroomCapability):
    capability = staticmethod(permissions.can_enrol_students)


class CanViewRoster(ClassroomCapability):
    capability = staticmethod(permissions.can_view_roster)


class CanSetWork(ClassroomCapability):
    capability = staticmethod(permissions.can_set_work)


class CanTakeQuiz(ClassroomCapability):
    capability = staticmethod(permissions.can_take_quiz)

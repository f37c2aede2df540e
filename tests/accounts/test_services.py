import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from accounts.services import user_create, user_update_profile

pytestmark = pytest.mark.django_db


def test_school_admins_are_made_staff_and_others_are_not():
    admin = user_create(username="a", email="a@example.org", password="pw-1234567", role=Role.ADMIN)
    teacher = user_create(
        username="t", email="t@example.org", password="pw-1234567", role="teacher"
    )
    assert (admin.is_staff, teacher.is_staff) == (True, False)


def test_an_unknown_role_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as error:
        user_create(username="x", email="x@example.org", password="pw", role="headmaster")
    assert "role" in error.value.message_dict
    assert not User.objects.filter(username="x").exists()


def test_account_without_password_cannot_log_in():
    user = user_create(username="p", email="p@example.org", password=None)
    assert not user.has_usable_password()


def test_name_prefers_display_name_then_full_name_then_username():
    user = user_create(username="jd", email="jd@example.org", password=None)
    assert user.name == "jd"
    user_update_profile(user=user, display_name="", first_name="Jo", last_name="Doe")
    assert user.name == "Jo Doe"
    user_update_profile(user=user, display_name="Jo D.", first_name="Jo", last_name="Doe")
    assert User.objects.get(pk=user.pk).name == "Jo D."

"""Lectern's adapters for pylti1p3 (through django-lti's models).

pylti1p3 does the protocol: the OIDC login redirect, checking a launch's ``id_token`` (its
signature against the platform's published keys, issuer and client id, expiry, state and nonce),
deep-linking responses, and the OAuth2 client-credentials calls of AGS and NRPS. Three choices
of its defaults are Lectern's own:

- The OIDC state and nonce and the validated launch are stored in the database
  (``LtiLaunchValue``), not in a cache or a session, so every web node agrees.
- A nonce is spent by the launch that uses it: replaying an ``id_token`` is refused (pylti1p3
  alone accepts a replay of a state it has already seen, to allow a reload).
- A deployment must have been registered: an unknown one is refused (django-lti would add it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from lti_tool.models import Key, LtiDeployment, LtiRegistration
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from courseware.models import LtiLaunchValue

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
CUSTOM_ASSIGNMENT = "lectern_assignment"

AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


class TimeoutSession(requests.Session):
    """pylti1p3 calls the LMS without a timeout; a slow LMS must not hold a web worker."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.LTI_HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def http_session() -> TimeoutSession:
    session = TimeoutSession()
    session.headers["User-Agent"] = "Lectern LTI tool"
    return session


class NoSigningKey(LtiException):
    """No active key to sign with: run ``manage.py lti_keys rotate`` once."""


def signing_key() -> Key:
    """The newest active key signs; older active ones stay in the JWKS until retired."""
    key = Key.objects.active().order_by("-datetime_created", "-pk").first()
    if key is None:
        raise NoSigningKey("The tool has no signing key yet.")
    return key


def registration_for(registration: LtiRegistration) -> Registration:
    """pylti1p3's view of a registration, signing with the newest active key."""
    reg = Registration()
    reg.set_issuer(registration.issuer)
    reg.set_client_id(registration.client_id)
    reg.set_auth_login_url(registration.auth_url)
    reg.set_auth_token_url(registration.token_url)
    reg.set_key_set_url(registration.keyset_url)
    if registration.audience:
        reg.set_auth_audience(registration.audience)
    key = signing_key()
    reg.set_tool_private_key(key.private_key)
    reg.set_tool_public_key(key.public_key)
    return reg


class ToolConfig(ToolConfAbstract):
    """Registrations and deployments from the database; only active, registered ones count."""

    def __init__(self) -> None:
        super().__init__()
        self.registration: LtiRegistration | None = None
        self.deployment: LtiDeployment | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return None  # every lookup names a client id

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        query = LtiRegistration.objects.active().filter(issuer=iss)
        if client_id:
            query = query.filter(client_id=client_id)
        registrations = list(query[:2])
        if len(registrations) != 1:
            return None
        self.registration = registrations[0]
        return registration_for(self.registration)

    def find_deployment(self, iss, deployment_id):
        return None

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        self.deployment = (
            LtiDeployment.objects.active()
            .filter(
                registration__issuer=iss,
                registration__client_id=client_id,
                registration__is_active=True,
                deployment_id=deployment_id,
            )
            .select_related("registration")
            .first()
        )
        if self.deployment is None:
            return None
        return Deployment().set_deployment_id(deployment_id)


class DatabaseLaunchStorage(LaunchDataStorage[Any]):
    """pylti1p3's launch data storage in ``LtiLaunchValue`` rows.

    Keys carry no browser session id: states and nonces are long random strings issued by the
    tool, and a launch's id is kept in the signed-in person's session.
    """

    def get_session_cookie_name(self) -> str | None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def _live(self):
        return LtiLaunchValue.objects.filter(expires_at__gt=timezone.now())

    def get_value(self, key: str) -> Any:
        row = self._live().filter(key=self._prepare_key(key)).first()
        return None if row is None else row.value

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        lifetime = exp or settings.LTI_LAUNCH_LIFETIME
        LtiLaunchValue.objects.update_or_create(
            key=self._prepare_key(key),
            defaults={"value": value, "expires_at": timezone.now() + timedelta(seconds=lifetime)},
        )

    def check_value(self, key: str) -> bool:
        return self._live().filter(key=self._prepare_key(key)).exists()

    def spend(self, key: str) -> bool:
        """Delete a live value; True if this call was the one that deleted it."""
        deleted, _rows = self._live().filter(key=self._prepare_key(key)).delete()
        return deleted > 0


def launch_values_purge(*, now) -> int:
    """Forget expired states, nonces and launches."""
    deleted, _rows = LtiLaunchValue.objects.filter(Q(expires_at__lte=now)).delete()
    return deleted


class MessageLaunch(DjangoMessageLaunch):
    """A launch whose nonce can be used once."""

    def __init__(self, request, tool_config: ToolConfig, **kwargs) -> None:
        self.storage = DatabaseLaunchStorage()
        kwargs.setdefault("requests_session", http_session())
        super().__init__(request, tool_config, launch_data_storage=self.storage, **kwargs)
        self.set_launch_data_lifetime(settings.LTI_LAUNCH_LIFETIME)

    def validate_nonce(self):
        nonce = self._get_jwt_body().get("nonce")
        if not nonce:
            raise LtiException('"nonce" is empty')
        if not self.storage.spend(self._session_service._get_key("nonce", nonce)):
            raise LtiException("Invalid Nonce")
        return self

    @classmethod
    def restore(cls, request, launch_id: str) -> MessageLaunch:
        """A launch validated earlier in this person's session (deep linking, linking a class)."""
        tool_config = ToolConfig()
        launch = cls.from_cache(launch_id, request, tool_config)
        launch.tool_config = tool_config
        return launch

    @classmethod
    def from_cache(cls, launch_id, request, tool_config, **kwargs):
        obj = cls(request, tool_config)
        launch_data = obj.get_session_service().get_launch_data(launch_id)
        if not launch_data:
            raise LtiException("Launch data not found")
        return (
            obj.set_launch_id(launch_id)
            .set_auto_validation(enable=False)
            .set_jwt({"body": launch_data})
            .set_restored()
            .validate_registration()
        )


def oidc_login(request) -> DjangoOIDCLogin:
    """pylti1p3's OIDC login initiation, storing state and nonce in the database."""
    login = DjangoOIDCLogin(request, ToolConfig(), launch_data_storage=DatabaseLaunchStorage())
    login._session_service._launch_data_lifetime = settings.LTI_LAUNCH_LIFETIME
    return login


def roles_of(claims: dict) -> tuple[bool, bool]:
    """(teaches, learns) from the LTI roles claim.

    A course (context) role of Instructor or Administrator teaches and Learner learns; so does a
    bare role name (older platforms). Of the institution and system roles only Administrator
    counts (it teaches): Canvas sends a person's institution roles with every launch, so an
    institution "Instructor" taking a course as a Learner must stay a student in it.
    """
    teaches = learns = False
    for role in claims.get(CLAIM + "roles") or []:
        if not isinstance(role, str):
            continue
        scope, _hash, name = role.rpartition("#")
        in_course = not scope or scope.endswith("/membership")
        if in_course and name in ("Instructor", "Administrator"):
            teaches = True
        elif in_course and name == "Learner":
            learns = True
        elif name == "Administrator" and scope.endswith(("/institution/person", "/system/person")):
            teaches = True
    return teaches, learns

"""Registering LMSs (platforms) and their deployments; rotating and retiring the tool's keys."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from lti_tool.models import (
    Key,
    LtiDeployment,
    LtiRegistration,
)

from courseware import lti

# --- Platforms and keys --------------------------------------------------------------------------


@transaction.atomic
def key_rotate(*, now: datetime) -> Key:
    """Make a new signing key. It signs from now on; the older keys stay in the JWKS (platforms
    cache it) until ``key_retire`` takes them out."""
    return Key.objects.generate()


@transaction.atomic
def keys_retire(*, older_than: datetime) -> int:
    """Take out of the JWKS the active keys made before ``older_than``, never the newest."""
    newest = Key.objects.active().order_by("-datetime_created", "-pk").first()
    if newest is None:
        return 0
    return (
        Key.objects.active()
        .filter(datetime_created__lt=older_than)
        .exclude(pk=newest.pk)
        .update(is_active=False)
    )


@transaction.atomic
def key_retire(*, key: Key) -> int:
    """Take one key out of the JWKS (1), unless it is the newest, which signs (0)."""
    if key.pk == lti.signing_key().pk or not key.is_active:
        return 0
    key.is_active = False
    key.save(update_fields=["is_active", "datetime_modified"])
    return 1


@transaction.atomic
def platform_register(
    *,
    name: str,
    issuer: str,
    client_id: str,
    auth_url: str,
    token_url: str,
    keyset_url: str,
    deployment_ids: list[str],
    audience: str = "",
) -> LtiRegistration:
    """Register an LMS (or update its registration, found by issuer and client id) and its
    deployments. The first registration makes the tool's first signing key."""
    registration = LtiRegistration.objects.filter(issuer=issuer, client_id=client_id).first()
    if registration is None:
        registration = LtiRegistration(issuer=issuer, client_id=client_id)
    registration.name = name
    registration.auth_url = auth_url
    registration.token_url = token_url
    registration.keyset_url = keyset_url
    registration.audience = audience
    registration.is_active = True
    registration.full_clean()
    registration.save()
    for deployment_id in deployment_ids:
        deployment, _created = LtiDeployment.objects.get_or_create(
            registration=registration, deployment_id=deployment_id
        )
        if not deployment.is_active:
            deployment.is_active = True
            deployment.save(update_fields=["is_active", "datetime_modified"])
    if not Key.objects.active().exists():
        Key.objects.generate()
    return registration

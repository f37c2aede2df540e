"""Sign in with Google and Microsoft, against a local OpenID Connect provider (no network).

The provider runs in a thread on 127.0.0.1 (``identity_provider``); allauth's Google and
Microsoft providers are pointed at it: Microsoft's through its app settings (``login_url``,
``graph_url``), Google's through the adapter's endpoint URLs, which allauth reads from settings
once at import.
"""

import time
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.google import views as google_views
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import ListedTeacher, Role, SignInDomain, User
from tests.accounts.identity_provider import LocalIdentityProvider
from tests.factories import SchoolAdminFactory, StudentFactory

CLIENTS = {"google-client": "google-secret", "microsoft-client": "microsoft-secret"}
TENANT = "school-tenant-id"


@pytest.fixture(scope="module")
def idp():
    provider = LocalIdentityProvider(clients=CLIENTS).start()
    yield provider
    provider.stop()


@pytest.fixture
def providers_on(settings, idp, monkeypatch):
    """Both providers configured as the environment would, their endpoints at the local one."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            "APPS": [{"client_id": "google-client", "secret": "google-secret", "key": ""}],
            "SCOPE": ["openid", "profile", "email"],
            "OAUTH_PKCE_ENABLED": True,
        },
        "microsoft": {
            "APPS": [
                {
                    "client_id": "microsoft-client",
                    "secret": "microsoft-secret",
                    "key": "",
                    "settings": {
                        "tenant": TENANT,
                        "login_url": f"{idp.url}/ms",
                        "graph_url": f"{idp.url}/graph",
                    },
                }
            ],
            "SCOPE": ["User.Read"],
            "OAUTH_PKCE_ENABLED": True,
        },
    }
    adapter = google_views.GoogleOAuth2Adapter
    monkeypatch.setattr(adapter, "authorize_url", f"{idp.url}/google/authorize")
    monkeypatch.setattr(adapter, "access_token_url", f"{idp.url}/google/token")
    monkeypatch.setattr(adapter, "identity_url", f"{idp.url}/google/userinfo")
    monkeypatch.setattr(google_views, "CERTS_URL", f"{idp.url}/google/certs")
    return idp


@pytest.fixture
def school_domain(db):
    return SignInDomain.objects.create(domain="school.example")


def google(email, *, verified=True, hd="school.example", sub="g-1", **extra):
    claims = {
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "given_name": "Ada",
        "family_name": "Lovelace",
        **extra,
    }
    if hd:
        claims["hd"] = hd
    return claims


def microsoft(upn, *, oid="m-1", mail=None):
    return {
        "id": oid,
        "userPrincipalName": upn,
        "mail": mail or upn,
        "givenName": "Grace",
        "surname": "Hopper",
        "displayName": "Grace Hopper",
        "mailNickname": upn.partition("@")[0],
    }


def sign_in(client, idp, provider: str, identity: dict):
    """Press the button, consent at the provider, and come back: the callback's response."""
    idp.next_identity = identity
    start = client.post(reverse(f"{provider}_login"))
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    assert authorize.startswith(idp.url)
    consent = requests.get(authorize, allow_redirects=False, timeout=5)
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def signed_in_user(client):
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


# --- Not configured -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unconfigured_provider_has_no_button_and_its_urls_are_404(client):
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    assert b"/accounts/google/login/" not in page.content
    assert b"/accounts/microsoft/login/" not in page.content
    assert b"Sign in with" not in page.content
    for name in ["google_login", "google_callback", "microsoft_login", "microsoft_callback"]:
        assert client.get(reverse(name)).status_code == 404, name
        assert client.post(reverse(name)).status_code == 404, name
    assert client.post(reverse("google_login_by_token")).status_code == 404


@pytest.mark.django_db
def test_a_configured_provider_shows_its_button(client, providers_on):
    page = client.get(reverse("account_login"))
    assert b"/accounts/google/login/" in page.content
    assert b"/accounts/microsoft/login/" in page.content
    assert b"Sign in with Google" in page.content
    assert b"Sign in with Microsoft" in page.content


# --- New accounts -----------------------------------------------------------------------------


def test_a_first_google_sign_in_from_the_school_domain_makes_a_student(
    client, providers_on, school_domain
):
    response = sign_in(client, providers_on, "google", google("Ada@School.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("courseware:dashboard")
    user = signed_in_user(client)
    assert user.email == "ada@school.example"
    assert user.role == Role.STUDENT
    assert not user.is_staff
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert SocialAccount.objects.get(user=user).provider == "google"
    # The token endpoint was given the PKCE verifier and the client's secret.
    assert providers_on.token_requests[-1]["code_verifier"]


def test_a_listed_teacher_becomes_a_teacher_at_first_sign_in(client, providers_on, school_domain):
    ListedTeacher.objects.create(email="Grace@school.example")
    response = sign_in(client, providers_on, "microsoft", microsoft("grace@school.example"))
    assert response.status_code == 302
    user = signed_in_user(client)
    assert user.role == Role.TEACHER
    assert user.email == "grace@school.example"
    assert SocialAccount.objects.get(user=user).uid == "m-1"


def test_signing_in_again_reaches_the_same_account(client, providers_on, school_domain):
    sign_in(client, providers_on, "google", google("ada@school.example"))
    first = signed_in_user(client)
    client.logout()
    sign_in(client, providers_on, "google", google("ada@school.example"))
    assert signed_in_user(client) == first
    assert User.objects.filter(email="ada@school.example").count() == 1


def test_without_listed_domains_any_verified_address_makes_a_student(client, providers_on, db):
    sign_in(client, providers_on, "google", google("someone@gmail.com", hd=None))
    assert signed_in_user(client).role == Role.STUDENT


# --- Refusals ---------------------------------------------------------------------------------


def _refused(response, text: str) -> None:
    assert response.status_code == 403
    assert text in response.content.decode()
    assert "no account was created" in response.content.decode()


@pytest.mark.parametrize(
    ("provider", "identity"),
    [
        ("google", google("ada@elsewhere.example", hd="elsewhere.example")),
        ("microsoft", microsoft("grace@elsewhere.example")),
    ],
)
def test_an_address_outside_the_school_domains_is_refused_and_nothing_is_made(
    client, providers_on, school_domain, provider, identity
):
    response = sign_in(client, providers_on, provider, identity)
    _refused(response, "Only accounts of the school")
    assert "school.example" in response.content.decode()
    assert signed_in_user(client) is None
    assert not User.objects.filter(email__endswith="elsewhere.example").exists()
    assert not SocialAccount.objects.exists()


def test_a_personal_google_account_with_a_school_address_is_refused(
    client, providers_on, school_domain
):
    """Google verifies the address, but the account is not the school Workspace's (no hd)."""
    response = sign_in(client, providers_on, "google", google("ada@school.example", hd=None))
    _refused(response, "is not an account of the school")
    assert not User.objects.exists()


def test_an_unverified_google_address_is_refused(client, providers_on, school_domain):
    response = sign_in(client, providers_on, "google", google("ada@school.example", verified=False))
    _refused(response, "verified e-mail address")
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_a_microsoft_guest_account_is_refused(client, providers_on, school_domain):
    guest = microsoft("eve_evil.example#EXT#@school.example", mail="eve@school.example")
    response = sign_in(client, providers_on, "microsoft", guest)
    _refused(response, "verified e-mail address")
    assert not User.objects.exists()


# --- Existing accounts ------------------------------------------------------------------------


def test_an_existing_account_is_linked_by_its_verified_school_address(
    client, providers_on, school_domain
):
    student = StudentFactory(email="ada@school.example")
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    response = sign_in(client, providers_on, "google", google("ada@school.example"))
    assert response.status_code == 302
    assert signed_in_user(client) == student
    assert SocialAccount.objects.get(provider="google").user == student
    student.refresh_from_db()
    assert student.has_usable_password()  # its owner had proved the address: nothing to undo
    assert User.objects.count() == 1


def test_linking_an_account_whose_address_was_never_proved_wipes_its_password(
    client, providers_on, school_domain
):
    """Someone who signed up with another person's address first does not keep a way in."""
    squatter = StudentFactory(email="ada@school.example")
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)
    sign_in(client, providers_on, "google", google("ada@school.example"))
    assert signed_in_user(client) == squatter
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()


def test_an_existing_account_outside_listed_domains_is_not_linked(client, providers_on, db):
    """With no domains listed nothing vouches for the address: the account keeps its password
    and the provider's sign-in is refused rather than linked."""
    student = StudentFactory(email="ada@gmail.com")
    response = sign_in(client, providers_on, "google", google("ada@gmail.com", hd=None))
    _refused(response, "already exists")
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    student.refresh_from_db()
    assert student.has_usable_password()


def test_a_school_admin_account_is_never_linked(client, providers_on, school_domain):
    admin = SchoolAdminFactory(email="head@school.example")
    response = sign_in(client, providers_on, "google", google("head@school.example"))
    _refused(response, "already exists")
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.filter(user=admin).exists()


def test_the_domain_list_is_checked_again_at_every_sign_in(client, providers_on, school_domain):
    sign_in(client, providers_on, "google", google("ada@school.example"))
    client.logout()
    SignInDomain.objects.create(domain="other.example")
    school_domain.delete()
    response = sign_in(client, providers_on, "google", google("ada@school.example"))
    _refused(response, "Only accounts of the school")
    assert signed_in_user(client) is None


def test_a_signed_in_person_can_connect_a_provider_to_their_own_account(client, providers_on, db):
    """Refused by address with no domains listed, the owner connects it after signing in."""
    student = StudentFactory(email="ada@gmail.com")
    client.force_login(student)
    providers_on.next_identity = google("ada@gmail.com", hd=None)
    start = client.post(reverse("google_login"), {"process": "connect"})
    consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(consent.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302
    assert SocialAccount.objects.get(provider="google").user == student
    client.logout()
    sign_in(client, providers_on, "google", google("ada@gmail.com", hd=None))
    assert signed_in_user(client) == student


def _one_tap(client, credential: str):
    """Google's sign-in button posts an ID token straight to Lectern, which checks its
    signature against the provider's certificates."""
    client.cookies["g_csrf_token"] = "double-submit"
    return client.post(
        reverse("google_login_by_token"),
        {"credential": credential, "g_csrf_token": "double-submit"},
    )


def test_a_posted_id_token_signed_by_the_provider_signs_in(client, providers_on, school_domain):
    token = providers_on.id_token(
        claims=google("ada@school.example"),
        audience="google-client",
        issuer="https://accounts.google.com",
        nonce=None,
    )
    response = _one_tap(client, token)
    assert response.status_code == 302
    assert signed_in_user(client).email == "ada@school.example"


def test_a_posted_id_token_with_a_forged_signature_is_refused(client, providers_on, school_domain):
    """Signed with another key under the provider's key id: the signature does not verify."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    forged = jwt.encode(
        {
            **google("ada@school.example"),
            "iss": "https://accounts.google.com",
            "aud": "google-client",
            "iat": now,
            "exp": now + 600,
        },
        other,
        algorithm="RS256",
        headers={"kid": providers_on.kid},
    )
    response = _one_tap(client, forged)
    assert response.status_code != 302
    assert signed_in_user(client) is None
    assert not User.objects.exists()

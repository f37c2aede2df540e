"""A simulated LTI 1.3 platform (an LMS) for the tests, served over real HTTP.

It has its own RS256 key (made with ``cryptography``) and serves, from a thread in the test
process:

- ``/jwks``: its public keys, which the tool fetches to check launches;
- ``/auth``: the OIDC authentication endpoint. It checks what the tool's login initiation sent
  (client id, redirect URI, response type, nonce, the login hint it issued) and answers, as an LMS
  does, with a form that posts a signed ``id_token`` and the state to the tool;
- ``/token``: the OAuth2 client-credentials endpoint, which checks the tool's signed client
  assertion against the tool's JWKS and issues bearer tokens for the scopes asked;
- ``/lineitems`` (AGS line items and their ``/scores``) and ``/memberships`` (NRPS).

The tool (Lectern) is driven with Django's test client; the platform only ever answers HTTP.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LAUNCH_URL = "http://testserver/lti/launch/"
LOGIN_URL = "/lti/login/"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator"
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def new_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class Person:
    sub: str
    name: str
    email: str = ""
    roles: list[str] = field(default_factory=lambda: [LEARNER])


class SimulatedPlatform:
    """One LMS with one course (context) and one deployment of the tool."""

    client_id = "lectern-tool"
    deployment_id = "deployment-1"
    context_id = "course-101"

    def __init__(self) -> None:
        self.key = new_rsa_key()
        self.kid = "platform-key-1"
        self.people: dict[str, Person] = {}
        self.members: list[dict] = []
        self.lineitems: dict[str, dict] = {}
        self.scores: list[dict] = []
        self.tokens: dict[str, list[str]] = {}
        self.assertion_ids: set[str] = set()
        self.tool_jwks: dict = {"keys": []}
        self.fail_scores = 0
        self.slow_scores = 0.0  # seconds the scores endpoint takes to answer
        self.next_claims: dict = {}
        self.sign_key = None  # a different key to sign the next id_token with
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    # --- What a school enters in Lectern ---------------------------------------------------

    @property
    def issuer(self) -> str:
        return self.base

    def registration(self) -> dict:
        return {
            "name": "Simulated LMS",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_url": self.base + "/auth",
            "token_url": self.base + "/token",
            "keyset_url": self.base + "/jwks",
            "deployment_ids": [self.deployment_id],
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        self.people.clear()
        self.members.clear()
        self.lineitems.clear()
        self.scores.clear()
        self.tokens.clear()
        self.fail_scores = 0
        self.slow_scores = 0.0
        self.next_claims = {}
        self.sign_key = None
        self.requests.clear()

    # --- Launching -----------------------------------------------------------------------------

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return {"keys": [jwk]}

    def sign(self, claims: dict, *, key=None, kid: str | None = None) -> str:
        return jwt.encode(
            claims,
            private_pem(key or self.key),
            algorithm="RS256",
            headers={"kid": kid or self.kid},
        )

    def claims_for(self, person: Person, *, nonce: str, message_type: str) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": person.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": person.name,
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "roles": person.roles,
            CLAIM + "context": {
                "id": self.context_id,
                "label": "HIST12",
                "title": "Modern History 12",
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
            CLAIM + "target_link_uri": LAUNCH_URL,
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                    SCORE_SCOPE,
                ],
                "lineitems": self.base + "/lineitems",
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": self.base + "/memberships",
                "service_versions": ["2.0"],
            },
        }
        if person.email:
            claims["email"] = person.email
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "resource_link"] = {"id": "link-1", "title": "Lectern"}
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.base + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-platform-data",
            }
        return claims

    def launch(self, client, person: Person, *, message_type="LtiResourceLinkRequest", claims=None):
        """The whole dance: the LMS starts the login, the browser follows the tool's redirect to
        the LMS's auth endpoint, and posts the form it answers with to the tool's launch URL.
        ``claims`` go into the id_token as they are (``None`` removes a claim)."""
        self.people[person.sub] = person
        self.next_claims = {"message_type": message_type, **(claims or {})}
        form = self.start(client, person)
        return client.post(LAUNCH_URL, form)

    def start(self, client, person: Person) -> dict:
        """Login initiation and the auth endpoint: the fields the LMS's form would post."""
        self.people[person.sub] = person
        self.next_claims.setdefault("message_type", "LtiResourceLinkRequest")
        response = client.post(
            LOGIN_URL,
            {
                "iss": self.issuer,
                "client_id": self.client_id,
                "login_hint": person.sub,
                "lti_message_hint": "hint-" + person.sub,
                "target_link_uri": LAUNCH_URL,
                "lti_deployment_id": self.deployment_id,
            },
        )
        assert response.status_code == 302, response.content[:500]
        answer = requests.get(response["Location"], timeout=10)
        assert answer.status_code == 200, answer.text
        return dict(re.findall(r'name="(\w+)" value="([^"]*)"', answer.text))

    # --- Services ------------------------------------------------------------------------------

    def add_lineitem(self, *, score_maximum, label="Essay", resource_id="", resource_link_id=""):
        number = len(self.lineitems) + 1
        url = f"{self.base}/lineitems/{number}"
        self.lineitems[url] = {
            "id": url,
            "scoreMaximum": score_maximum,
            "label": label,
            "resourceId": resource_id,
            "resourceLinkId": resource_link_id,
            "tag": "",
        }
        return url

    def member(self, person: Person, *, status: str = "Active") -> None:
        self.people[person.sub] = person
        self.members.append(
            {
                "user_id": person.sub,
                "name": person.name,
                "email": person.email,
                "roles": person.roles,
                "status": status,
            }
        )

    # --- HTTP ----------------------------------------------------------------------------------

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _send(self, status: int, body, content_type="application/json"):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the tool gave up waiting (the timeout tests): as an LMS would see it

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _scopes(self) -> list[str] | None:
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer "):
                    return None
                return platform.tokens.get(auth[len("Bearer ") :])

            def do_GET(self):  # noqa: N802 - the http.server API
                url = urlparse(self.path)
                platform.requests.append("GET " + url.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/jwks":
                    return self._send(200, platform.jwks())
                if url.path == "/auth":
                    return self._auth(query)
                scopes = self._scopes()
                if scopes is None:
                    return self._send(401, {"error": "invalid_token"})
                if url.path == "/lineitems":
                    return self._send(200, list(platform.lineitems.values()))
                if url.path.startswith("/lineitems/"):
                    item = platform.lineitems.get(platform.base + url.path)
                    return self._send(200 if item else 404, item or {})
                if url.path == "/memberships":
                    if NRPS_SCOPE not in scopes:
                        return self._send(403, {"error": "scope"})
                    return self._send(
                        200,
                        {
                            "id": platform.base + "/memberships",
                            "context": {"id": platform.context_id, "title": "Modern History 12"},
                            "members": platform.members,
                        },
                    )
                return self._send(404, {})

            def do_POST(self):  # noqa: N802 - the http.server API
                url = urlparse(self.path)
                platform.requests.append("POST " + url.path)
                body = self._body()
                if url.path == "/token":
                    return self._token({k: v[0] for k, v in parse_qs(body.decode()).items()})
                scopes = self._scopes()
                if scopes is None:
                    return self._send(401, {"error": "invalid_token"})
                if url.path == "/lineitems":
                    item = json.loads(body)
                    url_ = platform.add_lineitem(
                        score_maximum=item["scoreMaximum"],
                        label=item.get("label", ""),
                        resource_id=item.get("resourceId", ""),
                        resource_link_id=item.get("resourceLinkId", ""),
                    )
                    platform.lineitems[url_]["tag"] = item.get("tag", "")
                    return self._send(201, platform.lineitems[url_])
                match = re.fullmatch(r"(/lineitems/\d+)/scores", url.path)
                if match:
                    if SCORE_SCOPE not in scopes:
                        return self._send(403, {"error": "scope"})
                    if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                        return self._send(415, {})
                    if platform.slow_scores:
                        time.sleep(platform.slow_scores)
                        return self._send(504, {})
                    if platform.fail_scores:
                        platform.fail_scores -= 1
                        return self._send(503, {"error": "unavailable"})
                    lineitem = platform.base + match.group(1)
                    if lineitem not in platform.lineitems:
                        return self._send(404, {})
                    platform.scores.append({"lineitem": lineitem, **json.loads(body)})
                    return self._send(200, {})
                return self._send(404, {})

            def _auth(self, query: dict):
                """OIDC authentication: check the tool's request, answer with the form."""
                problems = []
                if query.get("client_id") != platform.client_id:
                    problems.append("client_id")
                if query.get("redirect_uri") != LAUNCH_URL:
                    problems.append("redirect_uri")
                if query.get("response_type") != "id_token" or query.get("scope") != "openid":
                    problems.append("response_type/scope")
                if query.get("response_mode") != "form_post" or query.get("prompt") != "none":
                    problems.append("response_mode/prompt")
                person = platform.people.get(query.get("login_hint", ""))
                if person is None or not query.get("nonce") or not query.get("state"):
                    problems.append("login_hint/nonce/state")
                if query.get("lti_message_hint") != "hint-" + getattr(person, "sub", ""):
                    problems.append("lti_message_hint")
                if problems:
                    return self._send(400, {"error": "invalid_request", "fields": problems})
                extra = dict(platform.next_claims)
                message_type = extra.pop("message_type", "LtiResourceLinkRequest")
                claims = platform.claims_for(
                    person, nonce=query["nonce"], message_type=message_type
                )
                for name, value in extra.items():
                    if value is None:
                        claims.pop(name, None)
                    else:
                        claims[name] = value
                token = platform.sign(claims, key=platform.sign_key)
                form = (
                    f'<form method="post" action="{LAUNCH_URL}">'
                    f'<input type="hidden" name="id_token" value="{token}">'
                    f'<input type="hidden" name="state" value="{query["state"]}">'
                    "</form>"
                )
                return self._send(200, form, content_type="text/html")

            def _token(self, form: dict):
                """Client credentials with a signed JWT assertion (RFC 7523), as LTI requires."""
                if form.get("grant_type") != "client_credentials" or form.get(
                    "client_assertion_type"
                ) != ("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"):
                    return self._send(400, {"error": "unsupported_grant_type"})
                assertion = form.get("client_assertion", "")
                try:
                    kid = jwt.get_unverified_header(assertion).get("kid")
                    jwk = next(k for k in platform.tool_jwks["keys"] if k.get("kid") == kid)
                    claims = jwt.decode(
                        assertion,
                        RSAAlgorithm.from_jwk(json.dumps(jwk)),
                        algorithms=["RS256"],
                        audience=platform.base + "/token",
                        issuer=platform.client_id,
                    )
                except (StopIteration, jwt.InvalidTokenError):
                    return self._send(401, {"error": "invalid_client"})
                if claims.get("sub") != platform.client_id or claims["jti"] in (
                    platform.assertion_ids
                ):
                    return self._send(401, {"error": "invalid_client"})
                platform.assertion_ids.add(claims["jti"])
                token = uuid.uuid4().hex
                platform.tokens[token] = form.get("scope", "").split()
                return self._send(
                    200,
                    {
                        "access_token": token,
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "scope": form.get("scope", ""),
                    },
                )

        return Handler


_shared: SimulatedPlatform | None = None


def shared_platform() -> SimulatedPlatform:
    """One platform for the test run (its server thread is a daemon); ``reset`` between tests."""
    global _shared
    if _shared is None:
        _shared = SimulatedPlatform()
    return _shared


__all__ = [
    "ADMINISTRATOR",
    "INSTRUCTOR",
    "LEARNER",
    "MENTOR",
    "Person",
    "SimulatedPlatform",
    "shared_platform",
]

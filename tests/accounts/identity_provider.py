"""A local OpenID Connect provider for the sign-in tests: Google's and Microsoft's endpoints,
served over HTTP on 127.0.0.1 by a thread, with real RS256-signed ID tokens.

It answers what the providers answer: discovery, JWKS (and Google's PEM certificates), an
authorization endpoint that "signs in" whoever the test named (``next_identity``) and redirects
back with a code, a token endpoint that checks the client's secret, the redirect URI and the PKCE
verifier before it issues tokens, Google's userinfo and Microsoft Graph's ``/v1.0/me``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

GOOGLE_ISSUER = "https://accounts.google.com"


class LocalIdentityProvider:
    def __init__(self, *, clients: dict[str, str]):
        self.clients = clients  # client id → secret
        self.kid = "local-key-1"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.next_identity: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalIdentityProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- keys ---------------------------------------------------------------------------------

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def certificates(self) -> dict:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "local-identity-provider")])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        return {self.kid: certificate.public_bytes(serialization.Encoding.PEM).decode()}

    def id_token(self, *, claims: dict, audience: str, issuer: str, nonce: str | None) -> str:
        now = int(time.time())
        payload = {
            **claims,
            "iss": issuer,
            "aud": audience,
            "iat": now,
            "exp": now + 600,
            "jti": secrets.token_hex(8),
        }
        if nonce:
            payload["nonce"] = nonce
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})

    # --- the endpoints ------------------------------------------------------------------------

    def authorize(self, query: dict[str, str], *, kind: str) -> tuple[int, dict, bytes]:
        if query.get("client_id") not in self.clients or query.get("response_type") != "code":
            return 400, {}, b"unknown client"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "kind": kind,
            "client_id": query["client_id"],
            "redirect_uri": query["redirect_uri"],
            "challenge": query.get("code_challenge"),
            "nonce": query.get("nonce"),
            "identity": dict(self.next_identity),
        }
        back = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return 302, {"Location": back}, b""

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict, bytes]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            client_id, _sep, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        self.token_requests.append(form)
        grant = self.codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or self.clients.get(client_id) != secret
            or grant["client_id"] != client_id
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            return _json(400, {"error": "invalid_grant"})
        if grant["challenge"]:
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if digest.decode() != grant["challenge"]:
                return _json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant["identity"]
        body = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
        if grant["kind"] == "google":
            body["id_token"] = self.id_token(
                claims=grant["identity"],
                audience=client_id,
                issuer=GOOGLE_ISSUER,
                nonce=grant["nonce"],
            )
        return _json(200, body)

    def bearer(self, authorization: str | None) -> dict | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        return self.tokens.get(authorization[7:])


def _json(status: int, body: dict) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _handler(provider: LocalIdentityProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def _send(self, answer: tuple[int, dict, bytes]) -> None:
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - the base class's name
            parts = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()}
            path = parts.path
            auth = self.headers.get("Authorization")
            if path == "/.well-known/openid-configuration":
                return self._send(
                    _json(
                        200,
                        {
                            "issuer": GOOGLE_ISSUER,
                            "authorization_endpoint": f"{provider.url}/google/authorize",
                            "token_endpoint": f"{provider.url}/google/token",
                            "userinfo_endpoint": f"{provider.url}/google/userinfo",
                            "jwks_uri": f"{provider.url}/jwks",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        },
                    )
                )
            if path == "/jwks":
                return self._send(_json(200, provider.jwks()))
            if path == "/google/certs":
                return self._send(_json(200, provider.certificates()))
            if path == "/google/authorize":
                return self._send(provider.authorize(query, kind="google"))
            if path.startswith("/ms/") and path.endswith("/oauth2/v2.0/authorize"):
                return self._send(provider.authorize(query, kind="microsoft"))
            if path in ("/google/userinfo", "/graph/v1.0/me"):
                identity = provider.bearer(auth)
                if identity is None:
                    return self._send(_json(401, {"error": {"message": "no token"}}))
                return self._send(_json(200, identity))
            return self._send((404, {}, b"not found"))

        def do_POST(self):  # noqa: N802 - the base class's name
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            path = urlsplit(self.path).path
            if path == "/google/token" or (
                path.startswith("/ms/") and path.endswith("/oauth2/v2.0/token")
            ):
                return self._send(provider.token(form, self.headers.get("Authorization")))
            return self._send((404, {}, b"not found"))

    return Handler

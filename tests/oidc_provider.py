"""A minimal OpenID Connect provider on localhost, for the browser test of the OIDC login (no network).

`python tests/oidc_provider.py PORT EMAIL` serves discovery, an authorization endpoint that signs in
EMAIL at once (no form), the token endpoint (an RS256 id_token with the request's nonce, the PKCE
verifier checked) and the signing key. It runs until terminated."""

from __future__ import annotations

import base64
import hashlib
import secrets
import sys
import time
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

CLIENT_ID, CLIENT_SECRET = "audit-app", "client-secret-for-tests"


def provider(port: int, email: str) -> Starlette:
    issuer = f"http://127.0.0.1:{port}"
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
    grants: dict[str, dict] = {}

    async def discovery(request: Request) -> JSONResponse:
        return JSONResponse({"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize",
                             "token_endpoint": f"{issuer}/token", "jwks_uri": f"{issuer}/jwks",
                             "response_types_supported": ["code"], "subject_types_supported": ["public"],
                             "id_token_signing_alg_values_supported": ["RS256"],
                             "code_challenge_methods_supported": ["S256"]})

    async def authorize(request: Request) -> RedirectResponse:
        query = request.query_params
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        grants[code] = {"nonce": query.get("nonce"), "challenge": query.get("code_challenge")}
        return RedirectResponse(f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}", 302)

    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        grant = grants.pop(str(form.get("code")), None)
        verifier = str(form.get("code_verifier", ""))
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant is None or (grant["challenge"] and digest != grant["challenge"]):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims = {"iss": issuer, "sub": "subject-" + email.split("@")[0], "aud": CLIENT_ID, "iat": now,
                  "exp": now + 600, "nonce": grant["nonce"], "email": email, "name": email.split("@")[0]}
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 600,
                             "id_token": id_token})

    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse({"keys": [key.as_dict(private=False)]})

    return Starlette(routes=[Route("/.well-known/openid-configuration", discovery), Route("/authorize", authorize),
                             Route("/token", token, methods=["POST"]), Route("/jwks", jwks)])


if __name__ == "__main__":
    port, email = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(provider(port, email), host="127.0.0.1", port=port, log_level="warning")

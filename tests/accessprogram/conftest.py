"""Fixtures for access tokens, rate limits and kill switches: issuing tokens and calling the API with them."""

from __future__ import annotations

import pytest
from django.test import Client

from accessprogram.models import AccessToken, TokenScope, User
from accessprogram.services.context import Actor
from accessprogram.services.tokens import IssuedToken, token_create, tokens_for_user


def issue_token(user: User, *, scopes=(TokenScope.READ, TokenScope.GENERATE), name: str = "script", days=None):
    """A token issued the way the portal issues one: by its owner, signed in."""
    return token_create(actor=Actor(user=user), name=name, scopes=list(scopes), expires_in_days=days)


def bearer(issued: IssuedToken | str, **headers) -> dict:
    """Test-client keyword arguments for a request with `Authorization: Bearer <token>`."""
    secret = issued.secret if isinstance(issued, IssuedToken) else issued
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", **headers}


@pytest.fixture
def artist_token(artist) -> IssuedToken:
    return issue_token(artist, name="Aiko's render script")


@pytest.fixture
def api() -> Client:
    """A client with no session: every request stands on its token alone."""
    return Client()


def reload(token: IssuedToken | AccessToken) -> AccessToken:
    """The token as its owner's list shows it now (with its suspension status)."""
    token = token.token if isinstance(token, IssuedToken) else token
    return tokens_for_user(token.owner).get(pk=token.pk)

"""The personal access token format: `vern_` + 32 random base62 characters + a 6-character base62 CRC32.

The prefix lets secret scanners recognise a leaked token; the checksum lets us refuse a mistyped or
made-up token without a database look-up. Only the SHA-256 of the whole token is ever stored.
"""

from __future__ import annotations

import hashlib
import secrets
import zlib

TOKEN_PREFIX = "vern_"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RANDOM_LENGTH = 32  # 62**32 is about 2**190
CHECKSUM_LENGTH = 6  # 62**6 > 2**32, so any CRC32 fits
TOKEN_LENGTH = len(TOKEN_PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH
DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 4
_BASE62_CHARS = frozenset(BASE62)


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def token_generate() -> str:
    body = TOKEN_PREFIX + "".join(secrets.choice(BASE62) for _ in range(RANDOM_LENGTH))
    return body + _checksum(body)


def token_parse(candidate: object) -> str | None:
    """The token if `candidate` is well formed with a matching checksum (surrounding spaces ignored), else None."""
    if not isinstance(candidate, str):
        return None
    token = candidate.strip()
    if len(token) != TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        return None
    body, checksum = token[:-CHECKSUM_LENGTH], token[-CHECKSUM_LENGTH:]
    if any(char not in _BASE62_CHARS for char in token[len(TOKEN_PREFIX) :]):
        return None
    return token if checksum == _checksum(body) else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_display_prefix(token: str) -> str:
    return token[:DISPLAY_PREFIX_LENGTH]

"""Identifiers in each source's own shape, derived from a snapshot post's `native_id`."""

from __future__ import annotations

import hashlib

from crawlers.replay.snapshot import SnapshotPost

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_TID = "234567abcdefghijklmnopqrstuvwxyz"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _encode(number: int, alphabet: str) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, len(alphabet))
        digits = alphabet[rest] + digits
        if not number:
            return digits


def base36(number: int) -> str:
    return _encode(number, _B36)


def tid(number: int) -> str:
    """An atproto record key (13 sortable base-32 characters)."""
    return _encode(number, _TID).rjust(13, "2")


def did(handle: str) -> str:
    return "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]


def numeric(value: str, digits: int = 19) -> str:
    """A stable numeric id (an account's), derived from any text."""
    return str(int(hashlib.sha256(value.encode()).hexdigest(), 16) % 10**digits).rjust(digits, "1")


def reddit_fullname(post: SnapshotPost) -> str:
    return ("t1_" if post.parent else "t3_") + base36(post.native_id)


def youtube_comment_id(post: SnapshotPost, parent: SnapshotPost | None) -> str:
    if parent is not None:
        return f"{youtube_comment_id(parent, None)}.9z{base36(post.native_id)}"
    return "Ugz" + _encode(post.native_id * 7919, _B64).rjust(13, "A") + "4AaABAg"

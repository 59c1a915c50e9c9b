"""A replay site that also serves hostile posts (opt-in: tests and robustness checks only).

On the Mastodon hashtag timelines, next to the bundled snapshot, it serves:

- `LONG`: a status of 2,000,000 characters;
- `EMOJI`: a status of 50,000 emoji;
- `HALF_EMOJI`: a status whose JSON holds half an emoji, a lone surrogate (`"\\ud83d"`), as an
  instance that cut a string in the middle of a surrogate pair serves it.

The normal snapshot and `filmbuzz demo` are left as they are.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from crawlers.replay.reply import Reply, Request
from crawlers.replay.server import MASTODON_INSTANCES, App, ReplaySite
from crawlers.replay.snapshot import Snapshot, SnapshotPost

# JSON cannot carry a lone surrogate as UTF-8: the snapshot holds this marker instead, and the
# answer's bytes get the JSON escape in its place.
_MARKER = "\ue000half-emoji\ue000"
_ESCAPED = b"\\ud83d"
_INSTANCE = MASTODON_INSTANCES[0]


def _status(number: int, author: str, text: str) -> SnapshotPost:
    """A Mastodon status about Past Lives, newer than any of the snapshot's."""
    return SnapshotPost(
        id=f"hostile-{number}",
        source="mastodon",
        film="past-lives",
        lang="en",
        author=author,
        text=f"#PastLives {text}",
        published=datetime.fromisoformat("2023-06-20T12:00:00+00:00"),
        native_id=110600000000000000 + number,
        instances=(_INSTANCE,),
        tags=("pastlives",),
    )


LONG = _status(1, "walloftext", "so many feelings about this film and its ending " * 41_667)
EMOJI = _status(2, "emojiflood", "😭🎬🍿❤" * 12_500)
HALF_EMOJI = _status(3, "cutshort", f"the last scene of Past Lives broke me {_MARKER} what a film")
HOSTILE = (LONG, EMOJI, HALF_EMOJI)


def status_url(post: SnapshotPost) -> str:
    """The status's URL, as the Mastodon spider records it."""
    return f"https://{post.instances[0]}/@{post.author}/{post.native_id}"


class HostileReplaySite(ReplaySite):
    """The replay site with `HOSTILE` posts added to the Mastodon timelines."""

    def __init__(self, snapshot: Snapshot | None = None) -> None:
        base = snapshot or Snapshot.load()
        super().__init__(Snapshot([*base.posts, *HOSTILE], base.pageviews, base.catalog))

    def apps(self) -> dict[str, App]:
        apps = super().apps()
        for instance in MASTODON_INSTANCES:
            apps[instance] = _with_lone_surrogates(apps[instance])
        return apps


def _with_lone_surrogates(app: App) -> App:
    def answer(request: Request) -> Reply:
        reply = app(request)
        marker = _MARKER.encode("utf-8")
        if marker in reply.body:
            return replace(reply, body=reply.body.replace(marker, _ESCAPED))
        return reply

    return answer

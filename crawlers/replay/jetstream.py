"""A Jetstream stand-in: a WebSocket that plays the snapshot's Bluesky posts as firehose events.

Like `wss://jetstream2.us-east.bsky.network/subscribe`: JSON events (`commit`, `identity`),
`wantedCollections` filtering and a `cursor` (microseconds) to resume from. Tracked-film posts
arrive among unrelated posts, likes, deletions and identity events; after the backlog the
stream stays open and quiet, as a real one does between posts.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from crawlers.replay import ids
from crawlers.replay.bluesky import record, stamp
from crawlers.replay.snapshot import Snapshot, SnapshotPost

NOISE = (
    "good morning bluesky ☀️ coffee first, opinions later",
    "new sourdough attempt, the crumb is finally open 🍞",
    "anyone else's train stuck outside the station again",
    "reading list for the summer: three novels and zero plans",
    "ok the new synth album is really good, on loop",
    "my tomatoes are ripening all at once, send recipes",
)


def _micros(post: SnapshotPost) -> int:
    return int(post.published.timestamp() * 1_000_000)


def events(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Every event of the replayed stream, in time order."""
    out: list[dict[str, Any]] = []
    for index, post in enumerate(snapshot.of_source("bluesky")):
        did, when = ids.did(post.author), _micros(post)
        out.append(_commit(did, when, "app.bsky.feed.post", ids.tid(post.native_id), record(post)))
        liker = ids.did(f"liker{index}.bsky.social")
        like: dict[str, Any] = {"$type": "app.bsky.feed.like", "createdAt": stamp(post.published)}
        like["subject"] = {"uri": f"at://{did}/app.bsky.feed.post/{ids.tid(post.native_id)}"}
        out.append(_commit(liker, when + 1500, "app.bsky.feed.like", ids.tid(when + 7), like))
        if index % 5 == 0:
            out.append(_noise(index, post))
        if index % 9 == 0:
            out.append({"did": did, "time_us": when + 900, "kind": "identity",
                        "identity": {"did": did, "handle": post.author, "seq": index}})  # fmt: skip
    return sorted(out, key=lambda e: e["time_us"])


def _noise(index: int, post: SnapshotPost) -> dict[str, Any]:
    moment = post.published + timedelta(minutes=7)
    author = f"someone{index}.bsky.social"
    text = NOISE[index % len(NOISE)]
    body = {
        "$type": "app.bsky.feed.post",
        "createdAt": stamp(moment),
        "langs": ["en"],
        "text": text,
    }
    return _commit(ids.did(author), int(moment.timestamp() * 1_000_000), "app.bsky.feed.post",
                   ids.tid(post.native_id + 3), body)  # fmt: skip


def _commit(
    did: str, when: int, collection: str, rkey: str, body: dict[str, Any]
) -> dict[str, Any]:
    commit: dict[str, Any] = {"rev": ids.tid(when), "operation": "create"}
    commit |= {"collection": collection, "rkey": rkey}
    commit |= {"record": body, "cid": "bafyrei" + ids.base36(when)}
    return {"did": did, "time_us": when, "kind": "commit", "commit": commit}


class JetstreamServer:
    """Serves `/subscribe` on a loopback port, in a background thread."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.events = events(snapshot)
        self.connections = 0
        self._stopping = threading.Event()
        self._server: Server | None = None

    def start(self) -> str:
        self._server = serve(self._handle, "127.0.0.1", 0)
        threading.Thread(
            target=self._server.serve_forever, name="replay-jetstream", daemon=True
        ).start()
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}"

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def _handle(self, connection: ServerConnection) -> None:
        self.connections += 1
        request = connection.request
        query = parse_qs(urlsplit(request.path if request else "/").query)
        wanted = set(query.get("wantedCollections", []))
        cursor = int(query.get("cursor", ["0"])[0] or 0)
        try:
            for event in self.events:
                if event["time_us"] <= cursor:
                    continue
                collection = event.get("commit", {}).get("collection")
                if wanted and collection is not None and collection not in wanted:
                    continue
                connection.send(json.dumps(event, ensure_ascii=False))
            while not self._stopping.is_set():
                try:
                    connection.recv(timeout=0.2)
                except TimeoutError:
                    continue
        except ConnectionClosed:
            return

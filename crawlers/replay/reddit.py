"""Reddit's OAuth API: the token endpoint on www.reddit.com, listings and comments on oauth.reddit.com."""

from __future__ import annotations

import base64
import itertools
import re
from typing import Any

from crawlers.replay import ids
from crawlers.replay.matching import matches
from crawlers.replay.reply import ROBOTS_ALLOW_ALL, Reply, Request, json_reply, text_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

WHOA = (
    "<!doctype html><html><head><title>Blocked</title></head><body><h1>whoa there, pardner!</h1>"
    "<p>Your request has been blocked due to a network policy. Try logging in or creating an account "
    "here to get back to browsing.</p></body></html>"
)
UNAUTHORIZED = {"message": "Unauthorized", "error": 401}
INLINE_TOP = 2  # top-level comments shown before a `more` (small: the snapshot is small)
INLINE_REPLIES = 1  # replies shown under a comment before a `more`
# Levels of replies one answer holds (Reddit's own cut is deeper; the snapshot's threads are
# short): a comment below it is replaced by a "continue this thread" stub.
MAX_DEPTH = 3
# Old comments come without a `permalink`; here, those before this day
PERMALINK_SINCE = "2023-07-01"
_SEARCH = re.compile(r"^(?:/r/([^/]+))?/search/?$")
_COMMENTS = re.compile(r"^/comments/([a-z0-9]+)(?:/[^/]*/([a-z0-9]+))?/?")


class Tokens:
    def __init__(self, client_id: str, secret: str) -> None:
        self.client_id, self.secret = client_id, secret
        self.issued: set[str] = set()
        self._numbers = itertools.count(1)

    def check_basic(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
        return header == f"Basic {expected}"

    def issue(self) -> str:
        token = f"replay-reddit-{next(self._numbers)}"
        self.issued.add(token)
        return token


def www_app(tokens: Tokens, request: Request) -> Reply:
    if request.path == "/api/v1/access_token" and request.method == "POST":
        if not tokens.check_basic(request.header("Authorization")):
            return json_reply(UNAUTHORIZED, status=401)
        token = {"access_token": tokens.issue(), "token_type": "bearer", "expires_in": 3600}
        return json_reply({**token, "scope": "*"})
    if request.path == "/robots.txt":
        return text_reply(ROBOTS_ALLOW_ALL, "text/plain")
    return text_reply(WHOA, "text/html; charset=utf-8", status=403)  # logged-out .json is blocked


def oauth_app(snapshot: Snapshot, tokens: Tokens, request: Request) -> Reply:
    if request.bearer() not in tokens.issued:
        return json_reply(UNAUTHORIZED, status=401, headers=_rate_headers())
    tree = Tree(snapshot)
    if match := _SEARCH.match(request.path):
        return json_reply(search(tree, request, match.group(1)), headers=_rate_headers())
    if match := _COMMENTS.match(request.path):
        thread = tree.by_base36.get(match.group(1))
        if thread is None or thread.parent:
            return json_reply({"message": "Not Found", "error": 404}, status=404)
        levels = min(int(request.arg("depth", "10") or 10), MAX_DEPTH)
        focus = match.group(2) or request.arg("comment")
        if focus:  # `/comments/{link}/_/{comment}` or `?comment=`: the thread from one comment on
            comment = tree.by_base36.get(focus)
            if comment is None or tree.thread_of(comment) is not thread or comment is thread:
                return json_reply({"message": "Not Found", "error": 404}, status=404)
            return json_reply(
                [listing([tree.link(thread)]), listing([tree.comment(comment, 0, levels)])]
            )
        return json_reply([listing([tree.link(thread)]), listing(tree.comments(thread, levels))])
    if request.path == "/api/morechildren":
        wanted = (request.arg("children") or "").split(",")
        things = [tree.comment(tree.by_base36[c], levels=0) for c in wanted if c in tree.by_base36]
        return json_reply({"json": {"errors": [], "data": {"things": things}}})
    if request.path == "/api/info":
        names = (request.arg("id") or "").split(",")
        found = [tree.by_base36.get(n.removeprefix("t3_")) for n in names]
        return json_reply(listing([tree.link(p) for p in found if p is not None and not p.parent]))
    return json_reply({"message": "Not Found", "error": 404}, status=404)


def _rate_headers() -> dict[str, str]:
    return {"X-Ratelimit-Used": "1", "X-Ratelimit-Remaining": "99.0", "X-Ratelimit-Reset": "420"}


def listing(children: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    data = {"after": after, "dist": len(children), "modhash": "", "geo_filter": None}
    return {"kind": "Listing", "data": {**data, "children": children, "before": None}}


def search(tree: Tree, request: Request, subreddit: str | None) -> dict[str, Any]:
    query = request.arg("q") or ""
    threads = [p for p in tree.posts if not p.parent and matches(query, p.title or "", p.text)]
    if subreddit and request.arg("restrict_sr") in ("1", "true", "on"):
        threads = [p for p in threads if (p.subreddit or "").lower() == subreddit.lower()]
    threads.sort(key=lambda p: p.published, reverse=True)
    after = request.arg("after")
    if after:
        names = [ids.reddit_fullname(p) for p in threads]
        threads = threads[names.index(after) + 1 :] if after in names else []
    limit = max(1, min(int(request.arg("limit", "25") or 25), 100))
    page = threads[:limit]
    following = ids.reddit_fullname(page[-1]) if len(threads) > limit else None
    return listing([tree.link(p) for p in page], following)


class Tree:
    """The snapshot's Reddit posts as threads and comment trees."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.posts = snapshot.of_source("reddit")
        self.by_id = {p.id: p for p in self.posts}
        self.by_base36 = {ids.base36(p.native_id): p for p in self.posts}
        self.kids: dict[str, list[SnapshotPost]] = {}
        for post in self.posts:
            if post.parent in self.by_id:
                self.kids.setdefault(post.parent, []).append(post)

    def descendants(self, post: SnapshotPost) -> list[SnapshotPost]:
        found = []
        for kid in self.kids.get(post.id, []):
            found += [kid, *self.descendants(kid)]
        return found

    def link(self, post: SnapshotPost) -> dict[str, Any]:
        base, name = ids.base36(post.native_id), ids.reddit_fullname(post)
        permalink = f"/r/{post.subreddit}/comments/{base}/{_slug(post.title or '')}/"
        data: dict[str, Any] = {"id": base, "name": name, "subreddit": post.subreddit}
        data["title"] = post.title
        data |= {"subreddit_name_prefixed": f"r/{post.subreddit}", "selftext": post.text}
        data |= {
            "author": post.author,
            "author_fullname": "t2_" + ids.base36(len(post.author) * 7919),
        }
        data |= {"score": post.likes, "ups": post.likes, "downs": 0, "upvote_ratio": 0.93}
        data |= {"num_comments": len(self.descendants(post)), "num_crossposts": 0}
        data |= {
            "created_utc": post.published.timestamp(),
            "over_18": False,
            "spoiler": post.spoiler,
        }
        data |= {"stickied": False, "permalink": permalink, "domain": f"self.{post.subreddit}"}
        data |= {
            "is_self": True,
            "url": f"https://www.reddit.com{permalink}",
            "link_flair_text": None,
        }
        return {"kind": "t3", "data": data}

    def thread_of(self, post: SnapshotPost) -> SnapshotPost:
        while post.parent in self.by_id:
            post = self.by_id[post.parent]
        return post

    def comment(
        self, post: SnapshotPost, depth: int = 0, levels: int = MAX_DEPTH
    ) -> dict[str, Any]:
        """A comment with its replies down to `levels` levels below the answer's root (0: none,
        as `/api/morechildren` gives them); deeper replies are behind a continuation stub."""
        thread, parent = self.thread_of(post), self.by_id[post.parent or ""]
        base = ids.base36(post.native_id)
        link_base = ids.base36(thread.native_id)
        data: dict[str, Any] = {"id": base, "name": f"t1_{base}"}
        data["parent_id"] = ids.reddit_fullname(parent)
        data |= {"link_id": f"t3_{link_base}", "author": post.author, "body": post.text}
        data |= {"score": post.likes, "created_utc": post.published.timestamp(), "depth": depth}
        data |= {"is_submitter": post.author == thread.author, "controversiality": 0}
        if post.published.date().isoformat() >= PERMALINK_SINCE:
            slug = _slug(thread.title or "")
            data["permalink"] = f"/r/{thread.subreddit}/comments/{link_base}/{slug}/{base}/"
        kids = self.kids.get(post.id, []) if levels else []
        if kids and depth + 1 >= levels:
            data["replies"] = listing([continuation(post, depth + 1)])
        elif kids:
            data["replies"] = listing(self._children(kids, post, depth + 1, INLINE_REPLIES, levels))
        else:
            data["replies"] = ""
        return {"kind": "t1", "data": data}

    def comments(self, thread: SnapshotPost, levels: int = MAX_DEPTH) -> list[dict[str, Any]]:
        return self._children(self.kids.get(thread.id, []), thread, 0, INLINE_TOP, levels)

    def _children(
        self, kids: list[SnapshotPost], parent: SnapshotPost, depth: int, inline: int, levels: int
    ) -> list[dict[str, Any]]:
        shown = [self.comment(k, depth, levels) for k in kids[:inline]]
        hidden = [p for k in kids[inline:] for p in (k, *self.descendants(k))]
        if hidden:
            names = [ids.base36(p.native_id) for p in hidden]
            more = {"count": len(hidden), "id": names[0], "name": f"t1_{names[0]}", "depth": depth}
            more |= {"parent_id": ids.reddit_fullname(parent), "children": names}
            shown.append({"kind": "more", "data": more})
        return shown


def continuation(parent: SnapshotPost, depth: int) -> dict[str, Any]:
    """Reddit's "continue this thread" stub: no ids, count 0, the comment to read on from."""
    data = {"count": 0, "name": "t1__", "id": "_", "parent_id": ids.reddit_fullname(parent)}
    return {"kind": "more", "data": {**data, "depth": depth, "children": []}}


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50]

"""YouTube Data API v3 (`www.googleapis.com/youtube/v3`): commentThreads, comments, videos."""

from __future__ import annotations

from typing import Any

from crawlers.replay import ids
from crawlers.replay.reply import Reply, Request, json_reply
from crawlers.replay.snapshot import Snapshot, SnapshotPost

INLINE_REPLIES = 2  # the API returns only some replies with a thread; the rest via comments.list
MESSAGES = {
    "commentsDisabled": (
        403,
        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter has disabled comments.',
    ),
    "quotaExceeded": (
        403,
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
    ),
    "videoNotFound": (
        404,
        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter could not be found.',
    ),
    "keyInvalid": (400, "API key not valid. Please pass a valid API key."),
}


def error(reason: str) -> Reply:
    """An error answer exactly as the API gives it (also used by tests to build faults)."""
    status, message = MESSAGES[reason]
    domain = "usageLimits" if reason in ("quotaExceeded", "keyInvalid") else "youtube.commentThread"
    body = {
        "code": status,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}],
    }
    return json_reply({"error": body}, status=status)


def app(snapshot: Snapshot, key: str, request: Request) -> Reply:
    if (request.header("X-Goog-Api-Key") or request.arg("key")) != key:
        return error("keyInvalid")
    comments = snapshot.of_source("youtube")
    videos = snapshot.catalog.get("youtube", {})
    if request.path == "/youtube/v3/videos":
        wanted = (request.arg("id") or "").split(",")
        items = [_video(v, videos[v], comments) for v in wanted if v in videos]
        return json_reply(
            {
                "kind": "youtube#videoListResponse",
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            }
        )
    if request.path == "/youtube/v3/commentThreads":
        return _threads(snapshot, request, videos)
    if request.path == "/youtube/v3/comments":
        parent = _find(snapshot, request.arg("parentId") or "")
        replies = [] if parent is None else snapshot.children(parent.id)
        page, token = _page(replies, request)
        return json_reply(
            _list("youtube#commentListResponse", [_comment(r, parent) for r in page], token)
        )
    return json_reply({"error": {"code": 404, "message": "Not Found", "errors": []}}, status=404)


def _threads(snapshot: Snapshot, request: Request, videos: dict[str, Any]) -> Reply:
    tops = [p for p in snapshot.of_source("youtube") if not p.parent]
    if request.arg("id"):
        wanted = set((request.arg("id") or "").split(","))
        chosen = [p for p in tops if ids.youtube_comment_id(p, None) in wanted]
    else:
        video = request.arg("videoId") or ""
        if video not in videos:
            return error("videoNotFound")
        if videos[video].get("comments_disabled"):
            return error("commentsDisabled")
        chosen = [p for p in tops if p.video == video]
    chosen.sort(key=lambda p: p.published, reverse=True)
    page, token = _page(chosen, request)
    items = [_thread(snapshot, p) for p in page]
    return json_reply(_list("youtube#commentThreadListResponse", items, token))


def _page(posts: list[SnapshotPost], request: Request) -> tuple[list[SnapshotPost], str | None]:
    size = max(1, min(int(request.arg("maxResults", "20") or 20), 100))
    start = int(request.arg("pageToken", "0") or 0)
    following = str(start + size) if start + size < len(posts) else None
    return posts[start : start + size], following


def _list(kind: str, items: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind, "etag": "replay", "items": items}
    data["pageInfo"] = {"totalResults": len(items), "resultsPerPage": len(items)}
    if token:
        data["nextPageToken"] = token
    return data


def _find(snapshot: Snapshot, comment_id: str) -> SnapshotPost | None:
    return next(
        (
            p
            for p in snapshot.of_source("youtube")
            if not p.parent and ids.youtube_comment_id(p, None) == comment_id
        ),
        None,
    )


def _comment(post: SnapshotPost, parent: SnapshotPost | None) -> dict[str, Any]:
    stamp = post.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    channel = "UC" + ids.numeric(post.author, 20)[:22]
    snippet: dict[str, Any] = {"channelId": "UCfakeDistributor01", "videoId": post.video}
    snippet["textDisplay"] = post.text
    snippet |= {"textOriginal": post.text, "authorDisplayName": post.author}
    snippet |= {
        "authorProfileImageUrl": "https://yt3.ggpht.com/x",
        "authorChannelUrl": f"http://www.youtube.com/{post.author}",
    }
    snippet |= {"authorChannelId": {"value": channel}, "canRate": True, "viewerRating": "none"}
    snippet |= {"likeCount": post.likes, "publishedAt": stamp, "updatedAt": stamp}
    if parent is not None:
        snippet["parentId"] = ids.youtube_comment_id(parent, None)
    return {
        "kind": "youtube#comment",
        "etag": "c",
        "id": ids.youtube_comment_id(post, parent),
        "snippet": snippet,
    }


def _thread(snapshot: Snapshot, post: SnapshotPost) -> dict[str, Any]:
    replies = snapshot.children(post.id)
    snippet: dict[str, Any] = {"channelId": "UCfakeDistributor01", "videoId": post.video}
    snippet["canReply"] = True
    snippet |= {
        "totalReplyCount": len(replies),
        "isPublic": True,
        "topLevelComment": _comment(post, None),
    }
    thread = {
        "kind": "youtube#commentThread",
        "etag": "t",
        "id": ids.youtube_comment_id(post, None),
        "snippet": snippet,
    }
    if replies:
        thread["replies"] = {"comments": [_comment(r, post) for r in replies[:INLINE_REPLIES]]}
    return thread


def _video(video: str, info: dict[str, Any], comments: list[SnapshotPost]) -> dict[str, Any]:
    count = sum(1 for c in comments if c.video == video)
    stats = {"viewCount": str(info["views"]), "likeCount": str(info["likes"])}
    stats |= {"favoriteCount": "0", "commentCount": str(count)}
    return {"kind": "youtube#video", "etag": "v", "id": video, "statistics": stats}

"""YouTube Data API v3: comments and replies on each film's trailers, trailer statistics as Signals.

Threads are read newest first down to the last one seen; recent threads stay watched, and
those whose reply count grew get their replies read again (`comments.list?parentId=`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.bases.json_api import API_SETTINGS, JsonApiSpider
from pipeline.records import Post, Signal, stable_id

API = "https://www.googleapis.com/youtube/v3"
STATISTICS = {"viewCount": "views", "likeCount": "likes", "commentCount": "comments"}
FATAL = {"quotaExceeded", "keyInvalid", "dailyLimitExceeded", "accessNotConfigured"}


def reason(response: Response) -> str:
    try:
        errors = json.loads(response.body)["error"]["errors"]
        return str(errors[0].get("reason", ""))
    except (ValueError, KeyError, IndexError, TypeError):
        return ""


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class YoutubeSpider(JsonApiSpider):
    name = "youtube"
    custom_settings = API_SETTINGS

    def authorization(self) -> tuple[str, str] | None:
        return ("X-Goog-Api-Key", self.secrets.get("FILMBUZZ_YOUTUBE_API_KEY", ""))

    def api(
        self, endpoint: str, params: dict[str, str], callback: Any = None, **meta: Any
    ) -> scrapy.Request:
        return self.request(
            self.url(f"{API}/{endpoint}?{urlencode(params)}"), callback, auth=True, **meta
        )

    def first_requests(self) -> Iterable[scrapy.Request]:
        for film in self.films:
            videos = film.ids.youtube
            if videos:
                params = {"part": "statistics", "id": ",".join(videos[:50])}
                yield self.api("videos", params, self.parse_statistics, film=film.slug)
            for video in videos:
                params = {
                    "part": "snippet,replies",
                    "videoId": video,
                    "maxResults": str(self.options.page_size),
                }
                params |= {"order": "time", "textFormat": "plainText"}
                since = self.cursor(video)
                meta = {"film": film.slug, "video": video, "since": since, "query_params": params}
                yield self.api("commentThreads", params, **meta)
                yield from self.watch_request(film.slug, video)

    def watch_request(self, film: str, video: str) -> Iterable[scrapy.Request]:
        limit = self.options.watch_threads  # type: ignore[attr-defined]
        if not limit or not self.options.replies or self.args.backfill_days:  # type: ignore[attr-defined]
            return
        watched = self.cursors.with_prefix("thread", video)
        newest = sorted(watched, key=lambda t: watched[t].split("|")[0], reverse=True)[:limit]
        if newest:
            params = {"part": "snippet,replies", "id": ",".join(newest), "textFormat": "plainText"}
            yield self.api("commentThreads", params, self.parse_watched, film=film, video=video)

    def parse_statistics(self, response: Response) -> Iterable[Signal]:
        today = datetime.now(UTC).date()
        for item in (self.json_of(response) or {}).get("items", []):
            for field, metric in STATISTICS.items():
                value = (item.get("statistics") or {}).get(field)
                if value is not None:  # counts come as strings
                    yield Signal(
                        response.meta["film"], "youtube", metric, today, float(value), item["id"]
                    )

    def items_from(self, data: Any, response: Response) -> Iterable[Any]:
        meta = response.meta
        items = data.get("items", []) if isinstance(data, dict) else []
        if not items and meta["page"] == 1:
            self.count("empty_results")
        for thread in items:
            top = (thread.get("snippet") or {}).get("topLevelComment") or {}
            published = str((top.get("snippet") or {}).get("publishedAt", ""))
            if meta["page"] == 1 and published > (meta.get("newest") or ""):
                meta["newest"] = published
                self.remember_cursor(meta, published, meta["video"])
            if meta["since"] and published <= meta["since"]:
                meta["reached_cursor"] = True
                continue
            yield from self.thread_items(thread, meta["film"], meta["video"])

    def parse_watched(self, response: Response) -> Iterable[Any]:
        watched = self.cursors.with_prefix("thread", response.meta["video"])
        for thread in (self.json_of(response) or {}).get("items", []):
            seen = int(watched.get(thread.get("id"), "|0").split("|")[1])
            if int((thread.get("snippet") or {}).get("totalReplyCount") or 0) > seen:
                self.count("threads_with_new_replies")
                yield from self.thread_items(thread, response.meta["film"], response.meta["video"])

    def thread_items(self, thread: dict[str, Any], film: str, video: str) -> Iterable[Any]:
        snippet = thread.get("snippet") or {}
        total = int(snippet.get("totalReplyCount") or 0)
        yield self.post_from(snippet.get("topLevelComment") or {}, film, video, replies=total)
        inline = (thread.get("replies") or {}).get("comments", [])
        if not self.options.replies:  # type: ignore[attr-defined]
            return
        if total <= len(inline):
            yield from (self.post_from(c, film, video) for c in inline)
            self.watch(thread, total)
            return
        self.watch(thread, 0, first=True)  # until its replies are all read
        params = {
            "part": "snippet",
            "parentId": str(thread.get("id")),
            "maxResults": str(self.options.page_size),
        }
        params |= {"textFormat": "plainText"}
        meta = {"film": film, "video": video, "thread": thread, "query_params": params}
        yield self.api("comments", params, self.parse_replies, **meta)

    def parse_replies(self, response: Response) -> Iterable[Any]:
        meta, data = response.meta, self.json_of(response) or {}
        for comment in data.get("items", []):
            yield self.post_from(comment, meta["film"], meta["video"])
        token = data.get("nextPageToken")
        if token and self.within_budget(meta["page"] + 1):
            params = {**meta["query_params"], "pageToken": token}
            yield self.api(
                "comments",
                params,
                self.parse_replies,
                **{**self.carry(meta), "page": meta["page"] + 1},
            )
        else:
            total = int((meta["thread"].get("snippet") or {}).get("totalReplyCount") or 0)
            self.watch(meta["thread"], total)

    def watch(self, thread: dict[str, Any], replies: int, first: bool = False) -> None:
        """Remember how many replies of a thread were read; `first` only marks a thread whose
        replies are still to be read (if that fails, the next run reads them)."""
        top = ((thread.get("snippet") or {}).get("topLevelComment") or {}).get("snippet") or {}
        video = (thread.get("snippet") or {}).get("videoId") or top.get("videoId")
        key = f"thread|{video}|{thread.get('id')}"
        if first and (key in self.cursors.pending or self.cursors.get(key)):
            return
        self.cursors.propose(key, f"{top.get('publishedAt')}|{replies}")

    def post_from(
        self, comment: dict[str, Any], film: str, video: str, replies: int | None = None
    ) -> Post:
        snippet = comment.get("snippet") or {}
        comment_id, parent = str(comment.get("id", "")), snippet.get("parentId")
        return Post(
            source="youtube",
            source_id=comment_id,
            url=f"https://www.youtube.com/watch?v={video}&lc={comment_id}",
            text=str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
            published_at=_time(str(snippet.get("publishedAt", ""))),
            films=[film],
            author=snippet.get("authorDisplayName"),
            query=f"video:{video}",
            likes=snippet.get("likeCount"),
            replies=replies,
            parent_id=stable_id("youtube", parent) if parent else None,
            extras={"video": video},
        )

    def next_request(self, data: Any, response: Response) -> scrapy.Request | None:
        token = data.get("nextPageToken") if isinstance(data, dict) else None
        if not token or response.meta.get("reached_cursor"):
            return None
        return self.api("commentThreads", {**response.meta["query_params"], "pageToken": token})

    def on_error(self, failure: Failure) -> Any:
        super().on_error(failure)
        response = getattr(failure.value, "response", None)
        if response is not None and reason(response) in FATAL:
            raise CloseSpider(reason(response))

    def hint_for(self, response: Response) -> str:
        why = reason(response)
        video = getattr(response, "meta", {}).get("video", "?")
        hints = {
            "quotaExceeded": " — the YouTube API quota for today is used up (it resets at midnight Pacific time); youtube stops for this run",
            "keyInvalid": " — YouTube rejected FILMBUZZ_YOUTUBE_API_KEY; check the key and that the YouTube Data API is enabled for it",
            "commentsDisabled": f" — comments are turned off on video {video}; remove it from [films.ids] youtube",
            "videoNotFound": f" — no video {video}; check [films.ids] youtube",
        }
        return hints.get(why, f" ({why})" if why else "")

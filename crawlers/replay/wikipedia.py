"""The MediaWiki action API of a language edition (`{lang}.wikipedia.org/w/api.php`): redirects."""

from __future__ import annotations

import zlib
from typing import Any

from crawlers.replay.reply import ROBOTS_ALLOW_ALL, Reply, Request, json_reply, text_reply
from crawlers.replay.snapshot import Snapshot


def app(snapshot: Snapshot, project: str, request: Request) -> Reply:
    if request.path == "/robots.txt":
        return text_reply(ROBOTS_ALLOW_ALL, "text/plain")
    if request.path != "/w/api.php" or request.arg("action") != "query":
        return json_reply(
            {"error": {"code": "badvalue", "info": 'Unrecognized value for parameter "action".'}}
        )
    redirects: dict[str, str] = snapshot.catalog.get("wikipedia_redirects", {}).get(project, {})
    articles = {v.article.replace("_", " ") for v in snapshot.pageviews if v.project == project}
    query: dict[str, Any] = {}
    pages = []
    for asked in (request.arg("titles") or "").split("|"):
        title = asked.replace("_", " ").strip()
        if title != asked:
            query.setdefault("normalized", []).append(
                {"fromencoded": False, "from": asked, "to": title}
            )
        if request.arg("redirects") is not None and title in redirects:
            query.setdefault("redirects", []).append({"from": title, "to": redirects[title]})
            title = redirects[title]
        if title in articles:
            pages.append({"pageid": zlib.crc32(title.encode()) % 10**7, "ns": 0, "title": title})
        else:
            pages.append({"ns": 0, "title": title, "missing": True})
    query["pages"] = pages
    return json_reply({"batchcomplete": True, "query": query})

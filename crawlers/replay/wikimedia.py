"""Wikimedia REST pageviews per article, as `wikimedia.org/api/rest_v1/metrics/pageviews` answers."""

from __future__ import annotations

import re
from urllib.parse import unquote

from crawlers.replay.reply import ROBOTS_ALLOW_ALL, Reply, Request, json_reply, text_reply
from crawlers.replay.snapshot import Snapshot

_PATH = re.compile(
    r"^/api/rest_v1/metrics/pageviews/per-article/([^/]+)/([^/]+)/([^/]+)/([^/]+)/(daily|monthly)/(\d{8})(?:\d\d)?/(\d{8})(?:\d\d)?$"
)


def app(snapshot: Snapshot, request: Request) -> Reply:
    if request.path == "/robots.txt":
        return text_reply(ROBOTS_ALLOW_ALL, "text/plain")
    match = _PATH.match(request.path)
    if not match or match.group(5) != "daily":
        return _not_found(request)
    project, access, agent, article, _, start, end = match.groups()
    article = unquote(article)
    items = [
        {
            "project": project,
            "article": article,
            "granularity": "daily",
            "timestamp": f"{v.day}00",
            "access": access,
            "agent": agent,
            "views": v.views,
        }
        for v in snapshot.pageviews
        if v.project == project and v.article == article and start <= v.day <= end
    ]
    if not items:
        return _not_found(request)
    return json_reply({"items": sorted(items, key=lambda i: i["timestamp"])})


def _not_found(request: Request) -> Reply:
    return json_reply(
        {
            "type": "https://mediawiki.org/wiki/HyperSwitch/errors/not_found",
            "title": "Not found.",
            "method": "get",
            "detail": "The date(s) you used are valid, but we either do not have data for those date(s), "
            "or the project you asked for is not loaded yet. Please check documentation for more information.",
            "uri": request.path,
        },
        status=404,
    )

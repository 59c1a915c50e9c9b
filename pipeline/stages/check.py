"""`filmbuzz check`: is each source reachable, are its credentials accepted, does it find the
films? One cheap request or a few per source, none of which reads billed posts.

Each check returns one `SourceCheck`: `ok`, `warn` (it will run, but something is missing or
refused in part), `fail` (it would collect nothing) or `off` (not enabled).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode
from urllib.robotparser import RobotFileParser

from crawlers import credentials
from crawlers.hosts import HostMap
from pipeline.config import Config
from pipeline.stages.probe import Answer, Probe, Unreachable


@dataclass(frozen=True)
class SourceCheck:
    source: str
    status: str  # ok, warn, fail, off
    message: str


Check = Callable[[Config, Probe, Mapping[str, str]], SourceCheck]


def check_sources(
    config: Config,
    env: Mapping[str, str],
    host_map: dict[str, str] | None = None,
    timeout: float = 15.0,
) -> list[SourceCheck]:
    from crawlers.runner import user_agent

    probe = Probe(user_agent(config), HostMap(host_map), timeout)
    results = []
    for name in type(config.sources).model_fields:
        if not getattr(config.sources, name).enabled:
            results.append(SourceCheck(name, "off", "not enabled"))
            continue
        absent = credentials.missing(name, env)
        if absent:
            results.append(
                SourceCheck(name, "fail", f"set {' and '.join(absent)} in the environment")
            )
            continue
        try:
            results.append(CHECKS[name](config, probe, env))
        except Unreachable as exc:
            results.append(SourceCheck(name, "fail", f"unreachable: {exc}"))
    return results


def _outcome(source: str, fine: Sequence[object], problems: list[str], summary: str) -> SourceCheck:
    if not problems:
        return SourceCheck(source, "ok", summary)
    return SourceCheck(source, "warn" if fine else "fail", "; ".join(problems))


def _status_line(answer: Answer) -> str:
    data = answer.json()
    detail = (data.get("message") or data.get("detail")) if isinstance(data, dict) else None
    return f"HTTP {answer.status}" + (f" ({detail})" if isinstance(detail, str) else "")


def mastodon(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    tags = [f"#{t}" for film in config.films for t in film.hashtags]
    fine, problems = [], []
    for instance in config.sources.mastodon.instances:
        try:
            answer = probe.get(f"https://{instance}/api/v2/instance")
        except Unreachable as exc:
            problems.append(f"{instance} unreachable ({exc})")
            continue
        data = answer.json() if answer.status == 200 else None
        if not isinstance(data, dict):
            problems.append(f"{instance} answered {_status_line(answer)}")
            continue
        access = (data.get("configuration") or {}).get("timelines_access") or {}
        feeds = access.get("hashtag_feeds") or {}
        if "public" not in feeds.values() and {feeds.get("local"), feeds.get("remote")} - {None}:
            problems.append(f"{instance} shows hashtag timelines to signed-in users only")
        else:
            fine.append(instance)
    if not tags:
        problems.append("no film has a #hashtag in its aliases: nothing to follow")
    shown = ", ".join(tags[:4]) + (", …" if len(tags) > 4 else "")
    return _outcome("mastodon", fine, problems, f"{len(fine)} instance(s) answer; follows {shown}")


def letterboxd(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    films = [f for f in config.films if f.ids.letterboxd]
    problems = [f"{f.slug} has no [films.ids] letterboxd" for f in config.films if f not in films]
    robots = RobotFileParser()
    robots.parse(_robots(probe, "https://letterboxd.com/robots.txt").splitlines())
    fine = []
    for film in films:
        url = f"https://letterboxd.com/film/{film.ids.letterboxd}/"
        if not robots.can_fetch(probe.user_agent, f"{url}reviews/by/added/"):
            problems.append(f"robots.txt disallows {url}reviews/")
            continue
        answer = probe.get(url)
        if answer.status == 200:
            fine.append(film.slug)
        elif answer.status == 404:
            problems.append(f"no film at {url} (fix [films.ids] letterboxd of {film.slug})")
        elif answer.status in (403, 429, 503):
            problems.append(
                f'blocked (HTTP {answer.status}, Cloudflare): set impersonate = "chrome" under '
                "[sources.letterboxd] and pip install 'filmbuzz[impersonate]'"
            )
            break
        else:
            problems.append(f"{url} answered HTTP {answer.status}")
    return _outcome("letterboxd", fine, problems, f"film pages found: {', '.join(fine)}")


def _robots(probe: Probe, url: str) -> str:
    answer = probe.get(url)
    return answer.text() if answer.status == 200 else ""


def wikipedia(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    from crawlers.spiders.wikipedia import API, canonical_title

    articles = [(f.slug, lang, a) for f in config.films for lang, a in f.ids.wikipedia.items()]
    if not articles:
        return SourceCheck(
            "wikipedia", "warn", "no film has [films.ids] wikipedia: nothing to fetch"
        )
    found: list[tuple[str, str]] = []
    problems: list[str] = []
    for slug, lang, article in articles:
        query = urlencode({"action": "query", "format": "json", "formatversion": "2",
                           "redirects": "1", "titles": article})  # fmt: skip
        answer = probe.get(f"https://{lang}.wikipedia.org/w/api.php?{query}")
        title = canonical_title(answer.json(), article) if answer.status == 200 else None
        if title is None:
            problems.append(f"no article {article!r} on {lang}.wikipedia.org ({slug})")
        else:
            found.append((lang, title))
    if found:
        lang, title = found[0]
        end = datetime.now(UTC).date()
        days = f"{end - timedelta(days=30):%Y%m%d}/{end:%Y%m%d}"
        article = quote(title.replace(" ", "_"), safe="")
        answer = probe.get(f"{API}/{lang}.wikipedia/all-access/user/{article}/daily/{days}")
        if answer.status not in (200, 404):  # 404: no views in those days, the API answered
            problems.append(f"the pageviews API answered {_status_line(answer)}")
    return _outcome(
        "wikipedia", found, problems, f"{len(found)} article(s) found; pageviews API answers"
    )


def feeds(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    urls = config.sources.feeds.urls
    if not urls:
        return SourceCheck("feeds", "warn", "no urls under [sources.feeds]: nothing to read")
    fine, problems = [], []
    for url in urls:
        try:
            answer = probe.get(url)
        except Unreachable as exc:
            problems.append(f"{url} unreachable ({exc})")
            continue
        head = answer.text()[:2000]
        if answer.status != 200:
            problems.append(f"{url} answered HTTP {answer.status}")
        elif "<rss" not in head and "<feed" not in head:
            problems.append(f"{url} is not an RSS or Atom feed")
        else:
            fine.append(url)
    return _outcome("feeds", fine, problems, f"{len(fine)} feed(s) answer")


def bluesky(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    keys = credentials.read("bluesky", env)
    handle = keys["FILMBUZZ_BLUESKY_HANDLE"]
    body = {"identifier": handle, "password": keys["FILMBUZZ_BLUESKY_APP_PASSWORD"]}
    host = config.sources.bluesky.host
    answer = probe.post(
        f"https://{host}/xrpc/com.atproto.server.createSession",
        json.dumps(body).encode(),
        {"Content-Type": "application/json"},
    )
    data = answer.json()
    if answer.status == 200 and isinstance(data, dict) and data.get("accessJwt"):
        return SourceCheck("bluesky", "ok", f"signed in as {handle} on {host}")
    return SourceCheck(
        "bluesky", "fail", f"{host} refused the handle or app password: {_status_line(answer)}"
    )


def reddit(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    keys = credentials.read("reddit", env)
    pair = f"{keys['FILMBUZZ_REDDIT_CLIENT_ID']}:{keys['FILMBUZZ_REDDIT_CLIENT_SECRET']}"
    headers = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    answer = probe.post(
        "https://www.reddit.com/api/v1/access_token", b"grant_type=client_credentials", headers
    )
    data = answer.json()
    if answer.status == 200 and isinstance(data, dict) and data.get("access_token"):
        options = config.sources.reddit
        where = f"{len(options.subreddits)} subreddit(s)" + (
            " and all of Reddit" if options.sitewide else ""
        )
        return SourceCheck("reddit", "ok", f"token granted; searches {where}")
    return SourceCheck(
        "reddit", "fail", f"Reddit refused the client id or secret: {_status_line(answer)}"
    )


def youtube(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    videos = [v for film in config.films for v in film.ids.youtube]
    if not videos:
        return SourceCheck(
            "youtube", "warn", "no film has [films.ids] youtube trailers: key not tried"
        )
    key = credentials.read("youtube", env)["FILMBUZZ_YOUTUBE_API_KEY"]
    query = urlencode({"part": "statistics", "id": ",".join(videos[:50])})
    answer = probe.get(
        f"https://www.googleapis.com/youtube/v3/videos?{query}", {"X-Goog-Api-Key": key}
    )
    data = answer.json()
    if answer.status != 200 or not isinstance(data, dict):
        return SourceCheck("youtube", "fail", _youtube_refusal(answer))
    found = {item.get("id") for item in data.get("items") or []}
    missing = [v for v in videos if v not in found]
    problems = [f"no video {v!r} (fix [films.ids] youtube)" for v in missing]
    return _outcome(
        "youtube", sorted(found), problems, f"key accepted; {len(found)} trailer(s) found"
    )


YOUTUBE_REASONS = {
    "keyInvalid": "the YouTube Data API refused the key (FILMBUZZ_YOUTUBE_API_KEY)",
    "quotaExceeded": "today's YouTube quota is used up; it resets at midnight Pacific time",
}


def _youtube_refusal(answer: Answer) -> str:
    data = answer.json()
    error = data.get("error") if isinstance(data, dict) else None
    errors = error.get("errors") if isinstance(error, dict) else None
    reason = errors[0].get("reason") if errors and isinstance(errors[0], dict) else None
    default = f"the YouTube Data API answered {reason or f'HTTP {answer.status}'}"
    return YOUTUBE_REASONS.get(str(reason), default)


def x(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    token = credentials.read("x", env)["FILMBUZZ_X_BEARER_TOKEN"]
    # The usage endpoint reads no posts, so it costs nothing on pay-per-use.
    answer = probe.get("https://api.x.com/2/usage/tweets", {"Authorization": f"Bearer {token}"})
    data = answer.json()
    if answer.status == 200 and isinstance(data, dict):
        usage = data.get("data") or {}
        read = usage.get("project_usage", "?")
        cap = usage.get("project_cap", "?")
        return SourceCheck("x", "ok", f"token accepted; {read} of {cap} posts read this month")
    if answer.status == 402:
        return SourceCheck("x", "fail", "token accepted, but the account has no credits left")
    return SourceCheck("x", "fail", f"X refused the bearer token: {_status_line(answer)}")


def tmdb(config: Config, probe: Probe, env: Mapping[str, str]) -> SourceCheck:
    from crawlers.spiders.tmdb import API

    keys = credentials.read("tmdb", env)
    token = keys.get("FILMBUZZ_TMDB_READ_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    auth = {} if token else {"api_key": keys["FILMBUZZ_TMDB_API_KEY"]}
    fine: list[str] = []
    problems: list[str] = []
    for film in config.films:
        if film.ids.tmdb:
            path, params = f"/movie/{film.ids.tmdb}/release_dates", auth
        else:
            path = "/search/movie"
            params = {"query": film.title, "year": str(film.year), **auth}
        answer = probe.get(f"{API}{path}" + (f"?{urlencode(params)}" if params else ""), headers)
        if answer.status == 401:
            which = "FILMBUZZ_TMDB_READ_TOKEN" if token else "FILMBUZZ_TMDB_API_KEY"
            return SourceCheck("tmdb", "fail", f"TMDB refused the key ({which})")
        data = answer.json()
        if answer.status == 404:
            problems.append(f"no TMDB movie {film.ids.tmdb} (fix [films.ids] tmdb of {film.slug})")
        elif answer.status != 200 or not isinstance(data, dict):
            problems.append(f"TMDB answered {_status_line(answer)} for {film.slug}")
        elif not film.ids.tmdb and not data.get("results"):
            problems.append(
                f"no TMDB movie matches {film.title!r} ({film.year}): set [films.ids] tmdb"
            )
        else:
            fine.append(film.slug)
    return _outcome("tmdb", fine, problems, f"key accepted; films found: {', '.join(fine)}")


CHECKS: dict[str, Check] = {
    "mastodon": mastodon,
    "letterboxd": letterboxd,
    "wikipedia": wikipedia,
    "feeds": feeds,
    "bluesky": bluesky,
    "reddit": reddit,
    "youtube": youtube,
    "x": x,
    "tmdb": tmdb,
}

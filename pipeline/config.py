"""The `filmbuzz.toml` config: tracked films, sources, store. Validated once, here."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.errors import ConfigError

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
# Paths and dates are written as strings in TOML (or as TOML dates): those two are converted.
LaxPath = Annotated[Path, Field(strict=False)]
LaxDate = Annotated[date, Field(strict=False)]


class Strict(BaseModel):
    """Unknown fields refused, and types strict: `enabled = "yes"` or `max_pages = "3"` is an
    error, not a guess."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ProjectConfig(Strict):
    name: str
    contact: str = Field(min_length=3)
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as 'America/Montreal'"
            ) from None
        return value


class ElasticsearchConfig(Strict):
    """Where the Elasticsearch store lives. Secrets (API key, password) come only from the
    environment: FILMBUZZ_ES_API_KEY, or FILMBUZZ_ES_USERNAME and FILMBUZZ_ES_PASSWORD."""

    url: str = "http://localhost:9200"  # FILMBUZZ_ES_URL overrides it
    index_prefix: str = Field(default="filmbuzz", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    flavor: Literal["elasticsearch", "opensearch"] = "elasticsearch"
    ca_certs: LaxPath | None = None  # FILMBUZZ_ES_CA_CERTS overrides it
    request_timeout: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=3, ge=0)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return checked_es_url(value)


class StoreConfig(Strict):
    backend: Literal["embedded", "elasticsearch"] = "embedded"
    path: LaxPath = Path("data")
    elasticsearch: ElasticsearchConfig = ElasticsearchConfig()


class FilmIds(Strict):
    letterboxd: str | None = None
    tmdb: int | None = Field(default=None, ge=1)  # without it, found by title and year
    wikipedia: dict[str, str] = {}
    youtube: list[str] = []


class FilmEvent(Strict):
    date: LaxDate
    kind: Literal["festival", "trailer", "release", "award", "other"]
    label: str
    country: CountryCode | None = None
    place: str | None = None  # the city or festival ('Karlovy Vary'): never an audience


class FilmRelease(Strict):
    country: CountryCode
    date: LaxDate
    kind: Literal["theatrical", "streaming", "vod", "tv"]


class Film(Strict):
    slug: Slug
    title: str = Field(min_length=1)
    year: int = Field(ge=1888, le=2100)
    titles: list[str] = []
    aliases: list[str] = []
    people: list[str] = []
    cast: list[str] = []  # performers: mentions like `people`, and praise of them is acting
    genres: list[str] = []
    ids: FilmIds = FilmIds()
    events: list[FilmEvent] = []
    releases: list[FilmRelease] = []

    @property
    def hashtags(self) -> list[str]:
        """Hashtag names (no `#`) to follow on social sources, from the aliases."""
        return [a[1:] for a in self.aliases if a.startswith("#") and len(a) > 1]


class SourceConfig(Strict):
    collects: ClassVar[str] = "posts"  # or "signals": daily numbers only, no posts
    enabled: bool = True
    max_pages: int = Field(default=20, ge=1)
    page_size: int = Field(default=100, ge=1, le=100)  # items asked per page, where the API lets us


class MastodonSource(SourceConfig):
    instances: list[str] = ["mastodon.social"]


class LetterboxdSource(SourceConfig):
    sort: Literal["added", "activity", "added-earliest", "rating", "entry-rating"] = "added"
    accounts: list[str] = []  # members whose RSS (`/{user}/rss/`) is read too
    stats: bool = True  # film page statistics and rating histogram, as Signals
    full_text: bool = True  # fetch the full text of truncated reviews
    impersonate: str | None = None  # e.g. "chrome": needs the `impersonate` extra


class BlueskySource(SourceConfig):
    host: str = "bsky.social"  # the PDS that creates the session and proxies searchPosts
    sort: Literal["latest", "top"] = "latest"
    jetstream: str = "jetstream2.us-east.bsky.network"  # for `filmbuzz listen bluesky`


class RedditSource(SourceConfig):
    subreddits: list[str] = []
    sitewide: bool = True
    comments: bool = True
    max_more: int = Field(default=3, ge=0)  # `more` expansions per thread
    watch_threads: int = Field(default=25, ge=0)  # recent threads re-checked for new comments


class YoutubeSource(SourceConfig):
    replies: bool = True
    watch_threads: int = Field(default=50, ge=0, le=50)  # threads re-checked for new replies


class XSource(SourceConfig):
    max_pages: int = Field(default=3, ge=1)  # pay-per-use: every post read is billed
    query_suffix: str = "-is:retweet"


class WikipediaSource(SourceConfig):
    collects: ClassVar[str] = "signals"
    start: LaxDate | None = None
    days: int = Field(default=120, ge=1)


class FeedsSource(SourceConfig):
    urls: list[str] = []


class TmdbSource(SourceConfig):
    """Release dates and where-to-watch offers per country (TMDB, offers from JustWatch)."""

    collects: ClassVar[str] = "signals"
    language: str = "en-US"  # for title search


class SourcesConfig(Strict):
    mastodon: MastodonSource = MastodonSource(enabled=False)
    letterboxd: LetterboxdSource = LetterboxdSource(enabled=False)
    wikipedia: WikipediaSource = WikipediaSource(enabled=False)
    feeds: FeedsSource = FeedsSource(enabled=False)
    bluesky: BlueskySource = BlueskySource(enabled=False)
    reddit: RedditSource = RedditSource(enabled=False)
    youtube: YoutubeSource = YoutubeSource(enabled=False)
    x: XSource = XSource(enabled=False)
    tmdb: TmdbSource = TmdbSource(enabled=False)

    def enabled(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name).enabled]

    @classmethod
    def post_sources(cls) -> list[str]:
        """Sources that collect posts (as opposed to signals only), in a stable order."""
        fields = cls.model_fields
        return [
            n for n, f in fields.items() if getattr(f.annotation, "collects", "posts") == "posts"
        ]


class ScheduleConfig(Strict):
    """Cron lines (minute hour day month weekday) for `filmbuzz schedule`; "" turns a job off."""

    run: str = "0 */2 * * *"  # crawl -> enrich -> index
    exports: str = "30 6 * * *"
    alerts: str = "15 * * * *"
    timezone: str | None = None  # default: [project] timezone
    misfire_grace_seconds: int = Field(default=900, ge=1)

    @field_validator("run", "exports", "alerts")
    @classmethod
    def _crontab(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        if value.strip():
            try:
                CronTrigger.from_crontab(value)
            except ValueError as exc:
                raise ValueError(f"not a cron line like '0 */2 * * *' ({exc})") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return ProjectConfig._known_zone(value) if value else value


class ExportsConfig(Strict):
    """Scheduled exports: `<folder>/<kind>-<YYYY-MM-DD>.<format>`, the folder relative to the config."""

    folder: LaxPath = Path("exports")
    format: Literal["csv", "xlsx"] = "csv"
    bom: bool = False  # start CSV files with a UTF-8 BOM, for Excel
    kinds: list[Literal["daily", "posts", "territories", "aspects"]] = [
        "daily", "posts", "territories", "aspects",
    ]  # fmt: skip
    days: int | None = Field(default=None, ge=1)  # only the last N days (default: everything)


class AlertsConfig(Strict):
    """Alert thresholds and delivery. The SMTP password comes only from FILMBUZZ_SMTP_PASSWORD."""

    baseline_days: int = Field(default=28, ge=7)
    min_increase: int = Field(default=6, ge=1)  # a spike is at least this many posts above normal
    p_value: float = Field(default=0.002, gt=0, lt=0.5)  # tail probability a spike must beat
    lookback_days: int = Field(default=3, ge=1)  # days judged on each check
    where_to_watch_min: int = Field(default=3, ge=1)  # asks in a week before "rising" can fire
    webhook: str | None = None  # JSON POST; FILMBUZZ_ALERTS_WEBHOOK overrides it
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_from: str | None = None
    smtp_to: list[str] = []
    timeout: float = Field(default=10.0, gt=0)


class Config(Strict):
    project: ProjectConfig
    store: StoreConfig = StoreConfig()
    films: list[Film] = Field(min_length=1)
    sources: SourcesConfig = SourcesConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    exports: ExportsConfig = ExportsConfig()
    alerts: AlertsConfig = AlertsConfig()
    path: LaxPath = Path("filmbuzz.toml")

    @model_validator(mode="after")
    def _unique_slugs(self) -> Config:
        seen: set[str] = set()
        for index, film in enumerate(self.films):
            if film.slug in seen:
                raise ValueError(f"films[{index}].slug: duplicate slug {film.slug!r}")
            seen.add(film.slug)
        return self

    def film(self, slug: str) -> Film:
        for film in self.films:
            if film.slug == slug:
                return film
        known = ", ".join(f.slug for f in self.films)
        raise ConfigError(f"{self.path}: no film with slug {slug!r} (tracked: {known})")

    @property
    def data_dir(self) -> Path:
        """The data folder, relative paths taken from the config file's folder."""
        path = self.store.path
        return path if path.is_absolute() else (self.path.parent / path).resolve()


def checked_es_url(value: str) -> str:
    """`value` if it is an http(s) URL with a host and a port; else ValueError (whose message
    leaves the URL out: it may hold a password)."""
    parts = urlsplit(value.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname or not port:
        raise ValueError(
            "not a URL with scheme, host and port; write it like http://localhost:9200"
        )
    return value.strip()


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; every problem becomes one ConfigError line."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: file not found; write one with `filmbuzz init --config {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path) -> Config:
    try:
        return Config.model_validate({**raw, "path": path})
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe(exc)}") from None


def describe(exc: ValidationError) -> str:
    """One line for the first problem: the field's path, what is wrong, what to do."""
    error = exc.errors()[0]
    where = _field_path(error["loc"])
    if (
        error["type"] == "extra_forbidden"
        and len(error["loc"]) == 2
        and error["loc"][0] == "sources"
    ):
        known = ", ".join(SourcesConfig.model_fields)
        return f"{where}: unknown source {error['loc'][1]!r}; known sources: {known}"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown field; check its spelling (docs/guide.md lists every field)"
    if error["type"] == "missing":
        return f"{where}: required field is missing; add it"
    message = str(error["msg"]).removeprefix("Value error, ")
    if message.startswith("films["):
        return f"{message}; give each film its own slug"
    if where.endswith("url"):  # a URL may carry a password: never echo it
        return f"{where}: {message}"
    return f"{where}: {message} (got {error.get('input')!r})"


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"

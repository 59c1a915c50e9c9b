"""The `filmbuzz.toml` config: tracked films, sources, store. Validated once, here."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.errors import ConfigError

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    url: str = "http://localhost:9200"
    index_prefix: str = "filmbuzz"
    flavor: Literal["elasticsearch", "opensearch"] = "elasticsearch"


class StoreConfig(Strict):
    backend: Literal["embedded", "elasticsearch"] = "embedded"
    path: Path = Path("data")
    elasticsearch: ElasticsearchConfig = ElasticsearchConfig()


class FilmIds(Strict):
    letterboxd: str | None = None
    wikipedia: dict[str, str] = {}
    youtube: list[str] = []


class FilmEvent(Strict):
    date: date
    kind: Literal["festival", "trailer", "release", "award", "other"]
    label: str
    country: CountryCode | None = None


class FilmRelease(Strict):
    country: CountryCode
    date: date
    kind: Literal["theatrical", "streaming", "vod", "tv"]


class Film(Strict):
    slug: Slug
    title: str = Field(min_length=1)
    year: int = Field(ge=1888, le=2100)
    titles: list[str] = []
    aliases: list[str] = []
    people: list[str] = []
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


class MastodonSource(SourceConfig):
    instances: list[str] = ["mastodon.social"]


class LetterboxdSource(SourceConfig):
    sort: Literal["added", "activity", "added-earliest", "rating", "entry-rating"] = "added"


class WikipediaSource(SourceConfig):
    collects: ClassVar[str] = "signals"
    start: date | None = None
    days: int = Field(default=120, ge=1)


class FeedsSource(SourceConfig):
    urls: list[str] = []


class SourcesConfig(Strict):
    mastodon: MastodonSource = MastodonSource(enabled=False)
    letterboxd: LetterboxdSource = LetterboxdSource(enabled=False)
    wikipedia: WikipediaSource = WikipediaSource(enabled=False)
    feeds: FeedsSource = FeedsSource(enabled=False)

    def enabled(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name).enabled]

    @classmethod
    def post_sources(cls) -> list[str]:
        """Sources that collect posts (as opposed to signals only), in a stable order."""
        fields = cls.model_fields
        return [
            n for n, f in fields.items() if getattr(f.annotation, "collects", "posts") == "posts"
        ]


class Config(Strict):
    project: ProjectConfig
    store: StoreConfig = StoreConfig()
    films: list[Film] = Field(min_length=1)
    sources: SourcesConfig = SourcesConfig()
    path: Path = Path("filmbuzz.toml")

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


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; every problem becomes one ConfigError line."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: file not found; copy filmbuzz.example.toml and edit it"
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
        return f"{where}: unknown field; check its spelling against filmbuzz.example.toml"
    if error["type"] == "missing":
        return f"{where}: required field is missing; add it"
    message = str(error["msg"]).removeprefix("Value error, ")
    if message.startswith("films["):
        return f"{message}; give each film its own slug"
    return f"{where}: {message} (got {error.get('input')!r})"


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"

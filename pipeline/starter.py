"""The configs that ship in the package: the demo's example, and `filmbuzz init`'s starter.

`render_starter` fills `templates/starter.toml` (and one `templates/film.toml` per film) from a
few answers; the result is validated like any config before it is written. `contact_warning`
notices a contact address left as an example.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from pipeline.config import Config, SourcesConfig, parse_config
from pipeline.errors import ConfigError

TEMPLATES = Path(__file__).resolve().with_name("templates")
EXAMPLE_CONFIG = TEMPLATES / "filmbuzz.example.toml"
NO_KEY_SOURCES = ("mastodon", "letterboxd", "wikipedia", "feeds")
# Names reserved for examples (RFC 2606): mail sent there reaches nobody.
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
EXAMPLE_TLDS = ("example", "test", "invalid", "localhost")
_FILM = re.compile(r"^\s*(?P<title>.+?)\s*\(\s*(?P<year>\d{4})\s*\)\s*$")


@dataclass(frozen=True)
class FilmAnswer:
    title: str
    year: int


@dataclass
class Answers:
    name: str
    contact: str
    films: list[FilmAnswer]
    sources: list[str] = field(default_factory=lambda: list(NO_KEY_SOURCES))
    timezone: str = "UTC"


def parse_film(text: str) -> FilmAnswer:
    """'Red Rooms (2023)' -> FilmAnswer('Red Rooms', 2023)."""
    match = _FILM.match(text)
    if not match:
        raise ConfigError(f"film {text!r}: give the title and the year, like 'Red Rooms (2023)'")
    return FilmAnswer(match["title"], int(match["year"]))


def check_sources(names: list[str]) -> list[str]:
    known = list(SourcesConfig.model_fields)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"source {unknown[0]!r} is unknown; known sources: {', '.join(known)}")
    return names


def slugify(title: str) -> str:
    """'Les Chambres rouges' -> 'les-chambres-rouges'; '' when nothing Latin is left."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def hashtag(title: str) -> str | None:
    """'Past Lives' -> '#PastLives'."""
    word = re.sub(r"\W+", "", title)
    return f"#{word}" if word else None


def render_starter(answers: Answers, path: Path) -> str:
    """The commented starter config; raises ConfigError if the answers make it invalid."""
    films, taken = [], set()
    for film in answers.films:
        slug = slugify(film.title) or f"film-{film.year}"
        if slug in taken:
            slug = f"{slug}-{film.year}"
        taken.add(slug)
        films.append(_film_block(film, slug))
    on = {name: _toml(name in answers.sources) for name in SourcesConfig.model_fields}
    values = {"name": answers.name, "contact": answers.contact, "timezone": answers.timezone}
    text = _template("starter.toml").substitute(
        {k: _toml(v) for k, v in values.items()}, films="".join(films), **on
    )
    parse_config(tomllib.loads(text), path)  # names the field if an answer is not valid
    return text


def _film_block(film: FilmAnswer, slug: str) -> str:
    tag = hashtag(film.title)
    return _template("film.toml").substitute(
        slug=_toml(slug),
        title=_toml(film.title),
        year=film.year,
        hashtag=_toml(tag) if tag else "",
    )


def write_starter(path: Path, text: str, force: bool = False) -> Path:
    """Write the config whole or not at all; an existing file is kept unless `force`."""
    if path.exists() and not force:
        raise ConfigError(
            f"{path}: already exists; give another --config, or --force to replace it"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def contact_warning(config: Config) -> str | None:
    """A line when `[project] contact` is an example address that reaches nobody."""
    contact = config.project.contact.strip()
    host = contact.rsplit("@", 1)[-1] if "@" in contact else re.sub(r"^\w+://", "", contact)
    host = host.split("/", 1)[0].split(":", 1)[0].lower().rstrip(".")
    example = host.endswith(tuple(f".{d}" for d in EXAMPLE_DOMAINS)) or host in EXAMPLE_DOMAINS
    if not example and host.rsplit(".", 1)[-1] not in EXAMPLE_TLDS:
        return None
    return (
        f"{config.path}: warning: [project] contact {contact!r} is an example address; sites "
        "read it in the crawlers' User-Agent to reach you: put your own e-mail or web page"
    )


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def _toml(value: str | bool) -> str:
    # A JSON string is a valid TOML basic string; JSON's true/false are TOML's booleans.
    return json.dumps(value, ensure_ascii=False)

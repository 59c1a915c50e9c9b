from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import ConfigError
from tests.conftest import EXAMPLE

MINIMAL = """
[project]
name = "t"
contact = "t@example.org"

[[films]]
slug = "red-rooms"
title = "Red Rooms"
year = 2023
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "filmbuzz.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_example_loads_three_films_with_events() -> None:
    config = load_config(EXAMPLE)
    assert [f.slug for f in config.films] == ["red-rooms", "monster", "past-lives"]
    red_rooms = config.film("red-rooms")
    assert red_rooms.hashtags == ["RedRooms", "LesChambresRouges"]
    assert {e.kind for e in red_rooms.events} >= {"festival", "release"}
    assert config.sources.enabled() == ["mastodon", "letterboxd", "wikipedia", "feeds"]


def test_config_relative_data_folder_is_next_to_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.data_dir == (tmp_path / "data").resolve()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MINIMAL.replace('contact = "t@example.org"\n', ""),
            r"project\.contact: required field is missing",
        ),
        (MINIMAL.replace("year = 2023", 'year = "soon"'), r"films\[0\]\.year: .*integer"),
        (
            MINIMAL + '\n[[films.events]]\ndate = "2023-13-45"\nkind = "festival"\nlabel = "x"\n',
            r"films\[0\]\.events\[0\]\.date",
        ),
        (
            MINIMAL + '\n[[films.events]]\ndate = 2023-07-04\nkind = "party"\nlabel = "x"\n',
            r"films\[0\]\.events\[0\]\.kind",
        ),
        (
            MINIMAL
            + '\n[[films.releases]]\ndate = 2023-07-04\nkind = "theatrical"\ncountry = "Canada"\n',
            r"films\[0\]\.releases\[0\]\.country",
        ),
        (
            MINIMAL + MINIMAL.split("[project]")[1].split('contact = "t@example.org"')[1],
            r"films\[1\]\.slug: duplicate slug 'red-rooms'",
        ),
        (
            MINIMAL + "\n[sources.myspace]\nenabled = true\n",
            r"sources\.myspace: unknown source 'myspace'; known sources: mastodon",
        ),
        (MINIMAL + '\n[sources.mastodon]\nenabled = "yes please"\n', r"sources\.mastodon\.enabled"),
        (
            MINIMAL.replace('name = "t"', 'name = "t"\ntimezone = "Mars/Olympus"'),
            r"project\.timezone: unknown time zone",
        ),
        ("[project\nname=", r"not valid TOML"),
    ],
)
def test_config_errors_name_the_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert re.search(expected, message), message
    assert "\n" not in message


def test_config_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"file not found; write one with `filmbuzz init"):
        load_config(tmp_path / "nope.toml")


def test_config_error_exits_non_zero_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MINIMAL.replace("year = 2023", "year = 1500"))
    assert main(["enrich", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "films[0].year" in err and "Traceback" not in err

"""`filmbuzz init` and `filmbuzz check`: a starter config, then each source reached offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.replay import ReplaySite
from crawlers.replay.accounts import DEMO_ENV, enable_all_sources
from pipeline.cli import main
from pipeline.config import load_config
from tests.conftest import EXAMPLE

KEYED = ("bluesky", "reddit", "youtube", "x", "tmdb")


def lines_of(text: str) -> dict[str, str]:
    return {line.split()[0]: line for line in text.splitlines() if line.strip()}


@pytest.fixture
def demo_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in DEMO_ENV.items():
        monkeypatch.setenv(name, value)


def init(path: Path, *extra: str) -> int:
    films = ["--film", "Red Rooms (2023)", "--film", "Past Lives (2023)"]
    return main(["init", "--config", str(path), "--contact", "me@distributor.ca", *films, *extra])


def test_init_with_flags_then_check_reaches_every_source(
    tmp_path: Path,
    replay: ReplaySite,
    demo_keys: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "mine" / "filmbuzz.toml"
    sources = [
        arg for name in ("mastodon", "letterboxd", "feeds", *KEYED) for arg in ("--source", name)
    ]
    assert init(path, "--name", "Les Films Ouest", "--timezone", "America/Montreal", *sources) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    config = load_config(path)
    assert [(f.slug, f.title, f.year, f.hashtags) for f in config.films] == [
        ("red-rooms", "Red Rooms", 2023, ["RedRooms"]),
        ("past-lives", "Past Lives", 2023, ["PastLives"]),
    ]
    assert config.sources.enabled() == ["mastodon", "letterboxd", "feeds", *KEYED]
    assert config.data_dir == (tmp_path / "mine" / "data").resolve()
    assert "# " in path.read_text(encoding="utf-8")  # commented for the reader

    host_map = json.dumps(replay.host_map)
    assert main(["check", "--config", str(path), "--host-map", host_map]) == 0
    captured = capsys.readouterr()
    lines = lines_of(captured.out)
    assert "valid; 2 film(s): red-rooms, past-lives" in captured.out
    assert lines["mastodon"].split()[1] == "ok" and "#RedRooms, #PastLives" in lines["mastodon"]
    assert "film pages found: red-rooms, past-lives" in lines["letterboxd"]
    assert lines["feeds"].split()[1] == "ok"
    assert lines["wikipedia"].split()[1] == "off"
    assert "signed in as" in lines["bluesky"] and "token granted" in lines["reddit"]
    assert lines["x"].split()[1] == "ok"
    assert lines["youtube"].split()[1] == "warn"  # no trailer ids in a starter config
    assert "films found: red-rooms, past-lives" in lines["tmdb"]  # by title and year
    assert "warning" not in captured.err  # a real contact: no warning


def test_check_names_refused_keys_and_unknown_ids(
    tmp_path: Path,
    replay: ReplaySite,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = enable_all_sources(EXAMPLE.read_text(encoding="utf-8"))
    text = text.replace('letterboxd = "past-lives"', 'letterboxd = "past-lives-typo"')
    text = text.replace('youtube = ["Pl7A24Trl04"]', 'youtube = ["NoSuchVid01"]')
    text = text.replace('en = "Past Lives (film)"', 'en = "Past Lifes (film)"')
    text = text.replace("tmdb = 1050035", "tmdb = 999")
    path = tmp_path / "filmbuzz.toml"
    path.write_text(text, encoding="utf-8")
    for name, value in DEMO_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FILMBUZZ_REDDIT_CLIENT_SECRET", "wrong")
    monkeypatch.setenv("FILMBUZZ_X_BEARER_TOKEN", "wrong")
    monkeypatch.delenv("FILMBUZZ_BLUESKY_APP_PASSWORD")
    assert main(["check", "--config", str(path), "--host-map", json.dumps(replay.host_map)]) == 1
    captured = capsys.readouterr()
    lines = lines_of(captured.out)
    assert (
        lines["reddit"].split()[1] == "fail"
        and "refused the client id or secret" in lines["reddit"]
    )
    assert lines["x"].split()[1] == "fail" and "HTTP 401" in lines["x"]
    assert "set FILMBUZZ_BLUESKY_APP_PASSWORD" in lines["bluesky"]
    assert lines["letterboxd"].split()[1] == "warn"
    assert "no film at https://letterboxd.com/film/past-lives-typo/" in lines["letterboxd"]
    assert lines["youtube"].split()[1] == "warn" and "'NoSuchVid01'" in lines["youtube"]
    assert lines["wikipedia"].split()[1] == "warn"
    assert "no article 'Past Lifes (film)' on en.wikipedia.org (past-lives)" in lines["wikipedia"]
    assert lines["mastodon"].split()[1] == "ok" and "2 instance(s)" in lines["mastodon"]
    assert lines["tmdb"].split()[1] == "warn"
    assert "no TMDB movie 999 (fix [films.ids] tmdb of monster)" in lines["tmdb"]
    # the example's contact is left in place: one warning line, and no secret printed
    assert "[project] contact 'buzz@example.org' is an example address" in captured.err
    assert "demo-youtube-key" not in captured.out + captured.err


def test_check_says_when_a_source_cannot_be_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "filmbuzz.toml"
    assert init(path, "--source", "feeds") == 0
    # a closed loopback port stands in for the feed hosts
    dead = {
        "www.indiewire.com": "http://127.0.0.1:9",
        "filmmakermagazine.com": "http://127.0.0.1:9",
    }
    assert main(["check", "--config", str(path), "--host-map", json.dumps(dead)]) == 1
    line = lines_of(capsys.readouterr().out)["feeds"]
    assert line.split()[1] == "fail" and "unreachable" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--contact", "me@distributor.ca"], "give --contact and at least one --film"),
        (["--contact", "me@distributor.ca", "--film", "Red Rooms"], "like 'Red Rooms (2023)'"),
        (
            ["--contact", "me@d.ca", "--film", "A (2020)", "--source", "imdb"],
            "source 'imdb' is unknown",
        ),
        (
            ["--contact", "me@d.ca", "--film", "A (2020)", "--timezone", "Mars/Base"],
            "unknown time zone",
        ),
    ],
)
def test_init_refuses_bad_answers_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = tmp_path / "filmbuzz.toml"
    assert main(["init", "--config", str(path), "--no-input", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not path.exists()


def test_init_keeps_an_existing_config_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "filmbuzz.toml"
    path.write_text("# mine\n", encoding="utf-8")
    assert init(path) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "# mine\n"
    assert init(path, "--force") == 0
    assert load_config(path).project.contact == "me@distributor.ca"


def test_init_warns_about_an_example_contact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "filmbuzz.toml"
    argv = ["init", "--config", str(path), "--contact", "https://films.example.com/contact"]
    assert main([*argv, "--film", "Monster (2023)"]) == 0
    assert "is an example address" in capsys.readouterr().err


def test_check_names_a_refused_tmdb_token(
    tmp_path: Path,
    replay: ReplaySite,
    demo_keys: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "filmbuzz.toml"
    assert init(path, "--source", "tmdb") == 0
    monkeypatch.setenv("FILMBUZZ_TMDB_READ_TOKEN", "expired-token")  # preferred over the key
    assert main(["check", "--config", str(path), "--host-map", json.dumps(replay.host_map)]) == 1
    line = lines_of(capsys.readouterr().out)["tmdb"]
    assert line.split()[1] == "fail" and "TMDB refused the key (FILMBUZZ_TMDB_READ_TOKEN)" in line
    assert "expired-token" not in line

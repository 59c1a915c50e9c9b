"""The filmbuzz command end to end: analyze, the demo flow, exports and reports, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from tests.conftest import EXAMPLE


def test_cli_analyze_writes_one_line_per_input(tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    lines = [
        {
            "id": "a",
            "text": "Just saw Red Rooms, brilliant and chilling. The acting is incredible.",
        },
        {
            "id": "b",
            "text": "Onde assistir Vidas Passadas no Brasil? Quero muito ver.",
            "lang": "pt",
        },
        {"id": "c", "text": "monster trucks this weekend"},
    ]
    source.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8"
    )
    target = tmp_path / "out.jsonl"
    assert (
        main(["analyze", "--config", str(EXAMPLE), "--input", str(source), "--output", str(target)])
        == 0
    )
    results = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ["a", "b", "c"]
    for result in results:
        assert set(result) >= {"id", "lang", "films", "sentiment", "intents", "aspects"}
        assert result["sentiment"]["label"] in {"pos", "neg", "neu"}
        assert -1 <= result["sentiment"]["score"] <= 1
    a, b, c = results
    assert (a["lang"], a["films"], a["sentiment"]["label"]) == ("en", ["red-rooms"], "pos")
    assert {"aspect": "acting", "sentiment": "pos"} in a["aspects"]
    assert (b["lang"], b["films"]) == ("pt", ["past-lives"])
    assert {"where_to_watch", "want_to_see"} <= set(b["intents"])
    assert c["films"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "ok"}\n{"id": "b", "text": \n', "line 2: not valid JSON"),
        ('{"id": "a"}\n', "line 1: field 'text' is missing"),
        ('["a", "b"]\n', "line 1: expected a JSON object"),
    ],
)
def test_cli_analyze_bad_input_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(content, encoding="utf-8")
    target = tmp_path / "out.jsonl"
    assert (
        main(["analyze", "--config", str(EXAMPLE), "--input", str(source), "--output", str(target)])
        == 2
    )
    err = capsys.readouterr().err
    assert f"{source}, {message}" in err and "Traceback" not in err
    assert not target.exists()


def test_cli_export_unknown_film_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "export",
                "daily",
                "--config",
                str(EXAMPLE),
                "--film",
                "jaws",
                "--out",
                str(tmp_path / "x.csv"),
            ]
        )
        == 2
    )
    assert (
        "no film with slug 'jaws' (tracked: red-rooms, monster, past-lives)"
        in capsys.readouterr().err
    )


@pytest.mark.slow
def test_cli_demo_runs_the_whole_flow_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", "--config", str(EXAMPLE), "--out", str(folder), "--no-serve"]) == 0
    exports = sorted((folder / "exports").glob("daily-*.csv"))
    reports = sorted((folder / "reports").glob("*.html"))
    assert [p.name for p in exports] == [
        "daily-monster.csv",
        "daily-past-lives.csv",
        "daily-red-rooms.csv",
    ]
    assert len(reports) == 3 and all(p.stat().st_size > 100_000 for p in reports)
    with exports[-1].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(int(r["mentions"]) for r in rows) > 150
    assert {"mastodon_mentions", "letterboxd_mentions", "feeds_mentions"} <= set(rows[0])
    first = capsys.readouterr().out
    assert "enriched 0 posts" not in first
    # per film and country: release status today and where it streams, from the tmdb source
    assert "red-rooms    CA  Streaming, rent or buy · streams on Crave" in first
    assert "monster      US  Streaming, rent or buy · rent or buy: Amazon Video; Apple TV" in first
    report = (folder / "reports" / "red-rooms.html").read_text(encoding="utf-8")
    assert "Where to watch" in report and "JustWatch" in report
    with (folder / "exports" / "territories.csv").open(encoding="utf-8") as handle:
        places = {(r["film"], r["country"]): r for r in csv.DictReader(handle)}
    assert places[("past-lives", "US")]["streaming"] == "Netflix"
    assert places[("red-rooms", "CA")]["release_source"] == "config"
    # a second demo over the same snapshot and folder adds nothing anywhere
    assert main(["demo", "--config", str(EXAMPLE), "--out", str(folder), "--no-serve"]) == 0
    assert "enriched 0 posts; indexed 0 posts, 0 signals" in capsys.readouterr().out
    config = str(folder / "filmbuzz.toml")
    assert main(["sources", "--config", config]) == 0
    for line in capsys.readouterr().out.splitlines():
        assert not (" ok " in line and "missing:" in line), line
    assert (
        main(
            [
                "export",
                "daily",
                "--config",
                config,
                "--film",
                "red-rooms",
                "--out",
                str(tmp_path / "again.csv"),
            ]
        )
        == 0
    )
    assert (tmp_path / "again.csv").read_text(encoding="utf-8") == exports[-1].read_text(
        encoding="utf-8"
    )


@pytest.mark.slow
def test_cli_demo_runs_on_the_elasticsearch_store(tmp_path: Path, osmem_clone: Any) -> None:
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace('backend = "embedded"', 'backend = "elasticsearch"')
        .replace(
            'index_prefix = "filmbuzz"',
            'index_prefix = "demo"\nflavor = "opensearch"\nmax_retries = 1',
        )
        .replace('url = "http://localhost:9200"', f'url = "{osmem_clone.url}"')
    )
    config = tmp_path / "es.toml"
    config.write_text(text, encoding="utf-8")
    folder = tmp_path / "demo"
    assert main(["demo", "--config", str(config), "--out", str(folder), "--no-serve"]) == 0
    demo_config = str(folder / "filmbuzz.toml")
    assert main(["index", "--config", demo_config, "--check"]) == 0
    assert (folder / "exports" / "daily-red-rooms.csv").stat().st_size > 1000
    assert main(["index", "--config", demo_config, "--rebuild"]) == 0
    assert main(["index", "--config", demo_config, "--check"]) == 0

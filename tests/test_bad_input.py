"""Bad input, bad paths and wrong types: one line naming the file or field and a non-zero exit,
never a traceback, never a stray temporary file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from nlp.pipeline import Analysis, Analyzer, PostInput, failed_analysis
from pipeline.cli import main
from pipeline.config import Config
from pipeline.exports import neutralise
from pipeline.stages.analyze_file import analyze_file
from tests.conftest import EXAMPLE
from tests.factories import enriched_post, posts
from tests.test_config import MINIMAL

NEUTRAL = Analysis("en", [], [], "neu", 0.0, [], [], None, [])


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _analyze(source: Path, target: Path) -> list[str]:
    return ["analyze", "--config", str(EXAMPLE), "--input", str(source), "--output", str(target)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n', "line 2: not UTF-8 (byte"),
        (b'{"id": "a", "text": "x", "films": "red-rooms"}\n', "line 1: field 'films': input should be a valid list"),
        (b'{"id": "a", "text": "x", "lang": 3}\n', "line 1: field 'lang': input should be a valid string"),
        (b'{"id": "a", "text": "x", "rating": true}\n', "line 1: field 'rating': input should be a valid number"),
        (b'{"id": "a", "text": "x", "rating": 7}\n', "line 1: field 'rating': input should be less than or equal to 5"),
        (b'{"id": "a", "text": ["x"]}\n', "line 1: field 'text': input should be a valid string"),
        (b'{"id": "\\ud83d", "text": "x"}\n', "line 1: field 'id' holds an invalid character"),
        (b'{"id": "a", "text": "x", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "line 1: JSON nested too deeply"),
    ],
)  # fmt: skip
def test_analyze_bad_line_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(content)
    code, _, err = _run(_analyze(source, target), capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert f"{source}, {message}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_analyze_accepts_a_bom_and_repairs_lone_surrogates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [
        '{"id": "a", "text": "Red Rooms \\ud83d is chilling"}',
        '{"id": "b", "text": "Monster"}',
    ]
    source.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    code, _, err = _run(_analyze(source, target), capsys)
    assert code == 0, err
    results = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ["a", "b"] and results[0]["films"] == ["red-rooms"]


def test_analyze_output_has_one_line_per_post_whatever_the_line_breaks_inside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # U+0085, U+2028 and U+2029 are legal raw in JSON strings, and line breaks to str.splitlines
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids = ["\x85", "a\u2028b", "c\u2029"]
    source.write_text("".join(json.dumps({"id": i, "text": "Red Rooms"}) + "\n" for i in ids))
    code, _, err = _run(_analyze(source, target), capsys)
    assert code == 0, err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids


@pytest.mark.parametrize(
    ("target", "message"),
    [("{dir}", "is a folder"), ("{dir}/in.jsonl/out.jsonl", "in.jsonl is a file, not a folder"),
     ("/", "is a folder")],
)  # fmt: skip
def test_analyze_unwritable_output_is_one_line_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, message: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    root_before = set(Path("/").iterdir())
    code, _, err = _run(_analyze(source, Path(target.format(dir=tmp_path))), capsys)
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert "--output" in err
    assert [p.name for p in tmp_path.iterdir()] == ["in.jsonl"]
    assert set(Path("/").iterdir()) == root_before


@pytest.mark.parametrize(
    "command",
    [["export", "daily", "--out", "{dir}"], ["export", "posts", "--out", "{dir}/f.csv/x.csv"],
     ["report", "--film", "red-rooms", "--out", "{dir}"]],
)  # fmt: skip
def test_export_and_report_to_a_folder_is_one_line(
    example_config: Config, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    from pipeline.lake import Lake

    Lake(example_config.data_dir / "lake").append("posts", posts([enriched_post(1)]))
    assert main(["index", "--config", str(example_config.path)]) == 0
    folder = example_config.path.parent / "out"
    folder.mkdir()
    (folder / "f.csv").write_text("a file", encoding="utf-8")
    capsys.readouterr()
    argv = [c.format(dir=folder) for c in command] + ["--config", str(example_config.path)]
    code, _, err = _run(argv, capsys)
    assert code == 2 and err.count("\n") == 1 and "--out" in err, err
    assert sorted(p.name for p in folder.iterdir()) == ["f.csv"]
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("section", "line", "field"),
    [
        ("[sources.mastodon]", 'enabled = "yes"', "sources.mastodon.enabled"),
        ("[sources.x]", 'max_pages = "3"', "sources.x.max_pages"),
        ("[sources.reddit]", "sitewide = 1", "sources.reddit.sitewide"),
        ("[alerts]", "p_value = true", "alerts.p_value"),
        ("[store.elasticsearch]", 'url = "localhost:9200"', "store.elasticsearch.url"),
        ("[store.elasticsearch]", 'url = "http://user:hunter2@es.example.org"', "store.elasticsearch.url"),
    ],
)  # fmt: skip
def test_config_wrong_types_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, line: str, field: str
) -> None:
    config = tmp_path / "filmbuzz.toml"
    config.write_text(f"{MINIMAL}\n{section}\n{line}\n", encoding="utf-8")
    code, _, err = _run(["sources", "--config", str(config)], capsys)
    assert code == 2 and err.count("\n") == 1 and f"{config}: {field}" in err, err
    assert "hunter2" not in err


@pytest.mark.parametrize("command", [["enrich"], ["index"], ["crawl"], ["run"], ["compact"]])
@pytest.mark.parametrize("where", ["file", "under a file"])
def test_store_path_that_is_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], where: str
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    data = blocker if where == "file" else blocker / "data"
    text = EXAMPLE.read_text(encoding="utf-8").replace('path = "data"', f'path = "{data}"')
    assert f'path = "{data}"' in text
    config = tmp_path / "filmbuzz.toml"
    config.write_text(text, encoding="utf-8")
    code, _, err = _run([*command, "--config", str(config)], capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert "cannot use the data folder" in err and "[store] path" in err


def test_elasticsearch_url_from_the_environment_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'backend = "embedded"', 'backend = "elasticsearch"'
    )
    assert 'backend = "elasticsearch"' in text
    config = tmp_path / "filmbuzz.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("FILMBUZZ_ES_URL", "es.example.org")
    for command in (["index"], ["export", "daily", "--out", str(tmp_path / "d.csv")]):
        code, _, err = _run([*command, "--config", str(config)], capsys)
        assert code == 2 and err.count("\n") == 1, err
        assert "FILMBUZZ_ES_URL: not a URL with scheme, host and port" in err


@pytest.mark.parametrize(
    "blank", [" ", "\u00a0", "\u3000", "\u200b", "\ufeff", "\u2060", "\u2007", " \u00a0\u200b"]
)
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "＝"])
def test_export_neutralises_formulas_after_unicode_blanks(blank: str, start: str) -> None:
    cell = f"{blank}{start}HYPERLINK(1)"
    assert neutralise(cell) == "'" + cell
    assert neutralise(f"{blank}text = 2") == f"{blank}text = 2"


def test_analyze_streams_the_whole_file_through_one_pool(tmp_path: Path) -> None:
    class Counting(Analyzer):
        calls = 0

        def analyze(self, posts: Iterable[PostInput]) -> Iterator[Analysis]:
            Counting.calls += 1  # each call starts its own worker pool
            for post in posts:
                yield failed_analysis("not analysed") if "bad" in post.text else NEUTRAL

    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [{"id": str(n), "text": "bad" if n == 7777 else "fine"} for n in range(12_000)]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = analyze_file(Counting([], n_process=2), source, target)
    assert Counting.calls == 1 and result.lines == 12_000
    assert result.failed == [f"{source}: id 7777: the NLP failed (not analysed)"]
    out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == [str(n) for n in range(12_000)]
    assert out[7777] == {"id": "7777", "error": "not analysed"}

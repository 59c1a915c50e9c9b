"""CLI options: help on each, bad values refused in one line before anything is printed or written."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pipeline.cli import main, parser
from tests.conftest import EXAMPLE


def options() -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [
                    (name, a) for a in sub._actions if not isinstance(a, argparse._HelpAction)
                ]
    return found


def test_every_option_has_help() -> None:
    missing = [f"{name} {a.option_strings or a.dest}" for name, a in options() if not a.help]
    assert len(options()) > 50 and missing == []


def test_sources_prints_no_table_before_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "filmbuzz.toml"
    bad.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert main(["sources", "--config", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "project.contact: required field is missing" in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "d.txt"], "--out d.txt: name a .csv or .xlsx file, or say --format csv|xlsx"),
        (["--out", "d.csv", "--from", "2023-08-01", "--to", "2023-07-01"],
         "--from 2023-08-01 is after --to 2023-07-01"),
    ],
)  # fmt: skip
def test_export_refuses_what_it_would_get_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = ["export", "daily", "--config", str(EXAMPLE), *args]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_export_writes_a_named_format_to_any_file_name(
    example_config: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tmp_path / "filmbuzz.toml")  # the example, its data folder in tmp_path
    target = tmp_path / "d.txt"
    assert main(["index", "--config", config]) == 0  # an empty store
    assert (
        main(["export", "daily", "--config", config, "--out", str(target), "--format", "csv"]) == 0
    )
    assert target.read_text(encoding="utf-8").startswith("date,film,mentions,")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["status", "--last", "-1"], "--last: '-1' is not a whole number of 1 or more"),
        (["status", "--last", "0"], "--last: '0' is not a whole number of 1 or more"),
        (["dashboard", "--port", "70000"], "--port: '70000' is not a port number"),
        (["crawl", "--backfill", "-3"], "--backfill: '-3' is not a whole number"),
    ],
)
def test_numbers_out_of_range_are_refused(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err

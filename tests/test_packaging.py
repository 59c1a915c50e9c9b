"""What the install puts into an environment: light spaCy entry points, and a wheel that runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

HEAVY = ("lingua", "nlp.components", "nlp.model", "nlp.calibration", "nlp.pipeline", "pipeline")


def test_spacy_entry_points_import_nothing_heavy() -> None:
    # Another spaCy program in the same environment: spaCy loads every `spacy_factories`
    # entry point when it looks factories up, ours included.
    code = (
        "import json, sys, spacy\n"
        "from spacy.util import registry\n"
        "nlp = spacy.blank('en')\n"
        "names = sorted(n for n in registry.factories.get_all() if n.startswith('buzz_'))\n"
        "print(json.dumps({'factories': names, 'modules': sorted(sys.modules)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout)
    assert seen["factories"] == [
        "buzz_cues",
        "buzz_film_mentions",
        "buzz_language",
        "buzz_sentiment",
        "buzz_territory",
    ]
    loaded = [m for m in seen["modules"] if m.startswith(HEAVY)]
    assert loaded == []
    assert "nlp.factories" in seen["modules"]  # the entry points did load: the test can fail


def test_spacy_entry_point_loads_its_component_when_added() -> None:
    code = (
        "import sys, spacy\n"
        "nlp = spacy.blank('fr'); nlp.add_pipe('buzz_language')\n"
        "doc = nlp('Enfin vu ce film, glaçant du début à la fin et magnifique')\n"
        "print(doc._.buzz_lang, 'lingua' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["fr", "True"]


ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "data",
    "filmbuzz-demo",
)  # fmt: skip


def build_wheel(folder: Path) -> Path:
    source = folder / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(folder / "dist"), str(source)])  # fmt: skip
    (wheel,) = (folder / "dist").glob("filmbuzz-*.whl")
    return wheel


def fresh_venv(folder: Path) -> Path:
    """A venv of its own that also sees the test venv's packages (the dependencies), through a
    plain path line: the test venv's own .pth files (the editable checkout) are not run."""
    venv.create(folder, with_pip=False)
    (site,) = (folder / "lib").glob("python3*/site-packages")
    (site / "test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return folder / "bin"


def run(command: list[str], cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FILMBUZZ_CONFIG")}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    return done.stdout


@pytest.mark.slow
def test_wheel_runs_the_demo_from_an_empty_folder(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "build")
    names = zipfile.ZipFile(wheel).namelist()
    assert "pipeline/templates/filmbuzz.example.toml" in names
    assert not [n for n in names if n.startswith("tests/")]
    bin_dir = fresh_venv(tmp_path / "venv")
    run([str(bin_dir / "python"), "-m", "pip", "install", "--no-deps", "--ignore-installed",
         "--no-index", "-q", str(wheel)])  # fmt: skip
    empty = tmp_path / "empty"
    empty.mkdir()
    where = run([str(bin_dir / "python"), "-c", "import pipeline; print(pipeline.__file__)"], empty)
    assert where.startswith(str(tmp_path / "venv"))  # the wheel's code, not the checkout's

    filmbuzz = str(bin_dir / "filmbuzz")
    shown = run([filmbuzz, "demo", "--no-serve"], empty)
    demo = empty / "filmbuzz-demo"
    assert sorted(p.name for p in (demo / "reports").glob("*.html")) == [
        "monster.html", "past-lives.html", "red-rooms.html",
    ]  # fmt: skip
    assert "run " in shown and ": ok (exit 0)" in shown
    status = run([filmbuzz, "status", "--config", str(demo / "filmbuzz.toml")], empty)
    assert "no runs yet" not in status
    assert [line.split()[2] for line in status.splitlines()[1:] if line.strip()][:1] == ["ok"]

"""What the install puts into an environment: light spaCy entry points, and a wheel that runs."""

from __future__ import annotations

import json
import subprocess
import sys

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

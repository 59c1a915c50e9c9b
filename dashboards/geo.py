"""Country codes for the demand map: ISO 3166-1 alpha-2 (as posts carry them) to alpha-3 and names.

`countries.json` is generated from Debian's iso-codes package (ISO 3166-1).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

_TABLE = Path(__file__).resolve().with_name("countries.json")


@functools.cache
def _countries() -> dict[str, tuple[str, str]]:
    raw = json.loads(_TABLE.read_text(encoding="utf-8"))
    return {code: (alpha3, name) for code, (alpha3, name) in raw.items()}


def alpha3(code: str) -> str | None:
    found = _countries().get(code.upper())
    return found[0] if found else None


def country_name(code: str) -> str:
    found = _countries().get(code.upper())
    return found[1] if found else code

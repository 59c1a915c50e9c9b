"""Text made safe where it enters: code points no file format can hold are replaced.

Strings decoded from JSON can hold lone surrogates (half an emoji, `"\\ud83d"`), which UTF-8
cannot encode: Parquet, DuckDB, CSV and JSON writers all refuse them. Control characters other
than tab, line feed and carriage return, and Unicode noncharacters, break XML (XLSX cells) and
mean nothing in a post. Each is replaced with U+FFFD, so the rest of the text is kept.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT = "\ufffd"
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)


def unsafe_code_points(text: str) -> list[str]:
    """The unsafe code points of `text`, as `U+XXXX`, in order (empty when the text is safe)."""
    return [f"U+{ord(c):04X}" for c in _UNSAFE.findall(text)]


def safe_text(text: str) -> str:
    """`text` with every unsafe code point replaced by U+FFFD."""
    return _UNSAFE.sub(REPLACEMENT, text)


def safe_value(value: Any) -> Any:
    """`value` (str, list, dict, or anything else) with every string in it made safe."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list | tuple):
        return [safe_value(v) for v in value]
    if isinstance(value, dict):
        return {safe_text(str(k)): safe_value(v) for k, v in value.items()}
    return value


def describe_unsafe(field: str, text: str) -> str | None:
    """'field: 2 invalid code points (U+D83D, U+0000) replaced with U+FFFD', or None."""
    found = unsafe_code_points(text)
    if not found:
        return None
    shown = ", ".join(dict.fromkeys(found[:5]))
    plural = "s" if len(found) > 1 else ""
    return f"{field}: {len(found)} invalid code point{plural} ({shown}) replaced with U+FFFD"


def as_json(value: Any) -> str:
    """JSON of anything a record holds, ASCII-escaped, so even lone surrogates survive as `\\ud83d`."""
    return json.dumps(value, ensure_ascii=True, sort_keys=True, default=str)

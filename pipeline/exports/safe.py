"""Writing tables for spreadsheets: UTF-8 CSV (optional BOM) and XLSX, ISO dates, no formulas.

OWASP's advice on CSV injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is read as a formula, so such text cells get a leading single quote. The
full-width forms (`＝＋－＠`) are included because some spreadsheets fold them to ASCII, and
so is text whose first character after any leading blanks is one of these, as spreadsheets trim
blanks: spaces, and Unicode's too (no-break space, U+3000, zero-width space, word joiner, BOM…).
Numbers are written as numbers and never touched (a negative count stays a number).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from pipeline.outfile import atomic_target

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Unicode white space (\s: no-break and ideographic spaces, line breaks…) and the invisible
# characters that are not white space to Python but are skipped by eyes and trimmed by tools.
_LEADING_BLANKS = re.compile(r"[\s\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufeff]*")
Format = Literal["csv", "xlsx"]


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with a single quote."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS)
        or value[_LEADING_BLANKS.match(value).end() :].startswith(FORMULA_STARTS)  # type: ignore[union-attr]
    ):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every non-numeric cell as ISO text or neutralised text."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(_cell).astype(object)
    return safe


def write_csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> Path:
    """Write atomically, every text cell neutralised, dates as ISO 8601."""
    path = Path(path)
    with atomic_target(path) as tmp:
        # CRLF as RFC 4180 says: the writer then quotes every cell holding a CR or LF, so a
        # stray carriage return in a post cannot split a row.
        safe_frame(frame).to_csv(
            tmp, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\r\n"
        )
    return path


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str = "export") -> Path:
    """Write an XLSX atomically (see `pipeline.exports.xlsx`): dates as dates, every text cell
    neutralised and typed as a string, never a formula."""
    from pipeline.exports.xlsx import write_xlsx as write

    return write(frame, path, sheet)


def write_table(frame: pd.DataFrame, path: Path, fmt: Format = "csv", bom: bool = False) -> Path:
    if fmt == "xlsx":
        return write_xlsx(frame, path)
    return write_csv(frame, path, bom=bom)

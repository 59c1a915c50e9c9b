"""XLSX for people who open it: real date cells, a bold frozen header, columns sized to fit.

Text cells are neutralised and typed as strings exactly as in CSV (see `safe`), never formulas.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from pipeline.outfile import atomic_target

DATE_FORMAT = "yyyy-mm-dd"
INSTANT_FORMAT = "yyyy-mm-dd hh:mm:ss"  # instants are written in UTC
WIDTH = (8, 60)  # characters, the narrowest and widest column
SAMPLE = 500  # rows read to size the columns


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str = "export") -> Path:
    """Write atomically: one sheet, header frozen, dates as dates, text as text."""
    from pipeline.exports.safe import neutralise

    path = Path(path)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    for index, width in enumerate(_widths(frame), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    worksheet.append([_styled(worksheet, str(c), font=bold) for c in frame.columns])
    for row in frame.itertuples(index=False):
        worksheet.append([_cell(worksheet, neutralise(v)) for v in row])
    if len(frame.columns):
        last = get_column_letter(len(frame.columns))
        worksheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    with atomic_target(path) as tmp:
        workbook.save(tmp)
    return path


def _cell(worksheet: WriteOnlyWorksheet, value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp
        return _styled(worksheet, stamp.to_pydatetime(), number_format=INSTANT_FORMAT)
    if isinstance(value, date):
        return _styled(worksheet, value, number_format=DATE_FORMAT)
    if isinstance(value, str):
        cell = WriteOnlyCell(worksheet, value=value)  # type: ignore[arg-type]
        cell.data_type = "s"  # openpyxl would make a text starting with "=" a formula
        return cell
    return value.item() if hasattr(value, "item") else value


def _styled(worksheet: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _widths(frame: pd.DataFrame) -> list[float]:
    head = frame.head(SAMPLE)
    widths = []
    for column in frame.columns:
        lengths = [len(_shown(v)) for v in head[column]]
        widest = max([len(str(column)), *lengths])
        widths.append(float(min(max(widest + 2, WIDTH[0]), WIDTH[1])))
    return widths


def _shown(value: Any) -> str:
    if isinstance(value, datetime | pd.Timestamp):
        return "2000-01-01 00:00:00"
    if isinstance(value, date):
        return "2000-01-01"
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)

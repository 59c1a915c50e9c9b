"""Exports for distributors: `daily`, `posts`, `territories`, `aspects` as CSV or XLSX.

UTF-8, ISO dates, stable columns (docs/exports.md), spreadsheet formulas neutralised.
"""

from __future__ import annotations

from pipeline.exports.daily import DAILY_COLUMNS, daily, daily_columns
from pipeline.exports.safe import FORMULA_STARTS, neutralise, write_csv, write_table, write_xlsx

__all__ = [
    "DAILY_COLUMNS",
    "FORMULA_STARTS",
    "daily",
    "daily_columns",
    "neutralise",
    "write_csv",
    "write_table",
    "write_xlsx",
]

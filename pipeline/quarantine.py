"""`lake/quarantine`: records a stage could not take as they came (DESIGN.md §2).

A record goes there with the stage, the reason, the time and what was done: `set aside` (it
went no further: the other records of its batch did) or `repaired` (a fixed copy went on, and
the quarantine keeps the record as it came). Quarantine ids are `stable_id(stage, record id)`,
so a record quarantined again by a re-run is not doubled, and `enrich` does not retry a post
it set aside. `filmbuzz sources` counts them per source and `filmbuzz run` names the new ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.lake import Lake
from pipeline.records import QUARANTINE_SCHEMA, stable_id
from pipeline.safetext import as_json, safe_text

SET_ASIDE = "set aside"
REPAIRED = "repaired"
TABLE = "quarantine"
MAX_REASON = 300


@dataclass(frozen=True)
class Quarantined:
    """One record a stage could not take as it came."""

    record_id: str
    source: str
    url: str | None
    stage: str
    reason: str
    action: str = SET_ASIDE
    record: str = "{}"  # the record as it came, as ASCII JSON
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def of_row(
        cls, row: Mapping[str, Any], stage: str, reason: str, action: str = SET_ASIDE
    ) -> Quarantined:
        """From a record as a dict (a raw post row, a crawled item's fields)."""
        return cls(
            record_id=safe_text(str(row.get("id") or row.get("source_id") or "?")),
            source=safe_text(str(row.get("source") or "unknown")),
            url=safe_text(str(row["url"])) if row.get("url") else None,
            stage=stage,
            reason=safe_text(reason.splitlines()[0] if reason else "unknown")[:MAX_REASON],
            action=action,
            record=as_json(dict(row)),
        )

    def row(self) -> dict[str, Any]:
        return {
            "id": stable_id(self.stage, self.record_id),
            "record_id": self.record_id,
            "source": self.source,
            "url": self.url,
            "stage": self.stage,
            "reason": self.reason,
            "action": self.action,
            "quarantined_at": self.at,
            "record": self.record,
        }


def line(row: Mapping[str, Any]) -> str:
    """One line naming a quarantined record: where it came from, why, what was done."""
    where = row.get("url") or row.get("record_id")
    return f"{row['source']}: {where}: {row['reason']} ({row['action']} at {row['stage']}; kept in lake/quarantine)"


def write(lake: Lake, items: Iterable[Quarantined]) -> int:
    """Add `items` to lake/quarantine; returns how many were new."""
    rows = [item.row() for item in items]
    if not rows:
        return 0
    return lake.append(TABLE, pa.Table.from_pylist(rows, schema=QUARANTINE_SCHEMA))


def record_ids(lake: Lake, stage: str, action: str = SET_ASIDE) -> set[str]:
    """Ids of the records `stage` quarantined with `action`."""
    if not lake.files(TABLE):
        return set()
    table = lake.read(TABLE, ["record_id", "stage", "action"])
    mask = pc.and_(pc.equal(table["stage"], stage), pc.equal(table["action"], action))
    return set(table.filter(mask).column("record_id").to_pylist())


def since(lake: Lake, start: datetime) -> list[dict[str, Any]]:
    """Records quarantined at or after `start`, oldest first."""
    if not lake.files(TABLE):
        return []
    table = lake.read(TABLE, ["record_id", "source", "url", "stage", "reason", "action",
                              "quarantined_at"])  # fmt: skip
    rows = table.filter(pc.greater_equal(table["quarantined_at"], start)).to_pylist()
    return sorted(rows, key=lambda r: r["quarantined_at"])


def per_source(lake: Lake) -> dict[str, int]:
    """How many records are in quarantine, per source."""
    if not lake.files(TABLE):
        return {}
    return dict(Counter(lake.read(TABLE, ["source"]).column("source").to_pylist()))

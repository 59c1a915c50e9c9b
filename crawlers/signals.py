"""filmbuzz's own Scrapy signals, sent by one component and handled by another."""

from __future__ import annotations

# Sent with `item=`: a `pipeline.quarantine.Quarantined` record for lake/quarantine. The
# ValidatePipeline sends it (a post set aside or repaired where the item is built); the
# LakeWriterPipeline collects and writes them with its next flush.
record_quarantined = object()

"""What the numbers mean: why a film's buzz moved, read from the Store (no pipeline aggregations:
baselines are computed here, in Python, the same for every store)."""

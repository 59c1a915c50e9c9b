"""Jobs: `filmbuzz run` under a lock with a run log, `filmbuzz status`, `filmbuzz schedule`."""

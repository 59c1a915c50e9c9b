"""`filmbuzz alerts`: find what is new, log it, deliver it; each alert at most once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pipeline.alerts.checks import Alert, find_alerts
from pipeline.alerts.deliver import DeliveryError, channels, send
from pipeline.alerts.state import AlertState
from pipeline.config import Config
from pipeline.exports.build import local_today
from pipeline.jobs import runlog
from pipeline.stores.base import Store


@dataclass
class AlertsResult:
    new: list[Alert] = field(default_factory=list)
    delivered: dict[str, int] = field(default_factory=dict)  # channel -> alerts sent
    failures: list[str] = field(default_factory=list)


def run_alerts(
    store: Store, config: Config, today: date | None = None, env: Mapping[str, str] | None = None
) -> AlertsResult:
    """Check, log the new alerts to the run log, then deliver them (and what is still owed)."""
    env = os.environ if env is None else env
    data_dir = config.data_dir
    state = AlertState(data_dir)
    result = AlertsResult(new=state.new(find_alerts(store, config, today or local_today(config))))
    for alert in result.new:
        runlog.append(data_dir, "alert", alert.to_json())
    state.mark_fired(result.new)
    for channel in channels(config.alerts, env):
        state.pending.setdefault(channel, []).extend(a.to_json() for a in result.new)
    state.save()  # fired before delivery: a crash now owes deliveries, never repeats an alert
    for channel, owed in list(state.pending.items()):
        if not owed or channel not in channels(config.alerts, env):
            continue
        try:
            send(channel, owed, config.alerts, config.project.name, env)
        except DeliveryError as exc:
            result.failures.append(str(exc))
            continue
        result.delivered[channel] = len(owed)
        state.pending[channel] = []
        state.save()
    return result

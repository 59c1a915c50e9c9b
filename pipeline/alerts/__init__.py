"""Alerts: spikes against a film's own baseline, first mentions in a new country, where-to-watch
asks rising where the film is not released; delivered to the run log, the terminal, a webhook
or e-mail, each at most once."""

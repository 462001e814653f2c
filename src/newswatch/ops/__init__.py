"""Operating newswatch: the HTTP endpoints (/healthz, /metrics: ``health``), sd_notify
(``sdnotify``), logging (``logsetup``), metrics (``metrics``), liveness, the run lock, memory
limits, outage wording. Secret redaction is ``newswatch.redact``; source health lives beside
the pipeline (``newswatch.health``), retention in the store (``newswatch.store.retention``).

``app``/``commands.run`` wire these together; nothing here reaches for process-wide state
except ``logsetup.setup_logging``, which by nature configures the root logger.

Import each from its module: this package imports none of them, so a command that only
logs or words an outage (``status``, ``once --help``) does not load the HTTP server,
prometheus_client and apscheduler.
"""

"""Operating newswatch: the HTTP endpoints (/healthz, /metrics), sd_notify, logging,
metrics, secret redaction, the run lock. Source health lives beside the pipeline
(``newswatch.health``), retention in the store (``newswatch.store.retention``).

``app``/``commands.run`` wire these together; nothing here reaches for process-wide state
except :func:`setup_logging`, which by nature configures the root logger.
"""

from newswatch.ops.health import HealthReport, HealthServer
from newswatch.ops.liveness import check_liveness
from newswatch.ops.logsetup import setup_logging
from newswatch.ops.metrics import Metrics
from newswatch.ops.sdnotify import SystemdNotifier
from newswatch.redact import Redactor

__all__ = [
    "HealthReport",
    "HealthServer",
    "Metrics",
    "Redactor",
    "SystemdNotifier",
    "check_liveness",
    "setup_logging",
]

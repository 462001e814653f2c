"""Running newswatch as a service: systemd notifications, logging, metrics, health.

``app``/``commands.run`` wire these together; nothing here reaches for process-wide state
except :func:`setup_logging`, which by nature configures the root logger.
"""

from newswatch.service.health import HealthReport, HealthServer
from newswatch.service.health_rules import SourceHealthTracker
from newswatch.service.liveness import check_liveness
from newswatch.service.logsetup import setup_logging
from newswatch.service.metrics import Metrics
from newswatch.service.redact import Redactor
from newswatch.service.retention import prune
from newswatch.service.sdnotify import SystemdNotifier

__all__ = [
    "HealthReport",
    "HealthServer",
    "Metrics",
    "Redactor",
    "SourceHealthTracker",
    "SystemdNotifier",
    "check_liveness",
    "prune",
    "setup_logging",
]

"""Alert delivery: render per channel, the outbox worker, and the apprise adapter.

``enqueue_alerts`` and ``enqueue_ops`` write alerts in the caller's unit of work; ``DeliveryWorker``
sends them; ``render`` is the one place message formats live.
"""

from newswatch.notify.apprise_adapter import AppriseNotifier, Notifier, SendOutcome
from newswatch.notify.console import register_console_plugin
from newswatch.notify.delivery import DeliveryReport, DeliveryWorker
from newswatch.notify.enqueue import enqueue_alerts, enqueue_ops
from newswatch.notify.payload import alert_payload, message_from_payload
from newswatch.notify.render import Batch, Rendered, render, template_problem
from newswatch.notify.testsend import send_test

__all__ = [
    "AppriseNotifier",
    "Batch",
    "DeliveryReport",
    "DeliveryWorker",
    "Notifier",
    "Rendered",
    "SendOutcome",
    "alert_payload",
    "enqueue_alerts",
    "enqueue_ops",
    "message_from_payload",
    "register_console_plugin",
    "render",
    "send_test",
    "template_problem",
]

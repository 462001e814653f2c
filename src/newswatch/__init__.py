"""newswatch: a news-monitoring alert daemon.

The pipeline, one module or package per stage:
sources → fetch → extract → dedup → match → notify,
with config, store, scheduler and CLI around it (see ``app.py`` for the wiring).
"""

__version__ = "0.1.0"

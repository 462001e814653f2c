"""Work spread over processes and machines with procrastinate (``state: postgresql://…``).

- :mod:`.coord`: the tables the workers share besides procrastinate's own (each source's
  next due time, each origin's next allowed request, the workers' registry), on a small
  psycopg pool of the worker process.
- :mod:`.queue`: the procrastinate App over the state DSN and its tasks: ``tick`` (periodic:
  defers the polls that are due, one queued poll per source at most), ``poll`` (one source,
  one poll per origin at a time across every worker: it queues its new entries on
  other sites),
  ``article`` (one new entry: fetch, extract, dedup, match, record; one per origin at a
  time, like the polls), ``deliver`` (periodic: the outbox's
  leases), ``recover`` (periodic: retries the jobs of workers whose heartbeat stopped).
- :mod:`.process`: ``newswatch worker``: one worker process, its signals and heartbeat.
- :mod:`.supervisor`: ``newswatch run`` on PostgreSQL: local worker processes, restarted
  when they die.

There is no leader: every worker runs the same periodic tasks, and procrastinate defers
each periodic run once whichever workers are alive.
"""

"""The dashboard: pages for editors and security teams, and the JSON API under /api/.

    build_app(live, store, clock) -> Starlette       routes, guard, security headers (app.py)
    WebServer(live, store, clock)                     uvicorn, in the foreground or a thread

``live`` is the process's one holder of the rule set in force (``newswatch.teamrules``):
the daemon's own when ``run`` serves the dashboard, so a SIGHUP or a saved team rule
shows on the next page.

Pages: alerts (live), story, rules, rule tester (pages.py, live.py); API (api.py);
accounts, sessions, CSRF and the login limit (auth.py, login.py). docs/dashboard.md has
the user's side: accounts, the reverse-proxy setup, the API.
"""

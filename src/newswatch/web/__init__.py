"""The dashboard: pages for editors and security teams, and the JSON API under /api/.

    build_app(config, store, clock) -> Starlette     routes, guard, security headers (app.py)
    WebServer(config, store, clock)                   uvicorn, in the foreground or a thread

Pages: alerts (live), story, rules, rule tester (pages.py, live.py); API (api.py);
accounts, sessions, CSRF and the login limit (auth.py, login.py). docs/dashboard.md has
the user's side: accounts, the reverse-proxy setup, the API.
"""

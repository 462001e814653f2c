"""Soak: the real daemon, many sources and rules, memory watched over time.

    python benchmarks/bench_soak.py [--sources 500] [--rules 200] [--minutes 30] [--scale 5]

Starts ``newswatch run`` as a subprocess against local sources (``soak_site.py``) that keep
publishing, with every alert going to a local json:// receiver. Time is compressed
``--scale`` times: with the defaults one simulated minute lasts 12 s, sources poll every
2.5 simulated minutes and publish a story every ~10, so 30 simulated minutes take 6 real
minutes (about 17 polls and 4 new articles per second). Every few seconds it samples the
daemon's RSS (/proc) and its /metrics.

The dedup window is compressed too, further than the intervals: it is a sixth of the run
(5 simulated minutes by default, 72 h in production). The story index holds the window's
articles by design, so a daemon's memory reaches its steady state one window after start;
the soak must reach it inside its warm-up (the first third, two windows) for "no growth
after warm-up" to mean "no leak". The end of the run prints the index's size; a real
window holds (articles per hour x 72) x ~1.2 KB (docs/dedup.md).

Prints a table over time, then: peak RSS (VmHWM) against 150 MB, the RSS trend after
warm-up (first third excluded) and, as a baseline measured in the same run, the RSS of a
bare interpreter that has only imported newswatch's daemon modules.
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak_site import Receiver, SoakSites, vocabulary

PEAK_LIMIT_MB = 150.0
GROWTH_LIMIT = 0.05  # last third of the run vs the middle third
SLOPE_LIMIT = 2.0  # MB per 10 simulated minutes after warm-up
BASELINE_CODE = (
    "import newswatch.app, newswatch.daemon, newswatch.commands.run;"
    "print(open('/proc/self/status').read())"
)


def rss_mb(status_text: str, key: str = "VmRSS") -> float:
    for line in status_text.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def proc_status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return ""


def scrape(port: int) -> dict[str, float]:
    """Totals per metric family (labels summed) from the daemon's /metrics."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            text = resp.read().decode()
    except OSError:
        return {}
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = sample.name
            if "outcome" in sample.labels:
                key += ":" + sample.labels["outcome"]
            if "state" in sample.labels:
                key += ":" + sample.labels["state"]
            if "status" in sample.labels:
                key += ":" + sample.labels["status"]
            totals[key] = totals.get(key, 0.0) + sample.value
    return totals


def write_config(
    path: Path, sites: SoakSites, receiver: Receiver, args: argparse.Namespace, port: int
) -> None:
    rng = random.Random(3)
    words = sites.words
    interval = 150 / args.scale  # 2.5 simulated minutes
    lines = [
        f"state: {path.parent / 'state.db'}",
        f"http: 127.0.0.1:{port}",
        "defaults:",
        f"  interval: {max(1, round(interval))}s",
        "  timeout: 10s",
        f'channels:\n  hook: "{receiver.url}"',
        # The story index holds the dedup window's articles by design; a window of a sixth
        # of the run lets it reach its steady size during warm-up, so growth after that is a leak.
        f"dedup:\n  window: {window_seconds(args)}s",
        "sources:",
    ]
    lines += [f"  - name: s{i}\n    feed: {sites.feed_url(i)}" for i in range(args.sources)]
    lines.append("rules:")
    for k in range(args.rules):
        a, b, c = rng.sample(words, 3)
        query = [
            f"{a} AND {b}",
            f"{a} NEAR/20 {b}",
            f'"{a} {b}" OR ({b} AND {c})',
            f"{a}* AND {b} -{c}",
        ][k % 4]
        lines.append(f"  - name: r{k}\n    query: '{query}'\n    notify: [hook]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def window_seconds(args: argparse.Namespace) -> int:
    """The dedup window in real seconds: a sixth of the run."""
    return max(30, round(args.minutes * 60 / 6 / args.scale))


def baseline_mb() -> float:
    out = subprocess.run(
        [sys.executable, "-c", BASELINE_CODE], capture_output=True, text=True, check=True
    )
    return rss_mb(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=30, help="simulated minutes")
    parser.add_argument("--scale", type=float, default=5, help="simulated seconds per real second")
    parser.add_argument("--ports", type=int, default=100, help="origins the sources spread over")
    args = parser.parse_args()

    sites = SoakSites(
        args.sources, args.ports, publish_every=600 / args.scale, words=vocabulary(5000)
    )
    receiver = Receiver()
    sites.start()
    receiver.start()
    base = baseline_mb()
    with tempfile.TemporaryDirectory(prefix="newswatch-soak-") as tmp:
        config = Path(tmp) / "newswatch.yaml"
        http_port = _free_port()
        write_config(config, sites, receiver, args, http_port)
        log = open(Path(tmp) / "daemon.log", "w+")  # noqa: SIM115 - tailed on failure
        daemon = subprocess.Popen(
            [sys.executable, "-m", "newswatch", "run", "-c", str(config)],
            stderr=log,
            stdout=subprocess.DEVNULL,
        )
        try:
            samples = _watch(daemon.pid, http_port, args, receiver)
            healthz = _healthz(http_port)
        finally:
            daemon.send_signal(signal.SIGTERM)
            stopped = time.monotonic()
            code = daemon.wait(timeout=30)
            stop_seconds = time.monotonic() - stopped
            sites.stop()
            receiver.stop()
        if code != 0:
            log.seek(0)
            print(log.read()[-3000:], file=sys.stderr)
        log.close()
    return _report(samples, base, healthz, code, stop_seconds, receiver, sites, args)


def _watch(
    pid: int, port: int, args: argparse.Namespace, receiver: Receiver
) -> list[tuple[float, float, float, dict[str, float]]]:
    """(simulated minute, RSS MB, peak MB, metrics) every few real seconds."""
    real_total = args.minutes * 60 / args.scale
    start = time.monotonic()
    samples = []
    header = ["sim min", "RSS MB", "peak MB", "polls", "304s", "errors", "new art", "received"]
    print(" ".join(f"{h:>7}" for h in header))
    last_print = -1.0
    while (elapsed := time.monotonic() - start) < real_total:
        status = proc_status(pid)
        if not status:
            raise SystemExit("the daemon died; see its log above")
        metrics = scrape(port)
        sim = elapsed * args.scale / 60
        samples.append((sim, rss_mb(status), rss_mb(status, "VmHWM"), metrics))
        if sim - last_print >= args.minutes / 15:
            last_print = sim
            polls = sum(v for k, v in metrics.items() if k.startswith("newswatch_fetches_total"))
            print(
                f"{sim:7.1f} {samples[-1][1]:7.1f} {samples[-1][2]:7.1f} {polls:7.0f} "
                f"{metrics.get('newswatch_fetches_total:not_modified', 0):7.0f} "
                f"{metrics.get('newswatch_fetches_total:error', 0):7.0f} "
                f"{metrics.get('newswatch_articles_total:new', 0):7.0f} "
                f"{sum(receiver.bodies.values()):7d}",
                flush=True,
            )
        time.sleep(2)
    return samples


def _healthz(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except OSError:
        return 0


def _report(samples, base, healthz, code, stop_seconds, receiver, sites, args) -> int:  # type: ignore[no-untyped-def]
    third = len(samples) // 3
    middle = [s[1] for s in samples[third : 2 * third]]
    last = [s[1] for s in samples[2 * third :]]
    peak = max(s[2] for s in samples)
    growth = statistics.mean(last) / statistics.mean(middle) - 1 if middle and last else 0.0
    warm = samples[third:]
    slope = (
        statistics.linear_regression([s[0] for s in warm], [s[1] for s in warm]).slope
        if len(warm) > 2
        else 0.0
    )
    alerts = sum(receiver.bodies.values())
    final = samples[-1][3] if samples else {}
    index_articles = final.get("newswatch_story_index_articles", 0.0)
    index_mb = final.get("newswatch_story_index_bytes", 0.0) / 2**20
    print()
    print(f"{'measure':<42} {'value':>10} {'limit':>10} {'verdict':>8}")
    rows = [
        ("peak RSS, MB (VmHWM)", f"{peak:.1f}", f"{PEAK_LIMIT_MB:.0f}", peak < PEAK_LIMIT_MB),
        (
            "RSS growth, last third vs middle third",
            f"{growth:+.1%}",
            f"{GROWTH_LIMIT:+.0%}",
            growth < GROWTH_LIMIT,
        ),
        (
            "RSS trend after warm-up, MB / 10 sim-min",
            f"{slope * 10:+.2f}",
            f"{SLOPE_LIMIT:+.0f}",
            slope * 10 < SLOPE_LIMIT,
        ),
        ("baseline: interpreter + imports, MB", f"{base:.1f}", "", None),
        ("peak / baseline", f"{peak / base:.2f}x", "", None),
        (
            "dedup window, sim-min (72 h in production)",
            f"{window_seconds(args) * args.scale / 60:g}",
            "",
            None,
        ),
        (
            "story index at the end: articles / MB",
            f"{index_articles:.0f} / {index_mb:.1f}",
            "",
            None,
        ),
        ("alerts received", f"{alerts}", "", None),
        ("alerts received twice", f"{receiver.duplicates}", "0", receiver.duplicates == 0),
        ("/healthz at the end", f"{healthz}", "200", healthz == 200),
        (
            "SIGTERM → exit status (seconds)",
            f"{code} ({stop_seconds:.1f}s)",
            "0 (<10s)",
            code == 0 and stop_seconds < 10,
        ),
        (
            "requests served: feeds / articles",
            f"{sites.requests['feed']}/{sites.requests['a']}",
            "",
            None,
        ),
    ]
    for name, value, limit, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "FAIL")
        print(f"{name:<42} {value:>10} {limit:>10} {verdict:>8}")
    print(
        f"({args.sources} sources, {args.rules} rules, {args.minutes:g} simulated minutes", end=""
    )
    print(f" at ×{args.scale:g})")
    return 0 if all(ok is not False for *_, ok in rows) else 1


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    raise SystemExit(main())

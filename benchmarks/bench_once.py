"""End to end, as a user runs it: ``newswatch once`` with the product's defaults.

1,000 RSS feeds on 100 loopback hosts (10 sections per host, listed host by host as users
list a site's sections), every answer 100 ms late, 5 recent items per feed so that their
articles are fetched and extracted: about 61 requests per host (robots.txt, 10 feeds, 50
articles). The sites are ``benchmarks/once_site.py`` in a separate process. The config is
generated: sources, one console channel, two rules; nothing else, so every other setting is
the product's default (per-origin delay, workers, extraction).

Three cycles, each a fresh ``newswatch once`` on the same state file:

- cold: every feed and article new;
- unchanged: every feed answers 304;
- steady: every 10th feed has one new item.

Beside each: the politeness lower bound (the busiest host's requests x the per-origin
delay, plus one answer's latency: hosts in parallel, requests within a host one per delay)
and a bare conditional-GET fetcher measured in the same run (64 threads, one
``requests.Session``, ETags kept, links taken from the feed with a regex, no politeness,
no extraction): what the network and the sites allow.

Printed: wall time, requests and bytes, articles/s end to end, distinct hosts contacted in
the first 10 s (head-of-line blocking shows as few), peak RSS of the ``once`` process tree,
and the sources one machine sustains at a 5-minute interval from the steady cycle's CPU.

Run:  python benchmarks/bench_once.py            # the scenario above (~5 min)
      python benchmarks/bench_once.py --small    # 20 hosts x 3 feeds x 4 items (~1 min)
      python benchmarks/bench_once.py --cycles cold --cpus 0   # newswatch on one core
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DELAY = 1.0  # the product's per-origin minimum delay between request starts
INTERVAL = 300.0
RULES = """
rules:
  - name: casualties
    query: 'hurt NEAR/5 (hospital OR patients)'
    notify: [sink]
  - name: convoys
    query: 'convoy* AND (food OR medicine) AND Aleppo'
    notify: [sink]
"""


@dataclass
class Cycle:
    name: str
    seconds: float
    cpu: float
    requests: dict[str, int]
    bytes: dict[str, int]
    per_host: dict[str, int]
    hosts_first_10s: int
    articles: int
    memory_mb: tuple[float, float]  # peak RSS and PSS of the process tree
    exit_code: int | None
    killed: bool = False

    @property
    def bound(self) -> float:
        busiest = max(self.per_host.values(), default=1)
        return (busiest - 1) * DELAY + 0.1

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


class Sites:
    def __init__(self, hosts: int, sections: int, items: int, delay: float) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "once_site.py"),
                str(hosts),
                str(sections),
                str(items),
                str(delay),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.netlocs: dict[int, str] = {
            int(k): v for k, v in json.loads(self.process.stdout.readline()).items()
        }
        self.sections = sections
        import requests

        self.session = requests.Session()
        self.session.trust_env = False

    def feeds(self) -> list[tuple[int, int, str]]:
        return [
            (h, s, f"http://{self.netlocs[h]}/feed/{s}.xml")
            for h in sorted(self.netlocs)
            for s in range(self.sections)
        ]

    def control(self, path: str) -> dict[str, object]:
        answer = self.session.get(f"http://{self.netlocs[0]}{path}", timeout=30)
        return dict(answer.json())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def write_config(directory: Path, sites: Sites) -> Path:
    lines = [f"state: {directory / 'state.db'}", "sources:"]
    for host, section, url in sites.feeds():
        lines += [f"  - name: h{host:03d}-s{section}", f"    feed: {url}"]
    lines += ["channels:", "  sink: 'console://'", RULES]
    path = directory / "newswatch.yaml"
    path.write_text("\n".join(lines))
    return path


def tree_cpu(root: int, seen: dict[int, float]) -> None:
    """Record in ``seen`` the CPU seconds each process of ``root``'s tree has used so far:
    extraction workers are the fork server's children, which the once process does not
    reap, so its rusage misses them."""
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in _tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[pid] = max(seen.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / ticks)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def tree_memory_mb(root: int) -> tuple[float, float]:
    """(RSS, PSS) of ``root`` and its descendants, from /proc. Worker processes forked
    from one server share most of their pages: RSS counts them once per process, PSS
    (proportional set size) divides each shared page among its sharers."""
    rss = pss = 0
    for pid in _tree(root):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss / 1024, pss / 1024


def run_once(
    config: Path, limit: float, log: Path, cpus: str | None = None
) -> tuple[float, float, float, int | None, bool, int]:
    """Run ``newswatch once``; (seconds, cpu seconds, peak tree RSS MB, exit code, killed, new)."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    before = os.times()
    started = time.monotonic()
    with open(log, "w") as err:
        pin = ["taskset", "-c", cpus] if cpus else []
        process = subprocess.Popen(
            [*pin, sys.executable, "-m", "newswatch", "once", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
        peak, killed = (0.0, 0.0), False
        cpu_seen: dict[int, float] = {}
        while process.poll() is None:
            rss, pss = tree_memory_mb(process.pid)
            tree_cpu(process.pid, cpu_seen)
            peak = (max(peak[0], rss), max(peak[1], pss))
            if time.monotonic() - started > limit:
                process.send_signal(signal.SIGKILL)
                killed = True
                process.wait()
                break
            time.sleep(0.25)
    seconds = time.monotonic() - started
    after = os.times()
    reaped = after.children_user - before.children_user
    reaped += after.children_system - before.children_system
    # The once process's own count is exact (reaped); its workers' are sampled.
    workers = sum(v for pid, v in cpu_seen.items() if pid != process.pid)
    cpu = reaped + workers
    print(
        f"  {log.stem}: CPU {reaped:.1f} s in the once process, {workers:.1f} s in its "
        "extraction processes",
        file=sys.stderr,
    )
    found = re.findall(r"(\d+) new article\(s\)", log.read_text().split("cycle done")[-1])
    new = int(found[0]) if found and not killed else -1
    return seconds, cpu, peak, process.returncode, killed, new


def bare_cycle(feeds: list[str], state: dict[str, object]) -> tuple[float, int]:
    """A bare conditional-GET fetcher: 64 threads, ETags, new links fetched; no politeness."""
    import requests
    from requests.adapters import HTTPAdapter

    etags: dict[str, str] = state.setdefault("etags", {})  # type: ignore[assignment]
    seen: set[str] = state.setdefault("seen", set())  # type: ignore[assignment]
    lock = threading.Lock()
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", HTTPAdapter(pool_connections=256, pool_maxsize=64))

    def one(url: str) -> int:
        headers = {"If-None-Match": etags[url]} if url in etags else {}
        answer = session.get(url, headers=headers, timeout=30)
        if answer.status_code == 304:
            return 0
        etags[url] = answer.headers.get("ETag", "")
        links = re.findall(r"<link>(http[^<]+\.html)</link>", answer.text)
        with lock:
            new = [link for link in links if link not in seen]
            seen.update(new)
        for link in new:
            session.get(link, timeout=30).content  # noqa: B018
        return len(new)

    started = time.monotonic()
    with ThreadPoolExecutor(64) as pool:
        articles = sum(pool.map(one, feeds))
    session.close()
    return time.monotonic() - started, articles


def hosts_early(starts: list[list[float]], window: float = 10.0) -> int:
    if not starts:
        return 0
    first = min(t for t, _ in starts)
    return len({h for t, h in starts if t - first <= window})


def run(args: argparse.Namespace) -> None:
    sites = Sites(args.hosts, args.sections, args.items, args.delay)
    bare_state: dict[str, object] = {}
    cycles: list[tuple[Cycle, float, int]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_config(Path(tmp), sites)
            empty = Path(tmp) / "empty.yaml"
            empty.write_text(f"state: {Path(tmp) / 'empty.db'}\nsources: []\n")
            args.startup = run_once(empty, args.limit, Path(tmp) / "empty.log")[0]
            feed_urls = [url for _, _, url in sites.feeds()]
            for name in args.cycles:
                if name == "steady":
                    sites.control(f"/__advance?every={args.steady_every}")
                    # the bare fetcher's copy of the news must not count for newswatch
                bare_seconds, bare_articles = bare_cycle(feed_urls, bare_state)
                sites.control("/__stats")
                log = Path(tmp) / f"{name}.log"
                seconds, cpu, rss, code, killed, new = run_once(config, args.limit, log, args.cpus)
                stats = sites.control("/__stats")
                cycle = Cycle(
                    name,
                    seconds,
                    cpu,
                    stats["requests"],  # type: ignore[arg-type]
                    stats["bytes"],  # type: ignore[arg-type]
                    stats["per_host"],  # type: ignore[arg-type]
                    hosts_early(stats["starts"]),  # type: ignore[arg-type]
                    # a killed run logs no total: count the article pages it fetched
                    new if new >= 0 else stats["requests"].get("article", 0),  # type: ignore[attr-defined]
                    rss,
                    code,
                    killed,
                )
                cycles.append((cycle, bare_seconds, bare_articles))
                print(
                    f"  {name}: {seconds:.1f} s, exit {code}{' (killed)' if killed else ''}",
                    file=sys.stderr,
                )
                if args.keep_logs:
                    print(log.read_text()[-3000:], file=sys.stderr)
    finally:
        sites.close()
    report(args, cycles)


def report(args: argparse.Namespace, cycles: list[tuple[Cycle, float, int]]) -> None:
    feeds = args.hosts * args.sections
    print(
        f"\nnewswatch once, product defaults: {feeds} feeds on {args.hosts} hosts, "
        f"{args.items} recent items each, {args.delay * 1000:.0f} ms per answer; "
        f"once on CPUs {args.cpus or 'all'} of {os.cpu_count()}, load {os.getloadavg()[0]:.1f}"
    )
    header = (
        "cycle", "wall s", "net s", "bound s", "x bound", "net x bound", "bare s", "requests",
        "feed bytes", "articles", "articles/s", "bare art/s", "hosts@10s", "cpu s", "RSS/PSS MB",
    )  # fmt: skip
    rows = [header]
    for cycle, bare_s, bare_articles in cycles:
        articles = cycle.articles
        timing = f"{cycle.seconds:.1f}" + (" (killed)" if cycle.killed else "")
        rows.append(
            (
                cycle.name,
                timing,
                f"{cycle.seconds - args.startup:.1f}",
                f"{cycle.bound:.1f}",
                f"{cycle.seconds / cycle.bound:.2f}",
                f"{(cycle.seconds - args.startup) / cycle.bound:.2f}",
                f"{bare_s:.1f}",
                f"{cycle.total_requests}",
                f"{cycle.bytes.get('feed', 0):,}",
                f"{articles}" if articles >= 0 else "?",
                f"{articles / cycle.seconds:.1f}" if articles > 0 else "-",
                f"{bare_articles / bare_s:.1f}" if bare_articles else "-",
                f"{cycle.hosts_first_10s}",
                f"{cycle.cpu:.1f}",
                f"{cycle.memory_mb[0]:.0f}/{cycle.memory_mb[1]:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print(
            "  ".join(
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    by_name = {c.name: c for c, _, _ in cycles}
    cold, unchanged, steady = (by_name.get(n) for n in ("cold", "unchanged", "steady"))
    print(f"\nstart-up of once (no sources; in every wall time, not in net): {args.startup:.1f} s")
    if cold and not cold.killed:
        print(f"cold cycle / politeness bound: {cold.seconds / cold.bound:.2f}x (target <= 1.3x)")
    elif cold:
        done = cold.total_requests
        print(f"cold cycle killed after {cold.seconds:.0f} s with {done} requests made")
    if cold and unchanged:
        share = 100 * unchanged.bytes.get("feed", 0) / max(cold.bytes.get("feed", 1), 1)
        print(f"unchanged cycle feed bytes / cold cycle feed bytes: {share:.2f} % (target < 5 %)")
    if steady and not steady.killed:
        cores = len(args.cpus.split(",")) if args.cpus else len(os.sched_getaffinity(0))
        sustainable = feeds * INTERVAL * cores / max(steady.cpu, 1e-9)
        print(
            f"steady cycle: {steady.cpu:.1f} CPU-s for {feeds} sources -> "
            f"~{sustainable:,.0f} sources "
            f"at a 5-minute interval on {cores} core(s) (target >= 50,000; "
            "includes each run's start-up)"
        )
    rss = max((c.memory_mb[0] for c, _, _ in cycles), default=0)
    pss = max((c.memory_mb[1] for c, _, _ in cycles), default=0)
    print(
        f"peak memory of the once process tree: PSS {pss:.0f} MB, RSS {rss:.0f} MB "
        "(RSS counts pages the workers share with their fork server once per process; "
        "target < 300 MB)"
    )


def add_site_arguments(parser: argparse.ArgumentParser, hosts: int, sections: int) -> None:
    """The shape of the sites (``Sites``), shared with bench_cores.py."""
    parser.add_argument("--hosts", type=int, default=hosts)
    parser.add_argument("--sections", type=int, default=sections, help="feeds per host")
    parser.add_argument("--items", type=int, default=5, help="recent items per feed")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds every answer is late")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_site_arguments(parser, hosts=100, sections=10)
    parser.add_argument(
        "--steady-every", type=int, default=10, help="every N-th feed gets a new item"
    )
    parser.add_argument(
        "--limit", type=float, default=900.0, help="kill a cycle after this many seconds"
    )
    parser.add_argument("--cycles", nargs="+", default=["cold", "unchanged", "steady"])
    parser.add_argument("--small", action="store_true", help="20 hosts x 3 feeds x 4 items")
    parser.add_argument(
        "--cpus", help="run once pinned to these CPUs (taskset -c), e.g. 0 for one core"
    )
    parser.add_argument(
        "--keep-logs", action="store_true", help="print the tail of each cycle's log"
    )
    args = parser.parse_args()
    if args.small:
        args.hosts, args.sections, args.items = 20, 3, 4
    run(args)


if __name__ == "__main__":
    main()

"""How fast Relais acknowledges Slack and gets the work done, against two
baselines run in the same invocation, each its own process under uvicorn on
127.0.0.1, receiving the same signed `/news` commands from 20 concurrent clients:

- ack-only: a bare Bolt AsyncApp that only acks (the framework's own speed);
- same-work: a bare Bolt AsyncApp doing the least same work as Relais — ack,
  insert the row with `sqlite3`, `chat.postMessage` with `AsyncWebClient`, POST
  to the `response_url` — with nothing of Relais's safety (no inbox, no outbox).

One command in FORM_EVERY has no text: it opens the news form (`views.open`, whose
`trigger_id` Slack honours for about 3 s); the fake Slack notes when each form opened.

Reported for each: time until ready (process start to /healthz), memory when idle
(the serving process's RSS, and the PSS summed over it and its forked workers),
ack throughput and p50/p95/p99 latency, peak memory, the time until every item is
posted, and how long after its request each form opened; then Relais's ratios to
the baselines of the same round, and the worst round of each ratio against its goal.

    python bench/ack_latency.py [--requests 600] [--concurrency 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
RELAIS = str(Path(sys.executable).with_name("relais"))  # the script systemd and the image run
sys.path.insert(0, str(ROOT))
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
FORM_EVERY = 30  # one /news in 30 opens the form: 20 forms in the 600


def opens_a_form(i: int) -> bool:
    """Whether request `i` of the warm run is a bare `/news` (the first burst's, negative, never are)."""
    return i >= 0 and i % FORM_EVERY == FORM_EVERY - 1


GOALS = {  # ratio: (what it is, the goal, True when higher is better)
    "rps": ("acks/s vs ack-only", 0.9, True),
    "p99": ("ack p99 vs ack-only", 1.5, False),
    "first": ("first burst p99 vs ack-only", 1.5, False),
    "posted": ("all posted vs same-work", 1.5, False),
    "ready": ("ready vs ack-only", 1.5, False),
    "restart": ("ready again, migrated db", 1.5, False),
    "idle": ("idle RSS vs ack-only", 1.3, False),
}


def baseline_server(port: int, api_url: str, same_work: bool = False, db: str = "") -> None:
    """A baseline: Bolt's AsyncApp behind its Starlette adapter, acking and nothing else,
    or (same_work) also storing, posting and answering, in the listener after the ack."""
    import uvicorn
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    app = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=api_url))

    if same_work:
        import sqlite3

        from slack_sdk.webhook.async_client import AsyncWebhookClient

        conn = sqlite3.connect(db, check_same_thread=False)
        conn.execute("CREATE TABLE IF NOT EXISTS news (id INTEGER PRIMARY KEY, author TEXT, title TEXT, body TEXT)")

        lock = threading.Lock()  # one connection, one writer at a time

        def insert(author: str, text: str) -> int:
            title, _sep, body = text.partition("\n")
            with lock, conn:
                return (
                    conn.execute(
                        "INSERT INTO news (author, title, body) VALUES (?, ?, ?)", (author, title, body)
                    ).lastrowid
                    or 0
                )

        @app.command("/news")
        async def same(ack, command, client):  # type: ignore[no-untyped-def]
            await ack()
            if not command["text"]:  # the form: the least a form takes
                view = {"type": "modal", "callback_id": "news", "title": {"type": "plain_text", "text": "News"},
                        "submit": {"type": "plain_text", "text": "Send"}, "blocks": [{"type": "input",
                        "block_id": "title", "label": {"type": "plain_text", "text": "Title"},
                        "element": {"type": "plain_text_input", "action_id": "title"}}]}  # fmt: skip
                await client.views_open(trigger_id=command["trigger_id"], view=view)
                return
            news_id = await asyncio.to_thread(insert, command["user_id"], command["text"])
            await client.chat_postMessage(channel="CQUEUE", text=f"News to review: {command['text']}")
            await AsyncWebhookClient(command["response_url"]).send(text=f"Sent to the CM (#{news_id})")
    else:

        @app.command("/news")
        async def ack_only(ack):  # type: ignore[no-untyped-def]
            await ack()

    handler = AsyncSlackRequestHandler(app)

    async def events(request):  # type: ignore[no-untyped-def]
        return await handler.handle(request)

    async def healthz(_request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("ok")

    web = Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz)])
    uvicorn.run(web, host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> float:
    """Seconds from now until the server answers /healthz."""
    started = time.perf_counter()
    while time.perf_counter() - started < 30:
        assert proc.poll() is None, "the server exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.01)
    raise SystemExit(f"server on port {port} did not start")


def rss_mb(pid: int, field: str = "VmRSS:") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb(pid: int) -> float:
    return rss_mb(pid, "VmHWM:")


def tree(pid: int) -> list[int]:
    """The process and its descendants (relais serve's forked workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(p for child in children for p in tree(int(child)))]


def pss_mb(pid: int) -> float:
    """What the server and its workers take from the machine: the sum of their
    proportional set sizes, so the pages they share after the fork count once."""
    total = 0
    for p in tree(pid):
        for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total / 1024


def signed(i: int, response_url: str) -> tuple[str, dict[str, str]]:
    """The i-th `/news`, signed as Slack signs it; its trigger_id holds when it was sent
    (the form's latency is counted from there, as Slack counts the trigger's 3 s)."""
    form = opens_a_form(i)
    body = urlencode(
        {
            "command": "/news",
            "text": "" if form else f"Bench news {i}\nBody",
            "user_id": f"U{i % 50}",
            "channel_id": "CGEN",
            "team_id": "T1",
            "response_url": response_url,
            "trigger_id": f"bench-{i}-{time.time():.6f}",
        }
    )
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                  "X-Slack-Signature": sig}  # fmt: skip


async def load(port: int, requests: int, concurrency: int, response_url: str) -> tuple[float, list[float], list[float]]:
    """The first burst after ready (`concurrency` requests at once, on a fresh server), then
    `requests` more: their duration and latencies, and the first burst's latencies."""
    url = f"http://127.0.0.1:{port}/slack/events"
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, i: int) -> None:
        async with gate:  # the request is built as it is sent: its trigger_id says when
            body, headers = signed(i, response_url)
            start = time.perf_counter()
            resp = await client.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - start)
            assert resp.status_code == 200, resp.text

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        await asyncio.gather(*(one(client, -1 - i) for i in range(concurrency)))  # the first burst, cold
        first = sorted(latencies)
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(one(client, i) for i in range(requests)))
        return time.perf_counter() - started, latencies, first


def serve_fake(port_file: str) -> None:
    """The fake Slack, in a process of its own: answering the servers' posts must not
    take the load generator's CPU. /bench/posted?at_least=N answers once N posts came."""
    from tests.fakes.slack_api import FakeSlack

    class CountingSlack(FakeSlack):
        opened: list[tuple[str, float]]

        def _respond(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            if path == "/bench/posted":  # answers once `at_least` posts came: no polling takes CPU from the server
                wanted = int(body.get("at_least", 0))
                with self.changed:
                    self.changed.wait_for(lambda: self._posted() >= wanted, timeout=300)
                    return 200, {"posted": self._posted()}

            if path == "/bench/opened":  # each form's trigger_id (it says when it was sent) and when it opened
                return 200, {"opened": self.opened}
            if path == "/api/views.open":
                self.opened.append((str(body.get("trigger_id", "")), time.time()))
            return super()._respond(method, path, body)

        def _posted(self) -> int:
            return self.counts.get("/api/chat.postMessage", 0)

    CountingSlack.opened = []
    fake = CountingSlack()
    Path(port_file).write_text(fake.base)
    threading.Event().wait()


def start_fake(tmp: str) -> tuple[subprocess.Popen[bytes], str]:
    port_file = Path(tmp) / f"fake-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, __file__, "--serve-fake", str(port_file)], cwd=ROOT)
    while not port_file.exists() or not port_file.read_text():
        time.sleep(0.02)
    return proc, port_file.read_text()


def run(name: str, cmd: list[str], env: dict[str, str], port: int, args: argparse.Namespace) -> dict[str, float]:
    """One server on its own fake Slack: ready time, idle memory, acks, and time until all is posted."""
    fake_proc, fake = start_fake(tempfile.gettempdir())
    api_url = f"{fake}/api/"
    cmd = [part.replace("{API}", api_url) for part in cmd]
    env = {**env, "SLACK_API_URL": api_url}
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    try:
        ready = wait_healthy(port, proc)
        time.sleep(1)  # idle: what it holds before any work
        idle, idle_all, processes = rss_mb(proc.pid), pss_mb(proc.pid), len(tree(proc.pid))
        started = time.perf_counter()
        elapsed, lat, first = asyncio.run(load(port, args.requests, args.concurrency, f"{fake}/response/1"))
        forms = sum(map(opens_a_form, range(args.requests)))
        wanted = args.requests + args.concurrency - forms  # and the first burst's, less the forms
        if name != "ack-only":
            httpx.get(f"{fake}/bench/posted", params={"at_least": wanted}, timeout=300)
        all_posted = time.perf_counter() - started
        opened = httpx.get(f"{fake}/bench/opened", timeout=30).json()["opened"]
        form_waits = sorted(at - float(trigger.rsplit("-", 1)[1]) for trigger, at in opened)
        lat.sort()
        result = {
            "ready": ready,
            "idle": idle,
            "all": idle_all,
            "processes": processes,
            "rps": len(lat) / elapsed,
            "p50": statistics.median(lat) * 1000,
            "p95": lat[int(len(lat) * 0.95)] * 1000,
            "p99": lat[int(len(lat) * 0.99)] * 1000,
            "first": first[-1] * 1000,  # the first burst's slowest ack: its p99 with 20 requests
            "rss": peak_rss_mb(proc.pid),
            "posted": all_posted if name != "ack-only" else float("nan"),
            "forms": len(form_waits),
            "form_p50": statistics.median(form_waits) * 1000 if form_waits else float("nan"),
            "form_max": form_waits[-1] * 1000 if form_waits else float("nan"),
        }
        print(
            f"{name:<10} ready {ready:5.2f} s  idle {idle:5.1f} MB, {idle_all:5.1f} MB PSS in "
            f"{result['processes']:.0f} processes  {result['rps']:5.0f} req/s  "
            f"p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms  p99 {result['p99']:6.1f} ms  "
            f"first burst p99 {result['first']:6.1f} ms  peak {result['rss']:5.1f} MB  all posted {result['posted']:5.1f} s  "
            f"forms opened {result['forms']:.0f}/{forms}, after p50 {result['form_p50']:6.1f} ms, max {result['form_max']:6.1f} ms",
            flush=True,
        )
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        fake_proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--serve-baseline", nargs=4, metavar=("PORT", "API_URL", "MODE", "DB"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-fake", metavar="PORT_FILE")
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args.serve_fake)
        return
    if args.serve_baseline:
        port, api, mode, db = args.serve_baseline
        baseline_server(int(port), api, same_work=mode == "same-work", db=db)
        return

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELAIS_", "SLACK_", "DATABASE_URL"))}
    compiled_as_installed()
    print(f"{args.requests} signed /news commands, {args.concurrency} concurrent clients, {os.cpu_count()} cores")
    rounds: dict[str, list[dict[str, float]]] = {"ack-only": [], "same-work": [], "relais": []}
    for round_ in range(args.rounds):  # the servers take turns, each round on fresh databases
        with tempfile.TemporaryDirectory() as tmp:
            for mode in ("ack-only", "same-work"):
                port = free_port()
                cmd = [sys.executable, __file__, "--serve-baseline", str(port), "{API}", mode, f"{tmp}/{mode}.db"]
                rounds[mode].append(run(mode, cmd, env, port, args))
            port = free_port()
            relais_env = {
                **env,
                "RELAIS_PLATFORM": "slack",
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET,
                "CM_QUEUE_CHANNEL": "CQUEUE",
                "TEAM_CHANNEL": "CTEAM",
                "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp}/bench.db"),
            }
            if "DATABASE_URL" in os.environ and round_:
                print("(PostgreSQL: the same database again; its tables keep the earlier rounds' rows)")
            cmd = [RELAIS, "serve", "--port", str(port)]
            rounds["relais"].append(run("relais", cmd, relais_env, port, args))
            rounds["relais"][-1]["restart"] = ready_again(relais_env)
    judge(rounds)


def compiled_as_installed() -> None:
    """Relais's own modules compiled once, as pip compiles an installed wheel (the image, the
    systemd guide): the libraries every server loads are, and where PYTHONDONTWRITEBYTECODE
    is set, an editable checkout would compile Relais again at every start it measures."""
    import compileall

    for package in ("bot", "handlers", "storage"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def ready_again(env: dict[str, str]) -> float:
    """Ready once more on the database the round left (migrated): a restart, the usual start."""
    port = free_port()
    env = {**env, "SLACK_API_URL": "http://127.0.0.1:9/api/"}
    proc = subprocess.Popen([RELAIS, "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        ready = wait_healthy(port, proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"relais     ready again on its migrated database {ready:5.2f} s", flush=True)
    return ready


def ratios(ack: dict[str, float], same: dict[str, float], relais: dict[str, float]) -> dict[str, float]:
    """Relais against the baselines of the same round."""
    return {
        "rps": relais["rps"] / ack["rps"],
        "p99": relais["p99"] / ack["p99"],
        "first": relais["first"] / ack["first"],
        "posted": relais["posted"] / same["posted"],
        "ready": relais["ready"] / ack["ready"],
        "restart": relais["restart"] / ack["ready"],
        "idle": relais["idle"] / ack["idle"],
    }


def judge(rounds: dict[str, list[dict[str, float]]]) -> None:
    """Each round's ratios, then the worst round of each against its goal: a goal is met
    only if it is met in every round."""
    each = [ratios(a, s, r) for a, s, r in zip(rounds["ack-only"], rounds["same-work"], rounds["relais"], strict=True)]
    for n, r in enumerate(each, 1):
        print(f"round {n}: " + "   ".join(f"{GOALS[k][0]} {v:.2f}x" for k, v in r.items()))
    print("worst round of each:")
    for key, (what, goal, higher) in GOALS.items():
        values = [r[key] for r in each]
        worst = min(values) if higher else max(values)
        met = worst >= goal if higher else worst <= goal
        sign = ">=" if higher else "<="
        print(
            f"  {what:<28} {worst:5.2f}x (round {values.index(worst) + 1})  goal {sign} {goal}x  {'met' if met else 'NOT MET'}"
        )
    forms = [r["form_max"] for r in rounds["relais"]]
    print(f"  relais views.open after its request: max {max(forms):.0f} ms over the rounds (goal <= 1000 ms)"
          f"  {'met' if max(forms) <= 1000 else 'NOT MET'}")  # fmt: skip


if __name__ == "__main__":
    main()

"""How fast Relais acknowledges Slack, against a bare Bolt AsyncApp that only acks.

Both servers run as their own processes under uvicorn on 127.0.0.1 and receive
the same signed `/news` slash commands from 20 concurrent clients; Relais also
stores each item and posts it to a local fake Web API after the ack. Reported:
throughput, p50/p95 ack latency and the server's peak memory, with Relais's
ratio to the baseline measured in the same run.

    python bench/ack_latency.py [--requests 600] [--concurrency 20]
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
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"


def baseline_server(port: int, api_url: str) -> None:
    """The baseline: Bolt's AsyncApp behind its Starlette adapter, acking and nothing else."""
    import uvicorn
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    app = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=api_url))

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


def wait_healthy(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def load(port: int, requests: int, concurrency: int, response_url: str) -> tuple[float, list[float]]:
    url = f"http://127.0.0.1:{port}/slack/events"
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, i: int) -> None:
        body = urlencode(
            {
                "command": "/news",
                "text": f"Bench news {i}\nBody",
                "user_id": f"U{i % 50}",
                "channel_id": "CGEN",
                "team_id": "T1",
                "response_url": response_url,
                "trigger_id": "t",
            }
        )
        ts = str(int(time.time()))
        sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
        }
        async with gate:
            start = time.perf_counter()
            resp = await client.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - start)
            assert resp.status_code == 200, resp.text

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        await one(client, -1)  # warm-up: Bolt's first auth.test
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(one(client, i) for i in range(requests)))
        return time.perf_counter() - started, latencies


def run(
    name: str,
    cmd: list[str],
    env: dict[str, str],
    port: int,
    args: argparse.Namespace,
    response_url: str,
    done: Callable[[], None] = lambda: None,
) -> dict[str, float]:
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    try:
        wait_healthy(port)
        started = time.perf_counter()
        elapsed, lat = asyncio.run(load(port, args.requests, args.concurrency, response_url))
        done()
        finished = time.perf_counter() - started
        lat.sort()
        result = {
            "rps": len(lat) / elapsed,
            "p50": statistics.median(lat) * 1000,
            "p95": lat[int(len(lat) * 0.95)] * 1000,
            "rss": peak_rss_mb(proc.pid),
        }
        print(
            f"{name:<10} {result['rps']:8.0f} req/s   p50 {result['p50']:7.1f} ms   p95 {result['p95']:7.1f} ms   "
            f"peak RSS {result['rss']:6.1f} MB   all work done in {finished:5.1f} s",
            flush=True,
        )
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--serve-baseline", nargs=2, metavar=("PORT", "API_URL"))
    args = parser.parse_args()
    if args.serve_baseline:
        baseline_server(int(args.serve_baseline[0]), args.serve_baseline[1])
        return

    from tests.fakes.slack_api import FakeSlack

    fake = FakeSlack()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELAIS_", "SLACK_", "DATABASE_URL"))}
    print(f"{args.requests} signed /news commands, {args.concurrency} concurrent clients, {os.cpu_count()} cores")
    base_port = free_port()
    baseline = run(
        "baseline",
        [sys.executable, __file__, "--serve-baseline", str(base_port), fake.api_url],
        env,
        base_port,
        args,
        fake.response_url(),
    )
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        relais_env = {
            **env,
            "RELAIS_PLATFORM": "slack",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "CM_QUEUE_CHANNEL": "CQUEUE",
            "TEAM_CHANNEL": "CTEAM",
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp}/bench.db"),
        }
        queued = args.requests + 1
        relais = run(
            "relais",
            [sys.executable, "-m", "bot", "serve", "--port", str(port)],
            relais_env,
            port,
            args,
            fake.response_url(),
            lambda: fake.wait_for(fake.api("chat.postMessage"), queued, timeout=600),
        )
    fake.close()
    print(
        f"ratio      {relais['rps'] / baseline['rps']:8.2f} x     p50 {relais['p50'] / baseline['p50']:7.2f} x    "
        f"p95 {relais['p95'] / baseline['p95']:7.2f} x    peak RSS {relais['rss'] / baseline['rss']:6.2f} x"
    )
    print(f"relais stored and posted all {queued} news to the fake queue ('all work done': acks plus background work)")


if __name__ == "__main__":
    main()

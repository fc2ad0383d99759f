"""A real Mastodon-API server for the tests: snac2 (Debian's `snac2`, installed by
.ci/run), started in a temporary folder on a free port, with two accounts: `asso`, the
association, and `alice`, who answers it. Not installed: the tests that need it fail,
saying how to install it (never skipped in silence)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


@dataclass
class Snac:
    base: str
    tokens: dict[str, str]

    def post(self, who: str, text: str, reply_to: str = "") -> dict[str, Any]:
        data = {"status": text, **({"in_reply_to_id": reply_to} if reply_to else {})}
        response = httpx.post(f"{self.base}/api/v1/statuses", data=data, headers=self._auth(who), timeout=10)
        response.raise_for_status()
        return dict(response.json())

    def mentions(self, who: str) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.base}/api/v1/notifications", params={"types[]": "mention"},
                             headers=self._auth(who), timeout=10)  # fmt: skip
        return list(response.json())

    def _auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def until(found: Callable[[], T | None], timeout: float = 60) -> T:
    """What `found` gives once it gives something: snac2 delivers a reply after its queue
    runs (6 to 12 s). A wait on another server's work, not on the clock."""
    deadline = time.monotonic() + timeout
    while True:
        value = found()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing came in {timeout} s")
        time.sleep(0.25)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _add_user(snac: str, folder: Path, name: str) -> str:
    made = subprocess.run([snac, "adduser", str(folder), name], input="\n", capture_output=True, text=True, check=True)
    return next(line.split()[-1] for line in made.stdout.splitlines() if "password is" in line)


@contextmanager
def running_snac(folder: Path) -> Iterator[Snac]:
    snac = shutil.which("snac")
    if snac is None:
        raise AssertionError("snac2 is not installed: apt-get install -t bookworm-backports snac2 (.ci/run does)")
    port, folder = _free_port(), folder / "snac"  # snac init makes the folder itself
    subprocess.run([snac, "init", str(folder)], input=f"127.0.0.1\n{port}\n127.0.0.1:{port}\n\n\n",
                   capture_output=True, text=True, check=True)  # fmt: skip
    server = folder / "server.json"
    server.write_text(server.read_text().replace('"protocol": "https"', '"protocol": "http"'))
    passwords = {name: _add_user(snac, folder, name) for name in ("asso", "alice")}
    process = subprocess.Popen([snac, "httpd", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        tokens = {name: until(lambda n=name, p=pw: _token(base, n, p), timeout=20) for name, pw in passwords.items()}
        yield Snac(base, tokens)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _token(base: str, login: str, password: str) -> str | None:
    try:
        response = httpx.post(f"{base}/oauth/x-snac-get-token", data={"login": login, "passwd": password}, timeout=5)
    except httpx.HTTPError:
        return None
    return response.text.strip() if response.status_code == 200 and response.text.strip() else None

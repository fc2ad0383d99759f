"""A Mattermost session without Mattermost: starts the fake Mattermost API and
`RELAIS_PLATFORM=mattermost relais serve` as a real process, then does what
people would do (a leader sends news, the CM approves it, someone asks about
the CM's role, the CM logs a negative message) and prints every call Relais
made to the server.

    python scripts/mattermost_walkthrough.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.mattermost_api import FakeMattermost  # noqa: E402


def main() -> None:
    fake = FakeMattermost()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RELAIS_", "SLACK_", "MATTERMOST_", "DATABASE_URL"))
        }
        env.update(
            RELAIS_PLATFORM="mattermost",
            MATTERMOST_URL=fake.url,
            MATTERMOST_BOT_TOKEN="walkthrough-bot-token",
            MATTERMOST_COMMAND_TOKENS="cmdtoken,hooktoken",
            RELAIS_PUBLIC_URL=base,
            CM_QUEUE_CHANNEL="cmqueue",
            TEAM_CHANNEL="team",
            CM_USERS="cmuser",
            RELAIS_LANGUAGE="fr",
            DATABASE_URL=f"sqlite:///{tmp}/relais.db",
        )
        server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], env=env, cwd=ROOT)
        try:
            for _ in range(100):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)

            def command(user: str, name: str, text: str) -> None:
                body = {
                    "token": "cmdtoken",
                    "command": name,
                    "text": text,
                    "user_id": user,
                    "user_name": user,
                    "channel_id": "townsquare",
                    "team_id": "team1",
                    "trigger_id": f"trigger-{user}",
                    "response_url": fake.response_url(),
                }
                print(f"\n>>> {user} types: {name} {text}")
                httpx.post(
                    base + "/mattermost/command",
                    content=urlencode(body),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    timeout=10,
                )

            def click(user: str, action_id: str) -> None:
                for call in reversed(fake.calls):
                    for attachment in (call.body.get("props") or {}).get("attachments", []):
                        for action in attachment.get("actions", []):
                            if action["integration"]["context"]["action_id"] == action_id:
                                print(f"\n>>> {user} clicks “{action['name']}”")
                                resp = httpx.post(
                                    base + "/mattermost/action",
                                    timeout=10,
                                    json={
                                        "user_id": user,
                                        "user_name": user,
                                        "channel_id": "cmqueue",
                                        "post_id": "post1",
                                        "trigger_id": f"trigger-{user}",
                                        "context": action["integration"]["context"],
                                    },
                                )
                                print(f"<<< answer to the click: {resp.json()}")
                                return

            command("leader", "/news", "Fête des bénévoles samedi 14h\nVenez nombreux au local !")
            fake.wait_for("/hooks/commands/1")
            click("leader", "news.approve")
            click("cmuser", "news.approve")
            command("leader", "/cm", "role peux-tu réparer l'imprimante ?")
            fake.wait_for("/hooks/commands/2")
            command("cmuser", "/cm", "log")
            dialog = fake.wait_api("/actions/dialogs/open")[0]
            print("\n>>> cmuser fills the dialog and submits")
            print(
                "<<<",
                httpx.post(
                    base + "/mattermost/dialog",
                    timeout=10,
                    json={
                        "type": "dialog_submission",
                        "callback_id": dialog["dialog"]["callback_id"],
                        "state": dialog["dialog"]["state"],
                        "user_id": "cmuser",
                        "submission": {
                            "network": "facebook",
                            "excerpt": "C'est une honte @all !",
                            "severity": "high",
                            "handling": "pending",
                        },
                    },
                ).json(),
            )
            fake.wait_until(lambda calls: sum(c.path == "/api/v4/posts" for c in calls) >= 4)
            fake.user_post("threadroot", "townsquare", "Qui s'occupe de l'imprimante ?", user_id="leader")
            fake.user_post(
                "threadreply",
                "townsquare",
                "@relais tu peux réparer l'imprimante ?",
                user_id="leader",
                root_id="threadroot",
            )
            print("\n>>> leader, replying in a thread: @relais tu peux réparer l'imprimante ?")
            print(
                "<<<",
                httpx.post(
                    base + "/mattermost/mention",
                    timeout=10,
                    json={
                        "token": "hooktoken",
                        "channel_id": "townsquare",
                        "user_id": "leader",
                        "user_name": "leader",
                        "post_id": "threadreply",
                        "text": "@relais tu peux réparer l'imprimante ?",
                        "trigger_word": "@relais",
                    },
                ).json(),
            )
            fake.wait_until(lambda calls: any(c.body.get("root_id") == "threadroot" for c in calls))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("\n=== calls recorded by the fake Mattermost server ===")
    for call in fake.calls:
        body = {k: v for k, v in call.body.items() if k != "props"}
        text = json.dumps(body, ensure_ascii=False)
        print(f"{call.method} {call.path}: {text[:300]}")
    print("\nrefused or logged by the fake server:", fake.problems or "nothing")
    fake.close()


if __name__ == "__main__":
    main()

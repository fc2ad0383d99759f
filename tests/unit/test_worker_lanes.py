"""What may open a form is not held behind a burst: its `trigger_id` lasts about 3 s on
Slack, while a worker holds ordinary requests for a pause up to MAX_WAIT (5 s). The
bench measures it end to end (bench/README.md: `views.open` after its request)."""

from __future__ import annotations

import multiprocessing

from bot.handover import Handover
from handlers.core.inbound import Click, Command, Shortcut, Submission


def test_a_form_to_open_takes_the_urgent_lane_while_a_burst_of_news_waits_for_a_pause() -> None:
    handover = Handover(multiprocessing.get_context("fork"))
    burst = [Command("U1", "C1", name="news", text=f"Brocante {n}\nSamedi") for n in range(5)]
    opening = [Command("U2", "C1", name="news", text="  "), Click("U3", "C1", action_id="newsform", value=""),
               Shortcut("U4", "C1", callback_id="send_to_cm")]  # fmt: skip
    sent = Submission("U5", "C1", form_id="news.submit", values={"title": "Loto"})
    for n, request in enumerate([*burst[:3], *opening, *burst[3:], sent]):
        handover.put((n, request))

    urgent = [handover.urgent.get(timeout=5)[1] for _ in opening]
    assert urgent == opening
    held = [handover.items.get(timeout=5)[1][1] for _ in range(6)]
    assert held == [*burst, sent]  # in the order they came, each held for a pause
    assert handover.urgent.empty()  # nothing else skipped the queue

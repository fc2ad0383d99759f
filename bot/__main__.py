"""`relais` (== `python -m bot`): the command line (bot/cli.py). `relais serve` on
Slack starts from here without loading the rest of Relais: its HTTP process holds
only what the acks need (bot/front.py)."""

from __future__ import annotations

import sys
from typing import Any


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        from bot import front

        return front.serve(argv, _whole) if front.wanted(argv) else _whole(argv)
    except KeyboardInterrupt:  # Ctrl-C while Relais loads, before bot/cli.py can say it
        from bot.front_settings import say_stopped

        say_stopped()
        return 1


def _whole(argv: list[str]) -> int:
    from bot import cli

    return cli.main(argv)


def __getattr__(name: str) -> Any:
    """`_parser`, `_run`… are bot/cli.py's, as they were before it left this file. Not the
    import system's own questions (`__path__`, asked by the `relais` script's `from bot.__main__
    import main`): answered from bot/cli.py, they loaded all of Relais into the lean front."""
    if name.startswith("__"):
        raise AttributeError(name)
    from bot import cli

    return getattr(cli, name)


if __name__ == "__main__":
    sys.exit(main())

"""The port `relais serve` listens on, checked before anything starts: a port already
taken is said in one line, and "listening" is never logged for a port Relais did not get."""

from __future__ import annotations

import socket


class PortInUse(Exception):
    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.port = port


def ensure_free(port: int) -> None:
    """Bind it as uvicorn will (all addresses, address reuse on); raise PortInUse if taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            raise PortInUse(port) from None

"""The network guard of `check_recipe`: a recipe must never open a connection (builds run offline
and must be reproducible), so every outgoing connection is refused and remembered while it runs."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

__all__ = ["NetworkBlocked", "NetworkGuard"]


class NetworkBlocked(OSError):
    """Raised inside a recipe that tries to open a connection while `check_recipe` runs it."""


class NetworkGuard:
    """Refuse every outgoing connection and remember it, even if the recipe swallows the error."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, what: str, target: object) -> None:
        self.attempts.append(f"{what}({target!r})")
        raise NetworkBlocked(f"twcasual recipes must not use the network ({what} {target!r})")

    @contextmanager
    def active(self) -> Iterator[NetworkGuard]:
        def connect(sock: socket.socket, address: object, *args: Any) -> Any:
            self.refuse("socket.connect", address)

        def connect_ex(sock: socket.socket, address: object, *args: Any) -> Any:
            self.refuse("socket.connect_ex", address)

        def sendto(sock: socket.socket, data: bytes, *args: Any) -> Any:
            self.refuse("socket.sendto", args[-1] if args else None)

        def create_connection(address: object, *args: Any, **kwargs: Any) -> Any:
            self.refuse("socket.create_connection", address)

        def getaddrinfo(host: object, port: object, *args: Any, **kwargs: Any) -> Any:
            self.refuse("socket.getaddrinfo", (host, port))

        with (
            mock.patch.object(socket.socket, "connect", connect),
            mock.patch.object(socket.socket, "connect_ex", connect_ex),
            mock.patch.object(socket.socket, "sendto", sendto),
            mock.patch.object(socket, "create_connection", create_connection),
            mock.patch.object(socket, "getaddrinfo", getaddrinfo),
        ):
            yield self

"""Drive a local headless Chromium over the DevTools protocol on a pipe: standard library only.

`--remote-debugging-pipe` makes Chromium read commands from fd 3 and write replies to fd 4, each a
JSON message ended by a NUL byte, so no WebSocket client, driver binary or network port is needed.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import struct
import time
import zlib
from pathlib import Path
from typing import Any

__all__ = ["Browser", "PngStats", "find_chromium", "png_stats"]

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
    "--remote-debugging-pipe",
)
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Return the Chromium binary: $CHROMIUM if set, else the first known name on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"] if os.access(os.environ["CHROMIUM"], os.X_OK) else None
    return next((path for name in _CANDIDATES if (path := shutil.which(name))), None)


def _high(fd: int) -> int:
    """Move a descriptor to 10 or above, so that placing the child's fds 3 and 4 cannot clobber it."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Browser:
    """One headless Chromium with one page, driven by DevTools commands."""

    def __init__(self, binary: str, profile: Path, width: int = 1280, height: int = 900) -> None:
        to_child, self._cmd = (_high(fd) for fd in os.pipe())
        self._out, from_child = (_high(fd) for fd in os.pipe())
        devnull = _high(os.open(os.devnull, os.O_RDWR))
        # posix_spawn's dup2 actions place the pipe ends at fds 3 and 4 without a preexec_fn.
        actions = [(os.POSIX_SPAWN_DUP2, devnull, fd) for fd in (0, 1, 2)]
        actions += [(os.POSIX_SPAWN_DUP2, to_child, 3), (os.POSIX_SPAWN_DUP2, from_child, 4)]
        args = [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"]
        self.pid = os.posix_spawn(binary, args, os.environ, file_actions=actions)
        for fd in (to_child, from_child, devnull):
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    def call(self, method: str, session: str | None = None, timeout: float = 20.0, **params: Any) -> dict:
        """Send one command and wait for its reply, keeping the events that arrive meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._cmd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def send(self, method: str, **params: Any) -> dict:
        """Send a command to the page."""
        return self.call(method, session=self.session, **params)

    def _read(self, timeout: float) -> dict[str, Any]:
        """Read the next NUL-terminated message, failing after timeout seconds of silence."""
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._out], [], [], timeout)
            chunk = os.read(self._out, 1 << 20) if ready else b""
            if not chunk:
                raise TimeoutError("Chromium sent nothing (it exited or hung)")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def wait_event(self, method: str, timeout: float = 20.0) -> dict[str, Any]:
        """Wait for an event of the page, looking first at those already received."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method:
                    self.events.remove(event)
                    return event
            self.events.append(self._read(max(0.1, deadline - time.monotonic())))

    def open(self, url: str) -> None:
        """Navigate to url and wait until the page has loaded."""
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its value."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the middle of an element with the mouse, as a person would."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView();"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def type_text(self, text: str) -> None:
        """Type text key by key (keyDown with text, keyUp), the events a keyboard sends."""
        for ch in text:
            self.send("Input.dispatchKeyEvent", type="keyDown", key=ch, text=ch, unmodifiedText=ch)
            self.send("Input.dispatchKeyEvent", type="keyUp", key=ch)

    def screenshot(self, full_page: bool = False) -> bytes:
        """Return a PNG of the viewport, or of the whole page."""
        result = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=full_page)
        return base64.b64decode(result["data"])

    def close(self) -> None:
        """Close the browser, killing it if it has not exited within ten seconds."""
        try:
            self.call("Browser.close", timeout=5)
        except (OSError, TimeoutError, RuntimeError):
            pass
        deadline = time.monotonic() + 10
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self._cmd)
        os.close(self._out)


PngStats = tuple[int, int, int, float]  # width, height, distinct colours, share of non-white pixels


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[bytearray]:
    """Undo the PNG row filters (None, Sub, Up, Average, Paeth)."""
    stride = width * bpp
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride) if kind else ():
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 255
            else:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        prev = line
    return rows


def png_stats(png: bytes) -> PngStats:
    """Decode an 8-bit RGB or RGBA PNG and count its colours and non-white pixels."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, data, header = 8, b"", b""
    while pos < len(png):
        (length,), kind = struct.unpack(">I", png[pos : pos + 4]), png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        data += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), f"unsupported PNG: depth {depth}, colour type {colour}"
    bpp = 3 if colour == 2 else 4
    colours: set[bytes] = set()
    white = 0
    for line in _unfilter(zlib.decompress(data), width, height, bpp):
        pixels = [bytes(line[i : i + 3]) for i in range(0, len(line), bpp)]
        colours.update(pixels)
        white += pixels.count(b"\xff\xff\xff")
    return width, height, len(colours), 1 - white / (width * height)

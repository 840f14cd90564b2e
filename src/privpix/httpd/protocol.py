"""Connections of ``privpix serve``: one asyncio task each, HTTP/1.1 parsed by h11.

What keeps it answering when a network it listens on is hostile (``--host 0.0.0.0``):

- at most ``max_connections`` open at once; a new connection beyond that takes the slot of the
  longest-idle keep-alive connection, or gets 503 at once when every slot is busy with a request;
- an idle connection is closed after ``idle_timeout``; a request head must arrive whole within
  ``head_timeout`` (408 otherwise), and be at most ``max_head`` bytes (431; 414 when the request
  line alone is over ``max_target``);
- bodies are streamed from the file in ``chunk``-sized pieces, so memory does not grow with the file
  or with the number of downloads; a client that stops reading for ``send_timeout`` is dropped;
- every answer — 200, 206, 304, 400, 404, 405, 408, 414, 416, 431, 501, 503 — carries the same
  security headers (``headers`` of ``Responder``).

Only GET and HEAD exist; any other method gets 405 (501 for methods HTTP does not define), and a
request that comes with a body is answered without reading it and the connection closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from socket import socket
from ssl import SSLContext, SSLError
from typing import NoReturn, TextIO

import h11

from .conditional import UNSATISFIABLE, byte_range, not_modified, range_applies
from .files import Resource, Site

KNOWN_METHODS = {"POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"}  # HTTP's own, refused
ALLOW = "GET, HEAD"


@dataclass(frozen=True)
class Limits:
    max_connections: int = 256
    idle_timeout: float = 15.0
    head_timeout: float = 10.0
    send_timeout: float = 30.0
    handshake_timeout: float = 10.0
    max_head: int = 16 * 1024
    max_target: int = 8 * 1024
    chunk: int = 256 * 1024


@dataclass(frozen=True)
class Responder:
    """What the server says about a file: headers every answer carries, and per-file ones."""

    headers: dict[str, str]  # on every response, errors included
    content_type: Callable[[Resource], str]
    file_headers: Callable[[Resource], dict[str, str]]  # Cache-Control and the like


def printable(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1) and backslashes escaped, for a terminal or log:
    a request line can carry escape sequences that would otherwise rewrite the operator's screen."""
    return "".join(f"\\x{ord(c):02x}" if (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c == "\\") else c for c in text)


class _Close(Exception):
    """End this connection without a further answer (timeout, peer gone, or an answer that closes)."""


class Connection:
    def __init__(self, server: SiteServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.limits = server.limits
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=server.limits.max_head)
        self.idle_since: float | None = time.monotonic()  # waiting for the first byte of a request
        self.head_line = ""  # the start of a request head that could not be parsed, for the log
        peer = writer.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) else "-"

    # ---- the request ----

    async def _receive(self, timeout: float) -> None:
        try:
            data = await asyncio.wait_for(self.reader.read(65536), timeout)
        except TimeoutError:
            raise  # the caller decides: silent close when idle, 408 mid-head
        except (ConnectionError, SSLError, OSError) as err:
            raise _Close from err
        self.h11.receive_data(data)

    async def next_request(self) -> h11.Request | None:
        head = bytearray(self.h11.trailing_data[0])  # bytes of this request head seen so far
        deadline: float | None = None
        while True:
            self.head_line = head[:200].split(b"\n", 1)[0].rstrip(b"\r").decode("latin-1")
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as err:
                status = HTTPStatus(err.error_status_hint)
                if status == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE and b"\n" not in head[: self.limits.max_target]:
                    status = HTTPStatus.REQUEST_URI_TOO_LONG
                await self.refuse(status)
            if isinstance(event, h11.Request):
                self.idle_since = None
                if len(event.target) > self.limits.max_target:
                    await self.refuse(HTTPStatus.REQUEST_URI_TOO_LONG)
                if len(head) - len(self.h11.trailing_data[0]) > self.limits.max_head:  # arrived whole, but too big
                    await self.refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
                return event
            if event is h11.NEED_DATA:
                if head and b"\n" not in head[: self.limits.max_target + 2] and len(head) > self.limits.max_target:
                    await self.refuse(HTTPStatus.REQUEST_URI_TOO_LONG)
                now = time.monotonic()
                if not head:
                    timeout = self.limits.idle_timeout
                else:
                    deadline = deadline or now + self.limits.head_timeout
                    timeout = deadline - now
                try:
                    before = len(self.h11.trailing_data[0])
                    await self._receive(max(timeout, 0.0))
                    head += self.h11.trailing_data[0][before:]
                    if head:
                        self.idle_since = None  # a request is arriving: no longer evictable
                except TimeoutError:
                    if head:
                        await self.refuse(HTTPStatus.REQUEST_TIMEOUT)
                    return None
                continue
            return None  # ConnectionClosed, or PAUSED after a protocol switch we never agree to

    # ---- answers ----

    async def _write(self, data: bytes | bytearray | memoryview) -> None:
        self.writer.write(data)
        try:
            await asyncio.wait_for(self.writer.drain(), self.limits.send_timeout)
        except (TimeoutError, ConnectionError, SSLError, OSError) as err:
            raise _Close from err

    async def _head(self, status: int, headers: dict[str, str]) -> None:
        all_headers = {**self.server.responder.headers, **headers}
        response = h11.Response(status_code=status, headers=list(all_headers.items()), reason=HTTPStatus(status).phrase)
        data = self.h11.send(response)
        if data:
            await self._write(data)

    async def _end(self) -> None:
        data = self.h11.send(h11.EndOfMessage())
        if data:
            await self._write(data)

    async def error(self, status: HTTPStatus, request: h11.Request, *, close: bool, extra: dict[str, str] | None = None) -> None:
        """A short text answer to ``request``."""
        body = f"{status.value} {status.phrase}\n".encode()
        headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body)), **(extra or {})}
        if close:
            headers["Connection"] = "close"
        self.server.log(self.peer, request, status.value, len(body))
        await self._head(status.value, headers)
        if request.method != b"HEAD":
            data = self.h11.send(h11.Data(data=body))
            if data:
                await self._write(data)
        await self._end()

    async def refuse(self, status: HTTPStatus, extra: dict[str, str] | None = None) -> NoReturn:
        """Answer without a parsed request (a broken, oversized or timed-out head, or no free slot),
        written directly as h11 answers only requests, then close the connection."""
        body = f"{status.value} {status.phrase}\n".encode()
        headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body)), "Connection": "close"}
        self.server.log(self.peer, None, status.value, len(body), self.head_line)
        with contextlib.suppress(_Close):
            await self._write(self._plain(status, {**headers, **(extra or {})}) + body)
        raise _Close

    def _plain(self, status: HTTPStatus, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status.value} {status.phrase}"]
        lines += [f"{name}: {value}" for name, value in {**self.server.responder.headers, **headers}.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def respond(self, request: h11.Request, has_body: bool) -> None:
        method = request.method.decode("ascii", "replace")
        if method not in ("GET", "HEAD"):
            status = HTTPStatus.METHOD_NOT_ALLOWED if method in KNOWN_METHODS else HTTPStatus.NOT_IMPLEMENTED
            await self.error(status, request, close=has_body, extra={"Allow": ALLOW})
            return
        resource = self.server.site.open(request.target.decode("latin-1"))
        if resource is None:
            await self.error(HTTPStatus.NOT_FOUND, request, close=has_body)
            return
        try:
            await self._send_resource(request, resource, has_body)
        finally:
            resource.close()

    async def _send_resource(self, request: h11.Request, resource: Resource, has_body: bool) -> None:
        fields = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in request.headers}
        etag = resource.etag
        headers = {
            "Content-Type": self.server.responder.content_type(resource),
            "ETag": etag,
            "Last-Modified": formatdate(resource.mtime, usegmt=True),
            "Accept-Ranges": "bytes",
            **self.server.responder.file_headers(resource),
        }
        if has_body:
            headers["Connection"] = "close"
        if not_modified(fields.get("if-none-match"), fields.get("if-modified-since"), etag, resource.mtime):
            self.server.log(self.peer, request, 304, 0)
            await self._head(304, headers)
            await self._end()
            return
        first, length, status = 0, resource.length, 200
        wanted = byte_range(fields.get("range"), resource.length) if request.method == b"GET" else None
        if wanted is not None and range_applies(fields.get("if-range"), etag, resource.mtime):
            if wanted is UNSATISFIABLE:
                await self.error(
                    HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    request,
                    close=has_body,
                    extra={"Content-Range": f"bytes */{resource.length}"},
                )
                return
            assert isinstance(wanted, tuple)
            first, last = wanted
            length, status = last - first + 1, 206
            headers["Content-Range"] = f"bytes {first}-{last}/{resource.length}"
        headers["Content-Length"] = str(length)
        self.server.log(self.peer, request, status, 0 if request.method == b"HEAD" else length)
        await self._head(status, headers)
        if request.method == b"GET":
            await self._stream(resource, resource.offset + first, length)
        await self._end()

    async def _stream(self, resource: Resource, offset: int, length: int) -> None:
        file = resource.file
        file.seek(offset)
        left = length
        while left > 0:
            block = file.read(min(self.limits.chunk, left))
            if not block:  # the file shrank under us: the Content-Length promise cannot be kept
                raise _Close
            left -= len(block)
            for piece in self.h11.send_with_data_passthrough(h11.Data(data=block)) or []:
                await self._write(piece)

    # ---- the loop ----

    async def run(self) -> None:
        try:
            while True:
                request = await self.next_request()
                if request is None:
                    return
                event = self.h11.next_event()  # EndOfMessage right away when there is no body
                has_body = not isinstance(event, h11.EndOfMessage)
                await self.respond(request, has_body)
                if has_body or self.h11.our_state is not h11.DONE or self.h11.their_state is not h11.DONE:
                    return
                self.h11.start_next_cycle()
                self.idle_since = time.monotonic()
        except (_Close, h11.ProtocolError, asyncio.CancelledError):
            return

    async def busy(self) -> None:
        """Every slot is serving a request: say so (503) without reading, and close."""
        with contextlib.suppress(_Close):
            await self.refuse(HTTPStatus.SERVICE_UNAVAILABLE, {"Retry-After": "2"})

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.writer.can_write_eof():
                self.writer.write_eof()
            self.writer.close()
            await asyncio.wait_for(self.writer.wait_closed(), 2.0)


class SiteServer:
    """The server: bound at construction (``server_address`` is known at once), run by
    ``serve_forever()`` in any thread, stopped by ``shutdown()`` from another."""

    def __init__(
        self,
        sock: socket,
        site: Site,
        responder: Responder,
        *,
        ssl: SSLContext | None = None,
        limits: Limits | None = None,
        log: TextIO | None = sys.stderr,
    ) -> None:
        self.socket = sock
        self.site = site
        self.responder = responder
        self.ssl = ssl
        self.limits = limits or Limits()
        self._log = log
        self.server_address: tuple[str, int] = sock.getsockname()[:2]
        self.connections: dict[Connection, asyncio.Task[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._stopped = threading.Event()
        self._stop_requested = False

    def log(self, peer: str, request: h11.Request | None, status: int, size: int, unparsed: str = "") -> None:
        """One line per answer: peer, request line (as received, escaped), status, body bytes."""
        if self._log is None:
            return
        if request is not None:
            line = f"{request.method.decode('latin-1')} {request.target.decode('latin-1')}"
        else:
            line = unparsed or "-"
        self._log.write(f"privpix serve: {peer} {printable(line)} {status} {size}\n")
        self._log.flush()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = Connection(self, reader, writer)
        if len(self.connections) >= self.limits.max_connections and not self._evict_idle():
            await connection.busy()
            await connection.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self.connections[connection] = task
        try:
            await connection.run()
        finally:
            self.connections.pop(connection, None)
            await connection.close()

    def _evict_idle(self) -> bool:
        """Close the longest-idle keep-alive connection to make room; False when none is idle."""
        idle = [(c.idle_since, c) for c in self.connections if c.idle_since is not None]
        if not idle:
            return False
        _, oldest = min(idle, key=lambda pair: pair[0])
        self.connections.pop(oldest).cancel()
        return True

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(
            self._accept,
            sock=self.socket,
            ssl=self.ssl,
            ssl_handshake_timeout=self.limits.handshake_timeout if self.ssl else None,
            backlog=1024,
        )
        self._started.set()
        if self._stop_requested:
            self._stop.set()
        async with server:
            await self._stop.wait()
            server.close()
            for task in list(self.connections.values()):
                task.cancel()
            await asyncio.gather(*self.connections.values(), return_exceptions=True)

    def serve_forever(self, poll_interval: float | None = None) -> None:
        """Serve until ``shutdown()`` (``poll_interval`` is accepted for socketserver's signature)."""
        try:
            asyncio.run(self._main())
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        self._stop_requested = True
        if self._loop is not None and self._stop is not None and not self._stopped.is_set():
            with contextlib.suppress(RuntimeError):  # the loop already ended
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._started.is_set():
            self._stopped.wait()

    def server_close(self) -> None:
        self.socket.close()

"""Load test of ``privpix serve`` on loopback: idle floods, slow request heads, parallel model
downloads and small-file throughput, with the server's memory (one ``privpix serve`` process).

    .venv/bin/python bench/serve_load.py [--idle 6000] [--slow 300] [--downloads 16] [--seconds 5]

Every request goes to 127.0.0.1 only; every phase is bounded in count and time and the server is
stopped at the end. Prints one table. What the issue measured on the old thread-per-connection
server: after 6,000 idle connections closed at once it answered nothing for ~30 minutes, and 16
parallel downloads of the 88 MB model took 1.47 GB of memory.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from privpix.models import registry, store  # noqa: E402

HOST = "127.0.0.1"


def memory(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of ``pid`` in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def fetch(port: int, path: str, *, timeout: float = 10.0) -> tuple[int, int]:
    """GET ``path`` on a new connection: (status, body bytes)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status = int(head.split(b" ", 2)[1])
        size = 0
        while chunk := await asyncio.wait_for(reader.read(1 << 20), timeout):
            size += len(chunk)
        return status, size
    finally:
        writer.close()


async def time_to_answer(port: int, limit: float) -> tuple[float, int]:
    """Seconds until GET / answers 200 (retrying), and the statuses seen before."""
    started = time.monotonic()
    refused = 0
    while time.monotonic() - started < limit:
        try:
            status, _ = await fetch(port, "/", timeout=limit)
            if status == 200:
                return time.monotonic() - started, refused
            refused += 1
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            refused += 1
        await asyncio.sleep(0.05)
    return float("inf"), refused


async def idle_flood(port: int, count: int) -> list[tuple[str, str]]:
    opened = []
    started = time.monotonic()
    for _ in range(count):
        try:
            opened.append(await asyncio.wait_for(asyncio.open_connection(HOST, port), 5))
        except (OSError, asyncio.TimeoutError):
            break
    took = time.monotonic() - started
    await asyncio.sleep(0.5)
    during, refused = await time_to_answer(port, 30)
    for _, writer in opened:
        writer.close()
    after, _ = await time_to_answer(port, 60)
    return [
        (f"{len(opened)} idle connections opened", f"{took:.2f} s"),
        ("GET / while they are open", f"{during * 1000:.0f} ms ({refused} refused first)"),
        ("GET / right after closing them all at once", f"{after * 1000:.0f} ms"),
    ]


async def slow_heads(port: int, count: int) -> list[tuple[str, str]]:
    writers = []
    for _ in range(count):
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 5)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # a head that never ends
            writers.append((reader, writer))
        except (OSError, asyncio.TimeoutError):
            break
    await asyncio.sleep(0.5)
    recovered, refused = await time_to_answer(port, 30)
    answered_408 = 0
    for reader, writer in writers:
        try:
            line = await asyncio.wait_for(reader.readline(), 0.5)
            answered_408 += line.startswith(b"HTTP/1.1 408")
        except (OSError, asyncio.TimeoutError):
            pass
        writer.close()
    return [
        (f"{len(writers)} never-ending request heads", f"GET / answered after {recovered:.1f} s ({refused} × 503 first)"),
        ("  of those, answered 408 by the head timeout", f"{answered_408}"),
    ]


async def downloads(port: int, path: str, count: int, size: int, pid: int) -> list[tuple[str, str]]:
    before = memory(pid)[0]
    peak = [before]

    async def watch() -> None:
        while True:
            peak.append(memory(pid)[0])
            await asyncio.sleep(0.05)

    watcher = asyncio.create_task(watch())
    started = time.monotonic()
    results = await asyncio.gather(*(fetch(port, path, timeout=120) for _ in range(count)))
    took = time.monotonic() - started
    watcher.cancel()
    ok = sum(1 for status, got in results if status == 200 and got == size)
    rate = sum(got for _, got in results) / took / 1e6
    return [
        (f"{count} parallel downloads of {size / 1e6:.0f} MB", f"{ok}/{count} complete, {took:.1f} s, {rate:.0f} MB/s"),
        ("  server memory (RSS) before → peak during", f"{before:.0f} → {max(peak):.0f} MB"),
    ]


async def throughput(port: int, seconds: float, clients: int = 8) -> list[tuple[str, str]]:
    done = 0
    stop = time.monotonic() + seconds

    async def client() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(HOST, port)
        while time.monotonic() < stop:
            writer.write(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
            await reader.readexactly(length)
            done += 1
        writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return [(f"GET /index.html, {clients} keep-alive clients, {seconds:.0f} s", f"{done / seconds:.0f} requests/s")]


async def main_async(args: argparse.Namespace, port: int, pid: int) -> list[tuple[str, str]]:
    spec = registry.MODELS["quality"]
    rows: list[tuple[str, str]] = [("server memory (RSS) at start", f"{memory(pid)[0]:.0f} MB")]
    rows += await throughput(port, args.seconds)
    if store.find(spec) is not None:
        rows += await downloads(port, f"/models/{spec.file}", args.downloads, spec.size, pid)
    else:
        rows.append(("parallel model downloads", f"skipped: the {spec.name} model is not on this machine"))
    rows += await idle_flood(port, args.idle)
    rows += await slow_heads(port, args.slow)
    current, peak = memory(pid)
    rows.append(("server memory (RSS) at the end / peak over the run", f"{current:.0f} / {peak:.0f} MB"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=int, default=6000, help="idle connections opened at once")
    parser.add_argument("--slow", type=int, default=300, help="never-ending request heads (more than the 256 slots)")
    parser.add_argument("--downloads", type=int, default=16, help="parallel downloads of the quality model")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the throughput phase")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # this process holds the client ends
    if args.idle + 100 > hard:
        parser.error(f"--idle {args.idle} needs more open files than this system allows ({hard})")
    server = subprocess.Popen(
        [sys.executable, "-m", "privpix", "serve", "--port", "0", "--no-open"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        match = re.search(r":(\d+)/", server.stdout.readline())
        if not match:
            raise SystemExit("privpix serve did not start")
        port = int(match.group(1))
        time.sleep(0.5)
        rows = asyncio.run(main_async(args, port, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
    width = max(len(k) for k, _ in rows)
    cores = Path("/proc/cpuinfo").read_text().count("processor")
    print(f"privpix serve under load (127.0.0.1, one server process; {sys.platform}, {cores} cores)")
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``privpix serve``: the web app on localhost, and ``privpix build-site``: the same files plus header
configuration for static hosts.

The server is deliberately tiny: it serves the files of the built site with the security headers of
ARCHITECTURE.md and answers nothing else. Only GET and HEAD exist, so no request can carry a photo
here; paths are confined to the site directory.
"""

from __future__ import annotations

import shutil
import sys
import threading
import webbrowser
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .errors import SiteMissingError as SiteMissingError  # raised here; cli.py catches it from here

SITE_DIR = Path(__file__).resolve().parent / "site"

CSP = (
    "default-src 'self'; connect-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
    "img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

# Sent with every response, errors included.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

MIME_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".onnx": "application/octet-stream",
    ".bin": "application/octet-stream",
}

# Files whose name does not change between versions must be revalidated; hashed assets never change.
NO_CACHE = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}
IMMUTABLE_PREFIX = "assets/"


def site_dir() -> Path:
    if not (SITE_DIR / "index.html").is_file():
        raise SiteMissingError(
            f"the web app is not built ({SITE_DIR / 'index.html'} is missing); run scripts/run, "
            "or `npm ci && npm run build` in web/"
        )
    return SITE_DIR


def cache_control(rel: str) -> str:
    if rel in NO_CACHE:
        return "no-cache"
    if rel.startswith(IMMUTABLE_PREFIX):
        return "public, max-age=31536000, immutable"
    return "public, max-age=3600"


def resolve(root: Path, raw_path: str) -> Path | None:
    """The file under ``root`` a request path names, or None if it names nothing servable.

    Any ``..`` segment, backslash, NUL or absolute component is refused outright rather than
    normalised, and the resolved path must still lie inside ``root`` (symlinks included).
    """
    path = unquote(urlsplit(raw_path).path)
    if "\x00" in path or "\\" in path:
        return None
    parts = PurePosixPath(path).parts
    if any(p == ".." for p in parts) or ".." in path.split("/"):
        return None
    rel = "/".join(p for p in parts if p not in ("/", "."))
    candidate = (root / rel) if rel else root
    if candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        return None
    if not real.is_file() or not real.is_relative_to(root.resolve()):
        return None
    return real


class Handler(BaseHTTPRequestHandler):
    server_version = "privpix"
    sys_version = ""
    root: Path = SITE_DIR
    quiet = False

    def _headers(self, status: int, length: int, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _error(self, status: HTTPStatus, extra: dict[str, str] | None = None) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self._headers(status.value, len(body), "text/plain; charset=utf-8", extra)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        target = resolve(self.root, self.path)
        if target is None:
            self._error(HTTPStatus.NOT_FOUND)
            return
        rel = target.relative_to(self.root.resolve()).as_posix()
        data = b"" if head else target.read_bytes()
        length = target.stat().st_size
        mime = MIME_TYPES.get(target.suffix.lower(), "application/octet-stream")
        extra = {"Cache-Control": cache_control(rel), "Last-Modified": formatdate(target.stat().st_mtime, usegmt=True)}
        if rel == "sw.js":
            extra["Service-Worker-Allowed"] = "/"
        self._headers(HTTPStatus.OK, length, mime, extra)
        if not head:
            self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def _refuse(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_CONNECT = do_TRACE = _refuse  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        if not self.quiet:
            sys.stderr.write(f"privpix serve: {self.address_string()} {format % args}\n")


def make_server(host: str = "127.0.0.1", port: int = 8765, root: Path | None = None, quiet: bool = False) -> ThreadingHTTPServer:
    handler = type("SiteHandler", (Handler,), {"root": root or site_dir(), "quiet": quiet})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = True) -> None:
    server = make_server(host, port)
    bound_host, bound_port = server.server_address[:2]
    if isinstance(bound_host, bytes):  # only for AF_UNIX sockets, which this server never binds
        bound_host = bound_host.decode()
    shown = "127.0.0.1" if bound_host in ("0.0.0.0", "") else bound_host
    url = f"http://{shown}:{bound_port}/"
    print(f"privpix is running at {url}  (Ctrl+C to stop)", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"note: listening on {host}, so other machines on your network can load the app "
            "(they still process photos on their own device)",
            flush=True,
        )
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# ---- static hosts --------------------------------------------------------------------------------------


def netlify_headers() -> str:
    lines = ["/*"] + [f"  {k}: {v}" for k, v in SECURITY_HEADERS.items()]
    lines += ["", "/assets/*", f"  Cache-Control: {cache_control(IMMUTABLE_PREFIX + 'x')}"]
    for name in sorted(NO_CACHE):
        lines += ["", f"/{name}", "  Cache-Control: no-cache"]
    return "\n".join(lines) + "\n"


def nginx_snippet() -> str:
    # add_header in a location replaces the server-level ones, so each location repeats them.
    security = "".join(f'    add_header {k} "{v}" always;\n' for k, v in SECURITY_HEADERS.items())
    types = "".join(f"    {mime.split(';')[0]} {ext[1:]};\n" for ext, mime in MIME_TYPES.items())
    no_cache = "|".join(sorted(n.replace(".", r"\.") for n in NO_CACHE))
    return (
        "# privpix: include this inside a `server { }` block whose `root` is the built site directory.\n"
        "# Only static files are served; nothing on this server accepts uploads.\n"
        f"types {{\n{types}}}\n"
        "location / {\n"
        "    limit_except GET { deny all; }\n"
        f"{security}"
        "    try_files $uri $uri/ =404;\n"
        "}\n"
        "location /assets/ {\n"
        "    limit_except GET { deny all; }\n"
        f"{security}"
        f'    add_header Cache-Control "{cache_control(IMMUTABLE_PREFIX + "x")}" always;\n'
        "}\n"
        f"location ~ ^/({no_cache})$ {{\n"
        "    limit_except GET { deny all; }\n"
        f"{security}"
        '    add_header Cache-Control "no-cache" always;\n'
        "}\n"
    )


def build_site(directory: Path) -> int:
    """Copy the built web app into ``directory`` and add header files; returns the file count."""
    source = site_dir()
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, directory, dirs_exist_ok=True)
    (directory / "_headers").write_text(netlify_headers(), encoding="utf-8")
    (directory / "nginx-privpix.conf").write_text(nginx_snippet(), encoding="utf-8")
    return sum(1 for p in directory.rglob("*") if p.is_file())

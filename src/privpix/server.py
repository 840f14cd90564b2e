"""``privpix serve``: the web app on this machine (``privpix build-site``, in ``static_site.py``,
writes the same files and this header policy for static hosts).

What is served, with which headers, is decided here: the files of the built site and the model
chunks, which are byte ranges of the model files in the user's cache (``privpix.models.site``),
with the security headers on every response, the MIME types and the caching policy. Only GET and
HEAD exist, so no request can carry a photo here. The connections themselves (limits, timeouts,
streaming, ranges, TLS) are ``privpix.httpd``'s. See docs/hosting.md.
"""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .httpd.files import Resource, Site
from .httpd.protocol import Limits, Responder, SiteServer
from .sitefiles import FileSlice

if TYPE_CHECKING:
    from ssl import SSLContext

    from .httpd.tls import Certificate

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
    ".crt": "application/x-x509-ca-cert",
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


def _file_headers(resource: Resource) -> dict[str, str]:
    headers = {"Cache-Control": cache_control(resource.rel)}
    if resource.rel == "sw.js":
        headers["Service-Worker-Allowed"] = "/"
    return headers


RESPONDER = Responder(
    headers=SECURITY_HEADERS,
    content_type=lambda resource: MIME_TYPES.get(resource.suffix, "application/octet-stream"),
    file_headers=_file_headers,
)


def extra_files() -> dict[str, FileSlice]:
    """Files served beside the site that are not in it: the model chunks and manifests, as byte
    ranges of the checked model files in the user's cache."""
    from .models.site import site_files

    return site_files()


def make_server(
    host: str = "127.0.0.1",
    port: int = 8765,
    root: Path | None = None,
    quiet: bool = False,
    *,
    extra: Mapping[str, FileSlice] | None = None,
    ssl: SSLContext | None = None,
    limits: Limits | None = None,
    log: TextIO = sys.stderr,
) -> SiteServer:
    """A server of ``root`` (default: the built site) plus the ``extra`` mapped files, bound to
    ``host:port`` (port 0 picks a free one) and ready for ``serve_forever()``; one line per
    answer goes to ``log`` unless ``quiet``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=1024)
    return SiteServer(sock, Site(root or site_dir(), extra), RESPONDER, ssl=ssl, limits=limits, log=None if quiet else log)


def _say(text: str = "") -> None:
    print(text, flush=True)


def _models_note() -> None:
    from .models import registry, store

    served = [spec.name for spec in registry.MODELS.values() if store.find(spec)]
    if served:
        _say(f"background-removal models served: {', '.join(served)}")
        return
    _say(
        "note: no background-removal model is on this machine, so Remove background will not work in the app.\n"
        "  Get one once with `privpix models fetch` (online), or offline from the npm package's tarball with\n"
        f"  `privpix models fetch --from {registry.IMGLY_DATA.tarball_name}`; it goes to {store.cache_dir()}"
    )


def _phone_instructions(urls: list[str], certificate: Certificate | None, qr: bool) -> None:
    from .httpd.lan import qr_text

    if certificate is None:
        _say(
            "note: other devices on your network can open "
            + " or ".join(urls)
            + ", but over plain http a browser treats that address as not secure: no offline use, no install,\n"
            "  no Remove background and slower encoders. For phones, run `privpix serve --https --host 0.0.0.0`."
        )
        return
    _say("on a phone on the same network, open " + " or ".join(urls))
    if qr:
        _say(qr_text(urls[0]))
    _say(
        "  The phone warns at first: this certificate comes from this computer, not from a public authority.\n"
        "  For offline use and installing the app, trust this computer's privpix authority once on the phone:\n"
        f"    download {urls[0]}{certificate.authority_file.name} and install it\n"
        "    (iPhone: Settings > General > VPN & Device Management, then About > Certificate Trust Settings;\n"
        "     Android: Settings > Security > Encryption & credentials > Install a certificate > CA certificate)\n"
        f"    authority SHA-256: {certificate.authority_fingerprint}"
    )


def serve(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = True, https: bool = False) -> None:
    """Run the server until Ctrl+C, saying where it is and, for other devices, how to reach it."""
    from .httpd.lan import lan_addresses, url_for

    extra = extra_files()
    addresses = lan_addresses(host)
    certificate = None
    context = None
    if https:
        from .extras import require

        require("https", "privpix serve --https")
        from .httpd.tls import ensure_certificate

        certificate = ensure_certificate(["localhost", "127.0.0.1", "::1", socket.gethostname(), *addresses])
        context = certificate.context()
        extra[certificate.authority_file.name] = FileSlice(certificate.authority_file)
    server = make_server(host, port, extra=extra, ssl=context)
    scheme = "https" if https else "http"
    bound = server.server_address[1]
    local = url_for("127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host, bound, scheme)
    _say(f"privpix is running at {local}  (Ctrl+C to stop)")
    if certificate is not None:
        _say(f"certificate SHA-256 (a browser's certificate viewer shows it; it must match):\n  {certificate.fingerprint}")
    _models_note()
    if addresses:
        _phone_instructions([url_for(a, bound, scheme) for a in addresses], certificate, qr=sys.stdout.isatty())
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=(local,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

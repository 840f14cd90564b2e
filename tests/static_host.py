"""Debian's nginx serving a ``privpix build-site`` output on loopback, for the static-hosting tests and
``bench/first_load.py``.

The server block is ``static_site.nginx_server`` — the one the generated Dockerfile installs — with a
loopback ``listen`` and this machine's paths, and it includes the generated ``nginx-privpix.conf``
unchanged. The main configuration around it is a stock one (Debian's MIME map, one worker), plus an
access log of what nginx actually sent: method, path, status, body bytes, Content-Encoding, and
whether the client accepted gzip.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from privpix.static_site import nginx_server

from .servers import free_port, on_a_thread, stop, wait_until_answering

NGINX = Path("/usr/sbin/nginx")
MIME_TYPES = Path("/etc/nginx/mime.types")


@dataclass(frozen=True)
class Sent:
    method: str
    path: str
    status: int
    bytes: int
    encoding: str
    accepts_gzip: bool


@dataclass(frozen=True)
class NginxSite:
    url: str
    access_log: Path

    def sent(self) -> list[Sent]:
        """Every response nginx has logged so far."""
        out = []
        for line in self.access_log.read_text().splitlines():
            method, path, status, size, encoding, accepted = line.split("\t")
            out.append(Sent(method, path, int(status), int(size), encoding.strip('"'), "gzip" in accepted))
        return out


def main_config(work: Path, server_block: str) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private temp dirs
    temp = "".join(f"    {kind}_temp_path {work / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"{user}worker_processes 1;\npid {work / 'nginx.pid'};\nerror_log {work / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    include {MIME_TYPES};\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        '    log_format sent \'$request_method\\t$uri\\t$status\\t$body_bytes_sent\\t"$sent_http_content_encoding"\\t"$http_accept_encoding"\';\n'
        f"    access_log {work / 'access.log'} sent;\n"
        f"{temp}" + "".join(f"    {line}\n" for line in server_block.splitlines()) + "}\n"
    )


@contextmanager
def serve_with_nginx(built: Path, base_path: str = "/") -> Iterator[NginxSite]:
    """Serve ``built`` (what ``privpix build-site`` wrote: ``site/`` and ``nginx-privpix.conf``) at
    ``base_path`` of ``http://127.0.0.1:PORT``."""
    if not NGINX.is_file():
        raise FileNotFoundError(
            f"{NGINX} is missing: the static-hosting tests need Debian's nginx (scripts/test installs nginx-light)"
        )
    with tempfile.TemporaryDirectory(prefix="privpix-nginx-") as tmp:
        work = Path(tmp)
        if base_path == "/":
            root = built / "site"
        else:  # the site copied to ROOT/<base path>, as docs/hosting.md says; a link does as well here
            root = work / "www"
            (root / base_path.strip("/")).parent.mkdir(parents=True, exist_ok=True)
            (root / base_path.strip("/")).symlink_to(built / "site", target_is_directory=True)
        port = free_port()
        server = nginx_server(
            listen=f"127.0.0.1:{port}", root=str(root), snippet=str(built / "nginx-privpix.conf"), base_path=base_path
        )
        conf = work / "nginx.conf"
        conf.write_text(main_config(work, server))
        command = [str(NGINX), "-p", str(work), "-c", str(conf), "-e", str(work / "error.log")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx rejects the configuration:\n{check.stderr}\n{conf.read_text()}")
        proc = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}{base_path}"
        try:
            wait_until_answering(url, proc, lambda: (work / "error.log").read_text(errors="replace"))
            yield NginxSite(url, work / "access.log")
        finally:
            stop(proc)


@contextmanager
def serve_without_headers(web_root: Path) -> Iterator[str]:
    """``web_root`` as a static host without custom headers serves it (GitHub Pages, a plain file
    server): the right MIME types, and none of the site's security or isolation headers."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {
            **SimpleHTTPRequestHandler.extensions_map,
            ".js": "text/javascript",
            ".mjs": "text/javascript",
            ".wasm": "application/wasm",
            ".webmanifest": "application/manifest+json",
        }

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
            pass

    with on_a_thread(ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(web_root)))) as url:
        yield url

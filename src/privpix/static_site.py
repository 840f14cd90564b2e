"""``privpix build-site DIR``: the web app as plain files for any static host, and beside them (never
inside the web root, where a host would serve them) the configuration hosts need. docs/hosting.md
is the guide; this module writes::

    DIR/site/               the web root: publish this directory (models as checked chunks, and a
                            precompressed .gz beside every text and WebAssembly file)
    DIR/_headers            Netlify / Cloudflare Pages: the security and cache headers
    DIR/nginx-privpix.conf  nginx: locations to include in a server block
    DIR/nginx-server.conf   a whole server block including it (what the Dockerfile installs)
    DIR/Dockerfile          the nginx image serving the site
    DIR/privpix-site.json   what was written (also how a later build-site knows DIR/site is its own)

The headers are those ``privpix serve`` sends (``privpix.server``): one policy, three renderings.
No file of the site may exceed ``MAX_FILE_BYTES`` (Cloudflare Pages' per-file limit).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import BuildSiteError as BuildSiteError  # raised here; cli.py catches it from here
from .models import MODELS, ModelSpec
from .models import site as model_site
from .server import IMMUTABLE_PREFIX, MIME_TYPES, NO_CACHE, SECURITY_HEADERS, cache_control, site_dir

MAX_FILE_BYTES = 25 * 2**20
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".webmanifest"}
MIN_COMPRESS_BYTES = 1024  # below this a .gz saves less than its own request overhead
RECORD = "privpix-site.json"
NGINX_IMAGE = "nginx:1.28-alpine"
DOCKER_ROOT = "/usr/share/nginx/html"
DOCKER_PORT = 8080
_BASE_PATH = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*$")


@dataclass
class Report:
    """What build-site wrote, for the person who ran it."""

    directory: Path
    web_root: Path
    base_path: str
    files: int = 0
    bytes: int = 0
    largest: tuple[str, int] = ("", 0)
    models: list[model_site.SiteModel] = field(default_factory=list)
    precompressed: int = 0
    beside: dict[str, str] = field(default_factory=dict)  # file name -> what it is for
    headers_in_site: bool = False


# ---- the header policy, rendered for each kind of host ------------------------------------------------


def check_base_path(base_path: str) -> str:
    if not _BASE_PATH.match(base_path) or any(part in (".", "..") for part in base_path.split("/")):
        raise BuildSiteError(f"--base-path must start and end with '/', with letters, digits, ._~- between (not {base_path!r})")
    return base_path


def netlify_headers(base_path: str = "/") -> str:
    """``_headers`` for Netlify and Cloudflare Pages (the same syntax)."""
    lines = [f"{base_path}*"] + [f"  {k}: {v}" for k, v in SECURITY_HEADERS.items()]
    lines += ["", f"{base_path}{IMMUTABLE_PREFIX}*", f"  Cache-Control: {cache_control(IMMUTABLE_PREFIX + 'x')}"]
    for name in [""] + sorted(NO_CACHE):
        lines += ["", f"{base_path}{name}", f"  Cache-Control: {cache_control(name or 'index.html')}"]
    return "\n".join(lines) + "\n"


def _nginx_location(
    match: str,
    cache: str,
    *,
    types: dict[str, str] | None = None,
    default_type: str | None = None,
    compress: bool = True,
    extra: Iterable[str] = (),
) -> str:
    # add_header in a location replaces every add_header inherited from the server, so each location
    # carries the whole set; `always` adds them to error responses too.
    body = ["limit_except GET { deny all; }  # GET and HEAD only: nothing here accepts a body"]
    body += [f'add_header {k} "{v}" always;' for k, v in SECURITY_HEADERS.items()]
    body.append(f'add_header Cache-Control "{cache}" always;')
    if types is not None:
        # A `types` block here replaces the MIME map for this location only: it serves build output
        # alone, every file type of which is listed.
        body.append("types {")
        body += [f"    {mime} {' '.join(sorted(exts))};" for mime, exts in _by_mime(types).items()]
        body.append("}")
    if default_type:
        body.append(f"default_type {default_type};")
    if compress:
        body += [
            "gzip_static on;  # the .gz build-site wrote beside each text and WebAssembly file",
            "gzip on;  # files without one",
            "gzip_vary on;",
            "gzip_min_length 1024;",
            "gzip_types " + " ".join(sorted(_compressible_mimes())) + ";",
        ]
    body += list(extra)
    inner = "".join(f"    {line}\n" for line in body)
    return f"location {match} {{\n{inner}}}\n"


def _by_mime(types: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ext, mime in sorted(types.items()):
        out.setdefault(mime, []).append(ext)
    return out


def _mime(ext: str) -> str:
    return MIME_TYPES[ext].split(";")[0]


def _compressible_mimes() -> set[str]:
    # text/html is always compressed; application/javascript is what older MIME maps call .js
    return {_mime(ext) for ext in COMPRESSIBLE if ext != ".html"} | {"application/javascript"}


def nginx_snippet(base_path: str = "/", present: set[str] | None = None) -> str:
    """Locations for a server block whose ``root`` holds the site at ``base_path``. They add what a
    stock nginx lacks for this site (types for .mjs and .webmanifest, compression, the headers) for
    the site's own paths only: the server's MIME map and other locations are left as they are.
    ``present``: the names at the site's top level (to skip locations for files it does not have)."""
    p = check_base_path(base_path)
    build_types = {ext[1:]: _mime(ext) for ext in (".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".png")}
    head = (
        f"# privpix {__version__}: the web app as static files (docs/hosting.md). Nothing here accepts an\n"
        "# upload: photos are processed in the visitor's browser and never sent anywhere.\n"
        f"# Include this file inside a `server {{ }}` block whose `root` holds the site at {p}\n"
        f"# (the directory build-site wrote as site/{'' if p == '/' else f', copied to ROOT{p}'}).\n"
    )
    return head + "\n".join(
        [
            _nginx_location(f"^~ {p}", cache_control("icon.svg")),
            _nginx_location(
                f"^~ {p}{IMMUTABLE_PREFIX}",
                cache_control(IMMUTABLE_PREFIX + "x"),
                types=build_types,
                default_type="application/octet-stream",
            ),
            _nginx_location(
                f"^~ {p}{model_site.URL_PREFIX}",
                cache_control(model_site.URL_PREFIX + "x"),
                types={"json": _mime(".json")},
                default_type="application/octet-stream",
                compress=False,
            ),
            _nginx_location(f"= {p}", cache_control("index.html"), extra=["index index.html;"]),
            *(
                _nginx_location(
                    f"= {p}{name}",
                    cache_control(name),
                    default_type=_mime(Path(name).suffix),
                    types={} if Path(name).suffix == ".webmanifest" else None,
                )
                for name in sorted(NO_CACHE)
                if Path(name).suffix in MIME_TYPES and (present is None or name in present)
            ),
        ]
    )


def nginx_server(*, listen: str, root: str, snippet: str, base_path: str = "/") -> str:
    """A whole server block serving the site with ``snippet``: what the Dockerfile installs, and what
    the static-hosting test runs with Debian's nginx (there with a loopback ``listen`` and local paths)."""
    p = check_base_path(base_path)
    redirect = "" if p == "/" else f"    location = / {{ return 302 {p}; }}\n"
    return (
        "# privpix behind nginx: plain HTTP, for a TLS-terminating proxy in front or for this machine only\n"
        '# (docs/hosting.md, "HTTPS").\n'
        "server {\n"
        f"    listen {listen};\n"
        "    server_name _;\n"
        f"    root {root};\n"
        f"{redirect}"
        f"    include {snippet};\n"
        "}\n"
    )


def dockerfile(base_path: str = "/") -> str:
    p = check_base_path(base_path)
    return (
        "# privpix served by nginx (docs/hosting.md). From the directory build-site wrote:\n"
        "#   docker build -t privpix . && docker run --rm -p 8080:8080 privpix\n"
        f"# then open http://localhost:8080{p} (a browser needs HTTPS or localhost for offline use).\n"
        f"FROM {NGINX_IMAGE}\n"
        f"COPY site/ {DOCKER_ROOT}{p}\n"
        "COPY nginx-privpix.conf /etc/nginx/privpix.conf\n"
        "COPY nginx-server.conf /etc/nginx/conf.d/default.conf\n"
        f"EXPOSE {DOCKER_PORT}\n"
    )


# ---- writing the site --------------------------------------------------------------------------------


def _precompress(root: Path) -> int:
    """Write ``NAME.gz`` beside each compressible file where it is smaller; returns how many."""
    count = 0
    models = root / model_site.URL_PREFIX
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE or path.stat().st_size < MIN_COMPRESS_BYTES:
            continue
        if path.is_relative_to(models):  # chunks do not compress; their locations serve no .gz
            continue
        raw = path.read_bytes()
        packed = gzip.compress(raw, compresslevel=9, mtime=0)
        if len(packed) < len(raw):
            path.with_name(path.name + ".gz").write_bytes(packed)
            count += 1
    return count


def _models(names: list[str] | None) -> list[model_site.SiteModel]:
    """The site copies of ``names`` (every model when None) from the cache; all or an error."""
    specs: list[ModelSpec] = list(MODELS.values()) if names is None else [MODELS[n] for n in names]
    found = [(spec, model_site.cached(spec)) for spec in specs]
    missing = [spec for spec, model in found if model is None]
    if missing:
        listed = ", ".join(f"{s.name} ({s.megabytes} MB)" for s in missing)
        raise BuildSiteError(
            f"the background-removal model{'s' if len(missing) > 1 else ''} {listed} "
            f"{'are' if len(missing) > 1 else 'is'} not in the model cache. Get "
            f"{'them' if len(missing) > 1 else 'it'} with `privpix models fetch {' '.join(s.name for s in missing)}` "
            "(once, online), or leave Remove background's models out of the site with --no-models."
        )
    return [model for _, model in found if model is not None]


def _prepare(directory: Path) -> Path:
    """``directory/site``, emptied if a previous build-site wrote it; refused if someone else did."""
    web_root = directory / "site"
    if directory.exists() and not directory.is_dir():
        raise BuildSiteError(f"{directory} is a file, not a directory")
    if web_root.exists():
        if not (directory / RECORD).is_file():
            raise BuildSiteError(
                f"{web_root} exists and was not written by privpix build-site; choose another directory "
                "(build-site replaces only a site it wrote itself)"
            )
        shutil.rmtree(web_root)
    directory.mkdir(parents=True, exist_ok=True)
    return web_root


def build_site(
    directory: Path,
    *,
    base_path: str = "/",
    models: list[str] | None = None,
    with_models: bool = True,
    precompress: bool = True,
    headers_in_site: bool = False,
) -> Report:
    """Write the site and its host configuration into ``directory`` (see the module docstring)."""
    check_base_path(base_path)
    # A web build from a checkout set up before models moved to the cache may still hold whole models.
    top_models = model_site.URL_PREFIX.rstrip("/")
    unknown = [n for n in models or [] if n not in MODELS]
    if unknown:
        raise BuildSiteError(f"unknown model {unknown[0]!r}; choose from {', '.join(MODELS)}")
    source = site_dir()
    for path in source.rglob("*"):
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES and path.relative_to(source).parts[0] != top_models:
            raise BuildSiteError(
                f"{path} is {path.stat().st_size / 2**20:.1f} MiB, over the {MAX_FILE_BYTES >> 20} MiB a static host such as "
                "Cloudflare Pages accepts per file (a web build that should have been split: rebuild with npm run build)"
            )
    chosen = _models(models) if with_models else []
    web_root = _prepare(directory)
    (directory / RECORD).write_text("{}\n", encoding="utf-8")  # claimed: a failed run can be repeated over it
    shutil.copytree(source, web_root, ignore=lambda d, names: [top_models] if Path(d) == source and top_models in names else [])
    (web_root / ".nojekyll").write_bytes(b"")  # GitHub Pages: publish files whose names start with _
    model_site.write(web_root, chosen)
    report = Report(directory, web_root, base_path, models=chosen, headers_in_site=headers_in_site)
    report.precompressed = _precompress(web_root) if precompress else 0

    headers = netlify_headers(base_path)
    if headers_in_site:
        (web_root / "_headers").write_text(headers, encoding="utf-8")
    top_level = {p.name for p in web_root.iterdir()}
    where = "" if headers_in_site else " (they read it inside the web root: copy it there, or use --headers-in-site)"
    beside = {
        "_headers": (headers, f"Netlify / Cloudflare Pages headers{where}"),
        "nginx-privpix.conf": (nginx_snippet(base_path, top_level), "nginx: include inside your server block"),
        "nginx-server.conf": (
            nginx_server(listen=str(DOCKER_PORT), root=DOCKER_ROOT, snippet="/etc/nginx/privpix.conf", base_path=base_path),
            "nginx server block for the Dockerfile",
        ),
        "Dockerfile": (dockerfile(base_path), "nginx container: docker build -t privpix ."),
    }
    for name, (text, purpose) in beside.items():
        (directory / name).write_text(text, encoding="utf-8")
        report.beside[name] = purpose

    for path in web_root.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            report.files += 1
            report.bytes += size
            if size > report.largest[1]:
                report.largest = (path.relative_to(web_root).as_posix(), size)
    record = {
        "privpix": __version__,
        "base_path": base_path,
        "models": [m.spec.file for m in chosen],
        "precompressed": bool(precompress),
        "files": report.files,
        "bytes": report.bytes,
    }
    (directory / RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    report.beside[RECORD] = "what build-site wrote"
    return report

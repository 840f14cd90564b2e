"""Build hooks (all other metadata is in pyproject.toml): the wheel and the sdist carry the built web
app, ``src/privpix/site``, so ``privpix serve`` and ``build-site`` work from a plain install.

The web app is built here (``npm ci`` when ``web/node_modules`` is missing, then ``npm run build``,
which needs Node.js 20+) when ``src/privpix/site/index.html`` is missing, or always with
``PRIVPIX_BUILD_WEB=1``. An sdist made this way already holds the built site, so building the wheel
from it needs no Node.js. Editable installs skip it (``scripts/setup`` builds the app itself).
The models are never packaged (pyproject.toml: exclude-package-data; MANIFEST.in).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "src" / "privpix" / "site"
WEB = ROOT / "web"


def build_web_app() -> None:
    if os.environ.get("PRIVPIX_BUILD_WEB") != "1" and (SITE / "index.html").is_file():
        return
    npm = shutil.which("npm")
    if npm is None or not (WEB / "package.json").is_file():
        raise SystemExit(
            "privpix: the web app is not built (src/privpix/site/index.html is missing) and cannot be built here: "
            "building it needs web/ and Node.js 20+ with npm. Install privpix from its wheel instead, or install Node.js."
        )
    # The web app reads the option definitions exported from Python (as scripts/setup does).
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    export = "from privpix.options import main; main(['web/src/generated/options.json'])"
    subprocess.run([sys.executable, "-c", export], cwd=ROOT, env=env, check=True)
    if not (WEB / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WEB, check=True)
    subprocess.run([npm, "run", "--silent", "build"], cwd=WEB, check=True)


class BuildPyWithWebApp(build_py):
    def run(self) -> None:
        if not getattr(self, "editable_mode", False):
            build_web_app()
        super().run()


class SdistWithWebApp(sdist):
    def run(self) -> None:
        build_web_app()
        super().run()


setup(cmdclass={"build_py": BuildPyWithWebApp, "sdist": SdistWithWebApp})

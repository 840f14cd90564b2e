"""Running the ``privpix`` command line from tests, as a user would: a separate Python process."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m privpix ARGS`` with stdout and stderr captured as text. Every CLI test module runs
    the command this way, so that what it checks is the installed entry point, not a function call."""
    return subprocess.run([sys.executable, "-m", "privpix", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def cli_with_stderr_on_a_terminal(*args: str | Path) -> tuple[subprocess.CompletedProcess[str], bytes]:
    """``python -m privpix ARGS`` with stderr on a pseudo-terminal 100 columns wide and stdout piped;
    returns the finished process and all bytes that reached the terminal. Exists because the CLI
    draws progress bars only when stderr is a terminal, and each tool's tests check that it does."""
    main, side = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "privpix", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=side,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    os.close(side)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    return proc, seen


def cli_without_privileges(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m privpix ARGS`` obeying file permissions. Tests run as root here and in CI, and
    root reads every file; so, when root, the command runs through ``setpriv`` without the two
    capabilities that bypass permission checks (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)."""
    command = [sys.executable, "-m", "privpix", *map(str, args)]
    if os.geteuid() == 0:
        command = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    return subprocess.run(command, capture_output=True, text=True)


def cli_binary(*args: str | Path, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """``python -m privpix ARGS`` with ``stdin`` piped in and stdout/stderr kept as bytes (an image
    written to standard output, or file names that are not UTF-8)."""
    return subprocess.run([sys.executable, "-m", "privpix", *map(str, args)], input=stdin, capture_output=True, cwd=cwd)

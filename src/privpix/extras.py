"""The optional parts of privpix and what to install when one is missing.

The core (inspect, strip, serve, build-site) needs typer, rich and h11 only. The rest
comes in extras named after what they enable; a command or library call whose extra is missing
raises ``MissingExtraError`` naming the exact install line for how privpix was installed (pip,
pipx or uv tool). The check looks modules up without importing them, so it costs next to nothing.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

from .errors import Error

# extra -> (the PyPI distribution of each module it brings, by import name)
EXTRAS: dict[str, dict[str, str]] = {
    "encode": {
        "PIL": "pillow",
        "pillow_heif": "pillow-heif",
        "pyjpegli": "pyjpegli",
        "mozjpeg_lossless_optimization": "mozjpeg-lossless-optimization",
        "oxipng": "pyoxipng",
        "imagequant": "imagequant",
        "numpy": "numpy",
    },
    # building a model file from imgly's npm package (privpix.models.rewrite): models fetch
    "models": {"onnx": "onnx", "numpy": "numpy"},
    "https": {"cryptography": "cryptography", "segno": "segno"},
}
# remove-bg decodes and encodes pictures like the encode tools, runs the model, and fetches it.
EXTRAS["remove-bg"] = {**EXTRAS["encode"], "onnxruntime": "onnxruntime", **EXTRAS["models"]}


class MissingExtraError(Error, ImportError):
    """A feature needs an extra that is not installed; the message says how to install it."""


def missing(extra: str) -> list[str]:
    """The PyPI distributions of ``extra`` whose modules cannot be found."""
    return [dist for module, dist in EXTRAS[extra].items() if find_spec(module) is None]


def install_line(extra: str) -> str:
    """The command that adds ``extra`` to this installation of privpix."""
    parts = Path(sys.prefix).parts
    requirement = f"'privpix[{extra}]'"
    if "pipx" in parts and "venvs" in parts:
        return f"pipx install --force {requirement}"
    if "uv" in parts and "tools" in parts:
        return f"uv tool install {requirement}"
    return f"pip install {requirement}"


def require(extra: str, feature: str) -> None:
    """Raise ``MissingExtraError`` unless everything ``extra`` brings is installed."""
    absent = missing(extra)
    if absent:
        raise MissingExtraError(
            f"{feature} needs privpix's {extra!r} extra ({', '.join(absent)} not installed); "
            f"install it with: {install_line(extra)}"
        )

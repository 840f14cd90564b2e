"""The one place privpix imports onnxruntime, with its telemetry off before the import.

onnxruntime otherwise writes a device id under the user's cache directory
(``~/.cache/Microsoft/DeveloperTools/.onnxruntime/``) and can send telemetry events. Setting
``ORT_DISABLE_TELEMETRY=1`` before the import stops both; ``disable_telemetry_events()`` after it is
a second lock on the same door. No other module imports onnxruntime (a test checks the source).

An application that imported onnxruntime before privpix, without that variable, already has the
device id written and telemetry on: nothing privpix does afterwards can undo it, so privpix says so
once (``TelemetryWarning``). Such applications should set ``ORT_DISABLE_TELEMETRY=1`` in the
environment before their first import of onnxruntime (docs/cli.md, "Library users").

Sessions run on the CPU with ``threads`` intra-op threads (default: every core this process may use)
and all graph optimisations.
"""

from __future__ import annotations

import os
import sys
import warnings


class TelemetryWarning(UserWarning):
    """onnxruntime was imported with its telemetry on before privpix could switch it off."""


_TELEMETRY_ALREADY_ON = "onnxruntime" in sys.modules and os.environ.get("ORT_DISABLE_TELEMETRY") != "1"
os.environ["ORT_DISABLE_TELEMETRY"] = "1"  # must precede the import below

import numpy as np  # noqa: E402
import onnxruntime  # noqa: E402  (the only import of onnxruntime in privpix)

from .registry import ModelSpec  # noqa: E402

onnxruntime.disable_telemetry_events()
if _TELEMETRY_ALREADY_ON:
    warnings.warn(
        "onnxruntime was imported before privpix without ORT_DISABLE_TELEMETRY=1, so it has already written a "
        "device id under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and may send telemetry; set "
        "ORT_DISABLE_TELEMETRY=1 in the environment before the first import of onnxruntime",
        TelemetryWarning,
        stacklevel=2,
    )


def default_threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class Session:
    """A loaded model: call it with the input tensor, get the mask (float32 H×W)."""

    def __init__(self, spec: ModelSpec, path: os.PathLike[str] | str, threads: int | None = None) -> None:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only
        self.spec = spec
        self.path = str(path)
        self.threads = options.intra_op_num_threads
        self._session = onnxruntime.InferenceSession(self.path, options, providers=["CPUExecutionProvider"])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.spec.mask(self._session.run([self.spec.output], {self.spec.input.name: x}))


_SESSIONS: dict[tuple[str, str, int | None], Session] = {}


def session(spec: ModelSpec, path: os.PathLike[str] | str, threads: int | None = None) -> Session:
    """A session for ``path``, created once per process and reused."""
    key = (spec.name, str(path), threads)
    if key not in _SESSIONS:
        _SESSIONS[key] = Session(spec, path, threads)
    return _SESSIONS[key]

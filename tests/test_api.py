"""The Python library as people call it: what each tool accepts, what it returns, how it fails.

Every tool takes bytes-like objects, paths (str or PathLike) and binary file objects; the pixel
tools (remove_bg, erase) also take PIL images and numpy arrays and give back the same kind; anything
else is a TypeError naming what is accepted. Every error privpix raises on purpose is a
``privpix.Error``, and every such class is exported from ``privpix``. Option values are ``Literal``
types, so mypy catches a misspelt format before the program runs.
"""

from __future__ import annotations

import array
import importlib
import inspect as pyinspect
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import privpix
from privpix.models.registry import MODELS
from privpix.models.store import find

from .corpus import CORPUS

JPEG = CORPUS / "exifsamples_DSCN0010.jpg"  # GPS, camera EXIF
PNG = CORPUS / "skimage_chelsea.png"  # RGB PNG (lossless: pixels compare exactly)
BOX = [(120, 80, 40, 30)]


def _inputs(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {
        "bytes": data,
        "bytearray": bytearray(data),
        "memoryview": memoryview(data),
        "array.array": array.array("B", data),
        "str path": str(path),
        "Path": path,
        "open file": path.open("rb"),
        "BytesIO": io.BytesIO(data),
    }


@pytest.mark.parametrize("kind", list(_inputs(JPEG)))
def test_inspect_and_strip_take_every_file_input(kind: str) -> None:
    reference = privpix.strip(JPEG.read_bytes())
    assert privpix.inspect(_inputs(JPEG)[kind]).to_json() == privpix.inspect(JPEG.read_bytes()).to_json()
    result = privpix.strip(_inputs(JPEG)[kind])
    assert result.data == reference.data and result.to_json() == reference.to_json()


@pytest.mark.parametrize("kind", ["str path", "Path", "BytesIO", "memoryview"])
def test_compress_convert_and_erase_take_file_inputs(kind: str) -> None:
    assert privpix.compress(_inputs(JPEG)[kind]).data == privpix.compress(JPEG.read_bytes()).data
    options = privpix.ConvertOptions(to="png", max_dimension=64)
    assert privpix.convert(_inputs(PNG)[kind], options).data == privpix.convert(PNG.read_bytes(), options).data
    assert privpix.erase(_inputs(PNG)[kind], boxes=BOX).data == privpix.erase(PNG.read_bytes(), boxes=BOX).data


@pytest.mark.parametrize("tool", ["inspect", "strip", "compress", "convert"])
@pytest.mark.parametrize("value", [12, None, 3.5, ["a.jpg"], object()])
def test_anything_else_is_a_type_error_naming_what_is_accepted(tool: str, value: object) -> None:
    with pytest.raises(
        TypeError,
        match=rf"^{tool} takes an image as bytes \(or a bytes-like object\), a path \(str or os.PathLike\) or a binary file object, not ",
    ):
        getattr(privpix, tool)(value)


def test_the_file_tools_refuse_pixels_and_say_why() -> None:
    with Image.open(JPEG) as im:
        for value in (im, np.asarray(im)):
            with pytest.raises(TypeError, match="strip works on the file's own bytes"):
                privpix.strip(value)


def test_a_text_file_object_is_refused_with_the_fix() -> None:
    with JPEG.open("r", encoding="latin-1") as f, pytest.raises(TypeError, match="open the file with mode 'rb'"):
        privpix.inspect(f)


def test_a_missing_path_is_the_usual_file_not_found_error() -> None:
    with pytest.raises(FileNotFoundError):
        privpix.strip("no-such-photo.jpg")  # noqa: B005  (privpix.strip, not str.strip)


# ---- pixels in, the same kind out --------------------------------------------------------------------


def test_erase_gives_a_pil_image_for_a_pil_image() -> None:
    with Image.open(PNG) as im:
        out = privpix.erase(im, boxes=BOX)
        assert isinstance(out, Image.Image) and out.mode == "RGB" and out.size == im.size
    from_file = Image.open(io.BytesIO(privpix.erase(PNG, boxes=BOX).data))
    assert np.array_equal(np.asarray(out), np.asarray(from_file))


def test_erase_gives_an_array_for_an_array_with_any_mask_kind() -> None:
    pixels = np.asarray(Image.open(PNG))
    mask = np.zeros(pixels.shape[:2], bool)
    x, y, w, h = BOX[0]
    mask[y : y + h, x : x + w] = True
    by_boxes = privpix.erase(pixels, boxes=BOX)
    assert isinstance(by_boxes, np.ndarray) and by_boxes.shape == pixels.shape and by_boxes.dtype == np.uint8
    assert not np.array_equal(by_boxes, pixels)
    for given in (mask, Image.fromarray(mask.astype(np.uint8) * 255), _png(mask)):
        assert np.array_equal(privpix.erase(pixels, given), by_boxes)


def test_erase_keeps_grey_and_alpha_arrays_as_they_came() -> None:
    grey = np.asarray(Image.open(PNG).convert("L"))
    out = privpix.erase(grey, boxes=BOX)
    assert out.shape == grey.shape
    rgba = np.dstack([np.asarray(Image.open(PNG)), np.full(grey.shape, 200, np.uint8)])
    out = privpix.erase(rgba, boxes=BOX)
    assert out.shape == rgba.shape and (out[..., 3] == 200).all()


def test_pixel_arrays_of_another_shape_or_type_are_refused() -> None:
    with pytest.raises(TypeError, match="uint8"):
        privpix.erase(np.zeros((20, 20, 3), np.float32), boxes=[(1, 1, 5, 5)])
    with pytest.raises(TypeError, match="H×W, H×W×3 or H×W×4"):
        privpix.erase(np.zeros((20, 20, 2), np.uint8), boxes=[(1, 1, 5, 5)])


def _png(mask: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(mask.astype(np.uint8) * 255).save(out, "PNG")
    return out.getvalue()


def _model(name: str = "fast") -> Path:
    path = find(MODELS[name])
    if path is None:
        pytest.fail(f"the {name} model is missing: run scripts/setup (it builds the models) or `privpix models fetch {name}`")
    return path


def test_remove_bg_gives_the_same_kind_back() -> None:
    small = Image.open(PNG).resize((226, 150))
    data = io.BytesIO()
    small.save(data, "PNG")
    from_file = Image.open(io.BytesIO(privpix.remove_bg(data.getvalue(), model_path=_model()).data))
    cutout = privpix.remove_bg(small, model_path=_model())
    assert isinstance(cutout, Image.Image) and cutout.mode == "RGBA"
    assert np.array_equal(np.asarray(cutout), np.asarray(from_file))
    mask = privpix.remove_bg(np.asarray(small), privpix.RemoveBgOptions(mask_only=True), model_path=_model())
    assert isinstance(mask, np.ndarray) and mask.shape == (150, 226)
    assert np.array_equal(mask, np.asarray(from_file)[..., 3])


# ---- errors ------------------------------------------------------------------------------------------


def _error_classes() -> set[type[BaseException]]:
    """Every exception class defined in the privpix package (its modules imported), warnings aside."""
    classes: set[type[BaseException]] = set()
    root = Path(privpix.__file__).parent
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] in ("__init__", "__main__") or "site" in parts:
            continue
        module = importlib.import_module(".".join(parts))
        for _, value in pyinspect.getmembers(module, pyinspect.isclass):
            if issubclass(value, BaseException) and not issubclass(value, Warning) and value.__module__ == module.__name__:
                classes.add(value)
    return classes


def test_every_error_has_one_base_and_is_exported() -> None:
    classes = _error_classes()
    assert {"FormatError", "OptionError", "ModelError", "MaskError", "TooLargeError"} <= {c.__name__ for c in classes}
    internal = {c for c in classes if c.__name__.startswith("_") or c.__name__ == "InflateStop"}
    for cls in classes - internal:
        assert issubclass(cls, privpix.Error), f"{cls.__module__}.{cls.__name__} is not a privpix.Error"
        assert getattr(privpix, cls.__name__, None) is cls, f"{cls.__name__} is not exported from privpix"
        assert cls.__name__ in privpix.__all__


def test_errors_are_also_the_builtin_errors_code_already_catches() -> None:
    with pytest.raises(ValueError):
        privpix.strip(b"not an image")
    with pytest.raises(privpix.FormatError):
        privpix.strip(b"not an image")
    with pytest.raises(ValueError):
        privpix.CompressOptions(quality=0)
    with pytest.raises(privpix.MaskError):
        privpix.erase(PNG, boxes=[(0, 0, 5000, 5)])


# ---- types and documentation -------------------------------------------------------------------------

MISSPELT = """
import privpix
privpix.CompressOptions(format="jpg")
privpix.ConvertOptions(to="heic")
privpix.RemoveBgOptions(model="best")
privpix.CompressOptions(colour="cmyk")
reveal_type(privpix.erase(b"", boxes=[(0, 0, 1, 1)]))
"""


def test_mypy_catches_a_misspelt_option_value(tmp_path: Path) -> None:
    from mypy import api

    program = tmp_path / "misspelt.py"
    program.write_text(MISSPELT)
    out, _, status = api.run([str(program), "--no-incremental", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary"])
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1 and len(errors) == 4, out
    assert all("Literal" in line for line in errors), out
    assert "privpix.tools.erase.tool.EraseResult" in out  # bytes in, a result out (PIL in: PIL out)


@pytest.mark.parametrize(
    "name", [n for n in privpix.__all__ if callable(getattr(privpix, n)) and not isinstance(getattr(privpix, n), type)]
)
def test_every_public_function_says_what_it_does_with_an_example(name: str) -> None:
    doc = pyinspect.getdoc(getattr(privpix, name)) or ""
    assert len(doc.split()) > 15 and "Example" in doc, f"privpix.{name} needs a docstring with an example"


def test_the_api_page_is_what_the_docstrings_say() -> None:
    """docs/api.md is written from the docstrings and specs by scripts/api_doc.py; it must be current."""
    import runpy

    api_doc = runpy.run_path(str(Path(__file__).resolve().parents[1] / "scripts" / "api_doc.py"))
    assert (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8") == api_doc["render"](), (
        "docs/api.md is stale: run .venv/bin/python scripts/api_doc.py"
    )

"""One file's work for each batch tool: read the input, run the tool, write the output, report.

These functions run wherever the batch runs them (this process, a pool worker, a Dask worker), so
they import nothing of the command line and take everything in their arguments. Each returns an
``Outcome``; the errors a file can cause become its error text (docs/cli.md lists the wordings).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .batch import Outcome, uninterruptible
from .files import STDIO, Job, describe, read_input

# (output bytes, report, where to write them or None) from the input's bytes
Work = Callable[[bytes], tuple[bytes | None, dict[str, Any], Path | None]]


class _Refused(Exception):
    """The tool's result cannot be written where planned (the reason is the message)."""


def _process(job: Job, work: Work) -> Outcome:
    try:
        data = job.data if job.data is not None else read_input(job.source)
    except OSError as err:
        return Outcome(job, None, describe(err))
    try:
        result, report, output = work(data)
    except (ValueError, _Refused) as err:  # FormatError, MaskError, options that do not fit this file
        return Outcome(job, None, str(err))
    if result is None or output is None:
        return Outcome(job, report, None)
    try:
        with uninterruptible():
            _write(job, output, result)
    except FileExistsError:
        return Outcome(job, None, f"{output} already exists (--overwrite replaces it, --skip-existing skips this input)")
    except OSError as err:
        return Outcome(job, None, f"cannot write {output}: {describe(err)}")
    return Outcome(job, report, None, output)


def _write(job: Job, output: Path, data: bytes) -> None:
    if output == STDIO:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if job.in_place:
        write_atomic(output, data, in_place=True, keep_mtime=job.keep_mtime)
    else:
        write_atomic(output, data, overwrite=job.overwrite)


def _named_for(job: Job, fmt: str, source_format: str) -> Path | None:
    """The planned output with the ending of the format written (IMG_1.HEIC -> IMG_1.jpg)."""
    from .tools.encode import output_suffix

    output = job.output
    if output is None or output == STDIO:
        return output
    suffix = output_suffix(output.suffix, fmt)
    if suffix == output.suffix:
        return output
    if job.in_place:
        raise _Refused(
            f"--in-place keeps the file name, but this {source_format.upper()} becomes {fmt.upper()}: use -o DIR or --format"
        )
    for alternative in job.alternatives:
        if alternative.suffix.lower() == suffix.lower():
            return alternative
    return output.with_suffix(suffix)


def inspect_job(job: Job, _: None) -> Outcome:
    from .tools.inspect import inspect

    def work(data: bytes) -> tuple[None, dict[str, Any], None]:
        return None, {**inspect(data).to_json(), "bytes": len(data)}, None

    return _process(job, work)


def audit_job(job: Job, task: tuple[Any, bool]) -> Outcome:
    """Audit one photo (what it gives away, from its metadata); ``task`` is (strip options or None,
    thumbnail check): with strip options also write its stripped copy. The report is the photo's
    audit record (tools/audit/types.py)."""
    from .tools.audit import audit_photo

    strip_options, thumbnails = task
    if strip_options is None and not thumbnails and job.data is None:
        return _audit_sparsely(job)

    def work(data: bytes) -> tuple[bytes | None, dict[str, Any], Path | None]:
        photo = audit_photo(data, str(job.source), thumbnails=thumbnails)
        if photo.error is not None:
            raise ValueError(photo.error)
        if strip_options is None:
            return None, photo.to_json(), None
        from .tools.strip import strip

        return strip(data, strip_options).data, photo.to_json(), job.output

    return _process(job, work)


def _audit_sparsely(job: Job) -> Outcome:
    """The audit alone reads around the picture data, not the whole file (tools/audit/read.py)."""
    from .tools.audit.read import audit_file

    try:
        photo, _ = audit_file(job.source, str(job.source))
    except OSError as err:
        return Outcome(job, None, describe(err))
    if photo.error is not None:
        return Outcome(job, None, photo.error)
    return Outcome(job, photo.to_json(), None)


def strip_job(job: Job, options: Any) -> Outcome:
    from .tools.strip import strip

    def work(data: bytes) -> tuple[bytes, dict[str, Any], Path | None]:
        result = strip(data, options)
        return result.data, result.to_json(), job.output

    return _process(job, work)


def encode_job(job: Job, task: tuple[str, Any]) -> Outcome:
    """compress or convert; the output's ending follows the format actually written."""
    from .tools.compress import compress
    from .tools.convert import convert

    tool, options = task

    def work(data: bytes) -> tuple[bytes, dict[str, Any], Path | None]:
        result = compress(data, options) if tool == "compress" else convert(data, options)
        return result.data, result.to_json(), _named_for(job, result.format, result.source_format)

    return _process(job, work)


def remove_bg_job(job: Job, task: tuple[Any, str, int, bytes | None]) -> Outcome:
    from .models.errors import ModelError
    from .tools.remove_bg import remove_bg

    options, model_path, threads, background = task

    def work(data: bytes) -> tuple[bytes, dict[str, Any], Path | None]:
        try:
            result = remove_bg(data, options, background_image=background, model_path=model_path, threads=threads)
        except ModelError as err:
            raise _Refused(str(err)) from None
        return result.data, result.to_json(), job.output

    return _process(job, work)


def erase_job(job: Job, task: tuple[Any, list[tuple[int, int, int, int]] | None, dict[str, str], bool]) -> Outcome:
    """``task``: options; the boxes (the same for every file) or None; each input's mask file; and
    whether the output name was given exactly (``-o FILE``: its ending must name the format written)."""
    from .tools.encode import SUFFIXES
    from .tools.erase import erase

    options, boxes, masks, exact_name = task

    def work(data: bytes) -> tuple[bytes, dict[str, Any], Path | None]:
        mask = None
        if boxes is None:
            mask_path = Path(masks[os.path.abspath(job.source)])
            try:
                mask = read_input(mask_path)
            except OSError as err:
                raise _Refused(f"mask {mask_path}: {describe(err)}") from None
        result = erase(data, mask, options, boxes=boxes)
        output = job.output
        if not exact_name:
            output = _named_for(job, result.format, result.format)
        elif output is not None and output.suffix.lower() not in SUFFIXES[result.format]:
            endings = " or ".join(SUFFIXES[result.format])
            raise _Refused(f"the result is {result.format.upper()}, but {output} does not end in {endings}")
        return result.data, result.to_json(), output

    return _process(job, work)

"""Batches on Dask (``privpix[dask]``): the same outputs, byte for byte, and the same report as the
local pool, on a LocalCluster of two worker processes, joined by address (``--scheduler``) or
started by privpix (``--executor dask``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from dask.distributed import Client, LocalCluster

from tests.command_line import cli

FILES = (
    "exifsamples_DSCN0010.jpg",
    "mei_Apple_iPhone_4.jpg",
    "pillowheif_xiaomi.heic",
    "immich_denali.webp",
    "skimage_chelsea.png",
)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def report(stdout: str, out: Path) -> list[dict[str, object]]:
    """The --json files, with the output directory replaced by a placeholder (the runs write to two)."""
    return json.loads(stdout.replace(str(out), "OUT"))["files"]


def test_strip_on_a_dask_cluster_matches_the_local_pool(corpus: Path, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for k in range(20):  # 100 files: more than one task of 32, so both workers get some
        (photos / f"{k:02d}").mkdir(parents=True)
        for name in FILES:
            shutil.copyfile(corpus / name, photos / f"{k:02d}" / name)
    shutil.copyfile(corpus / "broken_text_file.jpg", photos / "00" / "broken.jpg")  # a failure travels back too
    local = cli("strip", "-r", photos, "-o", tmp_path / "local", "-j", "2", "--json")
    assert local.returncode == 1 and "broken.jpg" in local.stderr
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        remote = cli("strip", "-r", photos, "-o", tmp_path / "dask", "--scheduler", cluster.scheduler_address, "--json")
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert remote.returncode == 1, remote.stderr
    assert tree(tmp_path / "dask") == tree(tmp_path / "local") and len(tree(tmp_path / "local")) == 100
    assert report(remote.stdout, tmp_path / "dask") == report(local.stdout, tmp_path / "local")
    assert len(executed) == 2 and all(count > 0 for count in executed.values()), executed  # both workers took files


def test_executor_dask_starts_its_own_cluster_for_compress(corpus: Path, tmp_path: Path) -> None:
    for name in FILES[:3]:
        shutil.copyfile(corpus / name, tmp_path / name)
    args = ("compress", "--max-dimension", "200", tmp_path / FILES[0], tmp_path / FILES[1], tmp_path / FILES[2], "--json")
    local = cli(*args, "-o", tmp_path / "local")
    remote = cli(*args, "-o", tmp_path / "dask", "--executor", "dask", "-j", "2")
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    assert report(remote.stdout, tmp_path / "dask") == report(local.stdout, tmp_path / "local")


def test_an_unreachable_scheduler_is_a_clear_error(corpus: Path, tmp_path: Path) -> None:
    proc = cli("strip", corpus / FILES[0], "-o", tmp_path, "--scheduler", "tcp://127.0.0.1:9")
    assert proc.returncode == 1
    assert "privpix: dask: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr

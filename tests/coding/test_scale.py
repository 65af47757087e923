"""Coding a Dask DataFrame on a cluster of worker processes gives the frame
one process gives (the real encoder in every worker).  The cluster runs in
a process of its own: Dask leaves threads behind, and a process with threads
must not fork (the tokenizing worker and the figures fork)."""

import importlib.util
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

import utenforskap as u

dd = pytest.importorskip("dask.dataframe")

CLUSTER = """
import json, os, sys
import dask.dataframe as dd
import distributed
import utenforskap as u
from utenforskap.coding.scale import code_partitions

if __name__ == "__main__":
    statements = u.read_workshop(sys.argv[1])
    expected = u.code(statements)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            coded = code_partitions(dd.from_pandas(statements, npartitions=4)).compute()
            workers = client.run(os.getpid)
    differ = [c for c in expected.columns if c not in coded.columns or coded[c].tolist() != expected[c].tolist()]
    print(json.dumps({"workers": len(workers), "same_columns": coded.columns.tolist() == expected.columns.tolist(),
                      "differ": differ, "rows": len(coded), "model": int((coded["decided_barriers"] == "model").sum())}))
"""


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask's distributed extra is not installed")
def test_code_on_a_local_cluster_equals_one_process(bundled_path, tmp_path):
    script = tmp_path / "cluster.py"
    script.write_text(CLUSTER, encoding="utf-8")
    env = {**__import__("os").environ, "UTENFORSKAP_CACHE": str(tmp_path / "cache")}  # cold and shared by the workers
    run = subprocess.run([sys.executable, str(script), str(bundled_path)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["workers"] == 2 and result["same_columns"] and result["differ"] == []
    assert result["rows"] == 86 and result["model"] > 0


def test_code_partitions_needs_ids():
    from utenforskap.coding.scale import code_partitions

    frame = dd.from_pandas(pd.DataFrame({"text": ["Et utsagn."]}), npartitions=1)
    with pytest.raises(u.UtenforskapError, match="needs a 'segment_id' column"):
        code_partitions(frame)


def test_partitions_equal_one_process(statements):
    from utenforskap.coding.scale import code_partitions

    coded = code_partitions(dd.from_pandas(statements, npartitions=3)).compute(scheduler="synchronous")
    expected = u.code(statements)
    for column in ("codes", "why", "prob_barriers", "decided_opportunities"):
        assert coded[column].tolist() == expected[column].tolist(), column

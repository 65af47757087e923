"""Coding a Dask DataFrame on a cluster of worker processes gives the frame
one process gives (the real encoder in every worker)."""

import pandas as pd
import pytest

import utenforskap as u

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.mark.slow
def test_code_on_a_local_cluster_equals_one_process(statements, tmp_path, monkeypatch):
    from utenforskap.scale import code_partitions

    monkeypatch.setenv("UTENFORSKAP_CACHE", str(tmp_path / "cache"))  # the workers inherit it: a cold cache, shared
    expected = u.code(statements)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            coded = code_partitions(dd.from_pandas(statements, npartitions=4)).compute()
            workers = client.run(lambda: __import__("os").getpid())
    assert len(workers) == 2
    assert coded.columns.tolist() == expected.columns.tolist()
    for column in expected.columns:
        assert coded[column].tolist() == expected[column].tolist(), column


def test_code_partitions_needs_ids():
    from utenforskap.scale import code_partitions

    frame = dd.from_pandas(pd.DataFrame({"text": ["Et utsagn."]}), npartitions=1)
    with pytest.raises(u.UtenforskapError, match="needs a 'segment_id' column"):
        code_partitions(frame)


def test_rules_only_partitions_equal_one_process(statements):
    from utenforskap.scale import code_partitions

    coded = code_partitions(dd.from_pandas(statements, npartitions=3), semantic=False).compute()
    expected = u.code(statements, semantic=False)
    assert coded["codes"].tolist() == expected["codes"].tolist() and coded["why"].tolist() == expected["why"].tolist()

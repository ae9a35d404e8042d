"""settle_dask: a year of claims replayed on Dask, partitioned by enrollee.

An enrollee's claims depend on each other (deductibles, caps, the account), and different
enrollees' do not. So the claims and the enrollees' saved states are shuffled into the same
partitions by enrollee, and each partition is one settle_frame call in a worker: the results
are those of settling everything in one process, row for row (see docs in
bindings/python/README.md, "Scale-out on Dask", for running it on a cluster).

Dask (Debian's python3-dask, python3-distributed) is imported when settle_dask is called.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple, Union

from .core import Enrollee
from .frame import Chain, settle_frame

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

__all__ = ["settle_dask", "PART"]

PART = "_medbenefit_part"
"""The column the rows are shuffled on: a hash of enrollee_id, modulo the partitions."""


def _dask() -> Tuple[Any, Any]:
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as e:
        raise ImportError("medbenefit.settle_dask needs dask (on Debian: apt-get install "
                          "python3-dask python3-distributed)") from e
    return dask, dd


def _bucket(ids: "pd.Series", npartitions: int) -> "pd.Series":
    """Each enrollee's partition, from its id as text: the same in the claims and the states,
    whatever dtype each frame gives the ids."""
    import pandas as pd
    text = ids.astype(str).astype(object)
    hashed = pd.util.hash_pandas_object(text, index=False)
    return (hashed % npartitions).astype("int64")


def settle_dask(claims: "dd.DataFrame", chain: Chain,
                states: Union["dd.DataFrame", "pd.DataFrame"], *,
                npartitions: Optional[int] = None, return_states: bool = False,
                **options: Any) -> Union["dd.DataFrame", Tuple["dd.DataFrame", "dd.DataFrame"]]:
    """Settle a Dask DataFrame of claims, each enrollee's in one partition, and return the
    results as a Dask DataFrame (lazy: ``.compute()`` it, or write it with ``to_parquet``).

    ``claims``: settle_frame's rows (one per line item, or per claim with its item's columns),
    with enrollee_id. ``states``: a Dask or pandas DataFrame with columns enrollee_id and
    state, the bytes of ``Enrollee.save()`` at the start; every enrollee the claims name must
    have one. ``chain``: Rulesets (they travel to the workers by how they were loaded: see
    Ruleset.__reduce__). ``npartitions``: how many partitions the enrollees are shared out
    into (default: the claims' partitions). ``options`` go to settle_frame (commit,
    errors: default "record" here, so that one partition's failed claim does not stop the
    others; amounts, threads, chunk_rows).

    The result has settle_frame's columns, each partition's claims in settle_frame's order;
    sort it (by enrollee_id and claim_id, say) to compare it with one process. With
    ``return_states=True`` the enrollees' states after the year come too, as a second Dask
    DataFrame (enrollee_id, state); compute both at once (``dask.compute(results, states)``)
    to settle only once.
    """
    dask, dd = _dask()
    import pandas as pd

    options.setdefault("errors", "record")
    options.setdefault("progress", False)
    for name in ("items", "copy_enrollees", "on_progress"):
        if name in options:
            raise ValueError(f"settle_dask: {name}= is not taken (each partition is settled "
                             "from its rows and the states given)")
    if isinstance(states, pd.DataFrame):
        states = dd.from_pandas(states, npartitions=max(1, claims.npartitions))
    for frame, what in ((claims, "claims"), (states, "states")):
        if "enrollee_id" not in frame.columns:
            raise ValueError(f"settle_dask: {what} have no enrollee_id column")
    if "state" not in states.columns:
        raise ValueError("settle_dask: states have no state column (Enrollee.save() bytes)")
    k = npartitions or claims.npartitions

    def shuffled(frame: Any) -> Any:  # a dask DataFrame
        keyed = frame.assign(**{PART: frame["enrollee_id"].map_partitions(
            _bucket, k, meta=("enrollee_id", "int64"))})
        return keyed.shuffle(PART, npartitions=k)

    meta = settle_frame(claims._meta, chain, {}, **options)
    claim_parts = shuffled(claims).to_delayed()
    state_parts = shuffled(states[["enrollee_id", "state"]]).to_delayed()
    settle = dask.delayed(_settle_partition, nout=2, pure=True)
    parts = [settle(c, s, chain, options, return_states)
             for c, s in zip(claim_parts, state_parts)]
    results = dd.from_delayed([p[0] for p in parts], meta=meta, verify_meta=False)
    if not return_states:
        return results
    state_meta = pd.DataFrame({"enrollee_id": pd.Series([], dtype=object),
                               "state": pd.Series([], dtype=object)})
    return results, dd.from_delayed([p[1] for p in parts], meta=state_meta, verify_meta=False)


def _settle_partition(claims: "pd.DataFrame", states: "pd.DataFrame", chain: Chain,
                      options: Dict[str, Any], return_states: bool
                      ) -> Tuple["pd.DataFrame", Optional["pd.DataFrame"]]:
    """One partition in a worker: its enrollees restored, its claims settled."""
    import pandas as pd
    people = {eid: Enrollee.restore(blob)
              for eid, blob in zip(states["enrollee_id"].tolist(), states["state"].tolist())}
    try:
        result = settle_frame(claims.drop(columns=[PART]), chain, people, **options)
        after = None
        if return_states:
            after = pd.DataFrame({"enrollee_id": list(people),
                                  "state": [e.save() for e in people.values()]})
        return result, after
    finally:
        for e in people.values():
            e.close()

"""Claims as arrays, settled by mb_settle_columns one chunk of rows at a time: the engine under
settle_frame (frame.py turns a DataFrame into what this module takes).

A Batch knows, for each field of mb_columns, how to produce its values for any chunk of claims
(a `Source`: claim positions -> an array of the field's C type). Only one chunk's converted
arrays exist at once, so the memory a run holds is its results plus one chunk; the results go
straight into the caller's arrays. Claims settle in `order` (each enrollee's in date order);
rows of different enrollees are independent, so cutting the rows into chunks changes nothing.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import errors
from ._constants import BATCH_PRESETTLE
from ._ffi import ffi, lib

Index = Union[slice, np.ndarray]
Source = Callable[[Index], np.ndarray]
"""Claim (or item) positions -> that column's values for them, in any integer dtype."""

CLAIM_FIELDS: Dict[str, Any] = {
    "enrollee": np.uint32, "date": np.int32, "med_type": np.int32, "level": np.int32,
    "flags": np.uint32, "facility": np.int32, "disease": np.int32, "treatment": np.int32,
    "admitted": np.int32, "discharged": np.int32, "prescriber": np.int32,
    "prescriber_level": np.int32, "facility_category": np.int32,
    "up_compliant": np.int64, "up_basic": np.int64, "up_critical": np.int64,
}
"""mb_columns' per-claim fields and their C types."""

ITEM_FIELDS: Dict[str, Any] = {"item_fen": np.int64, "item_class": np.int32,
                                "item_selfpay_bp": np.int32}
"""mb_columns' per-item fields and their C types."""

TABLES = ("facilities", "diseases", "treatments", "facility_categories")
"""mb_columns' string tables (each with its n... count)."""

_CTYPE: Dict[Any, str] = {np.uint32: "const uint32_t *", np.int32: "const int32_t *",
          np.int64: "const int64_t *", np.uint64: "const uint64_t *"}

Progress = Callable[[int, int], None]
"""on_progress(claims settled so far, claims in the run), called after each chunk."""


class Batch:
    """n claims to settle: per-claim sources, items as [start, end) ranges into item sources,
    string tables, and the rows found unsettleable before the library saw them (`refused`:
    position -> (status, message); they settle nothing and report that status)."""

    def __init__(self, n: int, claims: Dict[str, Source], item_start: np.ndarray,
                 items: Dict[str, Source], tables: Mapping[str, Sequence[bytes]],
                 claim_ids: Optional[Source], refused: Dict[int, Tuple[int, str]],
                 order: Optional[np.ndarray]) -> None:
        self.n = n
        self.claims = claims
        self.item_start = item_start   # n + 1 offsets (uint64), claims in frame order
        self.items = items
        self.claim_ids = claim_ids
        self.refused = refused
        self.order = order             # frame positions in settle order; None: frame order
        self._keep: List[object] = []
        self.tables = {}
        for name in TABLES:
            entries = [ffi.new("char[]", t) for t in tables.get(name, ())]
            self._keep.extend(entries)
            self.tables[name] = (ffi.new("const char *[]", entries) if entries else ffi.NULL,
                                 len(entries))
        refused_rows = np.fromiter(refused.keys(), dtype=np.int64, count=len(refused))
        self._refused_mask: Optional[np.ndarray] = None
        if len(refused_rows):
            self._refused_mask = np.zeros(n, dtype=bool)
            self._refused_mask[refused_rows] = True


def _pointer(arr: np.ndarray, ctype: str) -> Any:
    return ffi.cast(ctype, arr.ctypes.data)


def _text_pointers(ids: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """A `const char *` per id: the ids' UTF-8 bytes, each ended by a NUL, in one buffer, and
    their addresses."""
    texts: List[Any]
    if ids.dtype.kind in "iu":
        texts = [str(v) for v in ids.tolist()]
    else:
        texts = ids.tolist()
    try:
        joined = "\0".join(texts) + "\0"
    except TypeError:  # not all str: ints or bytes read from a file
        texts = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in texts]
        joined = "\0".join(texts) + "\0"
    data = joined.encode("utf-8", "surrogatepass")
    if len(data) == len(joined):   # ASCII: a character is a byte
        sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    else:
        sizes = np.fromiter((len(t.encode("utf-8", "surrogatepass")) for t in texts),
                            dtype=np.int64, count=len(texts)) + 1
    buffer = np.frombuffer(data, dtype=np.uint8)
    starts = np.cumsum(sizes) - sizes
    return buffer, (buffer.ctypes.data + starts).astype(np.uintp)


def _gather_items(starts: np.ndarray, ends: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The item positions of claims whose items are [starts[k], ends[k]), claim after claim,
    and the chunk's item offsets (len(starts) + 1, from 0)."""
    counts = (ends - starts).astype(np.int64)
    offsets = np.zeros(len(counts) + 1, dtype=np.uint64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    positions = np.repeat(starts.astype(np.int64) - offsets[:-1].astype(np.int64), counts)
    positions += np.arange(total, dtype=np.int64)
    return positions, offsets


def run(batch: Batch, chain: Any, nchain: int, enrollees: Any, nenrollees: int, amounts: np.ndarray,
        status: np.ndarray, covered: np.ndarray, *, presettle: bool, threads: int,
        chunk: int, on_progress: Optional[Progress]) -> Dict[int, str]:
    """Settle every claim of `batch`; write claim k's amounts to amounts[k] (an n x stride int64
    array), its status to status[k] and covered[k]. Returns the messages of the failed claims
    (position -> message); a failed claim changed nothing."""
    n = batch.n
    stride = amounts.shape[1]
    messages: Dict[int, str] = {}
    options = ffi.new("mb_columns_options *", {"size": ffi.sizeof("mb_columns_options"),
                                               "flags": BATCH_PRESETTLE if presettle else 0,
                                               "threads": threads})
    done = 0
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        rows: Index = slice(a, b) if batch.order is None else batch.order[a:b]
        cols, keep = _chunk_columns(batch, rows, b - a, nenrollees)
        if batch.order is None:
            out_amounts = amounts[a:b]
        else:
            out_amounts = np.empty((b - a, stride), dtype=np.int64)
        out_status = np.empty(b - a, dtype=np.int32)
        out_covered = np.empty(b - a, dtype=np.int32)
        res = ffi.new("mb_column_results *", {
            "size": ffi.sizeof("mb_column_results"),
            "amounts": _pointer(out_amounts, "int64_t *"), "stride": stride,
            "status": _pointer(out_status, "int32_t *"),
            "covered": _pointer(out_covered, "int32_t *")})
        rc, first = errors.attempt(lib.mb_settle_columns, chain, nchain, enrollees, nenrollees,
                                   cols, res, options)
        if rc < 0 and not out_status.any():   # refused as a whole: no row was tried
            raise first  # type: ignore[misc]
        failed = np.flatnonzero(out_status)
        for j in failed.tolist():
            k = int(rows.start + j) if isinstance(rows, slice) else int(rows[j])
            if k in batch.refused:
                out_status[j], messages[k] = batch.refused[k]
            else:
                messages[k] = _describe(cols, keep, j, chain, nchain, enrollees, nenrollees,
                                        int(out_status[j]))
        if batch.order is None:
            status[a:b] = out_status
            covered[a:b] = out_covered
        else:
            amounts[rows] = out_amounts
            status[rows] = out_status
            covered[rows] = out_covered
        done = b
        if on_progress is not None:
            try:
                on_progress(done, n)
            except BaseException as e:  # the caller's code: say how far the run got
                if hasattr(e, "add_note"):  # Python 3.11
                    e.add_note(f"settle_frame stopped: the progress report raised after {done} "
                               f"of {n} claims were settled")
                raise
    return messages


def _chunk_columns(batch: Batch, rows: Index, m: int,
                   nenrollees: int) -> Tuple[Any, Dict[str, np.ndarray]]:
    """mb_columns for one chunk, and the arrays it points into (keep them alive)."""
    keep: Dict[str, np.ndarray] = {}
    cols = ffi.new("mb_columns *")
    cols.size = ffi.sizeof("mb_columns")
    cols.nrows = m
    for field, ctype in CLAIM_FIELDS.items():
        source = batch.claims.get(field)
        if source is None:
            continue
        arr: np.ndarray = np.ascontiguousarray(source(rows), dtype=ctype)
        if field == "enrollee" and batch._refused_mask is not None:
            refused = batch._refused_mask[rows]
            if refused.any():  # settle nothing: an enrollee beyond the table fails the row
                arr = arr.copy()
                arr[refused] = nenrollees
        keep[field] = arr
        setattr(cols, field, _pointer(arr, _CTYPE[ctype]))
    starts = batch.item_start
    if isinstance(rows, slice):
        first, last = int(starts[rows.start]), int(starts[rows.stop])
        item_rows: Index = slice(first, last)
        offsets = (starts[rows.start:rows.stop + 1] - np.uint64(first)).astype(np.uint64)
    else:
        item_rows, offsets = _gather_items(starts[rows], starts[rows + 1])
    keep["item_start"] = offsets
    cols.item_start = _pointer(offsets, "const uint64_t *")
    for field, ctype in ITEM_FIELDS.items():
        source = batch.items.get(field)
        if source is None:
            continue
        arr = np.ascontiguousarray(source(item_rows), dtype=ctype)
        keep[field] = arr
        setattr(cols, field, _pointer(arr, _CTYPE[ctype]))
    if batch.claim_ids is not None:
        text, addresses = _text_pointers(batch.claim_ids(rows))
        keep["claim_text"], keep["claim_id"] = text, addresses
        cols.claim_id = _pointer(addresses, "const char *const *")
    for name in TABLES:
        table, count = batch.tables[name]
        setattr(cols, name, table)
        setattr(cols, "n" + name, count)
    return cols, keep


def _describe(cols: Any, keep: Dict[str, np.ndarray], j: int, chain: Any, nchain: int,
              enrollees: Any,
              nenrollees: int, status: int) -> str:
    """Why row j of a chunk failed: the row settled again alone, uncommitted, with the
    library's message (without its "row 0 (claim ...): " prefix); the status's description
    when the row alone does not fail so (a failure of the enrollee's state at the time, such
    as a claim id settled already)."""
    one = ffi.new("mb_columns *", cols[0])
    one.nrows = 1
    for field, ctype in CLAIM_FIELDS.items():
        if field in keep:
            setattr(one, field, getattr(cols, field) + j)
    if "claim_id" in keep:
        one.claim_id = cols.claim_id + j
    offsets = keep["item_start"]
    first, last = int(offsets[j]), int(offsets[j + 1])
    span = np.array([0, last - first], dtype=np.uint64)
    one.item_start = _pointer(span, "const uint64_t *")
    for field in ITEM_FIELDS:
        if field in keep:
            setattr(one, field, getattr(cols, field) + first)
    res = ffi.new("mb_column_results *", {"size": ffi.sizeof("mb_column_results")})
    options = ffi.new("mb_columns_options *", {"size": ffi.sizeof("mb_columns_options"),
                                               "flags": BATCH_PRESETTLE, "threads": 1})
    rc, exc = errors.attempt(lib.mb_settle_columns, chain, nchain, enrollees, nenrollees, one,
                             res, options)
    if rc != status or exc is None:
        return errors.status_text(status)
    message = exc.message
    if message.startswith("row 0"):
        message = message.split(": ", 1)[1] if ": " in message else message
        if "claim_id" in keep:  # "row 0 (claim C1): ..." names the claim: cut exactly that
            cid = ffi.string(cols.claim_id[j]).decode("utf-8", "replace")
            prefix = f"row 0 (claim {cid}): "
            if exc.message.startswith(prefix):
                message = exc.message[len(prefix):]
    return message

"""settle_frame: a pandas DataFrame of claims settled by the library's columnar call
(mb_settle_columns), with no Python object per claim: the frame's columns become arrays chunk
by chunk, and the results are int64 fen columns of a new frame.

pandas (and numpy) are optional: they are imported when settle_frame is called, and their
absence raises an ImportError that says so. See settle_frame's docstring for the columns.

An amount column names its unit: ``amount`` holds yuan (Decimal or str cells), ``amount_fen``
holds fen (int cells). A column of ints under a yuan name is refused rather than guessed at:
an int64 column of fen read as yuan is 100 times too much.
"""
from __future__ import annotations

import numbers
import sys
from typing import (TYPE_CHECKING, Any, Callable, Dict, Hashable, List, Mapping, Optional,
                    Sequence, Set, Tuple, Union)

from . import errors as _errors
from ._codes import (AMOUNT_COUNT, AMOUNT_NAMES, C_INT32, C_UNSIGNED, Flag, Status, amount_fen,
                     c_int, c_text, item_class_code, level_code, med_type_code, to_bp, to_yuan)
from .core import Chain, Enrollee, _chain, _chain_array, _held

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from . import _columnar
    from ._columnar import Index, Source

__all__ = ["settle_frame", "AMOUNT_COLUMNS", "ITEM_COLUMNS", "CLAIM_COLUMNS", "REQUIRED"]

AMOUNT_COLUMNS = ("amount", "upstream_compliant", "upstream_basic", "upstream_critical_illness")
"""The amount columns, in yuan; each may be given in fen instead, as the same name + "_fen"."""
ITEM_COLUMNS = ("amount", "amount_fen", "cls", "first_selfpay_ratio")
CLAIM_COLUMNS = ("date", "med_type", "facility_id", "level", "disease", "treatment", "admitted",
                 "discharged", "referral", "emergency", "out_of_area", "designated_specialty",
                 "in_province", "no_account", "prescriber_id", "prescriber_level",
                 "facility_category", "upstream_compliant", "upstream_basic",
                 "upstream_critical_illness", "upstream_compliant_fen", "upstream_basic_fen",
                 "upstream_critical_illness_fen")
REQUIRED = ("enrollee_id", "claim_id", "date", "med_type")
FLAGS = {"referral": Flag.REFERRAL, "emergency": Flag.EMERGENCY,
         "out_of_area": Flag.OUT_OF_AREA, "designated_specialty": Flag.DESIGNATED_SPECIALTY,
         "no_account": Flag.NO_ACCOUNT}
"""The flag columns (true sets the flag); in_province (default true) clears OUT_OF_PROVINCE."""

CHUNK_ROWS = 1 << 16
"""Claims converted and settled per library call: the memory a run holds beyond its results."""
PROGRESS_BAR_CLAIMS = 1_000_000
"""progress=None shows a bar (on a terminal) for runs of at least this many claims."""

Enrollees = Union[Mapping[Hashable, Enrollee], Callable[[Hashable], Enrollee]]


def _pandas() -> Tuple[Any, Any]:
    try:
        import numpy
        import pandas
    except ImportError as e:
        raise ImportError("medbenefit.settle_frame needs pandas and numpy, which are not "
                          "installed (on Debian: apt-get install python3-pandas); "
                          "settle_batch() does the same without them") from e
    return pandas, numpy


def settle_frame(df: "pd.DataFrame", chain: Chain, enrollees: Enrollees, *,
                 items: Optional["pd.DataFrame"] = None, commit: bool = True,
                 copy_enrollees: bool = False, errors: str = "raise", amounts: str = "fen",
                 threads: int = 1, progress: Optional[bool] = None,
                 on_progress: Optional[Callable[[int, int], None]] = None,
                 chunk_rows: int = CHUNK_ROWS, trace: bool = False) -> "pd.DataFrame":
    """Settle every claim of ``df`` and return one row per claim as a new DataFrame.

    Two shapes of input:

    * ``items=None``: one row per line item (a claim with several items has several rows,
      sharing enrollee_id and claim_id; a claim with no items, e.g. upstream amounts only, has
      one row with an empty amount). Claim columns are read from the claim's rows; empty cells
      are ignored, two different values are a ValueError.
    * ``items=`` a DataFrame of line items (columns amount_fen or amount, cls,
      first_selfpay_ratio), and ``df`` one row per claim with an ``item_start`` column: claim
      i's items are rows item_start[i] up to the next claim's item_start (the last claim's up
      to the end) of ``items``: offsets, as mb_settle_columns takes them. This is the fast
      shape: nothing is grouped.

    Columns:

      required   enrollee_id, claim_id, date, med_type
      item       amount_fen (fen: int cells, e.g. an int64 column; "Int64" when some are
                 empty) or amount (yuan: Decimal or str cells; read CSV files with dtype=str),
                 cls ("A"/"B"/"C" or ItemClass codes; default "A"), first_selfpay_ratio
      claim      facility_id, level (default "primary"), disease, treatment, admitted,
                 discharged, referral, emergency, out_of_area, designated_specialty,
                 in_province (default true), no_account, prescriber_id, prescriber_level,
                 facility_category, upstream_compliant, upstream_basic,
                 upstream_critical_illness (yuan; or each as upstream_..._fen, fen)

    Dates are datetime64 columns (fastest), ints YYYYMMDD, or datetime.date, Timestamps or
    'YYYY-MM-DD' cells. Codes (med_type, level, cls, prescriber_level) are categoricals or
    strings ("chronic", "tertiary": each distinct value is parsed once) or the library's int
    codes (MedType.CHRONIC = 14). Text columns (enrollee_id, facility_id, disease...) may be
    categoricals: their codes are used as they are. An amount's unit is its column's name: a
    column of ints or floats under a yuan name is a TypeError, as are floats in a _fen column.

    ``chain``: a Ruleset or a sequence of them (basic, critical illness, assistance).
    ``enrollees``: a mapping (or a callable) from enrollee_id to an Enrollee holding the person
    and their state; each enrollee's claims settle in date order (ties keep the frame's order),
    and enrollees are independent of each other. With commit=True the enrollees' state
    advances (copy_enrollees=True settles copies and leaves them untouched); with commit=False
    each claim is pre-settled on its own. ``threads``: the library's threads (0: one per core),
    which share the enrollees out.

    Output: one row per claim, in the frame's order (its index, or with ``items=None`` the
    order of each claim's first row): enrollee_id, claim_id, date (as the frame gives them),
    the setlinfo amounts (AMOUNT_NAMES: medfee_sumamt ... overlmt_selfpay) as int64 fen, or
    with amounts="decimal" as Decimal yuan (a view built after the run: one object per amount),
    covered (bool), status (int8: 0, or the mb_status the claim failed with), error (the
    status's name) and message (what to fix), both categorical and empty for a settled claim.
    A failed claim changes nothing; its amounts are 0 (None as Decimal) and covered False.

    errors="raise" raises, after the run, the failure of the first claim settled that failed
    (a MedbenefitError subclass, whose ``frame`` attribute holds the result: the other claims
    were settled); errors="record" returns the frame. Mistakes in the frame itself (a missing
    or unknown column, an amount column of the wrong unit, a claim whose rows disagree, an
    enrollee not in ``enrollees``) raise before anything is settled.

    ``progress``: True shows a tqdm bar (Debian's python3-tqdm) on stderr, False none, None
    one for runs of PROGRESS_BAR_CLAIMS or more when stderr is a terminal. ``on_progress(done,
    total)`` is called after each chunk of ``chunk_rows`` claims. No trace is kept
    (trace=True is a ValueError): settle() explains a claim step by step.
    """
    pd, np = _pandas()
    from . import _columnar

    if errors not in ("raise", "record"):
        raise ValueError("errors must be 'raise' or 'record'")
    if amounts not in ("decimal", "fen"):
        raise ValueError("amounts must be 'fen' or 'decimal'")
    if trace:
        raise ValueError("settle_frame settles through mb_settle_columns, which keeps no trace: "
                         "settle(chain, enrollee, claim) explains a claim step by step")
    threads = c_int(threads, "threads", C_UNSIGNED)
    if c_int(chunk_rows, "chunk_rows", (0, 1 << 62)) < 1:
        raise ValueError("chunk_rows must be at least 1")
    if "class" in df.columns and "cls" not in df.columns:
        df = df.rename(columns={"class": "cls"})
    if items is not None and "class" in items.columns and "cls" not in items.columns:
        items = items.rename(columns={"class": "cls"})
    if items is None:
        _check_columns(df, set(REQUIRED) | set(ITEM_COLUMNS) | set(CLAIM_COLUMNS), "")
        _check_amount_columns(df)
        _check_text_columns(pd, np, df, "")
        claims, item_frame, item_start = _split_items(pd, np, df)
    else:
        _check_columns(df, set(REQUIRED) | set(CLAIM_COLUMNS) | {"item_start"}, "")
        _check_columns(items, set(ITEM_COLUMNS), "items: ", required=())
        _check_amount_columns(df)
        _check_amount_columns(items)
        _check_text_columns(pd, np, df, "")
        _check_text_columns(pd, np, items, "items: ")
        claims, item_frame, item_start = df, items, _offsets(np, df, items)

    rulesets = _chain(chain)
    n = len(claims)
    build = _Build(pd, np, claims, item_frame, item_start)
    batch = build.batch()
    assert build.enrollee_used is not None  # batch() found them
    handles = _enrollee_handles(build.enrollee_ids, build.enrollee_used, enrollees,
                                copy_enrollees)
    from ._ffi import ffi

    out = np.empty((n, AMOUNT_COUNT), dtype=np.int64)
    status = np.empty(n, dtype=np.int8)
    covered = np.empty(n, dtype=bool)
    report, close = _progress(progress, on_progress, n)
    try:
        # held for the whole run: the library reads them between calls of the progress
        # callback and without the GIL, so a close() meanwhile is refused (StateError)
        with _held(*rulesets, *(h for h in handles if h is not None)):
            pointers = ffi.new("mb_enrollee *[]", [h._ptr if h is not None else ffi.NULL
                                                   for h in handles])
            messages = _columnar.run(batch, _chain_array(rulesets), len(rulesets), pointers,
                                     len(handles), out, status, covered,
                                     presettle=not commit, threads=threads, chunk=chunk_rows,
                                     on_progress=report)
    finally:
        close()
        if copy_enrollees:
            for h in handles:
                if h is not None:
                    h.close()
    result = _result(pd, np, claims, out, status, covered, messages, amounts)
    if errors == "raise" and messages:
        first = _first_failed(np, batch.order, messages)
        cid, message = claims["claim_id"].iloc[first], messages[first]
        if not message.startswith(f"claim {cid}: "):
            message = f"claim {cid}: {message}"
        exc = _errors.error_for(int(status[first]), message)
        exc.frame = result  # type: ignore[attr-defined]
        raise exc
    return result


# ---- checking the frame -------------------------------------------------------------------------

def _check_columns(df: "pd.DataFrame", known: Set[str], what: str,
                   required: Sequence[str] = REQUIRED) -> None:
    columns = list(df.columns)
    missing = [c for c in required if c not in columns]
    if missing:
        raise ValueError(f"settle_frame: {what}missing column(s): {', '.join(missing)}")
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ValueError(f"settle_frame: {what}unknown column(s): {', '.join(map(str, unknown))} "
                         f"(known: {', '.join(sorted(known))})")


def _check_amount_columns(df: "pd.DataFrame") -> None:
    """Each amount in one unit, and no column of numbers under a yuan name: its unit would be
    a guess (an int64 column of fen read as yuan is 100 times too much)."""
    columns = list(df.columns)
    for name in AMOUNT_COLUMNS:
        fen_name = name + "_fen"
        if name in columns and fen_name in columns:
            raise ValueError(f"settle_frame: columns {name} (yuan) and {fen_name} (fen) hold the "
                             "same amount: give it in one of them")
        if name in columns and df[name].dtype.kind in "iuf" and df[name].notna().any():
            raise TypeError(
                f"settle_frame: column {name} is {df[name].dtype}, but an amount in yuan is a "
                f"Decimal or str: name the column {fen_name} if it holds fen (ints), or give "
                "yuan as Decimal or str (read CSV files with dtype=str)")
        if fen_name in columns and df[fen_name].dtype.kind == "f" and df[fen_name].notna().any():
            raise TypeError(
                f"settle_frame: column {fen_name} is {df[fen_name].dtype}, but fen are ints: "
                "use an integer dtype (\"Int64\" when some cells are empty)")


def _check_text_columns(pd: Any, np: Any, df: "pd.DataFrame", what: str) -> None:
    """No text cell holding a NUL. pandas groups a column of text by its C string, which ends
    at the first NUL, so "H001\\0x" would be taken for H001 (and "E1\\0x" for enrollee E1)
    before any check of the distinct values could see it. A column whose cells are all text
    (or empty) is checked here, at the speed of one join; pandas groups a column of mixed
    values exactly, and each distinct value is checked as it is converted."""
    for name in df.columns:
        s = df[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            values = np.asarray(s.cat.categories, dtype=object)
        elif s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            values = s.to_numpy(dtype=object)
        else:
            continue
        try:
            joined = "".join(values)
        except TypeError:  # empty cells, or values other than text
            kept = values[~pd.isna(values)]
            try:
                joined = "".join(kept)
            except TypeError:  # mixed values: grouped exactly (see above)
                continue
        if "\0" in joined:
            rows = [k for k, v in enumerate(values) if isinstance(v, str) and "\0" in v]
            where = (f"category {values[rows[0]]!r}" if isinstance(s.dtype, pd.CategoricalDtype)
                     else f"row {rows[0]} ({values[rows[0]]!r})")
            raise _errors.InvalidArgumentError(
                f"settle_frame: {what}column {name}, {where}: the text holds a NUL character, "
                "which C would cut it short at (and pandas groups it with the text before it)")


def _ints(np: Any, s: "pd.Series") -> Tuple["np.ndarray", Optional["np.ndarray"]]:
    """An integer column's values as a numpy array, and where its empty cells are (None when it
    has none): a nullable "Int64" column's NA read as 0 there."""
    if isinstance(s.dtype, np.dtype):
        return s.to_numpy(), None
    empty = s.isna().to_numpy()
    values = s.to_numpy(dtype=s.dtype.numpy_dtype, na_value=0)
    return values, (empty if empty.any() else None)


def _outside(np: Any, values: "np.ndarray", bounds: Tuple[int, int]) -> "np.ndarray":
    """The positions of integer values outside bounds (lo, hi): those a narrower C type would
    wrap. One vectorized pass, none when the dtype holds nothing beyond them."""
    lo, hi = bounds
    info = np.iinfo(values.dtype)
    if (info.min >= lo and info.max <= hi) or not len(values):
        return np.empty(0, dtype=np.int64)
    if values.dtype.kind == "u":  # compared as uint64: no cast through float
        return np.flatnonzero(values > values.dtype.type(max(hi, 0)))
    return np.flatnonzero((values < lo) | (values > hi))


INT64 = (-(1 << 63), (1 << 63) - 1)


def _offsets(np: Any, df: "pd.DataFrame", items: "pd.DataFrame") -> "np.ndarray":
    """The n + 1 item offsets of a claims frame's item_start column."""
    if "item_start" not in df.columns:
        raise ValueError("settle_frame: with items=, the claims frame needs an item_start "
                         "column (each claim's first row in items)")
    col = df["item_start"]
    if col.dtype.kind not in "iu":
        raise TypeError(f"settle_frame: item_start is {col.dtype}, not integer offsets")
    values, empty = _ints(np, col)
    if empty is not None:
        raise ValueError(f"settle_frame: item_start of claim {int(np.flatnonzero(empty)[0])} is "
                         "empty: each claim's first row in items")
    beyond = _outside(np, values, (-(1 << 63), len(items)))
    if len(beyond):
        k = int(beyond[0])
        raise ValueError(f"settle_frame: item_start[{k}] = {values[k]} is beyond the "
                         f"{len(items)} items")
    start = np.empty(len(df) + 1, dtype=np.int64)
    start[:-1] = values
    start[-1] = len(items)
    if len(df) and start[0] != 0:
        raise ValueError(f"settle_frame: item_start starts at {start[0]}, not 0")
    steps = np.flatnonzero(start[1:] < start[:-1])
    if len(steps):
        k = int(steps[0])
        raise ValueError(f"settle_frame: item_start[{k + 1}] = {start[k + 1]} is below "
                         f"item_start[{k}] = {start[k]} (or beyond the {len(items)} items): "
                         "offsets never decrease")
    return start.astype(np.uint64)


def _split_items(pd: Any, np: Any, df: "pd.DataFrame") -> Tuple["pd.DataFrame", "pd.DataFrame", "np.ndarray"]:
    """A frame of line items as (claims, items, item offsets): one claims row per
    (enrollee_id, claim_id), in the order of its first row."""
    for c in ("enrollee_id", "claim_id"):
        empty = np.flatnonzero(df[c].isna().to_numpy())
        if len(empty):
            raise ValueError(f"settle_frame: row {int(empty[0])}: enrollee_id and claim_id are "
                             "required")
    group = _claim_numbers(pd, np, df["enrollee_id"], df["claim_id"])
    n = int(group.max()) + 1 if len(group) else 0
    claim_cols = [c for c in df.columns if c in REQUIRED or c in CLAIM_COLUMNS]
    if n == len(df):  # one row per claim: the frame is its own claims table
        claims = df[claim_cols].reset_index(drop=True)
        order = np.arange(n)
    else:
        order = np.argsort(group, kind="stable")
        by_claim = group[order]
        first = order[_run_starts(np, by_claim)]  # each claim's first row
        parts = {c: df[c].iloc[first].reset_index(drop=True)
                 for c in ("enrollee_id", "claim_id")}
        for c in claim_cols:
            if c in parts:
                continue
            parts[c] = _claim_value(pd, np, df[c], order, by_claim, n, parts["claim_id"], c,
                                    as_codes=c != "date")
        claims = pd.DataFrame(parts)[claim_cols]
    amount = "amount_fen" if "amount_fen" in df.columns else "amount"
    if amount in df.columns:
        present = df[amount].notna().to_numpy()
        rows = order[present[order]]
    else:
        rows = order[:0]
    item_cols = [c for c in df.columns if c in ITEM_COLUMNS]
    items = df[item_cols].iloc[rows].reset_index(drop=True)
    start = np.searchsorted(group[rows], np.arange(n + 1), side="left").astype(np.uint64)
    return claims, items, start


def _run_starts(np: Any, sorted_keys: "np.ndarray") -> "np.ndarray":
    """Where each run of equal keys begins in a sorted array (empty for an empty one)."""
    if not len(sorted_keys):
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _claim_numbers(pd: Any, np: Any, enrollee: "pd.Series", claim: "pd.Series") -> "np.ndarray":
    """Each row's claim, numbered 0, 1, ... in the order of the claim's first row: what
    groupby([enrollee_id, claim_id], sort=False).ngroup() gives, from two factorizations and
    one of their pair (a groupby of two object columns took most of a frame's split)."""
    e, _ = pd.factorize(enrollee, sort=False)
    c, uniques = pd.factorize(claim, sort=False)
    pair = e.astype(np.int64) * max(len(uniques), 1) + c
    numbers, _ = pd.factorize(pair, sort=False)
    return numbers.astype(np.int64)


def _claim_value(pd: Any, np: Any, s: "pd.Series", order: "np.ndarray", by_claim: "np.ndarray",
                 n: int, claim_ids: "pd.Series", name: str, as_codes: bool) -> "pd.Series":
    """A claim column's value for each of the n claims: the first non-empty cell of the claim's
    rows (empty when it has none); two different values in one claim's rows are a ValueError
    naming the first such claim. `order` sorts the rows by claim (stably), `by_claim` is
    their claim numbers in that order. With `as_codes`, a column of objects comes back as a
    categorical of the values found here, so that the claims' column is not factorized again."""
    codes, uniques = pd.factorize(s, sort=False)  # -1 for an empty cell
    sorted_codes = codes[order]
    held = sorted_codes >= 0
    rows, claims, values = order[held], by_claim[held], sorted_codes[held]
    differs = (claims[1:] == claims[:-1]) & (values[1:] != values[:-1])
    if differs.any():
        k = int(claims[1:][differs].min())
        distinct = s.iloc[np.sort(rows[claims == k])].dropna().unique()
        raise ValueError(f"claim {claim_ids[k]}: column {name} holds both "
                         f"{distinct[0]!r} and {distinct[1]!r}")
    first = np.full(n, -1, dtype=np.int64)
    starts = _run_starts(np, claims)
    first[claims[starts]] = rows[starts]
    if as_codes and s.dtype == object:
        held_codes = np.where(first >= 0, codes[np.where(first >= 0, first, 0)], -1)
        return pd.Series(pd.Categorical.from_codes(held_codes, categories=uniques))
    value = s.iloc[np.where(first >= 0, first, 0)].reset_index(drop=True)
    missing = first < 0
    if missing.any():
        value = value.where(pd.Series(~missing))
    return value


# ---- the frame as mb_columns sources ------------------------------------------------------------

class _Build:
    """The sources of a claims frame and its items (see _columnar), and the claims refused
    before settling, with why."""

    def __init__(self, pd: Any, np: Any, claims: "pd.DataFrame", items: "pd.DataFrame",
                 item_start: "np.ndarray") -> None:
        self.pd, self.np = pd, np
        self.claims, self.items, self.item_start = claims, items, item_start
        self.refused: Dict[int, Tuple[int, str]] = {}
        self.enrollee_ids: List[Hashable] = []
        self.enrollee_used: Optional[Any] = None

    # -- refusals
    def refuse(self, rows: "np.ndarray", status: int, message: str) -> None:
        for r in rows.tolist():
            self.refused.setdefault(int(r), (int(status), message))

    def refuse_items(self, item_rows: "np.ndarray", status: int, message: str) -> None:
        claims = self.np.searchsorted(self.item_start, item_rows, side="right") - 1
        self.refuse(claims, status, message)

    # -- kinds of column
    def factorized(self, s: "pd.Series") -> Tuple["np.ndarray", List[Any]]:
        if isinstance(s.dtype, self.pd.CategoricalDtype):
            return s.cat.codes.to_numpy(), list(s.cat.categories)
        codes, uniques = self.pd.factorize(s)
        return codes, list(uniques)

    def coded(self, s: "pd.Series", convert: Callable[[Any], int], what: str, default: Optional[int],
              on_items: bool = False) -> Source:
        """A code column (med_type, level, cls...): ints as they are (the library checks
        them; those beyond the int32_t it reads fail their row here), anything else each
        distinct value converted once."""
        np = self.np
        refuse = self.refuse_items if on_items else self.refuse
        if s.dtype.kind in "iu":
            return self.ints(s, what, default, Status.UNKNOWN_CODE, refuse)
        codes, uniques = self.factorized(s)
        table = np.zeros(len(uniques) + 1, dtype=np.int64)
        table[-1] = default if default is not None else 0
        for k, u in enumerate(uniques):
            try:
                table[k] = convert(u)
            except (_errors.MedbenefitError, TypeError, ValueError) as e:
                status = getattr(e, "status", None) or Status.INVALID_ARGUMENT
                refuse(np.flatnonzero(codes == k), status,
                       f"{what}: {getattr(e, 'message', None) or e}")
        if default is None and (codes < 0).any():
            refuse(np.flatnonzero(codes < 0), Status.INVALID_ARGUMENT, f"{what} is empty")
        return lambda idx: table[codes[idx]]

    def ints(self, s: "pd.Series", what: str, default: Optional[int], status: int,
             refuse: Callable[["np.ndarray", int, str], None]) -> Source:
        """An integer column C reads as int32_t: a value beyond it fails its row (rather than
        reaching C as what its low 32 bits spell), an empty cell of a nullable column is
        `default` (None: fails its row)."""
        np = self.np
        values, empty = _ints(np, s)
        for r in _outside(np, values, C_INT32).tolist():
            refuse(np.array([r]), status, f"{what}: {values[r]} is outside "
                                          f"{C_INT32[0]}..{C_INT32[1]}")
        if empty is not None:
            if default is None:
                refuse(np.flatnonzero(empty), status if status == Status.INVALID_DATE
                       else Status.INVALID_ARGUMENT, f"{what} is empty")
            values = values.copy()
            values[empty] = default or 0
        return lambda idx: values[idx]

    def texts(self, s: "pd.Series", what: str, table: List[bytes]) -> Source:
        """A text column as indices into `table` (a list of bytes it extends), -1 when empty."""
        np = self.np
        codes, uniques = self.factorized(s)
        index = np.full(len(uniques) + 1, -1, dtype=np.int32)
        known = {t: k for k, t in enumerate(table)}
        for k, u in enumerate(uniques):
            try:
                if isinstance(u, numbers.Integral) and not isinstance(u, bool):
                    u = str(int(u))  # an id read as a number from a CSV
                data = c_text(u, what)
            except (_errors.MedbenefitError, TypeError) as e:
                self.refuse(np.flatnonzero(codes == k), Status.INVALID_ARGUMENT, str(
                    getattr(e, "message", None) or e))
                data = b"-"
            if data not in known:
                known[data] = len(table)
                table.append(data)
            index[k] = known[data]
        return lambda idx: index[codes[idx]]

    def dates(self, name: str, required: bool) -> Source:
        """A date column as YYYYMMDD: datetime64 through a table of the days it spans, ints as
        they are (the library checks them), anything else each distinct value once: a number
        is YYYYMMDD (as an int column's), a date, Timestamp or text is parsed by pandas."""
        pd, np = self.pd, self.np
        s = self.claims[name]
        if s.dtype.kind in "iu":  # YYYYMMDD: the library checks them, once they fit int32_t
            return self.ints(s, name, None if required else 0, Status.INVALID_DATE, self.refuse)
        if s.dtype.kind != "M":
            return self.date_cells(s, name, required)
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        values = s.to_numpy(dtype="datetime64[ns]")
        if required:
            empty = np.isnat(values)
            if empty.any():
                self.refuse(np.flatnonzero(empty), Status.INVALID_DATE, f"{name} is empty")
        return _ymd_source(np, values)

    def date_cells(self, s: "pd.Series", name: str, required: bool) -> Source:
        """Dates of an object or float column, each distinct value read once. A number is
        YYYYMMDD, never handed to pd.to_datetime, which reads 20210201 as nanoseconds after
        1970-01-01 (a float column is what a CSV's ints with an empty cell become)."""
        pd, np = self.pd, self.np
        codes, uniques = self.factorized(s)
        ymd = np.zeros(len(uniques) + 1, dtype=np.int64)   # [-1]: empty
        texts: List[int] = []
        for k, u in enumerate(uniques):
            if isinstance(u, numbers.Integral) and not isinstance(u, (bool, np.bool_)):
                v: Optional[int] = int(u)
            elif isinstance(u, float):
                v = int(u) if u.is_integer() else None
            else:
                texts.append(k)
                continue
            if v is None or not C_INT32[0] <= v <= C_INT32[1]:
                self.refuse(np.flatnonzero(codes == k), Status.INVALID_DATE,
                            f"{name}: {u!r} is not a date (YYYYMMDD)")
            else:
                ymd[k] = v
        if texts:
            parsed = pd.to_datetime(pd.Series([uniques[k] for k in texts], dtype=object),
                                    errors="coerce")
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_localize(None)
            values = parsed.to_numpy(dtype="datetime64[ns]")
            for k, day, nat in zip(texts, _ymd(np, values).tolist(), np.isnat(values).tolist()):
                if nat:
                    self.refuse(np.flatnonzero(codes == k), Status.INVALID_DATE,
                                f"{name}: {uniques[k]!r} is not a date (YYYY-MM-DD)")
                ymd[k] = day
        if required and (codes < 0).any():
            self.refuse(np.flatnonzero(codes < 0), Status.INVALID_DATE, f"{name} is empty")
        return lambda idx: ymd[codes[idx]]

    def flags(self) -> Optional[Source]:
        np = self.np
        parts: List[Tuple[Any, Any, int, bool]] = []
        for name, bit in list(FLAGS.items()) + [("in_province", Flag.OUT_OF_PROVINCE)]:
            if name not in self.claims.columns:
                continue
            s = self.claims[name]
            set_on = False if name == "in_province" else True  # the value that sets the bit
            if s.dtype.kind == "b":  # an empty cell of a nullable "boolean": the default
                values = s.to_numpy(dtype=bool, na_value=not set_on)
                parts.append((values, None, int(bit), set_on))
                continue
            codes, uniques = self.factorized(s)
            table = np.zeros(len(uniques) + 1, dtype=bool)
            table[-1] = not set_on  # empty: the default, which leaves the bit clear
            for k, u in enumerate(uniques):
                v = _flag(u)
                if v is None:
                    self.refuse(np.flatnonzero(codes == k), Status.INVALID_ARGUMENT,
                                f"column {name}: expected true or false, got {u!r}")
                    v = not set_on
                table[k] = v
            parts.append((codes, table, int(bit), set_on))
        if not parts:
            return None

        def source(idx: Index) -> Any:
            out = np.zeros(len(range(*idx.indices(len(self.claims)))) if isinstance(idx, slice)
                           else len(idx), dtype=np.uint32)
            for values, table, bit, set_on in parts:
                v = values[idx] if table is None else table[values[idx]]
                out |= np.where(v == set_on, np.uint32(bit), np.uint32(0))
            return out
        return source

    def fen(self, frame: "pd.DataFrame", name: str, missing: Optional[int],
            on_items: bool = False) -> Optional[Source]:
        """An amount column of `frame` in fen: `name` (yuan) or `name`_fen (fen); `missing` for
        an empty cell (None: refused), or None when the frame has neither column."""
        np = self.np
        refuse = self.refuse_items if on_items else self.refuse
        fen_name = name + "_fen"
        if fen_name in frame.columns:
            s = frame[fen_name]
            if s.dtype.kind in "iu":  # the library checks the amounts, once they fit int64_t
                values, empty = _ints(np, s)
                for r in _outside(np, values, INT64).tolist():
                    refuse(np.array([r]), Status.INVALID_AMOUNT,
                           f"{fen_name}: {values[r]} fen is beyond the int64 the library takes")
                if empty is not None:
                    if missing is None:
                        refuse(np.flatnonzero(empty), Status.INVALID_AMOUNT,
                               f"{fen_name} is empty")
                    values = values.astype(np.int64)
                    values[empty] = missing or 0
                return lambda idx: values[idx]
            if s.dtype.kind == "b":
                raise TypeError(f"settle_frame: column {fen_name} is bool, not fen")
            col, label = s, fen_name
            convert = (lambda u: amount_fen(None, u, f"column {fen_name}"))
        elif name in frame.columns:
            col, label = frame[name], name
            convert = (lambda u: amount_fen(u, None, f"column {name}",
                                            f"a column named {fen_name} holding {{n}}"))
        else:
            return None
        codes, uniques = self.factorized(col)
        table = np.zeros(len(uniques) + 1, dtype=np.int64)
        table[-1] = missing if missing is not None else 0
        for k, u in enumerate(uniques):
            try:
                table[k] = convert(u)
            except _errors.MedbenefitError as e:
                refuse(np.flatnonzero(codes == k), e.status or Status.INVALID_AMOUNT, e.message)
            except TypeError as e:
                raise TypeError(f"settle_frame: {e}") from None
        if missing is None and (codes < 0).any():
            refuse(np.flatnonzero(codes < 0), Status.INVALID_AMOUNT, f"{label} is empty")
        return lambda idx: table[codes[idx]]

    # -- the whole batch
    def batch(self) -> "_columnar.Batch":
        from . import _columnar
        np = self.np
        c, items = self.claims, self.items
        n = len(c)
        sources: Dict[str, Any] = {}
        codes, uniques = self.factorized(c["enrollee_id"])
        if (codes < 0).any():
            raise ValueError(f"settle_frame: claim {int(np.flatnonzero(codes < 0)[0])}: "
                             "enrollee_id is required")
        used = np.zeros(len(uniques), dtype=bool)
        used[codes] = True
        self.enrollee_ids, self.enrollee_used = uniques, used
        sources["enrollee"] = lambda idx: codes[idx]
        ids = c["claim_id"]
        if ids.isna().any():
            raise ValueError(f"settle_frame: claim {int(np.flatnonzero(ids.isna())[0])}: "
                             "claim_id is required")
        id_values = _claim_id_texts(self.pd, np, (ids.astype(object) if isinstance(
            ids.dtype, self.pd.CategoricalDtype) else ids).to_numpy())
        sources["date"] = self.dates("date", True)
        sources["med_type"] = self.coded(c["med_type"], med_type_code, "med_type", None)
        sources["level"] = (self.coded(c["level"], level_code, "level", 1)
                            if "level" in c.columns else (lambda idx: np.ones(_len(idx, n),
                                                                              np.int32)))
        flags = self.flags()
        if flags is not None:
            sources["flags"] = flags
        tables: Dict[str, List[bytes]] = {t: [] for t in _columnar.TABLES}
        for column, field, table in (("facility_id", "facility", "facilities"),
                                     ("prescriber_id", "prescriber", "facilities"),
                                     ("disease", "disease", "diseases"),
                                     ("treatment", "treatment", "treatments"),
                                     ("facility_category", "facility_category",
                                      "facility_categories")):
            if column in c.columns:
                sources[field] = self.texts(c[column], column, tables[table])
        if "prescriber_level" in c.columns:
            sources["prescriber_level"] = self.coded(c["prescriber_level"], level_code,
                                                     "prescriber_level", 1)
        elif "prescriber" in sources:
            sources["prescriber_level"] = lambda idx: np.ones(_len(idx, n), np.int32)
        for column in ("admitted", "discharged"):
            if column in c.columns:
                sources[column] = self.dates(column, False)
        compliant = self.fen(c, "upstream_compliant", -1)
        if compliant is not None:
            sources["up_compliant"] = compliant
            basic = self.fen(c, "upstream_basic", 0)
            critical = self.fen(c, "upstream_critical_illness", -1)
            if basic is not None:
                sources["up_basic"] = basic
            if critical is not None:
                sources["up_critical"] = critical
        item_sources: Dict[str, Any] = {}
        fen = self.fen(items, "amount", None, on_items=True)
        if fen is not None:
            item_sources["item_fen"] = fen
            item_sources["item_class"] = (
                self.coded(items["cls"], item_class_code, "cls", 1, on_items=True)
                if "cls" in items.columns else (lambda idx: np.ones(_len(idx, len(items)),
                                                                    np.int32)))
            if "first_selfpay_ratio" in items.columns:
                ratio = items["first_selfpay_ratio"]
                if ratio.dtype.kind in "iufb" and ratio.notna().any():
                    raise TypeError(
                        f"settle_frame: column first_selfpay_ratio is {ratio.dtype}, but a "
                        "ratio is a str ('10%', '0.1') or Decimal: the number 10 could mean 10% "
                        "or 10 basis points, 1 could mean 100% or 1%")
                item_sources["item_selfpay_bp"] = self.coded(
                    items["first_selfpay_ratio"], to_bp, "first_selfpay_ratio", -1,
                    on_items=True)
        elif len(items):
            raise ValueError("settle_frame: items: missing column amount_fen (or amount)")
        order = _settle_order(np, codes, sources["date"](slice(0, n)), int(used.sum()))
        return _columnar.Batch(n, sources, self.item_start, item_sources, tables,
                               lambda idx: id_values[idx], self.refused, order)


def _claim_id_texts(pd: Any, np: Any, ids: "np.ndarray") -> "np.ndarray":
    """The claim ids as _columnar's text pointers take them. A column of text (or ints) is
    passed as it is (its NULs were refused with the frame's text columns); one of mixed cells
    (ints and text, bytes) is made text here, before anything settles, so that a NUL in it is
    refused now rather than cut at by C, and bytes that are not UTF-8 reach the library's own
    check of the id (the row fails) instead of failing a chunk halfway through the run."""
    if ids.dtype != object or pd.api.types.infer_dtype(ids, skipna=False) == "string":
        return ids
    texts = np.array([v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v)
                      for v in ids.tolist()], dtype=object)
    if "\0" in "".join(texts):
        k = next(k for k, t in enumerate(texts) if "\0" in t)
        raise _errors.InvalidArgumentError(
            f"settle_frame: column claim_id, claim {k} ({ids[k]!r}): the text holds a NUL "
            "character, which C would cut it short at")
    return texts


def _settle_order(np: Any, enrollee: "np.ndarray", ymd: "np.ndarray", enrollees: int) -> Optional["np.ndarray"]:
    """None when every enrollee's claims are in date order in the frame, else the claims'
    positions by enrollee, then date (ties in the frame's order). Rows of one enrollee side by
    side also settle faster: its state stays in the cache."""
    if len(ymd) < 2 or not (ymd[1:] < ymd[:-1]).any():
        return None
    change = enrollee[1:] != enrollee[:-1]
    if int(change.sum()) + 1 == enrollees and (change | (ymd[1:] >= ymd[:-1])).all():
        return None  # each enrollee's rows together, in date order
    return np.lexsort((ymd, enrollee))


def _len(idx: Index, n: int) -> int:
    return len(range(*idx.indices(n))) if isinstance(idx, slice) else len(idx)


NS_PER_DAY = 86_400 * 10**9
DAY_TABLE_MOST = 1 << 16
"""Dates spanning at most this many days (179 years) are read through a table of them."""


def _ymd(np: Any, values: "np.ndarray") -> "np.ndarray":
    """datetime64 -> YYYYMMDD int32 (NaT -> 0)."""
    days = values.astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    out = ((years.astype(np.int64) + 1970) * 10000
           + ((months - years.astype("datetime64[M]")).astype(np.int64) + 1) * 100
           + (days - months.astype("datetime64[D]")).astype(np.int64) + 1)
    out[np.isnat(values)] = 0
    return out.astype(np.int32)


def _ymd_source(np: Any, values: "np.ndarray") -> Source:
    """A source of YYYYMMDD for datetime64[ns] values: the days they span are converted once,
    into a table each chunk's days index (a year of claims spans 365)."""
    ns = values.view(np.int64)
    known = ns[~np.isnat(values)]
    if not len(known):
        return lambda idx: np.zeros(len(ns[idx]), np.int32)
    first, last = int(known.min()) // NS_PER_DAY, int(known.max()) // NS_PER_DAY
    if last - first >= DAY_TABLE_MOST:
        return lambda idx: _ymd(np, values[idx])
    span = np.arange(first, last + 1, dtype=np.int64).astype("datetime64[D]")
    table = np.append(_ymd(np, span), np.int32(0))   # [-1]: NaT
    nat = np.iinfo(np.int64).min

    def source(idx: Index) -> "np.ndarray":
        chunk = ns[idx]
        day = chunk // NS_PER_DAY - first
        day[chunk == nat] = -1
        return table[day]
    return source


def _flag(v: Any) -> Optional[bool]:
    """A flag cell as bool, None when it is not one."""
    if isinstance(v, str):
        low = v.strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no", ""):
            return False
        return None
    if (isinstance(v, numbers.Integral) or type(v).__name__ == "bool_") and v in (0, 1):
        return bool(v)  # 2 is no more true than false
    return None


def _enrollee_handles(ids: List[Hashable], used: "np.ndarray", enrollees: Enrollees,
                      copy: bool) -> List[Optional[Enrollee]]:
    lookup = enrollees if callable(enrollees) else enrollees.__getitem__
    handles: List[Optional[Enrollee]] = []
    try:
        for eid, wanted in zip(ids, used.tolist()):
            if not wanted:  # a category no claim names
                handles.append(None)
                continue
            e = lookup(eid)
            if not isinstance(e, Enrollee):
                raise TypeError(f"enrollees[{eid!r}] is a {type(e).__name__}, not an Enrollee")
            handles.append(e.copy() if copy else e)
    except BaseException:
        if copy:
            for h in handles:
                if h is not None:
                    h.close()
        raise
    return handles


def _progress(progress: Optional[bool], on_progress: Optional[Callable[[int, int], None]],
              total: int) -> Tuple[Optional[Callable[[int, int], None]], Callable[[], None]]:
    """The callback a run reports to, and what closes the bar."""
    bar = None
    if progress or (progress is None and total >= PROGRESS_BAR_CLAIMS
                    and sys.stderr.isatty()):
        try:
            from tqdm import tqdm
        except ImportError:
            if progress:
                raise ImportError("settle_frame(progress=True) needs tqdm (on Debian: apt-get "
                                  "install python3-tqdm)") from None
        else:
            bar = tqdm(total=total, unit="claim", unit_scale=True, desc="settle_frame")
    if bar is None and on_progress is None:
        return None, lambda: None
    last = [0]

    def report(done: int, n: int) -> None:
        if bar is not None:
            bar.update(done - last[0])
            last[0] = done
        if on_progress is not None:
            on_progress(done, n)
    return report, (bar.close if bar is not None else (lambda: None))


def _first_failed(np: Any, order: Optional["np.ndarray"], messages: Dict[int, str]) -> int:
    """The failed claim settled first (the smallest position in settle order)."""
    rows = np.fromiter(messages.keys(), dtype=np.int64, count=len(messages))
    if order is None:
        return int(rows.min())
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return int(rows[np.argmin(rank[rows])])


def _result(pd: Any, np: Any, claims: "pd.DataFrame", out: "np.ndarray", status: "np.ndarray", covered: "np.ndarray",
            messages: Dict[int, str], amounts: str) -> "pd.DataFrame":
    result = pd.DataFrame(out, columns=list(AMOUNT_NAMES), index=claims.index, copy=False)
    for k, column in enumerate(("enrollee_id", "claim_id", "date")):
        result.insert(k, column, claims[column])
    result["covered"] = covered
    result["status"] = status
    names = [_errors.status_name(-k) for k in range(1, 1 + max(len(_errors.ERRORS), 1))]
    codes = np.where(status < 0, -status.astype(np.int16) - 1, -1)
    result["error"] = pd.Categorical.from_codes(codes, categories=names)
    texts = sorted(set(messages.values()))
    index = {t: k for k, t in enumerate(texts)}
    message_codes = np.full(len(status), -1, dtype=np.int32 if len(texts) > 30000 else np.int16)
    for row, text in messages.items():
        message_codes[row] = index[text]
    result["message"] = pd.Categorical.from_codes(message_codes, categories=texts)
    if amounts == "decimal":
        failed = status != 0
        for name in AMOUNT_NAMES:
            cells = [to_yuan(int(v)) for v in out[:, AMOUNT_NAMES.index(name)]]
            view = pd.Series(cells, index=result.index, dtype=object)
            view[failed] = None
            result[name] = view
    return result

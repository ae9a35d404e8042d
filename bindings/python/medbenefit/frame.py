"""settle_frame: settle a pandas DataFrame of claims, one enrollee at a time, in date order.

pandas is optional: it is imported when settle_frame is called, and its absence raises an
ImportError that says so. See settle_frame's docstring for the columns.

An amount column names its unit: ``amount`` holds yuan (Decimal or str cells), ``amount_fen``
holds fen (int cells). A column of ints under a yuan name is refused rather than guessed at:
an int64 column of fen read as yuan is 100 times too much.
"""
import datetime
import numbers
from decimal import Decimal

from . import errors as _errors
from ._codes import AMOUNT_NAMES, amount_fen, to_yuan
from .core import Claim, Enrollee, _chain, _settle_one

AMOUNT_COLUMNS = ("amount", "upstream_compliant", "upstream_basic", "upstream_critical_illness")
"""The amount columns, in yuan; each may be given in fen instead, as the same name + "_fen"."""
ITEM_COLUMNS = ("amount", "amount_fen", "cls", "first_selfpay_ratio")
CLAIM_COLUMNS = ("date", "med_type", "facility_id", "level", "disease", "treatment", "admitted",
                 "discharged", "referral", "emergency", "out_of_area", "designated_specialty",
                 "in_province", "no_account", "prescriber_id", "prescriber_level",
                 "upstream_compliant", "upstream_basic", "upstream_critical_illness",
                 "upstream_compliant_fen", "upstream_basic_fen",
                 "upstream_critical_illness_fen")
REQUIRED = ("enrollee_id", "claim_id", "date", "med_type")
FLAGS = ("referral", "emergency", "out_of_area", "designated_specialty", "in_province",
         "no_account")


def _pandas():
    try:
        import pandas
    except ImportError as e:
        raise ImportError("medbenefit.settle_frame needs pandas, which is not installed "
                          "(on Debian: apt-get install python3-pandas); settle_batch() does "
                          "the same without it") from e
    return pandas


def _missing(v):
    if v is None:
        return True
    if isinstance(v, float) and v != v:  # NaN: pandas' marker for an empty cell
        return True
    if isinstance(v, Decimal):
        return v.is_nan()
    try:
        import pandas
        return v is pandas.NA or v is pandas.NaT
    except ImportError:
        return False


def _flag(v, column, claim_id):
    if _missing(v):
        return None
    if isinstance(v, str):
        low = v.strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no", ""):
            return False
    elif isinstance(v, numbers.Integral) or type(v).__name__ == "bool_":
        return bool(v)
    raise ValueError(f"claim {claim_id}: column {column}: expected true or false, got {v!r}")


def settle_frame(df, chain, enrollees, *, commit=True, copy_enrollees=False, errors="raise",
                 amounts="decimal", trace=False):
    """Settle every claim of ``df`` and return one row per claim as a new DataFrame.

    Input: one row per line item (a claim with several items has several rows; a claim with
    no items, e.g. upstream amounts only, has one row with an empty ``amount``). Columns:

      required   enrollee_id, claim_id, date, med_type
      item       amount (yuan: Decimal or str cells; read CSV files with dtype=str) or
                 amount_fen (fen: int cells, e.g. an int64 column; dtype "Int64" when some
                 are empty), cls ("A"/"B"/"C", default "A"), first_selfpay_ratio
      claim      facility_id, level (default "primary"), disease, treatment, admitted,
                 discharged, referral, emergency, out_of_area, designated_specialty,
                 in_province (default true), no_account, prescriber_id, prescriber_level,
                 upstream_compliant, upstream_basic, upstream_critical_illness (yuan; or
                 each as upstream_..._fen, fen)

    An amount's unit is its column's name: a column of ints or floats under a yuan name
    (amount, upstream_...) is a TypeError, as is a cell that is not an int in a _fen column;
    a frame holds each amount in one unit (amount or amount_fen, not both).

    Claim columns are read from the claim's rows; empty cells are ignored, two different
    values are a ValueError. Dates are datetime.date, pandas Timestamps or 'YYYY-MM-DD'.

    ``chain``: a Ruleset or a sequence of them (basic, critical illness, assistance).
    ``enrollees``: a mapping (or a callable) from enrollee_id to an Enrollee holding the
    person and their state. Enrollees are settled in order of first appearance, each one's
    claims in date order (ties keep the frame's order). With commit=True the enrollees' state
    advances (pass copy_enrollees=True to settle copies and leave them untouched); with
    commit=False each claim is pre-settled on its own.

    Output columns: enrollee_id, claim_id, date, the setlinfo amounts (AMOUNT_NAMES:
    medfee_sumamt ... overlmt_selfpay; Decimal yuan, or int fen with amounts="fen"), covered,
    reason, error, message, and with trace=True the trace (a list of dicts). errors="raise" stops at the first failed
    claim (MedbenefitError); errors="record" records it in the error (status name) and
    message columns, leaves its amounts empty, and goes on (a failed claim changes nothing).
    """
    pd = _pandas()
    if errors not in ("raise", "record"):
        raise ValueError("errors must be 'raise' or 'record'")
    if amounts not in ("decimal", "fen"):
        raise ValueError("amounts must be 'decimal' or 'fen'")
    columns = [c for c in df.columns]
    if "class" in columns and "cls" not in columns:
        df = df.rename(columns={"class": "cls"})
        columns = list(df.columns)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ValueError(f"settle_frame: missing column(s): {', '.join(missing)}")
    known = set(REQUIRED) | set(ITEM_COLUMNS) | set(CLAIM_COLUMNS)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ValueError(f"settle_frame: unknown column(s): {', '.join(map(str, unknown))} "
                         f"(known: {', '.join(sorted(known))})")
    _check_amount_columns(df, columns)
    lookup = enrollees if callable(enrollees) else enrollees.__getitem__

    # group rows: enrollee -> claim -> rows, keeping first-appearance order
    values = {c: df[c].tolist() for c in columns}
    groups = {}
    for i in range(len(df)):
        row = {c: values[c][i] for c in columns}
        eid, cid = row["enrollee_id"], row["claim_id"]
        if _missing(eid) or _missing(cid):
            raise ValueError(f"settle_frame: row {i}: enrollee_id and claim_id are required")
        groups.setdefault(eid, {}).setdefault(cid, []).append(row)

    rulesets, arr = _chain(chain)
    out = []
    for eid, claims in groups.items():
        enrollee = lookup(eid)
        if not isinstance(enrollee, Enrollee):
            raise TypeError(f"enrollees[{eid!r}] is a {type(enrollee).__name__}, not an Enrollee")
        if copy_enrollees:
            enrollee = enrollee.copy()
        try:
            built = []
            for cid, rows in claims.items():
                try:
                    built.append((cid, _build_claim(cid, rows), None))
                except (_errors.MedbenefitError, TypeError, ValueError) as e:
                    if errors == "raise" or not isinstance(e, _errors.MedbenefitError):
                        raise
                    built.append((cid, None, e))
            dates = {cid: (c._ymd if c is not None else 0) for cid, c, _ in built}
            built.sort(key=lambda b: dates[b[0]])
            for cid, claim, failure in built:
                settlement = None
                date = claims[cid][0]["date"] if claim is None else claim.date
                if claim is not None:
                    try:
                        settlement = _settle_one(rulesets, arr, enrollee, claim, commit, trace)
                    except _errors.MedbenefitError as e:
                        if errors == "raise":
                            raise
                        failure = e
                    finally:
                        claim.close()
                out.append(_row(eid, cid, date, settlement, failure,
                                amounts, trace))
                if settlement is not None:
                    settlement.close()
        finally:
            if copy_enrollees:
                enrollee.close()
    names = ["enrollee_id", "claim_id", "date", *AMOUNT_NAMES, "covered", "reason", "error",
             "message"] + (["trace"] if trace else [])
    result = pd.DataFrame.from_records(out, columns=names)
    if amounts == "fen" and errors == "raise":
        result = result.astype({n: "int64" for n in AMOUNT_NAMES})
    return result


def _row(eid, cid, date, s, failure, amounts, trace):
    if isinstance(date, datetime.datetime):
        date = date.date()
    row = {"enrollee_id": eid, "claim_id": cid, "date": date}
    if s is None:
        row.update({n: None for n in AMOUNT_NAMES})
        row.update(covered=None, reason=None, error=failure.name, message=failure.message)
        if trace:
            row["trace"] = None
        return row
    for n in AMOUNT_NAMES:
        row[n] = s.fen[n] if amounts == "fen" else to_yuan(s.fen[n])
    row.update(covered=s.covered, reason=s.reason, error=None, message=None)
    if trace:
        row["trace"] = s.trace
    return row


def _claim_value(cid, rows, column):
    value = None
    for row in rows:
        v = row.get(column)
        if _missing(v):
            continue
        if value is None:
            value = v
        elif v != value:
            raise ValueError(f"claim {cid}: column {column} holds both {value!r} and {v!r}")
    return value


def _build_claim(cid, rows):
    get = {c: _claim_value(cid, rows, c) for c in CLAIM_COLUMNS}
    for c in ("date", "med_type"):
        if get[c] is None:
            raise ValueError(f"claim {cid}: {c} is required")
    flags = {f: _flag(get[f], f, cid) for f in FLAGS}
    claim = Claim(str(cid), get["date"], _code(get["med_type"]), get["facility_id"],
                  _code(get["level"]) if get["level"] is not None else "primary",
                  **{f: v for f, v in flags.items() if v is not None})
    try:
        if get["disease"] is not None or get["treatment"] is not None:
            claim.set_disease(get["disease"], get["treatment"])
        if get["admitted"] is not None or get["discharged"] is not None:
            claim.admission(get["admitted"], get["discharged"])
        if get["prescriber_id"] is not None:
            claim.prescriber(get["prescriber_id"], _code(get["prescriber_level"] or "primary"))
        for row in rows:
            fen = _fen(row, "amount", cid)
            if fen is None:
                continue
            cls = row.get("cls")
            ratio = row.get("first_selfpay_ratio")
            claim.add_item(fen=fen, cls="A" if _missing(cls) else cls,
                           first_selfpay_ratio=None if _missing(ratio) else ratio)
        compliant = _fen(get, "upstream_compliant", cid)
        if compliant is not None:
            claim.upstream(compliant_fen=compliant, basic_fen=_fen(get, "upstream_basic", cid),
                           critical_illness_fen=_fen(get, "upstream_critical_illness", cid))
        return claim
    except BaseException:
        claim.close()
        raise


def _check_amount_columns(df, columns):
    """Each amount in one unit, and no column of numbers under a yuan name: its unit would be
    a guess (an int64 column of fen read as yuan is 100 times too much)."""
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


def _fen(values, name, cid):
    """The amount of ``name`` in fen from a row (or a claim's values), whichever unit its
    column has; None when empty."""
    yuan, fen = values.get(name), values.get(name + "_fen")
    yuan = None if _missing(yuan) else yuan
    fen = None if _missing(fen) else fen
    if yuan is None and fen is None:
        return None
    return amount_fen(yuan, fen, f"claim {cid}: column {name if fen is None else name + '_fen'}",
                      f"a column named {name}_fen holding {{n}}")


def _code(v):
    # a national code read as a number from a CSV (14, 21) is the same code as "14", "21"
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return str(int(v))
    return v

"""settle_frame: settle a pandas DataFrame of claims, one enrollee at a time, in date order.

pandas is optional: it is imported when settle_frame is called, and its absence raises an
ImportError that says so. See settle_frame's docstring for the columns.
"""
import datetime
import numbers
from decimal import Decimal

from . import errors as _errors
from ._codes import AMOUNT_NAMES, to_yuan
from .core import Claim, Enrollee, _chain, _settle_one

ITEM_COLUMNS = ("amount", "cls", "first_selfpay_ratio")
CLAIM_COLUMNS = ("date", "med_type", "facility_id", "level", "disease", "treatment", "admitted",
                 "discharged", "referral", "emergency", "out_of_area", "designated_specialty",
                 "in_province", "no_account", "prescriber_id", "prescriber_level",
                 "upstream_compliant", "upstream_basic", "upstream_critical_illness")
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
      item       amount (yuan: Decimal, int or str; a float column is refused, read CSV files
                 with dtype=str), cls ("A"/"B"/"C", default "A"), first_selfpay_ratio
      claim      facility_id, level (default "primary"), disease, treatment, admitted,
                 discharged, referral, emergency, out_of_area, designated_specialty,
                 in_province (default true), no_account, prescriber_id, prescriber_level,
                 upstream_compliant, upstream_basic, upstream_critical_illness

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
            amount = row.get("amount")
            if _missing(amount):
                continue
            cls = row.get("cls")
            ratio = row.get("first_selfpay_ratio")
            claim.add_item(amount, "A" if _missing(cls) else cls,
                           None if _missing(ratio) else ratio)
        if get["upstream_compliant"] is not None:
            claim.upstream(get["upstream_compliant"], get["upstream_basic"] or 0,
                           get["upstream_critical_illness"])
        return claim
    except BaseException:
        claim.close()
        raise


def _code(v):
    # a national code read as a number from a CSV (14, 21) is the same code as "14", "21"
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return str(int(v))
    return v

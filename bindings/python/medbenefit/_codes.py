"""The exact conversions between Python values and the library's integers: yuan <-> fen, dates
<-> YYYYMMDD, code names <-> enum values. The enums themselves are the header's, generated into
_constants.py (cffi's ABI mode cannot see enums or macros)."""
import datetime
import enum
import numbers
from decimal import Decimal
from typing import Any, Callable, Optional, Tuple, Type, Union

from . import errors
from ._constants import (Amount, CertState, ChangeKind, Flag, ItemClass, JournalFamily, Level,
                         MedType, PeriodKind, PersonType, Relation, Scheme, Status, Tier)
from ._ffi import ffi, lib

PERIOD_KINDS = {int(k): k.name.lower() for k in PeriodKind}
"""mb_period_kind (MB_PERIOD_YEAR, MB_PERIOD_QUARTER) as Ruleset.accumulator_keys names it."""

AMOUNT_COUNT = int(lib.mb_amount_count())
"""How many setlinfo amounts the loaded library reports (mb_amount_count)."""

AMOUNT_NAMES = tuple(ffi.string(lib.mb_amount_name(i)).decode() for i in range(AMOUNT_COUNT))
"""The setlinfo amounts in mb_amount order, named as the loaded library names them
(medfee_sumamt ... balc, acct_mulaid_pay, overlmt_selfpay)."""


# ---- integers ---------------------------------------------------------------------------------

def _bounds(ctype: str) -> Tuple[int, int]:
    bits = 8 * ffi.sizeof(ctype)
    if ctype in ("unsigned", "size_t"):
        return 0, (1 << bits) - 1
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


C_INT = _bounds("int")
C_UNSIGNED = _bounds("unsigned")
C_SIZE_T = _bounds("size_t")
C_INT32 = _bounds("int32_t")


def c_int(value: Any, what: str, bounds: Tuple[int, int] = C_INT,
          error: Type[errors.MedbenefitError] = errors.InvalidArgumentError) -> int:
    """An int for an integer parameter of C type ``bounds`` (C_INT, C_UNSIGNED, C_SIZE_T,
    C_INT32): an int (or IntEnum, numpy integer) and nothing else. A float, bool, Decimal or str
    is a TypeError rather than truncated or guessed at; a value C cannot hold is ``error``
    rather than cffi's OverflowError or a wrapped value."""
    if type(value) is not int and (isinstance(value, bool)
                                   or not isinstance(value, numbers.Integral)):
        raise TypeError(f"{what}: expected an int, got {type(value).__name__}"
                        + (" (it would be truncated)" if isinstance(value, (float, Decimal))
                           else ""))
    v = int(value)
    lo, hi = bounds
    if not lo <= v <= hi:
        raise error(f"{what}: {_short_int(v)} is outside {lo}..{hi}")
    return v


def _short_int(v: int) -> str:
    # str() of a huge int is slow (and refused past sys.get_int_max_str_digits)
    return str(v) if abs(v) < 10**30 else ("-" if v < 0 else "") + "an int of " \
        f"{abs(v).bit_length()} bits"


# ---- strings ----------------------------------------------------------------------------------

def c_text(value: Union[str, bytes], what: str) -> bytes:
    """A str (UTF-8 encoded) or bytes for a `const char *` argument. C reads a string up to its
    first NUL, so text holding one is refused (InvalidArgumentError, a ValueError), never cut
    short there; so is a str that is not valid Unicode (an unpaired surrogate)."""
    if isinstance(value, str):
        if "\0" in value:
            raise errors.InvalidArgumentError(f"{what}: the text holds a NUL character, where C "
                                              "would cut it short")
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            raise errors.InvalidArgumentError(f"{what}: not valid Unicode (an unpaired "
                                              "surrogate)") from None
    if isinstance(value, bytes):
        if b"\0" in value:
            raise errors.InvalidArgumentError(f"{what}: the text holds a NUL byte, where C "
                                              "would cut it short")
        return value
    raise TypeError(f"{what}: expected a str, got {type(value).__name__}")


def cstr(value: Union[str, bytes, None], what: str) -> Any:
    """A Python str (or None) as UTF-8 bytes for a `const char *` argument (None -> NULL)."""
    if value is None:
        return ffi.NULL
    return c_text(value, what)


def text(p: Any) -> str:
    """A `const char *` returned by the library as str ("" for NULL)."""
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else ""


# ---- money ------------------------------------------------------------------------------------
#
# An amount in yuan is a Decimal or a str ("1200.50"); an amount in fen is an int, given where
# the API says fen (fen=, *_fen=, a DataFrame's *_fen column). A bare int where yuan is expected
# is refused: 111150 could be 111150.00 yuan or 1111.50, and guessing wrong is a 100x error.

MONEY_MAX_FEN = 10**14
"""10^12 yuan in fen: the library's bound on any amount (MB_MONEY_MAX)."""

_MONEY_INT_DIGITS = 13  # 10^12 has 13 integer digits


def _fixed_text(d: Decimal, decimals: int,
                int_digits: int) -> Tuple[Optional[str], Optional[str]]:
    """A finite Decimal as plain text with exactly ``decimals`` decimals, judged from
    as_tuple() alone, before any arithmetic that could be as large as its exponent
    (Decimal('1e1000000000') is 13 characters but a billion digits written out). Returns
    (text, None), or (None, "big") for more than ``int_digits`` integer digits, or (None,
    "fine") for a nonzero digit below the last decimal."""
    sign, digits, exp = d.as_tuple()
    assert isinstance(exp, int), "a finite Decimal"  # 'n', 'N', 'F': NaN and Infinity
    first = next((i for i, x in enumerate(digits) if x), None)
    if first is None:
        return "0." + "0" * decimals, None    # zero, whatever its sign or exponent
    digits = digits[first:]
    if len(digits) + exp > int_digits:
        return None, "big"
    if exp < -decimals:
        cut = -decimals - exp                 # digits below the last decimal: all must be 0
        if any(digits[-cut:]):
            return None, "fine"
        digits, exp = digits[:-cut], -decimals
    units = "".join(map(str, digits)) + "0" * (exp + decimals)
    units = units.rjust(decimals + 1, "0")
    return ("-" if sign else "") + units[:-decimals] + "." + units[-decimals:], None


def yuan_text(value: Any, what: str = "amount", fen_hint: str = "fen={n}") -> str:
    """The text form of an amount in yuan: a Decimal or a str. An int, bool or float is a
    TypeError naming the fix (``fen_hint``: how the caller gives fen n instead); a Decimal
    is checked by its digits and exponent before it is written out. The text is parsed by
    mb_amount_parse, the library's one reading of an amount."""
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise errors.InvalidAmountError(f"{what}: {value} is not an amount")
        if value.is_signed() and not value.is_zero():
            raise errors.InvalidAmountError(f"{what}: amount {value} is negative")
        out, problem = _fixed_text(value, 2, _MONEY_INT_DIGITS)
        if problem == "big":
            raise errors.InvalidAmountError(f"{what}: amount {value} is more than 10^12 yuan")
        if problem == "fine":
            raise errors.InvalidAmountError(f"{what}: amount {value} has more than two "
                                            "decimals (amounts are yuan to the fen)")
        assert out is not None
        return out
    raise TypeError(_not_yuan(value, what, fen_hint))


def _not_yuan(value: Any, what: str, fen_hint: str) -> str:
    kind = type(value).__name__
    if isinstance(value, bool):
        return f"{what}: {value} is not an amount (a bool)"
    if isinstance(value, numbers.Integral):
        n = int(value)
        if 0 <= n < 10**15:
            return (f"{what}: a bare int ({n}) could be yuan or fen, so it is not taken for "
                    f"either: pass Decimal('{n}.00') or '{n}.00' for yuan, or "
                    f"{fen_hint.format(n=n)} for fen")
        return (f"{what}: a bare int could be yuan or fen, so it is not taken for either: "
                "pass Decimal('1200.00') or '1200.00' for yuan, or "
                f"{fen_hint.format(n=120000)} for fen")
    if isinstance(value, numbers.Real):  # float, numpy floats, Fraction
        return (f"{what}: amounts in yuan are Decimal or str, not {kind} (a float cannot hold "
                f"fen exactly): pass Decimal('1200.50') or '1200.50', or "
                f"{fen_hint.format(n=120050)}")
    return f"{what}: amounts in yuan are Decimal or str ('1200.50'), not {kind}"


def fen_int(value: Any, what: str = "amount") -> int:
    """An amount in fen: an int (not bool, float, Decimal or str), 0 to 10^14 (10^12 yuan)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what}: an amount in fen is an int, not {type(value).__name__}"
                        + (" (pass yuan as Decimal or str instead)"
                           if isinstance(value, (str, Decimal, float)) else ""))
    v = int(value)
    if v < 0:
        raise errors.InvalidAmountError(f"{what}: {_short_int(v)} fen is negative")
    if v > MONEY_MAX_FEN:
        raise errors.InvalidAmountError(f"{what}: {_short_int(v)} fen is more than 10^12 yuan")
    return v


def to_fen(value: Union[Decimal, str], what: str = "amount", fen_hint: str = "fen={n}") -> int:
    """Yuan (Decimal or str) -> int fen, exactly, through mb_amount_parse. An int is refused
    (TypeError): it could be yuan or fen."""
    data = c_text(yuan_text(value, what, fen_hint), what)
    out = ffi.new("int64_t *")
    try:
        errors.call(lib.mb_amount_parse, data, out)
    except errors.MedbenefitError as e:
        e.message = f"{what}: {e.message}"
        e.args = (e.message,)
        raise
    return int(out[0])


def amount_fen(yuan: Union[Decimal, str, None], fen: Optional[int], what: str,
               fen_hint: str = "fen={n}", default: Optional[int] = None) -> int:
    """The fen of an amount a caller gave either in yuan (Decimal or str) or in fen (an int;
    ``fen_hint`` says how, for messages): exactly one of them, unless ``default`` (fen) stands
    in for neither."""
    if fen is None:
        if yuan is None:
            if default is not None:
                return default
            raise TypeError(f"{what}: no amount: pass yuan as Decimal('1200.00') or '1200.00', "
                            f"or {fen_hint.format(n=120000)}")
        return to_fen(yuan, what, fen_hint)
    if yuan is not None:
        raise TypeError(f"{what}: pass the amount once, in yuan or in fen, not both")
    return fen_int(fen, what)


def to_yuan(fen: int) -> Decimal:
    """int fen -> Decimal yuan with exactly two decimals, built from integers (no float)."""
    if type(fen) is not int:  # the library's own int64 values skip the checks
        fen = c_int(fen, "fen", (-(1 << 63), (1 << 63) - 1))
    digits = tuple(int(c) for c in str(abs(fen)).rjust(3, "0"))
    return Decimal((1 if fen < 0 else 0, digits, -2))


def to_bp(value: Union[str, Decimal], what: str = "ratio") -> int:
    """A ratio as str ("10%", "0.1") or Decimal (Decimal("0.1")) -> basis points, through
    mb_ratio_parse. An int is refused: 1 could mean 100% or 1%."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise errors.InvalidArgumentError(f"{what}: {value} is not a ratio")
        out, problem = _fixed_text(value, 4, 1)
        if problem == "big":
            raise errors.InvalidArgumentError(f"{what}: ratio {value} is above 100%")
        if problem == "fine":
            raise errors.InvalidArgumentError(f"{what}: ratio {value} has more than four "
                                              "decimals (a ratio is to the basis point)")
        assert out is not None
        value = out
    elif not isinstance(value, str):
        raise TypeError(f"{what}: ratios are str or Decimal ('10%', '0.1', Decimal('0.1')), "
                        f"not {type(value).__name__}")
    bp = ffi.new("int32_t *")
    errors.call(lib.mb_ratio_parse, c_text(value, what), bp)
    return int(bp[0])


def bp_to_percent(bp: int) -> Optional[Decimal]:
    """Basis points -> Decimal percent (7000 -> Decimal('70.00')); None for -1 (no ratio)."""
    return None if bp < 0 else to_yuan(bp)


# ---- dates ------------------------------------------------------------------------------------

def to_ymd(value: Union[datetime.date, str, int], what: str = "date") -> int:
    """A datetime.date (or datetime, or pandas Timestamp), 'YYYY-MM-DD' text, or an int YYYYMMDD
    -> int YYYYMMDD. Text goes through mb_date_parse; ints are checked by the call they reach."""
    if isinstance(value, datetime.date):
        return value.year * 10000 + value.month * 100 + value.day
    if isinstance(value, str):
        out = ffi.new("int32_t *")
        try:
            errors.call(lib.mb_date_parse, c_text(value, what), out)
        except errors.MedbenefitError as e:
            e.message = f"{what}: {e.message}"
            e.args = (e.message,)
            raise
        return int(out[0])
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return c_int(value, what, C_INT32, errors.InvalidDateError)
    raise TypeError(f"{what}: expected a datetime.date or 'YYYY-MM-DD', got {type(value).__name__}")


def to_date(ymd: int) -> Optional[datetime.date]:
    """int YYYYMMDD -> datetime.date (None for 0)."""
    if not ymd:
        return None
    return datetime.date(ymd // 10000, ymd // 100 % 100, ymd % 100)


# ---- code tables ------------------------------------------------------------------------------

def _code(value: Any, parse: Callable[[bytes], int], what: str, enum_cls: Type[enum.Enum],
          allow_zero: bool = False) -> int:
    if isinstance(value, enum.Enum):
        return int(value.value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return c_int(value, what, C_INT, errors.UnknownCodeError)
    if isinstance(value, str):
        rc = parse(c_text(value, what))
        if rc < 0:
            names = ", ".join(m.name.lower() for m in enum_cls)
            raise errors.error_for(rc, f"unknown {what} '{value}' (expected one of: {names})")
        return rc
    raise TypeError(f"{what}: expected a str, int or {enum_cls.__name__}, got "
                    f"{type(value).__name__}")


def scheme_code(value: Union[str, int]) -> int:
    return _code(value, lib.mb_scheme_parse, "scheme", Scheme)


def person_type_code(value: Union[str, int, None]) -> int:
    return 0 if value is None else _code(value, lib.mb_person_type_parse, "person_type", PersonType)


def med_type_code(value: Union[str, int]) -> int:
    return _code(value, lib.mb_med_type_parse, "med_type", MedType)


def level_code(value: Union[str, int]) -> int:
    return _code(value, lib.mb_level_parse, "level", Level)


def item_class_code(value: Union[str, int]) -> int:
    return _code(value, lib.mb_item_class_parse, "item class", ItemClass)


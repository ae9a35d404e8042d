"""Constants of medbenefit.h (macros and enums are invisible to cffi's ABI mode), and the exact
conversions between Python values and the library's integers: yuan <-> fen, dates <-> YYYYMMDD,
code names <-> enum values."""
import datetime
import decimal
import enum
import numbers
import re
from decimal import Decimal

from . import errors
from ._ffi import ffi, has, lib


class Tier(enum.IntEnum):
    BASIC = 1
    CRITICAL_ILLNESS = 2
    ASSISTANCE = 3


class Scheme(enum.IntEnum):
    EMPLOYEE = 1  # 职工基本医疗保险, insutype 310
    RESIDENT = 2  # 城乡居民基本医疗保险, insutype 390


class PersonType(enum.IntEnum):
    IN_SERVICE = 1
    RETIRED = 2
    VETERAN = 3
    RESIDENT = 4


class MedType(enum.IntEnum):
    GENERAL_OUTPATIENT = 11
    EMERGENCY = 13
    CHRONIC = 14
    INPATIENT = 21
    PHARMACY = 41


class Level(enum.IntEnum):
    PRIMARY = 1
    SECONDARY = 2
    TERTIARY = 3
    PHARMACY = 4


class ItemClass(enum.IntEnum):
    A = 1
    B = 2
    C = 3


class Flag(enum.IntFlag):
    REFERRAL = 0x01
    EMERGENCY = 0x02
    OUT_OF_AREA = 0x04
    DESIGNATED_SPECIALTY = 0x08
    OUT_OF_PROVINCE = 0x10
    NO_ACCOUNT = 0x20


class CertState(enum.IntEnum):
    NONE = 0      # not certified
    ACTIVE = 1    # certified and in benefit
    PENDING = 2   # certified; the benefit starts on `since`
    EXPIRED = 3   # validity ended on `since`
    REVOKED = 4   # revoked on `since`
    REFUSED = 5   # held, but refused: over the disease limit or an exclusive pair


class Relation(enum.IntEnum):
    SPOUSE = 1    # 配偶
    PARENT = 2    # 父母: the payer is the patient's child
    CHILD = 3     # 子女: the payer is the patient's parent


class Status(enum.IntEnum):
    OK = 0
    INVALID_ARGUMENT = -1
    NOMEM = -2
    IO = -3
    PARSE = -4
    SCHEMA = -5
    RULESET = -6
    NOT_FOUND = -7
    INVALID_AMOUNT = -8
    INVALID_DATE = -9
    UNKNOWN_CODE = -10
    UNKNOWN_DISEASE = -11
    OVERFLOW = -12
    CHAIN = -13
    STATE = -14
    CORRUPT = -15
    CAPACITY = -16
    BUFFER = -17
    NOT_ELIGIBLE = -18


def _amount_count():
    """How many amounts the loaded library reports: mb_amount_count(), or for a library older
    than that call, mb_amount_name() until it returns NULL."""
    if has("mb_amount_count"):
        return max(0, int(lib.mb_amount_count()))
    n = 0
    while n < 256 and lib.mb_amount_name(n) != ffi.NULL:
        n += 1
    return n


def _amount_names(count):
    names = []
    for i in range(count):
        p = lib.mb_amount_name(i)
        names.append(ffi.string(p).decode() if p != ffi.NULL else f"amount_{i}")
    return tuple(names)


AMOUNT_COUNT = _amount_count()
"""How many setlinfo amounts the loaded library reports (mb_amount_count)."""

AMOUNT_NAMES = _amount_names(AMOUNT_COUNT)
"""The setlinfo amounts in mb_amount order, named as the loaded library names them
(medfee_sumamt ... balc, acct_mulaid_pay, overlmt_selfpay, and any that a later library adds)."""

_CENT = Decimal("0.01")


# ---- strings ----------------------------------------------------------------------------------

def cstr(value, what):
    """A Python str (or None) as UTF-8 bytes for a `const char *` argument (None -> NULL)."""
    if value is None:
        return ffi.NULL
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{what}: expected a str, got {type(value).__name__}")
    return value.encode("utf-8")


def text(p):
    """A `const char *` returned by the library as str ("" for NULL)."""
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else ""


# ---- money ------------------------------------------------------------------------------------

def yuan_text(value, what="amount"):
    """The text form of an amount given as Decimal, int or str yuan; floats are refused (a binary
    fraction is not an amount of money). The text is parsed by mb_amount_parse."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{what}: amounts are Decimal, int or str yuan, not "
                        f"{type(value).__name__} (a float cannot hold fen exactly)")
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise errors.InvalidAmountError(f"{what}: {value} is not an amount")
        try:
            exact = value == value.quantize(_CENT, rounding=decimal.ROUND_DOWN)
        except decimal.InvalidOperation:  # too many digits: let the library say it is absurd
            exact = False
        if exact:
            value = value.quantize(_CENT)  # exactly representable in fen: 1.500 -> 1.50
            if value == 0:
                value = abs(value)  # -0.00 -> 0.00
        return format(value, "f")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):  # numpy floats and the like
        raise TypeError(f"{what}: amounts are Decimal, int or str yuan, not "
                        f"{type(value).__name__} (a float cannot hold fen exactly)")
    raise TypeError(f"{what}: amounts are Decimal, int or str yuan, not {type(value).__name__}")


def to_fen(value, what="amount"):
    """Yuan (Decimal, int or str) -> int fen, exactly, through mb_amount_parse."""
    out = ffi.new("int64_t *")
    try:
        errors.call(lib.mb_amount_parse, yuan_text(value, what).encode("utf-8"), out)
    except errors.MedbenefitError as e:
        e.message = f"{what}: {e.message}"
        e.args = (e.message,)
        raise
    return int(out[0])


def to_yuan(fen):
    """int fen -> Decimal yuan with exactly two decimals, built from integers (no float)."""
    fen = int(fen)
    digits = tuple(int(c) for c in str(abs(fen)).rjust(3, "0"))
    return Decimal((1 if fen < 0 else 0, digits, -2))


def to_bp(value, what="ratio"):
    """A ratio ("10%", "0.1", Decimal("0.1")) -> basis points, through mb_ratio_parse."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"{what}: ratios are str or Decimal ('10%', '0.1'), not "
                        f"{type(value).__name__}")
    if isinstance(value, Decimal):
        value = format(value, "f")
    elif isinstance(value, numbers.Integral):
        value = str(int(value))
    elif not isinstance(value, str):
        raise TypeError(f"{what}: ratios are str or Decimal, not {type(value).__name__}")
    out = ffi.new("int32_t *")
    errors.call(lib.mb_ratio_parse, value.encode("utf-8"), out)
    return int(out[0])


def bp_to_percent(bp):
    """Basis points -> Decimal percent (7000 -> Decimal('70.00')); None for -1 (no ratio)."""
    return None if bp < 0 else to_yuan(bp)


# ---- dates ------------------------------------------------------------------------------------

def to_ymd(value, what="date"):
    """A datetime.date (or datetime, or pandas Timestamp), 'YYYY-MM-DD' text, or an int YYYYMMDD
    -> int YYYYMMDD. Text goes through mb_date_parse; ints are checked by the call they reach."""
    if isinstance(value, datetime.date):
        return value.year * 10000 + value.month * 100 + value.day
    if isinstance(value, str):
        out = ffi.new("int32_t *")
        try:
            errors.call(lib.mb_date_parse, value.encode("utf-8"), out)
        except errors.MedbenefitError as e:
            e.message = f"{what}: {e.message}"
            e.args = (e.message,)
            raise
        return int(out[0])
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"{what}: expected a datetime.date or 'YYYY-MM-DD', got {type(value).__name__}")


def to_date(ymd):
    """int YYYYMMDD -> datetime.date (None for 0)."""
    if not ymd:
        return None
    return datetime.date(ymd // 10000, ymd // 100 % 100, ymd % 100)


# ---- code tables ------------------------------------------------------------------------------

def _code(value, parse, what, enum_cls, allow_zero=False):
    if isinstance(value, enum.Enum):
        return int(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        rc = parse(value.encode("utf-8"))
        if rc < 0:
            names = ", ".join(m.name.lower() for m in enum_cls)
            raise errors.error_for(rc, f"unknown {what} '{value}' (expected one of: {names})")
        return rc
    raise TypeError(f"{what}: expected a str, int or {enum_cls.__name__}, got "
                    f"{type(value).__name__}")


def scheme_code(value):
    return _code(value, lib.mb_scheme_parse, "scheme", Scheme)


def person_type_code(value):
    return 0 if value is None else _code(value, lib.mb_person_type_parse, "person_type", PersonType)


def med_type_code(value):
    return _code(value, lib.mb_med_type_parse, "med_type", MedType)


def level_code(value):
    return _code(value, lib.mb_level_parse, "level", Level)


def item_class_code(value):
    return _code(value, lib.mb_item_class_parse, "item class", ItemClass)


_ATOI = re.compile(r"\s*([+-]?\d+)")


def atoi(s):
    """C's atoi() on text, as the medbenefit program reads a scenario's period (0 when none)."""
    m = _ATOI.match(s)
    return int(m.group(1)) if m else 0

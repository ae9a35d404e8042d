"""libmedbenefit for Python: Chinese medical-insurance settlement, computed in-process.

    >>> import medbenefit as mb
    >>> rs = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=["rulesets"])
    >>> e = mb.Enrollee("E1", "employee", "in_service", designated_facility="H001")
    >>> e = e.add_disease("糖尿病", "2021-01-05")     # configuring calls return the object
    >>> c = mb.Claim("C1", "2021-02-01", "chronic", "H001", "tertiary", disease="糖尿病")
    >>> s = mb.settle(rs, e, c.add_item("1200.00"))
    >>> s.hifp_pay, s.psn_cash_pay
    (Decimal('490.00'), Decimal('710.00'))

Money is Decimal yuan on the way out (built from the library's integer fen, never through a
float) and Decimal or str yuan on the way in, or an int of fen where a call says fen
(``add_item(fen=120050)``); a bare int, bool or float where yuan is expected is a TypeError.
Errors are MedbenefitError subclasses carrying the library's status name and message.
"""
from ._codes import (AMOUNT_COUNT, AMOUNT_NAMES, CertState, Flag, ItemClass, Level, MedType,
                     PersonType, Relation, Scheme, Status, Tier, to_fen, to_yuan)
from ._ffi import library_path
from .core import (AccumulatorKey, Assessment, AssistanceIdentity, BatchError, Certification,
                   CertStatus, Claim, Criteria, Disease, Enrollee, Item, Ruleset, Settlement,
                   presettle, settle, settle_batch, settle_family)
from .errors import (AmountOverflowError, BufferTooSmallError, CapacityError, ChainError,
                     CorruptError, ERRORS, ERRORS_BY_NAME, InvalidAmountError,
                     InvalidArgumentError, InvalidDateError, IOFailureError, MedbenefitError,
                     NotEligibleError, NotFoundError, OutOfMemoryError, ParseError,
                     RulesetError, SchemaError, StateError, UnknownCodeError,
                     UnknownDiseaseError, status_name, status_text)
from .frame import settle_frame
from .dask_frame import settle_dask
from ._ffi import lib as _lib, ffi as _ffi

__version__ = "1.1.0"


def library_version() -> str:
    """The loaded C library's version string, e.g. "1.1.0"."""
    return _ffi.string(_lib.mb_version()).decode()


def library_version_number() -> int:
    """The loaded C library's version as MAJOR*10000 + MINOR*100 + PATCH."""
    return _lib.mb_version_number()


__all__ = [
    "Ruleset", "Enrollee", "Claim", "Settlement", "Disease", "Item", "Assessment", "Criteria",
    "CertStatus", "Certification", "AssistanceIdentity", "AccumulatorKey", "settle", "presettle",
    "settle_family", "settle_batch", "settle_frame", "settle_dask",
    "BatchError", "Tier", "Scheme", "PersonType", "MedType", "Level", "ItemClass", "Flag",
    "Status", "CertState", "Relation",
    "AMOUNT_COUNT", "AMOUNT_NAMES", "to_fen", "to_yuan", "library_path", "library_version",
    "library_version_number", "status_name", "status_text", "ERRORS", "ERRORS_BY_NAME",
    "MedbenefitError", "InvalidArgumentError", "OutOfMemoryError", "IOFailureError",
    "ParseError", "SchemaError", "RulesetError", "NotFoundError", "InvalidAmountError",
    "InvalidDateError", "UnknownCodeError", "UnknownDiseaseError", "AmountOverflowError",
    "ChainError", "StateError", "CorruptError", "CapacityError", "BufferTooSmallError",
    "NotEligibleError",
]

"""Exceptions: one class per mb_status, all under MedbenefitError.

Every exception carries what the library's mb_error said: the status (``status``, negative int),
its stable name (``name``, from mb_status_name, e.g. "invalid_amount"), the message
(``message``), and for ruleset errors the ``file``, ``line`` and ``key``.

Errors are read from an mb_error that belongs to one call at a time: each thread keeps a small
pool of its own mb_error objects (allocated on first use, freed with the thread), a call takes one
from the pool for its duration and clears it after a failure. Two threads never share an
mb_error, and a call never sees another call's report.
"""
import threading
from typing import Any, Callable, List, NoReturn, Optional, Tuple

from ._constants import Status
from ._ffi import ffi, lib


def _text(p: Any) -> str:
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else ""


def status_name(status: int) -> str:
    """The library's stable name of a status code (mb_status_name), e.g. "invalid_amount"."""
    return _text(lib.mb_status_name(int(status)))


def status_text(status: int) -> str:
    """The library's short English description of a status code (mb_status_text)."""
    return _text(lib.mb_status_text(int(status)))


class MedbenefitError(Exception):
    """A call into libmedbenefit failed. ``status``/``name`` identify the failure (the names are
    those of mb_status_name and of scenario files' ``error:``), ``message`` says what to fix."""

    status: Optional[int] = None  # set on each subclass

    def __init__(self, message: str, status: Optional[int] = None, file: str = "", line: int = 0,
                 key: str = "") -> None:
        if status is not None:
            self.status = status
        self.name = status_name(self.status) if self.status is not None else "unknown"
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status})"

    def __reduce__(self) -> Tuple[Any, tuple]:
        return (_rebuild, (self.status, self.message, self.file, self.line, self.key))


class InvalidArgumentError(MedbenefitError, ValueError):
    status = Status.INVALID_ARGUMENT


class OutOfMemoryError(MedbenefitError, MemoryError):
    status = Status.NOMEM


class IOFailureError(MedbenefitError, OSError):
    status = Status.IO


class ParseError(MedbenefitError, ValueError):
    status = Status.PARSE


class SchemaError(MedbenefitError, ValueError):
    status = Status.SCHEMA


class RulesetError(MedbenefitError, ValueError):
    status = Status.RULESET


class NotFoundError(MedbenefitError, LookupError):
    status = Status.NOT_FOUND


class InvalidAmountError(MedbenefitError, ValueError):
    status = Status.INVALID_AMOUNT


class InvalidDateError(MedbenefitError, ValueError):
    status = Status.INVALID_DATE


class UnknownCodeError(MedbenefitError, ValueError):
    status = Status.UNKNOWN_CODE


class UnknownDiseaseError(MedbenefitError, LookupError):
    status = Status.UNKNOWN_DISEASE


class AmountOverflowError(MedbenefitError, OverflowError):
    status = Status.OVERFLOW


class ChainError(MedbenefitError, ValueError):
    status = Status.CHAIN


class StateError(MedbenefitError):
    status = Status.STATE


class CorruptError(MedbenefitError, ValueError):
    status = Status.CORRUPT


class CapacityError(MedbenefitError):
    status = Status.CAPACITY


class BufferTooSmallError(MedbenefitError):
    status = Status.BUFFER


class NotEligibleError(MedbenefitError):
    status = Status.NOT_ELIGIBLE


ERRORS = {cls.status: cls for cls in (
    InvalidArgumentError, OutOfMemoryError, IOFailureError, ParseError, SchemaError, RulesetError,
    NotFoundError, InvalidAmountError, InvalidDateError, UnknownCodeError, UnknownDiseaseError,
    AmountOverflowError, ChainError, StateError, CorruptError, CapacityError,
    BufferTooSmallError, NotEligibleError)}
"""status code -> exception class"""

ERRORS_BY_NAME = {status_name(s): cls for s, cls in ERRORS.items() if s is not None}
"""status name ("invalid_amount") -> exception class"""


def error_for(status: int, message: Optional[str] = None, file: str = "", line: int = 0,
              key: str = "") -> MedbenefitError:
    """An exception instance for a status code, with the library's description when no message
    is given."""
    cls = ERRORS.get(status)
    if message is None:
        message = status_text(status)
    if cls is None:
        return MedbenefitError(message, status=status, file=file, line=line, key=key)
    return cls(message, file=file, line=line, key=key)


def _rebuild(status: int, message: str, file: str, line: int, key: str) -> MedbenefitError:
    return error_for(status, message, file, line, key)


# ---- per-call error reports -----------------------------------------------------------------

class _Pool(threading.local):
    def __init__(self) -> None:
        self.free: List[Any] = []


_pool = _Pool()


def _new_error() -> Any:
    p = lib.mb_error_new()
    if p == ffi.NULL:
        raise OutOfMemoryError("out of memory allocating an mb_error")
    return ffi.gc(p, lib.mb_error_free)


def _exception(rc: int, err: Any) -> MedbenefitError:
    if lib.mb_error_status(err) == rc:
        exc = error_for(rc, _text(lib.mb_error_message(err)), _text(lib.mb_error_file(err)),
                        lib.mb_error_line(err), _text(lib.mb_error_key(err)))
    else:  # the call returned a status without filling the report: say what the status means
        exc = error_for(rc)
    lib.mb_error_clear(err)
    return exc


def _raise(rc: int, err: Any) -> NoReturn:
    raise _exception(rc, err)


def call(func: Callable[..., int], *args: Any) -> int:
    """Call ``func(*args, err)`` with an mb_error of this call's own; raise on failure."""
    free = _pool.free
    err = free.pop() if free else _new_error()
    try:
        rc = func(*args, err)
        if rc < 0:
            _raise(rc, err)
        return rc
    finally:
        free.append(err)


def attempt(func: Callable[..., int], *args: Any) -> Tuple[int, Optional[MedbenefitError]]:
    """Call ``func(*args, err)`` as call() does, but return ``(rc, exception or None)`` instead
    of raising: for a call that goes on past a failure and reports it beside its results
    (mb_settle_batch returns the first failure's status and describes it in ``err``)."""
    free = _pool.free
    err = free.pop() if free else _new_error()
    try:
        rc = func(*args, err)
        return rc, (_exception(rc, err) if rc < 0 else None)
    finally:
        free.append(err)


def check(rc: int, what: str) -> int:
    """Raise for a negative status returned by a call that takes no mb_error (the *_parse code
    functions): the message is built here."""
    if rc < 0:
        raise error_for(rc, what)
    return rc

"""Rulesets, enrollees, claims and settlements: the library's handles as Python objects.

Every handle owns one C object and frees it exactly once: explicitly with ``close()`` (or by
leaving a ``with`` block), otherwise when the Python object is collected (weakref.finalize).
Using a handle after ``close()`` raises ValueError, as a closed file does.

Threads: a Ruleset is immutable and may be shared by any number of threads. An Enrollee, a Claim
and a Settlement are used by one thread at a time (as in C). Each call reports errors through an
mb_error of its own (see errors.py), so threads working on separate handles never interfere.

Lifetimes across threads: every call holds each handle it uses for its duration (_held), and
close() while a call holds it raises StateError and frees nothing; once no call holds it, close()
frees it and later calls raise ValueError. The library runs without the GIL (cffi releases it),
so without the hold a close() on another thread would free memory the library is reading.
"""
from __future__ import annotations

import collections
import datetime
import numbers
import os
import threading
import weakref
from decimal import Decimal
from typing import (Any, Callable, Literal, Dict, Iterable, List, Optional, Sequence,
                    Tuple, TypeVar,
                    Union)

from . import errors
from ._codes import (AMOUNT_COUNT, AMOUNT_NAMES, C_INT, C_INT32, C_SIZE_T, C_UNSIGNED,
                     PERIOD_KINDS, CertState, Flag, ItemClass, Level, MedType, PersonType,
                     Relation, Scheme, Tier,
                     amount_fen, bp_to_percent, c_int, c_text, cstr, item_class_code,
                     level_code, med_type_code, person_type_code, scheme_code, text, to_bp,
                     to_date, to_yuan, to_ymd)
from ._constants import BATCH_PRESETTLE
from ._ffi import ffi, lib
from .errors import attempt, call

PathLike = Union[str, bytes, "os.PathLike[str]"]
Yuan = Union[Decimal, str]
"""An amount in yuan: a Decimal or its text ("1200.50"); never an int or a float."""
DateLike = Union[datetime.date, str, int]
"""A datetime.date (or datetime, Timestamp), 'YYYY-MM-DD', or an int YYYYMMDD."""
Code = Union[str, int]
"""A code by name ("chronic"), national code ("14") or number (an int or IntEnum)."""
_H = TypeVar("_H", bound="_Handle")

__all__ = ["Ruleset", "Enrollee", "Claim", "Settlement", "Disease", "Item", "Assessment",
           "Criteria", "CertStatus", "Certification", "AssistanceIdentity", "AccumulatorKey",
           "settle", "presettle", "settle_family", "settle_batch", "BatchError"]

Disease = collections.namedtuple("Disease", "code name group")
Disease.__doc__ = "A disease of a ruleset's catalogue: its code, name and group ('chronic'...)."

AccumulatorKey = collections.namedtuple("AccumulatorKey", "key period")
AccumulatorKey.__doc__ = ("An accumulator a ruleset defines (Ruleset.accumulator_keys): its key, "
                          "e.g. 'chronic.paid', and the period it is kept by, 'year' (2023) or "
                          "'quarter' (20232).")

Assessment = collections.namedtuple("Assessment", "certified unmet cite")
Assessment.__doc__ = ("The outcome of Ruleset.assess: certified (bool), and when not, the first "
                      "requirement unmet in the document's words, and its clause.")

Criteria = collections.namedtuple("Criteria", "text cite items")
Criteria.__doc__ = ("A disease's certification criteria (鉴定标准): the rule as the document "
                    "states it, its clause, and items as a list of (number, text).")

CertStatus = collections.namedtuple("CertStatus", "state since cite")
CertStatus.__doc__ = ("A certification's state on a date: state (CertState), since (the date it "
                      "turns on, or None) and the clause.")

Certification = collections.namedtuple("Certification", "disease certified_on valid_until")
Certification.__doc__ = ("A disease an enrollee holds: the name or code as given, the date "
                         "certified, and the last day certified (None: the catalogue's rule).")

AssistanceIdentity = collections.namedtuple("AssistanceIdentity", "category from_ to")
AssistanceIdentity.__doc__ = ("A medical-assistance identity an enrollee holds: the category "
                              "(\"minimum_living\"...), held from ``from_`` to ``to`` inclusive "
                              "(None: still held).")

Item = collections.namedtuple("Item", "amount cls first_selfpay_ratio")
Item.__doc__ = ("A line item as added to a Claim: amount (Decimal yuan), cls (ItemClass) and "
                "first_selfpay_ratio (Decimal percent, or None for the ruleset's default).")


class _Handle:
    """Owns one C object: frees it on close(), on leaving a with block, or when collected.

    Every library call on it holds it for the call's duration (``with _held(h) as ptr:``), and
    close() while any call holds it is refused: the library runs without the GIL, so another
    thread (or the caller's own callback, run mid-call) could otherwise free what it reads."""

    _ptr = ffi.NULL
    _finalizer = None   # None once closed
    _holds = 0          # calls holding the object now (_held), counted under _holds_lock

    def _adopt(self, ptr: Any, free: Callable[[Any], None]) -> None:
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, free, ptr)
        # not at interpreter exit: a daemon thread may still be inside a call holding it, and
        # the process's memory goes back to the system anyway
        self._finalizer.atexit = False

    def close(self) -> None:
        """Free the C object now. Safe to call more than once. While a call holds it (running
        on another thread, or the call whose callback this is) the handle is left open and
        StateError is raised: close it after the call returns."""
        _lock()
        try:
            if self._holds:
                raise errors.StateError(
                    f"this {type(self).__name__} is in use by a library call (on another "
                    "thread, or the settle_frame whose progress callback this is): close it "
                    "after the call returns")
            free, self._finalizer = self._finalizer, None
            self._ptr = ffi.NULL
        finally:
            _unlock()
        if free is not None:
            free()   # outside the lock: no call can take the handle once _finalizer is None

    @property
    def closed(self) -> bool:
        return self._finalizer is None

    def __enter__(self: _H) -> _H:
        if self.closed:  # refuse to enter a closed handle
            raise ValueError(f"this {type(self).__name__} is closed")
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.close()
        return False


_holds_lock = threading.Lock()  # one for all handles: held for a few counter updates only
_lock, _unlock = _holds_lock.acquire, _holds_lock.release  # cheaper than a with statement


def _hold(handles: Tuple[_Handle, ...]) -> None:
    """Count a hold on each of ``handles``, or on none: ValueError when one is closed. Each
    _hold is paired with a _release of the same handles (in a finally block): close() of any
    of them is refused in between. A handle may be held by any number of calls at once (a
    ruleset shared by threads), by the same call too."""
    _lock()
    try:
        for h in handles:
            if h._finalizer is None:
                for taken in handles:   # give back those counted before it
                    if taken is h:
                        break
                    taken._holds -= 1
                raise ValueError(f"this {type(h).__name__} is closed")
            h._holds += 1
    finally:
        _unlock()


def _release(handles: Tuple[_Handle, ...]) -> None:
    """End a _hold of ``handles``."""
    _lock()
    try:
        for h in handles:
            h._holds -= 1
    finally:
        _unlock()


class _held:
    """``with _held(a, b, ...) as pointers:`` the handles' C pointers (one handle: its pointer),
    held (_hold) until the block ends, so that close() cannot free one while the library uses
    it. The hot paths (settling) call _hold and _release themselves, which is cheaper."""

    __slots__ = ("_handles",)

    def __init__(self, *handles: _Handle) -> None:
        self._handles = handles

    def __enter__(self) -> Any:
        handles = self._handles
        _hold(handles)
        if len(handles) == 1:
            return handles[0]._ptr
        return tuple([h._ptr for h in handles])

    def __exit__(self, *exc: object) -> Literal[False]:
        _release(self._handles)
        return False


def _new_out(ctype: str) -> Any:
    return ffi.new(ctype + " **")


# ---- rulesets ---------------------------------------------------------------------------------

class Ruleset(_Handle):
    """One policy document compiled into lookup tables. Immutable: share it between threads.

    Create it with ``Ruleset.load(path)``, ``Ruleset.from_id(id)`` or
    ``Ruleset.from_string(text)``."""

    _diseases: Optional[Tuple[Disease, ...]]
    _accumulator_keys: Optional[Tuple[AccumulatorKey, ...]]
    _source: Tuple[str, tuple]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("create a Ruleset with Ruleset.load(path), Ruleset.from_id(id) or "
                        "Ruleset.from_string(text)")

    @classmethod
    def _wrap(cls, out: Any, source: Tuple[str, tuple]) -> "Ruleset":
        self = cls.__new__(cls)
        self._adopt(out[0], lib.mb_ruleset_free)
        self._diseases = None
        self._accumulator_keys = None
        self._source = source
        return self

    def __reduce__(self) -> Tuple[Any, tuple]:
        """A ruleset pickles as the way it was loaded (a process loads it again): the text of
        from_string, the absolute path of load, the id and absolute directories of from_id.
        So a Dask worker on another machine needs the same files at the same paths, unless
        the ruleset came from from_string."""
        if self.closed:  # a closed ruleset is refused, as every other use of it is
            raise ValueError("this Ruleset is closed")
        method, args = self._source
        return (getattr(Ruleset, method), args)

    @classmethod
    def load(cls, path: PathLike) -> "Ruleset":
        """Load a ruleset from a YAML file. Errors carry file, line and key."""
        out = _new_out("mb_ruleset")
        call(lib.mb_ruleset_load_file, out, c_text(os.fsencode(path), "path"))
        return cls._wrap(out, ("load", (os.path.abspath(path),)))

    @classmethod
    def from_id(cls, id: str, dirs: Union[PathLike, Sequence[PathLike], None] = None
                ) -> "Ruleset":
        """Load the ruleset ``<dir>/<id>.yaml`` from the first of ``dirs`` that has it, then
        $MEDBENEFIT_RULESETS, then the installed directory (``Ruleset.default_dir()``)."""
        out = _new_out("mb_ruleset")
        if isinstance(dirs, (str, bytes, os.PathLike)):
            dirs = [dirs]
        if dirs:
            keep = [ffi.new("char[]", c_text(os.fsencode(d), "dirs")) for d in dirs]
            cdirs = ffi.new("const char *[]", keep + [ffi.NULL])
        else:
            cdirs = ffi.NULL
        call(lib.mb_ruleset_load_id, out, cstr(id, "id"), cdirs)
        return cls._wrap(out, ("from_id", (id, [os.path.abspath(d) for d in dirs or ()])))

    @classmethod
    def from_string(cls, text: Union[str, bytes], name: Optional[str] = None) -> "Ruleset":
        """Load a ruleset from YAML text (str or bytes); ``name`` stands for the file name in
        error messages."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        out = _new_out("mb_ruleset")
        call(lib.mb_ruleset_load_buffer, out, data, len(data), cstr(name, "name"))
        return cls._wrap(out, ("from_string", (data, name)))

    @staticmethod
    def default_dir() -> str:
        """The installed ruleset directory the library searches last."""
        return text(lib.mb_ruleset_default_dir())

    @property
    def id(self) -> str:
        with _held(self) as h:
            return text(lib.mb_ruleset_id(h))

    @property
    def title(self) -> str:
        with _held(self) as h:
            return text(lib.mb_ruleset_title(h))

    @property
    def document(self) -> str:
        with _held(self) as h:
            return text(lib.mb_ruleset_document(h))

    @property
    def tier(self) -> Union[Tier, int]:
        with _held(self) as h:
            t = lib.mb_ruleset_tier(h)
        try:
            return Tier(t)
        except ValueError:
            return t

    @property
    def assumptions(self) -> List[Tuple[str, str]]:
        """Parameters the document does not state: a list of (where, reason)."""
        where, reason = ffi.new("const char **"), ffi.new("const char **")
        out = []
        with _held(self) as h:
            for i in range(lib.mb_ruleset_assumption_count(h)):
                if lib.mb_ruleset_assumption(h, i, where, reason) == 0:
                    out.append((text(where[0]), text(reason[0])))
        return out

    @property
    def diseases(self) -> List[Disease]:
        """The disease catalogue: a list of Disease(code, name, group)."""
        if self._diseases is None:
            code, name, group = (ffi.new("const char **") for _ in range(3))
            found = []
            with _held(self) as h:
                for i in range(lib.mb_ruleset_disease_count(h)):
                    if lib.mb_ruleset_disease(h, i, code, name, group) == 0:
                        found.append(Disease(text(code[0]), text(name[0]), text(group[0])))
            self._diseases = tuple(found)
        return list(self._diseases)

    @property
    def accumulator_keys(self) -> List[AccumulatorKey]:
        """The accumulators the ruleset defines, the layers' first, then the catalogue's
        per-disease ones: a list of AccumulatorKey(key, period), period 'year' or 'quarter'.
        These are the keys ``Enrollee.seed(ruleset, ...)`` and ``Enrollee.accumulator(ruleset,
        ...)`` take; a key kept by two periods is listed once for each."""
        if self._accumulator_keys is None:
            count, get = lib.mb_ruleset_accumulator_count, lib.mb_ruleset_accumulator
            key, kind = ffi.new("const char **"), ffi.new("int *")
            found = []
            with _held(self) as h:
                for i in range(count(h)):
                    if get(h, i, key, kind) == 0:
                        # a kind a later library adds reads as its number
                        found.append(AccumulatorKey(text(key[0]),
                                                    PERIOD_KINDS.get(kind[0], kind[0])))
            self._accumulator_keys = tuple(found)
        return list(self._accumulator_keys)

    def find_disease(self, name_or_code: str) -> Disease:
        """The catalogue entry for a code, full name or short name; UnknownDiseaseError if none."""
        index = ffi.new("size_t *")
        with _held(self) as h:
            call(lib.mb_ruleset_find_disease, h, cstr(name_or_code, "disease"), index)
        return self.diseases[index[0]]

    def assess(self, disease: str, findings: Iterable[Any]) -> Assessment:
        """Check findings against a disease's certification criteria (鉴定标准). ``findings``
        name the items met as the document numbers them ("3", "2.1", "3.2.5")."""
        keep = [ffi.new("char[]", c_text(_finding(f), "finding")) for f in findings]
        arr = ffi.new("const char *[]", keep + [ffi.NULL])
        certified = ffi.new("int *")
        unmet, cite = ffi.new("const char **"), ffi.new("const char **")
        with _held(self) as h:   # unmet and cite are the ruleset's text
            call(lib.mb_assess, h, cstr(disease, "disease"), arr, len(keep),
                 certified, unmet, cite)
            return Assessment(bool(certified[0]), text(unmet[0]), text(cite[0]))

    def criteria(self, disease: str) -> Optional[Criteria]:
        """The certification criteria of a disease (code or name): a Criteria, or None when
        the catalogue gives none."""
        index = ffi.new("size_t *")
        rule, cite = ffi.new("const char **"), ffi.new("const char **")
        n = ffi.new("size_t *")
        number, item = ffi.new("const char **"), ffi.new("const char **")
        with _held(self) as h:
            call(lib.mb_ruleset_find_disease, h, cstr(disease, "disease"), index)
            if lib.mb_ruleset_criteria(h, index[0], rule, cite, n) != 0:
                return None
            items = []
            for i in range(n[0]):
                if lib.mb_ruleset_criteria_item(h, index[0], i, number, item) == 0:
                    items.append((text(number[0]), text(item[0])))
            return Criteria(text(rule[0]), text(cite[0]), items)

    def account_accrual(self, person_type: Code, date: DateLike, base: Optional[Yuan] = None, *,
                        fen: Optional[int] = None) -> Decimal:
        """The month's personal-account accrual (个人账户计入) for ``person_type`` on ``date``:
        the contribution base (``base`` yuan, or ``fen=`` an int of fen) times the ratio in
        force, Decimal yuan. NotFoundError when the ruleset states none for that person."""
        base_fen = amount_fen(base, fen, "base")
        out = ffi.new("int64_t *")
        ptype, ymd = person_type_code(person_type), to_ymd(date)
        with _held(self) as h:
            call(lib.mb_account_accrual, h, ptype, ymd, base_fen, out)
        return to_yuan(out[0])

    def __repr__(self) -> str:
        if self.closed:
            return "<Ruleset (closed)>"
        tier = self.tier
        return f"<Ruleset {self.id} tier={getattr(tier, 'name', tier)}>"


def _finding(f: Any) -> str:
    # an item number as the document writes it: "2.10" is not 2.1, so no float stands for one
    if isinstance(f, str):
        return f
    if isinstance(f, numbers.Integral) and not isinstance(f, bool):
        return str(int(f))
    raise TypeError(f"finding: expected an item number as str ('2.1'), got {type(f).__name__}")


# ---- enrollees --------------------------------------------------------------------------------

class Enrollee(_Handle):
    """A person and their year-to-date state (accumulators, account balance, journal).

    ``Enrollee(id, scheme, person_type=None)``: scheme "employee"/"resident" (or "310"/"390",
    or a Scheme); person_type "in_service"/"retired"/"veteran"/"resident" (None for residents).
    Settling claims changes it; ``save()`` and ``Enrollee.restore()`` carry it across processes.
    """

    def __init__(self, id: str, scheme: Code, person_type: Optional[Code] = None, *,
                 account_balance: Optional[Yuan] = None, account_balance_fen: Optional[int] = None,
                 designated_facility: Optional[str] = None,
                 first_visit_facility: Optional[str] = None) -> None:
        s = scheme_code(scheme)
        p = person_type_code(person_type)
        out = _new_out("mb_enrollee")
        call(lib.mb_enrollee_new, out, cstr(id, "id"), s, p)
        self._adopt(out[0], lib.mb_enrollee_free)
        self._person_type = _enum(PersonType, p) if p else None
        self._person_type_unset = not p   # a resident created without one reads None
        if account_balance is not None or account_balance_fen is not None:
            self._set_balance(account_balance, account_balance_fen, "account_balance_fen={n}")
        if designated_facility is not None:
            self.designated_facility = designated_facility
        if first_visit_facility is not None:
            self.first_visit_facility = first_visit_facility

    @classmethod
    def restore(cls, data: Union[bytes, bytearray, memoryview]) -> "Enrollee":
        """An enrollee from bytes made by ``save()``; CorruptError if they were altered. Its
        scheme, person type, facilities, diseases and identities read back from the library."""
        data = bytes(data)
        out = _new_out("mb_enrollee")
        call(lib.mb_enrollee_restore, out, data, len(data))
        self = cls.__new__(cls)
        self._adopt(out[0], lib.mb_enrollee_free)
        self._person_type = None
        self._person_type_unset = False
        return self

    def save(self) -> bytes:
        """The enrollee's whole state as a versioned, checksummed blob (bytes)."""
        n = ffi.new("size_t *")
        with _held(self) as h:
            rc = lib.mb_enrollee_save(h, ffi.NULL, 0, n, ffi.NULL)  # size query
            if rc not in (0, errors.BufferTooSmallError.status):
                call(lib.mb_enrollee_save, h, ffi.NULL, 0, n)  # repeat with a report, to raise it
            for attempt in range(3):
                buf = ffi.new("unsigned char[]", max(n[0], 1))
                try:
                    call(lib.mb_enrollee_save, h, buf, len(buf), n)
                except errors.BufferTooSmallError:
                    if attempt == 2:
                        raise
                    continue  # the state grew between the calls: retry with the size returned
                return bytes(ffi.buffer(buf, n[0]))
        raise AssertionError("unreachable: the third attempt returns or raises")

    def copy(self) -> "Enrollee":
        """An independent enrollee with the same state (save, then restore)."""
        twin = Enrollee.restore(self.save())
        twin._person_type = self._person_type
        twin._person_type_unset = self._person_type_unset
        return twin

    def __reduce__(self) -> Tuple[Any, tuple]:
        return (Enrollee.restore, (self.save(),))

    @property
    def id(self) -> str:
        with _held(self) as h:
            return text(lib.mb_enrollee_id(h))

    @property
    def scheme(self) -> Union[Scheme, int]:
        """The Scheme (mb_enrollee_scheme), on a restored enrollee too."""
        with _held(self) as h:
            return _enum(Scheme, lib.mb_enrollee_scheme(h))

    @property
    def person_type(self) -> Union[PersonType, int, None]:
        """The PersonType (mb_enrollee_person_type). A resident created here without one reads
        None, as given (the library settles it as PersonType.RESIDENT, and a restored copy
        reads that)."""
        with _held(self) as h:  # a closed handle raises, whichever way it is answered
            if self._person_type_unset:
                return self._person_type
            return _enum(PersonType, lib.mb_enrollee_person_type(h))

    @property
    def account_balance(self) -> Decimal:
        """The personal account (个人账户) balance, Decimal yuan; set it with a Decimal or str
        (``account_balance_fen`` reads and sets it as an int of fen)."""
        return to_yuan(self.account_balance_fen)

    @account_balance.setter
    def account_balance(self, yuan: Yuan) -> None:
        self._set_balance(yuan, None, "account_balance_fen = {n}")

    @property
    def account_balance_fen(self) -> int:
        """The personal account balance, int fen."""
        with _held(self) as h:
            return int(lib.mb_enrollee_account_balance(h))

    @account_balance_fen.setter
    def account_balance_fen(self, fen: int) -> None:
        self._set_balance(None, fen, "account_balance_fen = {n}")

    def set_account_balance(self, yuan: Optional[Yuan] = None, *,
                            fen: Optional[int] = None) -> "Enrollee":
        """Set the account balance: ``yuan`` a Decimal or str, or ``fen=`` an int."""
        return self._set_balance(yuan, fen, "fen={n}")

    def _set_balance(self, yuan: Optional[Yuan], fen: Optional[int], fen_hint: str) -> "Enrollee":
        fen = amount_fen(yuan, fen, "enrollee.account_balance", fen_hint)
        with _held(self) as h:
            call(lib.mb_enrollee_set_account_balance, h, fen)
        return self

    @property
    def designated_facility(self) -> Optional[str]:
        """The facility chosen for chronic care (定点), as last set (None when unset). A change
        requested for next year (request_facility_change) shows in designated_facility_on."""
        with _held(self) as h:
            return text(lib.mb_enrollee_designated_facility(h, 0)) or None

    @designated_facility.setter
    def designated_facility(self, facility_id: Optional[str]) -> None:
        with _held(self) as h:
            call(lib.mb_enrollee_set_designated_facility, h, cstr(facility_id, "facility"))

    def designated_facility_on(self, date: DateLike) -> Optional[str]:
        """The designated facility in force on ``date``: a change requested in the ruleset's
        window takes effect on 1 January (None when unset)."""
        ymd = to_ymd(date, "date")
        with _held(self) as h:
            return text(lib.mb_enrollee_designated_facility(h, ymd)) or None

    @property
    def first_visit_facility(self) -> Optional[str]:
        """The first-visit facility (首诊), None when unset."""
        with _held(self) as h:
            return text(lib.mb_enrollee_first_visit_facility(h)) or None

    @first_visit_facility.setter
    def first_visit_facility(self, facility_id: Optional[str]) -> None:
        with _held(self) as h:
            call(lib.mb_enrollee_set_first_visit_facility, h, cstr(facility_id, "facility"))

    @property
    def diseases(self) -> List[Certification]:
        """The certifications held, in the order added: a list of Certification(disease,
        certified_on, valid_until), dates as datetime.date (valid_until None: the catalogue's
        own rule)."""
        get = lib.mb_enrollee_disease
        name = ffi.new("const char **")
        on, until = ffi.new("int32_t *"), ffi.new("int32_t *")
        out = []
        with _held(self) as h:
            for i in range(lib.mb_enrollee_disease_count(h)):
                if get(h, i, name, on, until) == 0:
                    out.append(Certification(text(name[0]), to_date(on[0]), to_date(until[0])))
        return out

    @property
    def assistance(self) -> List[AssistanceIdentity]:
        """The medical-assistance identities held: a list of AssistanceIdentity(category,
        from_, to), dates as datetime.date (to None: still held)."""
        get = lib.mb_enrollee_assistance
        category = ffi.new("const char **")
        start, end = ffi.new("int32_t *"), ffi.new("int32_t *")
        out = []
        with _held(self) as h:
            for i in range(lib.mb_enrollee_assistance_count(h)):
                if get(h, i, category, start, end) == 0:
                    out.append(AssistanceIdentity(text(category[0]), to_date(start[0]),
                                                  to_date(end[0])))
        return out

    def add_disease(self, name: str, certified_on: DateLike,
                    valid_until: Optional[DateLike] = None) -> "Enrollee":
        """Certify a chronic/special disease (code or name as the catalogues write it) from
        ``certified_on`` (date or 'YYYY-MM-DD'); ``valid_until`` None: the catalogue's rule."""
        on = to_ymd(certified_on, "certified_on")
        until = 0 if valid_until is None else to_ymd(valid_until, "valid_until")
        with _held(self) as h:
            call(lib.mb_enrollee_add_disease, h, cstr(name, "disease"), on, until)
        return self

    def add_assistance(self, category: str, from_: DateLike,
                       to: Optional[DateLike] = None) -> "Enrollee":
        """Add a medical-assistance identity ("minimum_living", ...) held from ``from_`` to
        ``to`` inclusive (None: still held)."""
        start = to_ymd(from_, "from")
        end = 0 if to is None else to_ymd(to, "to")
        with _held(self) as h:
            call(lib.mb_enrollee_add_assistance, h, cstr(category, "category"), start, end)
        return self

    def add_identity(self, ruleset: "Ruleset", name: str, from_: DateLike,
                     to: Optional[DateLike] = None) -> "Enrollee":
        """Add an identity ``ruleset``'s person groups know (a group's name or label such as
        "返贫致贫人口", a psn_idet_type code it maps, or an assistance category), held from
        ``from_`` to ``to`` inclusive (None: still held)."""
        start = to_ymd(from_, "from")
        end = 0 if to is None else to_ymd(to, "to")
        with _held(self, ruleset) as (h, rs):
            call(lib.mb_enrollee_add_identity, h, rs, cstr(name, "identity"), start, end)
        return self

    @property
    def birth_date(self) -> Optional[datetime.date]:
        """The birth date (a date, or None): age bands are the years completed on a claim's
        date."""
        with _held(self) as h:
            ymd = lib.mb_enrollee_birth_date(h)
        return to_date(ymd) if ymd else None

    @birth_date.setter
    def birth_date(self, date: DateLike) -> None:
        with _held(self) as h:
            call(lib.mb_enrollee_set_birth_date, h,
                 0 if date is None else to_ymd(date, "birth_date"))

    def seed(self, ruleset: Union["Ruleset", str], key: str, period: Union[int, str],
             amount: Optional[Yuan] = None, *, fen: Optional[int] = None) -> "Enrollee":
        """Seed a year-to-date accumulator (e.g. from the national platform's 5206 query),
        replacing the figure for that key and period: ``period`` is a year (2023) or a quarter
        (20232), ``amount`` yuan (Decimal or str), or ``fen=`` an int of fen.

        Give the Ruleset: the key is checked against it (mb_enrollee_seed_checked). A key it
        does not define is UnknownCodeError naming the keys it does (Ruleset.accumulator_keys),
        and a period of the wrong kind (a quarter for a yearly key) or when the ruleset is not
        in force is InvalidDateError. A ruleset id (str) is still taken, unchecked
        (mb_enrollee_seed): only a key no ruleset could define is refused, so a misspelt key
        is stored where no settlement reads it."""
        fen = amount_fen(amount, fen, "accumulators.amount")
        if isinstance(ruleset, Ruleset):
            with _held(self, ruleset) as (h, rs):
                call(lib.mb_enrollee_seed_checked, h, rs, cstr(key, "key"), _period(period), fen)
        else:
            with _held(self) as h:
                call(lib.mb_enrollee_seed, h, _ruleset_id(ruleset), cstr(key, "key"),
                     _period(period), fen)
        return self

    def accumulator(self, ruleset: Union["Ruleset", str], key: str,
                    period: Union[int, str]) -> Decimal:
        """A year-to-date accumulator, Decimal yuan (0.00 for a figure never seeded or
        settled). With the Ruleset, the key and period are checked as ``seed`` checks them
        (mb_enrollee_accumulator_checked), so a misspelt key raises rather than reading 0.00;
        with a ruleset id (str), unchecked: a key nobody keeps reads 0.00."""
        if isinstance(ruleset, Ruleset):
            out = ffi.new("int64_t *")
            with _held(self, ruleset) as (h, rs):
                call(lib.mb_enrollee_accumulator_checked, h, rs, cstr(key, "key"),
                     _period(period), out)
            return to_yuan(out[0])
        with _held(self) as h:
            return to_yuan(lib.mb_enrollee_accumulator(h, _ruleset_id(ruleset),
                                                       cstr(key, "key"), _period(period)))

    def certify(self, ruleset: "Ruleset", disease: str, date: DateLike) -> "Enrollee":
        """Certify a disease on ``date`` under ``ruleset``'s lifecycle rules (limits, exclusive
        pairs), then record it as add_disease does. NotEligibleError, citing the clause, when
        refused."""
        ymd = to_ymd(date)
        with _held(self, ruleset) as (h, rs):
            call(lib.mb_enrollee_certify, h, rs, cstr(disease, "disease"), ymd)
        return self

    def status(self, ruleset: "Ruleset", disease: str, date: DateLike) -> CertStatus:
        """The state of the certification for ``disease`` on ``date`` under ``ruleset``: a
        CertStatus(state, since, cite)."""
        state, since = ffi.new("int *"), ffi.new("int32_t *")
        cite = ffi.new("const char **")
        ymd = to_ymd(date)
        with _held(self, ruleset) as (h, rs):   # cite is the ruleset's text
            call(lib.mb_enrollee_status, h, rs, cstr(disease, "disease"), ymd, state, since,
                 cite)
            return CertStatus(_enum(CertState, state[0]), to_date(since[0]), text(cite[0]))

    def request_facility_change(self, ruleset: "Ruleset", request_date: DateLike,
                                facility_id: str) -> "Enrollee":
        """Ask on ``request_date`` to change the designated facility; where the ruleset keeps
        the choice for a year and accepts changes in a window only, a request outside it is
        NotEligibleError and one inside it takes effect on 1 January next."""
        ymd = to_ymd(request_date, "request_date")
        with _held(self, ruleset) as (h, rs):
            call(lib.mb_enrollee_request_facility_change, h, rs, ymd,
                 cstr(facility_id, "facility"))
        return self

    def accrue(self, ruleset: "Ruleset", date: DateLike, base: Optional[Yuan] = None, *,
               fen: Optional[int] = None) -> Decimal:
        """Credit the month's accrual (Ruleset.account_accrual; ``base`` yuan or ``fen=``) to
        the account; returns the amount credited, Decimal yuan."""
        base_fen = amount_fen(base, fen, "base")
        out = ffi.new("int64_t *")
        ymd = to_ymd(date)
        with _held(self, ruleset) as (h, rs):
            call(lib.mb_enrollee_accrue, h, rs, ymd, base_fen, out)
        return to_yuan(out[0])

    def reserve(self, entries: int) -> "Enrollee":
        """Make room for ``entries`` accumulator entries, so that settling never allocates."""
        with _held(self) as h:
            call(lib.mb_enrollee_reserve, h, c_int(entries, "reserve", C_SIZE_T))
        return self

    def reverse_id(self, setl_id: str, payer: Optional["Enrollee"] = None) -> None:
        """Reverse the committed settlement ``setl_id`` (Settlement.setl_id) of this enrollee
        (2208/2305), whether or not it is the latest, also after a save and restore: its own
        changes are taken back, later settlements keep their amounts. A family settlement
        (settle_family) is reversed with its ``payer`` given. StateError when the journal does
        not hold it (reversed already, or older than ``journal_limit`` settlements)."""
        setl = cstr(setl_id, "setl_id")
        if payer is None:
            with _held(self) as h:
                call(lib.mb_reverse_id, h, setl)
        else:
            with _held(self, payer) as (h, p):
                call(lib.mb_reverse_family_id, h, p, setl)

    @property
    def journal_limit(self) -> int:
        """How many settlements the journal keeps for reversal (32 unless set; saved with the
        enrollee). Setting it lower drops the oldest."""
        with _held(self) as h:
            return lib.mb_enrollee_journal_limit(h)

    @journal_limit.setter
    def journal_limit(self, n: int) -> None:
        with _held(self) as h:
            call(lib.mb_enrollee_set_journal_limit, h, c_int(n, "journal_limit", C_SIZE_T))

    @property
    def journal_count(self) -> int:
        """How many settlements the journal holds now."""
        with _held(self) as h:
            return lib.mb_enrollee_journal_count(h)

    def __repr__(self) -> str:
        if self.closed:
            return "<Enrollee (closed)>"
        return f"<Enrollee {self.id} balance={self.account_balance}>"


def _enum(cls: Any, value: int) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


def _ruleset_id(ruleset: Union["Ruleset", str]) -> bytes:
    # the unchecked calls' ruleset id; anything but a Ruleset or text is a mistake, not an id
    if ruleset is not None and not isinstance(ruleset, (str, bytes)):
        raise TypeError(f"ruleset: expected a Ruleset (checked) or a ruleset id (str, "
                        f"unchecked), got {type(ruleset).__name__}")
    return cstr(ruleset, "ruleset_id")


def _period(period: Union[int, str]) -> int:
    if isinstance(period, str):
        digits = c_text(period, "period")
        # digits only, as the scenario runners read it: int() would also take " 2021" or "2_021"
        if not (digits.isascii() and digits.isdigit()):
            raise errors.InvalidDateError(f"period: '{period}' is not a year (2023) or quarter "
                                          "(20232)")
        try:
            period = int(digits)
        except ValueError:
            raise errors.InvalidDateError(f"period: '{period}' is not a year (2023) or quarter "
                                          "(20232)") from None
    elif isinstance(period, bool) or not isinstance(period, numbers.Integral):
        raise TypeError(f"period: expected a year (2023) or quarter (20232), got "
                        f"{type(period).__name__}")
    return c_int(period, "period", C_INT32, errors.InvalidDateError)


# ---- claims -----------------------------------------------------------------------------------

def _flag(name: str, bit: Flag, doc: str, inverted: bool = False) -> property:
    def get(self: "Claim") -> bool:
        return bool(self._flags & bit) != inverted

    def set_(self: "Claim", on: bool) -> None:
        flags = self._flags | bit if _bool(on, name) != inverted else self._flags & ~bit
        with _held(self) as h:
            call(lib.mb_claim_set_flags, h, int(flags))
        self._flags = Flag(flags)

    return property(get, set_, doc=doc)


def _bool(value: Any, what: str) -> bool:
    # True/False (or 1/0): "false" or 0.5 would be taken as true by bool()
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, numbers.Integral) and int(value) in (0, 1):
        return bool(value)
    raise TypeError(f"{what}: expected True or False, got {type(value).__name__}")


class Claim(_Handle):
    """One visit's bill: ``Claim(id, date, med_type, facility_id=None, level='primary')``.

    ``med_type``: "general_outpatient", "emergency", "chronic", "inpatient", "pharmacy" (or the
    national code "11".."41", or a MedType); ``level``: "primary", "secondary", "tertiary",
    "pharmacy". Flags and the disease may be given as keywords or set as properties. Items are
    added with ``add_item``; methods that configure the claim return it, so calls chain."""

    def __init__(self, id: str, date: DateLike, med_type: Code, facility_id: Optional[str] = None,
                 level: Code = "primary", *, referral: bool = False, emergency: bool = False,
                 out_of_area: bool = False, designated_specialty: bool = False,
                 in_province: bool = True, no_account: bool = False,
                 disease: Optional[str] = None, treatment: Optional[str] = None) -> None:
        ymd = to_ymd(date, "date")
        med = med_type_code(med_type)
        lvl = level_code(level)
        out = _new_out("mb_claim")
        call(lib.mb_claim_new, out, cstr(id, "id"), ymd, med, cstr(facility_id, "facility"), lvl)
        self._adopt(out[0], lib.mb_claim_free)
        self._ymd = ymd
        self._med_type = _enum(MedType, med)
        self._facility = facility_id
        self._level = _enum(Level, lvl)
        self._flags = Flag(0)
        self._disease = self._treatment = None
        self._admission = None
        self._prescriber = None
        self._category = None
        self._items: List[Item] = []
        self._upstream = None
        flags = ((Flag.REFERRAL if _bool(referral, "referral") else 0)
                 | (Flag.EMERGENCY if _bool(emergency, "emergency") else 0)
                 | (Flag.OUT_OF_AREA if _bool(out_of_area, "out_of_area") else 0)
                 | (Flag.DESIGNATED_SPECIALTY
                    if _bool(designated_specialty, "designated_specialty") else 0)
                 | (0 if _bool(in_province, "in_province") else Flag.OUT_OF_PROVINCE)
                 | (Flag.NO_ACCOUNT if _bool(no_account, "no_account") else 0))
        if flags:
            self.flags = Flag(flags)
        if disease is not None or treatment is not None:
            self.set_disease(disease, treatment)

    @property
    def id(self) -> str:
        with _held(self) as h:
            return text(lib.mb_claim_id(h))

    @property
    def date(self) -> datetime.date:
        day = to_date(self._ymd)
        assert day is not None, "a claim has a date"
        return day

    @property
    def med_type(self) -> Union[MedType, int]:
        return self._med_type

    @property
    def facility_id(self) -> Optional[str]:
        return self._facility

    @property
    def level(self) -> Union[Level, int]:
        return self._level

    @property
    def flags(self) -> Flag:
        """All MB_CLAIM_* flags as a Flag (replacing them replaces the whole set)."""
        return self._flags

    @flags.setter
    def flags(self, flags: int) -> None:
        bits = c_int(flags, "flags", C_UNSIGNED)
        with _held(self) as h:
            call(lib.mb_claim_set_flags, h, bits)
        self._flags = Flag(bits)

    referral = _flag("referral", Flag.REFERRAL, "转诊手续 done")
    emergency = _flag("emergency", Flag.EMERGENCY, "急诊抢救")
    out_of_area = _flag("out_of_area", Flag.OUT_OF_AREA, "异地就医")
    designated_specialty = _flag("designated_specialty", Flag.DESIGNATED_SPECIALTY, "指定专科")
    in_province = _flag("in_province", Flag.OUT_OF_PROVINCE,
                        "in province (the default); False: 省外", True)
    no_account = _flag("no_account", Flag.NO_ACCOUNT, "do not use the personal account")

    def set_disease(self, disease: Optional[str], treatment: Optional[str] = None) -> "Claim":
        """The disease treated and, where a cap depends on it, the line of treatment."""
        with _held(self) as h:
            call(lib.mb_claim_set_disease, h, cstr(disease, "disease"),
                 cstr(treatment, "treatment"))
        self._disease, self._treatment = disease, treatment
        return self

    @property
    def disease(self) -> Optional[str]:
        return self._disease

    @disease.setter
    def disease(self, name: Optional[str]) -> None:
        self.set_disease(name, self._treatment)

    @property
    def treatment(self) -> Optional[str]:
        return self._treatment

    @treatment.setter
    def treatment(self, treatment: Optional[str]) -> None:
        self.set_disease(self._disease, treatment)

    def facility_category(self, category: str) -> "Claim":
        """The facility's category as rulesets name it under facility_categories (社区卫生服务
        机构, a price class 一类 …); None clears it."""
        with _held(self) as h:
            call(lib.mb_claim_set_facility_category, h, cstr(category, "facility category"))
        self._category = category
        return self

    def admission(self, admitted: DateLike, discharged: DateLike) -> "Claim":
        """Inpatient claims: admission and discharge dates (admitted <= discharged <= date)."""
        a = to_ymd(admitted, "admitted")
        d = to_ymd(discharged, "discharged")
        with _held(self) as h:
            call(lib.mb_claim_set_admission, h, a, d)
        self._admission = (to_date(a), to_date(d))
        return self

    @property
    def admitted(self) -> Optional[datetime.date]:
        return self._admission[0] if self._admission else None

    @property
    def discharged(self) -> Optional[datetime.date]:
        return self._admission[1] if self._admission else None

    def prescriber(self, id: str, level: Code = "primary") -> "Claim":
        """Pharmacy claims filled through prescription flow: the prescribing facility."""
        lvl = level_code(level)
        with _held(self) as h:
            call(lib.mb_claim_set_prescriber, h, cstr(id, "prescriber"), lvl)
        self._prescriber = (id, _enum(Level, lvl))
        return self

    def add_item(self, amount: Optional[Yuan] = None, cls: Code = "A",
                 first_selfpay_ratio: Union[str, Decimal, None] = None, *,
                 fen: Optional[int] = None) -> "Claim":
        """Add a line item of ``amount`` yuan (Decimal('1200.50') or '1200.50'; an int or float
        is refused) or of ``fen=`` an int of fen (120050), class "A" 甲类, "B" 乙类 or "C" 丙类;
        ``first_selfpay_ratio`` ("10%" or "0.1") overrides the ruleset's class B first
        self-pay ratio."""
        fen = amount_fen(amount, fen, "item amount")
        c = item_class_code(cls)
        bp = -1 if first_selfpay_ratio is None else to_bp(first_selfpay_ratio,
                                                          "first_selfpay_ratio")
        with _held(self) as h:
            call(lib.mb_claim_add_item, h, fen, c, bp)
        self._items.append(Item(to_yuan(fen), _enum(ItemClass, c), bp_to_percent(bp)))
        return self

    @property
    def items(self) -> List[Item]:
        return list(self._items)

    @property
    def total(self) -> Decimal:
        """The sum of the items, Decimal yuan."""
        return to_yuan(sum(int(i.amount * 100) for i in self._items))

    def upstream(self, compliant: Optional[Yuan] = None, basic: Optional[Yuan] = None,
                 critical_illness: Optional[Yuan] = None, *, compliant_fen: Optional[int] = None,
                 basic_fen: Optional[int] = None,
                 critical_illness_fen: Optional[int] = None) -> "Claim":
        """Amounts of this claim already settled elsewhere: the policy-scope cost, what basic
        insurance paid (none: 0), and what critical illness insurance paid (none: it was not
        settled upstream, so a critical illness ruleset in the chain still runs). Each is yuan
        (Decimal or str) or, with the ``_fen`` keyword, an int of fen."""
        comp = amount_fen(compliant, compliant_fen, "upstream.compliant", "compliant_fen={n}")
        b = amount_fen(basic, basic_fen, "upstream.basic", "basic_fen={n}", default=0)
        ci = amount_fen(critical_illness, critical_illness_fen, "upstream.critical_illness",
                        "critical_illness_fen={n}", default=-1)
        with _held(self) as h:
            call(lib.mb_claim_set_upstream, h, comp, b, ci)
        self._upstream = (to_yuan(comp), to_yuan(b), None if ci < 0 else to_yuan(ci))
        return self

    def upstream_assistance(self, assistance: Optional[Yuan] = None, *,
                            assistance_fen: Optional[int] = None) -> "Claim":
        """民政救助 or other assistance already paid on this claim upstream, after
        :meth:`upstream` (paid from its policy-scope cost): reported in maf_pay, counted by a
        top-up layer among the funds paid. Yuan (Decimal or str) or ``assistance_fen``."""
        a = amount_fen(assistance, assistance_fen, "upstream.assistance", "assistance_fen={n}")
        with _held(self) as h:
            call(lib.mb_claim_set_upstream_assistance, h, a)
        return self

    def __repr__(self) -> str:
        if self.closed:
            return "<Claim (closed)>"
        return (f"<Claim {self.id} {self.date} {getattr(self._med_type, 'name', self._med_type)}"
                f" total={self.total}>")


# ---- settlement -------------------------------------------------------------------------------

class _Result(_Handle):
    def __init__(self) -> None:
        out = _new_out("mb_result")
        call(lib.mb_result_new, out)
        self._adopt(out[0], lib.mb_result_free)


class _Scratch(threading.local):
    """One reusable result per thread for pre-settlements and fast batches (nothing to
    reverse, so no need to keep the handle), and the buffer amounts are read into."""

    result: Optional["_Result"] = None
    amounts: Any = None


_scratch = _Scratch()


def _scratch_result() -> "_Result":
    r = _scratch.result
    if r is None:
        r = _scratch.result = _Result()
    return r


def _read_amounts(r: Any) -> Dict[str, int]:
    """All amounts of the result ``r`` as {name: fen}, in one call (mb_result_amounts)."""
    buf = _scratch.amounts
    if buf is None:
        buf = _scratch.amounts = ffi.new("int64_t[]", max(AMOUNT_COUNT, 1))
    n = lib.mb_result_amounts(r, buf, AMOUNT_COUNT)
    return dict(zip(AMOUNT_NAMES, ffi.unpack(buf, n)))

# Arrays the library fills completely need not be zeroed first.
_new_uncleared = ffi.new_allocator(should_clear_after_alloc=False)


class Settlement:
    """The outcome of settling one claim: the setlinfo amounts as Decimal yuan (attributes
    named as the national platform names them: ``hifp_pay``, ``psn_cash_pay``...), ``covered``
    and ``reason``, ``funds`` (setldetail rows) and ``trace`` (one step per rule, citing its
    clause). A committed settlement has a ``setl_id`` and can be reversed once, in any order
    (``reverse()``, or ``Enrollee.reverse_id(setl_id)`` from a restored enrollee).

    It holds the C result handle only to be able to reverse; ``close()`` (or a with block)
    frees it early. Everything else is plain Python data, valid after the rulesets are closed.
    One from ``settle_batch(fast=True)`` holds no handle and has amounts and ``covered`` only
    (``funds`` and ``reason`` None, ``trace`` empty).
    """

    __slots__ = ("claim_id", "date", "enrollee_id", "committed", "reversed", "setl_id", "fen",
                 "covered", "reason", "funds", "trace", "_result", "_enrollee", "_payer",
                 "__weakref__")
    claim_id: str
    date: datetime.date
    enrollee_id: str
    committed: bool
    reversed: bool
    setl_id: Optional[str]
    fen: Dict[str, int]
    covered: bool
    reason: Optional[str]
    funds: Optional[List[Dict[str, Any]]]
    trace: List[Dict[str, Any]]
    _result: Optional[_Result]
    _enrollee: Optional[Enrollee]
    _payer: Optional[Enrollee]

    def __init__(self) -> None:
        raise TypeError("Settlements come from settle() and presettle()")

    @classmethod
    def _read(cls, r: Any, enrollee: Enrollee, claim: Claim, committed: bool, with_trace: bool,
              result: Optional["_Result"] = None) -> "Settlement":
        self = cls.__new__(cls)
        self.claim_id = text(lib.mb_claim_id(claim._ptr))
        self.date = claim.date
        self.enrollee_id = text(lib.mb_enrollee_id(enrollee._ptr))
        self.committed = committed
        self.reversed = False
        self.setl_id = text(lib.mb_result_setl_id(r)) if committed else None
        self.fen = _read_amounts(r)
        self.covered = bool(lib.mb_result_covered(r))
        self.reason = text(lib.mb_result_reason(r))
        row = ffi.new("mb_fund_row *")
        funds = []
        for i in range(lib.mb_result_fund_count(r)):
            if lib.mb_result_fund(r, i, row) == 0:
                funds.append({
                    "fund_pay_type": text(row.fund_pay_type),
                    "fund_name": text(row.fund_name),
                    "inscp_scp_amt": to_yuan(row.inscp_scp_amt),
                    "fund_payamt": to_yuan(row.fund_payamt),
                    "crt_payb_lmt_amt": (None if row.crt_payb_lmt_amt < 0
                                         else to_yuan(row.crt_payb_lmt_amt)),
                })
        self.funds = funds
        steps = []
        if with_trace:
            step = ffi.new("mb_trace_step *")
            for i in range(lib.mb_result_trace_count(r)):
                if lib.mb_result_trace(r, i, step) == 0:
                    steps.append({
                        "ruleset_id": text(step.ruleset_id),
                        "rule": text(step.rule),
                        "cite": text(step.cite),
                        "what": text(step.what),
                        "amount_in": to_yuan(step.amount_in),
                        "amount_out": to_yuan(step.amount_out),
                        "ratio": bp_to_percent(step.ratio_bp),
                    })
        self.trace = steps
        self._result = result
        self._enrollee = enrollee if committed else None
        self._payer = None
        return self

    @classmethod
    def _row(cls, claim_id: str, date: datetime.date, enrollee_id: str, committed: bool,
             fen: Dict[str, int], covered: bool) -> "Settlement":
        """A settlement of a fast batch: amounts and covered only (funds, reason: None)."""
        self = cls.__new__(cls)
        self.claim_id = claim_id
        self.date = date
        self.enrollee_id = enrollee_id
        self.committed = committed
        self.reversed = False
        self.setl_id = None  # a fast batch keeps no result per claim
        self.fen = fen
        self.covered = covered
        self.reason = None
        self.funds = None
        self.trace = []
        self._result = self._enrollee = self._payer = None
        return self

    def __getattr__(self, name: str) -> Decimal:
        # the amounts, by their national names: s.hifp_pay, s.psn_cash_pay ...
        if name in AMOUNT_NAMES:
            return to_yuan(self.fen[name])
        raise AttributeError(f"'Settlement' object has no attribute '{name}'")

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(AMOUNT_NAMES))

    @property
    def amounts(self) -> Dict[str, Decimal]:
        """All setlinfo amounts: {name: Decimal yuan}, in the library's order."""
        return {name: to_yuan(v) for name, v in self.fen.items()}

    def as_dict(self) -> Dict[str, Any]:
        """The settlement shaped as ``medbenefit settle`` prints it (without the scenario);
        from a fast batch, setldetail and reason are None (not read)."""
        return {
            "claim_id": self.claim_id,
            "setlinfo": self.amounts,
            "setldetail": None if self.funds is None else [
                {"fund_pay_type": f["fund_pay_type"],
                 "fund_pay_type_name": f["fund_name"],
                 "inscp_scp_amt": f["inscp_scp_amt"],
                 "fund_payamt": f["fund_payamt"],
                 "crt_payb_lmt_amt": f["crt_payb_lmt_amt"]} for f in self.funds],
            "covered": self.covered,
            "reason": self.reason,
        }

    def reverse(self) -> None:
        """Reverse this committed settlement (2208/2305): its own changes to the enrollee's
        accumulators and account are taken back; later settlements keep their amounts, and
        reversing every settlement gives back the state before them. StateError when reversed
        already, or no longer in the enrollee's journal."""
        if not self.committed:
            raise errors.StateError("a pre-settlement changed nothing and cannot be reversed")
        if self.reversed:
            raise errors.StateError("this settlement has already been reversed")
        if self._result is None or self._result.closed:
            raise ValueError("this Settlement is closed: its result handle was freed (or it "
                             "came from a fast batch, which keeps none), so it can no longer "
                             "be reversed")
        assert self._enrollee is not None  # a committed, unreversed settlement keeps it
        if self._payer is not None:
            with _held(self._enrollee, self._payer, self._result) as (e, payer, r):
                call(lib.mb_reverse_family, e, payer, r)
        else:
            with _held(self._enrollee, self._result) as (e, r):
                call(lib.mb_reverse, e, r)
        self.reversed = True
        self.close()

    def close(self) -> None:
        """Free the C result handle (after which the settlement cannot be reversed)."""
        if self._result is not None:
            self._result.close()
        self._enrollee = self._payer = None

    def __enter__(self) -> "Settlement":
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.close()
        return False

    def __repr__(self) -> str:
        state = "reversed" if self.reversed else "settled" if self.committed else "presettled"
        return (f"<Settlement {self.claim_id} {state} total={self.medfee_sumamt} "
                f"fund={self.fund_pay_sumamt} acct={self.acct_pay} cash={self.psn_cash_pay}>")


Chain = Union[Ruleset, Sequence[Ruleset]]
"""A Ruleset, or 1 to 8 of them in tier order (basic, critical illness, assistance)."""


def _chain(chain: Chain) -> List[Ruleset]:
    if isinstance(chain, Ruleset):
        return [chain]
    rulesets = list(chain)
    for r in rulesets:
        if not isinstance(r, Ruleset):
            raise TypeError(f"a chain holds Rulesets, not {type(r).__name__}")
    return rulesets


def _chain_array(rulesets: List[Ruleset]) -> Any:
    """The chain as the library takes it; only while the caller holds the rulesets."""
    return ffi.new("const mb_ruleset *[]", [r._ptr for r in rulesets])


def _check_enrollee(enrollee: Any, who: str = "") -> None:
    if not isinstance(enrollee, Enrollee):
        raise TypeError(f"{who}expected an Enrollee, got {type(enrollee).__name__}")


def _check_claims(claims: Iterable[Any]) -> List[Claim]:
    out = list(claims)
    for claim in out:
        if not isinstance(claim, Claim):
            raise TypeError(f"expected a Claim, got {type(claim).__name__}")
    return out


def _settle_one(rulesets: List[Ruleset], enrollee: Enrollee, claim: Claim, commit: bool,
                trace: bool, reversible: bool = True, arr: Any = None) -> Settlement:
    """One settlement, holding what it uses; ``arr``: the chain's array, when the caller
    holds the rulesets and has made it (a batch), else made here."""
    _check_enrollee(enrollee)
    _check_claims((claim,))
    n = len(rulesets)
    # the result is this call's own (new, or this thread's scratch): no other thread can close
    # it, so it needs no hold
    result = _Result() if commit else _scratch_result()
    r = result._ptr
    held = (enrollee, claim, *rulesets)
    try:
        _hold(held)
    except BaseException:
        if commit:
            result.close()
        raise
    try:
        e, c = enrollee._ptr, claim._ptr
        if arr is None:
            arr = _chain_array(rulesets)
        if not commit:
            call(lib.mb_presettle, r, arr, n, e, c)
            return Settlement._read(r, enrollee, claim, False, trace)
        # room for what the settlement can add: settling itself never allocates
        # (medbenefit.h, mb_enrollee_reserve_for)
        call(lib.mb_enrollee_reserve_for, e, arr, n)
        call(lib.mb_settle, r, arr, n, e, c)
        s = Settlement._read(r, enrollee, claim, True, trace, result)
    except BaseException:
        if commit:
            result.close()
        raise
    finally:
        _release(held)
    if not reversible:
        s.close()
    return s


def settle(chain: Chain, enrollee: Enrollee, claim: Claim, commit: bool = True, *,
           trace: bool = True, reversible: bool = True) -> Settlement:
    """Settle ``claim`` for ``enrollee`` under ``chain`` (a Ruleset, or a sequence of 1..8 in
    tier order: basic, critical illness, assistance). With commit (2207/2304) the enrollee's
    accumulators and account change as the settlement says; without (2206/2303) nothing
    changes. On any error nothing changes and a MedbenefitError is raised.
    ``trace=False`` skips reading the trace (faster for bulk runs); ``reversible=False`` frees
    the C result at once instead of keeping it for ``Settlement.reverse()``."""
    return _settle_one(_chain(chain), enrollee, claim, commit, trace, reversible)


def presettle(chain: Chain, enrollee: Enrollee, claim: Claim, *,
              trace: bool = True) -> Settlement:
    """Compute a settlement without changing anything (national interface 2206/2303)."""
    return settle(chain, enrollee, claim, commit=False, trace=trace)


def settle_family(chain: Chain, patient: Enrollee, payer: Enrollee,
                  relation: Union[str, int, Relation], claim: Claim, *,
                  trace: bool = True) -> Settlement:
    """Settle and commit ``claim`` for ``patient``, where after the patient's own account the
    personal account of ``payer`` (a family member: ``relation`` "spouse", "parent" or
    "child", or a Relation) pays the rest of the patient's share (共济). ``acct_mulaid_pay``
    reports the family part. Both enrollees change; ``reverse()`` restores both."""
    rulesets = _chain(chain)
    if isinstance(relation, str):
        try:
            relation = Relation[relation.upper()]
        except KeyError:
            raise errors.UnknownCodeError(f"unknown relation '{relation}' (expected spouse, "
                                          "parent or child)") from None
    relation = c_int(relation, "relation", C_INT, errors.UnknownCodeError)
    _check_enrollee(patient, "patient: ")
    _check_enrollee(payer, "payer: ")
    _check_claims((claim,))
    n = len(rulesets)
    result = _Result()
    try:
        with _held(*rulesets, patient, payer, claim, result) as ptrs:
            *_, p, e, c, r = ptrs
            arr = _chain_array(rulesets)
            call(lib.mb_enrollee_reserve_for, p, arr, n)
            call(lib.mb_settle_family, r, arr, n, p, e, relation, c)
            s = Settlement._read(r, patient, claim, True, trace, result)
    except BaseException:
        result.close()
        raise
    s._payer = payer
    return s


class BatchError(errors.MedbenefitError):
    """A claim of a batch failed. ``claim`` is the claim, ``error`` the library's error (also
    the ``__cause__``), ``settled`` the settlements done before it (still committed, unless the
    batch was atomic, in which case they were reversed)."""

    def __init__(self, claim: Claim, error: errors.MedbenefitError,
                 settled: List[Union[Settlement, "_MBError"]], rolled_back: bool) -> None:
        self.status = error.status
        self.claim = claim
        self.error = error
        self.settled = settled
        self.rolled_back = rolled_back
        try:
            claim_id = claim.id
        except ValueError:  # closed
            claim_id = "?"
        super().__init__(f"claim {claim_id}: {error.message}", file=error.file, line=error.line,
                         key=error.key)


def settle_batch(chain: Chain, enrollee: Enrollee, claims: Iterable[Claim], commit: bool = True,
                 *, trace: Optional[bool] = None, errors: str = "raise", atomic: bool = False,
                 reversible: Optional[bool] = None,
                 fast: bool = False) -> List[Union[Settlement, "_MBError"]]:
    """Settle many claims for one enrollee in date order (claims on the same date keep their
    order) and return their Settlements in that order.

    errors="raise": the first failure raises BatchError, whose ``settled`` lists what was
    settled before it; with ``atomic=True`` those are reversed first, so the enrollee is left
    as it was. errors="return": a failed claim's place in the list holds its MedbenefitError
    and the batch goes on (a failed claim changes nothing). ``trace=False`` skips the trace;
    ``reversible=False`` frees each C result as soon as it is read (for long batches; the
    settlements cannot be reversed).

    ``fast=True`` settles the whole batch in one library call (mb_settle_batch) and reads
    only what that call returns: each Settlement has its amounts, ``covered`` and
    ``claim_id``, while ``funds`` and ``reason`` are None, ``trace`` is empty and it cannot be
    reversed (so trace, reversible and atomic cannot be asked for). As in C, a failed claim
    does not stop the batch: a committing fast batch needs errors="return" (errors="raise"
    is allowed with commit=False). The library describes only the first failure; a later
    failed claim's error carries its status and the status's description."""
    if errors not in ("raise", "return"):
        raise ValueError("errors must be 'raise' or 'return'")
    if fast:
        if trace or reversible or atomic:
            raise ValueError("a fast batch reads amounts and covered only: it has no trace, "
                             "and its settlements cannot be reversed (no atomic batch)")
        if commit and errors == "raise":
            raise ValueError("a committing fast batch goes on past a failed claim, as "
                             "mb_settle_batch does: pass errors='return' (or commit=False)")
        return _settle_batch_fast(chain, enrollee, claims, commit, errors)
    trace = True if trace is None else trace
    reversible = True if reversible is None else reversible
    if atomic and not reversible:
        raise ValueError("an atomic batch must keep its settlements reversible")
    rulesets = _chain(chain)
    _check_enrollee(enrollee)
    ordered = sorted(_check_claims(claims), key=lambda c: c._ymd)
    out: List[Union[Settlement, _MBError]] = []
    with _held(*rulesets, enrollee, *ordered):  # the whole batch: none closes midway
        arr = _chain_array(rulesets)
        for claim in ordered:
            try:
                out.append(_settle_one(rulesets, enrollee, claim, commit, trace, reversible,
                                       arr))
            except _MBError as e:
                if errors == "return":
                    out.append(e)
                    continue
                rolled_back = False
                if atomic and commit:
                    for s in reversed(out):
                        if isinstance(s, Settlement):  # all are: a failure raised before this
                            s.reverse()
                    rolled_back = True
                raise BatchError(claim, e, out, rolled_back) from e
    return out


def _settle_batch_fast(chain: Chain, enrollee: Enrollee, claims: Iterable[Claim], commit: bool,
                       errors: str) -> List[Union[Settlement, "_MBError"]]:
    rulesets = _chain(chain)
    _check_enrollee(enrollee)
    ordered = sorted(_check_claims(claims), key=lambda c: c._ymd)
    n = len(ordered)
    if n == 0:
        return []
    stride = AMOUNT_COUNT
    amounts = _new_uncleared("int64_t[]", n * stride)
    status = ffi.new("int32_t[]", n)
    covered = _new_uncleared("int32_t[]", n)
    result = _scratch_result()
    with _held(*rulesets, enrollee, result, *ordered):
        cclaims = ffi.new("const mb_claim *[]", [c._ptr for c in ordered])
        rc, first = attempt(lib.mb_settle_batch, result._ptr, _chain_array(rulesets),
                            len(rulesets), enrollee._ptr, cclaims, n,
                            0 if commit else BATCH_PRESETTLE, amounts, stride, status, covered)
        eid = text(lib.mb_enrollee_id(enrollee._ptr))
        ids = [text(lib.mb_claim_id(c._ptr)) for c in ordered]
    st = ffi.unpack(status, n)
    if rc < 0 and not any(st):  # refused as a whole (no claim was tried)
        assert first is not None
        raise first
    fen = ffi.unpack(amounts, n * stride)
    cov = ffi.unpack(covered, n)
    names = AMOUNT_NAMES
    out: List[Union[Settlement, _MBError]] = []
    for i, claim in enumerate(ordered):
        code = st[i]
        if code == 0:
            base = i * stride
            out.append(Settlement._row(ids[i], claim.date, eid,
                                       commit, dict(zip(names, fen[base:base + stride])),
                                       bool(cov[i])))
            continue
        if first is not None and code == rc:  # the first failure: the library described it
            exc, first = first, None
        else:
            exc = _errors_mod.error_for(code, f"{_errors_mod.status_text(code)} (a batch "
                                        "describes only its first failure in detail)")
        if errors == "raise":  # commit=False: nothing changed, so stopping here is exact
            raise BatchError(claim, exc, out, False) from exc
        out.append(exc)
    return out


_MBError = errors.MedbenefitError
_errors_mod = errors

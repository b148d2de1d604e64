"""The question bank's version: a token that changes whenever a question, a choice, or a note
or topic a question shows changes, read in one tiny query.

Why: the study loop loads a question with its note, topic and choices on nearly every request
(a join and seven model instances, 60 µs of a 1.4–1.9 ms request). `VersionedCache` keeps
them per process and asks this version first. A random token rather than a counter: a
rolled-back transaction (a test's, or an import's) puts an old value back, and a counter would
then repeat a value that stood for other contents.

Who changes it (studyapp/questions/apps.py): once per import run that changed notes, before
the sync (notes and topics renamed or moved); the question bank's sync, in its transaction,
after its writes; and any ORM save or delete of a Question or Choice. A reader that sees the
new token also sees the writes before it; one that read the old token and then newer rows
keeps those rows under the old token, which only costs a reload. Writes that bypass all three
(a `QuerySet.update()` in the shell) are seen after the next import that changes anything.
"""

from __future__ import annotations

import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from threading import Lock
from typing import Any, Generic, TypeVar

from studyapp import sql
from studyapp.questions.models import BankVersion

V = TypeVar("V")

_caches: weakref.WeakSet[VersionedCache[Any]] = weakref.WeakSet()


def current() -> str:
    found = sql.rows(f"SELECT token FROM {sql.table(BankVersion)} WHERE id = 1", [])
    return found[0][0] if found else ""


def bump(**_signal_arguments: Any) -> None:
    """A new token; also a signal receiver (hence the ignored keyword arguments)."""
    token = uuid.uuid4().hex
    if not BankVersion.objects.filter(pk=1).update(token=token):
        BankVersion.objects.update_or_create(pk=1, defaults={"token": token})


class VersionedCache(Generic[V]):
    """Values computed from the question bank, per process, dropped when its version changes.

    Bounded (least recently used go first). Thread-safe: a lock around the dictionary only;
    two threads may both compute a missing value, and the second one stored wins.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._token = ""
        self._values: OrderedDict[Any, V] = OrderedDict()
        self._lock = Lock()
        _caches.add(self)

    def get(
        self,
        key: Any,
        compute: Callable[[], V | None],
        keys: Callable[[V], Iterable[Any]] | None = None,
    ) -> V | None:
        """The value for `key`, computed if missing; `keys` gives every key a computed value
        is kept under (one question: by pk and by uid)."""
        token = current()
        with self._lock:
            if token != self._token:
                self._values.clear()
                self._token = token
            elif key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        if value is not None and token:
            with self._lock:
                if token == self._token:
                    for each in keys(value) if keys else (key,):
                        self._values[each] = value
                    while len(self._values) > self._size:
                        self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._token = ""


def clear_caches() -> None:
    """Empty every VersionedCache of the process: for tests, whose rolled-back rows (written
    without signals, by bulk_create) come back with the same ids and other contents."""
    for cache in list(_caches):
        cache.clear()

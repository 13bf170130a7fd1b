"""A cache backend that counts atomically in the database, for django-ratelimit.

django-ratelimit counts with ``cache.add(key, 1, timeout)`` then ``cache.incr(key)``, so the cache
must increment atomically and be shared by every process. Django's DatabaseCache does neither
(``incr`` is a read then a write), and a cache server is one more service to run. This backend
stores integers only, in ``salam.RateCounter``, and each operation is one SQL statement (an
upsert, an ``UPDATE ... RETURNING``), which both SQLite (3.35+) and PostgreSQL run atomically.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection
from django.utils import timezone

from salam.models import RateCounter

_NEVER = datetime.timedelta(days=3650)


class AtomicCounterCache(BaseCache):
    """Integer counters in the database; every method is one atomic statement."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def _expiry(self, timeout: float | object | None) -> datetime.datetime:
        timeout = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        return timezone.now() + (_NEVER if timeout is None else datetime.timedelta(seconds=float(timeout)))

    @staticmethod
    def _names() -> tuple[str, str, str, str]:
        quote = connection.ops.quote_name
        return quote(RateCounter._meta.db_table), quote("key"), quote("count"), quote("expires")

    @staticmethod
    def _count(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("AtomicCounterCache stores integer counters only")
        return value

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Set the counter unless a live one exists; True when this call set it."""
        key = self.make_and_validate_key(key, version=version)
        now = timezone.now()
        table, k, count, expires = self._names()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({k}, {count}, {expires}) VALUES (%s, %s, %s) "  # noqa: S608 (names from the model)
                f"ON CONFLICT ({k}) DO UPDATE SET {count} = excluded.{count}, {expires} = excluded.{expires} "
                f"WHERE {table}.{expires} <= %s RETURNING {count}",
                [key, self._count(value), self._expiry(timeout), now],
            )
            return cursor.fetchone() is not None

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add ``delta`` to a live counter and return the new count; ValueError when there is none."""
        key = self.make_and_validate_key(key, version=version)
        table, k, count, expires = self._names()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {count} = {count} + %s WHERE {k} = %s AND {expires} > %s RETURNING {count}",  # noqa: S608
                [self._count(delta), key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return int(row[0])

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """The live counter's value, or ``default``."""
        key = self.make_and_validate_key(key, version=version)
        row = RateCounter.objects.filter(key=key, expires__gt=timezone.now()).values_list("count", flat=True).first()
        return default if row is None else int(row)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        """Set the counter, live or not."""
        key = self.make_and_validate_key(key, version=version)
        RateCounter.objects.update_or_create(
            key=key, defaults={"count": self._count(value), "expires": self._expiry(timeout)}
        )

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Give a live counter a new expiry."""
        key = self.make_and_validate_key(key, version=version)
        return bool(
            RateCounter.objects.filter(key=key, expires__gt=timezone.now()).update(expires=self._expiry(timeout))
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        """Remove the counter."""
        key = self.make_and_validate_key(key, version=version)
        return bool(RateCounter.objects.filter(key=key).delete()[0])

    def has_key(self, key: str, version: int | None = None) -> bool:
        """Whether a live counter exists."""
        return self.get(key, version=version) is not None

    def clear(self) -> None:
        """Remove every counter."""
        RateCounter.objects.all().delete()

    def purge_expired(self) -> int:
        """Delete dead counters (a periodic job); returns how many."""
        return RateCounter.objects.filter(expires__lte=timezone.now()).delete()[0]

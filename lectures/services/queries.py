"""The lectures app's hand-written SQL, in one place: the queries on every registration's path.

Each runs while other registrations queue for the lecture's lock (or before it, on every form
post), where building the same query with the ORM cost several times the query itself. Table and
column names come from the models; values are parameters. `tests/lectures/test_queries.py`
compares each with its ORM equivalent.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from wagtail.models import Page, PageViewRestriction

from lectures.models import LecturePage, LectureState, Registration, RegistrationStatus

# What the registration rules read of a lecture; the page's other fields are not loaded under the lock.
RULE_FIELDS = ("live", "capacity", "status", "start", "end", "timezone", "registration_opens", "registration_closes")


def registration_counts(lecture_id: int, email: str = "") -> tuple[int, int, int | None]:
    """Confirmed and waiting registrations of a lecture and the id of `email`'s own row, in one statement."""
    table = connection.ops.quote_name(Registration._meta.db_table)
    count = "COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0)"
    sql = f"SELECT {count}, {count}, MAX(CASE WHEN email = %s THEN id END) FROM {table} WHERE lecture_id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITING.value, email, lecture_id])
        confirmed, waiting, existing_id = cursor.fetchone()
    return int(confirmed), int(waiting), existing_id


@cache
def _registration_lock_sql(vendor: str) -> str:
    """The lecture's rule fields and the organiser's closing date, its row locked (FOR UPDATE where supported)."""
    quote = connection.ops.quote_name
    lecture, page, state = (quote(model._meta.db_table) for model in (LecturePage, Page, LectureState))
    wanted = {"page_ptr_id", "id", *RULE_FIELDS}
    columns = [
        f"{quote(field.model._meta.db_table)}.{quote(field.column)}"
        for field in LecturePage._meta.concrete_fields
        if field.attname in wanted
    ]
    sql = (
        f"SELECT {', '.join(columns)}, {state}.registration_closed_at FROM {lecture}"  # noqa: S608
        f" INNER JOIN {page} ON {page}.id = {lecture}.page_ptr_id"
        f" LEFT JOIN {state} ON {state}.lecture_id = {lecture}.page_ptr_id"
        f" WHERE {lecture}.page_ptr_id = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += " " + connection.ops.for_update_sql(of=(lecture,))
    elif connection.features.has_select_for_update:
        sql += " " + connection.ops.for_update_sql()
    return sql


def lecture_locked_for_registration(lecture_id: int) -> LecturePage | None:
    """The lecture with only what the rules read (and `registration_closed_at`), its row locked; None if none.

    Other fields are loaded if read (deferred). Call inside a transaction.
    """
    found = list(LecturePage.objects.raw(_registration_lock_sql(connection.vendor), [lecture_id]))
    return found[0] if found else None


@cache
def _visibility_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    lecture, page, restriction = (quote(model._meta.db_table) for model in (LecturePage, Page, PageViewRestriction))

    def prefix_of_lecture(table: str) -> str:
        return f"SUBSTR(p.path, 1, LENGTH({table}.path)) = {table}.path"

    return (
        "SELECT l.page_ptr_id, p.id, p.path, p.depth, p.url_path, p.alias_of_id,"  # noqa: S608
        f" (EXISTS (SELECT 1 FROM {restriction} r INNER JOIN {page} rp ON rp.id = r.page_id"
        f" WHERE {prefix_of_lecture('rp')})"
        f" OR EXISTS (SELECT 1 FROM {page} a WHERE a.alias_of_id IS NOT NULL AND {prefix_of_lecture('a')})) AS guarded"
        f" FROM {lecture} l INNER JOIN {page} p ON p.id = l.page_ptr_id WHERE l.page_ptr_id = %s AND p.live"
    )


def live_lecture_with_guard(lecture_id: int) -> LecturePage | None:
    """The live lecture with `guarded`: whether a view restriction or an alias sits on it or an ancestor.

    Only the fields the privacy check and the redirect read are loaded; None when not live or not found.
    """
    found = list(LecturePage.objects.raw(_visibility_sql(connection.vendor), [lecture_id]))
    return found[0] if found else None

"""The demo school for tests: seeded by ``demo_seed`` once per test process, then restored.

Seeding the demo runs the importer, every service and the originality checks (seconds); many
test modules and every browser test want the same school in an empty database. The first call in
a process seeds it for real and keeps its rows; later calls into an empty database insert those
rows as they were (primary keys, timestamps and all), which gives the same school in a fraction
of the time. A database that is not empty, or rows that point at tables the snapshot leaves out
(content types, permissions, sessions), fall back to seeding for real.
"""

from __future__ import annotations

import copy

from django.apps import apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.test import TestCase

from courseware.demo import DemoLogin, demo_seed

# Tables the database itself fills (after a migrate or a flush) or that the demo never writes.
LEFT_OUT = {"contenttypes", "sessions", "admin"}
LEFT_OUT_MODELS = {("auth", "permission")}
BATCH = 400

Snapshot = list[tuple[type[models.Model], list[models.Model]]]
_kept: dict[bool, tuple[list[DemoLogin], Snapshot]] = {}


def seeded_demo(*, with_work: bool = True, using: str = DEFAULT_DB_ALIAS) -> list[DemoLogin]:
    """The demo school as ``demo_seed(with_work=...)`` makes it; returns its logins."""
    tables = _tables()
    if not _is_empty(tables, using):
        return demo_seed(with_work=with_work)
    kept = _kept.get(with_work)
    if kept is None:
        logins = _seed(with_work, using)
        rows = _rows(tables, using)
        if _self_contained(rows):
            _kept[with_work] = (copy.deepcopy(logins), rows)
        return logins
    logins, rows = kept
    _restore(rows, using)
    return copy.deepcopy(logins)


def _seed(with_work: bool, using: str) -> list[DemoLogin]:
    """Seed for real, with what would run once the seed commits (the originality checks) run
    now, inside an open transaction too, so that the rows kept include their results."""
    pending = connections[using].run_on_commit
    start = len(pending)
    with TestCase.captureOnCommitCallbacks(using=using, execute=True):
        logins = demo_seed(with_work=with_work)
    del pending[start:]  # run already: an enclosing capture must not run them again
    return logins


def _tables() -> list[type[models.Model]]:
    """Every concrete table (many-to-many tables included) but those left out."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in LEFT_OUT
        and (model._meta.app_label, model._meta.model_name) not in LEFT_OUT_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]


def _is_empty(tables: list[type[models.Model]], using: str) -> bool:
    return not any(model._base_manager.using(using).exists() for model in tables)


def _rows(tables: list[type[models.Model]], using: str) -> Snapshot:
    return [
        (model, rows)
        for model in tables
        if (rows := list(model._base_manager.using(using).order_by("pk")))
    ]


def _self_contained(rows: Snapshot) -> bool:
    """No kept row points at a table left out (their keys change between flushes)."""
    kept = {model for model, _ in rows}
    for model, objects in rows:
        for field in model._meta.local_concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is None or target in kept:
                continue
            if any(getattr(obj, field.attname) is not None for obj in objects):
                return False
    return True


def _restore(rows: Snapshot, using: str) -> None:
    """Insert the kept rows as they are; foreign keys are checked at the end (deferred)."""
    with transaction.atomic(using=using):
        for model, objects in rows:
            fields = model._meta.local_concrete_fields
            for start in range(0, len(objects), BATCH):
                model._base_manager._insert(
                    objects[start : start + BATCH], fields=fields, raw=True, using=using
                )
        connection = connections[using]
        statements = connection.ops.sequence_reset_sql(no_style(), [model for model, _ in rows])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

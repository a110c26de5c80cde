"""Writes to the unit tree. Each function runs in one transaction."""

import datetime

from django.db import transaction

from .models import Unit


@transaction.atomic
def unit_create(
    *,
    name: str,
    kind: str,
    level: str,
    short_code: str,
    parent: Unit | None = None,
    valid_from: datetime.date | None = None,
) -> Unit:
    fields = {"name": name, "kind": kind, "level": level, "short_code": short_code, "valid_from": valid_from}
    if parent is None:
        return Unit.add_root(**fields)
    return parent.add_child(**fields)

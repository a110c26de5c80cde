"""Writes for public-opinion reports: rights checked, personal data refused, one transaction, an audit entry.

Every path (admin forms, imports, API) ends here, and `full_clean` runs the
personal-data validators on every text field of the report and its items.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.log_actions import log

from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import require_record_access, require_unit_access

from .models import OpinionItem, OpinionReport, OpinionTopic

ITEM_FIELDS = (
    "topic",
    "field",
    "tendency",
    "intensity",
    "scope",
    "source_count",
    "content",
    "recommendation",
    "follow_up",
)


def _validate(report: OpinionReport, items: list[OpinionItem]) -> None:
    """full_clean on the report and each item; item errors carry the item's position ("Tin 2: …")."""
    report.full_clean()
    errors = []
    for position, item in enumerate(items, start=1):
        try:
            item.full_clean(exclude=["report"])
        except ValidationError as error:
            by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            for field, messages in by_field.items():
                label = item._meta.get_field(field).verbose_name if field != "__all__" else ""
                for message in messages:
                    errors.append(f"Tin {position}{f' ({label})' if label else ''}: {message}")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_save(*, actor, report: OpinionReport, action: str = "wagtail.edit") -> OpinionReport:
    """Save a report built elsewhere (e.g. by the admin form, items attached in memory)."""
    require_record_access(actor, report)
    _validate(report, list(report.items.all()))
    report.save()
    log(instance=report, action=action, user=actor)
    return report


@transaction.atomic
def report_create(
    *,
    actor,
    unit: Unit,
    period_kind: str,
    period_start: datetime.date,
    period_end: datetime.date | None = None,
    summary: str = "",
    items: list[dict] = (),
) -> OpinionReport:
    """Create a report with its items; each item is a dict of ITEM_FIELDS (topic as OpinionTopic or its pk)."""
    require_unit_access(actor, unit)
    report = OpinionReport(
        unit=unit, period_kind=period_kind, period_start=period_start, period_end=period_end, summary=summary
    )
    report.items = [_item_from(data, position) for position, data in enumerate(items)]
    return report_save(actor=actor, report=report, action="wagtail.create")


def _item_from(data: dict, position: int) -> OpinionItem:
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(f"Trường không được hỗ trợ: {', '.join(sorted(unknown))}.")
    values = dict(data)
    topic = values.pop("topic", None)
    if topic is not None and not isinstance(topic, OpinionTopic):
        topic = OpinionTopic.objects.filter(pk=topic).first()
        if topic is None:
            raise ValidationError(f"Tin {position + 1}: chủ đề không tồn tại.")
    return OpinionItem(topic=topic, sort_order=position, **values)


@transaction.atomic
def report_delete(*, actor, report: OpinionReport) -> None:
    report = OpinionReport.objects.select_related("unit").get(pk=report.pk)
    require_unit_access(actor, report.unit)
    log(instance=report, action="wagtail.delete", user=actor)
    report.delete()

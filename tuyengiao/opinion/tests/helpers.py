import datetime

from tuyengiao.opinion import services
from tuyengiao.opinion.models import Intensity, OpinionField, Scope, Tendency
from tuyengiao.opinion.periods import PeriodKind


def item(
    topic, tendency=Tendency.AGREE, *, sources=3, field=OpinionField.ECONOMY, content="Ý kiến chung của nhân dân."
):
    return {
        "topic": topic,
        "field": field,
        "tendency": tendency,
        "intensity": Intensity.MEDIUM,
        "scope": Scope.LOCAL,
        "source_count": sources,
        "content": content,
    }


def monthly_report(actor, unit, month: datetime.date, items):
    return services.report_create(actor=actor, unit=unit, period_kind=PeriodKind.MONTH, period_start=month, items=items)

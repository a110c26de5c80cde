from django.db.models import QuerySet

from .models import Unit


def unit_subtree(*, unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit below it (materialised-path prefix query)."""
    return Unit.objects.filter(path__startswith=unit.path, depth__gte=unit.depth)

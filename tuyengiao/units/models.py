"""The tree of units: province → commune/ward → Party cells and agencies.

Units are never deleted when they merge or split: they get a `valid_to`
date and a `successor`, so reports over a period spanning a merger still
add up (DESIGN.md §1).
"""

from django.core.exceptions import ValidationError
from django.db import models
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "Cấp ủy / Đảng bộ"
    STAFF_BOARD = "staff_board", "Ban tham mưu"
    POLITICAL_CENTRE = "political_centre", "Trung tâm chính trị"
    PARTY_CELL = "party_cell", "Chi bộ"
    AGENCY = "agency", "Cơ quan, đơn vị"


class UnitLevel(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Tỉnh, thành phố"
    DISTRICT = "district", "Quận, huyện (đến 30/6/2025)"
    COMMUNE = "commune", "Xã, phường, đặc khu"
    GRASSROOTS = "grassroots", "Cơ sở"
    CELL = "cell", "Chi bộ trực thuộc"


class Unit(MP_Node):
    name = models.CharField("tên", max_length=255)
    kind = models.CharField("loại", max_length=32, choices=UnitKind.choices)
    level = models.CharField("cấp", max_length=32, choices=UnitLevel.choices)
    short_code = models.CharField(
        "ký hiệu", max_length=32, help_text="Dùng trong số, ký hiệu văn bản, ví dụ TU, ĐU, BTGDVTU."
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="đơn vị kế thừa",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực."})

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

"""The tree of units: province → commune/ward → Party cells and agencies.

Units are never deleted when they merge or split: they get a `valid_to`
date and a `successor`, so reports over a period spanning a merger still
add up (DESIGN.md §1).
"""

from django.conf import settings
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


class UnitGroup(models.Model):
    """A "khối" grouping across the tree (e.g. khối khoa giáo: education, health, science)."""

    name = models.CharField("tên khối", max_length=255, unique=True)
    description = models.TextField("mô tả", blank=True)

    class Meta:
        verbose_name = "khối"
        verbose_name_plural = "khối"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(MP_Node):
    name = models.CharField("tên", max_length=255)
    code = models.CharField(
        "mã đơn vị",
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="Mã ổn định dùng khi nhập, xuất Excel (ví dụ DU-LH). Không trùng giữa các đơn vị.",
        error_messages={"unique": "Mã đơn vị này đã được dùng cho một đơn vị khác."},
    )
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

    split_from = models.ForeignKey(
        "self",
        verbose_name="tách ra từ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="split_into",
    )
    groups = models.ManyToManyField(UnitGroup, verbose_name="khối", blank=True, related_name="units")

    node_order_by = ["name"]

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.code = (self.code or "").strip() or None
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực."})

    @property
    def is_active(self) -> bool:
        """Not closed, merged or split (a closing date, even a future one, ends the unit's active life)."""
        return self.valid_to is None


class Role(models.TextChoices):
    HEAD = "head", "Trưởng ban / Thủ trưởng"
    DEPUTY = "deputy", "Phó trưởng ban"
    SPECIALIST = "specialist", "Chuyên viên"
    CLERK = "clerk", "Văn thư"
    EDITOR = "editor", "Biên tập viên"
    REVIEWER = "reviewer", "Kiểm duyệt viên"
    LECTURER = "lecturer", "Giảng viên"
    REPORTER = "reporter", "Báo cáo viên"
    PROPAGANDIST = "propagandist", "Tuyên truyền viên"
    OPINION_COLLABORATOR = "opinion_collaborator", "Cộng tác viên dư luận xã hội"


# Roles that work on a unit's records (and those of the units below it).
STAFF_ROLES = frozenset({Role.HEAD, Role.DEPUTY, Role.SPECIALIST, Role.CLERK, Role.EDITOR, Role.REVIEWER})

# The group that opens the Wagtail admin to staff (created by migration 0004). The role services keep
# its members in step with the staff roles: in it from a staff role's assignment, out of it when the
# person's last current or coming staff role ends. What they reach inside is decided by the roles.
STAFF_GROUP = "Cán bộ đơn vị"


class RoleAssignment(models.Model):
    """A person holds a role in a unit for a time, by a decision."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người", on_delete=models.CASCADE, related_name="unit_roles"
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến ngày", null=True, blank=True)
    decision = models.CharField("quyết định", max_length=255, blank=True, help_text="Ví dụ: Quyết định số 12-QĐ/TU")

    class Meta:
        verbose_name = "phân công vai trò"
        verbose_name_plural = "phân công vai trò"
        ordering = ["unit__path", "role", "valid_from"]
        indexes = [models.Index(fields=["user", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    def clean(self):
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "Ngày kết thúc không được trước ngày bắt đầu."})


class UnitImport(models.Model):
    """One imported XLSX file; its SHA-256 refuses the same file a second time."""

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    file_name = models.CharField("tên tệp", max_length=255)
    unit_count = models.PositiveIntegerField("số đơn vị đã nhập")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField("thời điểm nhập", auto_now_add=True)

    class Meta:
        verbose_name = "lần nhập cây đơn vị"
        verbose_name_plural = "các lần nhập cây đơn vị"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.file_name

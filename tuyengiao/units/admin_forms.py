"""Forms of the unit admin. Every unit choice is limited to the units the user may work on."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from .choosers import UnitChooserWidget, UserChooserWidget
from .selectors import active_q, units_visible_to

MAX_SPLIT_PARTS = 20


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def non_field_messages(form: forms.BaseForm) -> list[str]:
    return list(form.errors.get(NON_FIELD_ERRORS, []))


class UnitCreateForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(
        label="Trực thuộc",
        queryset=units_visible_to(None),
        required=False,
        widget=UnitChooserWidget(),
        help_text="Đơn vị cấp trên. Chỉ quản trị hệ thống được để trống (tạo đơn vị gốc).",
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["parent"].queryset = units_visible_to(for_user).filter(active_q())
        if not (for_user and for_user.is_superuser):
            self.fields["parent"].required = True
            self.fields["parent"].help_text = "Đơn vị cấp trên, trong phạm vi bạn phụ trách."
            self.fields["parent"].error_messages["required"] = "Vui lòng chọn đơn vị cấp trên."
        if "groups" in self.fields:
            self.fields["groups"].widget = forms.CheckboxSelectMultiple(choices=self.fields["groups"].choices)


class UnitEditForm(WagtailAdminModelForm):
    """Details of the unit. Its end date and successor come from close/merge; superusers may correct them."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user and for_user.is_superuser:
            if "successor" in self.fields:
                self.fields["successor"].queryset = units_visible_to(for_user)
        else:
            self.fields.pop("valid_to", None)
            self.fields.pop("successor", None)
        if "groups" in self.fields:
            self.fields["groups"].widget = forms.CheckboxSelectMultiple(choices=self.fields["groups"].choices)

    def clean_successor(self):
        successor = self.cleaned_data.get("successor")
        if successor is not None and successor.pk == self.instance.pk:
            raise forms.ValidationError("Đơn vị không thể kế thừa chính nó.")
        return successor


class UnitChoiceField(forms.ModelChoiceField):
    def __init__(self, *, user, label, help_text="", active_only=True):
        queryset = units_visible_to(user)
        if active_only:
            queryset = queryset.filter(active_q())
        super().__init__(
            queryset=queryset,
            label=label,
            widget=UnitChooserWidget(),
            help_text=help_text,
            error_messages={
                "required": "Vui lòng chọn đơn vị.",
                "invalid_choice": "Đơn vị đã chọn không có trong phạm vi bạn phụ trách hoặc đã ngừng hoạt động.",
            },
        )


class DateInput(forms.DateField):
    def __init__(self, *, label, help_text=""):
        super().__init__(
            label=label,
            help_text=help_text or "Dạng dd/mm/yyyy.",
            widget=AdminDateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            error_messages={"required": "Vui lòng nhập ngày.", "invalid": "Ngày không hợp lệ (dạng dd/mm/yyyy)."},
        )


class MoveForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = UnitChoiceField(
            user=user, label="Chuyển về trực thuộc", help_text="Đơn vị cấp trên mới (không thể là đơn vị cấp dưới)."
        )


class CloseForm(forms.Form):
    on = DateInput(
        label="Ngừng hoạt động từ ngày", help_text="Dạng dd/mm/yyyy. Đơn vị hoạt động đến hết ngày hôm trước."
    )


class MergeForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = UnitChoiceField(
            user=user,
            label="Sáp nhập vào",
            help_text="Đơn vị nhận (đang hoạt động, không phải đơn vị cấp dưới của đơn vị bị sáp nhập).",
            active_only=False,  # a closed target gets the service's precise message
        )
        self.fields["on"] = DateInput(
            label="Sáp nhập từ ngày",
            help_text="Dạng dd/mm/yyyy. Từ ngày này, số liệu của đơn vị bị sáp nhập tính cho đơn vị nhận.",
        )


class SplitForm(forms.Form):
    names = forms.CharField(
        label="Tên các đơn vị mới",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi dòng một tên; ít nhất hai đơn vị.",
        error_messages={"required": "Vui lòng nhập tên các đơn vị mới."},
    )
    short_code = forms.CharField(
        label="Ký hiệu của các đơn vị mới", required=False, max_length=32, help_text="Để trống: giữ ký hiệu cũ."
    )
    on = DateInput(label="Chia tách từ ngày")

    def clean_names(self):
        names = [" ".join(line.split()) for line in self.cleaned_data["names"].splitlines()]
        names = [name for name in names if name]
        if len(names) > MAX_SPLIT_PARTS:
            raise forms.ValidationError(f"Tối đa {MAX_SPLIT_PARTS} đơn vị mới một lần.")
        return names

    def parts(self) -> list[dict]:
        code = self.cleaned_data.get("short_code", "")
        return [{"name": name, "short_code": code} for name in self.cleaned_data["names"]]


class RoleAssignmentCreateForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["user"].widget = UserChooserWidget()
        self.fields["unit"].queryset = units_visible_to(for_user).filter(active_q())
        self.fields["unit"].widget = UnitChooserWidget()


class RoleAssignmentEditForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["unit"].queryset = units_visible_to(for_user)
        self.fields["unit"].widget = UnitChooserWidget()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text=f"Theo tệp mẫu. Tối đa {settings.UPLOAD_IMPORT_MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Vui lòng chọn tệp để nhập.", "empty": "Tệp rỗng."},
    )

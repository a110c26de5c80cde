from __future__ import annotations

from django import forms

DATE_FORMAT = "%d/%m/%Y"
DATE_ERROR = "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 08/07/2022."


class QueryField(forms.CharField):
    """Any text is a query: control characters (even NUL) become spaces instead of a form error."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(ch if ch.isprintable() else " " for ch in value).strip()


class SearchForm(forms.Form):
    """Query and optional filters. The query itself never fails validation: any text is searchable."""

    q = QueryField(label="Từ khóa", required=False)
    category = forms.TypedChoiceField(label="Chuyên mục", required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(
        label="Từ ngày",
        required=False,
        input_formats=[DATE_FORMAT],
        error_messages={"invalid": DATE_ERROR},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}),
    )
    date_to = forms.DateField(
        label="Đến ngày",
        required=False,
        input_formats=[DATE_FORMAT],
        error_messages={"invalid": DATE_ERROR},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.pk: category for category in categories}
        field = self.fields["category"]
        field.choices = [("", "Tất cả chuyên mục")] + [
            (category.pk, "— " * max(0, category.depth - 3) + category.title) for category in categories
        ]
        field.error_messages["invalid_choice"] = "Chuyên mục không có trên cổng này."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“Đến ngày” phải sau hoặc trùng “Từ ngày”.")
        return cleaned

    @property
    def selected_category(self):
        return self.categories.get(self.cleaned_data.get("category")) if self.is_valid() else None

from django import forms

from .models import ArticlePage, Comment, CommentStatus
from .services import EDITORIAL_NAME

NAME_MAX = 100
BODY_MAX = 3000


class CommentForm(forms.Form):
    """A reader's comment; every message is Vietnamese whatever the active language."""

    name = forms.CharField(
        label="Họ và tên",
        max_length=NAME_MAX,
        error_messages={
            "required": "Vui lòng nhập họ và tên.",
            "max_length": f"Họ và tên dài quá {NAME_MAX} ký tự.",
        },
    )
    email = forms.EmailField(
        label="Thư điện tử (không bắt buộc, không hiển thị)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten@example.vn).",
            "max_length": "Địa chỉ thư điện tử quá dài.",
        },
    )
    body = forms.CharField(
        label="Nội dung bình luận",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=BODY_MAX,
        error_messages={
            "required": "Vui lòng nhập nội dung bình luận.",
            "max_length": f"Nội dung bình luận dài quá {BODY_MAX} ký tự (hiện có %(show_value)d ký tự).",
        },
    )
    parent = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Bình luận được trả lời không tồn tại."},
    )
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(label="Để trống ô này", required=False)

    def __init__(self, *args, article: ArticlePage, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Vui lòng nhập họ và tên.")
        if name.casefold() == EDITORIAL_NAME.casefold():
            raise forms.ValidationError(f"Tên “{EDITORIAL_NAME}” chỉ dành cho trả lời của ban biên tập.")
        return name

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 2:
            raise forms.ValidationError("Vui lòng nhập nội dung bình luận.")
        return body

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = (
            Comment.objects.filter(pk=parent_id, page=self.article, status=CommentStatus.APPROVED)
            .select_related("parent")
            .first()
        )
        if parent is not None and parent.parent_id is not None and parent.parent.status != CommentStatus.APPROVED:
            parent = None
        if parent is None:
            raise forms.ValidationError(
                "Bình luận bạn muốn trả lời không tồn tại hoặc chưa được duyệt. Bạn có thể gửi thành bình luận mới."
            )
        # The page shows one level of replies: an answer to a reply joins the same thread.
        if parent.parent_id is not None:
            parent = parent.parent
        return parent

from django import forms

from .models import ArticlePage, Comment, CommentStatus


class CommentForm(forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=100)
    email = forms.EmailField(label="Thư điện tử (không bắt buộc, không hiển thị)", required=False, max_length=254)
    body = forms.CharField(label="Nội dung bình luận", widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(label="Để trống ô này", required=False)

    def __init__(self, *args, article: ArticlePage, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Vui lòng nhập họ và tên.")
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
        parent = Comment.objects.filter(pk=parent_id, page=self.article, status=CommentStatus.APPROVED).first()
        if parent is None:
            raise forms.ValidationError("Bình luận được trả lời không tồn tại.")
        return parent

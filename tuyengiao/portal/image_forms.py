"""Image upload form that refuses broken files instead of failing with HTTP 500.

Wagtail checks only an image's header on upload: a truncated or corrupt JPEG
passes the format check and then crashes the upload view (Pillow raises
OSError while reading its size) or every page that shows it (wagtail/wagtail
issue #1354). We decode the whole image once, after Wagtail's own size, format
and pixel-count checks have passed, so the cost is bounded by
WAGTAILIMAGES_MAX_IMAGE_PIXELS.

Then the checks every upload gets (`tuyengiao.core.uploads`: the content must
be the image its extension says, never SVG or HTML; a safe stored name).
A decompression bomb (a small file declaring a huge picture) gets a message,
not a 500, wherever Pillow notices it.

Enabled with WAGTAILIMAGES_IMAGE_FORM_BASE = "tuyengiao.portal.image_forms.ImageForm".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from tuyengiao.core import uploads

BROKEN_IMAGE_MESSAGE = (
    "Tệp ảnh bị hỏng hoặc chưa được tải lên trọn vẹn. Vui lòng kiểm tra lại tệp (mở thử trên máy) rồi tải lên lần nữa."
)
BOMB_MESSAGE = (
    "Ảnh có kích thước điểm ảnh quá lớn để xử lý (dấu hiệu “bom giải nén”). "
    "Hãy thu nhỏ ảnh (ví dụ dưới 6000 × 6000 điểm ảnh) rồi tải lên lại."
)
BOMBS = (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning)


class CompleteImageField(WagtailImageField):
    def to_python(self, data):
        try:
            uploaded = super().to_python(data)
        except ValidationError:
            raise
        except BOMBS as exc:
            raise ValidationError(BOMB_MESSAGE, code="decompression_bomb") from exc
        except (OSError, SyntaxError, ValueError) as exc:  # Pillow's ways of saying "broken file"
            raise ValidationError(BROKEN_IMAGE_MESSAGE, code="broken_image") from exc
        if uploaded is not None:
            uploaded.name = uploads.check_upload(uploaded, kind=uploads.IMAGES).name  # before Pillow decodes it
            self.check_image_decodes(uploaded)
        return uploaded

    def check_image_decodes(self, uploaded) -> None:
        uploaded.seek(0)
        try:
            with PILImage.open(uploaded) as image:
                image.load()
        except BOMBS as exc:
            raise ValidationError(BOMB_MESSAGE, code="decompression_bomb") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(BROKEN_IMAGE_MESSAGE, code="broken_image") from exc
        finally:
            uploaded.seek(0)


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, CompleteImageField):
            # Built per form like Wagtail's own field, so size limits follow the current settings.
            self.fields["file"] = CompleteImageField(
                label=field.label, required=field.required, widget=field.widget, max_length=field.max_length
            )

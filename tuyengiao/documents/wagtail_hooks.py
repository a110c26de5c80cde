"""Admin menu group "Văn bản" (documents, and their types, issuers, terms and fields); who may download their files."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from tuyengiao.units.scoped_admin import UnitScopedPermissionPolicy

from . import selectors
from .models import Document

# Before the viewsets register, so they pick this policy up instead of Django model permissions:
# staff roles in units, not groups; the documents of their unit subtree (superusers everything).
register_permission_policy(Document, UnitScopedPermissionPolicy(Document, visible=selectors.documents_visible_to))

from .admin_views import DocumentsGroup, document_chooser_viewset  # noqa: E402


@hooks.register("register_admin_viewset")
def register_document_viewsets():
    return [document_chooser_viewset, DocumentsGroup()]


@hooks.register("before_serve_document")
def serve_party_files_by_rights(file, request):
    """The files of non-public documents: only to their unit's staff (Wagtail's /documents/<id>/<name> URL).

    Signed out: to the sign-in page and back. Signed in elsewhere: 403. The
    public pages serve the files of public documents themselves (views.py).
    """
    access = selectors.file_access(file=file, user=request.user)
    if access == selectors.FileAccess.SIGN_IN:
        return redirect_to_login(request.get_full_path())
    if access == selectors.FileAccess.DENIED:
        return HttpResponseForbidden(
            "Bạn không có quyền tải tệp này: tệp thuộc văn bản không công khai của đơn vị khác.",
            content_type="text/plain; charset=utf-8",
        )
    return None

"""Admin menu group "Văn bản" (documents, and their types, issuers, terms and fields); who may download their files."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.permissions import policy_registry, register_permission_policy

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


class ChoosableDocumentsAPIViewSet(DocumentsAdminAPIViewSet):
    """The admin API's files: only those the user may choose, as in the file chooser.

    Wagtail's own endpoint (/admin/api/main/documents/) lists every file to
    anyone signed in to the admin, so the titles of a unit's non-public
    files reached the staff of every other unit.
    """

    def get_queryset(self):
        policy = policy_registry.get_by_type(get_document_model())
        choosable = policy.instances_user_has_any_permission_for(self.request.user, ["choose"])
        return super().get_queryset().filter(pk__in=choosable.values("pk"))


@hooks.register("construct_admin_api", order=1)  # after Wagtail's own registration, which this replaces
def register_choosable_documents_api(router):
    router.register_endpoint("documents", ChoosableDocumentsAPIViewSet)

"""Admin menu group "Văn bản": documents, and their types, issuers, terms and fields."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Document
from .permissions import DocumentPermissionPolicy

# Before the viewsets register, so they pick this policy up instead of Django model permissions.
register_permission_policy(Document, DocumentPermissionPolicy(Document))

from .admin_views import DocumentsGroup, document_chooser_viewset  # noqa: E402


@hooks.register("register_admin_viewset")
def register_document_viewsets():
    return [document_chooser_viewset, DocumentsGroup()]

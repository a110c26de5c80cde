"""Portal entries in the Wagtail admin: the comment moderation queue and event topics; who reaches pages and images."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin_views import (
    ApproveBulkAction,
    CommentDeleteBulkAction,
    CommentPermissionPolicy,
    CommentViewSet,
    RejectBulkAction,
    SpamBulkAction,
    TopicViewSet,
)
from .models import Comment

# Before the viewset registers, so it picks this policy up instead of the default one.
register_permission_policy(Comment, CommentPermissionPolicy(Comment))
register_snippet(CommentViewSet)
register_snippet(TopicViewSet)

for action in (ApproveBulkAction, RejectBulkAction, SpamBulkAction):
    hooks.register("register_bulk_action", action)
# order=1: runs after wagtail.snippets' own DeleteBulkAction, so ours wins for comments.
hooks.register("register_bulk_action", CommentDeleteBulkAction, order=1)


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    actions.register_action("portal.comment.approved", "Duyệt bình luận", "Đã duyệt bình luận")
    actions.register_action("portal.comment.rejected", "Từ chối bình luận", "Đã từ chối bình luận")
    actions.register_action("portal.comment.spam", "Đánh dấu thư rác", "Đã đánh dấu là thư rác")
    actions.register_action("portal.comment.pending", "Chuyển về chờ duyệt", "Đã chuyển về chờ duyệt")


# --- pages and images: Wagtail shows some of them to anyone signed in to the admin ----------------------------------


@hooks.register("construct_page_chooser_queryset")
def only_explorable_pages(pages, request):
    """The page chooser lists only pages the user may explore (Wagtail lists every page, drafts' titles included).

    A parent page given in the URL that the user may not explore is a 404: its title heads the list.
    """
    explorable = policy_registry.get_by_type(Page).explorable_instances(request.user)
    match = request.resolver_match
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id is not None and not explorable.filter(pk=parent_id).exists():
        raise Http404
    return pages.filter(pk__in=explorable.values("pk"))


@hooks.register("before_move_page")
def refuse_move_confirmation_without_rights(request, page, destination):
    """Wagtail checks the right to move only when the move is posted; its confirmation page showed any page's title."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


class ChoosableImagesAPIViewSet(ImagesAdminAPIViewSet):
    """The admin API's images: only those the user may choose, as in the image chooser (Wagtail lists all)."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(get_image_model())
        choosable = policy.instances_user_has_any_permission_for(self.request.user, ["choose"])
        return super().get_queryset().filter(pk__in=choosable.values("pk"))


@hooks.register("construct_admin_api", order=1)  # after Wagtail's own registration, which this replaces
def register_choosable_images_api(router):
    router.register_endpoint("images", ChoosableImagesAPIViewSet)

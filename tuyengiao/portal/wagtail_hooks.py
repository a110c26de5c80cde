"""Portal entries in the Wagtail admin: the comment moderation queue and event topics."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
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

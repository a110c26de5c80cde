"""Writes for the portal: comments and their moderation."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import ArticlePage, Comment, CommentModeration, CommentStatus, PortalSettings


@dataclass
class CommentResult:
    comment: Comment | None
    rate_limited_for: int = 0  # seconds the client must wait
    closed: bool = False  # the portal does not take comments


def client_address(request) -> str:
    # Behind nginx the real client is in X-Real-IP (set by our deploy config only).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "")


def client_hash(address: str) -> str:
    """Keyed hash of a client address: enough to rate-limit, never the address itself."""
    return hmac.new(settings.CLIENT_HASH_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _rate_limit_wait(key: str) -> int:
    """Seconds to wait if this client has used up its comments for the window, else 0."""
    window = settings.COMMENT_RATE_WINDOW_SECONDS
    now = timezone.now().timestamp()
    stamps = [t for t in cache.get(key, []) if t > now - window]
    if len(stamps) >= settings.COMMENT_RATE_LIMIT:
        return max(1, math.ceil(stamps[0] + window - now))
    stamps.append(now)
    cache.set(key, stamps, window)
    return 0


def comment_submit(
    *,
    article: ArticlePage,
    name: str,
    body: str,
    email: str = "",
    parent: Comment | None = None,
    user=None,
    client_address: str = "",
    honeypot: str = "",
) -> CommentResult:
    """Store a reader's comment, pending or approved by the portal's moderation mode.

    Defences: a honeypot field (bots get a normal-looking answer and nothing
    is stored), a per-client rate limit on a keyed hash of the address, and
    escaping on output (templates never mark comment text safe).
    """
    if honeypot:
        return CommentResult(comment=None)
    site = article.get_site()
    portal = PortalSettings.for_site(site) if site else None
    if portal is not None and not portal.comments_enabled:
        return CommentResult(comment=None, closed=True)
    hashed = client_hash(client_address)
    wait = _rate_limit_wait(f"tg:comment-rate:{hashed}")
    if wait:
        return CommentResult(comment=None, rate_limited_for=wait)
    mode = portal.comment_moderation if portal else CommentModeration.ALL
    approved = mode == CommentModeration.NONE or (mode == CommentModeration.GUESTS and user is not None)
    with transaction.atomic():
        comment = Comment.objects.create(
            page=article,
            parent=parent,
            name=name,
            email=email,
            body=body,
            user=user,
            client_hash=hashed,
            status=CommentStatus.APPROVED if approved else CommentStatus.PENDING,
            moderated_at=timezone.now() if approved else None,
        )
        if approved:
            transaction.on_commit(lambda: _comments_changed(article.pk))
    return CommentResult(comment=comment)


EDITORIAL_NAME = "Ban biên tập"


def comment_moderate(*, comment: Comment, status: str, user=None) -> Comment:
    """Approve, reject or mark a comment as spam; readers see the change at once."""
    if status not in CommentStatus.values:
        raise ValueError(f"Unknown comment status: {status!r}")
    with transaction.atomic():
        comment.status = status
        comment.moderated_at = timezone.now()
        comment.save(update_fields=["status", "moderated_at"])
        log(comment, f"portal.comment.{status}", user=user)
        transaction.on_commit(lambda: _comments_changed(comment.page_id))
    return comment


def comment_edit(*, comment: Comment, name: str, body: str, status: str, user=None) -> Comment:
    """A moderator's correction of a comment (e.g. removing personal data before approval)."""
    with transaction.atomic():
        status_changed = comment.status != status
        comment.name = name
        comment.body = body
        comment.status = status
        fields = ["name", "body", "status"]
        if status_changed:
            comment.moderated_at = timezone.now()
            fields.append("moderated_at")
        comment.save(update_fields=fields)
        log(comment, "wagtail.edit", user=user)
        transaction.on_commit(lambda: _comments_changed(comment.page_id))
    return comment


def comment_delete(*, comments: list[Comment], user=None) -> int:
    """Delete comments (and their replies) for good; rejecting keeps a record, this does not."""
    page_ids = {comment.page_id for comment in comments}
    with transaction.atomic():
        for comment in comments:
            log(comment, "wagtail.delete", user=user)
        deleted = (
            Comment.objects.filter(pk__in=[comment.pk for comment in comments]).delete()[1].get(Comment._meta.label, 0)
        )
        transaction.on_commit(lambda: [_comments_changed(page_id) for page_id in page_ids])
    return deleted


def comment_reply_as_editors(*, parent: Comment, body: str, user) -> Comment:
    """An approved reply signed "Ban biên tập" under an approved top-level comment."""
    if parent.status != CommentStatus.APPROVED:
        raise ValueError("Only approved comments can be answered.")
    if parent.parent_id:
        parent = parent.parent  # one level of replies, as on the public page
    with transaction.atomic():
        reply = Comment.objects.create(
            page_id=parent.page_id,
            parent=parent,
            name=EDITORIAL_NAME,
            body=body,
            user=user,
            status=CommentStatus.APPROVED,
            moderated_at=timezone.now(),
        )
        log(reply, "wagtail.create", user=user)
        transaction.on_commit(lambda: _comments_changed(parent.page_id))
    return reply


def _comments_changed(page_id: int) -> None:
    from . import pagecache

    pagecache.invalidate(page_id)


# --- Readers' data retention ---------------------------------------------------------------------

READER_DATA_PURGE_LOCK = "tg:reader-data-purge"


def reader_data_purge(*, now=None) -> int:
    """Clear the client-address hash and the e-mail of comments older than READER_DATA_RETENTION_DAYS.

    The comment itself (name, text, status) stays; returns how many comments were cleared.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.READER_DATA_RETENTION_DAYS)
    with transaction.atomic():
        stale = Comment.objects.filter(created_at__lt=cutoff).exclude(client_hash="", email="")
        return stale.update(client_hash="", email="")


def reader_data_purge_if_due() -> int:
    """Once a day per cache (the scheduler calls this every round); 0 when already done today."""
    if not cache.add(READER_DATA_PURGE_LOCK, "1", timeout=24 * 3600):
        return 0
    return reader_data_purge()

"""Writes for the portal: comments and their moderation."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import ArticlePage, Comment, CommentModeration, CommentStatus, PortalSettings


@dataclass
class CommentResult:
    comment: Comment | None
    rate_limited_for: int = 0  # seconds the client must wait


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
        return max(1, int(stamps[0] + window - now))
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
    hashed = client_hash(client_address)
    wait = _rate_limit_wait(f"tg:comment-rate:{hashed}")
    if wait:
        return CommentResult(comment=None, rate_limited_for=wait)
    site = article.get_site()
    mode = PortalSettings.for_site(site).comment_moderation if site else CommentModeration.ALL
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


def comment_moderate(*, comment: Comment, status: str) -> Comment:
    with transaction.atomic():
        comment.status = status
        comment.moderated_at = timezone.now()
        comment.save(update_fields=["status", "moderated_at"])
        transaction.on_commit(lambda: _comments_changed(comment.page_id))
    return comment


def _comments_changed(page_id: int) -> None:
    from . import pagecache

    pagecache.invalidate(page_id)

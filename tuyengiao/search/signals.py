"""Keep the search index in step with what readers can see.

Publishing (also an edit published again, or a scheduled publication)
reindexes the article; unpublishing or deleting removes it; moving a page
reindexes the articles under it (their scope changes). Nothing here saves a
page.

An indexing error never stops an editor from publishing: it is logged, the
index change is rolled back to its savepoint, and `rebuild_search_index`
catches up. With a background worker the change is enqueued when the
transaction commits and the worker applies it (retried on error).
"""

import logging

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from tuyengiao.portal.models import ArticlePage
from tuyengiao.worker.queue import enqueue_after_commit

from . import services

logger = logging.getLogger(__name__)


def _safely(action, page_ids):
    # With a background worker (CELERY_BROKER_URL) the index is updated there, after the commit.
    if enqueue_after_commit(f"tuyengiao.search.{action.__name__}", page_ids, fallback=lambda: action(page_ids)):
        return
    try:
        action(page_ids)
    except Exception:
        logger.exception("Không cập nhật được chỉ mục tìm kiếm cho trang %s; hãy chạy rebuild_search_index.", page_ids)


@receiver(page_published)
def _published(sender, instance, **kwargs):
    if isinstance(instance, ArticlePage):
        _safely(services.index_pages, [instance.pk])


@receiver(page_unpublished)
def _unpublished(sender, instance, **kwargs):
    if isinstance(instance, ArticlePage):
        _safely(services.remove_pages, [instance.pk])


@receiver(post_delete, sender=ArticlePage)
def _deleted(sender, instance, **kwargs):
    _safely(services.remove_pages, [instance.pk])


@receiver(post_page_move)
def _moved(sender, instance, **kwargs):
    ids = list(ArticlePage.objects.live().descendant_of(instance, inclusive=True).values_list("pk", flat=True))
    _safely(services.index_pages, ids)

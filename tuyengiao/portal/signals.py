"""Drop cached article HTML whenever what readers see may have changed."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import pagecache
from .models import ArticlePage


@receiver(page_published)
@receiver(page_unpublished)
def _article_changed(sender, instance, **kwargs):
    pagecache.invalidate(instance.pk)


@receiver(post_page_move)
def _page_moved(sender, instance, **kwargs):
    for page_id in ArticlePage.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True):
        pagecache.invalidate(page_id)


@receiver(post_delete, sender=ArticlePage)
def _article_deleted(sender, instance, **kwargs):
    pagecache.invalidate(instance.pk)

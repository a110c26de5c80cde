"""Drop cached HTML whenever what readers see may have changed.

An article's change shows on its portal's home page and on every category above it (their
lists, the home page's category boxes), so those are dropped with it; a category's change
(title, menu) shows on the categories above it and the home page too.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import pagecache, selectors
from .models import ArticlePage, CategoryPage


@receiver(page_published)
@receiver(page_unpublished)
def _page_changed(sender, instance, **kwargs):
    pagecache.invalidate(*{instance.pk, *selectors.listing_pages_showing(instance)})


@receiver(post_page_move)
def _page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    moved = Page.objects.descendant_of(instance, inclusive=True).type(ArticlePage, CategoryPage)
    page_ids = set(moved.values_list("pk", flat=True))
    for parent in (parent_page_before, parent_page_after):
        page_ids.update(selectors.listing_pages_showing(parent))
    pagecache.invalidate(*sorted(page_ids))


@receiver(post_delete, sender=ArticlePage)
@receiver(post_delete, sender=CategoryPage)
def _page_deleted(sender, instance, **kwargs):
    # The page's own row is gone; the pages above it that are left still list (or listed) it.
    pagecache.invalidate(*{instance.pk, *selectors.listing_pages_showing(instance)})

"""Front-cache refreshes Wagtail's signals do not give the app cache: a moved page's old URLs, deleted pages.

Publishing, unpublishing, moving and comment changes already reach `portal.pagecache.invalidate`,
which refreshes the pages' current URLs in nginx's cache too (an article's, its home page's and
its categories'); all of a transaction's refreshes go out together, each URL once.
"""

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from wagtail.signals import post_page_move

from tuyengiao.portal.models import ArticlePage, CategoryPage

from . import frontcache


@receiver(post_page_move)
def _moved(sender, instance, url_path_before, url_path_after, **kwargs):
    if not frontcache.enabled():
        return
    urls = []
    for page in ArticlePage.objects.live().descendant_of(instance, inclusive=True):
        site_id, root_url, relative = page.get_url_parts() or (None, None, None)
        if root_url is None or not page.url_path.startswith(url_path_after):
            continue
        old_url_path = url_path_before + page.url_path[len(url_path_after) :]
        # The site root's url_path is what the new url_path and the relative URL do not share.
        root_path = page.url_path[: len(page.url_path) - len(relative) + 1]
        if old_url_path.startswith(root_path):
            urls.append(root_url + "/" + old_url_path[len(root_path) :])
    frontcache.purge_urls(urls)


@receiver(pre_delete, sender=ArticlePage)
@receiver(pre_delete, sender=CategoryPage)
def _deleted(sender, instance, **kwargs):
    frontcache.purge_pages([instance])

"""RSS 2.0 feeds for a portal and for each category."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed

from . import selectors

FEED_SIZE = 30


class _ArticleFeed(Feed):
    feed_type = Rss201rev2Feed

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.byline or None

    def item_guid(self, item):
        return f"{item.get_site().root_url}/tin/{item.pk}/" if item.get_site() else str(item.pk)

    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)


class SiteFeed(_ArticleFeed):
    def get_object(self, request, home):
        return home

    def title(self, home):
        return home.title

    def link(self, home):
        return home.get_url(self.request)

    def description(self, home):
        return home.intro or f"Tin mới nhất của {home.title}"

    def items(self, home):
        return selectors.articles_under(home).prefetch_related("bylines")[:FEED_SIZE]


class CategoryFeed(_ArticleFeed):
    def get_object(self, request, category):
        return category

    def title(self, category):
        return category.title

    def link(self, category):
        return category.get_url(self.request)

    def description(self, category):
        return category.description or f"Tin mới nhất chuyên mục {category.title}"

    def items(self, category):
        return selectors.articles_under(category).prefetch_related("bylines")[:FEED_SIZE]

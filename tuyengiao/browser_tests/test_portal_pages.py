"""A reader opens the portal in a real browser: home, category, article, phone width."""

import re

import pytest
from playwright.sync_api import expect

from tuyengiao.conftest import make_article
from tuyengiao.portal.selectors import PAGE_SIZE

pytestmark = pytest.mark.browser

META_LINE = re.compile(r"^(Thứ (hai|ba|tư|năm|sáu|bảy)|Chủ nhật) - \d{2}/\d{2}/\d{4} \d{2}:\d{2}")


def test_home_page_shows_title_navigation_and_articles(page, page_log, news_article, axe, screenshot):
    page.goto("/")
    expect(page).to_have_title(re.compile("Cổng thử nghiệm"))
    nav = page.get_by_role("navigation", name="Chuyên mục")
    expect(nav.get_by_role("link", name="Trang chủ")).to_be_visible()
    expect(nav.get_by_role("link", name="Tin hoạt động")).to_be_visible()
    card = page.locator("article.card").filter(has_text=news_article.title).first
    expect(card).to_be_visible()
    expect(card.locator("img")).to_have_js_property("complete", True)
    assert card.locator("img").evaluate("img => img.naturalWidth") > 0, "the card's cover image did not load"
    assert page.locator("link[rel=stylesheet]").evaluate("link => link.sheet.cssRules.length") > 0, "no CSS"
    screenshot(page)
    axe(page)
    assert page_log.failed_responses == []

    card.get_by_role("link", name=news_article.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(news_article.title)


def test_category_page_lists_articles_with_pagination(page, page_log, portal, category, axe, screenshot):
    titles = [f"Tin hoạt động số {n:02d}" for n in range(1, PAGE_SIZE + 2)]
    for n, title in enumerate(titles, start=1):
        make_article(category, title=title, slug=f"tin-so-{n:02d}")

    page.goto(category.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tin hoạt động")
    expect(page.locator("article.card")).to_have_count(PAGE_SIZE)
    pagination = page.get_by_role("navigation", name="Phân trang")
    expect(pagination).to_contain_text("Trang 1 / 2")
    screenshot(page)
    axe(page)

    pagination.get_by_role("link", name="Trang sau »").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(page.locator("article.card")).to_have_count(len(titles) - PAGE_SIZE)
    # make_article publishes the same instant, so the first one created is the oldest (last page).
    expect(page.locator("article.card").first).to_contain_text(titles[0])
    expect(pagination).to_contain_text("Trang 2 / 2")
    screenshot(page, "test_category_page_lists_articles_with_pagination-page2")
    assert page_log.failed_responses == []


def test_article_page_shows_what_vietnamese_readers_expect(page, page_log, news_article, axe, screenshot):
    page.goto(news_article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(news_article.title)
    meta = page.locator(".article__meta")
    assert META_LINE.match(meta.inner_text().strip()), meta.inner_text()
    expect(meta.locator("time")).to_have_text("Thứ sáu - 08/07/2022 04:06")
    # This browser is the first reader: its view is counted and shown.
    expect(meta.locator("[data-view-count]")).to_have_text("1")
    # Two approved comments; the pending one is not counted.
    expect(meta.locator("[data-comment-count]")).to_have_text("2")
    expect(page.locator(".article__byline")).to_have_text("Tin, ảnh: Lê Thuý")

    figure = page.locator(".article__body figure")
    figure.scroll_into_view_if_needed()
    expect(figure.locator("figcaption")).to_have_text("Quang cảnh hội nghị. Ảnh: Lê Thuý")
    image = figure.get_by_role("img", name="Quang cảnh hội nghị")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    screenshot(page)
    axe(page)
    assert page_log.failed_responses == []


def test_article_fits_a_phone_screen(new_page, page_log, news_article, screenshot):
    page = new_page(viewport={"width": 375, "height": 812})
    page.goto(news_article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(news_article.title)
    expect(page.locator("[data-view-count]")).to_have_text(re.compile(r"^\d+$"))
    page.locator(".article__body figure img").scroll_into_view_if_needed()
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    screenshot(page, "article-375")
    assert scroll_width <= 375, f"the page scrolls sideways on a phone: {scroll_width}px wide"
    assert page_log.failed_responses == []

"""The index follows what readers can see: publish, unpublish, edit, delete, move."""

from tuyengiao.portal.models import CategoryPage
from tuyengiao.search import engine
from tuyengiao.search.tests.conftest import found, publish


def test_published_article_is_found_and_unpublished_one_is_not(client, category):
    article = publish(category, "Ra mắt mô hình dân vận khéo")
    assert found(client, "dan van kheo") == [article.pk]

    article.unpublish()
    assert found(client, "dan van kheo") == []

    article.save_revision().publish()
    assert found(client, "dan van kheo") == [article.pk]


def test_an_edit_counts_once_published(client, category):
    article = publish(category, "Hội thi tuyên truyền viên giỏi")

    article.title = "Hội thi báo cáo viên giỏi"
    article.save_revision()  # a draft: readers still see the old title
    assert found(client, "tuyên truyền viên") == [article.pk]
    assert found(client, "báo cáo viên") == []

    article.get_latest_revision().publish()
    assert found(client, "tuyên truyền viên") == []
    assert found(client, "báo cáo viên") == [article.pk]


def test_deleted_article_leaves_the_index(client, category):
    article = publish(category, "Lễ kết nạp đảng viên mới")
    page_id = article.pk

    article.delete()

    assert found(client, "ket nap") == []
    assert engine.get_index().stored([page_id]) == {}


def test_deleting_a_category_removes_its_articles(client, home, category):
    article = publish(category, "Lễ kết nạp đảng viên mới")

    category.delete()

    assert found(client, "ket nap") == []
    assert engine.get_index().stored([article.pk]) == {}


def test_moved_article_is_found_under_its_new_category(client, home, category):
    other = CategoryPage(title="Xây dựng Đảng", slug="xay-dung-dang")
    home.add_child(instance=other)
    other.save_revision().publish()
    article = publish(category, "Lễ kết nạp đảng viên mới")

    article.move(other, pos="last-child")

    assert found(client, "ket nap", category=other.pk) == [article.pk]
    assert found(client, "ket nap", category=category.pk) == []


def test_an_indexing_failure_never_blocks_publishing(client, category, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(engine, "get_index", broken)
    article = publish(category, "Lễ kết nạp đảng viên mới")

    assert article.live
    assert "rebuild_search_index" in caplog.text

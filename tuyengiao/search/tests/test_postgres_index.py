"""PostgreSQL specifics that readers do not see but the rest of a request would."""

import pytest
from django.db import connection, transaction

from tuyengiao.search import engine
from tuyengiao.search.tests.conftest import found, publish

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL index only")


def test_a_search_inside_a_transaction_leaves_planner_settings_as_they_were(client, category):
    article = publish(category, "Hội nghị báo cáo viên", day=1)
    with transaction.atomic(), connection.cursor() as cursor:
        assert [hit.page_id for hit in engine.Search.of("bao cao vien")[0:20]] == [article.pk]
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
        assert cursor.fetchone() == ("on", "on")


def test_a_new_quarter_gets_its_partition_and_an_edit_moves_the_article(client, category):
    index = engine.get_index()
    spring = publish(category, "Ra quân chiến dịch mùa hè xanh", day=1)  # March 2024
    assert [name.removeprefix(index.tsv) for name in index.partitions()] == ["_p2024_01"]

    spring.published_at = spring.published_at.replace(year=2025, month=7)
    spring.save_revision().publish()

    assert [name.removeprefix(index.tsv) for name in index.partitions()] == ["_p2024_01", "_p2025_07"]
    assert found(client, '"mua he xanh"') == [spring.pk]
    assert found(client, "chien dich", date_to="31/12/2024") == []

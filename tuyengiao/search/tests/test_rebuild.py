"""`manage.py rebuild_search_index`: a fresh index swapped in, catching up with changes made meanwhile."""

from io import StringIO

from django.core.management import call_command

from tuyengiao.search import engine, services
from tuyengiao.search.tests.conftest import found, publish


def test_rebuild_restores_a_damaged_index(client, category):
    articles = [publish(category, f"Hội thi tuyên truyền viên lần {n}", day=n) for n in range(1, 4)]
    engine.get_index().remove([articles[0].pk])  # e.g. rows lost in a restore
    assert len(found(client, "tuyen truyen vien")) == 2

    out, err = StringIO(), StringIO()
    call_command("rebuild_search_index", "--batch", "2", stdout=out, stderr=err)

    assert "Đã lập chỉ mục 3 bài viết" in out.getvalue()
    assert "Lập chỉ mục" in err.getvalue()
    assert found(client, "tuyen truyen vien") == [a.pk for a in reversed(articles)]


def test_changes_during_a_rebuild_are_not_lost(client, category):
    kept = publish(category, "Hội thi tuyên truyền viên giỏi", day=1)
    unpublished = publish(category, "Hội thi tuyên truyền viên nhí", day=2)
    edited = publish(category, "Hội thi tuyên truyền viên trẻ", day=3)
    added = []

    def meanwhile(_count):
        # Editors keep working while the fresh index is being filled.
        if not added:
            unpublished.unpublish()
            edited.title = "Hội thi báo cáo viên trẻ"
            edited.save_revision().publish()
            added.append(publish(category, "Hội thi tuyên truyền viên khối trường học", day=4))

    report = services.rebuild_index(on_batch=meanwhile, batch=1)

    assert report.documents == 3
    assert found(client, "tuyen truyen vien") == [added[0].pk, kept.pk]
    assert found(client, "bao cao vien") == [edited.pk]
    assert engine.get_index(suffix=services.FRESH_SUFFIX).exists() is False

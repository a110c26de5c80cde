"""`manage.py import_articles`: valid Wagtail pages, published, searchable; all or nothing."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page

from tuyengiao.conftest import make_article
from tuyengiao.portal.models import ArticlePage, CategoryPage
from tuyengiao.search import engine
from tuyengiao.search.tests.conftest import found


def write_lines(tmp_path, *rows):
    path = tmp_path / "bai.jsonl"
    path.write_text(
        "\n".join(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows) + "\n",
        encoding="utf-8",
    )
    return path


def article_line(**fields):
    line = {
        "title": "Hội nghị báo cáo viên tháng 3",
        "lead": "Sáng 5/3, Ban Tuyên giáo tổ chức hội nghị.",
        "body": "<p>Hội nghị trực tuyến với <b>12 điểm cầu</b>.</p><script>alert(1)</script>",
        "published_at": "2024-03-05T08:30:00+07:00",
        "byline": "Tin, ảnh: Lê Thuý; video: Trần An",
        "tags": ["báo cáo viên", "hội nghị"],
    }
    line.update(fields)
    return line


def run_import(path):
    out, err = StringIO(), StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imported_articles_are_published_wagtail_pages(client, category, tmp_path):
    second = CategoryPage(title="Văn hoá", slug="van-hoa")
    category.get_parent().add_child(instance=second)
    second.save_revision().publish()
    path = write_lines(
        tmp_path,
        article_line(),
        article_line(
            title="Gìn giữ bản sắc văn hoá", body="<p>Hội diễn văn nghệ.</p>", category="van-hoa", site="testserver"
        ),
        article_line(),  # same title: another slug
    )

    out, err = run_import(path)

    assert "Đã nhập và đăng 3 bài viết." in out
    assert "Nhập bài" in err  # progress
    first, culture, again = ArticlePage.objects.order_by("pk")
    assert (first.get_parent().pk, culture.get_parent().pk) == (category.pk, second.pk)
    assert first.live and not first.has_unpublished_changes
    assert first.url == f"/tin-hoat-dong/{first.slug}/"
    assert first.slug == "hoi-nghi-bao-cao-vien-thang-3" and again.slug == first.slug + "-2"
    assert first.published_at.isoformat() == "2024-03-05T01:30:00+00:00"
    assert first.first_published_at == first.published_at
    assert first.live_revision_id == first.latest_revision_id is not None
    assert first.get_latest_revision_as_object().title == first.title
    assert [(b.name, b.roles) for b in first.bylines.all()] == [("Lê Thuý", ("tin", "anh")), ("Trần An", ("video",))]
    assert first.byline == "Tin, ảnh: Lê Thuý; video: Trần An"
    assert sorted(first.tags.names()) == ["báo cáo viên", "hội nghị"]
    assert "<script>" not in first.body.raw_data[0]["value"]
    assert "<b>12 điểm cầu</b>" in first.body.raw_data[0]["value"]
    assert Page.find_problems() == ([], [], [], [], [])
    assert client.get(first.url).status_code == 200
    assert found(client, "diem cau") == [again.pk, first.pk]
    assert found(client, "gin giu ban sac") == [culture.pk]


def test_an_imported_article_can_be_edited_in_the_admin(client, category, tmp_path):
    run_import(write_lines(tmp_path, article_line()))
    article = ArticlePage.objects.get()
    admin = get_user_model().objects.create_superuser("bientap", "bt@example.vn", "mat-khau-dai-123")
    client.force_login(admin)

    assert client.get(f"/admin/pages/{article.pk}/edit/").status_code == 200

    article.title = "Hội nghị báo cáo viên tháng 4"
    article.save_revision().publish()
    assert found(client, '"tháng 4"') == [article.pk]
    assert found(client, '"tháng 3"') == []


def test_default_site_first_category_and_explicit_ids(category, tmp_path):
    next_free = Page.objects.order_by("-pk").first().pk + 1
    run_import(write_lines(tmp_path, article_line(title="Không có id"), article_line(id=next_free)))

    without_id = ArticlePage.objects.get(title="Không có id")
    with_id = ArticlePage.objects.exclude(pk=without_id.pk).get()
    assert with_id.pk == next_free and without_id.pk > next_free  # the id asked for was kept free
    assert without_id.get_parent().pk == category.pk
    later = make_article(category, title="Bài tạo sau khi nhập")
    assert later.pk > without_id.pk


def test_a_bad_file_is_refused_whole_with_every_reason(client, category, tmp_path):
    article = make_article(category, title="Bài đã có")
    path = write_lines(
        tmp_path,
        article_line(),
        "{không phải json",
        {k: v for k, v in article_line().items() if k != "title"},
        article_line(published_at="2024-03-05 08:30"),
        article_line(published_at="05/03/2024"),
        article_line(byline="Phóng viên: Lê Thuý"),
        article_line(category="khong-co"),
        article_line(site="khong-co.example.vn"),
        article_line(tags="hội nghị"),
        article_line(id=article.pk),
        article_line(id=777),
        article_line(id=777, title=""),
        "[1, 2]",
    )

    with pytest.raises(CommandError, match="Không nhập bài nào: tệp có 12 lỗi"):
        run_import(path)

    assert ArticlePage.objects.count() == 1
    assert found(client, "bao cao vien") == []
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue()
    for expected in [
        "Dòng 2: không đọc được JSON",
        "Dòng 3: thiếu trường “title”.",
        "Dòng 4: trường “published_at” thiếu múi giờ",
        "Dòng 5: trường “published_at” không đúng ISO 8601",
        "Dòng 6: dòng tác giả không hợp lệ: Vai trò “phóng viên” không hợp lệ",
        "Dòng 7: cổng “testserver” không có chuyên mục “khong-co”.",
        "Dòng 8: không có cổng nào có tên miền “khong-co.example.vn”.",
        "Dòng 9: trường “tags” phải là danh sách chuỗi.",
        f"Dòng 10: “id” {article.pk} đã là mã của một trang khác.",
        "Dòng 12: trường “title” trống.",
        "Dòng 12: “id” 777 trùng với dòng 11.",
        "Dòng 13: mỗi dòng phải là một đối tượng JSON",
    ]:
        assert expected in lines
    assert "Dòng 1:" not in lines and "Dòng 11:" not in lines


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Không thấy tệp"):
        call_command("import_articles", str(tmp_path / "khong-co.jsonl"))


def test_import_is_fast_enough_for_a_benchmark_corpus(category, tmp_path):
    import time

    path = write_lines(tmp_path, *[article_line(title=f"Bài số {n}") for n in range(300)])
    started = time.perf_counter()
    run_import(path)
    seconds = time.perf_counter() - started

    assert ArticlePage.objects.count() == 300
    assert len(engine.get_index().stored(list(ArticlePage.objects.values_list("pk", flat=True)))) == 300
    assert seconds < 15  # about 5 ms an article here; one page at a time through Wagtail is about 10 times slower

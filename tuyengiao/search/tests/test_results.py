"""What readers see: highlighted titles and snippets, pagination, the page itself, the JSON shape."""

import re

from tuyengiao.search import engine
from tuyengiao.search.tests.conftest import found, publish


def test_words_typed_without_diacritics_are_highlighted_as_written(client, category):
    in_title = publish(category, "Phường Long Hòa ra quân", lead="Sáng nay, cả phường ra quân.", day=2)
    publish(
        category,
        "Ra quân làm sạch đường phố",
        lead="Sáng nay, đoàn viên ra quân.",
        body="Đoàn viên phường Long Hoà dọn vệ sinh; cả phường hưởng ứng.",
        day=1,
    )

    first, second = client.get("/api/v1/search", {"q": "long hoa"}).json()["results"]

    assert first["id"] == in_title.pk
    assert first["title_html"] == "Phường <mark>Long Hòa</mark> ra quân"
    assert first["snippet"] == "Sáng nay, cả phường ra quân."  # found in the title: the lead is the summary
    assert "<mark>Long Hoà</mark>" in second["snippet_html"]
    assert "Long Hoà" in second["snippet"] and "<mark>" not in second["snippet"]


def test_a_phrase_highlights_only_its_words_in_a_row(client, category):
    publish(category, "Báo cáo kết quả", body="Đội ngũ báo cáo viên; viên chức báo cáo.")

    result = client.get("/api/v1/search", {"q": '"báo cáo viên"'}).json()["results"][0]

    assert result["snippet_html"].count("<mark>") == 1
    assert "<mark>báo cáo viên</mark>" in result["snippet_html"]


def test_markup_in_titles_is_escaped(client, category):
    publish(category, "Cảnh giác <script>alert(1)</script> tin giả")

    result = client.get("/api/v1/search", {"q": "tin giả"}).json()["results"][0]

    assert "<script>" not in result["title_html"]
    assert "&lt;script&gt;" in result["title_html"]


def test_json_shape(client, category):
    article = publish(category, "Hội nghị báo cáo viên tháng 3", day=8)

    data = client.get("/api/v1/search", {"q": "bao cao vien", "page": 1}).json()

    assert {"query", "page", "pages", "total", "results"} <= data.keys()
    assert (data["query"], data["page"], data["pages"], data["total"]) == ("bao cao vien", 1, 1, 1)
    result = data["results"][0]
    assert result["id"] == article.pk
    assert result["title"] == "Hội nghị báo cáo viên tháng 3"
    assert result["url"] == "http://testserver/tin-hoat-dong/" + article.slug + "/"
    assert result["published_at"] == "2024-03-08T08:00:00+07:00"
    assert result["snippet"]


def test_results_are_paginated_and_bad_page_numbers_never_fail(client, category):
    ids = [publish(category, f"Tin thi đua số {n}", day=1 + n % 28).pk for n in range(23)]

    first = client.get("/api/v1/search", {"q": "thi dua"}).json()
    second = client.get("/api/v1/search", {"q": "thi dua", "page": 2}).json()
    assert (first["total"], first["pages"], len(first["results"]), len(second["results"])) == (23, 2, 20, 3)
    assert sorted(r["id"] for r in first["results"] + second["results"]) == sorted(ids)
    for bad in ("abc", "-1", "0", "99999", "1e9", "١"):
        response = client.get("/api/v1/search", {"q": "thi dua", "page": bad})
        assert response.status_code == 200
        assert client.get("/tim-kiem/", {"q": "thi dua", "page": bad}).status_code == 200
    assert client.get("/api/v1/search", {"q": "thi dua", "page": "99999"}).json()["page"] == 2
    page_two = client.get("/tim-kiem/", {"q": "thi dua", "page": 2, "category": ""}).content.decode()
    assert "Trang 2 / 2" in page_two
    assert 'href="?q=thi+dua&amp;page=1&amp;category="' in page_two


def test_counts_stop_at_the_cap(category):
    for n in range(7):
        publish(category, f"Tin thi đua số {n}", day=1 + n)
    search = engine.Search.of("thi dua", cap=5)

    assert (search.count(), search.capped, len(search[0:10])) == (5, True, 5)
    assert engine.Search.of("thi dua").capped is False


def test_search_page(client, category):
    publish(category, "Đảng uỷ phường Long Hoà sơ kết", body="Các chi bộ hoàn thành nghị quyết.")

    response = client.get("/tim-kiem/", {"q": "dang uy"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert "1 kết quả cho “dang uy”" in html
    assert "<mark>Đảng uỷ</mark>" in html
    assert re.search(r'<option value="\d+">Tin hoạt động</option>', html)


def test_empty_search_page_invites_a_query(client, category):
    response = client.get("/tim-kiem/")

    assert response.status_code == 200
    assert "Nhập từ khóa để tìm bài viết" in response.content.decode()
    assert found(client, "") == []


def test_header_search_box_points_to_the_portal_search_page(rf, home):
    from django.template.loader import render_to_string

    request = rf.get("/", {"q": "long hoa"})
    html = render_to_string("search/includes/search_box.html", {"home_page": home, "request": request})

    assert 'action="/tim-kiem/"' in html
    assert 'value="long hoa"' in html

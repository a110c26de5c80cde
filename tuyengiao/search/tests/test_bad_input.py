"""Whatever a reader types gives an ordinary results page and a 200 from the JSON endpoint."""

import pytest

from tuyengiao.search.tests.conftest import found, publish

BAD_QUERIES = [
    "",
    "   ",
    "đảng " * 400,  # 2,000 characters
    "a" * 2000,
    "x" * 3000 + " dang",  # one enormous "word"
    '"phòng chống',
    'thiên tai"',
    '"""',
    '"a" "b',
    "NEAR(phòng chống, 2)",
    "phòng NEAR chống",
    "đảng*",
    "*",
    "title:đảng",
    "{title lead}: đảng",
    "-đảng",
    "đảng -viên",
    "^đảng",
    "đảng OR viên",
    "đảng AND viên",
    "NOT đảng",
    "(đảng",
    "đảng)",
    "((()))",
    "'; DROP TABLE wagtailcore_page; --",
    "1' OR '1'='1",
    "%' OR 1=1 --",
    "đảng\x00viên",
    "\x01\x02\x1f\x7f",
    "\u0301\u0300\u0323",
    "a\u0301\u0301\u0301",
    "\\",
    "%_%",
    "😀 đảng 🇻🇳",
    "\u202eđảng",
    "ð" * 50,
    "'12' & 'p'",
    "dang_:* <-> x",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_any_query_gives_an_ordinary_page(client, category, query):
    publish(category, "Phòng chống thiên tai, Đảng viên gương mẫu")

    page = client.get("/tim-kiem/", {"q": query})
    api = client.get("/api/v1/search", {"q": query})

    assert page.status_code == 200
    assert "Tìm kiếm" in page.content.decode()
    assert "form-errors" not in page.content.decode()
    assert api.status_code == 200
    assert isinstance(api.json()["results"], list)


def test_operators_are_words_not_syntax(client, category):
    article = publish(category, "Phòng chống thiên tai, Đảng viên gương mẫu")

    assert found(client, "-đảng") == [article.pk]  # not "without đảng"
    assert found(client, "đảng*") == [article.pk]
    assert found(client, "đảng OR xyz") == []  # OR is just the syllable "or"
    assert found(client, '"phòng chống') == [article.pk]  # the unpaired quote is ignored

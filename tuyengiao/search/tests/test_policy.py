"""The query policy, end to end through the JSON endpoint: matching, phrases, ranking, scope, filters."""

import unicodedata

from tuyengiao.search.tests.conftest import found, publish


def test_syllable_with_diacritics_matches_only_that_syllable(client, category):
    ma_relative = publish(category, "Người dân mà ta phục vụ")
    ma_code = publish(category, "Mã số định danh")

    assert found(client, "mà") == [ma_relative.pk]
    assert found(client, "MÀ") == [ma_relative.pk]
    assert found(client, "mã") == [ma_code.pk]
    assert set(found(client, "ma")) == {ma_relative.pk, ma_code.pk}


def test_old_and_new_tone_styles_and_unicode_forms_find_each_other(client, category):
    old = publish(category, "Quận ủy tổng kết năm")
    new = publish(category, "Quận uỷ sơ kết", body="Chăm lo sức khoẻ nhân dân.")
    decomposed = publish(category, unicodedata.normalize("NFD", "Bồi dưỡng nhận thức về Đảng"))

    assert set(found(client, "quận ủy")) == {old.pk, new.pk}
    assert set(found(client, "QUẬN UỶ")) == {old.pk, new.pk}
    assert found(client, "khỏe") == [new.pk]
    assert found(client, "nhận thức") == [decomposed.pk]
    assert found(client, unicodedata.normalize("NFD", "nhận thức")) == [decomposed.pk]


def test_misplaced_tones_and_legacy_eth_are_repaired(client, category):
    article = publish(category, "Qúy khách gìn giữ ðồng phục", body="Hòan thành nhiệm vụ; đoàn viên gìa dặn.")

    for query in ("quý", "đồng", "hoàn", "già", "ðồng", "dong phuc"):
        assert found(client, query) == [article.pk], query


def test_bare_syllables_match_every_syllable_with_that_folded_form(client, category):
    party = publish(category, "Đảng viên học tập nghị quyết")
    register = publish(category, "Hướng dẫn đăng ký thi đua")
    other = publish(category, "Đoàn thanh niên ra quân")

    assert set(found(client, "dang")) == {party.pk, register.pk}
    assert found(client, "đảng") == [party.pk]
    assert found(client, "doan thanh nien") == [other.pk]


def test_syllables_are_anded_across_title_lead_and_body(client, category):
    article = publish(category, "Hội nghị báo cáo viên", lead="Tháng 3.", body="Tổ chức trực tuyến 12 điểm cầu.")
    publish(category, "Hội nghị sơ kết")

    assert found(client, "hội nghị trực tuyến") == [article.pk]
    assert found(client, "hoi nghi thang 3 diem cau") == [article.pk]
    assert found(client, "hội nghị bầu cử") == []


def test_a_phrase_must_stand_in_one_field_in_order(client, category):
    across = publish(category, "Tập huấn báo cáo", lead="Viên chức dự đông đủ.")
    inside = publish(category, "Tin tổng hợp", body="Đội ngũ báo cáo viên được bồi dưỡng.")

    assert found(client, '"báo cáo viên"') == [inside.pk]
    assert found(client, "“bao cao vien”") == [inside.pk]
    assert found(client, '"viên báo cáo"') == []
    assert set(found(client, "báo cáo viên")) == {across.pk, inside.pk}


def test_a_phrase_mixes_bare_and_marked_syllables(client, category):
    long_hoa = publish(category, "Phường Long Hoà ra quân", body="Lòng hòa cùng nhân dân.")
    publish(category, "Long An và Thanh Hoá")

    assert found(client, '"long hòa"') == [long_hoa.pk]
    assert found(client, '"long hoa"') == [long_hoa.pk]
    assert found(client, '"lòng hoa"') == [long_hoa.pk]  # "Lòng hòa" in the body
    assert found(client, '"lòng hoá"') == []
    assert found(client, '"long hoa an"') == []


def test_common_words_are_searchable(client, category):
    article = publish(category, "Và của những người mà ta yêu")

    for word in ("và", "của", "những", "mà", "ta"):
        assert found(client, word) == [article.pk], word


def test_title_ranks_above_lead_above_body_then_newest_first(client, category):
    in_body = publish(category, "Tin ngắn", body="Phát động thi đua.", day=20)
    in_lead = publish(category, "Tin mới", lead="Phát động thi đua.", day=10)
    in_title_old = publish(category, "Phát động thi đua năm 2024", day=1)
    in_title_new = publish(category, "Phát động thi đua đợt hai", day=5)

    assert found(client, "thi đua") == [in_title_new.pk, in_title_old.pk, in_lead.pk, in_body.pk]


def test_a_word_as_typed_ranks_above_words_found_only_without_marks(client, category):
    folded_only = publish(category, "Mã định danh", day=20)
    as_typed = publish(category, "Ma trận chỉ tiêu", day=1)

    assert found(client, "ma") == [as_typed.pk, folded_only.pk]


def test_search_is_scoped_to_the_requesting_portal(client, category, other_portal):
    here = publish(category, "Tuyên truyền bầu cử")
    there = publish(other_portal, "Tuyên truyền bầu cử ở phường")

    assert found(client, "bầu cử") == [here.pk]
    assert found(client, "bầu cử", host="longhoa.example.vn") == [there.pk]
    response = client.get("/tim-kiem/", {"q": "bầu cử"})
    assert response.status_code == 200
    assert "Tuyên truyền bầu cử ở phường" not in response.content.decode()


def test_category_and_date_filters(client, home, category):
    from tuyengiao.portal.models import CategoryPage

    culture = CategoryPage(title="Văn hoá", slug="van-hoa")
    home.add_child(instance=culture)
    culture.save_revision().publish()
    march_first = publish(category, "Hội diễn văn nghệ", day=1)
    march_tenth = publish(culture, "Hội diễn văn nghệ quần chúng", day=10)

    assert found(client, "hoi dien", category=culture.pk) == [march_tenth.pk]
    assert found(client, "hoi dien", date_from="05/03/2024") == [march_tenth.pk]
    assert found(client, "hoi dien", date_to="01/03/2024") == [march_first.pk]
    assert set(found(client, "hoi dien", date_from="01/03/2024", date_to="10/03/2024")) == {
        march_first.pk,
        march_tenth.pk,
    }


def test_bad_filters_give_a_vietnamese_form_error(client, category):
    publish(category, "Hội diễn văn nghệ")

    page = client.get("/tim-kiem/", {"q": "hoi dien", "date_from": "2024-03-01", "date_to": "31/02/2024"})
    assert page.status_code == 200
    assert "Nhập ngày theo dạng dd/mm/yyyy" in page.content.decode()
    reversed_range = client.get("/tim-kiem/", {"q": "hoi dien", "date_from": "10/03/2024", "date_to": "01/03/2024"})
    assert "“Đến ngày” phải sau hoặc trùng “Từ ngày”." in reversed_range.content.decode()
    api = client.get("/api/v1/search", {"q": "hoi dien", "category": "999999"})
    assert api.status_code == 400
    assert api.json()["errors"]["category"] == ["Chuyên mục không có trên cổng này."]

"""Articles spread over many years (the PostgreSQL index keeps each quarter in a partition of its own)."""

import datetime

from django.utils import timezone

from tuyengiao.conftest import make_article
from tuyengiao.search.tests.conftest import found


def at(year, month, day, hour=8, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def test_results_run_newest_first_across_years_and_date_filters_cut_at_local_midnight(client, category):
    def article(title, when, body="Nội dung."):
        return make_article(category, title=title, when=when, lead="Tin.", body=[("paragraph", f"<p>{body}</p>")])

    imported = article("Lễ kỷ niệm ngày thành lập", at(1999, 5, 1))
    new_year_eve = article("Lễ kỷ niệm đêm giao thừa", at(2019, 12, 31, 23, 30))
    # 06:30 on New Year's Day here is still 2019 in UTC; 07:30 is 2020.
    before_seven = article("Lễ kỷ niệm sáng mùng một", at(2020, 1, 1, 6, 30))
    after_seven = article("Lễ kỷ niệm sáng mùng một", at(2020, 1, 1, 7, 30))
    recent = article("Hội nghị tổng kết", at(2024, 7, 15), body="Phát biểu tại lễ kỷ niệm.")

    # Title matches first, each tier newest first, whatever year.
    assert found(client, "le ky niem") == [after_seven.pk, before_seven.pk, new_year_eve.pk, imported.pk, recent.pk]
    assert found(client, '"ky niem"', date_from="01/01/2020") == [after_seven.pk, before_seven.pk, recent.pk]
    assert found(client, "ky niem", date_to="31/12/2019") == [new_year_eve.pk, imported.pk]
    assert found(client, "ky niem", date_from="01/06/1999", date_to="31/12/2019") == [new_year_eve.pk]

    recent.title = "Lễ kỷ niệm ngày truyền thống"
    recent.published_at = at(1998, 2, 3)  # an old article's date corrected: it moves back in time
    recent.save_revision().publish()
    assert found(client, "ky niem") == [after_seven.pk, before_seven.pk, new_year_eve.pk, imported.pk, recent.pk]
    assert found(client, "truyen thong", date_to="01/01/1999") == [recent.pk]

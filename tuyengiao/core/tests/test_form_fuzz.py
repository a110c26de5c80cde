"""Hostile text in every form that takes free text, posted through the real views.

Property, for each form: whatever text goes into its text fields (control
characters, NUL, combining marks, right-to-left marks, markup, 70,000
characters…), the answer is never a server error, and either

- the record is saved, with its text in NFC and otherwise as typed (up to
  the whitespace the form trims), or
- the form comes back with messages in Vietnamese and nothing at all is
  written (no row in the app's tables, no log entry, no revision).

Each form starts from what a browser would post from its page, filled in the
way an editor would (`browser_form_data` + the spec's values), and the test
first checks that this baseline saves, so the fuzzing reaches the save path.
"""

from __future__ import annotations

import datetime
import itertools
import json
import unicodedata
import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Site

from tuyengiao.core.tests.form_fuzzing import (
    browser_form_data,
    form_errors,
    hostile_text,
    is_nfc,
    is_vietnamese,
    row_counts,
    squashed,
)
from tuyengiao.documents.models import DocumentType, Issuer, Term
from tuyengiao.education.models import BriefingConference, EducationClass, Programme, StudyCampaign
from tuyengiao.opinion.models import OpinionTopic
from tuyengiao.opinion.tests.factories import make_tree
from tuyengiao.portal.models import Comment, CommentStatus, PortalSettings
from tuyengiao.units.models import Unit

D = datetime.date
EXAMPLES = 30
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass(frozen=True)
class AdminForm:
    """One back-office create form: where it is, what fills it, where its record lands."""

    url: object  # str, or world -> str (a fresh record to act on for each POST)
    model: str  # "app_label.ModelName" of the record the form creates (or, with `edits`, changes)
    containing: str  # a field that tells the edit form from the page's other forms
    values: object = None  # world -> {field: value} an editor would choose
    extra_text: tuple[str, ...] = ()  # text fields of inline rows, fuzzed too
    rewritten: tuple[str, ...] = ()  # text the app changes on purpose (codes in capitals…): NFC only
    parsed: tuple[str, ...] = ()  # text read into other fields (a number-symbol): not compared
    saved: object = None  # (record, field) -> the saved text, for fields not named like the model's
    encode: object = None  # {field: text -> posted value} for fields a browser sends encoded (rich text JSON)
    edits: object = None  # world -> the record an edit form changes (nothing is added then)
    name: str = ""

    @property
    def app_label(self) -> str:
        return self.model.split(".")[0]

    def address(self, world) -> str:
        return self.url(world) if callable(self.url) else self.url

    def __str__(self) -> str:
        return self.name or self.url.strip("/").replace("/", "-")


def _item_row(world) -> dict:
    return {
        "items-TOTAL_FORMS": "1",
        "items-0-topic": str(world["topic"]),
        "items-0-field": "economy",
        "items-0-tendency": "concerned",
        "items-0-intensity": "medium",
        "items-0-scope": "local",
        "items-0-source_count": "3",
        "items-0-follow_up": "pending",
        "items-0-content": "Người dân băn khoăn về giá cả dịp Tết.",
        "items-0-recommendation": "",
        "items-0-id": "",
        "items-0-ORDER": "1",
        "items-0-DELETE": "",
    }


def _note_row(world) -> dict:
    return {
        "progress_notes-TOTAL_FORMS": "1",
        "progress_notes-0-date": "05/03/2025",
        "progress_notes-0-note": "Đã họp triển khai.",
        "progress_notes-0-id": "",
        "progress_notes-0-ORDER": "1",
        "progress_notes-0-DELETE": "",
    }


def _inline(related: str, attr: str):
    return lambda record, _name: getattr(getattr(record, related).order_by("pk").first(), attr)


ADMIN_FORMS = [
    AdminForm("/admin/units/new/", "units.Unit", "short_code", lambda w: {
        "parent": w["ward"], "name": "Chi bộ khu phố 1", "kind": "party_cell", "level": "cell", "short_code": "CB",
    }, rewritten=("code", "short_code")),
    AdminForm("/admin/unit-groups/new/", "units.UnitGroup", "description", {"name": "Khối văn hóa"}),
    AdminForm("/admin/role-assignments/new/", "units.RoleAssignment", "decision", lambda w: {
        "user": w["person"], "unit": w["ward"], "role": "specialist", "valid_from": "01/01/2025",
        "decision": "Quyết định số 12-QĐ/ĐU",
    }),
    AdminForm("/admin/van-ban/new/", "documents.Document", "signer_name", lambda w: {
        "issuer": w["issuer"], "doc_type": w["doc_type"], "issued_on": "05/11/2025", "unit": w["ward"],
        "summary": "Kế hoạch tổ chức hội nghị báo cáo viên", "signing_mode": "", "signer_name": "Trần Minh Khoa",
    }, parsed=("number_symbol",)),
    AdminForm("/admin/van-ban/loai/new/", "documents.DocumentType", "is_active", {"name": "Thông tri", "code": "TT"}, rewritten=("code",)),
    AdminForm("/admin/van-ban/co-quan-ban-hanh/new/", "documents.Issuer", "sort_order", {
        "name": "Ban Dân vận Tỉnh ủy", "code": "BDVTU"}, rewritten=("code",)),
    AdminForm("/admin/van-ban/nhiem-ky/new/", "documents.Term", "starts_on", lambda w: {
        "name": "2030–2035", "issuer": w["issuer"], "starts_on": "01/10/2030"}),
    AdminForm("/admin/van-ban/linh-vuc/new/", "documents.SubjectArea", "sort_order", {"name": "Công tác dân vận"}),
    AdminForm("/admin/opinion/reports/new/", "opinion.OpinionReport", "period_kind", lambda w: {
        "unit": w["ward"], "period_kind": "month", "period_start": "01/03/2025", **_item_row(w),
    }, extra_text=("items-0-content", "items-0-recommendation"), saved={
        "items-0-content": _inline("items", "content"), "items-0-recommendation": _inline("items", "recommendation"),
    }),
    AdminForm("/admin/opinion/topics/new/", "opinion.OpinionTopic", "is_active", {"name": "Giá điện"}),
    AdminForm("/admin/tasks/new/", "tasks.Task", "movement", lambda w: {
        "unit": w["ward"], "title": "Tuyên truyền đại hội", "assigned_on": "01/03/2025", "deadline": "31/03/2025",
        **_note_row(w),
    }, extra_text=("progress_notes-0-note",), saved={"progress_notes-0-note": _inline("progress_notes", "note")}),
    AdminForm("/admin/tasks/movements/new/", "tasks.EmulationMovement", "start_date", lambda w: {
        "unit": w["ward"], "title": "Thi đua chào mừng đại hội", "start_date": "01/03/2025", "end_date": "31/12/2025",
    }),
    AdminForm("/admin/education/campaigns/new/", "education.StudyCampaign", "documents_text", lambda w: {
        "title": "Học tập Nghị quyết Đại hội XIV", "issuing_unit": w["province"], "starts_on": "01/03/2025",
        "deadline": "30/04/2025", "theme": "Chủ đề năm 2025", "required_units": [str(w["ward"])],
    }),
    AdminForm("/admin/education/returns/new/", "education.StudyReturn", "members_present", lambda w: {
        "campaign": w["campaign"], "unit": w["ward"], "members_total": "40", "members_present": "38",
        "studied_on": "15/03/2025", "submitted_on": "20/03/2025",
    }),
    AdminForm("/admin/education/classes/new/", "education.EducationClass", "lecturer_names", lambda w: {
        "title": "Lớp bồi dưỡng nhận thức về Đảng", "programme": w["programme"], "organiser": w["ward"],
        "starts_on": "01/03/2025", "ends_on": "05/03/2025", "enrolled": "30", "completed": "28",
    }),
    AdminForm("/admin/education/conferences/new/", "education.BriefingConference", "connection_points", lambda w: {
        "title": "Hội nghị báo cáo viên tháng 3", "organiser": w["ward"], "held_on": "10/03/2025",
        "level": "local", "mode": "in_person",
    }),
    AdminForm("/admin/education/participants/new/", "education.ParticipantAttendance", "full_name", lambda w: {
        "education_class": w["class"], "full_name": "Nguyễn Văn An", "unit": w["ward"],
    }, saved={"full_name": lambda record, _name: record.participant.full_name}),
    AdminForm("/admin/education/reporters/new/", "education.Reporter", "decision_date", lambda w: {
        "full_name": "Lê Thị Hoa", "position": "Phó Bí thư", "unit": w["ward"], "level": "local",
        "term": "2025–2030", "decision": "Quyết định 05-QĐ/ĐU", "decision_date": "01/02/2025",
    }),
    AdminForm("/admin/education/programmes/new/", "education.Programme", "is_active", {
        "name": "Bồi dưỡng kỹ năng tuyên truyền", "code": "ky-nang"}),
    AdminForm("/admin/reports/bao-cao/add/", "reports.Report", "limitations", lambda w: {
        "unit": w["ward"], "period_kind": "half", "period_start": "01/01/2025", "title": "Báo cáo sơ kết 6 tháng",
    }),
    AdminForm("/admin/snippets/portal/topic/add/", "portal.Topic", "slug", {"name": "Đại hội Đảng", "slug": "dai-hoi"}),
    # Edit forms and the other back-office forms with free text.
    AdminForm(lambda w: f"/admin/settings/portal/portalsettings/{w['site']}/", "portal.PortalSettings", "tagline",
              edits=lambda w: w["portal_settings"], name="portal-settings"),
    AdminForm(lambda w: f"/admin/snippets/portal/comment/edit/{w['comment'].pk}/", "portal.Comment", "body",
              edits=lambda w: w["comment"], name="comment-edit"),
    AdminForm(lambda w: f"/admin/snippets/portal/comment/reply/{w['comment'].pk}/", "portal.Comment", "body",
              {"body": "Ban biên tập xin cảm ơn bạn đọc."}, name="comment-editorial-reply"),
    AdminForm(lambda w: f"/admin/pages/{w['category'].pk}/edit/", "portal.CategoryPage", "show_on_home",
              edits=lambda w: w["category"], name="category-page-edit"),
    AdminForm(lambda w: f"/admin/pages/add/portal/articlepage/{w['category'].pk}/", "portal.ArticlePage", "lead",
              lambda w: {"title": "Hội nghị tổng kết năm", "slug": "hoi-nghi-tong-ket", "lead": "Sáng nay, hội nghị.",
                         "published_at": "08/07/2022 04:06", **_article_body(), **_byline_row()},
              extra_text=("body-0-value", "body-1-value-text", "body-1-value-author", "bylines-0-name", "tags"),
              rewritten=("body-0-value",), parsed=("tags",),
              encode={"body-0-value": lambda text: _contentstate(text)},
              saved={"body-0-value": lambda page, _n: str(page.body[0].value),
                     "body-1-value-text": lambda page, _n: page.body[1].value["text"],
                     "body-1-value-author": lambda page, _n: page.body[1].value["author"],
                     "bylines-0-name": lambda page, _n: page.bylines.first().name},
              name="article-page-add"),
    AdminForm(lambda w: f"/admin/units/split/{_fresh_cell(w)}/", "units.Unit", "names",
              {"names": "Chi bộ khu phố 1A\nChi bộ khu phố 1B", "on": "01/07/2025"}, parsed=("names",),
              rewritten=("short_code",), name="unit-split"),
]  # fmt: skip


def _contentstate(text: str) -> str:
    """Draftail's value for one paragraph of plain text, as the rich-text editor posts it."""
    block = {"key": "a1b2c", "text": text, "type": "unstyled", "depth": 0, "inlineStyleRanges": [],
             "entityRanges": [], "data": {}}  # fmt: skip
    return json.dumps({"blocks": [block], "entityMap": {}}, ensure_ascii=False)  # as JSON.stringify writes it


def _article_body() -> dict:
    """A paragraph and a quote, as the StreamField editor posts them."""
    return {
        "body-count": "2",
        "body-0-type": "paragraph", "body-0-deleted": "", "body-0-order": "0", "body-0-id": str(uuid.uuid4()),
        "body-0-value": _contentstate("Nội dung bài viết."),
        "body-1-type": "quote", "body-1-deleted": "", "body-1-order": "1", "body-1-id": str(uuid.uuid4()),
        "body-1-value-text": "Học đi đôi với hành.", "body-1-value-author": "Hồ Chí Minh",
    }  # fmt: skip


def _byline_row() -> dict:
    return {
        "bylines-TOTAL_FORMS": "1", "bylines-0-name": "Lê Thuý", "bylines-0-is_news": "on", "bylines-0-id": "",
        "bylines-0-ORDER": "1", "bylines-0-DELETE": "",
    }  # fmt: skip


def _fresh_cell(world) -> int:
    """A new cell for each split: a split closes the unit it splits."""
    from tuyengiao.units.services import unit_create

    n = Unit.objects.count()
    cell = unit_create(name=f"Chi bộ số {n}", kind="party_cell", level="cell", short_code="CB",
                       parent=Unit.objects.get(pk=world["ward"]), valid_from=D(2020, 1, 1))  # fmt: skip
    return cell.pk


@pytest.fixture
def world(article, category):
    tree = make_tree()
    user_model = get_user_model()
    editor = user_model.objects.create_superuser("quantri", password=None)
    person = user_model.objects.create_user("canbo", password=None, first_name="Cán bộ")
    issuer = Issuer.objects.create(name=tree.ward_a.name, code="ĐU", unit=tree.ward_a)
    Term.objects.create(name="2025–2030", starts_on=D(2025, 10, 1))
    campaign = StudyCampaign.objects.create(
        title="Học tập chuyên đề năm 2025", issuing_unit=tree.province, starts_on=D(2025, 3, 1), deadline=D(2025, 5, 1)
    )
    campaign.units.add(tree.ward_a, tree.ward_b)
    programme = Programme.objects.order_by("pk").first()
    education_class = EducationClass.objects.create(
        title="Lớp cảm tình Đảng", programme=programme, organiser=tree.ward_a,
        starts_on=D(2025, 3, 1), ends_on=D(2025, 3, 3), enrolled=20,
    )  # fmt: skip
    conference = BriefingConference.objects.create(
        title="Hội nghị tháng 2", organiser=tree.ward_a, held_on=D(2025, 2, 10), level="local"
    )
    comment = Comment.objects.create(
        page=article, name="Bạn đọc", body="Cảm ơn bài viết.", status=CommentStatus.APPROVED
    )
    site = Site.objects.get(root_page=category.get_parent())
    return {
        "editor": editor,
        "article": article,
        "comment": comment,
        "category": category,
        "site": site.pk,
        "portal_settings": PortalSettings.objects.get(site=site),
        "province": tree.province.pk,
        "ward": tree.ward_a.pk,
        "person": person.pk,
        "issuer": issuer.pk,
        "doc_type": DocumentType.objects.get(code="KH").pk,
        "topic": OpinionTopic.objects.order_by("sort_order").first().pk,
        "campaign": campaign.pk,
        "programme": programme.pk,
        "class": education_class.pk,
        "conference": conference.pk,
    }


@pytest.fixture
def editor_client(world):
    client = Client()
    client.force_login(world["editor"])  # both sign-in steps (tuyengiao.accounts.testing)
    return client


def text_fields(form) -> list[str]:
    """The form's free-text fields: plain CharFields (not slugs, e-mails, dates or choices)."""
    from django import forms

    return [name for name, field in form.fields.items() if type(field) is forms.CharField]


def check_outcome(response, *, before: dict, after: dict, model: str, edits: bool) -> bool:
    """True when the form saved; otherwise the refusal must be in Vietnamese with nothing written."""
    assert response.status_code < 500
    added = {label: after[label] - before[label] for label in before if after[label] != before[label]}
    if response.status_code == 302:
        if edits:
            assert set(added) <= {"wagtailcore.ModelLogEntry", "wagtailcore.Revision"}, f"an edit added {added}"
        else:
            assert added.get(model, 0) >= 1, f"redirected without a new {model}: {added}"
        return True
    assert not added, f"refused, yet rows were written: {added}"
    messages = form_errors(response)
    assert messages, f"refused (HTTP {response.status_code}) without saying why"
    english = [m for m in messages if not is_vietnamese(m)]
    assert not english, f"messages not in Vietnamese: {english}"
    return False


def check_saved_text(record, values: dict, spec: AdminForm) -> None:
    for name, sent in values.items():
        if name in spec.parsed:
            continue
        getter = (spec.saved or {}).get(name)
        saved = getter(record, name) if getter else getattr(record, name)
        saved = "" if saved is None else str(saved)
        assert is_nfc(saved), f"{name}: saved text is not NFC: {saved[:80]!r}"
        expected = squashed(unicodedata.normalize("NFC", sent))
        if name not in spec.rewritten and expected:  # left blank: the app may fill in its default
            assert squashed(saved) == expected, f"{name}: sent {sent[:80]!r}, saved {saved[:80]!r}"


@pytest.mark.parametrize("spec", ADMIN_FORMS, ids=str)
def test_admin_form_takes_any_text_without_error(spec, world, editor_client):
    url = spec.address(world)
    page = editor_client.get(url)
    assert page.status_code == 200
    baseline = browser_form_data(page.content.decode(), containing=spec.containing)
    baseline |= {key: value if isinstance(value, list) else str(value) for key, value in _values(spec, world).items()}
    fuzzed = text_fields(page.context["form"]) + list(spec.extra_text)
    model = apps.get_model(spec.model)
    apps_written = {spec.app_label, "portal"} if spec.model.startswith("portal.") else {spec.app_label}

    def post(values: dict) -> bool:
        sent = {name: (spec.encode or {}).get(name, str)(text) for name, text in values.items()}
        address = spec.address(world) if callable(spec.url) else url
        before = row_counts(*apps_written)
        response = editor_client.post(address, {**baseline, **sent})
        saved = check_outcome(
            response, before=before, after=row_counts(*apps_written), model=model._meta.label, edits=bool(spec.edits)
        )
        if saved:
            if spec.edits:
                record = model._default_manager.get(pk=spec.edits(world).pk)
                check_saved_text(_specific(record), values, spec)
            else:
                record = _specific(model._default_manager.order_by("-pk").first())
                check_saved_text(record, values, spec)
                if not spec.parsed or "names" not in spec.parsed:
                    record.delete()  # the next example starts from the same world (names stay free)
        return saved

    assert post({}), "the baseline form does not save, so fuzzing would never reach the save path: " + "; ".join(
        form_errors(editor_client.post(url, baseline))
    )

    @FUZZ
    @given(values=st.dictionaries(st.sampled_from(fuzzed), hostile_text, min_size=1, max_size=3))
    def any_text(values):
        post(values)

    any_text()


def _specific(record):
    """A page as its own class, with its draft content (a new page is a draft: the form saved a revision)."""
    from wagtail.models import Page

    return record.specific.get_latest_revision_as_object() if isinstance(record, Page) else record


def _values(spec: AdminForm, world) -> dict:
    if spec.values is None:
        return {}
    return spec.values(world) if callable(spec.values) else dict(spec.values)


# --- Readers' forms ----------------------------------------------------------------------------

READER = {"name": "Nguyễn Văn An", "email": "", "body": "Bài viết rất bổ ích, cảm ơn tòa soạn."}


def test_reader_comment_takes_any_text_without_error(world, settings):
    settings.COMMENT_RATE_LIMIT = 1_000_000  # the rate limit has its own tests; here every POST must reach the form
    article = world["article"]
    url = f"/binh-luan/{article.pk}/"

    def post(values: dict) -> bool:
        before = row_counts("portal")
        response = Client().post(url, {**READER, **values})
        after = row_counts("portal")
        honeypot = squashed(values.get("website", ""))
        if response.status_code == 302 and honeypot:  # a bot's answer looks the same, and nothing is kept
            assert after == before
            return False
        saved = check_outcome(response, before=before, after=after, model="portal.Comment", edits=False)
        if saved:
            comment = Comment.objects.order_by("-pk").first()
            for name in ("name", "body"):
                text = getattr(comment, name)
                assert is_nfc(text) and squashed(text) == squashed(
                    unicodedata.normalize("NFC", values.get(name, READER[name]))
                )
        return saved

    assert post({})

    @FUZZ
    @given(
        values=st.dictionaries(
            st.sampled_from(["name", "body", "email", "website", "parent"]), hostile_text, min_size=1, max_size=3
        )
    )
    def any_text(values):
        post(values)

    any_text()


# --- Query strings: filters and search boxes, public and in the back office ----------------------

# What people and scripts type where a number is expected: huge, negative, other scripts' digits
# ("²".isdigit() is true, int("²") fails), hexadecimal, with spaces. Each is tried in every parameter.
TRICKY = ["²", "٣", "99999999999999999999999", "-1", "0x1F", " 3 ", "\x00", "31/02/2025", "01/01/0001"]
numberish = st.one_of(st.integers(-(2**80), 2**80).map(str), st.sampled_from(TRICKY))


def _scope(world) -> dict:
    return {"unit": world["ward"], "start": "01/01/2025", "end": "31/12/2025"}


GET_FORMS = [
    ("public-search", lambda w: "/tim-kiem/", ["q", "category", "date_from", "date_to", "page"], None),
    ("public-documents", lambda w: "/van-ban/", ["q", "loai", "co_quan", "linh_vuc", "nam", "page"], None),
    ("opinion-aggregate", lambda w: "/admin/opinion/aggregate/", ["unit", "date_from", "date_to", "grouping", "field"], None),
    ("report-figures", lambda w: "/admin/reports/figures/", ["unit", "start", "end"], None),
    ("report-figure-records", lambda w: "/admin/reports/figures/opinion/", ["unit", "start", "end", "p"], _scope),
    ("unit-create-parent", lambda w: "/admin/units/new/", ["parent"], None),
    ("role-assignment-unit", lambda w: "/admin/role-assignments/new/", ["unit"], None),
    ("study-return-campaign", lambda w: "/admin/education/returns/new/", ["campaign"], None),
    ("participant-events", lambda w: "/admin/education/participants/new/", ["education_class", "conference"], None),
    ("participant-list", lambda w: "/admin/education/participants/", ["education_class", "conference", "q"], None),
    ("attendance-list", lambda w: "/admin/education/attendance/", ["education_class", "conference", "kind"], None),
    ("campaign-progress", lambda w: f"/admin/education/campaigns/inspect/{w['campaign']}/", ["don_vi"], None),
    ("import-template", lambda w: "/admin/education/import/mau/study_returns/", ["dot"], None),
    ("page-chooser-chosen", lambda w: "/admin/choose-page/chosen-multiple/", ["id"], None),
    ("document-next-number", lambda w: "/admin/van-ban/so-tiep-theo/", ["issuer", "doc_type", "issued_on", "document"], None),
    ("audit-log", lambda w: "/admin/nhat-ky-kiem-toan/", ["action", "user", "date_from", "date_to", "q"], None),
]  # fmt: skip


@pytest.mark.parametrize("name,url,params,baseline", GET_FORMS, ids=[form[0] for form in GET_FORMS])
def test_query_string_takes_any_value_without_error(name, url, params, baseline, world, editor_client):
    address = url(world)
    client = editor_client if address.startswith("/admin/") else Client()
    base = baseline(world) if baseline else {}
    assert client.get(address, base).status_code in (200, 302), "the page itself does not open"
    for param, value in itertools.product(params, TRICKY):
        assert client.get(address, {**base, param: value}).status_code < 500, (param, value)

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(params), st.one_of(numberish, hostile_text), min_size=1))
    def any_value(query):
        assert client.get(address, {**base, **query}).status_code < 500

    any_value()


FIGURE_KEYS = ["opinion.topic.{}", "documents.type.{}", "study.{}.returned", "study.{}.late", "opinion.tendency.{}"]


def test_figure_keys_take_any_id_without_error(world, editor_client):
    """/admin/reports/figures/<key>/: the key's id part comes from the address bar too."""
    for key, value in itertools.product(FIGURE_KEYS, TRICKY + ["1", str(world["campaign"])]):
        response = editor_client.get(f"/admin/reports/figures/{key.format(value)}/", _scope(world))
        assert response.status_code in (200, 404), (key, value, response.status_code)


# --- Signing in ----------------------------------------------------------------------------------


def test_sign_in_form_takes_any_text_without_error(world):
    @FUZZ
    @given(values=st.dictionaries(st.sampled_from(["username", "password"]), hostile_text, min_size=1))
    def any_text(values):
        response = Client().post("/admin/login/", {"username": "quantri", "password": "sai-mat-khau", **values})
        assert response.status_code in (200, 429)
        messages = form_errors(response) if response.status_code == 200 else ["Tạm khóa đăng nhập"]
        assert messages and all(is_vietnamese(m) for m in messages), messages

    any_text()


def test_second_step_code_takes_any_text_without_error(world):
    from django_otp import DEVICE_ID_SESSION_KEY

    from tuyengiao.accounts.testing import totp_device_for

    user = world["editor"]
    totp_device_for(user)
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY)  # signed in with the password only
    session.save()
    url = "/admin/xac-thuc-hai-buoc/"
    assert client.get(url).status_code == 200

    @FUZZ
    @given(code=hostile_text)
    def any_code(code):
        response = client.post(url, {"code": code})
        assert response.status_code == 200, "a made-up code passed, or the page failed"
        messages = form_errors(response)
        assert messages and all(is_vietnamese(m) for m in messages), messages

    any_code()

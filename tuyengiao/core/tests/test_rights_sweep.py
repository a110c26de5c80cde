"""Rights sweep: every URL pattern of the project, as four kinds of visitor.

The URLconf is walked whole (`get_resolver()`, through every include, the
Wagtail admin's included), and every pattern is given a concrete URL built
from real objects of unit A (one record of each model, A's portal pages,
files, images, a report, its people…). A pattern that cannot be filled must
be in `UNFILLABLE` with its reason; a new unlisted one fails the test.

    Tỉnh ủy P ── Đảng ủy phường A ── Chi bộ A1
              └─ Đảng ủy phường B ── Chi bộ B1

Each URL is requested with GET and with an empty POST (the test client does
not check CSRF, so an empty body is a valid one) by:

(a) an anonymous visitor: admin and private API paths redirect to sign-in or
    answer 401/403/404/405 — never 200, except the sign-in pages themselves;
(b) staff signed in with a password but not through the second step (a
    superuser; the head of P and an editor of the Editors group read only):
    every admin path redirects to the two-factor page, except sign-in,
    sign-out, password reset and that step's own pages; elsewhere they are
    anonymous visitors (the units API refuses them, private files ask to sign in);
(c) the verified head of unit B (A's sibling): every URL with an object of A in
    its path is refused (403/404/405 or a redirect), and no request writes:
    SQL writes are watched on every request, and after each POST the rows of
    every table are compared with the state before (counts and a SHA-256);
(d) the verified head of P, A's parent: the pages of A's records open (200) and
    show them — so the sweep can fail when rights are too tight, too.

No answer to (a), (b) or (c) may contain `PRIVATE_MARK` (in every non-public
record of A: reports, documents, files, drafts, comments awaiting moderation…),
nor, in a 200 answer on an admin or private path, `UNIT_MARK` (in the names of
units A and A1; A's public portal shows its unit's name to everyone). Queries
search for words next to the marks, never for the marks: pages repeat queries.
A JSON test compares what B and P get from the JSON endpoints.

Every request runs in a savepoint rolled back after it, so the sweep sees one
unchanged world, built once for the class (`setUpTestData`).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from PIL import Image as PILImage
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
    UploadedFile,
    Workflow,
)
from wagtail.users.models import UserProfile

from tuyengiao.conftest import make_article
from tuyengiao.documents import services as document_services
from tuyengiao.documents.models import DocumentType, Issuer, SubjectArea, Term
from tuyengiao.education import services as education_services
from tuyengiao.education.models import (
    BriefingConference,
    EducationClass,
    Level,
    Programme,
    Reporter,
    StudyCampaign,
)
from tuyengiao.opinion import services as opinion_services
from tuyengiao.opinion.models import OpinionTopic
from tuyengiao.portal.models import ArticlePage, CategoryPage, Comment, HomePage, PortalSettings, Topic
from tuyengiao.reports import services as report_services
from tuyengiao.tasks import services as task_services
from tuyengiao.units.models import Role, RoleAssignment, UnitGroup, UnitKind, UnitLevel
from tuyengiao.units.services import role_assign, unit_create

D = datetime.date

# Marks no page shows by chance. UNIT_MARK is in the names of units A and A1: only people working on A's
# subtree may see them in the admin (A's public portal shows its unit's name to everyone). PRIVATE_MARK is
# in every record of A that is not public: reports, documents, files, drafts, comments awaiting moderation…
UNIT_MARK = "qzxdonvia"
PRIVATE_MARK = "qzxbimata"
MARKS = (UNIT_MARK, PRIVATE_MARK)
# Words next to the marks, to search with: a page that repeats the query must not count as a leak.
UNIT_WORD = "hoasen"
PRIVATE_WORD = "mattroi"

ADMIN = "/admin/"
LOGIN = "/admin/login/"
TWO_FACTOR = "/admin/xac-thuc-hai-buoc/"

# Tables a refused request may still write: the session, the sign-in throttle's records.
VOLATILE_TABLES = frozenset({"django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"})
# What reading a public article writes: its view counts.
VIEW_COUNT_TABLES = frozenset({"portal_articledailyviews", "portal_articleviewtotal"})


# --- the world ----------------------------------------------------------------------------------------------------


def _png() -> ContentFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="anh-hoi-nghi.png")


def _pdf() -> ContentFile:
    return ContentFile(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name="to-trinh-noi-bo.pdf")


def _unit(name, code, kind, level, short_code, parent=None):
    return unit_create(
        name=name, code=code, kind=kind, level=level, short_code=short_code, parent=parent, valid_from=D(2020, 1, 1)
    )


def _report_export(report, user) -> int | None:
    """A finished export of the report, its file holding A's mark (when the reports app has exports)."""
    try:
        model = apps.get_model("reports", "ReportExport")
    except LookupError:
        return None
    export = model(report=report, revision_id=report.latest_revision_id, format="docx", requested_by=user)
    export.status, export.filename = "done", "bao-cao.docx"
    export.file.save("bao-cao-sweep.docx", ContentFile(f"Tệp xuất {PRIVATE_MARK}".encode()), save=False)
    export.save()
    return export.pk


def build_world() -> dict[str, int | str]:
    """Create the tree, the people and one record of each kind in unit A; return their ids by key."""
    ids: dict[str, int | str] = {}
    user_model = get_user_model()
    superuser = user_model.objects.create_superuser("quantri", "quantri@example.invalid", None)
    p = _unit("Tỉnh ủy Thử nghiệm", "TU", UnitKind.PARTY_COMMITTEE, UnitLevel.PROVINCE, "TU")
    a = _unit(f"Đảng ủy phường {UNIT_MARK} {UNIT_WORD}", "DU-A", UnitKind.PARTY_COMMITTEE, UnitLevel.COMMUNE, "ĐU", p)
    b = _unit("Đảng ủy phường Bình Minh", "DU-B", UnitKind.PARTY_COMMITTEE, UnitLevel.COMMUNE, "ĐU", p)
    a1 = _unit(f"Chi bộ {UNIT_MARK} {UNIT_WORD} 1", "CB-A1", UnitKind.PARTY_CELL, UnitLevel.CELL, "CB", a)
    b1 = _unit("Chi bộ Bình Minh 1", "CB-B1", UnitKind.PARTY_CELL, UnitLevel.CELL, "CB", b)
    ids.update(unit_p=p.pk, unit_a=a.pk, unit_b=b.pk, unit_a1=a1.pk, unit_b1=b1.pk)

    people = {}
    for key, unit in (("head_p", p), ("head_a", a), ("head_b", b)):
        people[key] = user_model.objects.create_user(key, f"{key}@example.invalid", None, first_name=key)
        role_assign(user=people[key], unit=unit, role=Role.HEAD, valid_from=D(2024, 1, 1))
    head_a, head_b = people["head_a"], people["head_b"]
    editor = user_model.objects.create_user("bientap", "bientap@example.invalid", None, first_name="Biên tập")
    editor.groups.add(Group.objects.get(name="Editors"))
    ids.update(
        superuser=superuser.pk,
        editor=editor.pk,
        **{key: user.pk for key, user in people.items()},
        assignment_a=RoleAssignment.objects.get(user=head_a).pk,
    )
    for user in user_model.objects.all():  # made on a first admin visit otherwise: a write in the sweep
        UserProfile.get_for_user(user)
    unit_group = UnitGroup.objects.create(name="Khối thử nghiệm")
    a.groups.add(unit_group)
    ids["unit_group"] = unit_group.pk

    # --- portal of unit A: the default site of the test server ---
    Site.objects.all().delete()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Cổng phường A", slug="cong-phuong-a"))
    home.save_revision().publish()
    site = Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="A")
    settings_a = PortalSettings.objects.create(site=site, unit=a, portal_name="Cổng phường A")
    category = home.add_child(instance=CategoryPage(title="Tin hoạt động", slug="tin-hoat-dong"))
    category.save_revision().publish()
    topic = Topic.objects.create(name="Dòng sự kiện thử", slug="dong-su-kien-thu")
    published = make_article(category, title="Tin công khai của phường", slug="tin-cong-khai")
    draft = category.add_child(
        instance=ArticlePage(
            title=f"Bản nháp {PRIVATE_MARK} {PRIVATE_WORD}",
            slug="ban-nhap",
            lead="Chưa đăng.",
            live=False,
            published_at=timezone.now(),
        )
    )
    draft_revision = draft.save_revision(user=superuser)
    workflow = Workflow.objects.get(name="Moderators approval")
    workflow_state = workflow.start(draft, superuser)
    restricted = category.add_child(
        instance=ArticlePage(
            title="Trang có mật khẩu",
            slug="trang-mat-khau",
            lead="Nội bộ.",
            body=[("paragraph", f"<p>Nội dung {PRIVATE_MARK} {PRIVATE_WORD}.</p>")],
            published_at=timezone.now(),
        )
    )
    restricted.save_revision().publish()
    page_restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau-trang"
    )
    comment = Comment.objects.create(
        page=published, name="Bạn đọc", email="bandoc@example.invalid", body=f"Chờ duyệt {PRIVATE_MARK} {PRIVATE_WORD}"
    )
    redirect = Redirect.objects.create(site=site, old_path="/tin-cu", redirect_page=published)
    ids.update(
        site_a=site.pk,
        portal_settings_a=settings_a.pk,
        home_a=home.pk,
        category_a=category.pk,
        published_article=published.pk,
        draft_article=draft.pk,
        draft_revision=draft_revision.pk,
        restricted_page=restricted.pk,
        page_restriction=page_restriction.pk,
        workflow=workflow.pk,
        workflow_task=workflow.tasks.first().pk,
        workflow_state=workflow_state.pk,
        task_state=workflow_state.current_task_state.pk,
        comment_a=comment.pk,
        topic=topic.pk,
        redirect=redirect.pk,
        group=Group.objects.get(name="Editors").pk,
    )

    # --- media: an image, A's private file (uploaded by A's head), a password-protected collection ---
    collection = Collection.get_first_root_node().add_child(name="Tư liệu có mật khẩu")
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="mat-khau-kho"
    )
    image = get_image_model().objects.create(
        title=f"Ảnh {PRIVATE_MARK} {PRIVATE_WORD}", file=_png(), uploaded_by_user=superuser
    )
    private_file = get_document_model().objects.create(
        title=f"Tờ trình {PRIVATE_MARK} {PRIVATE_WORD}", file=_pdf(), uploaded_by_user=head_a
    )
    public_file = get_document_model().objects.create(
        title="Kế hoạch công khai", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="ke-hoach.pdf"), uploaded_by_user=head_a
    )
    uploads = {}
    for key, model in (("uploaded_image", get_image_model()), ("uploaded_document", get_document_model())):
        uploads[key] = UploadedFile.objects.create(
            for_content_type=ContentType.objects.get_for_model(model),
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{key}.pdf"),
            uploaded_by_user=head_a,
        )
    ids.update(
        collection=collection.pk,
        collection_restriction=collection_restriction.pk,
        image_a=image.pk,
        file_a=private_file.pk,
        file_a_name=private_file.filename,
        **{key: upload.pk for key, upload in uploads.items()},
    )

    # --- documents: A's issuer, a private and a public document of A ---
    term = Term.objects.create(name="2020–2025", starts_on=D(2020, 10, 15), ends_on=D(2025, 9, 30))
    issuer_a = Issuer.objects.create(name=a.name, code="ĐU", unit=a)
    plan = DocumentType.objects.get(code="KH")
    private_document = document_services.document_create(
        actor=head_a,
        unit=a,
        issuer=issuer_a,
        doc_type=plan,
        issued_on=D(2025, 3, 5),
        summary=f"Kế hoạch nội bộ {PRIVATE_MARK} {PRIVATE_WORD}",
        attachments=[{"file": private_file, "title": ""}],
    )
    public_document = document_services.document_create(
        actor=head_a,
        unit=a,
        issuer=issuer_a,
        doc_type=plan,
        issued_on=D(2025, 3, 6),
        summary="Kế hoạch tuyên truyền công khai",
        is_public=True,
        attachments=[{"file": public_file, "title": ""}],
    )
    ids.update(
        term=term.pk,
        issuer_a=issuer_a.pk,
        doc_type=plan.pk,
        subject_area=SubjectArea.objects.first().pk,
        document_a=private_document.pk,
        public_document=public_document.pk,
        public_attachment=public_document.attachments.get().pk,
        private_attachment=private_document.attachments.get().pk,
    )

    # --- education ---
    programme = Programme.objects.get(code="nhan-thuc-ve-dang")
    campaign = education_services.campaign_save(
        actor=head_a,
        campaign=StudyCampaign(
            title=f"Học tập chuyên đề {PRIVATE_MARK} {PRIVATE_WORD}",
            documents_text="Số 05-CT/TW",
            issuing_unit=a,
            starts_on=D(2025, 6, 1),
            deadline=D(2025, 7, 31),
        ),
        units=[a1],
    )
    study_return = education_services.study_return_submit(
        actor=head_a,
        campaign=campaign,
        unit=a1,
        members_total=20,
        members_present=18,
        studied_on=D(2025, 6, 20),
        submitted_on=D(2025, 6, 25),
    )
    education_class = education_services.class_save(
        actor=head_a,
        education_class=EducationClass(
            title=f"Lớp nhận thức về Đảng {PRIVATE_MARK}",
            programme=programme,
            organiser=a,
            starts_on=D(2025, 8, 4),
            ends_on=D(2025, 8, 9),
            enrolled=40,
        ),
    )
    conference = education_services.conference_save(
        actor=head_a,
        conference=BriefingConference(
            title=f"Hội nghị báo cáo viên {PRIVATE_MARK}", organiser=a, held_on=D(2025, 5, 12), level=Level.LOCAL
        ),
    )
    attendance = education_services.attendance_record(actor=head_a, event=conference, unit=a1, count=25)
    participant = education_services.participant_attendance_record(
        actor=head_a, event=education_class, full_name="Trần Thị Thử", unit=a1
    )
    reporter = education_services.reporter_save(
        actor=head_a,
        reporter=Reporter(
            full_name="Lê Văn Thử",
            position=f"Phó Bí thư {PRIVATE_MARK}",
            unit=a,
            level=Level.LOCAL,
            term="2025 - 2030",
            decision="Quyết định số 12-QĐ/ĐU",
        ),
    )
    ids.update(
        programme=programme.pk,
        campaign_a=campaign.pk,
        return_a=study_return.pk,
        class_a=education_class.pk,
        conference_a=conference.pk,
        attendance_a=attendance.pk,
        participant_a=participant.pk,
        reporter_a=reporter.pk,
    )

    # --- opinion, tasks, review report ---
    opinion_topic = OpinionTopic.objects.order_by("sort_order").first()
    opinion = opinion_services.report_create(
        actor=head_a,
        unit=a,
        period_kind="month",
        period_start=D(2025, 3, 1),
        summary=f"Tình hình dư luận {PRIVATE_MARK}",
        items=[
            {
                "topic": opinion_topic,
                "field": "economy",
                "tendency": "agree",
                "content": f"Cán bộ, đảng viên đồng tình {PRIVATE_MARK}.",
            }
        ],
    )
    movement = task_services.movement_create(
        actor=head_a,
        unit=a,
        title=f"Phong trào thi đua {PRIVATE_MARK} {PRIVATE_WORD}",
        start_date=D(2025, 1, 1),
        end_date=D(2025, 12, 31),
        participants=[a1],
    )
    task = task_services.task_create(
        actor=head_a,
        unit=a,
        title=f"Nhiệm vụ {PRIVATE_MARK} {PRIVATE_WORD}",
        assigned_on=D(2025, 1, 2),
        deadline=D(2025, 4, 30),
        movement=movement,
    )
    # B's own records, so B's lists are not empty.
    task_services.task_create(
        actor=head_b, unit=b, title="Nhiệm vụ của phường B", assigned_on=D(2025, 1, 2), deadline=D(2025, 4, 30)
    )
    report = report_services.report_create(
        actor=head_a,
        unit=a,
        period_kind="year",
        period_start=D(2025, 1, 1),
        summary=f"Báo cáo tổng kết {PRIVATE_MARK}",
        issuer=issuer_a,
    )
    editing_session = EditingSession.objects.create(
        user=head_a,
        content_type=ContentType.objects.get_for_model(report),
        object_id=str(report.pk),
        last_seen_at=timezone.now(),
    )
    ids.update(report_export=_report_export(report, head_a))
    ids.update(
        opinion_topic=opinion_topic.pk,
        opinion_a=opinion.pk,
        movement_a=movement.pk,
        task_a=task.pk,
        report_a=report.pk,
        report_revision=report.latest_revision_id,
        editing_session=editing_session.pk,
    )
    return ids


# --- walking the URLconf --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # the patterns' texts joined, e.g. "admin/units/edit/<int:pk>/"
    name: str | None  # "namespace:name" for reverse()
    params: tuple[str, ...]  # keyword parameter names, or "#0", "#1"… for unnamed groups


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    regex = pattern.regex
    if regex.groupindex:
        return list(regex.groupindex)
    return [f"#{n}" for n in range(regex.groups)]


def iter_routes(resolver=None, prefix: str = "", namespaces: tuple[str, ...] = (), params=()) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        found = (*params, *_params(entry.pattern))
        if isinstance(entry, URLResolver):
            spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from iter_routes(entry, text, spaces, found)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Route(text, name, tuple(found))


# --- filling every pattern with objects of unit A -------------------------------------------------------------------

# Objects of unit A (its records, people, portal pages, media, workflow states): B's head opens none of their
# admin pages. Some are public on A's portal (published pages): there, the marks decide what is a leak.
A_OBJECTS = frozenset(
    {
        "unit_a",
        "assignment_a",
        "head_a",
        "issuer_a",
        "document_a",
        "file_a",
        "image_a",
        "campaign_a",
        "return_a",
        "class_a",
        "conference_a",
        "attendance_a",
        "participant_a",
        "reporter_a",
        "opinion_a",
        "movement_a",
        "task_a",
        "report_a",
        "report_revision",
        "report_export",
        "comment_a",
        "draft_article",
        "draft_revision",
        "category_a",
        "home_a",
        "published_article",
        "restricted_page",
        "site_a",
        "portal_settings_a",
        "editing_session",
        "uploaded_image",
        "uploaded_document",
        "task_state",
        "workflow_state",
        "redirect",
    }
)

# For parameters named pk/id/document_id…: the object by the longest matching route prefix.
PK_BY_PREFIX = {
    "admin/api/main/^pages/": "draft_article",
    "admin/api/main/^documents/": "file_a",
    "admin/api/main/^images/": "image_a",
    "admin/pages/": "draft_article",
    "admin/collections/": "collection",
    "admin/workflows/tasks/": "workflow_task",
    "admin/workflows/": "workflow",
    "admin/sites/": "site_a",
    "admin/users/": "head_a",
    "admin/groups/": "group",
    "admin/settings/": "portal_settings_a",
    "admin/snippets/portal/comment/": "comment_a",
    "admin/snippets/choose/portal/comment/": "comment_a",
    "admin/snippets/portal/topic/": "topic",
    "admin/snippets/choose/portal/topic/": "topic",
    "admin/units/people-chooser/": "head_a",
    "admin/units/": "unit_a",
    "admin/role-assignments/": "assignment_a",
    "admin/unit-groups/": "unit_group",
    "admin/van-ban/loai/": "doc_type",
    "admin/van-ban/co-quan-ban-hanh/": "issuer_a",
    "admin/van-ban/nhiem-ky/": "term",
    "admin/van-ban/linh-vuc/": "subject_area",
    "admin/van-ban/": "document_a",
    "admin/opinion/reports/": "opinion_a",
    "admin/opinion/topics/": "opinion_topic",
    "admin/tasks/movements/": "movement_a",
    "admin/tasks/": "task_a",
    "admin/education/campaigns/": "campaign_a",
    "admin/education/returns/": "return_a",
    "admin/education/classes/": "class_a",
    "admin/education/conferences/": "conference_a",
    "admin/education/attendance/": "attendance_a",
    "admin/education/participants/": "participant_a",
    "admin/education/reporters/": "reporter_a",
    "admin/education/programmes/": "programme",
    "admin/reports/bao-cao/": "report_a",
    "admin/documents/": "file_a",
    "admin/images/": "image_a",
}
PK_PARAMS = frozenset({"pk", "document_id", "doc_id", "image_id", "collection_id"})

# Other parameters: the object (a key of the world) or a literal ("=text").
BY_PARAM = {
    "page_id": "draft_article",
    "parent_page_id": "category_a",
    "page_to_move_id": "draft_article",
    "destination_id": "home_a",
    "page_pk": "home_a",
    "workflow_pk": "workflow",
    "task_state_id": "task_state",
    "task_id": "workflow_task",
    "workflow_state_id": "workflow_state",
    "session_id": "editing_session",
    "object_id": "report_a",
    "article_id": "published_article",
    "redirect_id": "redirect",
    "export_id": "report_export",
    "fmt": "=docx",
    "restriction_id": "collection_restriction",
    "page_view_restriction_id": "page_restriction",
    "content_type_app_name": "=portal",
    "content_type_model_name": "=articlepage",
    "filter_spec": "=max-165x130",
    "key": "=tasks.due",
    "kind": "=study_returns",
    "uidb64": "=MQ",
    "token": "=set-password",
    "revision_id_a": "=earliest",
    "revision_id_b": "=latest",
    "action_name": "=approve",
}

# Parameters that differ by route.
BY_ROUTE = {
    "admin/pages/<int:page_id>/revisions/<int:revision_id>/view/": {"revision_id": "draft_revision"},
    "admin/pages/<int:page_id>/revisions/<int:revision_id>/revert/": {"revision_id": "draft_revision"},
    "admin/pages/<int:page_id>/revisions/<int:revision_id>/unschedule/": {"revision_id": "draft_revision"},
    "admin/reports/bao-cao/history/<int:pk>/revisions/<int:revision_id>/revert/": {"revision_id": "report_revision"},
    "admin/api/main/^pages/<int:pk>/action/<str:action_name>/": {"action_name": "=move"},
    "admin/pages/create/<slug:app_label>/<slug:model_name>": {"app_label": "=portal", "model_name": "=articlepage"},
    "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/": {
        "app_label": "=wagtailcore",
        "model_name": "=page",
        "action": "=delete",
    },
    "admin/workflows/tasks/add/<str:app_label>/<str:model_name>/": {
        "app_label": "=wagtailcore",
        "model_name": "=groupapprovaltask",
    },
    "admin/editing-sessions/ping/<str:app_label>/<str:model_name>/<str:object_id>/<int:session_id>/": {
        "app_label": "=reports",
        "model_name": "=report",
    },
    "admin/settings/<slug:app_name>/<slug:model_name>/": {"app_name": "=portal", "model_name": "=portalsettings"},
    "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/": {
        "app_name": "=portal",
        "model_name": "=portalsettings",
    },
    "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/preview/": {
        "app_name": "=portal",
        "model_name": "=portalsettings",
    },
    "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/": {"app_name": "=portal", "model_name": "=articlepage"},
    "admin/documents/multiple/create_from_uploaded_document/<int:uploaded_file_id>/": {
        "uploaded_file_id": "uploaded_document"
    },
    "admin/documents/multiple/delete_upload/<int:uploaded_file_id>/": {"uploaded_file_id": "uploaded_document"},
    "admin/images/multiple/create_from_uploaded_image/<int:uploaded_file_id>/": {"uploaded_file_id": "uploaded_image"},
    "admin/images/multiple/delete_upload/<int:uploaded_file_id>/": {"uploaded_file_id": "uploaded_image"},
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": {"page_id": "restricted_page"},
    "admin/forms/submissions/<int:page_id>/": {"page_id": "published_article"},
    "admin/forms/submissions/<int:page_id>/results/": {"page_id": "published_article"},
    "admin/forms/submissions/<int:page_id>/delete/": {"page_id": "published_article"},
}

# Patterns without a name (reverse() cannot build them) or with a catch-all: the URL written out.
LITERAL_URLS = {
    "admin/test404/": "/admin/test404/",
    "admin/^.*/$": "/admin/khong-co-trang-nay/",
}

# Patterns no object can fill, each with its reason. The test fails on any other unfillable pattern.
UNFILLABLE = {
    "static/<path:path>": "only with DEBUG or SERVE_MEDIA; serves the project's static files (public)",
    "^media/(?!documents/)(?P<path>.*)$": "only with DEBUG or SERVE_MEDIA; Party documents' files are excluded",
}


@dataclass
class Case:
    url: str
    route: str
    objects: frozenset[str] = field(default_factory=frozenset)  # world keys in the URL's path
    queried: frozenset[str] = field(default_factory=frozenset)  # world keys in its query string only

    @property
    def names_a_object(self) -> bool:
        """One of A's objects is in the path: its page (or a refusal) answers, nothing else."""
        return bool(self.objects & A_OBJECTS)

    @property
    def asks_for_a(self) -> bool:
        """One of A's objects is in the path or the query: the head of A's parent gets it."""
        return bool((self.objects | self.queried) & A_OBJECTS)


class Unfillable(Exception):
    pass


def _value(spec: str, ids: dict, used: set[str]):
    if spec.startswith("="):
        return spec[1:]
    used.add(spec)
    return ids[spec]


def _pk_object(route: str) -> str:
    prefixes = [prefix for prefix in PK_BY_PREFIX if route.startswith(prefix)]
    if not prefixes:
        raise Unfillable(route)
    return PK_BY_PREFIX[max(prefixes, key=len)]


def fill(route: Route, ids: dict) -> Case:
    """A concrete URL for the pattern, built from the world's objects."""
    if route.route in LITERAL_URLS:
        return Case(LITERAL_URLS[route.route], route.route)
    if route.route in UNFILLABLE or route.name is None:
        raise Unfillable(route.route)
    used: set[str] = set()
    special = BY_ROUTE.get(route.route, {})
    if route.name == "wagtaildocs_serve":
        used.add("file_a")
        return Case(reverse(route.name, args=[ids["file_a"], ids["file_a_name"]]), route.route, frozenset(used))
    if route.name == "wagtail_serve":
        return Case("/", route.route)
    kwargs = {}
    for param in route.params:
        if param in special:
            kwargs[param] = _value(special[param], ids, used)
        elif param in PK_PARAMS:
            kwargs[param] = _value(_pk_object(route.route), ids, used)
        elif param == "revision_id":
            kwargs[param] = _value("draft_revision", ids, used)
        elif param in BY_PARAM:
            kwargs[param] = _value(BY_PARAM[param], ids, used)
        else:
            raise Unfillable(f"{route.route} ({param})")
    try:
        url = reverse(route.name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise Unfillable(f"{route.route}: {error}") from error
    return Case(url, route.route, frozenset(used))


def extra_cases(ids: dict) -> list[Case]:
    """URLs with query strings or other objects that the bare patterns do not reach."""
    a, period = ids["unit_a"], "start=01/01/2025&end=31/12/2025"
    serve = "^((?:[\\w\\-]+/)*)$"

    def on(*keys):
        return frozenset(keys)

    cases = [
        # A's portal: public pages open to all; the draft, private documents and their files to nobody there.
        Case("/tin-hoat-dong/", serve, on("category_a")),
        Case("/tin-hoat-dong/tin-cong-khai/", serve, on("published_article")),
        Case("/tin-hoat-dong/ban-nhap/", serve, on("draft_article")),
        Case("/tin-hoat-dong/trang-mat-khau/", serve, on("restricted_page")),
        Case(f"/tin/{ids['draft_article']}/", serve, on("draft_article")),
        Case("/van-ban/", serve),
        Case(f"/van-ban/?q={PRIVATE_WORD}", serve),
        Case(f"/van-ban/{ids['public_document']}/", serve),
        Case(f"/van-ban/{ids['public_document']}/?tai={ids['public_attachment']}", serve),
        Case(f"/van-ban/{ids['document_a']}/", serve, on("document_a")),
        Case(f"/van-ban/{ids['document_a']}/?tai={ids['private_attachment']}", serve, on("document_a")),
        Case(f"/tim-kiem/?q={PRIVATE_WORD}", serve),
        Case("/rss/", serve),
        Case(f"/api/v1/search?q={PRIVATE_WORD}", "api/v1/search"),
        Case(f"/api/v1/articles/{ids['draft_article']}/views", "api/v1/articles/<int:article_id>/views"),
        Case(f"/api/v1/units/?q={UNIT_WORD}", "api/v1/units/"),
        Case("/api/v1/units/?q=DU-A", "api/v1/units/"),
        # Unit-scoped admin reached with A's unit or records in the query string.
        Case(f"/admin/reports/figures/?unit={a}&{period}", "admin/reports/figures/", queried=on("unit_a")),
        Case(
            f"/admin/reports/figures/tasks.due/?unit={a}&{period}",
            "admin/reports/figures/<str:key>/",
            queried=on("unit_a"),
        ),
        Case(
            # B's own unit with A's campaign in the figure's key.
            f"/admin/reports/figures/study.{ids['campaign_a']}.required/?unit={ids['unit_b']}&{period}",
            "admin/reports/figures/<str:key>/",
        ),
        Case(f"/admin/opinion/aggregate/?unit={a}&{period}", "admin/opinion/aggregate/", queried=on("unit_a")),
        Case(f"/admin/opinion/reports/?unit={a}", "admin/opinion/reports/", queried=on("unit_a")),
        Case(f"/admin/tasks/?unit={a}", "admin/tasks/", queried=on("unit_a")),
        Case(
            f"/admin/education/import/mau/study_returns/?dot={ids['campaign_a']}",
            "admin/education/import/mau/<str:kind>/",
            queried=on("campaign_a"),
        ),
        Case(f"/admin/units/new/?parent={a}", "admin/units/new/", queried=on("unit_a")),
        Case(f"/admin/units/chooser/results/?q={UNIT_WORD}", "admin/units/chooser/results/"),
        Case(
            f"/admin/units/chooser/chosen-multiple/?id={a}",
            "admin/units/chooser/chosen-multiple/",
            queried=on("unit_a"),
        ),
        Case(f"/admin/van-ban/chon/results/?q={PRIVATE_WORD}", "admin/van-ban/chon/results/"),
        Case(
            f"/admin/van-ban/chon/chosen-multiple/?id={ids['document_a']}",
            "admin/van-ban/chon/chosen-multiple/",
            queried=on("document_a"),
        ),
        Case(f"/admin/documents/chooser/results/?q={PRIVATE_WORD}", "admin/documents/chooser/results/"),
        Case(
            f"/admin/documents/chooser/chosen-multiple/?id={ids['file_a']}",
            "admin/documents/chooser/chosen-multiple/",
            queried=on("file_a"),
        ),
        Case(f"/admin/images/chooser/results/?q={PRIVATE_WORD}", "admin/images/chooser/results/"),
        Case(
            f"/admin/images/chooser/chosen-multiple/?id={ids['image_a']}",
            "admin/images/chooser/chosen-multiple/",
            queried=on("image_a"),
        ),
        Case(
            f"/admin/choose-page/{ids['draft_article']}/",
            "admin/choose-page/<int:parent_page_id>/",
            on("draft_article"),
        ),
        Case(f"/admin/choose-page/search/?q={PRIVATE_WORD}", "admin/choose-page/search/"),
        Case(
            f"/admin/choose-page/chosen-multiple/?id={ids['draft_article']}",
            "admin/choose-page/chosen-multiple/",
            queried=on("draft_article"),
        ),
        Case(f"/admin/pages/search/?q={PRIVATE_WORD}", "admin/pages/search/"),
        Case(f"/admin/api/main/pages/?search={PRIVATE_WORD}", "admin/api/main/^pages/"),
        Case(
            f"/admin/api/main/pages/?child_of={ids['category_a']}", "admin/api/main/^pages/", queried=on("category_a")
        ),
        Case(f"/admin/api/main/documents/?search={PRIVATE_WORD}", "admin/api/main/^documents/"),
        Case(f"/admin/api/main/images/?search={PRIVATE_WORD}", "admin/api/main/^images/"),
        Case(f"/admin/snippets/portal/comment/?q={PRIVATE_WORD}", "admin/snippets/portal/comment/"),
        Case(f"/admin/nhat-ky-kiem-toan/?q={PRIVATE_WORD}", "admin/nhat-ky-kiem-toan/"),
        Case(f"/admin/reports/site-history/?label={PRIVATE_WORD}", "admin/reports/site-history/"),
    ]
    bulk = [
        ("wagtailcore", "page", "delete", "draft_article"),
        ("wagtailcore", "page", "unpublish", "published_article"),
        ("wagtailcore", "page", "publish", "draft_article"),
        ("wagtailcore", "page", "move", "draft_article"),
        ("portal", "comment", "approve", "comment_a"),
        ("portal", "comment", "delete", "comment_a"),
        ("wagtaildocs", "document", "delete", "file_a"),
        ("wagtaildocs", "document", "add_to_collection", "file_a"),
        ("wagtailimages", "image", "delete", "image_a"),
        ("auth", "user", "delete", "head_a"),
        ("auth", "user", "set_active", "head_a"),
        ("reports", "report", "delete", "report_a"),
    ]
    for app_label, model_name, action, key in bulk:
        cases.append(
            Case(
                f"/admin/bulk/{app_label}/{model_name}/{action}/?id={ids[key]}",
                "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/",
                queried=on(key),
            )
        )
    # Every list exported as CSV (readable, unlike the zipped XLSX): exports follow the same rule as lists.
    for route in iter_routes():
        if route.name and route.name.endswith((":index", ":list")) and route.route.startswith("admin/"):
            cases.append(Case(reverse(route.name) + "?export=csv", route.route))
    return cases


def all_cases(ids: dict) -> tuple[list[Case], list[str]]:
    cases, unfillable = [], []
    for route in iter_routes():
        try:
            cases.append(fill(route, ids))
        except Unfillable as error:
            unfillable.append(str(error))
    return cases + extra_cases(ids), unfillable


# --- watching the database ------------------------------------------------------------------------------------------

_WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?([\w]+)\"?", re.IGNORECASE)


class WriteWatcher:
    """Collects the tables written by SQL statements (a DB execute wrapper), volatile tables left out."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql)
        # A statement that matched no row (e.g. Wagtail deleting "my editing session" by id) changed nothing.
        if match and match.group(2) not in VOLATILE_TABLES and context["cursor"].rowcount != 0:
            self.tables.add(match.group(2))
        return result


def table_checksums() -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of the rows as stored) of every project and library table, volatile ones left out."""
    state: dict[str, tuple[int, str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table in VOLATILE_TABLES or meta.db_table in state:
                continue
            # Names from the models' own metadata, not from input.
            cursor.execute(f"SELECT * FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}")  # noqa: S608
            rows = cursor.fetchall()
            state[meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


# --- requests -------------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    location: str
    body: str
    written: set[str]
    error: str = ""

    def shows(self) -> list[str]:
        return [mark for mark in MARKS if mark in self.body]


def _body(response) -> str:
    # Read to the end: the test client closes the response then (files too). Closing it again here would send
    # request_finished, whose close_old_connections drops a PostgreSQL connection inside the test's transaction.
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8", errors="replace").lower()


def ask(client: Client, method: str, url: str, *, baseline: dict | None = None) -> Answer:
    """One request in a savepoint rolled back afterwards.

    Reports the tables its SQL wrote to and, given the `baseline` checksums,
    the tables whose rows differ from them once the request is done.
    """
    watcher = WriteWatcher()
    changed: set[str] = set()
    try:
        with transaction.atomic():
            with connection.execute_wrapper(watcher):
                response = client.get(url) if method == "GET" else client.post(url)
            if baseline is not None:
                after = table_checksums()
                changed = {table for table, state in after.items() if baseline.get(table) != state}
            transaction.set_rollback(True)
    except Exception as error:  # noqa: BLE001 — a crash is reported with its URL, not raised mid-sweep
        return Answer(500, "", "", watcher.tables, error=f"{type(error).__name__}: {error}"[:300])
    return Answer(response.status_code, response.get("Location", ""), _body(response), watcher.tables | changed)


def _is_admin(url: str) -> bool:
    return url.startswith(ADMIN)


# Admin paths anyone may open signed out: signing in, password reset, the admin's JavaScript catalogue and icons.
PUBLIC_ADMIN_ROUTES = frozenset(
    {
        "admin/login/",
        "admin/password_reset/",
        "admin/password_reset/done/",
        "admin/password_reset/confirm/<uidb64>/<token>/",
        "admin/password_reset/complete/",
        "admin/jsi18n/",
        "admin/sprite/",
    }
)
# …and, signed in without the second step, sign-out and the second step's own pages too.
TWO_FACTOR_OPEN_ROUTES = PUBLIC_ADMIN_ROUTES | {
    "admin/logout/",
    "admin/xac-thuc-hai-buoc/",
    "admin/xac-thuc-hai-buoc/dang-ky/",
}
# Outside the admin, what only signed-in staff may read: refused to everyone else.
PRIVATE_ROUTES = frozenset({"api/v1/units/", "documents/^(\\d+)/(.*)$"})
SERVE_ROUTE = "^((?:[\\w\\-]+/)*)$"

# Errors on purpose, each with its reason.
EXPECTED_ERRORS = {
    "admin/failwhale/": "Wagtail's page for testing error reporting raises an exception for any admin user",
    "admin/choose-external-link/": "Wagtail 8.0.1's link chooser crashes on a POST without a URL (no data involved)",
}
# URLs with one of A's objects in the path that the sibling's head may still open, each with its reason.
SIBLING_MAY_OPEN = {
    "admin/units/people-chooser/chosen/<str:pk>/": "the people chooser finds any active account by design: "
    "a role is given to someone who may not belong to any unit yet (names and user names only)",
    "admin/pages/workflow/confirm_cancellation/<int:page_id>/": "Wagtail's confirmation before publishing names "
    "only the workflow and task (shared settings), nothing of the page",
    "admin/editing-sessions/release/<int:session_id>/": "Wagtail ends only the signed-in user's own editing session "
    "with that id and answers {} either way: another's session is left alone",
}
# Requests that change only the signed-in user's own state, each with its reason.
OWN_STATE_WRITES = {
    "admin/logout/": "signing out is written in the audit log",
    "admin/xac-thuc-hai-buoc/ma-khoi-phuc/tao-moi/": "makes new recovery codes for the signed-in user",
}

# The admin of unit records: the head of A's parent opens every page of A's records there…
UNIT_SCOPED_PREFIXES = (
    "admin/units/",
    "admin/role-assignments/",
    "admin/van-ban/",
    "admin/opinion/",
    "admin/tasks/",
    "admin/education/",
    "admin/reports/bao-cao/",
    "admin/reports/figures/",
    "api/v1/units/",
    "documents/",
)
NOT_UNIT_SCOPED_PREFIXES = (
    "admin/van-ban/loai/",
    "admin/van-ban/co-quan-ban-hanh/",
    "admin/van-ban/nhiem-ky/",
    "admin/van-ban/linh-vuc/",
    "admin/opinion/topics/",
    "admin/education/programmes/",
    "admin/units/people-chooser/",
)
# …except these, each with its reason.
PARENT_NOT_OPEN = {
    "admin/units/delete/<int:pk>/": "units are history: they close, merge or split, nobody deletes one",
    "admin/role-assignments/delete/<int:pk>/": "role assignments are history: they end, nobody deletes one",
    "admin/education/participants/edit/<int:pk>/": "a person's attendance is added or deleted, never edited",
    "admin/education/participants/usage/<int:pk>/": "a person's attendance is added or deleted, never edited",
}
POST_ONLY_VIEWS = ("/regenerate/", "/article/", "/new_version/", "/exports/docx/", "/issue/")


def _parent_opens(case: Case) -> bool:
    route = case.route
    return (
        case.asks_for_a
        and route.startswith(UNIT_SCOPED_PREFIXES)
        and not route.startswith(NOT_UNIT_SCOPED_PREFIXES)
        and route not in PARENT_NOT_OPEN
        and not case.url.endswith(POST_ONLY_VIEWS)
    )


def _refused(answer: Answer, *, to: tuple[str, ...]) -> bool:
    """Refused: 400/401/403/404/405, or a redirect to one of `to` (sign-in, the second step, anywhere…)."""
    if answer.status in (400, 401, 403, 404, 405):
        return True
    return answer.status in (301, 302) and answer.location.startswith(to)


def _common_problem(case: Case, answer: Answer) -> str | None:
    """Crashes, marks and writes, the same for every visitor but the parent's head."""
    if answer.status >= 500 and case.route not in EXPECTED_ERRORS:
        return "crash"
    if PRIVATE_MARK in answer.body:
        return f"shows {PRIVATE_MARK}"
    private_path = _is_admin(case.url) or case.route in PRIVATE_ROUTES
    if UNIT_MARK in answer.body and answer.status == 200 and private_path:
        return f"shows {UNIT_MARK}"
    allowed = VIEW_COUNT_TABLES if case.route == SERVE_ROUTE else frozenset()
    written = answer.written - allowed
    if written and case.route not in OWN_STATE_WRITES:
        return f"wrote {sorted(written)}"
    return None


class RightsSweep(TestCase):
    """The sweep; the world is built once (setUpTestData), each request rolled back after it."""

    @classmethod
    def setUpClass(cls):
        # Files in a directory of their own; the second step required whatever the environment says.
        cls._media_root = tempfile.mkdtemp(prefix="rights-sweep-")
        cls._settings = override_settings(MEDIA_ROOT=cls._media_root, TWO_FACTOR_REQUIRED=True)
        cls._settings.enable()
        cls.addClassCleanup(shutil.rmtree, cls._media_root, ignore_errors=True)
        cls.addClassCleanup(cls._settings.disable)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.ids = build_world()
        cls.cases, cls.unfillable = all_cases(cls.ids)

    # --- helpers ---

    def user(self, key: str):
        return get_user_model().objects.get(pk=self.ids[key])

    def client_for(self, key: str | None, *, verified: bool = True) -> Client:
        client = Client(HTTP_USER_AGENT="Kiểm thử quyền")
        client.sweep_user = key
        client.sweep_verified = verified
        if key is not None:
            self._sign_in(client)
        return client

    def _sign_in(self, client: Client) -> None:
        client.force_login(self.user(client.sweep_user))  # the plugin marks the session verified
        if not client.sweep_verified:
            session = client.session
            session.pop(DEVICE_ID_SESSION_KEY, None)
            session.save()

    def sweep(self, client: Client, methods=("GET", "POST"), cases=None, *, checksums=False) -> Iterator[tuple]:
        """Every case with every method; with `checksums`, each request's tables are compared with the baseline."""
        baseline = table_checksums() if checksums else None
        for case in self.cases if cases is None else cases:
            for method in methods:
                if client.sweep_user is not None and "_auth_user_id" not in client.session:
                    self._sign_in(client)  # an earlier request signed out (sign-out, idle end)
                    baseline = table_checksums() if checksums else None  # signing in wrote last_login, a log entry
                yield case, method, ask(client, method, case.url, baseline=baseline)

    def assert_none(self, problems: list[str], what: str) -> None:
        if problems:
            self.fail(f"{len(problems)} {what}:\n" + "\n".join(problems))

    # --- the URLconf is covered ---

    def test_every_pattern_is_filled_or_listed_with_a_reason(self):
        self.maxDiff = None
        routes = list(iter_routes())
        self.assertGreater(len(routes), 400)  # the Wagtail admin's patterns are in the walk
        self.assertIn("admin/pages/<int:page_id>/edit/", {r.route for r in routes})
        self.assertEqual(self.unfillable, [], "patterns without a URL: fill them or list them in UNFILLABLE")
        filled = {case.route for case in self.cases}
        missing = [r.route for r in routes if r.route not in filled and r.route not in UNFILLABLE]
        self.assertEqual(missing, [])

    # --- (a) anonymous ---

    def test_anonymous_visitors_reach_no_admin_page_and_no_private_data(self):
        client = self.client_for(None)
        problems = []
        for case, method, answer in self.sweep(client):
            problem = _common_problem(case, answer)
            if problem is None and _is_admin(case.url) and case.route not in PUBLIC_ADMIN_ROUTES:
                problem = None if _refused(answer, to=(LOGIN,)) else "not refused"
            if problem is None and case.route in PRIVATE_ROUTES and not _refused(answer, to=(LOGIN,)):
                problem = "private path not refused"
            if problem:
                problems.append(f"{problem}: {method} {case.url} → {answer.status} {answer.location} {answer.error}")
        self.assert_none(problems, "answers to anonymous visitors")

    # --- (b) password without the second step ---

    def test_staff_without_the_second_step_reach_only_that_step(self):
        problems = []
        # The gate decides by path and by who is signed in, before any view runs: posting is tried once, as
        # the account that could do most; the head of P (staff by role) and an editor (by group) read.
        for key, methods in (("superuser", ("GET", "POST")), ("head_p", ("GET",)), ("editor", ("GET",))):
            client = self.client_for(key, verified=False)
            for case, method, answer in self.sweep(client, methods=methods):
                problem = _common_problem(case, answer)
                if problem is None and _is_admin(case.url) and case.route not in TWO_FACTOR_OPEN_ROUTES:
                    sent = answer.status == 302 and answer.location.startswith(TWO_FACTOR)
                    problem = None if sent else "not sent to the second step"
                if problem is None and case.route in PRIVATE_ROUTES and not _refused(answer, to=(LOGIN,)):
                    problem = "private path not refused"
                if problem:
                    problems.append(
                        f"{problem}: {key} {method} {case.url} → {answer.status} {answer.location} {answer.error}"
                    )
        self.assert_none(problems, "answers to staff without the second step")

    # --- (c) the sibling unit's head ---

    def _sibling_problems(self, method: str) -> list[str]:
        client = self.client_for("head_b")
        problems = []
        for case, _method, answer in self.sweep(client, methods=(method,), checksums=method == "POST"):
            problem = _common_problem(case, answer)
            if (
                problem is None
                and case.names_a_object
                and (_is_admin(case.url) or case.route in PRIVATE_ROUTES)
                and case.route not in SIBLING_MAY_OPEN
                and not _refused(answer, to=("/",))
            ):
                problem = "opened A's object"
            if problem:
                problems.append(f"{problem}: {method} {case.url} → {answer.status} {answer.location} {answer.error}")
        return problems

    def test_sibling_unit_head_reads_nothing_of_unit_a(self):
        self.assert_none(self._sibling_problems("GET"), "GET answers to the head of sibling unit B")

    def test_sibling_unit_head_changes_nothing_of_unit_a(self):
        self.assert_none(self._sibling_problems("POST"), "POST answers to the head of sibling unit B")

    # --- (d) the parent unit's head ---

    def test_parent_unit_head_opens_unit_a_records(self):
        client = self.client_for("head_p")
        expected = [case for case in self.cases if _parent_opens(case)]
        self.assertGreater(len(expected), 60)
        problems = []
        for case, method, answer in self.sweep(client, methods=("GET",), cases=expected):
            if answer.status != 200:
                problems.append(f"{method} {case.url} → {answer.status} {answer.location} {answer.error}")
        self.assert_none(problems, "pages of unit A's records the head of its parent cannot open")

    def test_parent_sees_unit_a_in_lists_where_the_sibling_does_not(self):
        lists = [
            "/admin/units/",
            "/admin/role-assignments/",
            "/admin/van-ban/",
            "/admin/opinion/reports/",
            "/admin/opinion/items/",
            "/admin/tasks/",
            "/admin/tasks/movements/",
            "/admin/education/campaigns/",
            "/admin/education/classes/",
            "/admin/education/conferences/",
            "/admin/education/reporters/",
            "/admin/reports/bao-cao/",
            "/api/v1/units/",
        ]
        parent, sibling = self.client_for("head_p"), self.client_for("head_b")
        problems = []
        for url in lists:
            seen = ask(parent, "GET", url)
            if seen.status != 200 or not seen.shows():
                problems.append(f"head of P: {url} → {seen.status}, marks {seen.shows()}")
            hidden = ask(sibling, "GET", url)
            if hidden.status != 200 or hidden.shows():
                problems.append(f"head of B: {url} → {hidden.status}, marks {hidden.shows()}")
        self.assert_none(problems, "lists")

    # --- JSON: what the sibling gets, compared with the parent ---

    def test_json_endpoints_give_the_sibling_nothing_of_unit_a(self):
        ids = self.ids
        sibling, parent, superuser = self.client_for("head_b"), self.client_for("head_p"), self.client_for("superuser")

        def data(client, url):
            answer = ask(client, "GET", url)
            self.assertEqual(answer.status, 200, url)
            return json.loads(answer.body)

        def unit_ids(client, query=""):
            return {row["id"] for row in data(client, f"/api/v1/units/{query}")["results"]}

        self.assertEqual(unit_ids(sibling), {ids["unit_b"], ids["unit_b1"]})
        self.assertEqual(unit_ids(sibling, "?q=DU-A"), set())
        self.assertEqual(unit_ids(parent, "?q=DU-A"), {ids["unit_a"]})

        next_number = (
            f"/admin/van-ban/so-tiep-theo/?issuer={ids['issuer_a']}&doc_type={ids['doc_type']}&issued_on=05/03/2025"
        )
        self.assertEqual(data(sibling, next_number)["symbol"], "")
        self.assertEqual(data(parent, next_number)["symbol"].lower(), "03-kh/đu")  # A's two plans: 01 and 02

        files, images = "/admin/api/main/documents/", "/admin/api/main/images/"
        self.assertNotIn(ids["file_a"], {item["id"] for item in data(sibling, files)["items"]})
        self.assertIn(ids["file_a"], {item["id"] for item in data(superuser, files)["items"]})
        self.assertNotIn(ids["image_a"], {item["id"] for item in data(sibling, images)["items"]})
        self.assertIn(ids["image_a"], {item["id"] for item in data(superuser, images)["items"]})
        self.assertEqual(ask(sibling, "GET", f"{files}{ids['file_a']}/").status, 404)

        chosen = f"/admin/units/chooser/chosen/{ids['unit_a']}/"
        self.assertEqual(ask(sibling, "GET", chosen).status, 404)
        self.assertEqual(data(parent, chosen)["result"]["id"], str(ids["unit_a"]))
        several = f"/admin/van-ban/chon/chosen-multiple/?id={ids['document_a']}"
        self.assertEqual(data(sibling, several)["result"], [])
        self.assertEqual([row["id"] for row in data(parent, several)["result"]], [str(ids["document_a"])])

        for client in (sibling, parent, Client()):
            found = data(client, f"/api/v1/search?q={PRIVATE_WORD}")
            self.assertEqual(found["results"], [], "a password-protected page's text in the public search")

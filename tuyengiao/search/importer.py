"""Bulk import of articles from JSON Lines (``manage.py import_articles``).

One article a line::

    {"title": "…", "lead": "…", "body": "<p>…</p>", "published_at": "2024-03-05T08:30:00+07:00",
     "byline": "Tin, ảnh: Lê Thuý", "tags": ["chuyển đổi số"],
     "category": "tin-hoat-dong", "site": "phuong1.example.vn", "id": 12345}

``category`` (slug), ``site`` (hostname), ``id``, ``byline`` and ``tags`` are
optional; without ``site`` the default site is used, without ``category`` its
first category (in tree order). ``lead`` may be empty (older systems often
have none; the editor is asked for one at the next edit). Body HTML is
cleaned to what the rich text editor allows (scripts, styles and images go).
Every line is checked before anything is written; one bad line refuses the
whole file, with every reason listed.

Why not ``parent.add_child()`` + ``save_revision().publish()`` per article:
that costs tens of milliseconds an article (tree locking, full_clean,
revision, signals, reindexing). Here pages are written in batches with
``bulk_create``, with everything Wagtail itself would write: treebeard paths,
``url_path``, ``live``, first/last published times, one revision (so editors
open and edit them as usual) marked as the live revision, a publish log entry,
bylines, tags — and the search documents.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from taggit.models import Tag
from unidecode import unidecode
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.models import Locale, Page, PageLogEntry, Revision, Site
from wagtail.rich_text import get_text_for_indexing

from tuyengiao.portal.bylines import BylineCredit, parse_byline
from tuyengiao.portal.models import ArticleByline, ArticlePage, ArticleTag, CategoryPage

from . import engine, text

BATCH = 1000
MAX_PAGE_ID = 2**31 - 1
DATE_EXAMPLE = "2024-03-05T08:30:00+07:00"
ROLE_FIELDS = {"tin": "is_news", "bai": "is_article", "anh": "is_photo", "video": "is_video"}


class ImportRefused(Exception):
    """The file has bad lines; nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} lỗi")
        self.errors = errors


@dataclass
class Row:
    """One checked line."""

    line: int
    title: str
    lead: str
    body: str
    published_at: datetime.datetime
    credits: list[BylineCredit]
    tags: list[str]
    category: CategoryPage
    page_id: int | None


@dataclass
class _Portals:
    """Sites and their categories, looked up once per import."""

    sites: dict[str, Site] = field(default_factory=dict)
    default: Site | None = None
    _categories: dict[int, list[CategoryPage]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _Portals:
        portals = cls()
        for site in Site.objects.select_related("root_page").order_by("-is_default_site", "port", "pk"):
            portals.sites.setdefault(site.hostname.lower(), site)
            if site.is_default_site and portals.default is None:
                portals.default = site
        return portals

    def categories(self, site: Site) -> list[CategoryPage]:
        if site.pk not in self._categories:
            self._categories[site.pk] = list(
                CategoryPage.objects.descendant_of(site.root_page).order_by("depth", "path")
            )
        return self._categories[site.pk]


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield number, raw


def _check(number: int, raw: str, portals: _Portals) -> tuple[Row | None, list[str], int | None]:
    """Read one line: the row (None if refused), the reasons it is refused (in Vietnamese), its id."""
    at = f"Dòng {number}"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        return None, [f"{at}: không đọc được JSON ({error.msg}, cột {error.colno})."], None
    if not isinstance(data, dict):
        return None, [f"{at}: mỗi dòng phải là một đối tượng JSON {{…}}."], None
    errors = [f"{at}: thiếu trường “{name}”." for name in ("title", "lead", "body", "published_at") if name not in data]
    values: dict = {}
    for name in ("title", "lead", "body"):
        if name in data:
            if not isinstance(data[name], str):
                errors.append(f"{at}: trường “{name}” phải là chuỗi.")
            elif name == "title" and not data[name].strip():
                errors.append(f"{at}: trường “{name}” trống.")
            else:
                values[name] = text.nfc(data[name]).strip()
    if len(values.get("title", "")) > 255:
        errors.append(f"{at}: trường “title” dài quá 255 ký tự.")
    published_at = None
    if "published_at" in data:
        try:
            published_at = datetime.datetime.fromisoformat(str(data["published_at"]).strip())
        except ValueError:
            errors.append(f"{at}: trường “published_at” không đúng ISO 8601 (ví dụ {DATE_EXAMPLE}).")
        else:
            if published_at.tzinfo is None:
                errors.append(f"{at}: trường “published_at” thiếu múi giờ (ví dụ {DATE_EXAMPLE}).")
                published_at = None
    credits: list[BylineCredit] = []
    byline = data.get("byline") or ""
    if not isinstance(byline, str):
        errors.append(f"{at}: trường “byline” phải là chuỗi.")
    else:
        try:
            credits = parse_byline(byline)
        except ValueError as error:
            errors.append(f"{at}: dòng tác giả không hợp lệ: {error}")
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        errors.append(f"{at}: trường “tags” phải là danh sách chuỗi.")
        tags = []
    tags = list(dict.fromkeys(text.nfc(tag).strip() for tag in tags if tag.strip()))
    if any(len(tag) > 100 for tag in tags):
        errors.append(f"{at}: mỗi từ khóa trong “tags” tối đa 100 ký tự.")
    page_id = data.get("id")
    if page_id is not None and (
        isinstance(page_id, bool) or not isinstance(page_id, int) or not 0 < page_id <= MAX_PAGE_ID
    ):
        errors.append(f"{at}: trường “id” phải là số nguyên dương.")
        page_id = None
    category = _category(at, data, portals, errors)
    if errors:
        return None, errors, page_id
    return (
        Row(
            line=number,
            title=values["title"],
            lead=values["lead"],
            body=values["body"],
            published_at=published_at,
            credits=credits,
            tags=tags,
            category=category,
            page_id=page_id,
        ),
        [],
        page_id,
    )


def _category(at: str, data: dict, portals: _Portals, errors: list[str]) -> CategoryPage | None:
    hostname = data.get("site")
    if hostname is not None and not isinstance(hostname, str):
        errors.append(f"{at}: trường “site” phải là tên miền (chuỗi).")
        return None
    if hostname:
        site = portals.sites.get(hostname.strip().lower())
        if site is None:
            errors.append(f"{at}: không có cổng nào có tên miền “{hostname}”.")
            return None
    else:
        site = portals.default
        if site is None:
            errors.append(f"{at}: chưa có cổng mặc định, cần trường “site”.")
            return None
    categories = portals.categories(site)
    slug = data.get("category")
    if slug is not None and not isinstance(slug, str):
        errors.append(f"{at}: trường “category” phải là đường dẫn (slug) của chuyên mục.")
        return None
    if not slug:
        if not categories:
            errors.append(f"{at}: cổng “{site.hostname}” chưa có chuyên mục nào.")
            return None
        return categories[0]
    for category in categories:
        if category.slug == slug.strip():
            return category
    errors.append(f"{at}: cổng “{site.hostname}” không có chuyên mục “{slug}”.")
    return None


def check_file(path: Path) -> tuple[list[str], set[int]]:
    """Every reason to refuse the file, one per problem, with line numbers; and the ids the file asks for."""
    portals = _Portals.load()
    errors: list[str] = []
    ids: dict[int, int] = {}
    for number, raw in _lines(path):
        _, problems, page_id = _check(number, raw, portals)
        errors.extend(problems)
        if page_id is not None:
            if page_id in ids:
                errors.append(f"Dòng {number}: “id” {page_id} trùng với dòng {ids[page_id]}.")
            else:
                ids[page_id] = number
    taken = sorted(ids)
    for start in range(0, len(taken), 1000):
        for page_id in Page.objects.filter(pk__in=taken[start : start + 1000]).values_list("pk", flat=True):
            errors.append(f"Dòng {ids[page_id]}: “id” {page_id} đã là mã của một trang khác.")
    return errors, set(ids)


def count_lines(path: Path) -> int:
    return sum(1 for _ in _lines(path))


def import_file(path: Path, *, on_batch: Callable[[int], None] | None = None) -> int:
    """Check the whole file, then import it in one transaction. Returns the number of articles."""
    errors, ids = check_file(path)
    if errors:
        raise ImportRefused(errors)
    portals = _Portals.load()
    writer = _Writer()
    count = 0
    with transaction.atomic():
        if ids:
            _reserve_ids(max(ids))
        batch: list[Row] = []
        for number, raw in _lines(path):
            row, _, _ = _check(number, raw, portals)
            batch.append(row)
            if len(batch) >= BATCH:
                count += writer.write(batch)
                if on_batch:
                    on_batch(len(batch))
                batch = []
        if batch:
            count += writer.write(batch)
            if on_batch:
                on_batch(len(batch))
        writer.finish()
    return count


class _Writer:
    """Writes batches of rows as published Wagtail pages."""

    def __init__(self):
        self.now = timezone.now()
        self.locale = Locale.get_default()
        self.article_type = ContentType.objects.get_for_model(ArticlePage)
        self.page_type = ContentType.objects.get_for_model(Page)
        self.converter = EditorHTMLConverter()
        self.tags: dict[str, Tag] = {}
        self.parents: dict[int, dict] = {}

    def _parent(self, category: CategoryPage) -> dict:
        state = self.parents.get(category.pk)
        if state is None:
            parent = Page.objects.select_for_update().get(pk=category.pk) if connection.vendor == "postgresql" else None
            parent = parent or Page.objects.get(pk=category.pk)
            last = parent.get_last_child()
            scope_paths = [parent.path[:end] for end in range(2 * Page.steplen, len(parent.path) + 1, Page.steplen)]
            state = {
                "page": parent,
                "next_step": int(last.path[-Page.steplen :], 36) + 1 if last else 1,
                "slugs": set(parent.get_children().values_list("slug", flat=True)),
                "added": 0,
                "scope": tuple(
                    Page.objects.filter(path__in=scope_paths).order_by("depth").values_list("pk", flat=True)
                ),
            }
            self.parents[category.pk] = state
        return state

    def _slug(self, state: dict, title: str) -> str:
        base = slugify(unidecode(title))[:80].strip("-") or "bai-viet"
        slug, n = base, 1
        while slug in state["slugs"]:
            n += 1
            slug = f"{base}-{n}"
        state["slugs"].add(slug)
        return slug

    def _tag(self, name: str) -> Tag:
        if name not in self.tags:
            self.tags[name] = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
        return self.tags[name]

    def write(self, rows: list[Row]) -> int:
        pages, articles = [], []
        for row in rows:
            state = self._parent(row.category)
            parent = state["page"]
            slug = self._slug(state, row.title)
            path = ArticlePage._get_path(parent.path, parent.depth + 1, state["next_step"])
            state["next_step"] += 1
            state["added"] += 1
            body_html = self.converter.to_database_format(row.body) if row.body.strip() else ""
            fields = {
                "title": row.title,
                "draft_title": row.title,
                "slug": slug,
                "content_type": self.article_type,
                "live": True,
                "has_unpublished_changes": False,
                "url_path": f"{parent.url_path}{slug}/",
                "first_published_at": row.published_at,
                "last_published_at": row.published_at,
                "latest_revision_created_at": self.now,
                "locale": self.locale,
                "translation_key": uuid.uuid4(),
                "path": path,
                "depth": parent.depth + 1,
                "numchild": 0,
            }
            if row.page_id is not None:
                fields["id"] = row.page_id
            pages.append(Page(**fields))
            article = ArticlePage(
                **fields,
                lead=row.lead,
                body=[("paragraph", body_html)] if body_html else [],
                published_at=row.published_at,
            )
            article.bylines = [
                ArticleByline(
                    name=credit.name, sort_order=i, **{ROLE_FIELDS[r]: r in credit.roles for r in ROLE_FIELDS}
                )
                for i, credit in enumerate(credits_or_none(row.credits))
            ]
            article.tagged_items = [ArticleTag(tag=self._tag(name)) for name in row.tags]
            for relation in get_all_child_relations(article):
                name = relation.get_accessor_name()
                if name not in ("bylines", "tagged_items"):
                    setattr(article, name, [])  # attachments, comments: none, and no query per page
            articles.append((row, article, body_html, state["scope"]))
        Page.objects.bulk_create(pages, batch_size=250)
        for page, (_, article, _, _) in zip(pages, articles, strict=True):
            article.pk = article.id = article.page_ptr_id = page.pk
        self._insert_articles([a for _, a, _, _ in articles])
        ArticleByline.objects.bulk_create([b for _, a, _, _ in articles for b in _bind(a, a.bylines)], batch_size=500)
        ArticleTag.objects.bulk_create([t for _, a, _, _ in articles for t in _bind(a, a.tagged_items)], batch_size=500)
        revisions = [
            Revision(
                content_type=self.article_type,
                base_content_type=self.page_type,
                object_id=str(article.pk),
                created_at=self.now,
                object_str=article.title,
                content=article.serializable_data(),
            )
            for _, article, _, _ in articles
        ]
        Revision.objects.bulk_create(revisions, batch_size=250)
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE wagtailcore_page SET latest_revision_id = %s, live_revision_id = %s WHERE id = %s",
                [(r.pk, r.pk, int(r.object_id)) for r in revisions],
            )
        PageLogEntry.objects.bulk_create(
            [
                PageLogEntry(
                    content_type=self.article_type,
                    label=article.title[:255],
                    action="wagtail.publish",
                    timestamp=self.now,
                    revision=revision,
                    content_changed=True,
                    page_id=article.pk,
                    data={},
                )
                for (_, article, _, _), revision in zip(articles, revisions, strict=True)
            ],
            batch_size=500,
        )
        engine.index_documents(
            [
                engine.Document(
                    page_id=article.pk,
                    sort_key=engine.sort_key(row.published_at, article.pk),
                    scope=scope,
                    title=row.title,
                    lead=row.lead,
                    body=text.nfc(get_text_for_indexing(body_html)) if body_html else "",
                )
                for row, article, body_html, scope in articles
            ]
        )
        return len(rows)

    def _insert_articles(self, articles: list[ArticlePage]) -> None:
        # Django cannot bulk_create multi-table children: write the child rows
        # directly, every value prepared by its own model field.
        fields = [f for f in ArticlePage._meta.local_concrete_fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        rows = [[f.get_db_prep_save(getattr(a, f.attname), connection) for f in fields] for a in articles]
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {ArticlePage._meta.db_table} ({columns}) VALUES ({marks})", rows)  # noqa: S608

    def finish(self) -> None:
        for state in self.parents.values():
            if state["added"]:
                Page.objects.filter(pk=state["page"].pk).update(numchild=state["page"].numchild + state["added"])


def _reserve_ids(highest: int) -> None:
    """Make new page ids start above every id the file asks for, so none is handed out twice."""
    table = Page._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST((SELECT MAX(id) FROM {table}), %s))",  # noqa: S608
                [table, highest],
            )
        else:  # SQLite: AUTOINCREMENT keeps the highest id handed out in sqlite_sequence
            cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [highest, table])
            if cursor.rowcount == 0:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest])


def credits_or_none(credits: list[BylineCredit]) -> list[BylineCredit]:
    return [credit for credit in credits if credit.roles and credit.name.strip()]


def _bind(article: ArticlePage, children) -> list:
    items = list(children.all()) if hasattr(children, "all") else list(children)
    for item in items:
        item.page_id = article.pk
        if isinstance(item, ArticleTag):
            item.content_object_id = article.pk
    return items

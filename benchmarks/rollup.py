"""Benchmark: roll-ups over a province-size unit tree on SQLite and PostgreSQL.

Run: `.venv/bin/python benchmarks/rollup.py [--quick] [--backends sqlite,postgresql] [--keep]`
(--quick: 30 communes, 600 cells and 50,000 attendance rows; under two minutes).

What it does, for each backend, in a database of its own (a SQLite file in a
temporary folder; the PostgreSQL database `bench_rollup`, dropped and created
again — never the project's db.sqlite3 or a test database):

1. creates the tables of the models involved with Django's schema editor
   (the same tables and indexes the migrations make, without replaying the
   whole project's migration history);
2. generates a province: one Tỉnh ủy, its board and political centre, about
   100 commune-level units (5 of them merged into a neighbour on 01/07/2025,
   with records before and after that date) and 3,000 Party cells, with
   treebeard paths built directly (steplen 4, alphabet 0-9A-Z) and bulk_create;
   then a year of education data: briefing conferences (provincial, twice a
   month, attended by every unit; communes' weekly ones attended by their
   cells), classes drawing from a hundred cells each — 500,000 attendance rows
   in all — and one study campaign over all the cells with about 90% of the
   returns filed, some late;
3. measures, warm, the median of 5 runs of:
   - the campaign's completion roll-up over the tree (`campaign_overview`, what
     the campaign's admin page shows): province totals, the table per commune
     and the number of late units;
   - the year's attendance roll-up over the tree (`attendance_rollup`): lượt
     per commune, whose sum is the province's total;
   - and, for information, the province's total alone as a report figure
     (`attendance_figures`, by attending unit), checked equal to that sum.

The target is ≤ 300 ms for each roll-up on both backends. The last line
printed is one JSON object with the figures and the targets; the exit status
is 0 even when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "bench_rollup"
TARGET_MS = 300
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
MERGED_ON = datetime.date(2025, 7, 1)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
RUNS = 5

FULL = {"communes": 100, "cells": 3000, "attendance": 500_000, "merged": 5}
QUICK = {"communes": 30, "cells": 600, "attendance": 50_000, "merged": 3}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def vn(number: int) -> str:
    """2302 → 2.302, as Vietnamese texts write numbers."""
    return f"{int(number):,}".replace(",", ".")


def step(index: int) -> str:
    """Treebeard's 4-character path step for the index-th child (1-based)."""
    digits = ""
    while index:
        index, rest = divmod(index, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(4, "0")


# --- worker (runs inside Django with DATABASE_URL set) --------------------------------------------


def create_schema() -> None:
    """Tables for the education models and everything they point to, in dependency order."""
    from django.apps import apps
    from django.db import connection

    wanted: list = []
    seen: set = set()

    def visit(model):
        model = model._meta.concrete_model
        if model in seen:
            return
        seen.add(model)
        for field in model._meta.get_fields(include_hidden=False):
            if field.is_relation and field.concrete and field.related_model and not field.many_to_many:
                if field.related_model is not model:
                    visit(field.related_model)
            elif field.many_to_many and field.concrete:
                visit(field.related_model)
        wanted.append(model)

    for model in apps.get_app_config("education").get_models():
        visit(model)
    # Targets first; auto-created many-to-many tables come with their model, explicit ones are models here.
    with connection.schema_editor() as editor:
        for model in wanted:
            editor.create_model(model)
    say(f"  tables: {len(wanted)} models ({', '.join(m._meta.label for m in wanted)})")


def build_tree(sizes: dict, rng: random.Random):
    from tuyengiao.units.models import Unit, UnitKind, UnitLevel

    root_path = step(1)
    units = [
        Unit(
            name="Tỉnh ủy Sông Hậu (thử tải)",
            kind=UnitKind.PARTY_COMMITTEE,
            level=UnitLevel.PROVINCE,
            short_code="TU",
            path=root_path,
            depth=1,
            numchild=0,
        )
    ]
    children = [
        ("Ban Tuyên giáo và Dân vận Tỉnh ủy", UnitKind.STAFF_BOARD, UnitLevel.PROVINCE, "BTGDVTU"),
        ("Trung tâm Chính trị tỉnh", UnitKind.POLITICAL_CENTRE, UnitLevel.PROVINCE, "TTCT"),
    ]
    merged = sizes["merged"]
    communes = [
        (f"Đảng ủy xã {n:03d}", UnitKind.PARTY_COMMITTEE, UnitLevel.COMMUNE, "ĐU")
        for n in range(1, sizes["communes"] + 1)
    ]
    communes += [
        (f"Đảng ủy xã {n:03d} (đã sáp nhập)", UnitKind.PARTY_COMMITTEE, UnitLevel.COMMUNE, "ĐU")
        for n in range(sizes["communes"] + 1, sizes["communes"] + merged + 1)
    ]
    cells_per_commune = sizes["cells"] // sizes["communes"]
    for index, (name, kind, level, code) in enumerate(children + communes, start=1):
        is_commune = level == UnitLevel.COMMUNE
        is_merged = "(đã sáp nhập)" in name
        cells = cells_per_commune if is_commune and not is_merged else 0
        path = root_path + step(index)
        units.append(
            Unit(
                name=name,
                kind=kind,
                level=level,
                short_code=code,
                path=path,
                depth=2,
                numchild=cells,
                valid_from=datetime.date(2020, 1, 1),
                valid_to=MERGED_ON - datetime.timedelta(days=1) if is_merged else None,
            )
        )
        for c in range(1, cells + 1):
            units.append(
                Unit(
                    name=f"Chi bộ {c:02d} ({name.removeprefix('Đảng ủy ')})",
                    kind=UnitKind.PARTY_CELL,
                    level=UnitLevel.CELL,
                    short_code="CB",
                    path=path + step(c),
                    depth=3,
                    numchild=0,
                )
            )
    units[0].numchild = len(children) + len(communes)
    Unit.objects.bulk_create(units, batch_size=2000)
    by_path = {u.path: u for u in Unit.objects.all()}
    root = by_path[root_path]
    commune_units = [u for u in by_path.values() if u.level == UnitLevel.COMMUNE]
    active = sorted((u for u in commune_units if u.valid_to is None), key=lambda u: u.path)
    gone = sorted((u for u in commune_units if u.valid_to is not None), key=lambda u: u.path)
    for unit in gone:  # merged into a neighbour: records from 01/07/2025 count for it
        unit.successor = rng.choice(active)
    Unit.objects.bulk_update(gone, ["successor"])
    cells = sorted((u for u in by_path.values() if u.level == UnitLevel.CELL), key=lambda u: u.path)
    board = next(u for u in by_path.values() if u.short_code == "BTGDVTU")
    centre = next(u for u in by_path.values() if u.short_code == "TTCT")
    problems = Unit.find_problems()
    if any(problems):
        raise RuntimeError(f"invalid treebeard tree: {problems}")
    return root, board, centre, active, gone, cells


def generate_year(sizes, rng, root, board, centre, communes, gone, cells) -> dict:
    from tuyengiao.education.models import (
        Attendance,
        BriefingConference,
        EducationClass,
        Level,
        Mode,
        Programme,
        StudyCampaign,
        StudyCampaignUnit,
        StudyReturn,
    )

    programme = Programme.objects.create(name="Bồi dưỡng nhận thức về Đảng", code="nhan-thuc-ve-dang")
    start, end = YEAR
    days = (end - start).days
    all_units = [board, centre, *communes, *cells]
    cells_of = {}
    for cell in cells:
        cells_of.setdefault(cell.path[:8], []).append(cell)
    rows: list[Attendance] = []
    target = sizes["attendance"]

    def add(event_field, event, units, day):
        for unit in units:
            rows.append(Attendance(**{event_field: event}, unit=unit, count=rng.randint(1, 12), held_on=day))

    # Provincial conferences twice a month, every unit connected.
    provincial = BriefingConference.objects.bulk_create(
        [
            BriefingConference(
                title=f"Hội nghị báo cáo viên tỉnh {n + 1}",
                organiser=board,
                held_on=start + datetime.timedelta(days=int(n * days / 24)),
                level=Level.PROVINCIAL,
                mode=Mode.BOTH,
                connection_points=len(communes) + len(cells),
            )
            for n in range(24)
        ]
    )
    for conference in provincial:
        add("conference", conference, all_units, conference.held_on)
    # Communes' weekly conferences with their cells, and the merged communes' own before and after the merge.
    weekly = [
        BriefingConference(
            title=f"Hội nghị báo cáo viên {commune.name} tuần {w + 1}",
            organiser=commune,
            held_on=start + datetime.timedelta(days=7 * w + rng.randint(0, 4)),
            level=Level.LOCAL,
        )
        for commune in gone + communes  # the merged communes first: they have records before and after the merger
        for w in range(52)
    ]
    weekly = BriefingConference.objects.bulk_create(weekly, batch_size=2000)
    budget_weekly = max(0, (target - len(rows)) // 2)
    for conference in weekly:
        if len(rows) >= len(provincial) * len(all_units) + budget_weekly:
            break
        attendees = cells_of.get(conference.organiser.path, [conference.organiser])
        add("conference", conference, attendees, conference.held_on)
    # Classes of the political centre and the communes, each drawing from up to a hundred cells.
    classes = []
    while len(rows) + sum(len(c[1]) for c in classes) < target:
        organiser = centre if rng.random() < 0.3 else rng.choice(communes)
        attendees = rng.sample(cells, k=min(len(cells), rng.randint(60, 140)))
        attendees = attendees[: target - len(rows) - sum(len(c[1]) for c in classes)]
        day = start + datetime.timedelta(days=rng.randint(0, days - 5))
        classes.append((EducationClass(
            title=f"Lớp bồi dưỡng {len(classes) + 1}",
            programme=programme,
            organiser=organiser,
            starts_on=day,
            ends_on=day + datetime.timedelta(days=4),
            enrolled=12 * len(attendees),
            completed=10 * len(attendees),
        ), attendees))  # fmt: skip
    created = EducationClass.objects.bulk_create([c for c, _ in classes], batch_size=2000)
    for course, (_, attendees) in zip(created, classes, strict=True):
        add("education_class", course, attendees, course.starts_on)
    started = time.perf_counter()
    Attendance.objects.bulk_create(rows, batch_size=5000)
    say(f"  attendance rows: {len(rows):,} in {time.perf_counter() - started:.1f} s")

    # One campaign over every cell (and the merged communes, which studied before their merger).
    campaign = StudyCampaign.objects.create(
        title="Học tập, quán triệt Nghị quyết (thử tải)",
        documents_text="Số 01-NQ/TU",
        issuing_unit=root,
        starts_on=datetime.date(2025, 6, 1),
        deadline=datetime.date(2025, 7, 31),
    )
    required = cells + gone
    StudyCampaignUnit.objects.bulk_create(
        [StudyCampaignUnit(campaign=campaign, unit=u) for u in required], batch_size=2000
    )
    returns = []
    for unit in required:
        if rng.random() < 0.1:
            continue  # missing
        total = rng.randint(12, 60)
        present = total - rng.randint(0, 5)
        makeup = rng.randint(0, total - present)
        late = rng.random() < 0.08
        returns.append(
            StudyReturn(
                campaign=campaign,
                unit=unit,
                members_total=total,
                members_present=present,
                makeup_sessions=1 if makeup else 0,
                makeup_attendance=makeup,
                summaries_submitted=present,
                studied_on=datetime.date(2025, 6, 20),
                submitted_on=datetime.date(2025, 8, 10) if late else datetime.date(2025, 7, 20),
            )
        )
    StudyReturn.objects.bulk_create(returns, batch_size=2000)
    return {"campaign": campaign, "attendance_rows": len(rows), "returns": len(returns), "required": len(required)}


def measure(function) -> tuple[float, object]:
    function()  # warm-up
    timings, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1), result


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
    import django

    django.setup()
    from django.db import connection

    from tuyengiao.education import selectors

    sizes = QUICK if args.quick else FULL
    rng = random.Random(2026)
    started = time.perf_counter()
    create_schema()
    root, board, centre, communes, gone, cells = build_tree(sizes, rng)
    data = generate_year(sizes, rng, root, board, centre, communes, gone, cells)
    with connection.cursor() as cursor:
        # Fresh planner statistics; on PostgreSQL also the visibility map that lets the roll-up read the
        # (unit, date, count) index alone — what autovacuum does after a bulk load.
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    generation = round(time.perf_counter() - started, 1)
    campaign = data["campaign"]
    start, end = YEAR

    def campaign_rollup():
        """What the campaign's admin page computes: province totals, the table per commune, the late units shown."""
        overview = selectors.campaign_overview(campaign, root=root, on=datetime.date(2025, 12, 31))
        shown = list(overview.late[:200])
        return overview.progress, overview.rows, overview.late, shown

    def attendance_rollup():
        """Lượt per commune over the year; the province's total is their sum."""
        rows = selectors.attendance_rollup(root=root, start=start, end=end)
        return sum(row.attendances for row in rows), rows

    def attendance_total():
        return selectors.attendance_figures(unit=root, start=start, end=end, by="attendee").total.value

    campaign_ms, (progress, campaign_rows, late, shown) = measure(campaign_rollup)
    late = late.count()
    attendance_ms, (luot, attendance_rows) = measure(attendance_rollup)
    total_ms, total = measure(attendance_total)
    # The per-commune rows add up to the province's figures (merged communes count for their successors).
    assert sum(r.returned for r in campaign_rows) == progress.returned
    assert total == luot, (total, luot)
    assert late == progress.late_units and len(shown) == min(late, 200)
    result = {
        "vendor": connection.vendor,
        "tree": {
            "units": 3 + len(communes) + len(gone) + len(cells),
            "communes": len(communes),
            "merged_communes": len(gone),
            "cells": len(cells),
        },
        "attendance_rows": data["attendance_rows"],
        "attendances_luot": luot,
        "campaign": {
            "required": progress.required,
            "returned": progress.returned,
            "late_units": progress.late_units,
            "studied_percent": float(progress.studied_rate * 100),
        },
        "rows_per_commune": {"campaign": len(campaign_rows), "attendance": len(attendance_rows)},
        "campaign_rollup_ms": campaign_ms,
        "attendance_rollup_ms": attendance_ms,
        "attendance_total_ms": total_ms,
        "generation_seconds": generation,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False))


# --- orchestration ----------------------------------------------------------------------------


def recreate_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 communes, 600 cells, 50,000 attendance rows")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL benchmark database afterwards")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return 0

    started = time.perf_counter()
    summary: dict = {"benchmark": "rollup", "quick": args.quick, "results": {}}
    with tempfile.TemporaryDirectory(prefix="bench-rollup-") as tmp:
        workdir = Path(tmp)
        for vendor in args.backends.split(","):
            say(f"== {vendor}")
            if vendor == "sqlite":
                url = f"sqlite:///{workdir / 'bench_rollup.sqlite3'}"
            else:
                recreate_pg_database(PG_DATABASE)
                url = f"{PG_SERVER}/{PG_DATABASE}"
            out = workdir / f"{vendor}.json"
            command = [sys.executable, __file__, "--worker", "--out", str(out)] + (["--quick"] if args.quick else [])
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tuyengiao.settings"}
            env.pop("TEST_DATABASE_NAME", None)
            try:
                subprocess.run(command, cwd=REPO, env=env, check=True)
            finally:
                if vendor == "postgresql" and not args.keep:
                    drop_pg_database(PG_DATABASE)
            summary["results"][vendor] = json.loads(out.read_text())
    summary["target_campaign_rollup_ms"] = TARGET_MS
    summary["target_attendance_rollup_ms"] = TARGET_MS
    summary["target_met"] = {
        vendor: r["campaign_rollup_ms"] <= TARGET_MS and r["attendance_rollup_ms"] <= TARGET_MS
        for vendor, r in summary["results"].items()
    }
    summary["seconds"] = round(time.perf_counter() - started, 1)
    say("")
    for vendor, r in summary["results"].items():
        tree, campaign = r["tree"], r["campaign"]
        say(
            f"{vendor}: cây {vn(tree['units'])} đơn vị (1 tỉnh, {vn(tree['communes'])} xã/phường và "
            f"{tree['merged_communes']} xã đã sáp nhập, {vn(tree['cells'])} chi bộ); "
            f"{vn(r['attendance_rows'])} dòng số lượt người dự = {vn(r['attendances_luot'])} lượt trong năm"
        )
        say(
            f"  tiến độ một đợt học tập ({vn(campaign['returned'])}/{vn(campaign['required'])} đơn vị đã báo cáo, "
            f"{vn(campaign['late_units'])} chậm): {r['campaign_rollup_ms']} ms"
        )
        say(
            f"  số lượt người dự cả năm theo xã/phường (tổng toàn tỉnh là tổng các dòng): {r['attendance_rollup_ms']} ms"
        )
        say(f"  riêng tổng số lượt toàn tỉnh (số liệu báo cáo): {r['attendance_total_ms']} ms")
        say(f"  mục tiêu ≤ {TARGET_MS} ms mỗi phép tổng hợp: {'đạt' if summary['target_met'][vendor] else 'CHƯA ĐẠT'}")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

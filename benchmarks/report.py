"""Benchmark: the six-month review report of a province on SQLite and PostgreSQL.

Run: `.venv/bin/python benchmarks/report.py [--quick] [--backends sqlite,postgresql] [--keep]`
(--quick: the smaller tree of benchmarks/rollup.py and 50,000 attendance rows; under two minutes).

What it does, for each backend, in a database of its own (a SQLite file in a
temporary folder; the PostgreSQL database `bench_report`, dropped and created
again — never the project's db.sqlite3 or a test database):

1. creates the tables of the models the report reads (education, opinion,
   documents, tasks and what they point to) with Django's schema editor;
2. generates the province of benchmarks/rollup.py with its generator
   (imported): about 100 commune-level units, 5 of them merged on 01/07/2025,
   3,000 Party cells, a year of education data with 500,000 attendance rows
   and a study campaign; then adds a year of public-opinion items (a monthly
   report of four items per commune), documents issued (two a month per
   commune and the board) and tasks (one a month per commune, some late);
3. measures, warm, the median of 3 runs of:
   - figures: `compute_figures` for the province over the first six months
     (every figure of the report with its breakdown by commune);
   - docx: what the "Tải DOCX" button does with a generated report
     (`build_document` + `render_docx`), and, for information, regenerating
     the figures and sections and then rendering (`generate_docx`);
   - baselines measured in the same run: a plain count of the period's
     attendance rows, and the naive way to the per-commune breakdown of the
     lượt (one aggregate query per commune), checked equal to the figure.

Targets: ≤ 2 s for the figures and ≤ 5 s for the DOCX, on both backends. The
last line printed is one JSON object with the figures and `target_<key>`
beside each; the exit status is 0 even when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
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
PG_DATABASE = "bench_report"
HALF = (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
RUNS = 3
TARGETS = {"figures_s": 2, "docx_s": 5, "generate_docx_s": 5}


def vn(number: int) -> str:
    return f"{int(number):,}".replace(",", ".")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def load_rollup():
    """benchmarks/rollup.py as a module (its tree and year generator)."""
    spec = importlib.util.spec_from_file_location("bench_rollup", Path(__file__).with_name("rollup.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- worker (runs inside Django with DATABASE_URL set) --------------------------------------------


def create_schema() -> None:
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
            if field.is_relation and field.concrete and field.related_model and field.related_model is not model:
                visit(field.related_model)
        wanted.append(model)

    roots = [*apps.get_app_config("education").get_models()]
    roots += [apps.get_model(label) for label in ("opinion.OpinionItem", "documents.NumberCounter", "tasks.Task")]
    for model in roots:
        visit(model)
    with connection.schema_editor() as editor:
        for model in wanted:
            editor.create_model(model)
    say(f"  tables: {len(wanted)} models")


def generate_rest(rng: random.Random, root, board, communes) -> dict:
    """A year of opinion items, documents and tasks over the communes (bulk, as recorded data)."""
    from tuyengiao.documents.models import Document, DocumentType, Issuer, Term
    from tuyengiao.opinion.models import OpinionItem, OpinionReport, OpinionTopic, Tendency
    from tuyengiao.tasks.models import Task, TaskStatus

    topics = OpinionTopic.objects.bulk_create(
        [OpinionTopic(name=f"Chủ đề dư luận {n}", sort_order=n) for n in range(1, 9)]
    )
    reports = OpinionReport.objects.bulk_create(
        [
            OpinionReport(
                unit=commune,
                period_kind="month",
                period_start=datetime.date(2025, month, 1),
                period_end=datetime.date(2025, month, 28),
            )
            for commune in communes
            for month in range(1, 13)
        ],
        batch_size=2000,
    )
    items = [
        OpinionItem(
            report=report,
            topic=rng.choice(topics),
            field="economy",
            tendency=rng.choice(Tendency.values),
            content="Cán bộ, đảng viên và nhân dân quan tâm đến việc sắp xếp tổ chức bộ máy.",
            sort_order=n,
        )
        for report in reports
        for n in range(4)
    ]
    OpinionItem.objects.bulk_create(items, batch_size=5000)

    types = DocumentType.objects.bulk_create(
        [DocumentType(name=name, code=code, sort_order=n) for n, (name, code) in enumerate(
            [("Báo cáo", "BC"), ("Kế hoạch", "KH"), ("Công văn", "CV"), ("Thông báo", "TB"), ("Hướng dẫn", "HD")]
        )]
    )  # fmt: skip
    term = Term.objects.create(name="2020–2025", starts_on=datetime.date(2020, 10, 15))
    issuers = Issuer.objects.bulk_create(
        [Issuer(name=f"{unit.name} ({unit.pk})", code=unit.short_code, unit=unit) for unit in [board, *communes]]
    )
    documents = []
    for issuer in issuers:
        numbers: dict[int, int] = {}
        for month in range(1, 13):
            for _ in range(2):
                doc_type = rng.choice(types)
                numbers[doc_type.pk] = numbers.get(doc_type.pk, 0) + 1
                documents.append(
                    Document(
                        unit_id=issuer.unit_id,
                        issuer=issuer,
                        doc_type=doc_type,
                        term=term,
                        number=numbers[doc_type.pk],
                        symbol=f"{numbers[doc_type.pk]:02d}-{doc_type.code}/{issuer.code}",
                        summary="Văn bản thử tải",
                        issued_on=datetime.date(2025, month, rng.randint(1, 28)),
                    )
                )
    Document.objects.bulk_create(documents, batch_size=2000)

    tasks = []
    for commune in communes:
        for month in range(1, 13):
            deadline = datetime.date(2025, month, rng.randint(1, 28))
            done = rng.random() < 0.8
            completed = deadline + datetime.timedelta(days=rng.randint(-10, 6)) if done else None
            tasks.append(
                Task(
                    unit=commune,
                    title=f"Nhiệm vụ tháng {month}",
                    assigned_on=datetime.date(2025, 1, 1),
                    deadline=deadline,
                    status=TaskStatus.DONE if done else TaskStatus.IN_PROGRESS,
                    completed_on=completed,
                )
            )
    Task.objects.bulk_create(tasks, batch_size=2000)
    return {"opinion_items": len(items), "documents": len(documents), "tasks": len(tasks)}


def measure(function) -> tuple[float, object]:
    function()  # warm-up
    timings, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return round(statistics.median(timings), 3), result


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Sum

    from tuyengiao.reports import export, prose, services
    from tuyengiao.reports.figures import attendance_in, compute_figures
    from tuyengiao.reports.models import Report
    from tuyengiao.reports.periods import PeriodKind, period_phrase

    rollup = load_rollup()
    sizes = rollup.QUICK if args.quick else rollup.FULL
    rng = random.Random(2026)
    started = time.perf_counter()
    create_schema()
    root, board, centre, communes, gone, cells = rollup.build_tree(sizes, rng)
    data = rollup.generate_year(sizes, rng, root, board, centre, communes, gone, cells)
    data.update(generate_rest(rng, root, board, communes + gone))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    generation = round(time.perf_counter() - started, 1)
    start, end = HALF
    period = period_phrase(PeriodKind.HALF, start, end)

    def report_for(figures) -> Report:
        """A generated report as the database would hold it (not saved: the benchmark has no reports table)."""
        return Report(
            unit=root,
            period_kind=PeriodKind.HALF,
            period_start=start,
            period_end=end,
            summary=f"Sơ kết công tác {period}, phương hướng, nhiệm vụ 6 tháng cuối năm 2025",
            superior_body="Tỉnh ủy Sông Hậu",
            issuing_body="Ban Tuyên giáo và Dân vận",
            number_symbol="12-BC/BTGDVTU",
            issued_on=datetime.date(2025, 7, 8),
            place="Sông Hậu",
            signing_mode="K/T",
            signing_for="Trưởng ban",
            signer_position="Phó Trưởng ban",
            signer_name="Trần Minh Khoa",
            recipients="- Ban Tuyên giáo và Dân vận Trung ương,\n- Thường trực Tỉnh ủy,\n- Lưu BTGDVTU.",
            limitations="Một số chi bộ báo cáo chậm.",
            directions="Tiếp tục học tập, quán triệt nghị quyết.",
            figures=figures.to_json(),
            generated_sections=[s.as_dict() for s in prose.generated_sections(figures, period=period)],
        )

    def figures():
        return compute_figures(unit=root, start=start, end=end)

    figures_s, result = measure(figures)
    stored = report_for(result)

    def docx():
        return export.render_docx(services.build_document(stored))

    def generate_docx():
        return export.render_docx(services.build_document(report_for(figures())))

    docx_s, content = measure(docx)
    generate_docx_s, _ = measure(generate_docx)

    def baseline_count():
        from tuyengiao.education.models import Attendance

        return Attendance.objects.filter(held_on__range=(start, end)).count()

    def baseline_loop():
        """The naive per-commune breakdown: one aggregate query per child unit."""
        children = list(root.get_children())
        return {
            child.name: attendance_in(unit=child, start=start, end=end).aggregate(n=Sum("count"))["n"] or 0
            for child in children
        }

    count_s, rows = measure(baseline_count)
    loop_s, per_child = measure(baseline_loop)
    attendance = result.get("attendance")
    # The breakdown adds up to the figure; the naive loop finds the same numbers for units with records
    # of their own (it cannot split a merged commune's records at the merge date, so those differ).
    assert sum(n for _name, n in attendance.by_unit) == attendance.value
    merged_names = {unit.name for unit in gone} | {unit.successor.name for unit in gone}
    breakdown = dict(attendance.by_unit)
    mismatched = [name for name, n in per_child.items() if name not in merged_names and breakdown.get(name, 0) != n]
    assert not mismatched, mismatched
    result = {
        "vendor": connection.vendor,
        "units": 3 + len(communes) + len(gone) + len(cells),
        "attendance_rows": data["attendance_rows"],
        "attendance_rows_in_period": rows,
        "opinion_items": data["opinion_items"],
        "documents": data["documents"],
        "tasks": data["tasks"],
        "figures": len(result.figures),
        "attendance_luot": attendance.value,
        "docx_bytes": len(content),
        "figures_s": figures_s,
        "docx_s": docx_s,
        "generate_docx_s": generate_docx_s,
        "baseline_count_s": count_s,
        "baseline_per_unit_loop_s": loop_s,
        "generation_seconds": generation,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False))


# --- orchestration ----------------------------------------------------------------------------


def pg_database(name: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        if create:
            conn.execute(f"CREATE DATABASE {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small tree and 50,000 attendance rows")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL benchmark database afterwards")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return 0

    started = time.perf_counter()
    summary: dict = {"benchmark": "report", "quick": args.quick}
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        workdir = Path(tmp)
        for vendor in args.backends.split(","):
            say(f"== {vendor}")
            if vendor == "sqlite":
                url = f"sqlite:///{workdir / 'bench_report.sqlite3'}"
            else:
                pg_database(PG_DATABASE, create=True)
                url = f"{PG_SERVER}/{PG_DATABASE}"
            out = workdir / f"{vendor}.json"
            command = [sys.executable, __file__, "--worker", "--out", str(out)] + (["--quick"] if args.quick else [])
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tuyengiao.settings"}
            env.pop("TEST_DATABASE_NAME", None)
            try:
                subprocess.run(command, cwd=REPO, env=env, check=True)
            finally:
                if vendor == "postgresql" and not args.keep:
                    pg_database(PG_DATABASE, create=False)
            results[vendor] = json.loads(out.read_text())
    for vendor, r in results.items():
        for key in ("figures_s", "docx_s", "generate_docx_s", "baseline_count_s", "baseline_per_unit_loop_s"):
            summary[f"{vendor}_{key}"] = r[key]
            if key in TARGETS:
                summary[f"target_{vendor}_{key}"] = TARGETS[key]
    summary["target_met"] = {
        vendor: all(r[key] <= target for key, target in TARGETS.items()) for vendor, r in results.items()
    }
    summary["data"] = {
        vendor: {k: r[k] for k in ("units", "attendance_rows", "attendance_rows_in_period", "opinion_items",
                                   "documents", "tasks", "figures", "attendance_luot", "docx_bytes",
                                   "generation_seconds")}
        for vendor, r in results.items()
    }  # fmt: skip
    summary["seconds"] = round(time.perf_counter() - started, 1)
    say("")
    for vendor, r in results.items():
        say(
            f"{vendor}: {vn(r['units'])} đơn vị, {vn(r['attendance_rows'])} dòng số lượt người dự "
            f"({vn(r['attendance_rows_in_period'])} trong 6 tháng đầu năm); {r['figures']} số liệu"
        )
        say(f"  tính số liệu báo cáo sơ kết 6 tháng: {r['figures_s']} s (mục tiêu ≤ {TARGETS['figures_s']} s)")
        say(f"  xuất DOCX từ báo cáo đã tổng hợp: {r['docx_s']} s; tổng hợp lại rồi xuất: {r['generate_docx_s']} s")
        say(
            f"  đối chứng: đếm các dòng của kỳ {r['baseline_count_s']} s; "
            f"cộng từng xã một (vòng lặp) {r['baseline_per_unit_loop_s']} s"
        )
        say(f"  mục tiêu: {'đạt' if summary['target_met'][vendor] else 'CHƯA ĐẠT'}")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

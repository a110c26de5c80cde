"""Benchmark: Vietnamese search at 100k and 1M articles on SQLite and PostgreSQL, against LIKE '%…%'.

Run: `.venv/bin/python benchmarks/search.py [--quick] [--sizes 100000,1000000] [--backends sqlite,postgresql]`
(--quick: 1,000 and 5,000 articles, about a minute).

What it does, for each backend, in a database of its own (a SQLite file in a
temporary folder; the PostgreSQL database `bench_search`, dropped and created
again — never the project's db.sqlite3 or test databases):

1. generates realistic Vietnamese articles (tuyengiao/search/corpus.py: 300–1,500
   words, tone styles mixed, some NFD) and adds them to the search index the way
   `rebuild_search_index` does (engine documents, batches of 1,000), growing the
   same index from one size to the next; the index build time at a size is the
   time spent adding documents up to that size plus the final step at that size
   (FTS5 'optimize'; PostgreSQL GIN indexes and ANALYZE, created after loading);
2. runs a fixed mix of 200 queries (one and several syllables, with and without
   diacritics, phrases) the way the JSON endpoint does — count (capped at 200),
   first page of 20 ranked hits, stored text, highlighted title and snippet; the
   Wagtail page lookup of the 20 hits (by primary key) is left out — once to warm
   the caches, then once measured; reports p50 and p95;
3. runs the same queries NukeViet's way on the same rows: each word as
   (title LIKE '%w%' OR lead LIKE '%w%' OR body LIKE '%w%'), words ANDed, newest
   first up to the same result cap (which gives the count and the first page). LIKE scans every row, so it runs within a
   time budget (--like-budget seconds per size), spreading the queries it manages
   over the mix; how many ran is reported;
4. optionally (--import-sample N, off with --quick) imports N generated articles
   through `manage.py import_articles` into a freshly migrated database and
   reports articles per second, next to 50 articles created one at a time the
   usual Wagtail way (add_child, save_revision, publish).

The last line printed is one JSON object with the figures and the targets
(p95 ≤ 50 ms at the largest size on both backends); the exit status is 0 even
when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "bench_search")
TARGET_P95_MS = 50
SITE_ROOT = 3  # scope id every benchmark document carries, as a portal's home page would
CATEGORY_IDS = {
    slug: 10 + i
    for i, slug in enumerate(("tin-hoat-dong", "xay-dung-dang", "dan-van", "van-hoa-xa-hoi", "hoc-tap-lam-theo"))
}
BATCH = 1000


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- the query mix --------------------------------------------------------


def query_mix(seed: int = 7) -> list[tuple[str, str]]:
    """200 (kind, query) pairs drawn from the generator's vocabulary, the same on every run."""
    from tuyengiao.search import corpus, text

    rnd = random.Random(seed)
    entries = sorted(
        set(
            corpus.TOPICS
            + corpus.VERBS
            + corpus.ORGS
            + corpus.PEOPLE
            + corpus.EVENTS
            + corpus.POSITIONS
            + corpus.ADVERBS
        )
        | {f"{k} {w}" for k in ("phường", "xã") for w in corpus.WARDS}
    )
    words = sorted({s for e in entries for s in text.syllables(e)} | set(corpus.GIVEN) | set(corpus.SURNAMES))
    marked = [w for w in words if text.has_diacritics(w)]
    bare = sorted({text.fold(w) for w in words})
    rare = ["covid", "vũ trụ", "tàu ngầm", "Nguyễn Thị Huệ Khánh", "Hoàng Quý Hậu", "khủng long", "bitcoin", "Đắk Lắk"]

    def window(entry: str, low: int, high: int) -> str:
        syllables = entry.split()
        size = min(len(syllables), rnd.randint(low, high))
        start = rnd.randint(0, len(syllables) - size)
        return " ".join(syllables[start : start + size])

    multi = [e for e in entries if len(e.split()) >= 2]

    def name() -> str:  # a person: selective, as readers looking for someone type it
        return f"{rnd.choice(corpus.SURNAMES)} {rnd.choice(corpus.MIDDLE)} {rnd.choice(corpus.GIVEN)}"

    mix = [("one syllable, diacritics", rnd.choice(marked)) for _ in range(46)]
    mix += [("one syllable, old tone style", corpus.old_style(w)) for w in ("hoà", "thuỷ", "khoẻ", "uỷ")]
    mix += [("one syllable, no diacritics", rnd.choice(bare)) for _ in range(50)]
    mix += [("several syllables, diacritics", window(rnd.choice(multi), 2, 4)) for _ in range(30)]
    mix += [("several syllables, diacritics", q) for q in rare[:4]]
    mix += [("several syllables, diacritics", name()) for _ in range(6)]
    mix += [("several syllables, no diacritics", text.folded(window(rnd.choice(multi), 2, 4))) for _ in range(22)]
    mix += [("several syllables, no diacritics", text.folded(q)) for q in rare[4:]]
    mix += [("several syllables, no diacritics", text.folded(name())) for _ in range(4)]
    mix += [("phrase, diacritics", '"' + window(rnd.choice(multi), 2, 4) + '"') for _ in range(10)]
    mix += [("phrase, diacritics", '"' + name() + '"') for _ in range(5)]
    mix += [("phrase, no diacritics", '"' + text.folded(window(rnd.choice(multi), 2, 4)) + '"') for _ in range(7)]
    mix += [("phrase, no diacritics", '"' + text.folded(name()) + '"') for _ in range(3)]
    mix += [
        ("phrase, mixed", '"' + w + '"')
        for w in ("Long Hòa", "long Hoà", "Bình thuỷ", "tin hoạt động", "chi bộ khu vực")
    ]
    assert len(mix) == 200, len(mix)
    return mix


# --- the worker: one backend, growing sizes -------------------------------


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from tuyengiao.search import engine
    from tuyengiao.search.corpus import Corpus

    index = engine.get_index(connection)
    corpus = Corpus(seed=1)
    mix = query_mix()
    results = {}
    loaded, load_seconds, generate_seconds, text_bytes = 0, 0.0, 0.0, 0
    reused = 0
    if args.reuse and index.exists():
        reused = loaded = len(index.page_ids())
        say(f"[{connection.vendor}] reusing the kept index of {loaded} articles (no load, no build)")
    else:
        index.drop()
        index.create(**({"search_indexes": False} if connection.vendor == "postgresql" else {}))
    for size in args.sizes:
        if reused:
            if size != reused:
                say(f"[{connection.vendor}] {size}: skipped, the kept index has {reused} articles")
                continue
            results[str(size)] = measure(args, connection, index, mix, size, reused=True)
            continue
        say(f"[{connection.vendor}] adding articles {loaded + 1}–{size}…")
        while loaded < size:
            started = time.perf_counter()
            batch = []
            for number in range(loaded, min(size, loaded + BATCH)):
                article = corpus.article(number)
                page_id = number + 100
                batch.append(
                    engine.Document(
                        page_id=page_id,
                        sort_key=engine.sort_key(article.published_at, page_id),
                        scope=(SITE_ROOT, CATEGORY_IDS[article.category]),
                        title=article.title,
                        lead=article.lead,
                        body=article.body,
                    )
                )
                text_bytes += len((article.title + article.lead + article.body).encode())
            generated = time.perf_counter()
            with transaction.atomic():
                index.add(batch)
            load_seconds += time.perf_counter() - generated
            generate_seconds += generated - started
            loaded += len(batch)
            if loaded % 50_000 == 0:
                say(f"[{connection.vendor}] {loaded} articles, {load_seconds:.0f} s in the index")
        say(f"[{connection.vendor}] {size}: finishing the index…")
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem TO '1GB'")
                from tuyengiao.search.backends.postgres import GIN_COLUMNS

                for column in GIN_COLUMNS:  # rebuilt at each size, as a rebuild would
                    cursor.execute(f"DROP INDEX IF EXISTS bench_{column}")
                    cursor.execute(f"CREATE INDEX bench_{column} ON {index.tsv} USING gin ({column})")
                cursor.execute(f"VACUUM ANALYZE {index.tsv}")
                cursor.execute(f"VACUUM ANALYZE {index.documents}")
        else:
            index.finish()
        finish_seconds = time.perf_counter() - started
        results[str(size)] = {
            "articles": size,
            "text_bytes": text_bytes,
            "generate_seconds": round(generate_seconds, 1),
            "index_build_seconds": round(load_seconds + finish_seconds, 1),
            "index_finish_seconds": round(finish_seconds, 1),
            **measure(args, connection, index, mix, size),
        }
        say(f"[{connection.vendor}] {size}: {json.dumps(results[str(size)], ensure_ascii=False)}")
    Path(args.out).write_text(json.dumps(results), encoding="utf-8")


def measure(args, connection, index, mix, size: int, *, reused: bool = False) -> dict:
    """Sizes, the query mix (warm-up, then measured) and the LIKE baseline on the index as it is."""
    from tuyengiao.search import engine, highlight

    sizes = index.size_bytes()
    say(f"[{connection.vendor}] {size}: {mix and len(mix)} queries…")

    def run(q):
        search = engine.Search.of(q, filters=engine.Filters(scope=(SITE_ROOT,)), index=index)
        total = search.count()
        hits = search[0:20]
        stored = index.stored([hit.page_id for hit in hits])
        for hit in hits:
            doc = stored[hit.page_id]
            highlight.highlight(doc.title, search.query)
            highlight.snippet(doc.lead, doc.body, search.query, scan_body="body" in hit.fields)
        return total

    for _, q in mix:  # warm the caches
        run(q)
    timings, totals, by_kind = [], [], {}
    for kind, q in mix:
        started = time.perf_counter()
        totals.append(run(q))
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
    like = like_baseline(connection, index.documents, mix, budget=args.like_budget, cap=engine.RESULT_CAP)
    result = {
        **({"articles": size, "reused_kept_index": True} if reused else {}),
        "stored_text_bytes": sizes["documents"],
        "index_bytes": sizes["index"],
        "p50_ms": round(percentile(timings, 50), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "p95_ms_by_kind": {k: round(percentile(v, 95), 2) for k, v in by_kind.items()},
        "queries_with_results": sum(1 for t in totals if t),
        "queries_at_result_cap": sum(1 for t in totals if t >= engine.RESULT_CAP),
        **like,
    }
    if reused:
        say(f"[{connection.vendor}] {size}: {json.dumps(result, ensure_ascii=False)}")
    return result


def like_baseline(connection, table: str, mix, *, budget: float, cap: int) -> dict:
    """The NukeViet way on the same rows, within a time budget, spread over the mix."""
    order = sorted(range(len(mix)), key=lambda i: (bin(i)[::-1], i))  # 0, 128, 64, 192, … : spread out
    timings, started = [], time.perf_counter()
    with connection.cursor() as cursor:
        for i in order:
            if time.perf_counter() - started > budget:
                break
            words = mix[i][1].replace('"', " ").split()
            where = " AND ".join(["(title LIKE %s OR lead LIKE %s OR body LIKE %s)"] * len(words))
            params = [f"%{w}%" for w in words for _ in range(3)]
            t0 = time.perf_counter()
            # Like ours: the newest matches up to the result cap give the count and the first page.
            cursor.execute(
                f"SELECT sort_key FROM {table} WHERE {where} ORDER BY sort_key DESC LIMIT %s", [*params, cap]
            )
            cursor.fetchall()
            timings.append((time.perf_counter() - t0) * 1000)
    if not timings:
        return {"like_queries_run": 0}
    return {
        "like_queries_run": len(timings),
        "like_p50_ms": round(percentile(timings, 50), 1),
        "like_p95_ms": round(percentile(timings, 95), 1),
    }


# --- import throughput ----------------------------------------------------


def import_sample(vendor: str, count: int, workdir: Path) -> dict:
    """Articles per second through `manage.py import_articles` into a freshly migrated database,
    and through Wagtail one page at a time (add_child, save_revision, publish) for comparison."""
    from tuyengiao.search.corpus import Corpus

    if vendor == "sqlite":
        url = f"sqlite:///{workdir / 'import.sqlite3'}"
    else:
        recreate_pg_database("bench_search_import")
        url = f"{PG_SERVER}/bench_search_import"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tuyengiao.settings"}
    python = sys.executable
    say(f"[{vendor}] import sample: migrating…")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    setup = (
        "from wagtail.models import Page, Site\n"
        "from tuyengiao.portal.models import HomePage, CategoryPage\n"
        "root = Page.get_first_root_node(); Site.objects.all().delete()\n"
        "home = HomePage(title='Cổng', slug='cong'); root.add_child(instance=home); home.save_revision().publish()\n"
        "Site.objects.create(hostname='localhost', root_page=home, is_default_site=True)\n"
        "from tuyengiao.search.corpus import Corpus\n"
        "for slug in Corpus.CATEGORIES:\n"
        "    c = CategoryPage(title=slug, slug=slug); home.add_child(instance=c); c.save_revision().publish()\n"
    )
    subprocess.run([python, "manage.py", "shell", "-c", setup], cwd=REPO, env=env, check=True)
    corpus = Corpus(seed=2)
    path = workdir / f"import-{vendor}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            a = corpus.article(number)
            line = {
                "title": a.title,
                "lead": a.lead,
                "body": a.body_html,
                "published_at": a.published_at.isoformat(),
                "byline": a.byline,
                "tags": a.tags,
                "category": a.category,
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    say(f"[{vendor}] import sample: importing {count} articles…")
    started = time.perf_counter()
    subprocess.run(
        [python, "manage.py", "import_articles", str(path)],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    imported = count / (time.perf_counter() - started)
    # The same kind of article created one at a time the Wagtail way, for comparison.
    one_by_one = (
        "import time\n"
        "from tuyengiao.portal.models import ArticlePage, CategoryPage\n"
        "category = CategoryPage.objects.first(); started = time.perf_counter()\n"
        "for n in range(50):\n"
        "    a = ArticlePage(title=f'Bài {n}', slug=f'bai-so-{n}', lead='Tóm tắt.', body=[('paragraph', '<p>x</p>')])\n"
        "    category.add_child(instance=a); a.save_revision().publish()\n"
        "print(50 / (time.perf_counter() - started))\n"
    )
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", one_by_one], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return {"import_articles": round(imported, 1), "wagtail_one_by_one": round(float(out.stdout.split()[-1]), 1)}


# --- orchestration --------------------------------------------------------


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
    parser.add_argument("--quick", action="store_true", help="1,000 and 5,000 articles, short LIKE budget")
    parser.add_argument("--sizes", default=None, help="comma-separated sizes (default 100000,1000000)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--like-budget", type=float, default=None, help="seconds of LIKE queries per size")
    parser.add_argument("--import-sample", type=int, default=None, help="articles imported to time import_articles")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: measure the index kept by an earlier --keep run again, without loading "
        "(only the size it holds; implies --keep)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    default_sizes = "1000,5000" if args.quick else "100000,1000000"
    args.sizes = sorted(int(s) for s in (args.sizes or default_sizes).split(","))
    if args.like_budget is None:
        args.like_budget = 5 if args.quick else 600
    if args.import_sample is None:
        args.import_sample = 0 if args.quick else 2000
    if args.reuse:
        args.keep = True
        args.import_sample = 0
    if args.worker:
        worker(args)
        return 0

    started = time.perf_counter()
    summary: dict = {"benchmark": "search", "quick": args.quick, "sizes": args.sizes, "queries": 200, "results": {}}
    imports = {}
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        workdir = Path(tmp)
        for vendor in args.backends.split(","):
            if vendor == "sqlite":
                url = f"sqlite:///{workdir / 'bench_search.sqlite3'}"
            else:
                if not args.reuse:
                    recreate_pg_database(PG_DATABASE)
                url = f"{PG_SERVER}/{PG_DATABASE}"
            out = workdir / f"{vendor}.json"
            command = [
                sys.executable,
                __file__,
                "--worker",
                "--out",
                str(out),
                "--sizes",
                ",".join(map(str, args.sizes)),
            ]
            command += ["--like-budget", str(args.like_budget)] + (["--reuse"] if args.reuse else [])
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tuyengiao.settings"}
            subprocess.run(command, cwd=REPO, env=env, check=True)
            summary["results"][vendor] = json.loads(out.read_text())
            if vendor == "postgresql" and not args.keep:
                drop_pg_database(PG_DATABASE)
            if args.import_sample:
                imports[vendor] = import_sample(vendor, args.import_sample, workdir)
                if vendor == "postgresql" and not args.keep:
                    drop_pg_database("bench_search_import")
    largest = str(args.sizes[-1])
    summary["import_articles_per_second"] = imports or None
    summary["target_p95_ms"] = TARGET_P95_MS
    summary["target_size"] = args.sizes[-1]
    summary["target_met"] = {
        vendor: sizes[largest]["p95_ms"] <= TARGET_P95_MS for vendor, sizes in summary["results"].items()
    }
    for vendor, sizes in summary["results"].items():  # flat figures, each target beside its figure
        for size, r in sizes.items():
            for key in ("p50_ms", "p95_ms", "like_p50_ms", "like_p95_ms", "index_build_seconds", "index_bytes"):
                if key in r:
                    summary[f"{vendor}_{size}_{key}"] = r[key]
        summary[f"target_{vendor}_{largest}_p95_ms"] = TARGET_P95_MS
    summary["seconds"] = round(time.perf_counter() - started, 1)
    say("")
    say(
        f"{'backend':<11}{'articles':>10}{'build s':>9}{'index MB':>10}{'p50 ms':>8}{'p95 ms':>8}{'LIKE p50':>10}{'LIKE p95':>10}{'LIKE n':>7}"
    )
    for vendor, sizes in summary["results"].items():
        for size, r in sizes.items():
            say(
                f"{vendor:<11}{int(size):>10}{r.get('index_build_seconds', '-'):>9}{r['index_bytes'] / 1e6:>10.0f}"
                f"{r['p50_ms']:>8}{r['p95_ms']:>8}{r.get('like_p50_ms', '-'):>10}{r.get('like_p95_ms', '-'):>10}"
                f"{r['like_queries_run']:>7}"
            )
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

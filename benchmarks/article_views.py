"""Benchmark: anonymous article views through gunicorn, against nginx serving the same HTML.

Run: `.venv/bin/python benchmarks/article_views.py [--quick]` (about 75 s; 50 s with --quick).

What it does, all on 127.0.0.1 and cleaned up at the end (also on Ctrl-C):
1. installs Debian's nginx and wrk with apt-get if they are missing;
2. creates a temporary SQLite database (migrated; one portal, a category and
   a dozen published articles) and uses Redis DB 13 with a key prefix unique
   to the run, so views are buffered in Redis as in production;
3. starts gunicorn with deploy/gunicorn.conf.py and nginx (a minimal config
   in a temporary folder) serving the article's HTML as a static file;
4. runs wrk against nginx (the baseline), then against the gunicorn article
   URL (both -t2 -c32). wrk sends no cookie, so every request must be
   counted. Once the measuring window is over each connection waits instead
   of sending its next request, so nothing is in flight when wrk stops:
   every request gunicorn answered is one wrk counted;
5. flushes the Redis buffer and checks that the article's view total in the
   database grew by exactly the number of responses wrk received (none may
   fail: a status over 399 or a socket error is a failure, and a 3xx would
   show up as a mismatch), and that the page then shows the database total
   plus the one view of the fetch that reads it.

It also reports the CPU each request cost (gunicorn, Redis and wrk against
nginx and wrk, from /proc): other work on the machine stretches the
wall-clock figures far more than these, and `cpu_ratio` is the throughput
ratio they imply if each run had the cores to itself.

With --front-cache it measures the production set-up of deploy/nginx/tuyengiao.conf instead:
nginx's proxy cache in front of gunicorn, views counted by nginx in its view log, a real Celery
worker (`celery -A tuyengiao.worker.celery_app worker -B`, Redis broker) ingesting that log every
2 s and flushing the counts, and the count files nginx serves to the page's script. wrk then plays
browsers without cookies: each view is the article page (an nginx cache hit) plus the page's
fetch of its current count, and `front_cache_ratio` is views per second over the static file's
requests per second in the same run. After the run the log is ingested and flushed, and the
database total must have grown by exactly the number of pages wrk received, and the count file
must show that total.

Ports: 8031-8039 and 18031-18039 unless BENCH_PORTS=first-last gives one range for all servers;
Redis: DB 13 unless BENCH_REDIS_URL says otherwise.

The last line printed is one JSON object with the results. Exit status 1 when
the counts are not exact (or the run failed), 0 otherwise; the speed targets
are reported, not enforced.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
GUNICORN_PORTS = range(8031, 8040)
NGINX_PORTS = range(18031, 18040)
if os.environ.get("BENCH_PORTS"):
    _first, _last = (int(port) for port in os.environ["BENCH_PORTS"].split("-"))
    GUNICORN_PORTS = NGINX_PORTS = range(_first, _last + 1)
TARGET_RATIO = 0.05
TARGET_FRONT_CACHE_RATIO = 0.5
TARGET_P99_MS = 50
# wrk runs this much longer than the measuring window; connections sit idle meanwhile
# (less than gunicorn's keep-alive timeout, or it would close them).
TAIL_SECONDS = 2

# wrk script for the baseline: print wrk's own summary as JSON.
SUMMARY_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status_errors": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""

# wrk script for the article: once the measuring window is over, every connection
# waits (a delay longer than the run) instead of sending its next request, so no
# request is in flight when wrk stops and every response gunicorn sent is one wrk
# counted. Responses with status > 399 are counted by wrk itself.
COUNTING_LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } tg_timespec;
int clock_gettime(int clk_id, tg_timespec *tp);
]]
local ts = ffi.new("tg_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
local started = now()
local deadline = started + tonumber(os.getenv("TG_WINDOW_SECONDS"))

setup = function(thread)
  table.insert(threads, thread)
end

last_response = started

delay = function()
  local t = now()
  last_response = t  -- delay() runs after each response, before the next request
  if t >= deadline then return 3600000 end
  return 0
end

done = function(summary, latency, requests)
  local last = started
  for _, thread in ipairs(threads) do
    last = math.max(last, thread:get("last_response"))
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "elapsed_s": %.4f, "p50_us": %d, "p99_us": %d, ' ..
    '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, last - started, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""

# The front cache as in deploy/nginx/tuyengiao.conf (plain HTTP, paths in the run's folder),
# plus the static baseline on its own port in the same nginx.
FRONT_NGINX_CONF = """
worker_processes 2;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ text/html html; }}
    default_type application/octet-stream;
    open_file_cache max=1000 inactive=20s;
    open_file_cache_valid 1s;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;

    proxy_cache_path {tmp}/cache levels=1:2 keys_zone=tuyengiao_pages:32m max_size=1g inactive=1d use_temp_path=off;
    map $http_cookie $tg_skip_cache {{
        default 0;
        "~(^|;)\\s*(sessionid|messages)=" 1;
    }}
    map $args $tg_skip_args {{
        default 1;
        "" 0;
        "~^page=[1-9][0-9]{{0,3}}$" 0;
    }}
    map $cookie_tgb $tg_browser {{
        "" $request_id;
        default $cookie_tgb;
    }}
    map $cookie_tgb $tg_browser_cookie {{
        "" "tgb=$request_id; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax";
        default "";
    }}
    map $request_method $tg_article_view {{
        GET $sent_http_x_tg_article;
        default "";
    }}
    log_format tuyengiao_views '$msec $sent_http_x_tg_article $tg_browser';
    upstream tuyengiao_app {{
        server 127.0.0.1:{gunicorn_port};
        keepalive 32;
        keepalive_timeout 4s;
    }}

    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
        location / {{ }}
    }}

    server {{
        listen 127.0.0.1:{front_port};
        location / {{
            proxy_pass http://tuyengiao_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Tg-Refresh "";
            proxy_cache tuyengiao_pages;
            proxy_cache_key $host$request_uri;
            proxy_cache_bypass $tg_skip_cache $tg_skip_args;
            proxy_no_cache $tg_skip_cache $tg_skip_args;
            proxy_ignore_headers Cache-Control Expires Vary;
            # No cache lock: nginx cannot tell a page it will not keep (search, tags) from a miss,
            # so the lock queued every concurrent request for them (p99 ~5 s under load); expired
            # articles are refreshed in the background (below) and first misses are cheap (the app's page cache).
            proxy_cache_lock off;
            proxy_cache_use_stale updating error timeout http_502 http_503 http_504;
            proxy_cache_background_update on;
            add_header X-Cache $upstream_cache_status always;
            add_header Set-Cookie $tg_browser_cookie;
            access_log {tmp}/views.log tuyengiao_views buffer=64k flush=1s if=$tg_article_view;
        }}
    }}

    server {{
        listen 127.0.0.1:{refresh_port};
        location / {{
            proxy_pass http://tuyengiao_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Tg-Refresh 1;
            access_log off;
            proxy_cache tuyengiao_pages;
            proxy_cache_key $host$request_uri;
            proxy_cache_bypass 1;
            proxy_ignore_headers Cache-Control Expires Vary;
        }}
    }}
}}
"""

NGINX_CONF = """
worker_processes 2;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ text/html html; }}
    default_type application/octet-stream;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
        location / {{ }}
    }}
}}
"""


def say(text: str) -> None:
    print(text, flush=True)


def ensure_tools() -> None:
    missing = [pkg for pkg, binary in (("nginx", "nginx"), ("wrk", "wrk")) if not shutil.which(binary)]
    if not missing:
        return
    say(f"Installing {', '.join(missing)} with apt-get …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env)


def free_port(candidates: range, *, taken: tuple[int, ...] = ()) -> int:
    for port in candidates:
        if port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {candidates.start}-{candidates.stop - 1}")


def wait_for_http(url: str, *, seconds: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local URL
                response.read()
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited with status {process.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def fetch(url: str) -> tuple[str, dict]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local URL
        return response.read().decode(), dict(response.headers)


def process_tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (from /proc)."""
    pids, total = [pid], 0.0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                pids += [int(child) for child in children.read().split()]
    except OSError:
        pass
    for each in pids:
        try:
            with open(f"/proc/{each}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def redis_server_pid() -> int | None:
    result = subprocess.run(["pgrep", "-x", "redis-server"], capture_output=True, text=True, check=False)
    return int(result.stdout.split()[0]) if result.stdout.split() else None


def shown_count(html: str) -> int:
    match = re.search(r"data-view-count[^>]*>([\d.]+)<", html)
    if not match:
        raise RuntimeError("The article page shows no view count")
    return int(match.group(1).replace(".", ""))


def build_content() -> tuple[int, str]:
    """A portal with one category and a dozen articles; returns the measured article's id and path."""
    import datetime

    from django.utils import timezone
    from wagtail.models import Page, Site

    from tuyengiao.portal.models import ArticleByline, ArticlePage, CategoryPage, Comment, HomePage, PortalSettings
    from tuyengiao.units.models import UnitKind, UnitLevel
    from tuyengiao.units.services import unit_create

    unit = unit_create(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy", kind=UnitKind.STAFF_BOARD, level=UnitLevel.PROVINCE, short_code="TU"
    )
    root = Page.get_first_root_node()
    Site.objects.all().delete()
    home = HomePage(title="Cổng thông tin Ban Tuyên giáo", slug="trang-chu")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(hostname="127.0.0.1", port=80, root_page=home, is_default_site=True, site_name="Tỉnh")
    PortalSettings.objects.create(site=site, unit=unit, portal_name="Cổng thông tin Ban Tuyên giáo")
    category = CategoryPage(title="Tin hoạt động", slug="tin-hoat-dong")
    home.add_child(instance=category)
    category.save_revision().publish()
    paragraph = (
        "Sáng nay, Ban Tuyên giáo và Dân vận Tỉnh ủy tổ chức hội nghị báo cáo viên tháng, thông tin chuyên đề "
        "về tình hình thời sự trong nước và quốc tế, kết quả thực hiện nhiệm vụ chính trị của địa phương. "
    )
    start = timezone.now() - datetime.timedelta(days=12)
    article = None
    for index in range(12):
        article = ArticlePage(
            title=f"Hội nghị báo cáo viên tháng {index % 12 + 1}: quán triệt nghị quyết, lan tỏa điển hình",
            slug=f"hoi-nghi-bao-cao-vien-{index + 1}",
            lead="Hội nghị được tổ chức trực tiếp kết hợp trực tuyến đến các điểm cầu xã, phường.",
            body=[("paragraph", "".join(f"<p>{paragraph * 3}</p>" for _ in range(8)))],
            published_at=start + datetime.timedelta(days=index),
        )
        article.bylines = [ArticleByline(name="Lê Thuý", is_news=True, is_photo=True)]
        category.add_child(instance=article)
        article.tags.add("báo cáo viên", "nghị quyết")
        article.save_revision().publish()
    for name in ("Nguyễn Văn Tư", "Thu Hà"):
        Comment.objects.create(page=article, name=name, body="Bài viết rất thiết thực.", status="approved")
    return article.pk, ArticlePage.objects.get(pk=article.pk).get_url()


class Bench:
    def __init__(
        self,
        *,
        quick: bool,
        workers: int | None,
        worker_class: str | None,
        threads: int | None,
        seconds: float | None,
        front_cache: bool = False,
    ):
        self.front_cache = front_cache
        self.ports: dict[str, int] = {}
        self.window = seconds or (5.0 if quick else 15.0)
        self.warmup = 1.0 if quick else 2.0
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.connections = 32
        self.run_id = uuid.uuid4().hex[:10]
        self.prefix = f"tgbench-{self.run_id}"
        self.tmp = Path(tempfile.mkdtemp(prefix="tg-bench-"))
        self.procs: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}

    # --- set-up ------------------------------------------------------------

    def configure(self) -> None:
        os.chmod(self.tmp, 0o755)  # nginx workers run as nobody
        (self.tmp / "www").mkdir(mode=0o755)
        self.env = {
            "DJANGO_SETTINGS_MODULE": "tuyengiao.settings",
            "DATABASE_URL": f"sqlite:///{self.tmp / 'db.sqlite3'}",
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": self.prefix,
            "SECRET_KEY": f"bench-{self.run_id}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_ROOT": str(self.tmp / "static"),
            "MEDIA_ROOT": str(self.tmp / "media"),
            "LOG_LEVEL": "WARNING",
            "DEBUG": "0",
            # The benchmark flushes the buffer itself; keep the workers' scheduler out of the way.
            "SCHEDULER_INTERVAL_SECONDS": "3600",
            "VIEW_COUNT_FLUSH_SECONDS": "3600",
        }
        if self.front_cache:
            for name in ("gunicorn", "nginx", "front", "refresh"):
                self.ports[name] = free_port(
                    GUNICORN_PORTS if name == "gunicorn" else NGINX_PORTS, taken=tuple(self.ports.values())
                )
            self.env.update(
                {
                    # nginx counts the views; the worker ingests its log every 2 s, flushes every 10 s
                    # and refreshes the cached pages whose count changed every 10 s.
                    "FRONT_CACHE_URL": f"http://127.0.0.1:{self.ports['refresh']}",
                    "VIEW_LOG_PATH": str(self.tmp / "views.log"),
                    "VIEW_LOG_INGEST_SECONDS": "2",
                    "FRONT_CACHE_COUNT_SECONDS": "10",
                    "VIEW_COUNT_FLUSH_SECONDS": "10",
                    "CELERY_BROKER_URL": REDIS_URL,
                }
            )
        os.environ.update(self.env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()

    def create_database(self) -> tuple[int, str]:
        from django.core.management import call_command

        say("Creating the temporary SQLite database …")
        call_command("migrate", verbosity=0, interactive=False)
        return build_content()

    def start_gunicorn(self) -> int:
        port = self.ports.get("gunicorn") or free_port(GUNICORN_PORTS)
        env = {**os.environ, **self.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "warning"}
        for name, value in (
            ("GUNICORN_WORKERS", self.workers),
            ("GUNICORN_WORKER_CLASS", self.worker_class),
            ("GUNICORN_THREADS", self.threads),
        ):
            if value:
                env[name] = str(value)
        # What the config file makes of it, for the report.
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            conf = runpy.run_path(str(REPO / "deploy" / "gunicorn.conf.py"))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.workers, self.worker_class, self.threads = conf["workers"], conf["worker_class"], conf["threads"]
        self.procs.append(
            subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
                cwd=REPO,
                env=env,
                start_new_session=True,
            )
        )
        return port

    def start_nginx(self, html: str) -> int:
        port = free_port(NGINX_PORTS)
        (self.tmp / "www" / "article.html").write_text(html)
        os.chmod(self.tmp / "www" / "article.html", 0o644)
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=self.tmp, port=port))
        self.procs.append(
            subprocess.Popen(
                ["nginx", "-p", str(self.tmp), "-e", str(self.tmp / "nginx-error.log"), "-c", str(conf)],
                start_new_session=True,
            )
        )
        return port

    def start_front_nginx(self, html: str) -> tuple[int, int]:
        """nginx with the static baseline and the front cache; returns their ports."""
        (self.tmp / "www" / "article.html").write_text(html)
        os.chmod(self.tmp / "www" / "article.html", 0o644)
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            FRONT_NGINX_CONF.format(
                tmp=self.tmp,
                port=self.ports["nginx"],
                front_port=self.ports["front"],
                refresh_port=self.ports["refresh"],
                gunicorn_port=self.ports["gunicorn"],
            )
        )
        self.procs.append(
            subprocess.Popen(
                ["nginx", "-p", str(self.tmp), "-e", str(self.tmp / "nginx-error.log"), "-c", str(conf)],
                start_new_session=True,
            )
        )
        return self.ports["nginx"], self.ports["front"]

    def start_worker(self) -> subprocess.Popen:
        """The background worker as `make worker` runs it: one process, beat inside."""
        proc = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "tuyengiao.worker.celery_app",
                "worker",
                "-B",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                f"--hostname=bench-{self.run_id}@localhost",
            ],
            cwd=REPO,
            env={**os.environ, **self.env},
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    # --- measuring -----------------------------------------------------------

    def wrk(self, url: str, *, server: int, seconds: float, threads: int, script: str, env: dict | None = None) -> dict:
        """Run wrk; its summary, with the CPU seconds used by wrk, the server (a pid) and Redis."""
        script_path = self.tmp / f"wrk-{uuid.uuid4().hex[:6]}.lua"
        script_path.write_text(script)
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{self.connections}",
            f"-d{seconds:.0f}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script_path),
            url,
        ]
        servers = {name: pid for name, pid in (("server", server), ("redis", redis_server_pid())) if pid}
        before = {name: process_tree_cpu(pid) for name, pid in servers.items()}
        wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)
        wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        for line in result.stdout.splitlines():
            if line.startswith("WRKJSON "):
                summary = json.loads(line.removeprefix("WRKJSON "))
                # CPU seconds each side used: a measure that other load on the machine barely moves.
                summary["cpu_s"] = {name: process_tree_cpu(pid) - before[name] for name, pid in servers.items()}
                summary["cpu_s"]["wrk"] = (wrk_after.ru_utime + wrk_after.ru_stime) - (
                    wrk_before.ru_utime + wrk_before.ru_stime
                )
                return summary
        raise RuntimeError(f"wrk failed: {result.stdout}\n{result.stderr}")

    def view_total(self, page_id: int) -> int:
        from tuyengiao.portal.models import ArticleViewTotal

        return ArticleViewTotal.objects.filter(page_id=page_id).values_list("count", flat=True).first() or 0

    def run(self) -> dict:
        if self.front_cache:
            return self.run_front_cache()
        self.configure()
        from tuyengiao.portal.viewcounts import flush_view_counts

        page_id, path = self.create_database()
        gunicorn_port = self.start_gunicorn()
        article_url = f"http://127.0.0.1:{gunicorn_port}{path}"
        gunicorn = self.procs[-1]
        wait_for_http(article_url, seconds=60, process=gunicorn)
        html, _ = fetch(article_url)  # fills the article cache
        shown_count(html)  # a real article page
        nginx_port = self.start_nginx(html)
        static_url = f"http://127.0.0.1:{nginx_port}/article.html"
        nginx = self.procs[-1]
        wait_for_http(static_url, seconds=10, process=nginx)
        threads = f" × {self.threads} threads" if self.worker_class == "gthread" else ""
        say(f"gunicorn: {self.workers} {self.worker_class} workers{threads} on {article_url}")
        say(f"nginx:    {static_url} ({len(html.encode()):,} bytes of HTML)")

        say(f"Warming up ({self.warmup:.0f} s each) …")
        self.wrk(static_url, server=nginx.pid, seconds=self.warmup, threads=2, script=SUMMARY_LUA)
        self.wrk(
            article_url,
            server=gunicorn.pid,
            seconds=self.warmup + TAIL_SECONDS,
            threads=2,
            script=COUNTING_LUA,
            env={"TG_WINDOW_SECONDS": str(self.warmup)},
        )

        say(f"Baseline: wrk -t2 -c{self.connections} -d{self.window:.0f}s against nginx's static file …")
        static = self.wrk(static_url, server=nginx.pid, seconds=self.window, threads=2, script=SUMMARY_LUA)
        static_rps = static["requests"] / (static["duration_us"] / 1e6)
        static_cpu = {name: seconds / static["requests"] * 1e6 for name, seconds in static["cpu_s"].items()}
        say(
            f"  nginx static: {static_rps:,.0f} req/s, p99 {static['p99_us'] / 1000:.2f} ms; CPU per request: "
            f"nginx {static_cpu['server']:.0f} µs, wrk {static_cpu['wrk']:.0f} µs"
        )

        flush_view_counts()
        before = self.view_total(page_id)
        say(
            f"Article: wrk -t2 -c{self.connections}, {self.window:.0f} s window, no cookies, "
            "Redis buffer flushed every second meanwhile …"
        )
        stop_flushing = threading.Event()

        def flush_loop() -> None:
            # Flushes run while increments arrive, as the scheduler does in production.
            while not stop_flushing.wait(1.0):
                flush_view_counts()

        flusher = threading.Thread(target=flush_loop, daemon=True)
        flusher.start()
        try:
            article = self.wrk(
                article_url,
                server=gunicorn.pid,
                seconds=self.window + TAIL_SECONDS,
                threads=2,
                script=COUNTING_LUA,
                env={"TG_WINDOW_SECONDS": str(self.window)},
            )
        finally:
            stop_flushing.set()
            flusher.join()
        flush_view_counts()
        after = self.view_total(page_id)
        counted = after - before
        # wrk counts statuses over 399 as errors; a 3xx would not be counted as a view and so
        # shows up as a mismatch below.
        ok = article["requests"] - article["status_errors"]
        failures = article["status_errors"] + article["socket_errors"]
        rps = ok / article["elapsed_s"]
        p99_ms = article["p99_us"] / 1000
        say(
            f"  article: {rps:,.0f} req/s, p50 {article['p50_us'] / 1000:.2f} ms, p99 {p99_ms:.2f} ms, "
            f"{ok:,} responses, {failures} failures"
        )
        article_cpu = {name: seconds / max(1, article["requests"]) * 1e6 for name, seconds in article["cpu_s"].items()}
        say(
            f"  CPU per request: gunicorn {article_cpu['server']:.0f} µs, Redis {article_cpu.get('redis', 0):.0f} µs, "
            f"wrk {article_cpu['wrk']:.0f} µs"
        )
        # Throughput ratio if both runs had the cores to themselves (CPU-bound): other load on the
        # machine stretches the wall-clock numbers far more than the CPU each request costs.
        cpu_ratio = sum(static_cpu.values()) / sum(article_cpu.values())
        say(f"  database view total grew by {counted:,} (wrk received {ok:,} responses)")

        # The count readers see is current: the database total plus this very view.
        shown = shown_count(fetch(article_url)[0])
        shown_exact = shown == after + 1
        say(f"  page shows {shown:,} views after the flush (database {after:,} + this view)")
        counts_exact = counted == ok and failures == 0 and shown_exact
        ratio = rps / static_rps
        say(
            f"Ratio {ratio:.3f} (target ≥ {TARGET_RATIO}; from CPU per request {cpu_ratio:.3f}), "
            f"p99 {p99_ms:.1f} ms (target ≤ {TARGET_P99_MS}), counts exact: {counts_exact}"
        )
        say(f"Load average now: {' '.join(Path('/proc/loadavg').read_text().split()[:3])} (other work on the machine)")
        return {
            "benchmark": "article_views",
            "req_per_s": round(rps, 1),
            "p99_ms": round(p99_ms, 2),
            "static_req_per_s": round(static_rps, 1),
            "ratio": round(ratio, 4),
            "cpu_ratio": round(cpu_ratio, 4),
            "target_ratio": TARGET_RATIO,
            "target_p99_ms": TARGET_P99_MS,
            "counted": counted,
            "requests": ok,
            "failures": failures,
            "shown_count_exact": shown_exact,
            "counts_exact": counts_exact,
            "workers": self.workers,
            "worker_class": self.worker_class,
            "threads": self.threads,
            "cpu_us_per_request": {
                "article": {name: round(value) for name, value in article_cpu.items()},
                "static": {name: round(value) for name, value in static_cpu.items()},
            },
        }

    def run_front_cache(self) -> dict:
        self.configure()
        from tuyengiao.portal.viewcounts import flush_view_counts, log_cursor, redis_buffer
        from tuyengiao.worker.jobs import HEARTBEAT_KEY
        from tuyengiao.worker.viewlog import ingest, refresh_changed_counts

        def settle() -> None:
            """Wait until everything nginx logged is ingested and in the database.

            nginx writes its log buffer each second; the worker may be ingesting or flushing at the
            same moment (both are exactly once, so this helps rather than races).
            """
            time.sleep(1.5)
            buffer = redis_buffer()
            log = Path(self.env["VIEW_LOG_PATH"])
            deadline = time.monotonic() + 60
            while True:
                ingest()
                flush_view_counts()
                at_end = log_cursor().endswith(f":{log.stat().st_size}")
                buffered = buffer.client.exists(buffer.totals_key) or buffer.client.hlen(buffer.claims_key)
                buffered = buffered or next(buffer.client.scan_iter(f"{buffer.prefix}views:day:*"), None)
                if at_end and not buffered:
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError("The view log was not ingested within a minute")
                time.sleep(0.1)

        page_id, path = self.create_database()
        gunicorn_port = self.start_gunicorn()
        gunicorn = self.procs[-1]
        wait_for_http(f"http://127.0.0.1:{gunicorn_port}{path}", seconds=60, process=gunicorn)
        worker = self.start_worker()
        html, _ = fetch(f"http://127.0.0.1:{gunicorn_port}{path}")
        shown_count(html)  # a real article page
        static_port, front_port = self.start_front_nginx(html)
        nginx = self.procs[-1]
        static_url = f"http://127.0.0.1:{static_port}/article.html"
        article_url = f"http://127.0.0.1:{front_port}{path}"
        wait_for_http(static_url, seconds=10, process=nginx)
        _, first = fetch(article_url)
        _, second = fetch(article_url)
        if (first.get("X-Cache"), second.get("X-Cache")) != ("MISS", "HIT"):
            raise RuntimeError(f"nginx did not cache the article: {first.get('X-Cache')}, {second.get('X-Cache')}")
        threads = f" × {self.threads} threads" if self.worker_class == "gthread" else ""
        say(f"gunicorn: {self.workers} {self.worker_class} workers{threads}; Celery worker -B (pid {worker.pid})")
        say(f"nginx:    static {static_url}, front cache {article_url} ({len(html.encode()):,} bytes of HTML)")

        say(f"Warming up ({self.warmup:.0f} s each) …")
        self.wrk(static_url, server=nginx.pid, seconds=self.warmup, threads=2, script=SUMMARY_LUA)
        self.wrk(
            article_url,
            server=nginx.pid,
            seconds=self.warmup + TAIL_SECONDS,
            threads=2,
            script=COUNTING_LUA,
            env={"TG_WINDOW_SECONDS": str(self.warmup)},
        )

        say(f"Baseline: wrk -t2 -c{self.connections} -d{self.window:.0f}s against nginx's static file …")
        static = self.wrk(static_url, server=nginx.pid, seconds=self.window, threads=2, script=SUMMARY_LUA)
        static_rps = static["requests"] / (static["duration_us"] / 1e6)
        static_cpu = {name: seconds / static["requests"] * 1e6 for name, seconds in static["cpu_s"].items()}
        say(f"  nginx static: {static_rps:,.0f} req/s, p99 {static['p99_us'] / 1000:.2f} ms")

        settle()
        before = self.view_total(page_id)
        worker_cpu_before = process_tree_cpu(worker.pid)
        gunicorn_cpu_before = process_tree_cpu(gunicorn.pid)
        say(
            f"Front cache: wrk -t2 -c{self.connections}, {self.window:.0f} s window, no cookies (every view a new "
            "browser); the worker ingests, flushes and refreshes counts meanwhile …"
        )
        front = self.wrk(
            article_url,
            server=nginx.pid,
            seconds=self.window + TAIL_SECONDS,
            threads=2,
            script=COUNTING_LUA,
            env={"TG_WINDOW_SECONDS": str(self.window)},
        )
        worker_cpu = process_tree_cpu(worker.pid) - worker_cpu_before
        gunicorn_cpu = process_tree_cpu(gunicorn.pid) - gunicorn_cpu_before
        pages = front["requests"] - front["status_errors"]
        failures = front["status_errors"] + front["socket_errors"]
        views_per_s = pages / front["elapsed_s"]
        p99_ms = front["p99_us"] / 1000
        say(
            f"  counted views: {views_per_s:,.0f}/s, p99 {p99_ms:.2f} ms, {pages:,} pages, {failures} failures; "
            f"CPU meanwhile: worker {worker_cpu:.2f} s, gunicorn {gunicorn_cpu:.2f} s"
        )
        settle()
        after = self.view_total(page_id)
        counted = after - before
        say(f"  database view total grew by {counted:,} (wrk received {pages:,} pages)")
        # The cached page shows the current count once the worker refreshed it.
        refresh_changed_counts(force=True)
        page, headers = fetch(article_url)
        shown = shown_count(page)
        shown_exact = shown == after and headers.get("X-Cache") == "HIT"
        say(f"  the cached page shows {shown:,} views (database {after:,}; X-Cache {headers.get('X-Cache')})")
        heartbeat = self.worker_heartbeat(HEARTBEAT_KEY)
        counts_exact = counted == pages and failures == 0 and shown_exact
        ratio = views_per_s / static_rps
        front_cpu = {name: seconds / max(1, pages) * 1e6 for name, seconds in front["cpu_s"].items()}
        front_cpu["worker"] = worker_cpu / max(1, pages) * 1e6
        front_cpu["gunicorn"] = gunicorn_cpu / max(1, pages) * 1e6
        cpu_ratio = sum(static_cpu.values()) / sum(front_cpu.values())
        say(
            f"Front-cache ratio {ratio:.3f} (target ≥ {TARGET_FRONT_CACHE_RATIO}; from CPU per view "
            f"{cpu_ratio:.3f}), counts exact: {counts_exact}"
        )
        load = Path("/proc/loadavg").read_text().split()[:3]
        say(f"Load average now: {' '.join(load)} (other work on the machine)")
        return {
            "benchmark": "article_views_front_cache",
            "front_cache_ratio": round(ratio, 4),
            "target_front_cache_ratio": TARGET_FRONT_CACHE_RATIO,
            "views_per_s": round(views_per_s, 1),
            "static_req_per_s": round(static_rps, 1),
            "cpu_ratio": round(cpu_ratio, 4),
            "p99_ms": round(p99_ms, 2),
            "target_p99_ms": TARGET_P99_MS,
            "pages": pages,
            "counted": counted,
            "failures": failures,
            "shown_count_exact": shown_exact,
            "counts_exact": counts_exact,
            "target_counts_exact": True,
            "worker_heartbeat_age_s": heartbeat,
            "target_worker_heartbeat_age_s": 30,
            "cpu_us_per_view": {name: round(value, 1) for name, value in front_cpu.items()},
            "cpu_us_per_static_request": {name: round(value, 1) for name, value in static_cpu.items()},
            "load_average": float(load[0]),
        }

    def worker_heartbeat(self, key: str) -> float | None:
        """Seconds since the worker's last heartbeat (read from Redis directly, as /healthz would)."""
        import redis
        from django.core.cache import cache

        beat = redis.Redis.from_url(REDIS_URL, socket_timeout=10).get(cache.make_key(key))
        return round(time.time() - int(beat), 1) if beat else None

    # --- clean-up ------------------------------------------------------------

    def cleanup(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave servers behind
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        try:
            import redis

            client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
            keys = list(client.scan_iter(f"{self.prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        except Exception as error:  # noqa: BLE001 - clean-up goes on
            say(f"Could not delete the run's Redis keys ({self.prefix}:*): {error}")
        shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="5 s measuring windows instead of 15 s")
    parser.add_argument("--seconds", type=float, help="measuring window in seconds (overrides --quick)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default from deploy/gunicorn.conf.py)")
    parser.add_argument("--worker-class", help="gunicorn worker class, sync or gthread (default from the config)")
    parser.add_argument("--threads", type=int, help="threads per gthread worker (default from the config)")
    parser.add_argument(
        "--front-cache", action="store_true", help="nginx's front cache with views counted by nginx and the worker"
    )
    args = parser.parse_args()

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    ensure_tools()
    bench = Bench(
        quick=args.quick,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        seconds=args.seconds,
        front_cache=args.front_cache,
    )
    try:
        result = bench.run()
    except KeyboardInterrupt:
        say("Interrupted; cleaning up.")
        return 130
    except Exception as error:
        traceback.print_exc()
        result = {"benchmark": "article_views", "error": f"{type(error).__name__}: {error}", "counts_exact": False}
    finally:
        bench.cleanup()
    print(json.dumps(result), flush=True)
    return 0 if result["counts_exact"] else 1


if __name__ == "__main__":
    sys.exit(main())

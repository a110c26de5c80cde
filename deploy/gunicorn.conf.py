"""Gunicorn settings for tuyengiao: `gunicorn -c deploy/gunicorn.conf.py`.

Everything comes from the environment so one file serves production and
`benchmarks/article_views.py`:

- GUNICORN_BIND          address to listen on (default 127.0.0.1:8000; nginx proxies to it)
- GUNICORN_WORKERS       worker processes (default: one per CPU core)
- GUNICORN_WORKER_CLASS  default "gthread": threads overlap the waits on Redis and the
                         database, and keep-alive connections skip a TCP handshake per
                         request; on 2 cores, 2 workers × 4 threads served cached articles
                         about twice as fast as 4 sync workers (benchmarks/article_views.py)
- GUNICORN_THREADS       threads per worker (default 4)
- GUNICORN_TIMEOUT       seconds before a stuck worker is restarted (default 30)
- GUNICORN_KEEPALIVE     seconds an idle keep-alive connection stays open (default 5; keep
                         it above nginx's upstream keepalive_timeout, see deploy/nginx/)
- GUNICORN_ACCESS_LOG    path or "-" for stdout; off by default (nginx logs requests)
- GUNICORN_MAX_REQUESTS  recycle a worker after this many requests (default 0 = never;
                         with reuse_port a recycled worker drops the connections still
                         waiting in its own accept queue)
- GUNICORN_REUSE_PORT    "0" to share one listening socket between the workers (default "1")

Without a broker, each worker starts the in-process scheduler (scheduled publishing,
view-count flush); the scheduler takes a cache lock per job so only one of them runs each
round. With CELERY_BROKER_URL set the scheduler is not started: the background worker
(`make worker`, deploy/systemd/tuyengiao-worker.service) runs those jobs.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or os.cpu_count() or 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
backlog = 2048
# Each worker listens on its own SO_REUSEPORT socket, so the kernel spreads new connections
# evenly. With one shared socket a gthread worker accepts greedily: measured with 32 keep-alive
# connections, one of two workers held 29-31 of them and the other core sat idle.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") == "1"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
wsgi_app = "tuyengiao.wsgi:application"


def post_worker_init(worker):
    from tuyengiao.core.scheduler import start_scheduler

    start_scheduler()

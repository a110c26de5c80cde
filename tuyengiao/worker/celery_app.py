"""The Celery application: `celery -A tuyengiao.worker.celery_app worker -B` (`make worker`).

Configured for "a worker killed mid-job runs the job again with no duplicate effect":

- ``task_acks_late``: a job's message is acknowledged only when the job has finished, so a
  worker killed mid-job (kill -9, OOM, power loss) leaves it unacknowledged;
- ``task_reject_on_worker_lost``: a pool process that dies mid-job puts the message back;
- the Redis broker's ``visibility_timeout`` (CELERY_VISIBILITY_TIMEOUT, default 120 s) is when
  an unacknowledged message is handed to another worker; a job must finish well within it
  (soft time limit at two thirds), or it would run twice at once — harmless for these jobs,
  each idempotent, but wasted work. The longest job, a PDF export, stops LibreOffice after 60 s;
- ``worker_prefetch_multiplier = 1``: a worker holds one message beyond the one it runs.

Every job is idempotent (`jobs.py`, `tasks.py`). Beat runs in the worker (-B, one per
installation) with an in-memory schedule; periodic messages expire after one interval, so a
worker that was down does not run a backlog of flushes. Broker keys start with the cache's
KEY_PREFIX (``<prefix>:celery:``), so installations and test runs sharing a Redis stay apart.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")

from django.conf import settings  # noqa: E402

from .jobs import heartbeat, periodic_jobs  # noqa: E402

QUEUE = "tuyengiao"

app = Celery("tuyengiao")


def configure(celery: Celery) -> None:
    visibility = int(getattr(settings, "CELERY_VISIBILITY_TIMEOUT", 120))
    prefix = settings.CACHES.get("default", {}).get("KEY_PREFIX") or "tuyengiao"
    celery.conf.update(
        broker_url=getattr(settings, "CELERY_BROKER_URL", "") or "memory://",
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility,
            # Look for messages of dead workers every quarter of the timeout (kombu's default
            # sweep is every 100 s), and let a sweep lock left by a killed worker lapse soon.
            "unacked_restore_interval": max(1, visibility // 4),
            "unacked_restore_throttle": 1,
            "unacked_mutex_expire": 30,
            "global_keyprefix": f"{prefix}:celery:",
            "socket_timeout": 5,
            "socket_connect_timeout": 2,
        },
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_publish_retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5},
        task_soft_time_limit=max(10, visibility * 2 // 3),
        task_time_limit=max(15, visibility * 5 // 6),
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone=settings.TIME_ZONE,
        beat_scheduler="celery.beat:Scheduler",
        beat_schedule={
            job.name: {"task": job.name, "schedule": float(job.interval), "options": {"expires": float(job.interval)}}
            for job in periodic_jobs(worker=True)
        },
    )


configure(app)
app.autodiscover_tasks(["tuyengiao.worker"])


@worker_ready.connect
def _first_heartbeat(**kwargs):
    heartbeat()

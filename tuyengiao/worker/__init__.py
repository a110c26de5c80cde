"""Background jobs: a Celery worker when a broker is configured, the web process otherwise.

Scheduled publishing, view-count flushes, search indexing, nginx front-cache refreshes and the
ingestion of nginx's view log and report exports (DOCX, XLSX, PDF) are jobs that must not slow a request
and must survive a crash. With ``CELERY_BROKER_URL`` set the web processes only enqueue them and
`make worker` runs them (`celery_app.py`); without it (the default `make run`) they run where they
always did: in the request, or in the scheduler thread of `tuyengiao/core/scheduler.py`.
"""

"""The Celery application, configured from Django's settings (the CELERY_ namespace)."""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccc_portal.settings")

app = Celery("ccc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze_what_is_loaded(**kwargs):
    """A worker process, once started, keeps what it loaded (Django, the tasks) out of the
    garbage collector's full collections, as gunicorn.conf.py does for web workers."""
    gc.freeze()

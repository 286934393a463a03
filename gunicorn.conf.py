"""gunicorn's settings for the portal. gunicorn reads this file from the directory it starts in
(the checkout, as README and docs/operations.md run it), so `gunicorn ccc_portal.wsgi` picks it
up; flags on the command line still win."""

import gc


def post_worker_init(worker):
    """Once the worker has loaded Django, take what it made (modules, settings, URL patterns:
    about 200,000 objects that live as long as the process) out of the garbage collector's
    sight: its full collections walked them all, 0.7 ms of each request on average (0.2 ms
    after), measured in-process over the public pages (issue 18)."""
    gc.freeze()

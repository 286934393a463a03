from celery import shared_task


@shared_task(name="ccc_portal.ping")
def ping(value):
    """Echo a value back: used by /health/ checks and the worker round-trip test."""
    return {"pong": value}

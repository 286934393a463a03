from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py load_demo`): on top, beside ccc_portal; no models of its own."""

    name = "demo"

from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Fact-check annotations"

    def ready(self):
        # Lockouts (django-axes) and group changes (the admin) happen outside our services: the
        # audit trail hears of them through their signals.
        from . import audit_signals

        audit_signals.connect()

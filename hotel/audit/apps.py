from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hotel.audit"
    label = "audit"
    verbose_name = "Audit log"

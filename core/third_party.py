"""The third-party apps' own names, as the admin's index heads their sections:
django-axes names none (its section read "Axes") and django-auditlog's has no
Chinese. Their labels, tables and migrations stay theirs."""

from auditlog.apps import AuditlogConfig
from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class ChangeHistoryConfig(AuditlogConfig):
    verbose_name = _("Change history")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and organisation")

    def ready(self):
        from accounts import access_events, selectors
        from accounts.models import OrgUnit, User
        from core.history import register_scope

        access_events.connect()
        # A change naming a unit or a person names them to whoever sees them.
        register_scope(OrgUnit, selectors.org_units_visible_to)
        register_scope(User, selectors.people_visible_to)

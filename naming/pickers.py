"""The expert picker of an application's page (core.pickers): people found as
the people picker finds them, among those the office may ask to score that
application (`/pickers/application-experts/<application id>/?q=`), so the
picker never offers someone `naming_experts_assign` would refuse."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.pickers import PEOPLE
from core.pickers import register
from naming.models import NamingApplication
from naming.selectors import (
    experts_offered,
    naming_application_access,
    naming_applications_visible_to,
)


def _run(user, application_id: int) -> NamingApplication:
    """An application whose experts `user` chooses, as the services check it
    (`office_locked`): 404 if they cannot see it, 403 if they can but the
    office over its call is not theirs (or the studio is theirs)."""
    application = get_object_or_404(naming_applications_visible_to(user), pk=application_id)
    if not naming_application_access(user, application).runs:
        raise PermissionDenied
    return application


register(
    replace(
        PEOPLE,
        name="application-experts",
        scope=lambda user, application_id: experts_offered(user, _run(user, application_id)),
        for_record=True,
    )
)

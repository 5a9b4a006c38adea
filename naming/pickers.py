"""The expert picker of an application's page (core.pickers): people found as
the people picker finds them, among those the office may ask to score that
application (`/pickers/application-experts/<application id>/?q=`), so the
picker never offers someone `naming_experts_assign` would refuse, and the
one putting someone in an expert's place
(`/pickers/application-replacements/<application id>/?q=`: those, less the
experts still asked), exactly whom `naming_expert_replace` takes. Likewise a
call's studio picker, for an official over more studios than a list shows:
studios found as the studio picker finds them, among those that may apply to
that call (`/pickers/call-studios/<call id>/?q=`), exactly what
`naming_application_create` takes; and the rectification form's, among the
studios the office may put under rectification
(`/pickers/rectifiable-studios/?q=`), exactly what `rectification_open` takes."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.pickers import PEOPLE
from core.pickers import register, register_for_record
from naming.models import NamingApplication, NamingCall
from naming.selectors import (
    experts_offered,
    naming_application_access,
    naming_applications_visible_to,
    naming_calls_visible_to,
    replacements_offered,
    studios_rectifiable_by,
    studios_that_may_apply,
)
from studios.pickers import STUDIOS


def _run(user, application_id: int) -> NamingApplication:
    """An application whose experts `user` chooses, as the services check it
    (`office_locked`): 404 if they cannot see it, 403 if they can but the
    office over its call is not theirs (or the studio is theirs)."""
    application = get_object_or_404(naming_applications_visible_to(user), pk=application_id)
    if not naming_application_access(user, application).runs:
        raise PermissionDenied
    return application


register_for_record(PEOPLE, "application-experts", _run, experts_offered)
register_for_record(PEOPLE, "application-replacements", _run, replacements_offered)


def _applied_to(user, call_id: int) -> NamingCall:
    """A call `user` may see (404 otherwise), as the application checks it."""
    return get_object_or_404(naming_calls_visible_to(user), pk=call_id)


def _may_apply(user, call: NamingCall):
    """The studios that may apply to `call` while it is open (none after its
    deadline: the application would be refused)."""
    studios = studios_that_may_apply(user, call)
    return studios if call.is_open() else studios.none()


register_for_record(STUDIOS, "call-studios", _applied_to, _may_apply)

register(replace(STUDIOS, name="rectifiable-studios", scope=studios_rectifiable_by))

"""The pickers of the pairing form (core.pickers), each offering exactly what
`pairing_propose` takes from the proposer: its studio among those they lead or
oversee (`/pickers/pairing-studios/?q=`), found as the studio picker finds
one; a studio pairing's mentor among the studio's current members who are
still active (`/pickers/studio-mentors/<studio id>/?q=`), found as the people
picker finds a person. A pairing outside any studio picks its mentor, and
every pairing its apprentice, from the `active-people` picker."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.pickers import PEOPLE
from apprenticeships.selectors import mentors_offered, studios_for_pairings
from core.pickers import register, register_for_record
from studios.models import Studio
from studios.pickers import STUDIOS
from studios.selectors import studios_visible_to

register(replace(STUDIOS, name="pairing-studios", scope=studios_for_pairings))


def _paired_in(user, studio_id: int) -> Studio:
    """A studio `user` proposes pairings in, as `pairing_propose` checks it:
    404 if they cannot see it, 403 if they can but neither lead nor oversee it
    (or it is revoked)."""
    studio = get_object_or_404(studios_visible_to(user), pk=studio_id)
    if not studios_for_pairings(user).filter(pk=studio.pk).exists():
        raise PermissionDenied
    return studio


register_for_record(PEOPLE, "studio-mentors", _paired_in, mentors_offered)

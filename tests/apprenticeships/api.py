"""What the apprenticeship API tests share: signing in and request bodies."""

import datetime

from accounts.models import User
from tests.factories import PersonFactory
from tests.roles import person

PAIRINGS = "/api/v1/pairings/"

MILESTONES = "/api/v1/milestones/"

SESSIONS = "/api/v1/sessions/"

EVALUATIONS = "/api/v1/evaluations/"

DAY = datetime.timedelta(days=1)


# --- Helpers ------------------------------------------------------------------------


def sign_in(api, m, role: str | None):
    api.force_authenticate(None if role is None else person(m, role))
    return api


def new_apprentice(m, unit=None, **fields) -> User:
    return PersonFactory(org_unit=unit or m.org.team_a101, **fields)


# --- Pairings: reading --------------------------------------------------------------

# Who may read `mentoring.active` (dust studio, team A101, mentor member_a,
# apprentice apprentice_a) and who may not even learn it exists.
READERS = ["lead_a", "official_a", "group_official", "admin", "member_a", "apprentice_a"]

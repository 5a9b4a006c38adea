"""Reads behind the home pages and (later) the dashboard."""

from accounts.selectors import person_roles, user_scope


def home_summary(user) -> dict:
    """What the home page shows about the signed-in person."""
    scope = user_scope(user)
    return {
        "person": user,
        "org_unit": user.org_unit,
        "roles": person_roles(user),
        "is_official": scope.is_official or scope.is_superuser,
    }

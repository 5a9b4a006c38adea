"""Data for the embedded-mode load benchmark (bench/test_embedded_load.py), made
inside the site's own process through `manage.py shell` (tests/embedded.py):
a company with a team, a five-small campaign open now, 8 workers and 2
officials with API tokens, and enough studios that a studio annual summary is
a large report."""

import datetime
import json
from decimal import Decimal


def seed_load(workers: int, officials: int, studios: int) -> None:
    """Print {"workers": [token…], "officials": [token…], "campaign": id}."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import OrgUnit, RoleGrant
    from accounts.services import org_unit_create, person_create, role_grant
    from competitions.models import AwardGrade
    from competitions.services import campaign_create
    from tests.embedded import add_studios

    group = org_unit_create(name="集团", code="G", kind=OrgUnit.Kind.GROUP)
    company = org_unit_create(name="甲公司", code="A", kind=OrgUnit.Kind.COMPANY, parent=group)
    team = org_unit_create(name="一班", code="A101", kind=OrgUnit.Kind.TEAM, parent=company)
    people = {"workers": [], "officials": []}
    for n in range(officials):
        official = person_create(
            employee_no=f"O{n:04d}", full_name=f"工会干部{n}", org_unit=company
        )
        role_grant(user=official, role=RoleGrant.Role.UNION_OFFICIAL, org_unit=group)
        people["officials"].append(Token.objects.create(user=official).key)
    for n in range(workers):
        worker = person_create(employee_no=f"W{n:04d}", full_name=f"职工{n}", org_unit=team)
        people["workers"].append(Token.objects.create(user=worker).key)
    now = timezone.now()
    first = person_create(employee_no="B0000", full_name="组织者", org_unit=group)
    role_grant(user=first, role=RoleGrant.Role.UNION_OFFICIAL, org_unit=group)
    campaign = campaign_create(
        by=first,
        org_unit=group,
        name="“五小”竞赛",
        year=timezone.localdate().year,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        review_deadline=timezone.localdate() + datetime.timedelta(days=60),
        grades=[(AwardGrade.Grade.ENCOURAGEMENT, None, Decimal("200"))],
    )
    people["campaign"] = campaign.pk
    add_studios(studios, leader=first, unit=team)
    print(json.dumps(people))

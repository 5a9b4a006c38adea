"""Small, explicit test data. Org units go through the service, since the tree
paths are computed by treebeard."""

import factory

from accounts.models import OrgUnit, RoleGrant, SkillLevel, User
from accounts.services import org_unit_create

PASSWORD = "test-pass-123"


def make_unit(code: str, parent: OrgUnit | None = None, kind: str = OrgUnit.Kind.TEAM) -> OrgUnit:
    return org_unit_create(name=f"Unit {code}", code=code, kind=kind, parent=parent)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    full_name = factory.Sequence(lambda n: f"测试员{n}")
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    post = "电钳工"
    skill_level = SkillLevel.INTERMEDIATE
    password = factory.django.Password(PASSWORD)


def grant_official(person: User, unit: OrgUnit) -> RoleGrant:
    return RoleGrant.objects.create(user=person, role=RoleGrant.Role.UNION_OFFICIAL, org_unit=unit)


def make_campaign(official: User, unit: OrgUnit, *, name: str, opens, closes, year=None):
    """A five-small campaign organised over `unit` with a window from `opens` to
    `closes`, the default rubric and three prize grades."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from competitions import services
    from competitions.models import AwardGrade

    return services.campaign_create(
        by=official,
        org_unit=unit,
        name=name,
        year=year or timezone.localtime(opens).year,
        opens_at=opens,
        closes_at=closes,
        review_deadline=timezone.localtime(closes).date() + datetime.timedelta(days=30),
        grades=[
            (AwardGrade.Grade.FIRST, 1, Decimal("5000")),
            (AwardGrade.Grade.SECOND, 3, Decimal("2000")),
            (AwardGrade.Grade.ENCOURAGEMENT, None, Decimal("200")),
        ],
    )

import datetime
from types import SimpleNamespace

import pytest

from studios import services
from studios.models import Membership, RecognitionList, Studio
from tests.factories import PersonFactory


@pytest.fixture
def studios(org):
    """Two studios in company A (one at mine A1 led by `lead_a`, with a member),
    one in company B led by `lead_b`; all established by the group official."""
    lead_a = PersonFactory(employee_no="lead_a", org_unit=org.team_a101)
    member_a = PersonFactory(employee_no="member_a", org_unit=org.team_a101)
    lead_b = PersonFactory(employee_no="lead_b", org_unit=org.team_b101)

    def make(code, name, unit, leader, speciality):
        studio = services.studio_create(
            by=org.group_official,
            name=name,
            code=code,
            kind=Studio.Kind.MODEL_WORKER,
            leader=leader,
            org_unit=unit,
            speciality=speciality,
            founded_on=datetime.date(2020, 5, 1),
        )
        return services.studio_change_status(
            studio_id=studio.pk, by=org.group_official, status=Studio.Status.ESTABLISHED
        )

    dust = make("A1-DUST", "粉尘治理创新工作室", org.team_a101, lead_a, "粉尘治理")
    services.membership_add(
        studio_id=dust.pk, by=org.group_official, person=member_a, role=Membership.Role.CORE
    )
    washing = make("A1-WASH", "洗选工艺创新工作室", org.team_a102, org.colleague_a, "煤质洗选")
    turbine = make("B1-TURB", "汽机检修创新工作室", org.team_b101, lead_b, "汽轮机检修")
    return SimpleNamespace(
        org=org,
        lead_a=lead_a,
        member_a=member_a,
        lead_b=lead_b,
        dust=dust,
        washing=washing,
        turbine=turbine,
    )


@pytest.fixture
def provincial_list(org):
    return services.recognition_list_create(
        by=org.group_official,
        title="2022 provincial list",
        level=RecognitionList.Level.PROVINCIAL,
        conferred_by="Provincial union",
        year=2022,
        total_named=28,
    )

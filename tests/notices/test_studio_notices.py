"""A studio's leader hears the office's moves on the studio and its records:
a status change, an assessment, an achievement's verified benefit, a patent's
new status; never their own move, nor anyone outside (docs/notices.md)."""

import datetime
from decimal import Decimal

import pytest

from achievements import services as achievement_services
from notices.models import Notice
from studios import services as studio_services
from studios.models import Assessment, Studio
from tests.achievements.api import new_achievement, new_patent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_told_yet(db):
    """The shared levels are built through the services, which tell people
    about them; each test starts from no notice (rolled back after it)."""
    Notice.objects.all().delete()


def told() -> list[tuple[str, str]]:
    return sorted(Notice.objects.values_list("recipient__employee_no", "kind"))


def test_the_leader_hears_the_office_put_their_studio_under_rectification(studios):
    studio_services.studio_change_status(
        studio_id=studios.dust.pk,
        by=studios.org.official_a,
        status=Studio.Status.RECTIFICATION,
        reason="台账不全",
    )
    # Not the official who moved it, not the member, not the other studios' leaders.
    assert told() == [("lead_a", "studios.status_changed")]
    notice = Notice.objects.get()
    assert notice.text == "工作室“粉尘治理创新工作室”的状态现为整改中。"
    assert notice.url == f"/studios/{studios.dust.pk}/"


def test_the_leader_hears_their_studios_assessment(studios):
    studio_services.assessment_record(
        by=studios.org.official_a,
        studio=studios.dust,
        year=datetime.date.today().year - 1,
        score=Decimal("92.5"),
        grade=Assessment.Grade.EXCELLENT,
    )
    assert told() == [("lead_a", "studios.assessment_recorded")]
    assert "92.5" in Notice.objects.get().text


def test_the_leader_hears_an_achievements_benefit_verified(studios):
    achievement = new_achievement(studios)
    Notice.objects.all().delete()
    achievement_services.achievement_verify_benefit(
        achievement_id=achievement.pk,
        by=studios.org.official_a,
        verified_benefit=Decimal("80000"),
        evidence="财务部确认函",
    )
    assert told() == [("lead_a", "achievements.benefit_verified")]
    assert "喷雾降尘装置" in Notice.objects.get().text


def test_a_patents_status_is_told_to_the_leader_when_the_office_moves_it_not_their_own(studios):
    patent = new_patent(studios)
    achievement_services.patent_change_status(
        patent_id=patent.pk, by=studios.lead_a, status="published"
    )
    assert told() == []  # the leader moved it
    achievement_services.patent_change_status(
        patent_id=patent.pk, by=studios.org.official_a, status="rejected"
    )
    assert told() == [("lead_a", "achievements.patent_status_changed")]
    assert "一种综采面喷雾降尘装置" in Notice.objects.get().text

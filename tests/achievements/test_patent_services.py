"""The patent services: creation and the status machine."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from achievements import services
from achievements.models import Inventor, Patent
from achievements.patent_numbers import check_digit
from core.exceptions import Conflict
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PS = Patent.Status

FILED = datetime.date(2021, 3, 1)  # the year in the application numbers


def number(twelve_digits: str) -> str:
    return f"CN{twelve_digits}.{check_digit(twelve_digits)}"


INVENTION_NO = "CN202110123456.7"

UTILITY_NO = number("202120123456")


def new_patent(studios, *, application_no=INVENTION_NO, patent_type="invention", **fields):
    return services.patent_create(
        by=studios.lead_a,
        studio=studios.dust,
        application_no=application_no,
        title="一种综采面喷雾降尘装置",
        patent_type=patent_type,
        filed_on=FILED,
        holder="A公司",
        inventors=[studios.lead_a, studios.member_a],
        **fields,
    )


def move_patent(studios, patent, status, on=None):
    return services.patent_change_status(
        patent_id=patent.pk, by=studios.lead_a, status=status, on=on
    )


def patent_in(studios, status, patent_type="invention"):
    """A patent brought to `status` through legal moves."""
    patent = new_patent(
        studios,
        patent_type=patent_type,
        application_no=INVENTION_NO if patent_type == "invention" else UTILITY_NO,
    )
    path = {
        PS.FILED: [],
        PS.PUBLISHED: [PS.PUBLISHED],
        PS.GRANTED: [PS.PUBLISHED, PS.GRANTED] if patent_type == "invention" else [PS.GRANTED],
        PS.REJECTED: [PS.REJECTED],
        PS.LAPSED: [PS.PUBLISHED, PS.GRANTED, PS.LAPSED],
    }[status]
    for step in path:
        patent = move_patent(studios, patent, step)
    return patent


# --- Patents ------------------------------------------------------------------------


class TestPatentCreate:
    def test_lead_logs_a_filed_invention_stored_normalised(self, studios):
        patent = new_patent(studios, application_no="ZL 2021 1 0123456.7")
        assert patent.application_no == "202110123456.7"
        assert patent.status == PS.FILED
        assert list(patent.inventors.values_list("position", "person")) == [
            (1, studios.lead_a.pk),
            (2, studios.member_a.pk),
        ]
        assert patent.events.get().to_state == PS.FILED

    @pytest.mark.parametrize(
        ("application_no", "patent_type"),
        [
            ("CN202110123456.8", "invention"),  # check digit
            ("CN202110123456.7", "utility_model"),  # type digit
            ("CN2021101234", "invention"),  # shape
        ],
    )
    def test_bad_number_is_400_on_application_no(self, studios, application_no, patent_type):
        with pytest.raises(ValidationError) as refused:
            new_patent(studios, application_no=application_no, patent_type=patent_type)
        assert "application_no" in refused.value.message_dict
        assert not Patent.objects.exists()
        assert not Inventor.objects.exists()

    def test_same_number_in_another_spelling_is_400(self, studios):
        new_patent(studios, application_no="CN202110123456.7")
        with pytest.raises(ValidationError) as refused:
            new_patent(studios, application_no="ZL 2021 1 0123456.7")
        assert "application_no" in refused.value.message_dict
        assert Patent.objects.count() == 1

    def test_granted_before_filed_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_patent(
                studios,
                application_no=UTILITY_NO,
                patent_type="utility_model",
                status=PS.GRANTED,
                granted_on=FILED - datetime.timedelta(days=1),
            )
        assert "granted_on" in refused.value.message_dict
        assert not Patent.objects.exists()

    def test_granted_utility_model_is_logged_with_its_date(self, studios):
        granted_on = datetime.date(2023, 9, 1)
        patent = new_patent(
            studios,
            application_no=UTILITY_NO,
            patent_type="utility_model",
            status=PS.GRANTED,
            granted_on=granted_on,
        )
        assert (patent.status, patent.granted_on) == (PS.GRANTED, granted_on)

    def test_utility_model_logged_as_published_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_patent(
                studios,
                application_no=UTILITY_NO,
                patent_type="utility_model",
                status=PS.PUBLISHED,
                published_on=datetime.date(2023, 9, 1),
            )
        assert "published_on" in refused.value.message_dict
        assert not Patent.objects.exists()

    def test_inventor_outside_scope_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            services.patent_create(
                by=studios.lead_a,
                studio=studios.dust,
                application_no=INVENTION_NO,
                title="x",
                patent_type="invention",
                filed_on=FILED,
                holder="A公司",
                inventors=[studios.lead_b],
            )
        assert "inventors" in refused.value.message_dict
        assert not Patent.objects.exists()

    @pytest.mark.parametrize("status", [PS.REJECTED, PS.LAPSED])
    def test_cannot_be_logged_as_ended(self, studios, status):
        with pytest.raises(ValidationError) as refused:
            new_patent(studios, status=status)
        assert "status" in refused.value.message_dict


class TestPatentStatusMachine:
    def test_invention_filed_published_granted_lapsed_with_dates(self, studios):
        patent = new_patent(studios)
        steps = [
            (PS.PUBLISHED, "published_on", datetime.date(2023, 9, 1)),
            (PS.GRANTED, "granted_on", datetime.date(2024, 5, 1)),
            (PS.LAPSED, "ended_on", datetime.date(2025, 5, 1)),
        ]
        for status, date_field, on in steps:
            previous = patent.status
            patent = move_patent(studios, patent, status, on=on)
            patent.refresh_from_db()
            assert patent.status == status
            assert getattr(patent, date_field) == on
            event = patent.events.last()
            assert (event.from_state, event.to_state, event.actor) == (
                previous,
                status,
                studios.lead_a,
            )
        assert patent.events.count() == 4  # logged as filed, then three moves

    @pytest.mark.parametrize("patent_type", ["utility_model", "design"])
    def test_utility_model_and_design_go_straight_to_granted(self, studios, patent_type):
        twelve = "202120123456" if patent_type == "utility_model" else "202130123456"
        patent = new_patent(studios, application_no=number(twelve), patent_type=patent_type)
        on = datetime.date(2023, 8, 1)
        patent = move_patent(studios, patent, PS.GRANTED, on=on)
        patent.refresh_from_db()
        assert (patent.status, patent.granted_on, patent.published_on) == (PS.GRANTED, on, None)

    @pytest.mark.parametrize("patent_type", ["utility_model", "design"])
    def test_utility_model_or_design_cannot_be_published_409(self, studios, patent_type):
        twelve = "202120123456" if patent_type == "utility_model" else "202130123456"
        patent = new_patent(studios, application_no=number(twelve), patent_type=patent_type)
        with pytest.raises(Conflict):
            move_patent(studios, patent, PS.PUBLISHED)
        patent.refresh_from_db()
        assert (patent.status, patent.published_on, patent.events.count()) == (PS.FILED, None, 1)

    @pytest.mark.parametrize("start", [PS.FILED, PS.PUBLISHED])
    def test_rejected_from_filed_or_published(self, studios, start):
        patent = patent_in(studios, start)
        on = datetime.date(2024, 2, 1)
        patent = move_patent(studios, patent, PS.REJECTED, on=on)
        patent.refresh_from_db()
        assert (patent.status, patent.ended_on) == (PS.REJECTED, on)

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (PS.FILED, PS.LAPSED),  # lapsed only after grant
            (PS.PUBLISHED, PS.PUBLISHED),
            (PS.PUBLISHED, PS.LAPSED),
            (PS.GRANTED, PS.PUBLISHED),
            (PS.GRANTED, PS.GRANTED),
            (PS.GRANTED, PS.REJECTED),
            (PS.REJECTED, PS.PUBLISHED),
            (PS.REJECTED, PS.GRANTED),
            (PS.REJECTED, PS.LAPSED),
            (PS.REJECTED, PS.REJECTED),
            (PS.LAPSED, PS.PUBLISHED),
            (PS.LAPSED, PS.GRANTED),
            (PS.LAPSED, PS.REJECTED),
            (PS.LAPSED, PS.LAPSED),
        ],
    )
    def test_illegal_moves_are_409_and_change_nothing(self, studios, start, target):
        patent = patent_in(studios, start)
        patent.refresh_from_db()
        fields = ("status", "published_on", "granted_on", "ended_on")
        before = [getattr(patent, f) for f in fields], patent.events.count()
        with pytest.raises(Conflict):
            move_patent(studios, patent, target, on=datetime.date(2026, 1, 1))
        patent.refresh_from_db()
        assert ([getattr(patent, f) for f in fields], patent.events.count()) == before

    def test_invention_cannot_be_granted_before_publication_409(self, studios):
        patent = new_patent(studios)
        with pytest.raises(Conflict):
            move_patent(studios, patent, PS.GRANTED, on=datetime.date(2024, 5, 1))
        patent.refresh_from_db()
        assert patent.status == PS.FILED

    def test_moving_back_to_filed_is_409(self, studios):
        patent = patent_in(studios, PS.PUBLISHED)
        with pytest.raises(Conflict):
            move_patent(studios, patent, PS.FILED)

    def test_grant_dated_before_filing_is_400_and_changes_nothing(self, studios):
        patent = patent_in(studios, PS.PUBLISHED)
        with pytest.raises(ValidationError) as refused:
            move_patent(studios, patent, PS.GRANTED, on=FILED - datetime.timedelta(days=1))
        assert "granted_on" in refused.value.message_dict
        patent.refresh_from_db()
        assert (patent.status, patent.granted_on) == (PS.PUBLISHED, None)

    def test_unknown_status_is_400(self, studios):
        patent = new_patent(studios)
        with pytest.raises(ValidationError):
            move_patent(studios, patent, "withdrawn")

    def test_member_without_permission_cannot_move_403(self, studios):
        patent = new_patent(studios)
        with pytest.raises(PermissionDenied):
            services.patent_change_status(
                patent_id=patent.pk, by=studios.member_a, status=PS.PUBLISHED
            )

    def test_outsider_cannot_move_a_filed_patent_404(self, studios):
        patent = new_patent(studios)
        with pytest.raises(Http404):
            services.patent_change_status(
                patent_id=patent.pk, by=studios.lead_b, status=PS.PUBLISHED
            )


class TestInventorsKeptOnUpdate:
    """The group official logs a dust patent whose first inventor is worker_b
    of company B; the studio's lead (company A) cannot see them. The inventors
    already named stay, in their order, through the lead's edits; only someone
    newly named must be someone the lead may see (docs/access.md)."""

    @pytest.fixture
    def patent(self, studios):
        return services.patent_create(
            by=studios.org.group_official,
            studio=studios.dust,
            application_no=INVENTION_NO,
            title="一种综采面喷雾降尘装置",
            patent_type="invention",
            filed_on=FILED,
            holder="A公司",
            inventors=[studios.org.worker_b, studios.lead_a],
        )

    def inventors_of(self, patent) -> list[tuple]:
        return list(patent.inventors.values_list("position", "person"))

    def test_the_lead_edits_the_title_and_the_inventors_stay_in_order(self, studios, patent):
        inventors = [studios.org.worker_b, studios.lead_a]
        services.patent_update(
            patent_id=patent.pk, by=studios.lead_a, title="改名", inventors=inventors
        )
        patent.refresh_from_db()
        assert patent.title == "改名"
        assert self.inventors_of(patent) == [(1, studios.org.worker_b.pk), (2, studios.lead_a.pk)]

    def test_the_lead_reorders_and_removes_inventors(self, studios, patent):
        inventors = [studios.lead_a, studios.org.worker_b]
        services.patent_update(patent_id=patent.pk, by=studios.lead_a, inventors=inventors)
        assert self.inventors_of(patent) == [(1, studios.lead_a.pk), (2, studios.org.worker_b.pk)]
        services.patent_update(patent_id=patent.pk, by=studios.lead_a, inventors=[studios.lead_a])
        assert self.inventors_of(patent) == [(1, studios.lead_a.pk)]

    def test_someone_new_the_lead_cannot_see_is_still_refused(self, studios, patent):
        newcomer = PersonFactory(org_unit=studios.org.team_b101)
        with pytest.raises(ValidationError) as refused:
            services.patent_update(
                patent_id=patent.pk,
                by=studios.lead_a,
                title="改名",
                inventors=[studios.org.worker_b, studios.lead_a, newcomer],
            )
        assert refused.value.message_dict == {
            "inventors": [f"以下人员不在您的范围内：{newcomer.full_name}。"]
        }
        patent.refresh_from_db()
        assert patent.title == "一种综采面喷雾降尘装置"
        assert self.inventors_of(patent) == [(1, studios.org.worker_b.pk), (2, studios.lead_a.pk)]

"""Studio services: the status machine, naming, assessments, memberships, and the
rights checked inside them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import OrgUnit
from core.exceptions import Conflict
from studios import services
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

S = Studio.Status


def move(studio, status, by, reason="because"):
    return services.studio_change_status(studio_id=studio.pk, by=by, status=status, reason=reason)


def put_in_state(studio, status, by, recognition_list):
    """Bring an established studio to `status` through legal moves."""
    if status in (S.NAMED, S.RECTIFICATION):
        services.honour_create(by=by, recognition_list=recognition_list, studio=studio)
    if status == S.RECTIFICATION:
        move(studio, S.RECTIFICATION, by)
    if status == S.REVOKED:
        move(studio, S.REVOKED, by)
    studio.refresh_from_db()
    assert studio.status == status
    return studio


class TestStatusMachine:
    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (S.ESTABLISHED, S.RECTIFICATION),
            (S.ESTABLISHED, S.REVOKED),
            (S.NAMED, S.RECTIFICATION),
            (S.NAMED, S.REVOKED),
            (S.RECTIFICATION, S.NAMED),  # it holds an honour
            (S.RECTIFICATION, S.REVOKED),
        ],
    )
    def test_legal_moves_write_an_event(self, studios, provincial_list, start, target):
        official = studios.org.group_official
        studio = put_in_state(studios.dust, start, official, provincial_list)
        events_before = studio.events.count()
        moved = move(studio, target, official, reason="decided by the union")
        assert moved.status == target
        event = moved.events.last()
        assert studio.events.count() == events_before + 1
        assert (event.from_state, event.to_state, event.actor, event.note) == (
            start,
            target,
            official,
            "decided by the union",
        )

    def test_preparing_to_established(self, org, studios):
        studio = services.studio_create(
            by=org.group_official,
            name="New",
            code="NEW-1",
            kind=Studio.Kind.EMPLOYEE,
            leader=org.worker_a,
            org_unit=org.team_a101,
            speciality="x",
            founded_on=datetime.date(2024, 1, 1),
        )
        assert studio.status == S.PREPARING
        assert move(studio, S.ESTABLISHED, org.group_official, reason="").status == S.ESTABLISHED

    def test_rectification_without_honour_returns_to_established(self, studios):
        official = studios.org.group_official
        move(studios.dust, S.RECTIFICATION, official)
        assert move(studios.dust, S.ESTABLISHED, official).status == S.ESTABLISHED

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (S.ESTABLISHED, S.NAMED),  # only through an honour
            (S.ESTABLISHED, S.PREPARING),
            (S.ESTABLISHED, S.ESTABLISHED),
            (S.NAMED, S.ESTABLISHED),
            (S.NAMED, S.PREPARING),
            (S.NAMED, S.NAMED),
            (S.RECTIFICATION, S.ESTABLISHED),  # it holds an honour: back to named
            (S.RECTIFICATION, S.PREPARING),
            (S.REVOKED, S.ESTABLISHED),
            (S.REVOKED, S.NAMED),
            (S.REVOKED, S.RECTIFICATION),
            (S.REVOKED, S.PREPARING),
            (S.REVOKED, S.REVOKED),
        ],
    )
    def test_illegal_moves_are_409_and_change_nothing(
        self, studios, provincial_list, start, target
    ):
        official = studios.org.group_official
        studio = put_in_state(studios.dust, start, official, provincial_list)
        events_before = studio.events.count()
        with pytest.raises(Conflict):
            move(studio, target, official)
        studio.refresh_from_db()
        assert studio.status == start
        assert studio.events.count() == events_before

    def test_preparing_cannot_be_named_or_sent_to_rectification(self, org):
        studio = services.studio_create(
            by=org.group_official,
            name="New",
            code="NEW-2",
            kind=Studio.Kind.EMPLOYEE,
            leader=org.worker_a,
            org_unit=org.team_a101,
            speciality="x",
            founded_on=datetime.date(2024, 1, 1),
        )
        for target in (S.NAMED, S.RECTIFICATION):
            with pytest.raises(Conflict):
                move(studio, target, org.group_official)

    @pytest.mark.parametrize("target", [S.REVOKED, S.RECTIFICATION])
    def test_revocation_and_rectification_need_a_reason(self, studios, target):
        with pytest.raises(ValidationError) as error:
            move(studios.dust, target, studios.org.group_official, reason="  ")
        assert "reason" in error.value.message_dict
        studios.dust.refresh_from_db()
        assert studios.dust.status == S.ESTABLISHED

    @pytest.mark.parametrize("start", [S.NAMED, S.RECTIFICATION])
    def test_revoking_by_hand_revokes_the_honours_as_delisting_does(
        self, studios, provincial_list, start
    ):
        official = studios.org.group_official
        studio = put_in_state(studios.dust, start, official, provincial_list)
        move(studio, S.REVOKED, official, reason="连续两年未开展活动")
        # The honour stays on its list, revoked that day, with the reason and who.
        honour = Honour.objects.get(studio=studio)
        assert (honour.revoked_on, honour.revoked_reason, honour.revoked_by) == (
            timezone.localdate(),
            "连续两年未开展活动",
            official,
        )

    def test_a_refused_revocation_revokes_no_honour(self, studios, provincial_list):
        official = studios.org.group_official
        studio = put_in_state(studios.dust, S.NAMED, official, provincial_list)
        with pytest.raises(ValidationError):
            move(studio, S.REVOKED, official, reason=" ")
        with pytest.raises(PermissionDenied):
            move(studio, S.REVOKED, studios.lead_a)
        assert Honour.objects.get(studio=studio).revoked_on is None

    def test_lead_cannot_change_status(self, studios):
        with pytest.raises(PermissionDenied):
            move(studios.dust, S.REVOKED, studios.lead_a)

    def test_official_of_another_company_gets_404(self, studios):
        with pytest.raises(Http404):
            move(studios.dust, S.REVOKED, studios.org.official_b)


class TestNaming:
    def test_first_honour_names_the_studio(self, studios, provincial_list):
        services.honour_create(
            by=studios.org.group_official, recognition_list=provincial_list, studio=studios.dust
        )
        studios.dust.refresh_from_db()
        assert studios.dust.status == S.NAMED
        assert studios.dust.events.last().to_state == S.NAMED

    def test_honour_for_studio_outside_scope_is_400(self, studios, provincial_list):
        with pytest.raises(ValidationError) as error:
            services.honour_create(
                by=studios.org.official_b, recognition_list=provincial_list, studio=studios.dust
            )
        assert "studio" in error.value.message_dict
        assert not Honour.objects.exists()

    def test_same_studio_twice_on_a_list_is_409(self, studios, provincial_list):
        by = studios.org.group_official
        services.honour_create(by=by, recognition_list=provincial_list, studio=studios.dust)
        with pytest.raises(Conflict):
            services.honour_create(by=by, recognition_list=provincial_list, studio=studios.dust)
        assert Honour.objects.count() == 1

    def test_a_full_list_takes_no_more_studios(self, studios, provincial_list):
        by = studios.org.group_official
        provincial_list.total_named = 1
        provincial_list.save()
        services.honour_create(by=by, recognition_list=provincial_list, studio=studios.dust)
        with pytest.raises(Conflict):
            services.honour_create(by=by, recognition_list=provincial_list, studio=studios.washing)

    def test_preparing_studio_cannot_be_named(self, org, provincial_list):
        studio = services.studio_create(
            by=org.group_official,
            name="New",
            code="NEW-3",
            kind=Studio.Kind.EMPLOYEE,
            leader=org.worker_a,
            org_unit=org.team_a101,
            speciality="x",
            founded_on=datetime.date(2024, 1, 1),
        )
        with pytest.raises(Conflict):
            services.honour_create(
                by=org.group_official, recognition_list=provincial_list, studio=studio
            )

    def test_personal_honour_needs_a_title_and_a_person_in_scope(self, studios, provincial_list):
        org = studios.org
        with pytest.raises(ValidationError):
            services.honour_create(
                by=org.official_b, recognition_list=provincial_list, person=org.worker_b
            )
        with pytest.raises(ValidationError):
            services.honour_create(
                by=org.official_b,
                recognition_list=provincial_list,
                person=org.worker_a,
                personal_title=Honour.PersonalTitle.MODEL_WORKER,
            )
        honour = services.honour_create(
            by=org.official_b,
            recognition_list=provincial_list,
            person=org.worker_b,
            personal_title=Honour.PersonalTitle.MODEL_WORKER,
        )
        assert honour.person == org.worker_b

    def test_both_studio_and_person_is_400(self, studios, provincial_list):
        with pytest.raises(ValidationError):
            services.honour_create(
                by=studios.org.group_official,
                recognition_list=provincial_list,
                studio=studios.dust,
                person=studios.lead_a,
                personal_title="model_worker",
            )

    def test_worker_cannot_record_honours(self, studios, provincial_list):
        with pytest.raises(PermissionDenied):
            services.honour_create(
                by=studios.org.worker_a, recognition_list=provincial_list, studio=studios.dust
            )


class TestRecognitionLists:
    def record(self, by, **fields):
        return services.recognition_list_create(
            by=by,
            title="市级",
            level="municipal",
            conferred_by="市总工会",
            year=2025,
            total_named=10,
            **fields,
        )

    @pytest.mark.parametrize("move", ["create", "update"])
    def test_a_closed_unit_takes_no_list_400(self, org, move):
        """A closed unit takes no new records: a list is neither recorded by it
        nor moved to it, and the official is told it is closed."""
        OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
        closed = OrgUnit.objects.get(pk=org.team_a102.pk)
        kept = self.record(org.official_a, org_unit=org.mine_a1) if move == "update" else None
        with pytest.raises(ValidationError) as error:
            if move == "create":
                self.record(org.official_a, org_unit=closed)
            else:
                services.recognition_list_update(
                    list_id=kept.pk, by=org.official_a, org_unit=closed
                )
        assert error.value.message_dict == {"org_unit": ["该单位已撤销。"]}
        assert not RecognitionList.objects.filter(org_unit=closed).exists()

    def test_a_list_whose_unit_has_closed_since_keeps_it(self, org):
        """Closing the unit a list is recorded by does not stop its edits: the
        unit repeated (as a PUT sends it) is no move."""
        recorded = self.record(org.official_a, org_unit=org.team_a102)
        OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
        closed = OrgUnit.objects.get(pk=org.team_a102.pk)
        saved = services.recognition_list_update(
            list_id=recorded.pk, by=org.official_a, org_unit=closed, total_named=12
        )
        assert (saved.org_unit_id, saved.total_named) == (closed.pk, 12)


class TestAssessments:
    def record(self, studios, grade, year=2025, by=None):
        return services.assessment_record(
            by=by or studios.org.group_official,
            studio=studios.dust,
            year=year,
            score=Decimal("55.5") if grade == "fail" else Decimal("88"),
            grade=grade,
        )

    def test_fail_sends_the_studio_to_rectification(self, studios):
        self.record(studios, Assessment.Grade.FAIL)
        studios.dust.refresh_from_db()
        assert studios.dust.status == S.RECTIFICATION
        assert "2025" in studios.dust.events.last().note

    def test_pass_changes_no_status(self, studios):
        self.record(studios, Assessment.Grade.GOOD)
        studios.dust.refresh_from_db()
        assert studios.dust.status == S.ESTABLISHED

    def test_twice_in_a_year_is_409_and_saves_nothing(self, studios):
        self.record(studios, Assessment.Grade.GOOD)
        with pytest.raises(Conflict):
            self.record(studios, Assessment.Grade.EXCELLENT)
        assert Assessment.objects.count() == 1

    def test_score_out_of_range_is_400(self, studios):
        with pytest.raises(ValidationError) as error:
            services.assessment_record(
                by=studios.org.group_official,
                studio=studios.dust,
                year=2025,
                score=Decimal("101"),
                grade="good",
            )
        assert "score" in error.value.message_dict
        assert not Assessment.objects.exists()

    def test_lead_cannot_assess_own_studio(self, studios):
        with pytest.raises(PermissionDenied):
            self.record(studios, Assessment.Grade.EXCELLENT, by=studios.lead_a)


class TestStudios:
    def test_create_makes_the_leader_a_leader_member(self, studios):
        membership = studios.dust.memberships.get(person=studios.lead_a)
        assert membership.role == Membership.Role.LEADER

    def test_duplicate_code_is_400_and_saves_nothing(self, studios):
        with pytest.raises(ValidationError) as error:
            services.studio_create(
                by=studios.org.group_official,
                name="Copy",
                code="A1-DUST",
                kind=Studio.Kind.EMPLOYEE,
                leader=studios.lead_a,
                org_unit=studios.org.team_a101,
                speciality="x",
                founded_on=datetime.date(2024, 1, 1),
            )
        assert "code" in error.value.message_dict
        assert Studio.objects.count() == 3

    def test_create_in_unit_outside_scope_is_400(self, studios):
        with pytest.raises(ValidationError) as error:
            services.studio_create(
                by=studios.org.official_b,
                name="X",
                code="X-1",
                kind=Studio.Kind.EMPLOYEE,
                leader=studios.org.worker_b,
                org_unit=studios.org.team_a101,
                speciality="x",
                founded_on=datetime.date(2024, 1, 1),
            )
        assert "org_unit" in error.value.message_dict

    @pytest.mark.parametrize("move", ["create", "update"])
    def test_a_closed_unit_takes_no_studio_400(self, studios, move):
        """A closed unit takes no new records: a studio is neither registered
        in it nor moved into it, and the official is told it is closed."""
        org = studios.org
        OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
        closed = OrgUnit.objects.get(pk=org.team_a102.pk)
        with pytest.raises(ValidationError) as error:
            if move == "create":
                services.studio_create(
                    by=org.official_a,
                    name="X",
                    code="X-1",
                    kind=Studio.Kind.EMPLOYEE,
                    leader=org.worker_a,
                    org_unit=closed,
                    speciality="x",
                    founded_on=datetime.date(2024, 1, 1),
                )
            else:
                services.studio_update(
                    studio_id=studios.dust.pk, by=org.official_a, org_unit=closed
                )
        assert error.value.message_dict == {"org_unit": ["该单位已撤销。"]}
        assert not Studio.objects.filter(org_unit=closed).exclude(pk=studios.washing.pk).exists()

    def test_leader_outside_scope_is_400(self, studios):
        with pytest.raises(ValidationError) as error:
            services.studio_create(
                by=studios.org.official_b,
                name="X",
                code="X-1",
                kind=Studio.Kind.EMPLOYEE,
                leader=studios.org.worker_a,
                org_unit=studios.org.team_b101,
                speciality="x",
                founded_on=datetime.date(2024, 1, 1),
            )
        assert "leader" in error.value.message_dict

    @pytest.mark.parametrize("move", ["create", "update"])
    def test_a_new_leader_no_longer_active_is_400_naming_them(self, studios, move):
        """They have left (deactivated) and can no longer sign in to lead: no
        studio is registered with them, none handed over to them."""
        org = studios.org
        gone = PersonFactory(org_unit=org.team_a102)
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        with pytest.raises(ValidationError) as refused:
            if move == "create":
                services.studio_create(
                    by=org.official_a,
                    name="X",
                    code="X-1",
                    kind=Studio.Kind.EMPLOYEE,
                    leader=gone,
                    org_unit=org.team_a101,
                    speciality="x",
                    founded_on=datetime.date(2024, 1, 1),
                )
            else:
                services.studio_update(studio_id=studios.dust.pk, by=org.official_a, leader=gone)
        assert refused.value.message_dict == {"leader": [f"{gone.full_name} 已停用"]}
        assert not Membership.objects.filter(person=gone).exists()

    def test_a_leader_who_has_left_since_stays_through_other_edits(self, studios):
        """Only a new leader must be active: the studio of a leader deactivated
        since is still edited, the leader repeated as a PUT sends it."""
        lead = studios.lead_a
        type(lead).objects.filter(pk=lead.pk).update(is_active=False)
        lead.refresh_from_db()
        studio = services.studio_update(
            studio_id=studios.dust.pk, by=studios.org.official_a, leader=lead, speciality="通风"
        )
        assert (studio.leader_id, studio.speciality) == (lead.pk, "通风")

    def test_worker_cannot_create_studios(self, studios):
        with pytest.raises(PermissionDenied):
            services.studio_create(
                by=studios.org.worker_a,
                name="X",
                code="X-1",
                kind=Studio.Kind.EMPLOYEE,
                leader=studios.org.worker_a,
                org_unit=studios.org.team_a101,
                speciality="x",
                founded_on=datetime.date(2024, 1, 1),
            )

    def test_lead_edits_profile_fields(self, studios):
        studio = services.studio_update(
            studio_id=studios.dust.pk,
            by=studios.lead_a,
            description="新的介绍",
            functions=["theory_research"],
        )
        assert (studio.description, studio.functions) == ("新的介绍", ["theory_research"])

    @pytest.mark.parametrize("field", ["code", "name", "org_unit", "leader", "kind"])
    def test_lead_cannot_change_official_fields(self, studios, field):
        values = {
            "code": "NEW",
            "name": "New",
            "org_unit": studios.org.team_a102,
            "leader": studios.member_a,
            "kind": Studio.Kind.EMPLOYEE,
        }
        with pytest.raises(PermissionDenied):
            services.studio_update(
                studio_id=studios.dust.pk, by=studios.lead_a, **{field: values[field]}
            )
        studios.dust.refresh_from_db()
        assert studios.dust.code == "A1-DUST"

    def test_unknown_function_is_400(self, studios):
        with pytest.raises(ValidationError):
            services.studio_update(
                studio_id=studios.dust.pk, by=studios.lead_a, functions=["dancing"]
            )

    def test_member_cannot_edit(self, studios):
        with pytest.raises(PermissionDenied):
            services.studio_update(studio_id=studios.dust.pk, by=studios.member_a, description="x")

    def test_new_leader_takes_the_leader_membership(self, studios):
        services.studio_update(
            studio_id=studios.dust.pk, by=studios.org.group_official, leader=studios.member_a
        )
        roles = dict(
            studios.dust.memberships.filter(left_on__isnull=True).values_list(
                "person__employee_no", "role"
            )
        )
        assert roles == {"lead_a": "core", "member_a": "leader"}


class TestMemberships:
    def test_lead_adds_a_colleague(self, studios):
        colleague = PersonFactory(org_unit=studios.org.team_a102)
        membership = services.membership_add(
            studio_id=studios.dust.pk, by=studios.lead_a, person=colleague
        )
        assert membership.role == Membership.Role.MEMBER

    def test_second_open_membership_is_409(self, studios):
        with pytest.raises(Conflict):
            services.membership_add(
                studio_id=studios.dust.pk, by=studios.lead_a, person=studios.member_a
            )
        assert studios.dust.memberships.filter(person=studios.member_a).count() == 1

    def test_someone_no_longer_active_is_400_naming_them(self, studios):
        """They have left (deactivated) and can no longer sign in to take part:
        nothing changes."""
        gone = PersonFactory(org_unit=studios.org.team_a102)
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        with pytest.raises(ValidationError) as refused:
            services.membership_add(studio_id=studios.dust.pk, by=studios.lead_a, person=gone)
        assert refused.value.message_dict == {"person": [f"{gone.full_name} 已停用"]}
        assert not Membership.objects.filter(person=gone).exists()

    def test_person_of_another_company_is_400(self, studios):
        with pytest.raises(ValidationError) as error:
            services.membership_add(
                studio_id=studios.dust.pk, by=studios.lead_a, person=studios.org.worker_b
            )
        assert "person" in error.value.message_dict

    def test_member_cannot_add_members(self, studios):
        with pytest.raises(PermissionDenied):
            services.membership_add(
                studio_id=studios.dust.pk, by=studios.member_a, person=studios.org.colleague_a
            )

    def test_ending_keeps_the_record_and_allows_rejoining(self, studios):
        membership = studios.dust.memberships.get(person=studios.member_a)
        services.membership_end(membership_id=membership.pk, by=studios.lead_a)
        membership.refresh_from_db()
        assert membership.left_on is not None
        services.membership_add(
            studio_id=studios.dust.pk, by=studios.lead_a, person=studios.member_a
        )
        assert studios.dust.memberships.filter(person=studios.member_a).count() == 2

    def test_leader_cannot_leave(self, studios):
        membership = studios.dust.memberships.get(person=studios.lead_a)
        with pytest.raises(Conflict):
            services.membership_end(membership_id=membership.pk, by=studios.org.group_official)

    def test_ending_twice_is_409(self, studios):
        membership = studios.dust.memberships.get(person=studios.member_a)
        services.membership_end(membership_id=membership.pk, by=studios.lead_a)
        with pytest.raises(Conflict):
            services.membership_end(membership_id=membership.pk, by=studios.lead_a)

    def test_adding_a_leader_role_is_400(self, studios):
        with pytest.raises(ValidationError):
            services.membership_add(
                studio_id=studios.dust.pk,
                by=studios.lead_a,
                person=studios.org.colleague_a,
                role=Membership.Role.LEADER,
            )

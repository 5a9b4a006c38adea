"""The dynamic-management pages under /studios/naming/: a rectification opened
from the studio page, decided on its own page, this year's re-reviews, the
studio page's naming panel, and a fixed number of queries per list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.exceptions import Conflict
from naming import services
from naming.models import Rectification, ReReview
from studios import services as studio_services
from studios.models import Honour, RecognitionList, Studio
from studios.selectors import studios_visible_to
from tests.lists import ListCase, each_list
from tests.naming.conftest import deadline_passed
from tests.outcomes import takes
from tests.page_html import picker_of
from tests.world import shared_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
IN_A_MONTH = (TODAY + datetime.timedelta(days=30)).isoformat()
IN_30_DAYS = TODAY + datetime.timedelta(days=30)


def detail(rectification, move=None):
    if move:
        return reverse("naming:rectification-move", args=[rectification.pk, move])
    return reverse("naming:rectification-detail", args=[rectification.pk])


def test_the_office_opens_a_rectification_from_the_studio_page(as_person, managed):
    client = as_person(managed.org.official_a)
    washing = managed.studios.washing
    studio_page = client.get(reverse("studios:studio-detail", args=[washing.pk])).content
    link = f"{reverse('naming:rectification-create')}?studio={washing.pk}"
    assert link.encode() in studio_page
    form = client.get(link)
    assert form.context["form"]["studio"].value() == washing.pk
    body = {"studio_key": washing.code, "reason": "无成果", "plan": "限期整改", "deadline": ""}
    assert client.post(reverse("naming:rectification-create"), body).status_code == 400
    answer = client.post(reverse("naming:rectification-create"), {**body, "deadline": IN_A_MONTH})
    rectification = Rectification.objects.get(studio=washing)
    assert answer.status_code == 302 and answer.url == detail(rectification)


def rectification_opened(office, studio) -> bool:
    """Whether `rectification_open` takes `studio` from `office` (rolled back)."""

    def call():
        services.rectification_open(
            by=office, studio=studio, reason="无成果", plan="限期整改", deadline=IN_30_DAYS
        )

    return takes(call, ValidationError, PermissionDenied, Conflict)


@pytest.mark.parametrize("office", ["official_a", "group_official", "admin"])
def test_every_studio_offered_is_put_under_rectification_and_every_other_refused(
    as_person, managed, office
):
    """Each studio the official may see, looked up by code in the form's
    studio picker, is offered if and only if the rectification then takes it:
    named or established studios of their units, not under one already (the
    dust studio is); company B's turbine studio is named, seen by all, and
    company A's official is not its office."""
    office = getattr(managed.org, office)
    client = as_person(office)
    html = client.get(reverse("naming:rectification-create")).content.decode()
    address = picker_of(html, "studio")
    assert address == reverse("picker-search", args=["rectifiable-studios"])
    verdicts = {}
    for studio in studios_visible_to(office).order_by("code"):
        found = client.get(address, {"q": studio.code}).json()["results"]
        shown = studio.code in [row["key"] for row in found]
        verdicts[studio.code] = (shown, rectification_opened(office, studio))
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert verdicts["A1-WASH"] == (True, True)
    assert verdicts["A1-DUST"] == (False, False)
    theirs = office != managed.org.official_a
    assert verdicts["B1-TURB"] == (theirs, theirs)


def test_the_detail_page_offers_the_decision_only_to_the_office_after_the_deadline(
    as_person, managed
):
    rectification, org = managed.rectification, managed.org
    office = as_person(org.official_a)
    before = office.get(detail(rectification)).content.decode()
    assert 'data-testid="decided-after-deadline"' in before and "close-form" not in before
    deadline_passed(rectification)
    after = office.get(detail(rectification)).content.decode()
    assert 'data-testid="close-form"' in after and 'data-testid="delist-form"' in after
    studio_side = as_person(managed.studios.lead_a).get(detail(rectification)).content.decode()
    assert "三个月内完成两项技术攻关" in studio_side and "delist-form" not in studio_side
    assert as_person(org.worker_a).get(detail(rectification)).status_code == 404


def test_a_move_is_made_from_its_form_and_a_refused_one_explained(as_person, managed):
    rectification = managed.rectification
    deadline_passed(rectification)
    office = as_person(managed.org.official_a)
    refused = office.post(detail(rectification, "delist"), {"reason": ""})
    assert refused.status_code == 400
    assert office.post(detail(rectification, "close"), {"note": "完成攻关"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.CLOSED_IMPROVED
    late = office.post(detail(rectification, "delist"), {"reason": "无成果"})
    assert late.status_code == 400 and "alert-danger" in late.content.decode()
    assert as_person(managed.studios.lead_a).post(detail(rectification, "close")).status_code == 403


def test_a_delisted_studio_keeps_its_titles_on_its_page_marked_revoked(as_person, managed):
    deadline_passed(managed.rectification)
    office = as_person(managed.org.official_a)
    delisted = office.post(detail(managed.rectification, "delist"), {"reason": "期满无成果"})
    assert delisted.status_code == 302
    page = office.get(reverse("studios:studio-detail", args=[managed.studios.dust.pk]))
    assert page.content.decode().count('data-testid="honour-revoked"') == 2


def test_the_reason_a_title_was_revoked_is_shown_to_the_studios_insiders_only(as_person, managed):
    # given the dust studio de-listed, then named again on a new list: public again
    org, dust = managed.org, managed.studios.dust
    studio_services.studio_delist(studio_id=dust.pk, by=org.official_a, reason="期满无成果")
    again = studio_services.recognition_list_create(
        by=org.group_official,
        title="重新命名",
        level=RecognitionList.Level.ENTERPRISE,
        conferred_by="集团工会",
        year=TODAY.year,
        total_named=10,
    )
    studio_services.honour_create(by=org.group_official, recognition_list=again, studio=dust)
    page_url = reverse("studios:studio-detail", args=[dust.pk])
    # then everyone sees which titles were revoked, only insiders why
    public = as_person(org.worker_b).get(page_url).content.decode()
    assert public.count('data-testid="honour-revoked"') == 2
    assert "期满无成果" not in public
    for insider in (org.official_a, managed.studios.member_a):
        assert "期满无成果" in as_person(insider).get(page_url).content.decode()


def test_the_office_records_a_re_review_from_the_list(as_person, managed):
    client = as_person(managed.org.official_b)
    page = client.get(reverse("naming:re-review-list")).content.decode()
    turbine = managed.studios.turbine
    assert f'data-testid="due-{turbine.code}"' in page
    record = reverse("naming:re-review-record", args=[turbine.pk])
    prefix = f"s{turbine.pk}-"
    no_plan = client.post(record, {f"{prefix}outcome": "rectify", f"{prefix}reason": "成果少"})
    assert no_plan.status_code == 400
    assert client.post(record, {f"{prefix}outcome": "kept"}).status_code == 302
    assert ReReview.objects.get(studio=turbine).outcome == ReReview.Outcome.KEPT
    again = client.get(reverse("naming:re-review-list")).content.decode()
    assert f"due-{turbine.code}" not in again


@pytest.mark.parametrize(
    ("outcome", "missing"), [("rectify", {"reason", "plan", "deadline"}), ("delist", {"reason"})]
)
def test_a_refused_re_review_names_every_field_its_outcome_needs(
    as_person, managed, outcome, missing
):
    turbine = managed.studios.turbine
    record = reverse("naming:re-review-record", args=[turbine.pk])
    answer = as_person(managed.org.official_b).post(record, {f"s{turbine.pk}-outcome": outcome})
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert set(errors) == missing
    html = answer.content.decode()
    assert all(escape(errors[field][0]) in html for field in missing)
    assert not ReReview.objects.filter(studio=turbine).exists()


def test_the_studio_page_shows_its_naming_panel_to_insiders(as_person, managed):
    dust = reverse("studios:studio-detail", args=[managed.studios.dust.pk])
    lead_view = as_person(managed.studios.lead_a).get(dust).content.decode()
    assert 'data-testid="panel-rectification"' in lead_view
    assert 'data-testid="open-rectification"' not in lead_view
    turbine = reverse("studios:studio-detail", args=[managed.studios.turbine.pk])
    # A named studio's page is public; its rectifications and re-reviews are not.
    public = as_person(managed.org.worker_a).get(turbine).content.decode()
    assert 'data-testid="naming-panel"' not in public
    office = as_person(managed.org.official_b).get(turbine).content.decode()
    assert 'data-testid="open-rectification"' in office


# --- Query counts -------------------------------------------------------------------


@shared_data(needs=("managed",))
def many_managed(built):
    """25 more named studios in plant B1, named ten years ago, each with a
    rectification closed last year and last year's re-review: all due again."""
    world = built.get("managed")
    org = world.org
    studios = Studio.objects.bulk_create(
        Studio(
            name=f"检修{index}",
            code=f"B1-M{index:02d}",
            kind=Studio.Kind.EMPLOYEE,
            leader=org.worker_b,
            org_unit=org.plant_b1,
            speciality="检修",
            founded_on=datetime.date(2012, 1, 1),
            status=Studio.Status.NAMED,
        )
        for index in range(25)
    )
    old = RecognitionList.objects.create(
        title="十年前",
        level=RecognitionList.Level.ENTERPRISE,
        conferred_by="集团工会",
        year=TODAY.year - 10,
        total_named=30,
        org_unit=org.group,
    )
    Honour.objects.bulk_create(Honour(recognition_list=old, studio=s) for s in studios)
    Rectification.objects.bulk_create(
        Rectification(
            studio=studio,
            status=Rectification.Status.CLOSED_IMPROVED,
            reason="无成果",
            plan="整改",
            opened_on=TODAY - datetime.timedelta(days=400),
            deadline=TODAY - datetime.timedelta(days=300),
            opened_by=org.group_official,
        )
        for studio in studios
    )
    ReReview.objects.bulk_create(
        ReReview(studio=s, year=TODAY.year - 1, outcome="kept", decided_by=org.official_b)
        for s in studios
    )
    return world


LISTS = [
    ListCase("/api/v1/rectifications/", 4, viewer="group_official"),
    ListCase("/api/v1/re-reviews/", 4, viewer="official_b"),
    ListCase("/api/v1/re-reviews/due/", 4, viewer="official_b"),
    ListCase("naming:rectification-list", 6, viewer="group_official"),
    ListCase("naming:re-review-list", 7, viewer="official_b"),
]


@each_list(LISTS)
def test_every_management_list_takes_the_same_queries_at_any_page_size(
    lists, many_managed, case, page_size
):
    lists.read(case, many_managed, page_size)

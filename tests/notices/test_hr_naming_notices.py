# ruff: noqa: F811  (the naming fixtures are imported, then asked for by name)
"""The HR import and naming kinds, made through their real services: who is
told (in the app and by mail) and who is not; the import's office hears
through its unit's messenger robot (docs/notices.md)."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import services as account_services
from hr import services as hr_services
from naming import services as naming_services
from naming.models import NamingApplication
from notices.models import Delivery, Notice
from tests.hr.imports import (  # noqa: F401 (media_root: uploads in a folder of the test)
    PEOPLE_HEADER,
    applied,
    csv_file,
    media_root,
    person_row,
    previewed,
)
from tests.naming.conftest import bring, naming_calls, notice_over  # noqa: F401

pytestmark = pytest.mark.django_db
Status = NamingApplication.Status


@pytest.fixture(autouse=True)
def _nothing_told_yet(db):
    """The shared levels are built through the services, which tell people
    about them; each test starts from no notice (rolled back after it)."""
    Notice.objects.all().delete()


def told(kind) -> list[str]:
    return sorted(Notice.objects.filter(kind=kind).values_list("recipient__employee_no", flat=True))


def with_address(person):
    person.email = f"{person.employee_no}@example.com"
    person.save(update_fields=["email"])
    return person


@pytest.fixture
def hooks(org, robot):
    """Company A's and company B's robots: an import in company A posts to A's only."""
    for official, unit in ((org.official_a, org.company_a), (org.official_b, org.company_b)):
        account_services.unit_webhook_set(by=official, org_unit=unit, kind="wecom", url=robot.url)
    return robot


# ── HR imports ──────────────────────────────────────────────────────────────


def _upload():
    return csv_file(PEOPLE_HEADER, [person_row("N0001", "新员工", "A101")])


def test_the_uploader_hears_the_preview_and_the_apply_by_mail_and_the_units_robot(
    org, smtp, hooks, media_root, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    official = with_address(org.official_a)
    with_address(org.official_b), with_address(org.group_official)
    run = previewed(official, _upload(), capture=capture)
    assert run.status == run.Status.PREVIEW_READY
    run = applied(official, run, capture=capture)
    assert run.status == run.Status.APPLIED
    # The uploader, twice (preview ready, applied); not the group's office nor
    # company B's, nor the person the file added.
    assert told("hr.import_ready") == ["official_a", "official_a"]
    notice = Notice.objects.filter(kind="hr.import_ready").latest("pk")
    assert notice.text == "导入“people.csv”的状态：已导入。"
    assert notice.url == reverse("hr:import-detail", args=[run.pk])
    assert [mail.to for mail in smtp.mails] == [["official_a@example.com"]] * 2
    assert smtp.mails[-1].subject == "[创新工作室] 导入已就绪"
    assert "导入“people.csv”的状态：已导入。" in smtp.mails[-1].body
    # Company A's robot only (one post per notice), never company B's.
    assert Delivery.objects.filter(channel="webhook").count() == 2
    assert {d.webhook.org_unit_id for d in Delivery.objects.filter(channel="webhook")} == {
        org.company_a.pk
    }
    assert len(hooks.posts) == 2
    assert "people.csv" in hooks.posts[-1].json["text"]["content"]


def test_an_import_failing_for_good_tells_the_uploader_alone(
    org, smtp, media_root, django_capture_on_commit_callbacks
):
    official = with_address(org.official_a)
    with django_capture_on_commit_callbacks(execute=False):
        run = hr_services.import_request(by=official, kind="people", upload=_upload())
    attempt = 0
    while attempt is not None and attempt < settings.REPORT_MAX_ATTEMPTS:
        attempt = hr_services.import_claim(run_id=run.pk, phase="preview")
        with django_capture_on_commit_callbacks(execute=True):
            if attempt == 1:
                hr_services.import_fail(run_id=run.pk, attempt=attempt, error="坏文件")
    assert told("hr.import_failed") == ["official_a"]
    [mail] = smtp.mails
    assert (mail.to, mail.subject) == (["official_a@example.com"], "[创新工作室] 导入失败")


# ── Naming ─────────────────────────────────────────────────────────────────


def test_the_applicant_hears_the_decision_by_mail_not_the_office_that_made_it(
    naming_calls, bring, smtp, django_capture_on_commit_callbacks
):
    org = naming_calls.studios.org
    lead = with_address(naming_calls.studios.lead_a)
    with_address(org.group_official), with_address(org.official_a)
    application = bring(Status.PUBLIC_NOTICE)
    Notice.objects.all().delete()
    notice_over(application)
    with django_capture_on_commit_callbacks(execute=True):
        naming_services.naming_application_decide(
            application_id=application.pk, by=org.group_official, outcome=Status.NAMED
        )
    # The applicant (the dust studio's leader); not the official who decided,
    # not company A's office, not the expert, not an outsider.
    assert told("naming.application_decided") == [lead.employee_no]
    notice = Notice.objects.get()
    assert "粉尘" in notice.text and "已命名" in notice.text
    assert notice.url == reverse("naming:application-detail", args=[application.pk])
    [mail] = smtp.mails
    assert (mail.to, mail.subject) == ([lead.email], "[创新工作室] 命名申报已有结果")


def test_a_rejection_tells_the_applicant_with_the_reason(naming_calls, bring):
    org = naming_calls.studios.org
    application = bring(Status.SUBMITTED)
    Notice.objects.all().delete()
    naming_services.naming_application_decide(
        application_id=application.pk,
        by=org.group_official,
        outcome=Status.REJECTED,
        reason="成立不满三年",
    )
    assert told("naming.application_decided") == [naming_calls.studios.lead_a.employee_no]
    assert "成立不满三年" in Notice.objects.get().text


@pytest.mark.parametrize(
    ("reject", "kind"),
    [(False, "naming.application_returned"), (True, "naming.application_decided")],
)
def test_an_upheld_objection_tells_the_applicant_not_the_objector(
    naming_calls, bring, reject, kind
):
    org = naming_calls.studios.org
    application = bring(Status.PUBLIC_NOTICE)
    objection = naming_services.objection_lodge(
        by=org.worker_b, application=application, reason="成果数据有误"
    )
    Notice.objects.all().delete()
    naming_services.objection_decide(
        objection_id=objection.pk,
        by=org.group_official,
        upheld=True,
        reason="核查属实",
        reject=reject,
    )
    assert told(kind) == [naming_calls.studios.lead_a.employee_no]
    assert "核查属实" in Notice.objects.get().text
    assert not Notice.objects.filter(recipient=org.worker_b).exists()


def test_a_dismissed_objection_tells_nobody(naming_calls, bring):
    org = naming_calls.studios.org
    application = bring(Status.PUBLIC_NOTICE)
    objection = naming_services.objection_lodge(
        by=org.worker_b, application=application, reason="成果数据有误"
    )
    Notice.objects.all().delete()
    naming_services.objection_decide(
        objection_id=objection.pk, by=org.group_official, upheld=False, reason="经核实无误"
    )
    assert not Notice.objects.exists()


def test_each_expert_asked_to_score_hears_of_it_and_the_one_put_in_another_s_place(
    naming_calls, bring, smtp, django_capture_on_commit_callbacks
):
    org = naming_calls.studios.org
    expert, colleague = with_address(naming_calls.expert), with_address(org.colleague_a)
    with_address(org.group_official), with_address(naming_calls.studios.lead_a)
    application = bring(Status.RECOMMENDED)
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        naming_services.naming_experts_assign(
            application_id=application.pk, by=org.group_official, experts=[expert]
        )
    # The expert; not the office that asked, not the applicant.
    assert told("naming.expert_asked") == [expert.employee_no]
    notice = Notice.objects.get()
    assert notice.url == reverse("naming:application-detail", args=[application.pk])
    assert naming_calls.studios.dust.name in notice.text
    assert application.call.title in notice.text
    [mail] = smtp.mails
    assert mail.to == [expert.email]
    # Asked again: nobody is told twice; replaced: the one put in their place is.
    naming_services.naming_experts_assign(
        application_id=application.pk, by=org.group_official, experts=[expert]
    )
    naming_services.naming_expert_replace(
        application_id=application.pk,
        by=org.group_official,
        expert=expert,
        replacement=colleague,
        reason="专家因病住院。",
    )
    assert told("naming.expert_asked") == sorted([expert.employee_no, colleague.employee_no])

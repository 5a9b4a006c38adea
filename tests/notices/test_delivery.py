"""Mail and messenger delivery through real servers: the SMTP server and the
robot of tests/notices/conftest.py."""

import logging

import pytest
from django.urls import reverse

from accounts import services as account_services
from notices import services
from notices.models import Delivery, Notice, NoticePreference

pytestmark = pytest.mark.django_db


def tell(person, *, kind="showcase.story_published", title="井下粉尘治理", **extra):
    return services.notify(
        kind=kind,
        recipients=[person],
        text_params={"title": title, "reason": "补充数据"},
        url="/showcase/stories/7/",
        **extra,
    )


@pytest.fixture
def worker(org):
    org.worker_a.email = "worker_a@example.com"
    org.worker_a.save(update_fields=["email"])
    return org.worker_a


def test_a_notice_reaches_the_smtp_server_with_a_chinese_subject_and_its_link(
    smtp, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tell(worker)
    [mail] = smtp.mails
    assert mail.to == ["worker_a@example.com"]
    assert mail.subject == "[创新工作室] 故事已发布"
    assert "你的作品《井下粉尘治理》已发布。" in mail.body
    assert "http://localhost:8000/showcase/stories/7/" in mail.body
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_a_server_that_refuses_once_gets_the_mail_once_on_the_retry(
    smtp, worker, django_capture_on_commit_callbacks
):
    smtp.refuse = 1
    with django_capture_on_commit_callbacks(execute=True):
        tell(worker)
    assert smtp.refused == 1
    assert len(smtp.mails) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)


def test_a_mail_refused_every_time_fails_after_the_allowed_attempts(
    smtp, worker, settings, django_capture_on_commit_callbacks
):
    smtp.refuse = 100
    with django_capture_on_commit_callbacks(execute=True):
        tell(worker)
    delivery = Delivery.objects.get()
    assert smtp.refused == settings.NOTICE_MAX_ATTEMPTS
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 4)
    assert smtp.mails == []


def test_a_sent_delivery_is_never_sent_again(smtp, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell(worker)
    services.emails_send(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert len(smtp.mails) == 1


def test_people_without_an_address_or_who_turned_the_kind_off_get_no_mail(
    smtp, org, worker, django_capture_on_commit_callbacks
):
    NoticePreference.objects.create(
        person=worker, kind="showcase.story_published", channel="email", cadence="off"
    )
    with django_capture_on_commit_callbacks(execute=True):
        tell(worker)
        tell(org.colleague_a)
    assert smtp.mails == []
    assert Notice.objects.count() == 2  # both still see it in the app


def test_ten_notices_for_the_digest_make_one_mail(smtp, worker, django_capture_on_commit_callbacks):
    NoticePreference.objects.create(
        person=worker, kind="showcase.story_published", channel="email", cadence="digest"
    )
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(10):
            tell(worker, title=f"作品{number}")
    assert smtp.mails == []
    assert services.digests_send() == 1
    assert services.digests_send() == 0  # beat running twice sends nothing more
    [mail] = smtp.mails
    assert mail.subject == "[创新工作室] 今天的通知（10 条）"
    assert all(f"《作品{number}》" in mail.body for number in range(10))


def test_a_reminder_sent_twice_with_its_key_is_one_notice(worker):
    assert len(tell(worker, once_key="review-due:7")) == 1
    assert tell(worker, once_key="review-due:7") == []
    assert Notice.objects.filter(recipient=worker).count() == 1


# ── the unit's messenger robot ──────────────────────────────────────────────


@pytest.fixture
def office_hook(org, robot):
    return account_services.unit_webhook_set(
        by=org.official_a, org_unit=org.company_a, kind="wecom", url=robot.url
    )


def test_an_office_notice_is_posted_as_json_to_the_nearest_units_robot(
    org, robot, office_hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            kind="apprenticeships.pairing_at_risk",
            recipients=[org.official_a],
            text_params={"mentor": "张师傅", "apprentice": "李徒弟", "since": "2026-11-01"},
            url="/apprenticeships/3/",
            office_unit=org.team_a101,
        )
    [post] = robot.posts
    assert post.path.endswith("key=s3cret-robot-key")
    assert post.json["msgtype"] == "text"
    assert "张师傅" in post.json["text"]["content"]
    assert "http://localhost:8000/apprenticeships/3/" in post.json["text"]["content"]
    office_hook.refresh_from_db()
    assert office_hook.last_sent_at is not None


def test_a_failing_robot_is_tried_a_bounded_number_of_times_and_the_office_sees_it(
    org, robot, office_hook, settings, caplog, api, django_capture_on_commit_callbacks
):
    robot.failing = True
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        services.notify(
            kind="competitions.review_overdue_office",
            recipients=[org.official_a],
            text_params={"code": "A-2026-001", "due": "2026-11-30"},
            office_unit=org.mine_a1,
        )
    assert len(robot.posts) == settings.NOTICE_MAX_ATTEMPTS
    delivery = Delivery.objects.get(channel="webhook")
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 4)
    api.force_authenticate(org.official_a)
    [hook] = api.get("/api/v1/unit-webhooks/").json()["results"]
    assert (hook["failures"], hook["last_error"]) == (4, "HTTP 500")
    assert "s3cret" not in caplog.text
    assert "s3cret" not in str(api.get("/api/v1/unit-webhooks/").content)


def test_a_notice_for_a_unit_without_a_robot_is_posted_nowhere(org, robot, office_hook):
    services.notify(
        kind="competitions.review_overdue_office",
        recipients=[org.official_b],
        text_params={"code": "B-2026-001", "due": "2026-11-30"},
        office_unit=org.team_b101,
    )
    assert not Delivery.objects.filter(channel="webhook").exists()


def test_the_notice_page_link_opens_the_record(org, worker, as_person):
    [notice] = tell(worker)
    response = as_person(worker).post(reverse("notices:notice-open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/showcase/stories/7/"

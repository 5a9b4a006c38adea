"""The bulk path for announcements and sweeps (`notify_all`): the same rules as
`notify` in one INSERT … SELECT (docs/notices.md; bench/test_notices.py times it)."""

import pytest

from accounts.models import User
from notices import services
from notices.models import Delivery, Notice, NoticePreference

pytestmark = pytest.mark.django_db
KIND = "showcase.story_published"


@pytest.fixture
def company_a(org):
    """Company A's people, with addresses, but one of them inactive."""
    people = User.objects.filter(org_unit__path__startswith=org.company_a.path)
    for person in people:
        person.email = f"{person.employee_no}@example.com"
        person.save(update_fields=["email"])
    User.objects.filter(pk=org.colleague_a.pk).update(is_active=False)
    return people


def announce(people, org, **extra):
    return services.notify_all(
        kind=KIND,
        people=people,
        text_params={"title": "年度表彰"},
        url="/showcase/stories/1/",
        actor=org.official_a,
        **extra,
    )


def test_everyone_in_the_queryset_is_told_but_the_actor_and_the_inactive(
    org, company_a, smtp, django_capture_on_commit_callbacks
):
    NoticePreference.objects.create(person=org.worker_a, kind=KIND, channel="email", cadence="off")
    with django_capture_on_commit_callbacks(execute=True):
        assert announce(company_a, org) == len(
            company_a.filter(is_active=True).exclude(pk=org.official_a.pk)
        )
    told = set(Notice.objects.filter(kind=KIND).values_list("recipient__employee_no", flat=True))
    assert "worker_a" in told
    assert not told & {"official_a", "colleague_a", "worker_b", "official_b"}
    notice = Notice.objects.get(kind=KIND, recipient=org.worker_a)
    assert (notice.text, notice.url) == ("你的作品《年度表彰》已发布。", "/showcase/stories/1/")
    # The mails went out after commit; worker_a turned the kind off (in the app only).
    mailed = {to for mail in smtp.mails for to in mail.to}
    assert mailed == {f"{no}@example.com" for no in told - {"worker_a"}}
    assert not Delivery.objects.filter(notice=notice).exists()


def test_a_sweep_run_twice_with_its_key_tells_each_person_once(org, company_a):
    first = announce(company_a, org, once_key="announce:2026")
    assert first > 0
    assert announce(company_a, org, once_key="announce:2026") == 0
    assert Notice.objects.filter(once_key="announce:2026").count() == first


def test_a_person_who_chose_the_digest_waits_for_it(org, company_a):
    NoticePreference.objects.create(
        person=org.worker_a, kind=KIND, channel="email", cadence="digest"
    )
    User.objects.filter(pk=org.colleague_a.pk).update(is_active=True)
    announce(company_a, org)
    statuses = dict(
        Delivery.objects.values_list("notice__recipient__employee_no", "status").filter(
            notice__kind=KIND
        )
    )
    assert statuses == {"worker_a": Delivery.Status.DIGEST, "colleague_a": Delivery.Status.QUEUED}

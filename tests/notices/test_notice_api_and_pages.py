"""The notices API and pages: each person sees, reads and sets only their own;
unit webhooks for officials over their own units, the URL never shown back."""

import pytest
from django.urls import reverse

from notices import services
from notices.models import Notice
from tests.api_answers import field_errors, ids, refused, results

pytestmark = pytest.mark.django_db
NOTICES = "/api/v1/notices/"


def tell(person, kind="showcase.story_published", **params):
    [notice] = services.notify(
        kind=kind,
        recipients=[person],
        text_params={"title": "粉尘", "reason": "补充", **params},
        url="/showcase/",
    )
    return notice


@pytest.fixture
def mine(org):
    """Two notices for worker_a (one read), one for colleague_a."""
    first = tell(org.worker_a)
    services.notice_mark_read(notice_id=first.pk, by=org.worker_a)
    return {
        "read": first,
        "unread": tell(org.worker_a, kind="showcase.story_returned"),
        "theirs": tell(org.colleague_a),
    }


def test_the_list_holds_ones_own_notices_unread_first_with_their_record(api, org, mine):
    api.force_authenticate(org.worker_a)
    rows = results(api.get(NOTICES))
    assert [row["id"] for row in rows] == [mine["unread"].pk, mine["read"].pk]
    assert set(rows[0]) == {"id", "kind", "text", "record", "created_at", "read_at"}
    assert rows[0]["text"] == "你的作品《粉尘》被退回：补充"
    assert rows[0]["record"] == {"type": "", "id": None, "url": "/showcase/"}
    assert ids(api.get(NOTICES, {"unread": "true"})) == {mine["unread"].pk}
    assert ids(api.get(NOTICES, {"kind": "showcase.story_published"})) == {mine["read"].pk}


@pytest.mark.parametrize("role", ["colleague_a", "official_a", "group_official", "admin"])
def test_someone_elses_notice_is_a_404_for_every_role(api, org, mine, role):
    api.force_authenticate(getattr(org, role))
    notice = mine["unread"]
    refused(api.get(f"{NOTICES}{notice.pk}/"), 404)
    refused(api.post(f"{NOTICES}{notice.pk}/read/"), 404)
    assert notice.pk not in ids(api.get(NOTICES))
    Notice.objects.get(pk=notice.pk, read_at__isnull=True)


def test_read_and_read_all_touch_only_ones_own(api, org, mine):
    api.force_authenticate(org.worker_a)
    answer = api.post(f"{NOTICES}{mine['unread'].pk}/read/")
    assert answer.status_code == 200 and answer.json()["read_at"]
    api.force_authenticate(org.colleague_a)
    assert api.post(f"{NOTICES}read-all/").json() == {"marked": 1}
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_a_bad_filter_is_a_400(api, org, mine):
    api.force_authenticate(org.worker_a)
    field_errors(api.get(NOTICES, {"kind": "nobody.knows"}))


def test_preferences_are_read_and_set_and_bad_ones_refused(api, org):
    api.force_authenticate(org.worker_a)
    rows = api.get("/api/v1/notice-preferences/").json()
    assert {row["cadence"] for row in rows} == {"instant"}
    choice = {"kind": "showcase.story_returned", "channel": "email", "cadence": "digest"}
    answer = api.put("/api/v1/notice-preferences/", [choice], format="json")
    assert answer.status_code == 200
    [row] = [r for r in answer.json() if r["kind"] == "showcase.story_returned"]
    assert row["cadence"] == "digest"
    bad = {**choice, "kind": "nobody.knows"}
    assert api.put("/api/v1/notice-preferences/", [bad], format="json").status_code == 400
    wrong_channel = {**choice, "channel": "webhook"}
    assert api.put("/api/v1/notice-preferences/", [wrong_channel], format="json").status_code == 400


# ── unit webhooks ────────────────────────────────────────────────────────────

WEBHOOKS = "/api/v1/unit-webhooks/"
SECRET_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=s3cret-key-abcd"


def test_an_official_sets_their_units_robot_and_never_sees_the_url_again(api, org):
    api.force_authenticate(org.official_a)
    answer = api.post(WEBHOOKS, {"org_unit_id": org.mine_a1.pk, "kind": "wecom", "url": SECRET_URL})
    assert answer.status_code == 201, answer.content
    assert "s3cret" not in answer.content.decode()
    assert answer.json()["url_hint"] == "qyapi.weixin.qq.com/…abcd"
    assert "s3cret" not in api.get(WEBHOOKS).content.decode()
    api.force_authenticate(org.official_b)
    assert results(api.get(WEBHOOKS)) == []
    refused(api.delete(f"{WEBHOOKS}{answer.json()['id']}/"), 404)


@pytest.mark.parametrize(
    "url",
    [
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",  # not https
        "https://169.254.169.254/latest/meta-data",  # an internal address
        "https://qyapi.weixin.qq.com.evil.example/x",
        "https://user:pw@oapi.dingtalk.com/robot/send",
        "not a url at all",
    ],
)
def test_only_the_messengers_robot_hosts_over_https_are_accepted(api, org, url):
    api.force_authenticate(org.official_a)
    errors = field_errors(
        api.post(WEBHOOKS, {"org_unit_id": org.company_a.pk, "kind": "dingtalk", "url": url})
    )
    assert url not in str(errors)


def test_a_worker_may_not_set_a_robot_and_an_official_not_outside_their_units(api, org):
    api.force_authenticate(org.worker_a)
    payload = {"org_unit_id": org.team_a101.pk, "kind": "wecom", "url": SECRET_URL}
    refused(api.post(WEBHOOKS, payload), 403)
    refused(api.get(WEBHOOKS), 403)
    api.force_authenticate(org.official_b)
    field_errors(api.post(WEBHOOKS, payload))


# ── pages ────────────────────────────────────────────────────────────────────


def test_every_page_loads_the_bell_which_counts_unread_notices(
    as_person, org, mine, django_assert_max_num_queries
):
    worker = as_person(org.worker_a)
    page = worker.get(reverse("notices:notice-list"))
    assert page.status_code == 200
    html = page.content.decode()
    # The page asks for its bell after it has loaded: no page pays for the count.
    assert f'hx-get="{reverse("notices:bell")}"' in html
    assert "你的作品《粉尘》被退回：补充" in html
    assert "colleague" not in html
    with django_assert_max_num_queries(3):  # the session, the person, the count
        bell = worker.get(reverse("notices:bell"))
    assert 'data-testid="notice-count">1<' in bell.content.decode()
    assert bell["Cache-Control"] == "private, no-store"
    other = as_person(org.colleague_a).get(reverse("notices:bell"))
    assert 'data-testid="notice-count">1<' in other.content.decode()


def bell_link(html: str) -> str:
    """The navigation's bell: its `<a>`, from the tag to its end."""
    at = html.index('data-testid="notice-bell"')
    return html[html.rindex("<a ", 0, at) : html.index("</a>", at)]


def test_the_bell_is_drawn_without_an_emoji_font_and_named_for_screen_readers(as_person, org, mine):
    # An emoji shows as an empty box on PCs without an emoji font: the bell is
    # an inline drawing, hidden from screen readers, which read the link's name.
    worker = as_person(org.worker_a)
    placeholder = bell_link(worker.get(reverse("notices:notice-list")).content.decode())
    loaded = bell_link(worker.get(reverse("notices:bell")).content.decode())
    for bell in (placeholder, loaded):
        assert "<svg" in bell and 'aria-hidden="true"' in bell
        assert "\U0001f514" not in bell and "&#x1F514;" not in bell
    assert 'aria-label="通知"' in placeholder
    assert 'aria-label="通知：1 条未读"' in loaded
    assert 'data-testid="notice-count">1<' in loaded


def test_the_bell_is_for_people_signed_in(client):
    assert client.get(reverse("notices:bell")).status_code == 302


@pytest.mark.parametrize("action", ["notice-open", "notice-read"])
def test_someone_elses_notice_is_a_404_on_the_pages(as_person, org, mine, action):
    response = as_person(org.colleague_a).post(
        reverse(f"notices:{action}", args=[mine["unread"].pk])
    )
    assert response.status_code == 404


def test_mark_all_read_clears_the_bell(as_person, org, mine):
    client = as_person(org.worker_a)
    client.post(reverse("notices:read-all"))
    assert 'data-testid="notice-count"' not in client.get(reverse("notices:bell")).content.decode()


def test_the_preferences_page_saves_a_choice(as_person, org):
    client = as_person(org.worker_a)
    assert client.get(reverse("notices:preferences")).status_code == 200
    form = {"showcase.story_returned:email": "off"}
    assert client.post(reverse("notices:preferences"), form).status_code == 302
    assert org.worker_a.notice_preferences.get(kind="showcase.story_returned").cadence == "off"
    assert (
        client.post(
            reverse("notices:preferences"), {"showcase.story_returned:email": "x"}
        ).status_code
        == 400
    )

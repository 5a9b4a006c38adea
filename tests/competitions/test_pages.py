"""Five-small pages for every role (issue 5): the worker's phone form (saved as
they type, photos, submit), their status page and lists; the union office's
screening queue and its four outcomes, entry on a worker's behalf, campaign
setup and figures — the same rules as the API, through forms and htmx."""

import datetime
import io
import re
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image

from competitions import services
from competitions.models import AwardGrade, Campaign, Proposal, ProposalEvent
from core.attachments import attachments_of
from tests.competitions.conftest import COMPLETE

pytestmark = pytest.mark.django_db

HOME = reverse("competitions:home")
NEW = reverse("competitions:proposal-create")
SIMILAR = reverse("competitions:proposal-similar")
QUEUE = reverse("competitions:screening-queue")
MINE = reverse("competitions:my-proposals")
HTMX = {"HX-Request": "true"}

Status = Proposal.Status


# --- Helpers ------------------------------------------------------------------------


def zh(message: str, **values) -> str:
    """A message as the Chinese page shows it (HTML-escaped)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return escape(text % values if values else text)


def new_url(campaign, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"campaign": campaign.pk, **params}.items())
    return f"{NEW}?{query}"


def url(name, proposal) -> str:
    return reverse(f"competitions:{name}", args=[proposal.pk])


def form_data(action=None, draft_id="", **overrides):
    """What the phone form posts: the fields, the (empty) co-author rows, the draft id."""
    data = {
        **COMPLETE,
        "expected_benefit": str(COMPLETE["expected_benefit"]),
        "co_authors-TOTAL_FORMS": "0",
        "co_authors-INITIAL_FORMS": "0",
        "co_authors-MIN_NUM_FORMS": "0",
        "co_authors-MAX_NUM_FORMS": "20",
        "draft_id": draft_id,
        **overrides,
    }
    if action:
        data["action"] = action
    return {key: value for key, value in data.items() if value is not None}


def jpeg(name="现场照片.jpg") -> SimpleUploadedFile:
    """A tiny but real phone photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def events_of(proposal) -> list[tuple[str, str]]:
    return list(
        ProposalEvent.objects.filter(proposal=proposal).values_list("from_state", "to_state")
    )


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- The worker's front door --------------------------------------------------------


class TestHome:
    def test_worker_sees_the_open_campaign_button_and_their_proposals(
        self, as_person, org, campaigns, make_proposal
    ):
        mine = make_proposal(org.worker_a, title="皮带机托辊更换工具改进")
        make_proposal(org.colleague_a, title="井下喷雾降尘装置节水改造")

        response = as_person(org.worker_a).get(HOME)

        html = response.content.decode()
        assert response.status_code == 200
        assert list(response.context["open_campaigns"]) == [campaigns.open]
        assert f'href="{new_url(campaigns.open)}"' in html
        assert 'data-testid="start-proposal"' in html
        assert zh("Submit a small reform") in html
        assert list(response.context["my_proposals"]) == [mine]
        assert "皮带机托辊更换工具改进" in html
        assert "井下喷雾降尘装置节水改造" not in html
        # No union-office block for a worker.
        assert response.context["is_official"] is False
        assert QUEUE not in html

    def test_company_b_campaign_is_not_offered_in_company_a(self, as_person, org, campaigns):
        response = as_person(org.worker_b).get(HOME)
        assert set(response.context["open_campaigns"]) == {campaigns.open, campaigns.company_b}
        response = as_person(org.worker_a).get(HOME)
        assert campaigns.company_b not in response.context["open_campaigns"]

    def test_official_sees_the_queue_with_its_count(self, as_person, org, campaigns, make_proposal):
        make_proposal(org.worker_a)
        response = as_person(org.official_a).get(HOME)
        assert response.context["queue_count"] == 1
        assert QUEUE in response.content.decode()
        assert as_person(org.official_b).get(HOME).context["queue_count"] == 0

    def test_anonymous_is_sent_to_login(self, client, campaigns):
        for page in (HOME, NEW, MINE, QUEUE):
            response = client.get(page)
            assert response.status_code == 302
            assert reverse("accounts:login") in response.url


# --- Writing a proposal -------------------------------------------------------------


class TestNewProposalPage:
    def test_form_for_the_campaign_asked_for(self, as_person, org, campaigns):
        response = as_person(org.worker_a).get(NEW, {"campaign": campaigns.open.pk})
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["campaign"] == campaigns.open
        assert "author" not in response.context["form"].fields
        # the five categories, each with its one-line example
        assert html.count('name="category"') == 5
        assert 'capture="environment"' in html
        assert 'hx-post="' in html

    def test_the_only_open_campaign_is_taken_without_asking(self, as_person, org, campaigns):
        response = as_person(org.worker_a).get(NEW)
        assert response.status_code == 200
        assert response.context["campaign"] == campaigns.open

    def test_with_two_open_campaigns_the_worker_chooses(self, as_person, org, campaigns):
        response = as_person(org.worker_b).get(NEW)
        assert response.status_code == 200
        assert "competitions/choose_campaign.html" in [t.name for t in response.templates]
        assert set(response.context["campaigns"]) == {campaigns.open, campaigns.company_b}

    def test_a_campaign_of_another_company_is_404(self, as_person, org, campaigns):
        response = as_person(org.worker_a).get(NEW, {"campaign": campaigns.company_b.pk})
        assert response.status_code == 404


class TestSaveAndSubmit:
    def test_submit_creates_submits_and_shows_the_status_page(self, as_person, org, campaigns):
        client = as_person(org.worker_a)

        response = client.post(new_url(campaigns.open), form_data("submit"))

        proposal = Proposal.objects.get()
        assert response.status_code == 302
        assert response.url == url("proposal-detail", proposal)
        assert proposal.status == Status.SUBMITTED
        assert proposal.author == org.worker_a
        assert proposal.entered_by is None
        assert re.fullmatch(rf"{campaigns.open.year}-A101-\d{{4}}", proposal.code)
        assert proposal.title == COMPLETE["title"]
        assert proposal.goals == COMPLETE["goals"]
        assert proposal.expected_benefit == COMPLETE["expected_benefit"]
        assert message_levels(response) == ["success"]
        assert events_of(proposal) == [(Status.DRAFT, Status.SUBMITTED)]

        page = client.get(response.url)
        html = page.content.decode()
        assert proposal.code in html
        assert zh("Sent to the union office.") in html

    def test_save_keeps_a_draft_and_goes_to_its_edit_page(self, as_person, org, campaigns):
        response = as_person(org.worker_a).post(
            new_url(campaigns.open), form_data("save", improvement="")
        )

        proposal = Proposal.objects.get()
        assert response.status_code == 302
        assert response.url == url("proposal-edit", proposal)
        assert (proposal.status, proposal.code) == (Status.DRAFT, None)
        assert proposal.improvement == ""
        assert message_levels(response) == ["success"]
        assert events_of(proposal) == []

    def test_edit_page_shows_what_was_saved(self, as_person, org, make_proposal, media):
        draft = make_proposal(org.worker_a, submit=False)
        services.attachment_add(record=draft, by=org.worker_a, upload=jpeg())
        response = as_person(org.worker_a).get(url("proposal-edit", draft))
        html = response.content.decode()
        assert response.status_code == 200
        assert escape(COMPLETE["title"]) in html
        assert escape(COMPLETE["improvement"]) in html
        assert f'value="{draft.pk}"' in html
        assert 'data-testid="photo-thumb"' in html

    def test_missing_fields_on_submit_are_named_and_the_draft_is_kept(
        self, as_person, org, campaigns
    ):
        data = form_data("submit", category="", post="", improvement="")

        response = as_person(org.worker_a).post(new_url(campaigns.open), data)

        assert response.status_code == 400
        errors = response.context["form"].errors
        assert set(errors) == {"category", "post", "improvement"}
        html = response.content.decode()
        for field in ("category", "post", "improvement"):
            label = Proposal._meta.get_field(field).verbose_name
            assert zh("Fill in “%(field)s” before submitting.", field=label) in html
        # A summary at the top names what is still needed, so it is not missed on a phone.
        summary = html.split('data-testid="missing-summary"')[1].split("</div>\n  </div>")[0]
        assert summary.count("<li>") == 3
        proposal = Proposal.objects.get()
        assert (proposal.status, proposal.code, proposal.title) == (
            Status.DRAFT,
            None,
            COMPLETE["title"],
        )
        # The page now points at the saved draft, so the next try updates it.
        assert response.context["proposal"] == proposal
        assert f'name="draft_id" id="draft-id" value="{proposal.pk}"' in html

    def test_submit_before_the_window_opens_is_refused_and_nothing_is_submitted(
        self, as_person, org, campaigns
    ):
        response = as_person(org.worker_a).post(new_url(campaigns.upcoming), form_data("submit"))

        assert response.status_code == 400
        assert zh("Submissions have not opened yet.") in response.content.decode()
        assert not Proposal.objects.exclude(status=Status.DRAFT).exists()
        assert ProposalEvent.objects.count() == 0

    def test_submit_after_the_window_closed_is_refused_with_a_message(
        self, as_person, org, campaigns, make_proposal
    ):
        draft = make_proposal(org.worker_a, submit=False)
        Campaign.objects.filter(pk=campaigns.open.pk).update(
            closes_at=timezone.now() - datetime.timedelta(hours=1)
        )
        client = as_person(org.worker_a)

        response = client.post(url("proposal-submit", draft))

        assert response.status_code == 302
        assert response.url == url("proposal-detail", draft)
        assert message_texts(response) == [zh("The campaign has closed for submissions.")]
        draft.refresh_from_db()
        assert (draft.status, draft.code) == (Status.DRAFT, None)
        assert events_of(draft) == []

        # nor through the form's submit button
        response = client.post(url("proposal-edit", draft), form_data("submit"))
        assert response.status_code == 400
        assert zh("The campaign has closed for submissions.") in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_a_new_draft_in_a_closed_campaign_is_refused(self, as_person, org, campaigns):
        client = as_person(org.worker_a)
        response = client.post(new_url(campaigns.closed), form_data("save"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("competitions:home")
        assert zh("The campaign has closed for submissions.") in response.content.decode()
        assert not Proposal.objects.exists()

    def test_the_form_of_a_closed_campaign_is_not_offered(self, as_person, org, campaigns):
        response = as_person(org.worker_a).get(new_url(campaigns.closed))
        assert response.status_code == 302

    def test_submit_from_the_status_page(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False)
        response = as_person(org.worker_a).post(url("proposal-submit", draft))
        draft.refresh_from_db()
        assert response.url == url("proposal-detail", draft)
        assert draft.status == Status.SUBMITTED
        assert draft.code


class TestAutosave:
    def test_first_autosave_creates_a_draft_and_the_second_updates_it(
        self, as_person, org, campaigns
    ):
        client = as_person(org.worker_a)

        first = client.post(
            new_url(campaigns.open), form_data(title="皮带机托辊", improvement=""), headers=HTMX
        )

        draft = Proposal.objects.get()
        html = first.content.decode()
        assert first.status_code == 200
        assert "<html" not in html
        assert first["HX-Replace-Url"] == url("proposal-edit", draft)
        assert re.search(
            rf'<input type="hidden" name="draft_id" id="draft-id" value="{draft.pk}"'
            r' hx-swap-oob="true">',
            html,
        )
        assert 'id="save-status"' in html
        assert (draft.status, draft.title) == (Status.DRAFT, "皮带机托辊")

        second = client.post(
            new_url(campaigns.open),
            form_data(
                draft_id=str(draft.pk), title="皮带机托辊更换工具改进", improvement="专用扳手"
            ),
            headers=HTMX,
        )

        assert second.status_code == 200
        assert second["HX-Replace-Url"] == url("proposal-edit", draft)
        assert Proposal.objects.count() == 1
        draft.refresh_from_db()
        assert (draft.title, draft.improvement, draft.status) == (
            "皮带机托辊更换工具改进",
            "专用扳手",
            Status.DRAFT,
        )

    def test_autosave_on_the_edit_page_updates_the_draft(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False)
        response = as_person(org.worker_a).post(
            url("proposal-edit", draft),
            form_data(draft_id=str(draft.pk), post="主运输皮带机头"),
            headers=HTMX,
        )
        assert response.status_code == 200
        draft.refresh_from_db()
        assert draft.post == "主运输皮带机头"
        assert Proposal.objects.count() == 1

    def test_a_photo_in_the_autosave_becomes_an_attachment(self, as_person, org, campaigns, media):
        client = as_person(org.worker_a)

        response = client.post(
            new_url(campaigns.open), {**form_data(), "photo": jpeg()}, headers=HTMX
        )

        draft = Proposal.objects.get()
        attachment = attachments_of(draft).get()
        html = response.content.decode()
        assert response.status_code == 200
        assert attachment.is_image
        assert reverse("attachment-thumbnail", args=[attachment.pk]) in html
        assert 'id="proposal-photos"' in html
        # A fresh, empty photo input comes back so the photo is not sent again.
        assert re.search(r'<input type="file" name="photo"[^>]*hx-swap-oob="true"', html)

        # the next autosave (without a photo) keeps it, and adds no second one
        response = client.post(
            new_url(campaigns.open), form_data(draft_id=str(draft.pk)), headers=HTMX
        )
        assert attachments_of(draft).count() == 1
        assert reverse("attachment-thumbnail", args=[attachment.pk]) in response.content.decode()
        # nor does it empty the photo input: a photo picked while it was on its way
        # goes with the next save
        assert 'type="file"' not in response.content.decode()

    def test_a_file_that_is_not_a_photo_is_refused_and_the_text_still_saved(
        self, as_person, org, campaigns, media
    ):
        fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a photo", "image/jpeg")
        response = as_person(org.worker_a).post(
            new_url(campaigns.open), {**form_data(), "photo": fake}, headers=HTMX
        )
        draft = Proposal.objects.get()
        assert response.status_code == 200
        assert "text-danger" in response.content.decode()
        assert draft.title == COMPLETE["title"]
        assert not attachments_of(draft).exists()
        assert response["HX-Replace-Url"] == url("proposal-edit", draft)

    def test_a_bad_photo_on_a_normal_save_keeps_the_draft_and_says_why(
        self, as_person, org, campaigns, media
    ):
        fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a photo", "image/jpeg")
        response = as_person(org.worker_a).post(
            new_url(campaigns.open), {**form_data("submit"), "photo": fake}
        )
        draft = Proposal.objects.get()
        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
        assert (draft.status, draft.title) == (Status.DRAFT, COMPLETE["title"])

    def test_autosave_with_someone_elses_draft_id_is_404(
        self, as_person, org, campaigns, make_proposal
    ):
        theirs = make_proposal(org.colleague_a, submit=False)
        response = as_person(org.worker_a).post(
            new_url(campaigns.open), form_data(draft_id=str(theirs.pk), title="改掉"), headers=HTMX
        )
        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.title == COMPLETE["title"]
        assert Proposal.objects.count() == 1


class TestEditRules:
    def test_someone_elses_proposal_is_404(self, as_person, org, make_proposal):
        draft = make_proposal(org.colleague_a, submit=False)
        submitted = make_proposal(org.colleague_a, title="皮带机托辊更换工具改进")
        client = as_person(org.worker_a)
        for proposal in (draft, submitted):
            assert client.get(url("proposal-edit", proposal)).status_code == 404
            assert client.get(url("proposal-detail", proposal)).status_code == 404
            response = client.post(url("proposal-edit", proposal), form_data(title="改掉"))
            assert response.status_code == 404
        assert set(Proposal.objects.values_list("title", flat=True)) == {
            COMPLETE["title"],
            "皮带机托辊更换工具改进",
        }

    def test_a_submitted_proposal_is_not_changed_and_its_page_is_shown(
        self, as_person, org, make_proposal
    ):
        submitted = make_proposal(org.worker_a)
        client = as_person(org.worker_a)

        response = client.get(url("proposal-edit", submitted))
        assert response.status_code == 302
        assert response.url == url("proposal-detail", submitted)

        response = client.post(
            url("proposal-edit", submitted), form_data("submit", title="偷偷改标题")
        )
        assert response.status_code == 302
        assert response.url == url("proposal-detail", submitted)
        submitted.refresh_from_db()
        assert (submitted.title, submitted.status) == (COMPLETE["title"], Status.SUBMITTED)

    def test_a_returned_proposal_is_revised_and_submitted_again(
        self, as_person, org, make_proposal
    ):
        proposal = make_proposal(org.worker_a)
        code = proposal.code
        services.proposal_return(
            proposal_id=proposal.pk, by=org.official_a, comment="请补充节水数据"
        )
        client = as_person(org.worker_a)

        page = client.get(url("proposal-edit", proposal))
        assert page.status_code == 200
        assert "请补充节水数据" in page.content.decode()

        response = client.post(
            url("proposal-edit", proposal),
            form_data(
                "submit", draft_id=str(proposal.pk), expected_effect="节水四成，每年节水约两万吨。"
            ),
        )
        assert response.status_code == 302
        proposal.refresh_from_db()
        assert (proposal.status, proposal.code) == (Status.SUBMITTED, code)
        assert proposal.expected_effect == "节水四成，每年节水约两万吨。"


class TestAuthorActions:
    def test_delete_a_draft(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False)
        response = as_person(org.worker_a).post(url("proposal-delete", draft))
        assert response.status_code == 302
        assert response.url == MINE
        assert not Proposal.objects.filter(pk=draft.pk).exists()

    def test_a_submitted_proposal_is_not_deleted(self, as_person, org, make_proposal):
        submitted = make_proposal(org.worker_a)
        response = as_person(org.worker_a).post(url("proposal-delete", submitted))
        assert response.url == url("proposal-detail", submitted)
        assert message_levels(response) == ["error"]
        assert Proposal.objects.filter(pk=submitted.pk, status=Status.SUBMITTED).exists()

    def test_someone_else_cannot_delete_a_draft(self, as_person, org, make_proposal):
        draft = make_proposal(org.colleague_a, submit=False)
        assert as_person(org.worker_a).post(url("proposal-delete", draft)).status_code == 404
        assert Proposal.objects.filter(pk=draft.pk).exists()

    def test_withdraw(self, as_person, org, make_proposal):
        submitted = make_proposal(org.worker_a)
        response = as_person(org.worker_a).post(url("proposal-withdraw", submitted))
        submitted.refresh_from_db()
        assert response.url == url("proposal-detail", submitted)
        assert submitted.status == Status.WITHDRAWN
        assert events_of(submitted)[-1] == (Status.SUBMITTED, Status.WITHDRAWN)

    def test_a_draft_cannot_be_withdrawn(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False)
        response = as_person(org.worker_a).post(url("proposal-withdraw", draft))
        assert message_levels(response) == ["error"]
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_the_official_cannot_withdraw_for_the_author(self, as_person, org, make_proposal):
        submitted = make_proposal(org.worker_a)
        response = as_person(org.official_a).post(url("proposal-withdraw", submitted))
        assert response.status_code == 403
        submitted.refresh_from_db()
        assert submitted.status == Status.SUBMITTED

    def test_actions_are_post_only(self, as_person, org, make_proposal):
        submitted = make_proposal(org.worker_a)
        client = as_person(org.worker_a)
        for name in ("proposal-submit", "proposal-withdraw", "proposal-delete"):
            assert client.get(url(name, submitted)).status_code == 405


class TestStatusPage:
    def test_the_timeline_tells_the_return_comment_in_plain_words(
        self, as_person, org, make_proposal
    ):
        proposal = make_proposal(org.worker_a)
        services.proposal_return(
            proposal_id=proposal.pk, by=org.official_a, comment="请补充每月节水量的实测数据"
        )

        response = as_person(org.worker_a).get(url("proposal-detail", proposal))

        html = response.content.decode()
        assert response.status_code == 200
        timeline = html[html.index('data-testid="timeline"') :]
        assert zh("Started as a draft.") in timeline
        assert zh("Sent to the union office.") in timeline
        assert zh("Sent back to you to revise.") in timeline
        assert "请补充每月节水量的实测数据" in timeline
        assert zh("Please change it as asked below and submit it again.") in html
        # no status codes or jargon in the words the worker reads
        assert "returned" not in re.sub(r"<[^>]+>", "", timeline)
        assert url("proposal-edit", proposal) in html
        assert "screening-actions" not in html

    def test_official_sees_the_screening_outcomes_on_a_submitted_proposal(
        self, as_person, org, make_proposal
    ):
        proposal = make_proposal(org.worker_a)
        response = as_person(org.official_a).get(url("proposal-detail", proposal))
        html = response.content.decode()
        assert response.context["may_screen"] is True
        assert 'data-testid="screening-actions"' in html
        for name in ("proposal-screen", "proposal-return", "proposal-reject"):
            assert url(name, proposal) in html
        # the official reads it, but is not on the author's side
        assert response.context["is_author_side"] is False
        assert url("proposal-withdraw", proposal) not in html

    def test_official_of_another_company_gets_404(self, as_person, org, make_proposal):
        proposal = make_proposal(org.worker_a)
        assert as_person(org.official_b).get(url("proposal-detail", proposal)).status_code == 404

    def test_anyone_reads_an_awarded_proposal_without_the_authors_buttons(
        self, as_person, org, make_proposal
    ):
        awarded = make_proposal(org.worker_b, title="汽轮机叶片修复")
        Proposal.objects.filter(pk=awarded.pk).update(status=Status.AWARDED)
        response = as_person(org.worker_a).get(url("proposal-detail", awarded))
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["is_author_side"] is False
        assert url("proposal-withdraw", awarded) not in html
        assert url("proposal-edit", awarded) not in html
        assert "screening-actions" not in html

    def test_a_co_author_reads_it_but_does_not_edit_it(self, as_person, org, make_proposal):
        returned = make_proposal(org.worker_a, co_authors=[(org.colleague_a, 30)])
        services.proposal_return(proposal_id=returned.pk, by=org.official_a, comment="补充")
        client = as_person(org.colleague_a)
        assert client.get(url("proposal-detail", returned)).status_code == 200
        assert returned in client.get(MINE).context["proposals"]
        assert client.get(url("proposal-edit", returned)).status_code == 403
        assert client.post(url("proposal-submit", returned)).status_code == 403
        returned.refresh_from_db()
        assert returned.status == Status.RETURNED

    def test_the_authors_draft_is_not_the_co_authors_to_see(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False, co_authors=[(org.colleague_a, 30)])
        client = as_person(org.colleague_a)
        assert client.get(url("proposal-detail", draft)).status_code == 404
        assert draft not in client.get(MINE).context["proposals"]

    def test_official_does_not_see_a_workers_draft(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False)
        assert as_person(org.official_a).get(url("proposal-detail", draft)).status_code == 404


class TestSimilarTitles:
    def test_shows_a_near_duplicate_the_worker_may_see_and_never_someone_elses_in_progress(
        self, as_person, org, make_proposal
    ):
        own = make_proposal(org.worker_a, title="井下喷雾降尘装置的节水改进")
        others = make_proposal(org.colleague_a, title="井下喷雾降尘装置节水改造方案")
        unrelated = make_proposal(org.worker_a, title="皮带机托辊更换工具改进")

        response = as_person(org.worker_a).get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"})

        found = {proposal.pk for proposal in response.context["similar"]}
        html = response.content.decode()
        assert response.status_code == 200
        assert own.pk in found
        assert others.pk not in found
        assert unrelated.pk not in found
        assert "井下喷雾降尘装置的节水改进" in html
        assert "井下喷雾降尘装置节水改造方案" not in html
        assert url("proposal-detail", others) not in html

    def test_shows_an_awarded_proposal_of_anyone(self, as_person, org, make_proposal):
        awarded = make_proposal(org.worker_b, title="井下喷雾降尘装置节水改造方案")
        # (review and awards come with the second five-small issue)
        Proposal.objects.filter(pk=awarded.pk).update(status=Status.AWARDED)
        response = as_person(org.worker_a).get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"})
        assert [proposal.pk for proposal in response.context["similar"]] == [awarded.pk]
        assert url("proposal-detail", awarded) in response.content.decode()

    def test_the_draft_being_written_is_not_its_own_match(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False)
        response = as_person(org.worker_a).get(
            SIMILAR, {"title": COMPLETE["title"], "draft_id": draft.pk}
        )
        assert response.context["similar"] == []
        assert response.content.decode().strip() == ""

    def test_an_unrelated_title_finds_nothing(self, as_person, org, make_proposal):
        make_proposal(org.worker_a)
        response = as_person(org.worker_a).get(SIMILAR, {"title": "汽轮机叶片修复"})
        assert response.context["similar"] == []


# --- The union office: screening ----------------------------------------------------


@pytest.fixture
def submitted(org, make_proposal):
    """Submitted proposals in both companies, two of them near-duplicates in A,
    one with the same title in B; plus a draft and one already screened in A."""
    spray = make_proposal(org.worker_a, title="井下喷雾降尘装置节水改造")
    spray_again = make_proposal(org.colleague_a, title="井下喷雾降尘装置的节水改进")
    roller = make_proposal(org.colleague_a, title="皮带机托辊更换工具改进")
    spray_b = make_proposal(org.worker_b, title="井下喷雾降尘装置节水改造")
    draft = make_proposal(org.worker_a, submit=False, title="井下喷雾降尘装置节水")
    screened = make_proposal(org.worker_a, title="刮板输送机链条张紧装置")
    services.proposal_screen(proposal_id=screened.pk, by=org.official_a)
    return SimpleNamespace(
        spray=spray,
        spray_again=spray_again,
        roller=roller,
        spray_b=spray_b,
        draft=draft,
        screened=screened,
    )


class TestScreeningQueue:
    def test_official_sees_submitted_proposals_of_their_units_oldest_first(
        self, as_person, org, submitted
    ):
        response = as_person(org.official_a).get(QUEUE)
        assert response.status_code == 200
        assert [proposal for proposal, _similar in response.context["entries"]] == [
            submitted.spray,
            submitted.spray_again,
            submitted.roller,
        ]

    def test_official_of_company_b_sees_none_of_company_a(self, as_person, org, submitted):
        response = as_person(org.official_b).get(QUEUE)
        entries = dict(response.context["entries"])
        assert list(entries) == [submitted.spray_b]
        # nor among the similar proposals beside their own entry
        assert entries[submitted.spray_b] == []
        html = response.content.decode()
        assert "井下喷雾降尘装置的节水改进" not in html
        assert url("proposal-detail", submitted.spray) not in html

    def test_group_official_sees_every_company(self, as_person, org, submitted):
        response = as_person(org.group_official).get(QUEUE)
        assert {proposal for proposal, _ in response.context["entries"]} == {
            submitted.spray,
            submitted.spray_again,
            submitted.roller,
            submitted.spray_b,
        }

    def test_similar_proposals_are_beside_each_entry_with_one_click_duplicate(
        self, as_person, org, submitted
    ):
        response = as_person(org.official_a).get(QUEUE)
        entries = dict(response.context["entries"])
        assert [other.pk for other in entries[submitted.spray]] == [submitted.spray_again.pk]
        assert [other.pk for other in entries[submitted.spray_again]] == [submitted.spray.pk]
        assert entries[submitted.roller] == []
        # never the worker's draft, even with a near-identical title
        assert all(
            other.pk != submitted.draft.pk for others in entries.values() for other in others
        )
        html = response.content.decode()
        beside = html[html.index(f'data-testid="similar-for-{submitted.spray.pk}"') :]
        beside = beside[: beside.index("</ul>")]
        assert "井下喷雾降尘装置的节水改进" in beside
        assert url("proposal-mark-duplicate", submitted.spray) in beside
        assert f'name="duplicate_of" value="{submitted.spray_again.pk}"' in beside
        assert f'name="next" value="{QUEUE}"' in beside

    def test_return_or_reject_leads_to_the_screening_forms_on_the_proposal_page(
        self, as_person, org, submitted
    ):
        client = as_person(org.official_a)
        link = f"{url('proposal-detail', submitted.spray)}#screening"
        assert f'href="{link}"' in client.get(QUEUE).content.decode()
        page = client.get(url("proposal-detail", submitted.spray)).content.decode()
        assert re.search(r'<section[^>]* id="screening"', page)

    def test_filters_narrow_the_queue(self, as_person, org, submitted):
        response = as_person(org.group_official).get(QUEUE, {"org_unit": org.company_b.pk})
        assert [proposal for proposal, _ in response.context["entries"]] == [submitted.spray_b]
        response = as_person(org.group_official).get(QUEUE, {"search": "托辊"})
        assert [proposal for proposal, _ in response.context["entries"]] == [submitted.roller]

    def test_htmx_gets_only_the_results(self, as_person, org, submitted):
        response = as_person(org.official_a).get(QUEUE, {"search": "托辊"}, headers=HTMX)
        html = response.content.decode()
        assert "<html" not in html
        assert "皮带机托辊更换工具改进" in html

    @pytest.mark.parametrize("role", ["worker_a", "colleague_a", "worker_b"])
    def test_a_worker_gets_403(self, as_person, org, submitted, role):
        assert as_person(getattr(org, role)).get(QUEUE).status_code == 403


def screening_post(client, name, proposal, **data):
    return client.post(url(name, proposal), data)


# The outcomes that need more than a click, with what their form sends (given `submitted`).
OUTCOMES_WITH_A_FORM = [
    pytest.param("proposal-return", lambda _s: {"comment": "请补充"}, id="return"),
    pytest.param("proposal-reject", lambda _s: {"reason": "不符合"}, id="reject"),
    pytest.param(
        "proposal-mark-duplicate", lambda s: {"duplicate_of": s.spray_again.pk}, id="duplicate"
    ),
]


class TestScreeningOutcomes:
    def test_screen_from_the_queue_goes_back_to_the_queue(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a), "proposal-screen", submitted.spray, next=QUEUE
        )
        assert response.status_code == 302
        assert response.url == QUEUE
        assert message_levels(response) == ["success"]
        submitted.spray.refresh_from_db()
        assert submitted.spray.status == Status.UNDER_REVIEW
        event = submitted.spray.events.last()
        assert (event.from_state, event.to_state, event.actor) == (
            Status.SUBMITTED,
            Status.UNDER_REVIEW,
            org.official_a,
        )

    def test_screen_from_the_proposal_page_goes_back_to_it(self, as_person, org, submitted):
        response = screening_post(as_person(org.official_a), "proposal-screen", submitted.spray)
        assert response.url == url("proposal-detail", submitted.spray)

    def test_next_to_another_site_is_ignored(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a),
            "proposal-screen",
            submitted.spray,
            next="https://evil.example/phish",
        )
        assert response.url == url("proposal-detail", submitted.spray)

    def test_return_needs_a_comment(self, as_person, org, submitted):
        client = as_person(org.official_a)

        response = screening_post(client, "proposal-return", submitted.spray, comment="  ")

        assert response.status_code == 400
        assert "comment" in response.context["return_form"].errors
        html = response.content.decode()
        assert 'data-testid="screening-actions"' in html
        # the return form is open, so the official sees why
        assert re.search(r"<details[^>]*open>\s*<summary>", html)
        submitted.spray.refresh_from_db()
        assert submitted.spray.status == Status.SUBMITTED
        assert events_of(submitted.spray) == [(Status.DRAFT, Status.SUBMITTED)]

        response = screening_post(
            client, "proposal-return", submitted.spray, comment="请补充节水数据", next=QUEUE
        )
        assert response.url == QUEUE
        submitted.spray.refresh_from_db()
        assert submitted.spray.status == Status.RETURNED
        assert submitted.spray.events.last().note == "请补充节水数据"

    def test_reject_needs_a_reason(self, as_person, org, submitted):
        client = as_person(org.official_a)

        response = screening_post(client, "proposal-reject", submitted.roller, reason="")

        assert response.status_code == 400
        assert "reason" in response.context["reason_form"].errors
        submitted.roller.refresh_from_db()
        assert submitted.roller.status == Status.SUBMITTED

        screening_post(client, "proposal-reject", submitted.roller, reason="属于日常维修，不是革新")
        submitted.roller.refresh_from_db()
        assert submitted.roller.status == Status.NOT_ELIGIBLE
        assert submitted.roller.events.last().note == "属于日常维修，不是革新"
        page = as_person(org.colleague_a).get(url("proposal-detail", submitted.roller))
        assert "属于日常维修，不是革新" in page.content.decode()

    def test_mark_duplicate_in_one_click_from_the_queue(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a),
            "proposal-mark-duplicate",
            submitted.spray_again,
            duplicate_of=submitted.spray.pk,
            next=QUEUE,
        )
        assert response.status_code == 302
        assert response.url == QUEUE
        submitted.spray_again.refresh_from_db()
        assert submitted.spray_again.status == Status.DUPLICATE
        assert submitted.spray_again.duplicate_of == submitted.spray
        assert events_of(submitted.spray_again)[-1] == (Status.SUBMITTED, Status.DUPLICATE)
        # the author reads which one it repeats
        page = as_person(org.colleague_a).get(url("proposal-detail", submitted.spray_again))
        assert submitted.spray.code in page.content.decode()

    def test_mark_duplicate_of_a_proposal_outside_scope_is_400(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a),
            "proposal-mark-duplicate",
            submitted.spray,
            duplicate_of=submitted.spray_b.pk,
        )
        assert response.status_code == 400
        submitted.spray.refresh_from_db()
        assert (submitted.spray.status, submitted.spray.duplicate_of) == (Status.SUBMITTED, None)

    @pytest.mark.parametrize(("name", "data"), OUTCOMES_WITH_A_FORM)
    def test_a_second_outcome_is_refused_with_a_message(
        self, as_person, org, submitted, name, data
    ):
        # e.g. another official screened it while this one had the queue open
        response = screening_post(
            as_person(org.official_a), name, submitted.screened, **data(submitted)
        )
        assert response.status_code == 409
        assert message_levels(response) == ["error"]
        assert 'class="alert alert-danger' in response.content.decode()
        submitted.screened.refresh_from_db()
        assert submitted.screened.status == Status.UNDER_REVIEW
        assert len(events_of(submitted.screened)) == 2

    def test_a_second_screen_is_refused_with_a_message(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a), "proposal-screen", submitted.screened, next=QUEUE
        )
        assert response.url == QUEUE
        assert message_levels(response) == ["error"]
        assert len(events_of(submitted.screened)) == 2

    @pytest.mark.parametrize(
        ("name", "data"),
        [pytest.param("proposal-screen", lambda _s: {}, id="screen"), *OUTCOMES_WITH_A_FORM],
    )
    def test_workers_and_outsiders_cannot_screen(self, as_person, org, submitted, name, data):
        data = data(submitted)
        # the author sees it but does not screen it; others cannot see it at all
        for person, expected in [
            (org.worker_a, 403),
            (org.colleague_a, 404),
            (org.worker_b, 404),
            (org.official_b, 404),
        ]:
            response = screening_post(as_person(person), name, submitted.spray, **data)
            assert response.status_code == expected, person
        submitted.spray.refresh_from_db()
        assert submitted.spray.status == Status.SUBMITTED
        assert len(events_of(submitted.spray)) == 1

    def test_screening_is_post_only(self, as_person, org, submitted):
        client = as_person(org.official_a)
        for name in ("proposal-screen", "proposal-return", "proposal-reject"):
            assert client.get(url(name, submitted.spray)).status_code == 405


# --- Entry on a worker's behalf -------------------------------------------------------


class TestOnBehalf:
    def test_official_chooses_among_their_own_people(self, as_person, org, campaigns):
        response = as_person(org.official_a).get(
            NEW, {"campaign": campaigns.open.pk, "on_behalf": 1}
        )
        assert response.status_code == 200
        authors = set(response.context["form"].fields["author"].queryset)
        assert {org.worker_a, org.colleague_a} <= authors
        assert org.worker_b not in authors
        assert org.group_official not in authors
        html = response.content.decode()
        assert 'name="author"' in html
        assert "on_behalf=1" in html

    def test_entry_creates_a_proposal_entered_by_the_official(self, as_person, org, campaigns):
        client = as_person(org.official_a)

        response = client.post(
            new_url(campaigns.open, on_behalf=1), form_data("submit", author=org.colleague_a.pk)
        )

        proposal = Proposal.objects.get()
        assert response.status_code == 302
        assert (proposal.author, proposal.entered_by) == (org.colleague_a, org.official_a)
        assert proposal.status == Status.SUBMITTED
        assert proposal.code.startswith(f"{campaigns.open.year}-A102-")
        # the author sees it as theirs, with who typed it
        page = as_person(org.colleague_a).get(url("proposal-detail", proposal))
        assert page.status_code == 200
        assert org.official_a.full_name in page.content.decode()
        assert proposal in as_person(org.colleague_a).get(MINE).context["proposals"]

    def test_a_draft_entered_on_behalf_is_kept_and_edited_by_the_official(
        self, as_person, org, campaigns
    ):
        client = as_person(org.official_a)
        client.post(new_url(campaigns.open, on_behalf=1), form_data("save", author=org.worker_a.pk))
        draft = Proposal.objects.get()
        assert (draft.status, draft.entered_by) == (Status.DRAFT, org.official_a)
        response = client.post(
            url("proposal-edit", draft), form_data("save", draft_id=draft.pk, post="井下泵站")
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.post, draft.author) == ("井下泵站", org.worker_a)

    def test_a_person_outside_the_officials_units_is_400(self, as_person, org, campaigns):
        response = as_person(org.official_a).post(
            new_url(campaigns.open, on_behalf=1), form_data("submit", author=org.worker_b.pk)
        )
        assert response.status_code == 400
        assert "author" in response.context["form"].errors
        assert not Proposal.objects.exists()

    def test_a_worker_cannot_enter_for_someone_else(self, as_person, org, campaigns):
        client = as_person(org.worker_a)
        response = client.get(NEW, {"campaign": campaigns.open.pk, "on_behalf": 1})
        assert "author" not in response.context["form"].fields
        client.post(
            new_url(campaigns.open, on_behalf=1), form_data("save", author=org.colleague_a.pk)
        )
        assert Proposal.objects.get().author == org.worker_a


# --- Campaigns --------------------------------------------------------------------------


def campaign_data(org, *, criteria=None, grades=(), **overrides):
    now = timezone.localtime()
    if criteria is None:
        criteria = [("技术水平", 30), ("经济效益", 30), ("推广范围", 20), ("实用性", 20)]
    data = {
        "name": "2026 年 A 公司五小竞赛",
        "year": now.year,
        "org_unit": org.company_a.pk,
        "description": "面向一线职工征集五小成果。",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"),
        "review_deadline": (now + datetime.timedelta(days=90)).strftime("%Y-%m-%d"),
        "blind_review": "on",
        "min_reviews": 3,
        "criteria-TOTAL_FORMS": str(len(criteria)),
        # the page shows the rubric rows as initial rows (the default rubric when creating)
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "12",
        "grades-TOTAL_FORMS": str(len(grades)),
        "grades-INITIAL_FORMS": "0",
        "grades-MIN_NUM_FORMS": "0",
        "grades-MAX_NUM_FORMS": "6",
        **overrides,
    }
    for index, (name, points) in enumerate(criteria):
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-max_points"] = points
    for index, (grade, quota, amount) in enumerate(grades):
        data[f"grades-{index}-grade"] = grade
        data[f"grades-{index}-quota"] = "" if quota is None else quota
        data[f"grades-{index}-amount"] = amount
    return data


CAMPAIGN_NEW = reverse("competitions:campaign-create")


class TestCampaignForm:
    def test_new_campaign_page_starts_with_the_default_rubric(self, as_person, org):
        response = as_person(org.official_a).get(CAMPAIGN_NEW)
        assert response.status_code == 200
        assert [form.initial["max_points"] for form in response.context["criteria"]] == [
            30,
            30,
            20,
            20,
        ]
        assert set(response.context["form"].fields["org_unit"].queryset) == {
            org.company_a,
            org.mine_a1,
            org.team_a101,
            org.team_a102,
        }

    def test_official_creates_a_campaign_with_rubric_and_grades(self, as_person, org):
        data = campaign_data(
            org,
            grades=[
                (AwardGrade.Grade.FIRST, 1, "5000"),
                (AwardGrade.Grade.ENCOURAGEMENT, None, "200"),
            ],
        )

        response = as_person(org.official_a).post(CAMPAIGN_NEW, data)

        campaign = Campaign.objects.get(name="2026 年 A 公司五小竞赛")
        assert response.status_code == 302
        assert response.url == reverse("competitions:campaign-detail", args=[campaign.pk])
        assert campaign.org_unit == org.company_a
        assert campaign.created_by == org.official_a
        assert [(c.name, c.max_points) for c in campaign.criteria.all()] == [
            ("技术水平", 30),
            ("经济效益", 30),
            ("推广范围", 20),
            ("实用性", 20),
        ]
        assert sorted((g.grade, g.quota, int(g.amount)) for g in campaign.grades.all()) == [
            ("encouragement", None, 200),
            ("first", 1, 5000),
        ]

    def test_the_default_rubric_as_the_page_offers_it(self, as_person, org):
        client = as_person(org.official_a)
        offered = client.get(CAMPAIGN_NEW).context["criteria"]
        rows = [(form.initial["name"], form.initial["max_points"]) for form in offered]
        client.post(CAMPAIGN_NEW, campaign_data(org, criteria=rows))
        campaign = Campaign.objects.get(name="2026 年 A 公司五小竞赛")
        assert [(c.name, c.max_points) for c in campaign.criteria.all()] == rows
        assert sum(points for _name, points in rows) == 100

    def test_closing_before_opening_is_400(self, as_person, org):
        now = timezone.localtime()
        data = campaign_data(
            org,
            opens_at=now.strftime("%Y-%m-%dT%H:%M"),
            closes_at=(now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        )
        response = as_person(org.official_a).post(CAMPAIGN_NEW, data)
        assert response.status_code == 400
        assert "closes_at" in response.context["form"].errors
        assert zh("Submissions close after they open.") in response.content.decode()
        assert not Campaign.objects.exists()

    def test_a_rubric_without_criteria_is_400(self, as_person, org):
        response = as_person(org.official_a).post(CAMPAIGN_NEW, campaign_data(org, criteria=[]))
        assert response.status_code == 400
        assert not Campaign.objects.exists()

    def test_a_unit_outside_scope_is_400(self, as_person, org):
        response = as_person(org.official_a).post(
            CAMPAIGN_NEW, campaign_data(org, org_unit=org.company_b.pk)
        )
        assert response.status_code == 400
        assert "org_unit" in response.context["form"].errors
        assert not Campaign.objects.exists()

    def test_a_worker_gets_403(self, as_person, org):
        client = as_person(org.worker_a)
        assert client.get(CAMPAIGN_NEW).status_code == 403
        assert client.post(CAMPAIGN_NEW, campaign_data(org)).status_code == 403
        assert not Campaign.objects.exists()

    def test_edit_permissions(self, as_person, org, campaigns):
        def edit(person, campaign):
            return as_person(person).get(reverse("competitions:campaign-edit", args=[campaign.pk]))

        assert edit(org.group_official, campaigns.open).status_code == 200
        assert edit(org.official_b, campaigns.company_b).status_code == 200
        # they see the group's campaign but do not run it
        assert edit(org.worker_a, campaigns.open).status_code == 403
        assert edit(org.official_b, campaigns.open).status_code == 403
        # and company B's campaign is not company A's business
        assert edit(org.official_a, campaigns.company_b).status_code == 404
        assert edit(org.worker_a, campaigns.company_b).status_code == 404

    def test_official_b_cannot_post_an_edit_of_the_group_campaign(self, as_person, org, campaigns):
        edit_url = reverse("competitions:campaign-edit", args=[campaigns.open.pk])
        data = campaign_data(org, name="改名", org_unit=org.group.pk)
        assert as_person(org.official_b).post(edit_url, data).status_code == 403
        campaigns.open.refresh_from_db()
        assert campaigns.open.name == "五小竞赛（本年）"

    def test_edit_changes_the_name_and_keeps_the_rubric(self, as_person, org, campaigns):
        client = as_person(org.group_official)
        edit_url = reverse("competitions:campaign-edit", args=[campaigns.open.pk])
        before = [(c.name, c.max_points) for c in campaigns.open.criteria.all()]

        data = {**as_the_edit_page_posts(client.get(edit_url)), "name": "五小竞赛（本年度）"}
        response = client.post(edit_url, data)

        assert response.status_code == 302
        campaigns.open.refresh_from_db()
        assert campaigns.open.name == "五小竞赛（本年度）"
        assert [(c.name, c.max_points) for c in campaigns.open.criteria.all()] == before
        assert campaigns.open.grades.count() == 3

    def test_once_review_started_the_name_still_changes_but_not_the_rubric(
        self, as_person, org, campaigns, make_proposal
    ):
        proposal = make_proposal(org.worker_a)
        services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
        client = as_person(org.group_official)
        edit_url = reverse("competitions:campaign-edit", args=[campaigns.open.pk])
        before = [(c.name, c.max_points) for c in campaigns.open.criteria.all()]
        data = as_the_edit_page_posts(client.get(edit_url))

        # the office extends the review deadline and renames it: fine
        deadline = campaigns.open.review_deadline + datetime.timedelta(days=10)
        response = client.post(
            edit_url,
            {**data, "name": "五小竞赛（本年度）", "review_deadline": deadline.isoformat()},
        )
        assert response.status_code == 302
        campaigns.open.refresh_from_db()
        assert (campaigns.open.name, campaigns.open.review_deadline) == (
            "五小竞赛（本年度）",
            deadline,
        )

        # but the reviewers' rubric is fixed now
        response = client.post(edit_url, {**data, "criteria-0-max_points": "40"})
        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
        assert [(c.name, c.max_points) for c in campaigns.open.criteria.all()] == before


def as_the_edit_page_posts(page) -> dict:
    """The campaign form's fields and rows as the page shows them, as a browser posts them."""
    form = page.context["form"]
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, datetime.datetime):  # already in local (Shanghai) time
            value = value.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if value not in (None, False, ""):
            data[field.name] = "on" if value is True else value
    for prefix in ("criteria", "grades"):
        formset = page.context[prefix]
        management = formset.management_form
        data.update({f"{prefix}-{name}": management[name].value() for name in management.fields})
        for index, row in enumerate(formset.forms):
            for name, value in row.initial.items():
                data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    return data


class TestCampaignPages:
    def test_official_sees_the_figures(self, as_person, org, campaigns, make_proposal):
        make_proposal(org.worker_a)
        make_proposal(org.worker_a, title="皮带机托辊更换工具改进", category="invention")
        make_proposal(org.colleague_a, title="刮板输送机链条张紧装置")
        make_proposal(org.worker_b, title="汽轮机叶片修复")
        make_proposal(org.colleague_a, submit=False, title="草稿")

        response = as_person(org.official_a).get(
            reverse("competitions:campaign-detail", args=[campaigns.open.pk])
        )

        figures = response.context["figures"]
        assert figures["total"] == 3
        assert figures["entrants"] == 2
        # Company A's workers: worker_a and colleague_a; its union official runs
        # the competition and is not counted among those who may enter.
        assert figures["headcount"] == 2
        assert dict(figures["by_category"])[str(Proposal.Category.INVENTION.label)] == 1
        assert sum(n for _label, n in figures["by_unit"]) == 3
        html = response.content.decode()
        assert 'data-testid="campaign-figures"' in html
        assert 'data-testid="participation">100.0 %' in html
        assert response.context["may_edit"] is False

    def test_group_official_may_edit_and_sees_all_companies(
        self, as_person, org, campaigns, make_proposal
    ):
        make_proposal(org.worker_a)
        make_proposal(org.worker_b, title="汽轮机叶片修复")
        response = as_person(org.group_official).get(
            reverse("competitions:campaign-detail", args=[campaigns.open.pk])
        )
        assert response.context["figures"]["total"] == 2
        assert {label for label, _n in response.context["figures"]["by_unit"]} == {
            org.company_a.name,
            org.company_b.name,
        }
        assert response.context["may_edit"] is True

    def test_a_worker_gets_no_figures(self, as_person, org, campaigns, make_proposal):
        make_proposal(org.colleague_a)
        mine = make_proposal(org.worker_a, title="皮带机托辊更换工具改进")
        response = as_person(org.worker_a).get(
            reverse("competitions:campaign-detail", args=[campaigns.open.pk])
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["figures"] is None
        assert 'data-testid="campaign-figures"' not in html
        assert response.context["may_enter"] is True
        assert list(response.context["mine"]) == [mine]
        assert escape(COMPLETE["title"]) not in html

    def test_a_campaign_of_another_company_is_404(self, as_person, org, campaigns):
        page = reverse("competitions:campaign-detail", args=[campaigns.company_b.pk])
        assert as_person(org.worker_a).get(page).status_code == 404
        assert as_person(org.official_a).get(page).status_code == 404
        assert as_person(org.worker_b).get(page).status_code == 200

    def test_campaign_list_is_scoped(self, as_person, org, campaigns):
        listing = reverse("competitions:campaign-list")
        seen_in_a = set(as_person(org.worker_a).get(listing).context["campaigns"])
        assert seen_in_a == {campaigns.open, campaigns.closed, campaigns.upcoming}
        seen_in_b = set(as_person(org.official_b).get(listing).context["campaigns"])
        assert seen_in_b == {
            campaigns.open,
            campaigns.closed,
            campaigns.upcoming,
            campaigns.company_b,
        }


class TestProposalLists:
    def test_my_proposals_lists_mine_with_states(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False, title="草稿")
        sent = make_proposal(org.worker_a)
        make_proposal(org.colleague_a, title="皮带机托辊更换工具改进")
        response = as_person(org.worker_a).get(MINE)
        assert list(response.context["proposals"]) == [sent, draft]
        html = response.content.decode()
        # a draft opens where the worker left it; a sent one opens its status page
        assert url("proposal-edit", draft) in html
        assert url("proposal-detail", sent) in html

    def test_the_proposal_list_is_scoped(self, as_person, org, submitted):
        listing = reverse("competitions:proposal-list")
        worker = set(as_person(org.worker_a).get(listing).context["proposals"])
        assert worker == {submitted.spray, submitted.draft, submitted.screened}
        official_b = set(as_person(org.official_b).get(listing).context["proposals"])
        assert official_b == {submitted.spray_b}
        official_a = set(as_person(org.official_a).get(listing).context["proposals"])
        assert submitted.draft not in official_a
        assert submitted.spray_b not in official_a


# --- Query counts -----------------------------------------------------------------------


TITLES = [
    "井下喷雾降尘装置节水改造",
    "皮带机托辊更换工具改进",
    "刮板输送机链条张紧装置",
    "综采支架液压管路快速接头",
    "主通风机在线监测报警",
]


@pytest.fixture
def many(org, campaigns, make_proposal):
    """30 submitted proposals by worker_a with repeating titles (so every queue
    entry has similar ones beside it), a co-author on each, and 27 more campaigns."""
    for index in range(30):
        make_proposal(
            org.worker_a,
            title=f"{TITLES[index % len(TITLES)]}（第{index}版）",
            co_authors=[(org.colleague_a, 10)],
        )
    now = timezone.now()
    for index in range(27):
        services.campaign_create(
            by=org.group_official,
            org_unit=org.group,
            name=f"五小竞赛第{index}期",
            year=now.year - 2,
            opens_at=now - datetime.timedelta(days=800 + index),
            closes_at=now - datetime.timedelta(days=700),
            review_deadline=now.date(),
        )
    return org


# The session, the user, their scope (own unit, grants; the campaign scope asks for the
# own unit again), COUNT and the page; the full lists add the filter's campaign and unit
# choices, the queue its two similarity queries for the whole page.
LIST_PAGES = [
    ("competitions:proposal-list", "official_a", 9),
    ("competitions:my-proposals", "worker_a", 7),
    ("competitions:campaign-list", "official_a", 8),
    ("competitions:screening-queue", "official_a", 11),
]


@pytest.mark.parametrize(("name", "role", "queries"), LIST_PAGES)
@pytest.mark.parametrize("page_size", [5, 25])
def test_list_pages_take_the_same_queries_at_any_page_size(
    as_person, many, django_assert_num_queries, name, role, queries, page_size
):
    client = as_person(fresh(getattr(many, role)))
    with django_assert_num_queries(queries):
        response = client.get(reverse(name), {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == page_size
    if "entries" in response.context:  # the queue: similar proposals beside every entry
        assert all(similar for _proposal, similar in response.context["entries"])

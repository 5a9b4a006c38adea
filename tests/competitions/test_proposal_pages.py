"""Five-small pages for the worker: the front door, the phone form (saved as
they type, photos, submit), the edit rules, the author's actions, their status
page and similar titles."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from competitions import services
from competitions.models import Campaign, Proposal, ProposalEvent
from core.attachments import attachments_of
from tests.competitions.conftest import COMPLETE, a201_reviewers
from tests.competitions.pages import (
    HTMX,
    MINE,
    NEW,
    QUEUE,
    events_of,
    form_data,
    jpeg,
    message_levels,
    message_texts,
    new_url,
    url,
    zh,
)
from tests.competitions.review_steps import assign
from tests.factories import PersonFactory
from tests.page_html import posted_as_shown
from tests.uploads import photos_processed

pytestmark = pytest.mark.django_db

HOME = reverse("competitions:home")

SIMILAR = reverse("competitions:proposal-similar")

Status = Proposal.Status


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

    def test_the_submission_notice_says_received_with_its_code_not_accepted(
        self, as_person, org, campaigns, django_capture_on_commit_callbacks
    ):
        client = as_person(org.worker_a)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(new_url(campaigns.open), form_data("submit"))
        proposal = Proposal.objects.get()
        assert proposal.status == Status.SUBMITTED  # submitted, not yet screened

        html = client.get(reverse("notices:notice-list")).content.decode()

        assert "提案已收到" in html
        assert f"已收到，编号 {proposal.code}。" in html
        assert "受理" not in html

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
        with photos_processed():
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

        with photos_processed():
            response = client.post(
                new_url(campaigns.open), {**form_data(), "photo": jpeg()}, headers=HTMX
            )

        draft = Proposal.objects.get()
        attachment = attachments_of(draft).get()
        html = response.content.decode()
        assert response.status_code == 200
        assert attachment.is_image
        # A worker re-encodes the photo after the request: till then a placeholder.
        assert 'data-testid="photo-processing"' in html
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

    def test_a_co_author_who_moved_out_of_the_authors_view_stays_through_an_edit(
        self, as_person, org, make_proposal
    ):
        """A co-author who has moved to company B since, whom the author no
        longer sees: the form names them (not their number) and keeps them
        when the author saves a new title, the form posted as shown."""
        mover = PersonFactory(org_unit=org.team_a102)
        proposal = make_proposal(org.worker_a, submit=False, co_authors=[(mover, Decimal(40))])
        type(mover).objects.filter(pk=mover.pk).update(org_unit=org.team_b101)
        client = as_person(org.worker_a)
        address = url("proposal-edit", proposal)
        html = client.get(address).content.decode()
        start = html.index('id="proposal-form"')
        form = html[start : html.index("</form>", start)]
        chip = f'data-key="#{mover.pk}" data-id="{mover.pk}">{mover.full_name}（原已列入）<'
        assert chip in form
        assert mover.employee_no not in form
        data = posted_as_shown(form)
        data["title"] = ["皮带机托辊更换工具改进"]
        response = client.post(address, data)
        assert response.status_code == 302
        proposal.refresh_from_db()
        assert (proposal.title, proposal.author_share) == ("皮带机托辊更换工具改进", Decimal(60))
        rows = list(proposal.co_authors.values_list("person", "position", "share"))
        assert rows == [(mover.pk, 1, Decimal(40))]


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

    def test_screened_without_reviewers_it_says_it_waits_for_them_not_that_they_score(
        self, as_person, org, make_proposal
    ):
        proposal = make_proposal(org.worker_a)
        services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
        client = as_person(org.worker_a)

        html = client.get(url("proposal-detail", proposal)).content.decode()

        timeline = html[html.index('data-testid="timeline"') :]
        assert "通过初审，等待指派评审专家打分。" in timeline
        assert "正在打分" not in html
        next_step = re.search(r'data-testid="next-step">([^<]*)<', html)[1]
        assert next_step == "等待指派评审专家。"

        # once the office has assigned reviewers, the next step says they score it
        assign(proposal, org.official_a, [a201_reviewers(org).one])
        html = client.get(url("proposal-detail", proposal)).content.decode()
        assert re.search(r'data-testid="next-step">([^<]*)<', html)[1] == "评审专家正在打分。"

    @pytest.mark.parametrize(
        ("reader", "words", "not_words"),
        [
            ("worker_a", "Sent back to you to revise.", "Sent back to the author to revise."),
            ("colleague_a", "Sent back to the author to revise.", "Sent back to you to revise."),
            ("official_a", "Sent back to the author to revise.", "Sent back to you to revise."),
        ],
    )
    def test_the_return_is_told_as_the_reader_stands_to_it(
        self, as_person, org, make_proposal, reader, words, not_words
    ):
        # The author is told it came back to them; a co-author or the office
        # reads that it went back to the author.
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, 30)])
        services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment="补充")

        response = as_person(getattr(org, reader)).get(url("proposal-detail", proposal))

        html = response.content.decode()
        timeline = html[html.index('data-testid="timeline"') :]
        assert zh(words) in timeline
        assert zh(not_words) not in timeline

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

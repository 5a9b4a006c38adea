"""The worker's pages: write a proposal on a phone (saved as they type), submit
it, follow it; and the status page every reader of a proposal shares."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.pickers import people_kept
from accounts.selectors import is_official
from competitions import services
from competitions.filtersets import ProposalFilterSet
from competitions.forms import ProposalForm, co_author_formset
from competitions.models import Proposal
from competitions.selectors import (
    campaigns_open_to,
    campaigns_visible_to,
    empty_draft_of,
    order_blind_rows_last,
    proposal_access,
    proposals_listed_openly,
    proposals_of,
    proposals_visible_to,
    proposals_with_access,
    similar_proposals,
)
from competitions.services.proposals import ensure_author_side, missing_to_submit
from competitions.views.common import detail_context
from core.attachments import attachments_of
from core.pages import ScopedListView, attach_from_page, form_changes, run_action, run_service


class ProposalListView(ScopedListView):
    """Every proposal the reader may see: officials their units' proposals,
    workers their own and the awarded ones."""

    keyset = True
    export_api = "api:proposal"
    filterset_class = ProposalFilterSet
    template_name = "competitions/proposal_list.html"
    partial_template_name = "competitions/partials/proposal_results.html"
    context_object_name = "proposals"

    visible_to = staticmethod(proposals_listed_openly)

    def get_queryset(self):
        return order_blind_rows_last(super().get_queryset())


class MyProposalListView(ProposalListView):
    """ "My proposals": the ones I wrote or co-wrote, newest first."""

    template_name = "competitions/my_proposals.html"
    export_api = None  # the API exports every visible proposal, not just mine

    @staticmethod
    def visible_to(user):
        return proposals_of(user)


def _editable_draft(request, proposal_id) -> Proposal:
    """A proposal the person writes (the services' own rule): 404 or 403."""
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=proposal_id)
    ensure_author_side(proposal, request.user)
    return proposal


def _save(request, form, co_authors, *, campaign, proposal) -> Proposal | None:
    """Create or update the draft from a valid form; errors land on the form.
    Co-author rows are saved only when they are complete and add up, so a
    half-typed row never costs the rest of what was typed."""
    user = request.user
    data = form_changes(form, editing=proposal is not None)
    photo = data.pop("photo", None)
    if co_authors.is_valid() and (proposal is None or co_authors.has_changed()):
        data["co_authors"] = co_authors.rows()
    formsets = {"co_authors": co_authors}
    if proposal is None and "author" not in data:
        # Fill the author's empty draft of this campaign rather than make another.
        proposal = empty_draft_of(user, campaign)
    if proposal is None:
        saved = run_service(
            form, services.proposal_create, formsets=formsets, by=user, campaign=campaign, **data
        )
    else:
        saved = run_service(
            form,
            services.proposal_update,
            formsets=formsets,
            proposal_id=proposal.pk,
            by=user,
            **data,
        )
    if saved is not None and photo:
        run_service(form, services.attachment_add, record=saved, by=user, upload=photo)
    return saved


def _form_page(request, *, campaign, proposal=None):
    """The one form behind "new", "edit" and the autosave (an htmx POST)."""
    user = request.user
    if proposal is None and request.POST.get("draft_id", "").isdigit():
        proposal = _editable_draft(request, int(request.POST["draft_id"]))
        campaign = proposal.campaign
    if proposal is not None and not proposal.is_editable:
        messages.info(request, _("This proposal can no longer be changed."))
        return _leave_for(request, reverse("competitions:proposal-detail", args=[proposal.pk]))
    on_behalf = proposal is None and request.GET.get("on_behalf") == "1" and is_official(user)
    data = request.POST if request.method == "POST" else None
    form = ProposalForm(
        data,
        request.FILES or None,
        instance=proposal,
        user=user,
        campaign=campaign,
        on_behalf=on_behalf,
    )
    credited = list(proposal.co_authors.select_related("person")) if proposal else []
    initial = [{"person": c.person_id, "share": c.share} for c in credited] if proposal else None
    co_authors = co_author_formset(
        data,
        user=user,
        author=form.proposal_author,
        initial=None if data else initial,
        # Co-authors named already stay though the writer no longer sees them
        # (proposal_update keeps them); the author's side reads their names
        # (docs/access.md).
        kept=people_kept(user, [c.person for c in credited], names_readable=True),
    )
    saved = None
    # A new draft is made only once something is typed: a touch of the form
    # (an autosave of empty fields) makes none.
    typed = proposal is not None or form.has_changed() or co_authors.has_changed()
    if request.method == "POST" and typed and form.is_valid():
        saved = _save(request, form, co_authors, campaign=campaign, proposal=proposal)
    elif request.method == "POST" and not typed and not request.htmx:
        _say_nothing_typed(form, submitting=request.POST.get("action") == "submit")
    if request.htmx and request.method == "POST":
        return _autosave_response(request, form, co_authors, saved or proposal)
    # Saving or submitting on purpose keeps the co-author rows whole: a half-typed
    # row is an error to fix, never silently dropped (it decides who shares a prize).
    if saved is not None and not co_authors.is_valid():
        saved = None
    if saved is not None and not form.errors:
        if request.POST.get("action") == "submit":
            if run_service(form, services.proposal_submit, proposal_id=saved.pk, by=user):
                messages.success(request, _("Submitted. The union office will look at it next."))
                return redirect("competitions:proposal-detail", pk=saved.pk)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("competitions:proposal-edit", pk=saved.pk)
    proposal = saved or proposal
    return render(
        request,
        "competitions/proposal_form.html",
        {
            "form": form,
            "co_authors": co_authors,
            "campaign": campaign,
            "proposal": proposal,
            "attachments": attachments_of(proposal) if proposal else [],
            "similar": similar_proposals(user, proposal.title, exclude_id=proposal.pk)
            if proposal and proposal.title
            else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def _say_nothing_typed(form, *, submitting: bool) -> None:
    """A save or a submission of the new form left untouched: nothing is made,
    and the form says why (an autosave of it stays silent)."""
    if not form.is_valid():
        return  # its own errors say what is wrong
    if submitting:
        for field, messages in missing_to_submit(form.instance).items():
            form.add_error(field, messages)
    else:
        form.add_error(
            None, _("Nothing has been typed yet, so nothing was saved: start with the title.")
        )


def _leave_for(request, url: str):
    """Go to `url`: a redirect, or for an autosave (htmx) a whole-page move, so
    another page is never swapped into the little save-status box."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _autosave_response(request, form, co_authors, proposal):
    response = render(
        request,
        "competitions/partials/autosave.html",
        {
            "form": form,
            "co_authors": co_authors,
            "proposal": proposal,
            "attachments": attachments_of(proposal) if proposal else [],
            "saved_at": timezone.localtime() if proposal and not form.errors else None,
            # Empty the photo input only after a save that carried a photo: a photo
            # picked while another save was on its way must still go with the next one.
            "photo_sent": "photo" in request.FILES,
        },
        status=200,
    )
    if proposal is not None:
        # Coming back (reload, back button) lands on the saved draft, not a blank form.
        response["HX-Replace-Url"] = reverse("competitions:proposal-edit", args=[proposal.pk])
    return response


@login_required
def proposal_new(request):
    """New proposal: in the campaign asked for, or the only one open to me."""
    open_campaigns = campaigns_open_to(request.user)
    campaign_id = request.GET.get("campaign", "")
    if campaign_id.isdigit():
        campaign = get_object_or_404(campaigns_visible_to(request.user), pk=campaign_id)
        if campaign.phase == "closed":
            messages.error(request, _("The campaign has closed for submissions."))
            return _leave_for(request, reverse("competitions:home"))
    elif request.POST.get("draft_id", "").isdigit():
        campaign = None  # the draft decides
    elif len(open_campaigns) == 1:
        campaign = open_campaigns[0]
    else:
        return render(request, "competitions/choose_campaign.html", {"campaigns": open_campaigns})
    return _form_page(request, campaign=campaign)


@login_required
def proposal_edit(request, pk):
    proposal = _editable_draft(request, pk)
    return _form_page(request, campaign=proposal.campaign, proposal=proposal)


@login_required
def proposal_similar(request):
    """htmx: the proposals most like the title being typed, that I may see."""
    exclude = request.GET.get("draft_id", "")
    found = similar_proposals(
        request.user,
        request.GET.get("title", "")[:200],
        exclude_id=int(exclude) if exclude.isdigit() else None,
    )
    return render(request, "competitions/partials/similar.html", {"similar": found})


@login_required
def proposal_detail(request, pk):
    proposal = get_object_or_404(
        proposals_with_access(request.user).select_related("entered_by", "duplicate_of"), pk=pk
    )
    if proposal_access(request.user, proposal).blind:
        # This page names the authors: a blind reviewer gets the rubric form.
        return redirect("competitions:review-form", pk=pk)
    return render(request, "competitions/proposal_detail.html", detail_context(request, proposal))


def _author_action(request, pk, service, success: str):
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    result = run_action(request, service, proposal_id=proposal.pk, by=request.user)
    if result is not None:
        messages.success(request, success)
    return redirect("competitions:proposal-detail", pk=pk)


@require_POST
@login_required
def proposal_submit(request, pk):
    return _author_action(
        request,
        pk,
        services.proposal_submit,
        _("Submitted. The union office will look at it next."),
    )


@require_POST
@login_required
def proposal_withdraw(request, pk):
    return _author_action(request, pk, services.proposal_withdraw, _("Withdrawn."))


@require_POST
@login_required
def proposal_delete(request, pk):
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    if run_action(request, services.proposal_delete, proposal_id=proposal.pk, by=request.user):
        messages.success(request, _("The draft has been deleted."))
        return redirect("competitions:my-proposals")
    return redirect("competitions:proposal-detail", pk=pk)


@require_POST
@login_required
def proposal_attach(request, pk):
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    next_url = reverse("competitions:proposal-detail", args=[pk])
    return attach_from_page(request, services.attachment_add, proposal, next_url)

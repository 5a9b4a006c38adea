"""Campaign pages: the list, a campaign's figures, and the official's setup form."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from competitions import services
from competitions.filtersets import CampaignFilterSet
from competitions.forms import CampaignForm, CriterionFormSet, GradeFormSet, PoolAddForm
from competitions.selectors import (
    awarded_proposals,
    campaign_figures,
    campaign_results,
    campaigns_managed_by,
    campaigns_open_to,
    campaigns_visible_to,
    proposals_of,
    review_queue,
    reviewer_pool,
    reviews_waiting_for,
    screening_queue,
)
from competitions.services.campaigns import default_rubric
from core.history import history_section
from core.pages import ScopedListView, form_page, run_action, run_form_action


@login_required
def competitions_home(request):
    """The five-small front door: submit, my proposals, and for officials the queue."""
    user = request.user
    context = {
        "open_campaigns": campaigns_open_to(user),
        "my_proposals": proposals_of(user).order_by("-created_at", "-id")[:10],
        "is_official": is_official(user),
    }
    context["reviews_waiting"] = reviews_waiting_for(user).count()
    context["is_reviewer"] = review_queue(user).exists()
    if context["is_official"]:
        context["queue_count"] = screening_queue(user).count()
        # Campaigns their units take part in, with the board and the awards.
        context["managed_campaigns"] = campaigns_visible_to(user)[:10]
    return render(request, "competitions/home.html", context)


class CampaignListView(ScopedListView):
    export_api = "api:campaign"
    filterset_class = CampaignFilterSet
    template_name = "competitions/campaign_list.html"
    partial_template_name = "competitions/partials/campaign_results.html"
    context_object_name = "campaigns"
    visible_to = staticmethod(campaigns_visible_to)

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_official=is_official(self.request.user), **kwargs)


@login_required
def campaign_detail(request, pk):
    return _campaign_page(request, pk)


def _campaign_page(request, pk, *, pool_form=None, status=200):
    user = request.user
    campaign = get_object_or_404(
        campaigns_visible_to(user).prefetch_related("criteria", "grades"), pk=pk
    )
    official = is_official(user)
    may_edit = campaigns_managed_by(user).filter(pk=pk).exists()
    context = {
        "campaign": campaign,
        "may_edit": may_edit,
        "may_enter": campaigns_open_to(user).filter(pk=pk).exists(),
        "mine": proposals_of(user).filter(campaign=campaign).order_by("-created_at")[:20],
        "awarded": awarded_proposals(user, campaign)[:50],
        "figures": campaign_figures(campaign, user) if official else None,
        "results": campaign_results(campaign),
        **history_section(user, campaign, visible=may_edit, api="campaign"),
    }
    if may_edit:  # who reviews is the office's business, not the entrants'
        context["pool"] = reviewer_pool(campaign)
        context["pool_form"] = pool_form or PoolAddForm(user=user)
    return render(request, "competitions/campaign_detail.html", context, status=status)


def _managed_campaign(request, pk):
    """A campaign the viewer runs: 404 if they do not see it, 403 if they only see it."""
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    if not campaigns_managed_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return campaign


def _pool_url(campaign) -> str:
    return reverse("competitions:campaign-detail", args=[campaign.pk]) + "#pool"


@login_required
@require_POST
def campaign_pool_add(request, pk):
    campaign = _managed_campaign(request, pk)
    return run_form_action(
        request,
        PoolAddForm(request.POST, user=request.user),
        services.pool_reviewers_add,
        campaign_id=campaign.pk,
        done_message=_("The reviewer pool is updated."),
        next_url=_pool_url(campaign),
        render_refused=lambda form: _campaign_page(request, pk, pool_form=form, status=400),
    )


@login_required
@require_POST
def campaign_pool_remove(request, pk, person_id):
    campaign = _managed_campaign(request, pk)
    removed = run_action(
        request,
        services.pool_reviewer_remove,
        campaign_id=campaign.pk,
        by=request.user,
        person_id=person_id,
    )
    if removed is not None:
        messages.success(
            request,
            _("%(name)s is out of the reviewer pool.") % {"name": removed.person.full_name},
        )
    return redirect(_pool_url(campaign))


def _campaign_form_page(request, campaign=None):
    user = request.user
    editing = campaign is not None
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=campaign, user=user)
    criteria_initial = (
        [{"name": c.name, "max_points": c.max_points} for c in campaign.criteria.all()]
        if editing
        else [{"name": name, "max_points": points} for name, points in default_rubric()]
    )
    grades_initial = (
        [{"grade": g.grade, "quota": g.quota, "amount": g.amount} for g in campaign.grades.all()]
        if editing
        else []
    )
    # Bound with their initial rows too, so has_changed() tells whether the official
    # touched the rubric or the prizes (a rubric sent once review has started is refused).
    criteria = CriterionFormSet(data, initial=criteria_initial, prefix="criteria")
    grades = GradeFormSet(data, initial=grades_initial, prefix="grades")

    def rows_sent(editing: bool) -> dict:
        rows = {}
        if not editing or criteria.has_changed():
            rows["criteria"] = criteria.rows("name", "max_points")
        if not editing or grades.has_changed():
            rows["grades"] = grades.rows("grade", "quota", "amount")
        return rows

    return form_page(
        request,
        form,
        partial(services.campaign_update, campaign_id=campaign.pk)
        if editing
        else services.campaign_create,
        formsets={"criteria": criteria, "grades": grades},
        formset_changes=rows_sent,
        template="competitions/campaign_form.html",
        context={"campaign": campaign},
        done_message=_("The campaign has been saved."),
        next_url=lambda saved: reverse("competitions:campaign-detail", args=[saved.pk]),
    )


@login_required
def campaign_create(request):
    if not is_official(request.user):
        raise PermissionDenied
    return _campaign_form_page(request)


@login_required
def campaign_edit(request, pk):
    return _campaign_form_page(request, _managed_campaign(request, pk))

"""Pages for the achievement library, problems, patents and conferences.

Reads go through the scoping selectors, writes through `achievements.services`
via `run_service`; the studio page gets its sections through `panels.py`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from achievements import services
from achievements.filtersets import (
    AchievementFilterSet,
    ConferenceFilterSet,
    PatentFilterSet,
    ProblemFilterSet,
)
from achievements.forms import (
    AchievementForm,
    AdoptionForm,
    ConferenceForm,
    ContributorFormSet,
    PatentForm,
    PatentStatusForm,
    ProblemForm,
    ProblemStatusForm,
    ShowAtConferenceForm,
    VerifyBenefitForm,
    contributor_rows,
)
from achievements.models import Inventor
from achievements.selectors import (
    achievements_visible_to,
    conferences_visible_to,
    patent_status_targets,
    patents_visible_to,
    problems_visible_to,
)
from core.attachments import attachments_of
from core.forms import AttachmentForm
from core.pages import ScopedListView, attach_from_page, run_service
from studios.selectors import studios_managed_by, studios_visible_to, studios_writable_by


def _writes(user, studio) -> bool:
    return studios_writable_by(user).filter(pk=studio.pk).exists()


def _manages(user, studio) -> bool:
    return studios_managed_by(user).filter(pk=studio.pk).exists()


def _studio_from_query(request):
    """`?studio=<id>` preselects the studio when logging from the studio page."""
    studio_id = request.GET.get("studio", "")
    if not studio_id.isdigit():
        return None
    return studios_visible_to(request.user).filter(pk=studio_id).first()


# --- Library -------------------------------------------------------------------------


class AchievementListView(ScopedListView):
    filterset_class = AchievementFilterSet
    template_name = "achievements/achievement_list.html"
    partial_template_name = "achievements/partials/achievement_results.html"
    context_object_name = "achievements"

    @staticmethod
    def visible_to(user):
        return achievements_visible_to(user).select_related("origin_problem")


def _achievement_detail_context(request, achievement, **forms):
    user = request.user
    writes = _writes(user, achievement.studio)
    manages = _manages(user, achievement.studio)
    context = {
        "achievement": achievement,
        "contributors": achievement.contributors.select_related("person"),
        "patents": patents_visible_to(user).filter(achievement=achievement),
        "adoptions": achievement.adoptions.select_related("org_unit"),
        "conferences": conferences_visible_to(user).filter(achievements=achievement),
        "attachments": attachments_of(achievement),
        "can_edit": writes,
        "attachment_form": AttachmentForm() if writes else None,
    }
    if manages and not achievement.is_verified:
        context["verify_form"] = forms.get("verify_form") or VerifyBenefitForm()
    if is_official(user):
        context["adoption_form"] = forms.get("adoption_form") or AdoptionForm(user=user)
        context["conference_form"] = forms.get("conference_form") or ShowAtConferenceForm(user=user)
    return context


@login_required
def achievement_detail(request, pk):
    achievement = get_object_or_404(achievements_visible_to(request.user), pk=pk)
    return render(
        request, "achievements/achievement_detail.html",
        _achievement_detail_context(request, achievement),
    )  # fmt: skip


def _achievement_form_page(request, achievement=None):
    user = request.user
    editing = achievement is not None
    studio = achievement.studio if editing else _studio_from_query(request)
    form = AchievementForm(
        request.POST or None, instance=achievement, user=user, studio=studio, editing=editing
    )
    initial = (
        [{"person": c.person_id, "share": c.share} for c in achievement.contributors.all()]
        if editing
        else [{"person": user.pk, "share": 100}]
    )
    contributors = ContributorFormSet(
        request.POST or None, initial=None if request.POST else initial, prefix="contributors",
        form_kwargs={"user": user},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid() and contributors.is_valid():
        data = {
            field: form.cleaned_data[field] for field in form.fields if field in form.cleaned_data
        }
        if editing:
            data = {f: v for f, v in data.items() if f in form.changed_data}
            result = run_service(
                form, services.achievement_update, formsets={"contributors": contributors},
                achievement_id=achievement.pk, by=user,
                contributors=contributor_rows(contributors), **data,
            )  # fmt: skip
        else:
            result = run_service(
                form, services.achievement_create, formsets={"contributors": contributors},
                by=user, contributors=contributor_rows(contributors), **data,
            )  # fmt: skip
        if result:
            messages.success(request, _("The achievement has been saved."))
            return redirect("achievements:achievement-detail", pk=result.pk)
    return render(
        request, "achievements/achievement_form.html",
        {"form": form, "contributors": contributors, "achievement": achievement, "studio": studio},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
def achievement_create(request):
    if not studios_writable_by(request.user).exists():
        raise PermissionDenied
    return _achievement_form_page(request)


@login_required
def achievement_edit(request, pk):
    achievement = get_object_or_404(achievements_visible_to(request.user), pk=pk)
    if not _writes(request.user, achievement.studio):
        raise PermissionDenied
    return _achievement_form_page(request, achievement)


@require_POST
@login_required
def achievement_verify(request, pk):
    achievement = get_object_or_404(achievements_visible_to(request.user), pk=pk)
    form = VerifyBenefitForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if run_service(
            form, services.achievement_verify_benefit, achievement_id=achievement.pk,
            by=request.user, **data,
        ):  # fmt: skip
            messages.success(request, _("The benefit has been verified and is now locked."))
            return redirect("achievements:achievement-detail", pk=pk)
    return render(
        request, "achievements/achievement_detail.html",
        _achievement_detail_context(request, achievement, verify_form=form), status=400,
    )  # fmt: skip


@require_POST
@login_required
def adoption_add(request, pk):
    achievement = get_object_or_404(achievements_visible_to(request.user), pk=pk)
    if not is_official(request.user):  # before the form: its unit choices are theirs
        raise PermissionDenied
    form = AdoptionForm(request.POST, user=request.user)
    if form.is_valid() and run_service(
        form, services.adoption_record, by=request.user, achievement=achievement,
        **form.cleaned_data,
    ):  # fmt: skip
        messages.success(request, _("The adoption has been recorded."))
        return redirect("achievements:achievement-detail", pk=pk)
    return render(
        request, "achievements/achievement_detail.html",
        _achievement_detail_context(request, achievement, adoption_form=form), status=400,
    )  # fmt: skip


@require_POST
@login_required
def achievement_show_at_conference(request, pk):
    achievement = get_object_or_404(achievements_visible_to(request.user), pk=pk)
    if not is_official(request.user):
        raise PermissionDenied
    form = ShowAtConferenceForm(request.POST, user=request.user)
    if form.is_valid() and run_service(
        form, services.conference_show_achievements,
        conference_id=form.cleaned_data["conference"].pk, by=request.user,
        achievements=[achievement],
    ):  # fmt: skip
        messages.success(request, _("The achievement is listed at the conference."))
        return redirect("achievements:achievement-detail", pk=pk)
    return render(
        request, "achievements/achievement_detail.html",
        _achievement_detail_context(request, achievement, conference_form=form), status=400,
    )  # fmt: skip


@require_POST
@login_required
def achievement_attach(request, pk):
    achievement = get_object_or_404(achievements_visible_to(request.user), pk=pk)
    next_url = reverse("achievements:achievement-detail", args=[pk])
    return attach_from_page(request, services.attachment_add, achievement, next_url)


# --- Problems (the announced topics) ------------------------------------------------------


class ProblemListView(ScopedListView):
    """Every studio's announced topics, so nobody solves the same problem twice."""

    visible_to = staticmethod(problems_visible_to)
    filterset_class = ProblemFilterSet
    template_name = "achievements/problem_list.html"
    partial_template_name = "achievements/partials/problem_results.html"
    context_object_name = "problems"


def _problem_detail_context(request, problem, **forms):
    writes = problem.full_access and _writes(request.user, problem.studio)
    context = {
        "problem": problem,
        "can_edit": writes,
        "team": problem.team.all() if problem.full_access else [],
        "achievements": achievements_visible_to(request.user).filter(origin_problem=problem),
        "events": problem.events.select_related("actor") if problem.full_access else [],
        "attachments": attachments_of(problem) if problem.full_access else [],
        "attachment_form": AttachmentForm() if writes else None,
    }
    if writes and problem.TRANSITIONS[problem.status]:
        context["status_form"] = forms.get("status_form") or ProblemStatusForm(problem=problem)
    return context


@login_required
def problem_detail(request, pk):
    problem = get_object_or_404(problems_visible_to(request.user), pk=pk)
    return render(
        request, "achievements/problem_detail.html", _problem_detail_context(request, problem)
    )


def _problem_form_page(request, problem=None):
    user = request.user
    editing = problem is not None
    studio = problem.studio if editing else _studio_from_query(request)
    form = ProblemForm(
        request.POST or None, instance=problem, user=user, studio=studio, editing=editing
    )
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.fields}
        if editing:
            data = {f: v for f, v in data.items() if f in form.changed_data}
            result = run_service(
                form, services.problem_update, problem_id=problem.pk, by=user, **data
            )
        else:
            result = run_service(form, services.problem_create, by=user, **data)
        if result:
            messages.success(request, _("The problem has been saved."))
            return redirect("achievements:problem-detail", pk=result.pk)
    return render(
        request, "achievements/problem_form.html",
        {"form": form, "problem": problem, "studio": studio},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
def problem_create(request):
    if not studios_writable_by(request.user).exists():
        raise PermissionDenied
    return _problem_form_page(request)


@login_required
def problem_edit(request, pk):
    problem = get_object_or_404(problems_visible_to(request.user), pk=pk)
    if not (problem.full_access and _writes(request.user, problem.studio)):
        raise PermissionDenied
    return _problem_form_page(request, problem)


@require_POST
@login_required
def problem_change_status(request, pk):
    problem = get_object_or_404(problems_visible_to(request.user), pk=pk)
    form = ProblemStatusForm(request.POST, problem=problem)
    if form.is_valid() and run_service(
        form, services.problem_change_status, problem_id=pk, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("The status has been changed."))
        return redirect("achievements:problem-detail", pk=pk)
    return render(
        request, "achievements/problem_detail.html",
        _problem_detail_context(request, problem, status_form=form), status=400,
    )  # fmt: skip


@require_POST
@login_required
def problem_attach(request, pk):
    problem = get_object_or_404(problems_visible_to(request.user), pk=pk)
    if not problem.full_access:
        raise PermissionDenied
    next_url = reverse("achievements:problem-detail", args=[pk])
    return attach_from_page(request, services.attachment_add, problem, next_url)


# --- Patents -----------------------------------------------------------------------------


def _patents(user):
    return patents_visible_to(user).prefetch_related(
        Prefetch("inventors", Inventor.objects.select_related("person"))
    )


class PatentListView(ScopedListView):
    visible_to = staticmethod(_patents)
    filterset_class = PatentFilterSet
    template_name = "achievements/patent_list.html"
    partial_template_name = "achievements/partials/patent_results.html"
    context_object_name = "patents"


def _patent_detail_context(request, patent, **forms):
    writes = _writes(request.user, patent.studio)
    context = {
        "patent": patent,
        "can_edit": writes,
        "events": patent.events.select_related("actor"),
        "attachments": attachments_of(patent),
        "attachment_form": AttachmentForm() if writes else None,
    }
    targets = patent_status_targets(patent)
    if writes and targets:
        context["status_form"] = forms.get("status_form") or PatentStatusForm(targets=targets)
    return context


@login_required
def patent_detail(request, pk):
    patent = get_object_or_404(_patents(request.user), pk=pk)
    return render(
        request, "achievements/patent_detail.html", _patent_detail_context(request, patent)
    )


def _patent_form_page(request, patent=None):
    user = request.user
    editing = patent is not None
    studio = patent.studio if editing else _studio_from_query(request)
    form = PatentForm(
        request.POST or None, instance=patent, user=user, studio=studio, editing=editing
    )
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.fields}
        data["inventors"] = list(data["inventors"])
        if editing:
            data = {f: v for f, v in data.items() if f in form.changed_data}
            result = run_service(form, services.patent_update, patent_id=patent.pk, by=user, **data)
        else:
            result = run_service(form, services.patent_create, by=user, **data)
        if result:
            messages.success(request, _("The patent has been saved."))
            return redirect("achievements:patent-detail", pk=result.pk)
    return render(
        request, "achievements/patent_form.html",
        {"form": form, "patent": patent, "studio": studio},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
def patent_create(request):
    if not studios_writable_by(request.user).exists():
        raise PermissionDenied
    return _patent_form_page(request)


@login_required
def patent_edit(request, pk):
    patent = get_object_or_404(_patents(request.user), pk=pk)
    if not _writes(request.user, patent.studio):
        raise PermissionDenied
    return _patent_form_page(request, patent)


@require_POST
@login_required
def patent_change_status(request, pk):
    patent = get_object_or_404(_patents(request.user), pk=pk)
    form = PatentStatusForm(request.POST, targets=patent_status_targets(patent))
    if form.is_valid() and run_service(
        form, services.patent_change_status, patent_id=pk, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("The status has been changed."))
        return redirect("achievements:patent-detail", pk=pk)
    return render(
        request, "achievements/patent_detail.html",
        _patent_detail_context(request, patent, status_form=form), status=400,
    )  # fmt: skip


@require_POST
@login_required
def patent_attach(request, pk):
    patent = get_object_or_404(_patents(request.user), pk=pk)
    next_url = reverse("achievements:patent-detail", args=[pk])
    return attach_from_page(request, services.attachment_add, patent, next_url)


# --- Conferences --------------------------------------------------------------------------


class ConferenceListView(ScopedListView):
    visible_to = staticmethod(conferences_visible_to)
    filterset_class = ConferenceFilterSet
    template_name = "achievements/conference_list.html"
    partial_template_name = "achievements/partials/conference_results.html"
    context_object_name = "conferences"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_create": is_official(self.request.user)}


class ConferenceDetailView(ScopedListView):
    """A conference and, paged, the achievements it displayed that the reader may see."""

    filterset_class = AchievementFilterSet
    template_name = "achievements/conference_detail.html"
    partial_template_name = "achievements/partials/achievement_results.html"
    context_object_name = "achievements"

    def visible_to(self, user):
        self.conference = get_object_or_404(conferences_visible_to(user), pk=self.kwargs["pk"])
        return achievements_visible_to(user).filter(conferences=self.conference)

    def get_queryset(self):
        queryset = self.visible_to(self.request.user)
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "conference": self.conference}


@login_required
def conference_create(request):
    if not is_official(request.user):
        raise PermissionDenied
    form = ConferenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        conference = run_service(
            form, services.conference_create, by=request.user, **form.cleaned_data
        )
        if conference:
            messages.success(request, _("The conference has been recorded."))
            return redirect("achievements:conference-detail", pk=conference.pk)
    return render(request, "achievements/conference_form.html", {"form": form})

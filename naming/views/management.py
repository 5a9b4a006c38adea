"""Dynamic management pages under /studios/naming/ (docs/naming.md): the
rectifications (opened, closed, ended by de-listing) and this year's
re-reviews. Reads go through the scoping selectors, moves through
`naming.services` via `form_page` / `run_form_action`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from core.pages import ScopedListView, form_page, run_form_action
from naming import services
from naming.filtersets import RectificationFilterSet
from naming.forms import (
    RectificationCloseForm,
    RectificationDelistForm,
    RectificationForm,
    ReReviewForm,
)
from naming.models import Rectification
from naming.selectors import (
    re_reviews_visible_to,
    rectification_access,
    rectifications_visible_to,
    rectifications_with_access,
    studios_due_for_re_review,
    studios_rectifiable_by,
)
from studios.selectors import studios_visible_to


class RectificationListView(ScopedListView):
    visible_to = staticmethod(rectifications_visible_to)
    filterset_class = RectificationFilterSet
    export_api = "api:rectification"
    template_name = "naming/rectification_list.html"
    partial_template_name = "naming/partials/rectification_results.html"
    context_object_name = "rectifications"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_open"] = is_official(self.request.user)
        return context


@login_required
def rectification_create(request):
    """The office opens a rectification; `?studio=<id>` picks the studio."""
    if not is_official(request.user):
        raise PermissionDenied
    studios = studios_rectifiable_by(request.user)
    initial = {}
    if request.method == "GET" and request.GET.get("studio", "").isdigit():
        initial["studio"] = studios.filter(pk=request.GET["studio"]).first()
    form = RectificationForm(request.POST or None, studios=studios, initial=initial)
    return form_page(
        request,
        form,
        services.rectification_open,
        template="naming/rectification_form.html",
        done_message=_("The rectification has been opened; the studio is under rectification."),
        next_url=lambda rectification: reverse(
            "naming:rectification-detail", args=[rectification.pk]
        ),
    )


def _detail_context(request, rectification, **bound) -> dict:
    access = rectification_access(request.user, rectification)
    due = timezone.localdate() >= rectification.deadline
    may_decide = access.runs and rectification.status == Rectification.Status.OPEN and due
    return {
        "rectification": rectification,
        "studio": rectification.studio,
        "access": access,
        "deadline_passed": due,
        "close_form": (bound.get("close") or RectificationCloseForm()) if may_decide else None,
        "delist_form": (bound.get("delist") or RectificationDelistForm()) if may_decide else None,
        "events": rectification.events.select_related("actor"),
    }


def _visible(request, pk) -> Rectification:
    return get_object_or_404(rectifications_with_access(request.user), pk=pk)


@login_required
def rectification_detail(request, pk):
    rectification = _visible(request, pk)
    return render(
        request, "naming/rectification_detail.html", _detail_context(request, rectification)
    )


# move → (form, service, message); the message is read in the reader's language.
MOVES = {
    "close": (
        RectificationCloseForm,
        services.rectification_close,
        gettext_lazy("The rectification has been closed."),
    ),
    "delist": (
        RectificationDelistForm,
        services.rectification_delist,
        gettext_lazy("The studio has been de-listed."),
    ),
}


@require_POST
@login_required
def rectification_move(request, pk, move):
    if move not in MOVES:
        raise PermissionDenied
    rectification = _visible(request, pk)
    form_class, service, message = MOVES[move]
    detail = reverse("naming:rectification-detail", args=[rectification.pk])
    return run_form_action(
        request,
        form_class,
        service,
        rectification_id=rectification.pk,
        fields=dict,
        done_message=message,
        next_url=detail,
        render_refused=lambda bound: render(
            request,
            "naming/rectification_detail.html",
            _detail_context(request, _visible(request, pk), **{move: bound}),
            status=400,
        ),
    )


# --- Re-reviews ----------------------------------------------------------------------


def _this_year() -> int:
    return timezone.localdate().year


class ReReviewDueView(ScopedListView):
    """This year's re-reviews: the studios still due, each with its form, and
    the outcomes recorded so far."""

    template_name = "naming/re_review_list.html"
    context_object_name = "studios"

    @staticmethod
    def visible_to(user):
        return studios_due_for_re_review(user, _this_year())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = _this_year()
        for studio in context["studios"]:
            studio.re_review_form = ReReviewForm(prefix=f"s{studio.pk}")
        context["recorded"] = (
            re_reviews_visible_to(self.request.user)
            .filter(year=_this_year())
            .select_related("rectification")[:50]
        )
        return context


@require_POST
@login_required
def re_review_record(request, studio_pk):
    studio = get_object_or_404(studios_visible_to(request.user), pk=studio_pk)
    form = ReReviewForm(request.POST, prefix=f"s{studio.pk}")
    return run_form_action(
        request,
        form,
        services.re_review_record,
        studio=studio,
        fields=lambda data: {key: value for key, value in data.items() if value is not None},
        done_message=_("The re-review has been recorded."),
        next_url=reverse("naming:re-review-list"),
        render_refused=lambda bound: render(
            request,
            "naming/re_review_form.html",
            {"studio": studio, "form": bound, "year": _this_year()},
            status=400,
        ),
    )

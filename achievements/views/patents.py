"""Patent pages."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from achievements import services
from achievements.filtersets import (
    PatentFilterSet,
)
from achievements.forms import (
    PatentForm,
    PatentStatusForm,
)
from achievements.models import Inventor
from achievements.selectors import (
    patent_access,
    patent_status_targets,
    patents_with_access,
)
from achievements.views.common import studio_from_query
from core.attachments import attachments_of
from core.forms import AttachmentForm
from core.history import history_section
from core.pages import ScopedListView, attach_from_page, form_page, run_service
from studios.selectors import studio_access, studios_writable_by


def _patents(user):
    return patents_with_access(user).prefetch_related(
        Prefetch("inventors", Inventor.objects.select_related("person"))
    )


class PatentListView(ScopedListView):
    visible_to = staticmethod(_patents)
    export_api = "api:patent"
    filterset_class = PatentFilterSet
    template_name = "achievements/patent_list.html"
    partial_template_name = "achievements/partials/patent_results.html"
    context_object_name = "patents"


def _patent_detail_context(request, patent, **forms):
    access = patent_access(request.user, patent)
    context = {
        "patent": patent,
        "access": access,
        "events": patent.events.select_related("actor"),
        # Only insiders read the files: a public patent's readers see the record.
        "attachments": attachments_of(patent) if access.reads_full else [],
        "attachment_form": AttachmentForm() if access.edits else None,
        **history_section(
            request.user,
            patent,
            visible=access.reads_full and studio_access(request.user, patent.studio).manages,
            api="patent",
        ),
    }
    targets = patent_status_targets(patent)
    if access.edits and targets:
        context["status_form"] = forms.get("status_form") or PatentStatusForm(targets=targets)
    return context


@login_required
def patent_detail(request, pk):
    patent = get_object_or_404(_patents(request.user), pk=pk)
    return render(
        request, "achievements/patent_detail.html", _patent_detail_context(request, patent)
    )


def _patent_form_page(request, patent=None):
    editing = patent is not None
    studio = patent.studio if editing else studio_from_query(request)
    form = PatentForm(
        request.POST or None, instance=patent, user=request.user, studio=studio, editing=editing
    )
    return form_page(
        request,
        form,
        partial(services.patent_update, patent_id=patent.pk) if editing else services.patent_create,
        template="achievements/patent_form.html",
        context={"patent": patent, "studio": studio},
        done_message=_("The patent has been saved."),
        next_url=lambda saved: reverse("achievements:patent-detail", args=[saved.pk]),
    )


@login_required
def patent_create(request):
    if not studios_writable_by(request.user).exists():
        raise PermissionDenied
    return _patent_form_page(request)


@login_required
def patent_edit(request, pk):
    patent = get_object_or_404(_patents(request.user), pk=pk)
    if not patent_access(request.user, patent).edits:
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
        request,
        "achievements/patent_detail.html",
        _patent_detail_context(request, patent, status_form=form),
        status=400,
    )


@require_POST
@login_required
def patent_attach(request, pk):
    patent = get_object_or_404(_patents(request.user), pk=pk)
    next_url = reverse("achievements:patent-detail", args=[pk])
    return attach_from_page(request, services.attachment_add, patent, next_url)

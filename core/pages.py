"""Base classes for server-rendered pages, shared by every app.

A list page declares its scoping function, FilterSet and templates; the same
FilterSet serves the API, so page and API never disagree. An htmx request gets
only the results partial, so filtering and paging swap the table in place.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core.exceptions import Conflict
from core.exports import export_links
from core.forms import AttachmentForm
from core.keyset import keyset_page


class ScopedListView(LoginRequiredMixin, ListView):
    visible_to: Callable[..., QuerySet]
    filterset_class = None
    partial_template_name: str | None = None
    paginate_by = 25
    max_paginate_by = 100
    keyset = False
    # The API list this page shows (e.g. "api:proposal"): the page then offers
    # its rows as Excel and CSV through that list's export, with its filters.
    export_api: str | None = None

    def get_paginate_by(self, queryset):
        """`?page_size=` like the API (docs/api.md): default 25, capped at 100."""
        try:
            size = int(self.request.GET.get("page_size", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return max(1, min(size, self.max_paginate_by))

    def get_queryset(self):
        queryset = type(self).visible_to(self.request.user)
        self.filterset = None
        if self.filterset_class is None:  # a short list with nothing to filter (a queue)
            return queryset
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        # An invalid filter (e.g. a unit outside scope) shows the form errors and
        # an empty list rather than silently listing everything.
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        """A list that reaches millions of rows (`keyset = True`) pages by
        cursor, newer and older (core/keyset.py); the others by number."""
        if not self.keyset:
            return super().paginate_queryset(queryset, page_size)
        try:
            page = keyset_page(queryset, size=page_size, cursor=self.request.GET.get("cursor"))
        except ValidationError:  # a stale or mangled link: start at the top
            page = keyset_page(queryset, size=page_size, cursor=None)
        return page, page, page.rows, page.has_next or page.has_previous

    def get_template_names(self):
        if self.partial_template_name and getattr(self.request, "htmx", False):
            return [self.partial_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("cursor", None)
        context["query_without_page"] = query.urlencode()
        if self.export_api:
            context["export_links"] = export_links(self.export_api, query)
        return context


class ScopedDetailView(LoginRequiredMixin, DetailView):
    """Fetches from the viewer's scoped queryset: outside scope is a 404."""

    visible_to: Callable[..., QuerySet]

    def get_queryset(self):
        return type(self).visible_to(self.request.user)


def run_service(form, service, /, *, formsets: dict | None = None, **kwargs):
    """Call `service(**kwargs)` for a page form: a ValidationError lands on the
    form's fields (or on a formset named in `formsets`, e.g. the contributors
    rows), a Conflict (409) as a form-wide error; None means it failed and nothing
    was saved. PermissionDenied and Http404 pass through to 403/404 pages.
    `form` and `service` are positional-only, so a service may take a field
    named `form` (a story's literary form)."""
    formsets = formsets or {}
    try:
        return service(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                if field in formsets:
                    formsets[field].add_non_form_errors(errors)
                else:
                    form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    except Conflict as exc:
        form.add_error(None, str(exc.message))
    return None


def run_form_action(
    request,
    form,
    service,
    *,
    done_message: str,
    next_url,
    render_refused,
    fields: Callable[[dict], dict] | None = None,
    **kwargs,
):
    """A form on a record's page that asks a service for one move (activate,
    publish, screen, decide …), the one way every app does it.

    `form` is the form class (bound here to the POST) or a bound form; the
    service gets `by=request.user`, `kwargs` and the cleaned data, renamed by
    `fields(cleaned_data)` where the form's names are not the service's. Done:
    a message and `next_url` (a URL, or a callable answering the response).
    Refused: the page again through `render_refused(form)` with the form's
    errors; a refusal of the move itself is also said as a message, since the
    record may have moved on meanwhile and the form no longer be shown."""
    if isinstance(form, type):
        form = form(request.POST)
    if form.is_valid():
        if fields is None:
            data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        else:
            data = fields(form.cleaned_data)
        if run_service(form, service, by=request.user, **kwargs, **data):
            messages.success(request, done_message)
            return next_url() if callable(next_url) else redirect(next_url)
    for error in form.non_field_errors():
        messages.error(request, error)
    return render_refused(form)


def run_action(request, service, **kwargs):
    """A one-button action on a page (submit, withdraw …): a refusal (400 or 409)
    becomes an error message; None means nothing was done."""
    form = forms.Form(data={})
    form.is_valid()
    result = run_service(form, service, **kwargs)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return result


class DateInput(forms.DateInput):
    """The browser's own date picker (works on phones)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date-and-time picker, in local (Shanghai) time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        # With seconds, so an untouched value comes back exactly as it was.
        super().__init__({"step": 1, **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


def attach_from_page(request, service, record, next_url: str):
    """Handle a page's "add a file" form: the app's `service(record=, by=, upload=)`
    checks the right to write; errors become a message, nothing is saved."""
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form, service, record=record, by=request.user, upload=form.cleaned_data["file"]
    ):
        messages.success(request, _("The file has been added."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(next_url)


def form_changes(form, *, editing: bool = True) -> dict:
    """What a valid form asks a service to save: every field when creating, only
    the fields the user changed when editing (services treat a sent field as a
    change, and some fields are only the official's to change)."""
    fields = form.changed_data if editing else form.fields
    return {field: form.cleaned_data[field] for field in fields if field in form.cleaned_data}


def form_page(
    request,
    form,
    service,
    *,
    template: str,
    done_message: str,
    next_url,
    context=None,
    formsets: dict | None = None,
    formset_changes: Callable[[bool], dict] | None = None,
    **kwargs,
):
    """A create or edit page, the one way every app does it: `form` is bound to
    the POST (unbound on a GET). On a valid POST the service gets `by`, `kwargs`
    and the form's data (only the changed fields when the form edits a saved
    record, see `form_changes`); done: a message and `next_url(saved)`. Else the
    page with the form and its errors: 400 after a POST.

    `formsets` (name → formset, bound like the form: the rows of a record, e.g.
    its contributors) are shown beside the form under their names and must be
    valid too; the service also gets `formset_changes(editing)`, what they ask
    it to save, and its errors named after a formset land on that formset."""
    formsets = formsets or {}
    if (
        request.method == "POST"
        and form.is_valid()
        and all(formset.is_valid() for formset in formsets.values())
    ):
        instance = getattr(form, "instance", None)
        editing = instance is not None and instance.pk is not None
        data = form_changes(form, editing=editing)
        if formset_changes is not None:
            data.update(formset_changes(editing))
        saved = run_service(form, service, formsets=formsets, by=request.user, **kwargs, **data)
        if saved:
            messages.success(request, done_message)
            return redirect(next_url(saved))
    return render(
        request,
        template,
        {"form": form, **formsets, **(context or {})},
        status=400 if request.method == "POST" else 200,
    )

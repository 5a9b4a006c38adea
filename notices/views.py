from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pages import ScopedListView
from notices import services
from notices.filtersets import NoticeFilterSet
from notices.forms import NoticePreferencesForm
from notices.selectors import notice_preferences_of, notices_visible_to, unread_notice_count


class NoticeListView(ScopedListView):
    """The reader's notices: unread first, newest first; each opens its record."""

    visible_to = staticmethod(notices_visible_to)
    filterset_class = NoticeFilterSet
    template_name = "notices/notice_list.html"
    partial_template_name = "notices/partials/notice_results.html"
    context_object_name = "notices"


@login_required
def notice_bell(request):
    """The navigation's bell with the unread count, loaded by htmx after the
    page: one indexed count, and never cached by a browser or a proxy."""
    response = render(
        request, "notices/partials/bell.html", {"count": unread_notice_count(request.user)}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def notice_open(request, pk):
    """Mark the notice read and go to its record."""
    notice = get_object_or_404(notices_visible_to(request.user), pk=pk)
    services.notice_mark_read(notice_id=notice.pk, by=request.user)
    if notice.url and url_has_allowed_host_and_scheme(
        notice.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notice.url)
    return redirect("notices:notice-list")


@login_required
@require_POST
def notice_read(request, pk):
    """Mark the notice read and stay on the list."""
    notice = get_object_or_404(notices_visible_to(request.user), pk=pk)
    services.notice_mark_read(notice_id=notice.pk, by=request.user)
    return redirect("notices:notice-list")


@login_required
@require_POST
def notices_read_all(request):
    marked = services.notices_mark_all_read(by=request.user)
    messages.success(request, _("%(count)s notices marked read.") % {"count": marked})
    return redirect("notices:notice-list")


@login_required
def notice_preferences(request):
    """When the reader gets each kind by email: at once, in the daily digest or
    not at all; the app always shows it."""
    rows = notice_preferences_of(request.user)
    form = NoticePreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if form.is_valid():
            services.notice_preferences_set(person=request.user, choices=form.choices())
            messages.success(request, _("Your choices are saved."))
            return redirect("notices:preferences")
        return render(request, "notices/preferences.html", {"form": form}, status=400)
    return render(request, "notices/preferences.html", {"form": form})

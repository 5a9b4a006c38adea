"""Pages: the public check of a certificate's code (/verify/), and the
certificate downloads linked from the proposal, studio and profile pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.exceptions import Conflict
from documents.certificates.codes import grouped, normalised
from documents.certificates.limits import verify_wait
from documents.certificates.pdf import certificate_download
from documents.certificates.selectors import certificate_by_code
from documents.certificates.services import honour_certificate, proposal_certificate
from studios.models import Honour


@require_GET
def verify_lookup(request):
    """The form to type a code from paper; a typed code goes to its page."""
    typed = request.GET.get("code", "")
    if normalised(typed):
        return redirect("documents:verify", code=normalised(typed))
    return render(request, "documents/verify_lookup.html")


@require_GET
def verify(request, code):
    """What the certificate with this code states, and nothing else about
    anyone; "not found" (404) for a code nobody was given. No sign-in; each
    address checks a limited number of codes per window (429 past it)."""
    wait = verify_wait(request)
    if wait is not None:
        response = render(request, "documents/verify_limited.html", status=429)
        response["Retry-After"] = str(wait)
        return response
    certificate = certificate_by_code(code)
    context = {"certificate": certificate, "code": grouped(normalised(code))}
    response = render(request, "documents/verify.html", context, status=200 if certificate else 404)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def proposal_certificate_page(request, pk):
    """The proposal page's download (403 and 404 pages as for the API; a
    proposal not awarded goes back to its page with the reason)."""
    try:
        certificate = proposal_certificate(proposal_id=pk, by=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("competitions:proposal-detail", pk=pk)
    return certificate_download(request, certificate)


@login_required
def honour_certificate_page(request, pk):
    """A personal honour's download, from the person's profile."""
    return _honour_download(request, pk)


@login_required
def studio_honour_certificate_page(request, studio_pk, list_pk):
    """A studio's honour on one list (a studio is on a list at most once), from
    the studio page."""
    honour = get_object_or_404(
        Honour.objects.only("pk"), studio_id=studio_pk, recognition_list_id=list_pk
    )
    return _honour_download(request, honour.pk)


def _honour_download(request, honour_id: int):
    """The honour's certificate (403 and 404 pages as for the API); a revoked
    honour goes back to the page that shows it, with the reason."""
    try:
        certificate = honour_certificate(honour_id=honour_id, by=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(_honour_page(honour_id))
    return certificate_download(request, certificate)


def _honour_page(honour_id: int) -> str:
    """Where an honour is shown: its studio's page, or the person's profile.
    Asked only once the service has let the reader see the honour."""
    honour = Honour.objects.only("studio_id", "person_id").get(pk=honour_id)
    if honour.studio_id:
        return reverse("studios:studio-detail", args=[honour.studio_id])
    return reverse("showcase:profile", args=[honour.person_id])

"""`GET /api/v1/proposals/{id}/certificate/` and `GET /api/v1/honours/{id}/certificate/`:
the certificate PDF (docs/api.md). Who may download it and the 403/404/409
answers are the services'; the API's exception handler words them."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from core.api.schema import error_answer
from documents.certificates.pdf import certificate_download
from documents.certificates.services import honour_certificate, proposal_certificate

PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


class ProposalCertificateView(APIView):
    @extend_schema(responses={**PDF, 409: error_answer(409)}, operation_id="proposals_certificate")
    def get(self, request, pk: int):
        """An awarded proposal's certificate: its authors, co-authors and the
        officials over it (403 for others who see it; 409 unless awarded)."""
        certificate = proposal_certificate(proposal_id=pk, by=request.user)
        return certificate_download(request, certificate)


class HonourCertificateView(APIView):
    @extend_schema(responses={**PDF, 409: error_answer(409)}, operation_id="honours_certificate")
    def get(self, request, pk: int):
        """An honour's certificate: the person and the officials over them, or
        the studio's members and the officials over it (403 for others who see
        it; 409 `honour_revoked` once the honour is revoked)."""
        certificate = honour_certificate(honour_id=pk, by=request.user)
        return certificate_download(request, certificate)


urlpatterns = [
    path(
        "proposals/<int:pk>/certificate/",
        ProposalCertificateView.as_view(),
        name="proposal-certificate",
    ),
    path(
        "honours/<int:pk>/certificate/",
        HonourCertificateView.as_view(),
        name="honour-certificate",
    ),
]

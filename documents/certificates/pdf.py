"""The certificate as a PDF (core.pdf: fpdf2 and the shipped font): the
statement, the issuing union, the date, the verification code and a QR code of
the /verify/ address."""

import io

import segno
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.downloads import private_download
from core.pdf import FONT, PDF_TYPE, new_pdf
from documents.certificates.codes import grouped
from documents.models import Certificate

INK = (40, 40, 40)
RED = (170, 20, 20)
GOLD = (176, 141, 60)


def certificate_download(request, certificate: Certificate) -> HttpResponse:
    """The certificate as a PDF download, for the page and the API alike; its
    QR code holds this site's absolute /verify/ address (as the request reached
    it). Named in the product's language after the recipients (RFC 6266's
    `filename*=` carries the Chinese), never kept in a shared cache."""
    verify_url = request.build_absolute_uri(reverse("documents:verify", args=[certificate.code]))
    with translation.override(settings.LANGUAGE_CODE):
        name = f"{_('Certificate')}-{certificate.recipient[:40]}.pdf"
    name = name.replace("/", "-").replace("\\", "-")
    return private_download(
        certificate_pdf(certificate, verify_url), filename=name, content_type=PDF_TYPE
    )


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate's PDF, worded in the product's language (the statement
    was stored in it), whoever downloads it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render(certificate, verify_url)


def _sentence(certificate: Certificate) -> str:
    values = {
        "subject": certificate.subject,
        "distinction": certificate.distinction,
        "occasion": certificate.occasion,
    }
    if certificate.kind == Certificate.Kind.AWARD:
        return (
            _("Your five-small proposal “%(subject)s” won the %(distinction)s in %(occasion)s.")
            % values
        )
    if certificate.kind == Certificate.Kind.PERSONAL_HONOUR:
        return _("You have been named %(distinction)s on %(occasion)s.") % values
    return _("Your studio has been named on %(occasion)s: %(distinction)s.") % values


def _render(certificate: Certificate, verify_url: str) -> bytes:
    pdf = new_pdf(title=_("Certificate"), orientation="landscape")
    pdf.add_page()
    width, height = pdf.w, pdf.h

    # A double frame.
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, width - 28, height - 28)

    pdf.set_text_color(*RED)
    pdf.set_font(FONT, size=34)
    pdf.set_xy(20, 30)
    pdf.cell(width - 40, 16, _("Certificate of Honour"), align="C")

    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=22)
    pdf.set_xy(35, 62)
    pdf.multi_cell(
        width - 70, 11, _("%(recipient)s:") % {"recipient": certificate.recipient}, align="L"
    )
    pdf.set_font(FONT, size=17)
    pdf.set_x(45)
    pdf.multi_cell(width - 80, 10, _sentence(certificate), align="L")
    pdf.set_x(45)
    pdf.multi_cell(width - 80, 10, _("This certificate is presented in recognition."), align="L")

    # Issuer and date, bottom right.
    pdf.set_font(FONT, size=16)
    pdf.set_xy(width / 2, height - 62)
    pdf.cell(width / 2 - 35, 9, certificate.issuer, align="R")
    pdf.set_xy(width / 2, height - 52)
    pdf.cell(width / 2 - 35, 9, certificate.dated, align="R")

    # Verification, bottom left: the QR code, the code and where to check it.
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=1)
    qr.seek(0)
    pdf.image(qr, x=24, y=height - 66, w=36, h=36)
    pdf.set_font(FONT, size=11)
    pdf.set_xy(64, height - 62)
    pdf.cell(100, 7, _("Verification code: %(code)s") % {"code": grouped(certificate.code)})
    pdf.set_xy(64, height - 54)
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(
        100,
        5,
        _("Scan the code or open %(url)s to check this certificate.") % {"url": verify_url},
        align="L",
    )
    return bytes(pdf.output())

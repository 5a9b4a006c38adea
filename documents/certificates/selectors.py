"""Reading certificates: the public check of a code."""

from django.db.models import F

from documents.certificates.codes import normalised
from documents.models import Certificate


def certificate_by_code(typed: str) -> Certificate | None:
    """The certificate a code (as printed or typed) belongs to, or None. Read by
    anyone, signed in or not: it holds only what the paper states, and
    `revoked_on`, the day the honour it certifies was revoked (摘牌; None for an
    award or a title still held). The reason and who revoked it are the
    office's (docs/documents.md), so they are not read here."""
    code = normalised(typed)
    if not code:
        return None
    certificates = Certificate.objects.annotate(revoked_on=F("honour__revoked_on"))
    return certificates.filter(code=code).first()

"""Reading certificates: the public check of a code."""

from documents.certificates.codes import normalised
from documents.models import Certificate


def certificate_by_code(typed: str) -> Certificate | None:
    """The certificate a code (as printed or typed) belongs to, or None. Read by
    anyone, signed in or not: it holds only what the paper states."""
    code = normalised(typed)
    if not code:
        return None
    return Certificate.objects.filter(code=code).first()

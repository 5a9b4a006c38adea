"""Demo certificates (docs/documents.md): `worker`'s award from last year and
`lead`'s May Day medal are issued, so /verify/ has real codes to check before
anyone downloads a certificate. Idempotent: a certificate is issued once."""

from accounts.models import User
from competitions.models import Proposal
from core import demo
from documents.certificates.services import honour_certificate, proposal_certificate
from documents.models import Certificate
from studios.models import Honour


@demo.seeder(order=80)
def seed_certificates() -> None:
    worker = User.objects.filter(employee_no="worker").first()
    awarded = (
        Proposal.objects.filter(author=worker, status=Proposal.Status.AWARDED, award__isnull=False)
        .order_by("pk")
        .first()
    )
    if awarded is not None:
        proposal_certificate(proposal_id=awarded.pk, by=worker)
    lead = User.objects.filter(employee_no="lead").first()
    medal = Honour.objects.filter(person=lead).order_by("pk").first()
    if medal is not None:
        honour_certificate(honour_id=medal.pk, by=lead)


@demo.summary
def demo_certificates() -> list[str]:
    codes = list(Certificate.objects.order_by("pk").values_list("code", flat=True)[:2])
    if not codes:
        return []
    return ["", "Certificates to check without signing in:"] + [
        f"  /verify/{code}/" for code in codes
    ]

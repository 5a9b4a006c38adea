"""Certificates the union issues for a five-small award and for an honour, each
with a code anyone can check at /verify/<code>/ (docs/documents.md)."""

from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


class Certificate(models.Model):
    """What one certificate states, fixed when it is first issued: every later
    download prints the same words and the same code, and /verify/ shows them.
    One per awarded proposal (naming its author and co-authors, as the award
    itself is one) and one per honour (a studio's or a person's)."""

    class Kind(models.TextChoices):
        AWARD = "award", _("Five-small award")
        STUDIO_HONOUR = "studio_honour", _("Studio honour")
        PERSONAL_HONOUR = "personal_honour", _("Personal honour")

    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # One certificate per record: the unique one-to-one keys are what makes two
    # first downloads at the same moment end with one certificate.
    proposal = models.OneToOneField(
        "competitions.Proposal",
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
    )
    honour = models.OneToOneField(
        "studios.Honour",
        verbose_name=_("honour"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
    )
    # The statement, in the product's language, as printed.
    recipient = models.CharField(_("awarded to"), max_length=500)
    subject = models.CharField(_("proposal title"), max_length=200, blank=True)
    distinction = models.CharField(_("award or honour"), max_length=200)
    occasion = models.CharField(_("competition or list"), max_length=200)
    # The day it was awarded or conferred; an honour recorded without its day
    # states its list's year only.
    awarded_on = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    issuer = models.CharField(_("issued by"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # An award's certificate hangs on its proposal, an honour's on the honour.
            models.CheckConstraint(
                condition=(Q(kind="award", proposal__isnull=False, honour__isnull=True))
                | (
                    Q(kind__in=["studio_honour", "personal_honour"])
                    & Q(proposal__isnull=True, honour__isnull=False)
                ),
                name="%(app_label)s_%(class)s_one_record",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9A-Z]{10,16}$"),
                name="%(app_label)s_%(class)s_code_shape",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def dated(self) -> str:
        """The date as printed: the day, or the year when the day is unknown."""
        if self.awarded_on is not None:
            return formats.date_format(self.awarded_on, "DATE_FORMAT")
        return _("%(year)s (year)") % {"year": self.year}

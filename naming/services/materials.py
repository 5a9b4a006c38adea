"""The applicant's supporting materials (申报附件): files the applicant side
attaches to its draft and the office adds until the public notice starts; its
insiders and its experts read them (docs/naming.md). The site visit's photos,
which the experts do not read, are `review.naming_visit_photo_add`."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from core import attachments
from core.exceptions import Conflict
from core.models import Attachment
from core.services import ensure
from naming.models import NamingApplication, NamingMaterials
from naming.selectors import naming_application_access, naming_materials_of
from naming.services.guards import locked_application

Status = NamingApplication.Status
# The office adds materials from the submission until the public notice starts.
OFFICE_ADDS = (Status.SUBMITTED, Status.RECOMMENDED, Status.UNDER_REVIEW, Status.SITE_VISIT)


def may_add_materials(access, application: NamingApplication) -> bool:
    """Whether the reader may add a supporting file now (the page's upload form)."""
    return (access.applies and application.status == Status.DRAFT) or (
        access.runs and application.status in OFFICE_ADDS
    )


def may_remove_material(access, application: NamingApplication, attachment: Attachment) -> bool:
    """Whether the reader may take this supporting file off: the applicant side
    any of its draft's, the office one it added itself after the submission
    (a wrong file), until the public notice starts. What the applicant sent
    in stays as it was submitted."""
    if access.applies and application.status == Status.DRAFT:
        return True
    return (
        access.runs
        and application.status in OFFICE_ADDS
        and application.submitted_at is not None
        and attachment.uploaded_at >= application.submitted_at
    )


@transaction.atomic
def naming_material_add(*, record: NamingApplication, by: User, upload) -> Attachment:
    """Attach a supporting file: the applicant side (the studio's leader, the
    officials over the studio) while the application is a draft, the office
    over the call from its submission until the public notice starts."""
    application = locked_application(record.pk, by)
    access = naming_application_access(by, application)
    ensure(
        access.applies or access.runs,
        PermissionDenied(
            _("Only the applicant or the union office over the call adds supporting materials.")
        ),
    )
    if not may_add_materials(access, application):
        raise Conflict(
            _("Supporting materials are added until the public notice starts.")
            if access.runs
            else _("Supporting materials are added while the application is a draft.")
        )
    materials, _created = NamingMaterials.objects.get_or_create(application=application)
    return attachments.attachment_create(owner=materials, upload=upload, by=by)


@transaction.atomic
def naming_material_remove(
    *, application_id: int, attachment_id: int, by: User
) -> NamingApplication:
    """The applicant side takes a supporting file off its draft, the office
    one it added after the submission (`may_remove_material`); a file the
    application does not hold is a 404."""
    application = locked_application(application_id, by)
    access = naming_application_access(by, application)
    ensure(
        access.applies or access.runs,
        PermissionDenied(
            _("Only the applicant or the union office over the call removes supporting materials.")
        ),
    )
    attachment = naming_materials_of(application).filter(pk=attachment_id).first()
    ensure(attachment is not None, Http404())
    if not may_remove_material(access, application, attachment):
        raise Conflict(
            _(
                "The office removes only a file it added after the submission, until the "
                "public notice starts."
            )
            if access.runs
            else _("Supporting materials are removed only while the application is a draft.")
        )
    attachments.attachment_delete(attachment=attachment)
    return application

"""Every kind of notice, with its translated title and text (docs/notices.md
lists them and who receives each). A notice stores its kind and parameters;
`render()` writes the text in the active language when it is read or mailed."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    code: str  # `<app>.<event>`
    title: Promise  # the mail's subject and the preferences page's row
    text: Promise  # %-format with the notice's parameters
    # Bound for the office: also posted to the unit's messenger group, if it has one.
    office: bool = False


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in [
        # Five-small (wired by the competitions services).
        Kind(
            "competitions.proposal_submitted",
            _("Proposal received"),
            _("Your proposal “%(title)s” was received under code %(code)s."),
        ),
        Kind(
            "competitions.proposal_returned",
            _("Proposal returned"),
            _("Your proposal “%(title)s” was returned for changes: %(reason)s"),
        ),
        Kind(
            "competitions.proposal_not_eligible",
            _("Proposal not eligible"),
            _("Your proposal “%(title)s” was found not eligible: %(reason)s"),
        ),
        Kind(
            "competitions.proposal_duplicate",
            _("Proposal marked as a duplicate"),
            _("Your proposal “%(title)s” was found to duplicate another: %(reason)s"),
        ),
        Kind(
            "competitions.proposal_screening_undone",
            _("Screening outcome undone"),
            _(
                "The office took back its outcome on your proposal “%(title)s”; "
                "it will be screened again: %(reason)s"
            ),
        ),
        Kind(
            "competitions.proposal_decided",
            _("Proposal decided"),
            _("A decision was made on your proposal “%(title)s”: %(decision)s."),
        ),
        Kind(
            "competitions.proposal_implemented",
            _("Proposal implemented"),
            _("Your proposal “%(title)s” is recorded as implemented."),
        ),
        Kind(
            "competitions.benefit_verified",
            _("Benefit verified"),
            _("The benefit of your proposal “%(title)s” was verified."),
        ),
        Kind(
            "competitions.proposal_awarded",
            _("Proposal awarded"),
            _("Your proposal “%(title)s” won %(grade)s; your share is %(share)s %%."),
        ),
        Kind(
            "competitions.proposal_resubmitted",
            _("Returned proposal back"),
            _("The returned proposal %(code)s came back revised."),
            office=True,
        ),
        Kind(
            "competitions.review_assigned",
            _("Review assigned"),
            # The title, never the code: a blind reviewer may not learn it.
            _("You are asked to review the proposal “%(title)s” by %(due)s."),
        ),
        Kind(
            "competitions.review_due",
            _("Review due soon"),
            # The title, never the code (as for the assignment).
            _("Your review of the proposal “%(title)s” is due on %(due)s."),
        ),
        Kind(
            "competitions.review_overdue",
            _("Review overdue"),
            # The reviewer's own reminder: blind-safe, like the assignment.
            _("Your review of the proposal “%(title)s” was due on %(due)s and is not in."),
        ),
        Kind(
            "competitions.review_overdue_office",
            _("Review overdue"),
            # The office may know the code and who is late (never sent to a reviewer).
            _(
                "The review of the proposal %(code)s “%(title)s” by %(reviewers)s "
                "was due on %(due)s and is not in."
            ),
            office=True,
        ),
        # Mentoring.
        Kind(
            "apprenticeships.session_to_confirm",
            _("Session to confirm"),
            _("%(mentor)s logged a session on %(held_on)s (%(topic)s): confirm you attended."),
        ),
        Kind(
            "apprenticeships.pairing_activated",
            _("Pairing started"),
            _("The pairing of %(mentor)s and %(apprentice)s has started."),
        ),
        Kind(
            "apprenticeships.pairing_extended",
            _("Pairing extended"),
            _("The pairing of %(mentor)s and %(apprentice)s now ends on %(end)s."),
        ),
        Kind(
            "apprenticeships.pairing_terminated",
            _("Pairing ended early"),
            _("The pairing of %(mentor)s and %(apprentice)s was ended: %(reason)s"),
        ),
        Kind(
            "apprenticeships.pairing_completed",
            _("Pairing completed"),
            _(
                "%(apprentice)s passed the final appraisal: "
                "the pairing with %(mentor)s is complete."
            ),
        ),
        Kind(
            "apprenticeships.pairing_at_risk",
            _("Pairing at risk"),
            _(
                "The pairing of %(mentor)s and %(apprentice)s is at risk since %(since)s: "
                "no recent session or a step past due."
            ),
            office=True,
        ),
        Kind(
            "apprenticeships.evaluation_due",
            _("Evaluation due"),
            _("Evaluation due for %(apprentice)s (mentor %(mentor)s): %(level)s, %(period)s."),
        ),
        # Studios and achievements.
        Kind(
            "studios.status_changed",
            _("Studio status changed"),
            _("The status of studio “%(studio)s” is now %(status)s."),
        ),
        Kind(
            "studios.assessment_recorded",
            _("Studio assessed"),
            _("An assessment of studio “%(studio)s” was recorded: %(result)s."),
        ),
        Kind(
            "studios.studio_dormant",
            _("Studio dormant"),
            _("Studio “%(studio)s” shows no activity since %(since)s."),
            office=True,
        ),
        Kind(
            "achievements.benefit_verified",
            _("Achievement benefit verified"),
            _("The benefit of “%(title)s” was verified."),
        ),
        Kind(
            "achievements.patent_status_changed",
            _("Patent status changed"),
            _("The patent “%(title)s” is now %(status)s."),
        ),
        # Naming (命名): the applicant hears the office's decision or a return to review.
        Kind(
            "naming.application_decided",
            _("Naming application decided"),
            _("The application of studio “%(studio)s” was decided: %(status)s. %(reason)s"),
        ),
        Kind(
            "naming.application_returned",
            _("Naming application back in review"),
            _(
                "An objection to the application of studio “%(studio)s” was upheld; "
                "it is back in expert review: %(reason)s"
            ),
        ),
        Kind(
            "naming.expert_asked",
            _("Asked to score a naming application"),
            _(
                "You are asked to score the application of studio “%(studio)s” "
                "under the call “%(call)s”."
            ),
        ),
        Kind(
            "naming.score_due",
            _("Naming scores due soon"),
            _(
                "Your scores for the application of studio “%(studio)s” under the call "
                "“%(call)s” are due by %(due)s."
            ),
        ),
        Kind(
            "naming.score_overdue",
            _("Naming scores overdue"),
            _(
                "Your scores for the application of studio “%(studio)s” under the call "
                "“%(call)s” were due by %(due)s and are not in yet."
            ),
        ),
        Kind(
            "naming.score_overdue_office",
            _("Experts late with their scores"),
            _(
                "The application of studio “%(studio)s” still waits for the scores of "
                "%(experts)s, due by %(due)s."
            ),
            office=True,
        ),
        # Dynamic management (docs/naming.md): the office hears a rectification's
        # deadline came, with what the studio produced since it opened.
        Kind(
            "naming.rectification_checked",
            _("Rectification deadline reached"),
            _(
                "The rectification of studio “%(studio)s” reached its deadline %(deadline)s. "
                "Since it opened: %(achievements)s achievements, %(patents)s patents filed, "
                "%(benefits)s benefits verified. Close it or de-list the studio."
            ),
            office=True,
        ),
        # Showcase.
        Kind(
            "showcase.story_returned",
            _("Story sent back"),
            _("Your story “%(title)s” was sent back: %(reason)s"),
        ),
        Kind(
            "showcase.story_published",
            _("Story published"),
            _("Your story “%(title)s” is published."),
        ),
        # Reports and imports.
        Kind("reports.run_ready", _("Report ready"), _("Your report “%(title)s” is ready.")),
        Kind(
            "reports.run_failed",
            _("Report failed"),
            _("Your report “%(title)s” could not be built."),
        ),
        Kind(
            "hr.import_ready",
            _("Import ready"),
            _("Your import “%(title)s” is %(status)s."),
            office=True,
        ),
        Kind(
            "hr.import_failed",
            _("Import failed"),
            _("Your import “%(title)s” failed."),
            office=True,
        ),
        # Account.
        Kind(
            "accounts.password_reset",
            _("Password reset"),
            _("The union office gave you a new one-time password; choose your own at sign-in."),
        ),
        Kind(
            "accounts.lockout_lifted",
            _("Lockout lifted"),
            _("The union office lifted the sign-in lockout of your account."),
        ),
    ]
}


def kind_of(code: str) -> Kind:
    """The kind with this code; an unknown code is a programming error."""
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"Unknown notice kind: {code}") from None


def render(code: str, params: dict) -> str:
    """The notice's text in the active language. A notice whose parameters no
    longer fit its text (a template changed since) shows the kind's title
    rather than failing the page."""
    kind = KINDS.get(code)
    if kind is None:
        return code
    try:
        return str(kind.text) % params
    except (KeyError, TypeError, ValueError):
        log.warning("notice of kind %s does not fit its text", code)
        return str(kind.title)


def in_product_language(label) -> str:
    """A label (a status, a grade) for a notice's parameters, in the product's
    language: parameters are stored, and mails and messenger posts are written
    in it, whatever the language of the person who acted."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)

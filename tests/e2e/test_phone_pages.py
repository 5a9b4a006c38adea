"""The newer pages on a 360 px phone, each as the person who uses it there: the
union office (naming, rectifications, re-reviews, role grants, account care,
HR imports, a proposal's undo, what needs its action), a studio's lead, a
worker and a naming expert. Every page is read with its folded parts open
(filters, the change history, a re-review's form); none is wider than the
screen, every checkbox sits just before its label (a long label pushed it to
the line's far end), and each is kept as a screenshot
(test-artifacts/screenshots/phone-*)."""

import csv
import io
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from competitions import services as competition_services
from hr import services as hr_services
from naming import services as naming_services
from naming.models import NamingApplication
from studios import services as studio_services
from studios.models import Membership
from tests.competitions.conftest import submitted  # noqa: F401 — a shared level
from tests.e2e.phone import PHONE_HEIGHT, PHONE_WIDTH
from tests.hr.imports import PEOPLE_HEADER, person_row
from tests.naming.conftest import (  # noqa: F401 — shared levels
    bring_to,
    deadline_passed,
    managed,
    notice_over,
    staged,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = NamingApplication.Status

# What a phone hides until it is tapped: the filters (folded under their
# button), and every <details> (the change history, a re-review's form).
UNFOLD = """() => {
  document.querySelectorAll('details').forEach((details) => { details.open = true; });
  document.querySelectorAll('#filters.collapse').forEach((form) => form.classList.add('show'));
}"""
# What sticks out past the screen's edge (the innermost elements that do), so a
# failure names them.
STICKING_OUT = """(width) => [...document.body.querySelectorAll('*')]
  .filter((element) => element.getBoundingClientRect().right > width
    && [...element.children].every((child) => child.getBoundingClientRect().right <= width))
  .slice(0, 5)
  .map((element) => `<${element.tagName.toLowerCase()} class="${element.className}">`
    + ` ${(element.textContent || '').trim().slice(0, 40)}`)"""
# The labels of the checkboxes shown that do not start just after their box, on
# the same line.
BOXES_APART = """() => [...document.querySelectorAll('input[type=checkbox]')]
  .filter((box) => box.id && box.offsetParent !== null)
  .map((box) => [box.getBoundingClientRect(), document.querySelector(`label[for="${box.id}"]`)])
  .filter(([box, label]) => label && !(() => {
    const text = label.getBoundingClientRect();
    return text.left >= box.right && text.left - box.right <= 16
      && text.top < box.bottom && text.bottom > box.top;
  })())
  .map(([box, label]) => label.textContent.trim().slice(0, 40))"""


@dataclass(frozen=True)
class Visit:
    name: str
    url: str
    shown: str  # a selector for what the page is for


def test_the_newer_pages_fit_a_phone_for_each_role(
    staged,  # noqa: F811
    managed,  # noqa: F811
    submitted,  # noqa: F811
    live_server,
    open_page,
    screenshot,
    sign_in,
    media,
):
    year = given_a_year_of_work(staged, managed, submitted)
    too_wide, boxes_apart = {}, {}

    def check(page, name, shown):
        expect(page.locator(shown).first).to_be_visible()
        page.evaluate(UNFOLD)
        if page.evaluate("document.documentElement.scrollWidth") > PHONE_WIDTH:
            too_wide[name] = page.evaluate(STICKING_OUT, PHONE_WIDTH)
        if apart := page.evaluate(BOXES_APART):
            boxes_apart[name] = apart
        screenshot(page, f"phone-{name}")

    def visit_all(person, visits):
        page = open_page(locale="zh-CN", width=PHONE_WIDTH, height=PHONE_HEIGHT)
        page.on("dialog", lambda dialog: dialog.accept())
        sign_in(page, live_server, person.employee_no)
        for visit in visits:
            page.goto(f"{live_server.url}{visit.url}")
            check(page, visit.name, visit.shown)
        return page

    # The union office reads its pages, …
    office = visit_all(year.official, year.office_visits)
    # … resets a locked-out worker's password (the one-time password shows once) …
    office.goto(f"{live_server.url}{year.locked_out_url}")
    office.get_by_test_id("account-actions").get_by_role("button", name="重置密码").click()
    check(office, "office-person-one-time-password", "[data-testid=one-time-password]")
    # … and sends a studio to rectification without the reason it needs: refused, explained
    office.goto(f"{live_server.url}{reverse('naming:re-review-list')}")
    due = office.get_by_test_id(f"due-{year.due_studio.code}")
    due.locator("summary").click()
    due.locator("select[name$=outcome]").select_option("rectify")
    due.get_by_role("button", name="录入").click()
    check(office, "office-re-review-refused", "[data-testid=re-review-form] .invalid-feedback")

    visit_all(year.lead, year.lead_visits)
    visit_all(year.worker, year.worker_visits)
    visit_all(year.expert, year.expert_visits)

    assert too_wide == {}
    assert boxes_apart == {}


@dataclass
class Year:
    official: object
    lead: object
    worker: object
    expert: object
    due_studio: object
    locked_out_url: str
    office_visits: list
    lead_visits: list
    worker_visits: list
    expert_visits: list


def given_a_year_of_work(staged, managed, submitted):  # noqa: F811
    """The dust studio's applications at every step (one on notice, objected
    to, its days over), its rectification past its deadline, a member who left
    today; the washing studio's application on notice; the turbine studio due
    for re-review; worker_a's proposal returned to him by the group office and
    his draft; colleague_a locked out after three wrong passwords; an HR file
    checked, with a row in error."""
    org, studios = managed.org, managed.studios
    official, dust = org.group_official, studios.dust
    at = staged.at
    expert = staged.naming_calls.expert

    on_notice = at[Status.PUBLIC_NOTICE]
    naming_services.objection_lodge(
        by=org.worker_b,
        application=on_notice,
        reason="申报材料中“年创效益一百二十万元”与车间台账不一致，请核实后再公示。",
    )
    notice_over(on_notice)
    bring_to(staged.naming_calls, Status.PUBLIC_NOTICE, studio=studios.washing)
    deadline_passed(managed.rectification)
    member = Membership.objects.get(studio=dust, person=studios.member_a)
    studio_services.membership_end(membership_id=member.pk, by=studios.lead_a)

    returned = competition_services.proposal_return(
        proposal_id=submitted.spray.pk,
        by=official,
        comment="请补充节水量的测算依据（附近三个月的用水台账），并写明感应阀的型号。",
    )
    AccessAttempt.objects.create(
        username=org.colleague_a.employee_no,
        ip_address="10.0.0.1",
        user_agent="Mozilla/5.0 (Linux; Android 13)",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    run = hr_services.import_request(by=official, kind="people", upload=hr_file(org))

    def application(status):
        return reverse("naming:application-detail", args=[at[status].pk])

    rectification = reverse("naming:rectification-detail", args=[managed.rectification.pk])
    studio_page = reverse("studios:studio-detail", args=[dust.pk])
    person_url = reverse("accounts:person-detail", args=[org.colleague_a.pk])
    naming_pages = [
        Visit("naming-calls", reverse("naming:call-list"), "[data-testid=public-notice]"),
        Visit("naming-applications", reverse("naming:application-list"), "#results table"),
        Visit("rectifications", reverse("naming:rectification-list"), "#results table"),
        Visit("rectification", rectification, "[data-testid=plan]"),
    ]
    office_visits = [
        Visit("office-home", reverse("reports:home"), "[data-testid=needs-action]"),
        Visit("office-studio", studio_page, "[data-testid=naming-panel]"),
        *(Visit(f"office-{v.name}", v.url, v.shown) for v in naming_pages),
        *(
            Visit(f"office-application-{status}", application(status), f"[data-testid={form}]")
            for status, form in [
                (Status.SUBMITTED, "recommend-form"),
                (Status.RECOMMENDED, "experts-form"),
                (Status.UNDER_REVIEW, "visit-form"),
                (Status.SITE_VISIT, "notice-form"),
                (Status.PUBLIC_NOTICE, "objection-decide-form"),
            ]
        ),
        Visit("office-re-reviews", reverse("naming:re-review-list"), "[data-testid=due]"),
        Visit(
            "office-role-grants", reverse("accounts:rolegrant-list"), "[data-testid=role-grants]"
        ),
        Visit("office-person", person_url, "[data-testid=account-actions]"),
        Visit(
            "office-proposal-undo",
            reverse("competitions:proposal-detail", args=[returned.pk]),
            "[data-testid=undo-screening]",
        ),
        Visit("office-hr-imports", reverse("hr:import-list"), "[data-testid=import-form]"),
        Visit(
            "office-hr-import",
            reverse("hr:import-detail", args=[run.pk]),
            "[data-testid=import-errors]",
        ),
        Visit("office-notices", reverse("notices:notice-list"), "[data-testid=notice-list]"),
    ]
    lead_visits = [
        Visit("lead-studio", studio_page, "[data-testid=studio-dossiers]"),
        *(Visit(f"lead-{v.name}", v.url, v.shown) for v in naming_pages),
        Visit("lead-application-draft", application(Status.DRAFT), "[data-testid=submit-form]"),
        Visit(
            "lead-application-on-notice",
            application(Status.PUBLIC_NOTICE),
            "[data-testid=notice-ends]",
        ),
        Visit("lead-notices", reverse("notices:notice-list"), "[data-testid=notice-list]"),
    ]
    worker_visits = [
        Visit("worker-home", reverse("reports:home"), "[data-testid=needs-action]"),
        Visit(
            "worker-my-proposals",
            reverse("competitions:my-proposals"),
            "[data-testid=delete-draft]",
        ),
        Visit(
            "worker-proposal-draft",
            reverse("competitions:proposal-detail", args=[submitted.draft.pk]),
            "main form[action$='/delete/']",
        ),
        Visit(
            "worker-proposal-returned",
            reverse("competitions:proposal-detail", args=[returned.pk]),
            "[data-testid=withdraw]",
        ),
        Visit("worker-notices", reverse("notices:notice-list"), "[data-testid=notice-list]"),
    ]
    under_review = at[Status.UNDER_REVIEW]
    expert_visits = [
        Visit("expert-application", application(Status.UNDER_REVIEW), "[data-testid=score-link]"),
        Visit(
            "expert-score",
            reverse("naming:review-form", args=[under_review.pk]),
            "main form",
        ),
    ]
    return Year(
        official=official,
        lead=studios.lead_a,
        worker=org.worker_a,
        expert=expert,
        due_studio=studios.turbine,
        locked_out_url=person_url,
        office_visits=office_visits,
        lead_visits=lead_visits,
        worker_visits=worker_visits,
        expert_visits=expert_visits,
    )


def hr_file(org):
    """The company's roster as HR sends it: a newcomer with a long post, a
    worker who changed post, and a row whose unit code is unknown."""
    rows = [
        person_row(
            "N20240815", "欧阳晓峰", "A101", post="综采二队采煤机司机（兼职安全员）", level="技师"
        ),
        person_row(
            org.worker_a.employee_no,
            org.worker_a.full_name,
            "A101",
            post="综采队副队长",
            phone=org.worker_a.phone,
            level="中级工",
        ),
        person_row("N20240816", "李未知", "ZZZ9", post="皮带机巡检工"),
    ]
    out = io.StringIO()
    csv.writer(out).writerows([PEOPLE_HEADER, *rows])
    return SimpleUploadedFile(
        "2024年8月新入职及调岗人员名单.csv", out.getvalue().encode("utf-8-sig")
    )

"""What the achievements API tests share: new records and request bodies."""

import datetime
from decimal import Decimal

from achievements import services
from achievements.models import Achievement, TechnicalProblem
from tests.api_answers import results

ACHIEVEMENTS = "/api/v1/achievements/"

PATENTS = "/api/v1/patents/"

ADOPTIONS = "/api/v1/adoptions/"

CONFERENCES = "/api/v1/conferences/"


# --- Helpers ------------------------------------------------------------------------


def titles(response) -> set[str]:
    return {row["title"] for row in results(response)}


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return body["errors"]


def lead_of(studios, studio):
    return {
        studios.dust.pk: studios.lead_a,
        studios.washing.pk: studios.org.colleague_a,
        studios.turbine.pk: studios.lead_b,
    }[studio.pk]


def official_over(studios, studio):
    return studios.org.official_b if studio.pk == studios.turbine.pk else studios.org.official_a


def new_problem(studios, *, studio=None, title="综采面粉尘浓度超标", **fields):
    studio = studio or studios.dust
    fields.setdefault("category", TechnicalProblem.Category.DUST_CONTROL)
    fields.setdefault("started_on", datetime.date(2024, 1, 10))
    return services.problem_create(
        by=lead_of(studios, studio), studio=studio, title=title, **fields
    )


def new_achievement(
    studios, *, studio=None, title="喷雾降尘装置", promotion="studio", contributors=None, **fields
):
    """A studio-level achievement is logged by the lead; promoting it beyond the
    studio takes the official over it."""
    studio = studio or studios.dust
    by = lead_of(studios, studio) if promotion == "studio" else official_over(studios, studio)
    fields.setdefault("kind", Achievement.Kind.EQUIPMENT_MODIFICATION)
    fields.setdefault("completed_on", datetime.date(2024, 7, 1))
    return services.achievement_create(
        by=by,
        studio=studio,
        title=title,
        promotion=promotion,
        contributors=contributors or [(lead_of(studios, studio), Decimal(100))],
        **fields,
    )


INVENTION_NO = "CN202110123456.7"

FILED = datetime.date(2021, 3, 1)  # the year in the application numbers


def new_patent(studios, *, application_no=INVENTION_NO, patent_type="invention", **fields):
    fields.setdefault("title", "一种综采面喷雾降尘装置")
    return services.patent_create(
        by=studios.lead_a,
        studio=studios.dust,
        application_no=application_no,
        patent_type=patent_type,
        filed_on=FILED,
        holder="A公司",
        inventors=[studios.lead_a, studios.member_a],
        **fields,
    )

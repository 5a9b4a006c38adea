import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import User
from showcase import services
from showcase.models import Story
from studios import services as studio_services
from studios.models import Honour, RecognitionList
from tests.factories import PersonFactory
from tests.showcase.pages import Title
from tests.world import shared_data


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


BODY = "## 一线\n\n他在井下干了二十年。"


def make_story(
    by,
    *,
    title="记粉尘治理工作室",
    form=Story.Form.REPORTAGE,
    people=(),
    studios=(),
    body=BODY,
    creator="宣传部",
    **extra,
) -> Story:
    """A draft written by `by` (an official or a studio lead)."""
    return services.story_create(
        by=by,
        title=title,
        form=form,
        creator=creator,
        body=body,
        people=list(people),
        studios=list(studios),
        **extra,
    )


def publish(story: Story, by, *, days=1, featured=False) -> Story:
    story = services.story_publish(story_id=story.pk, by=by, published_on=days_ago(days))
    if featured:
        story = services.story_feature(story_id=story.pk, by=by, featured=True)
    return story


@shared_data(needs=("studios",))
def showcase(built):
    """Stories over the `studios` world (company A's dust studio led by `lead_a`
    with core member `member_a`; company B's turbine studio led by `lead_b`):

    - `featured_a`: by official_a about lead_a and the dust studio, published, featured
    - `published_b`: by official_b about lead_b and the turbine studio, published
    - `draft_a`: lead_a's draft about member_a and the dust studio
    - `in_review_a`: lead_a's story about lead_a, sent for review
    - `archived_a`: by official_a, published then archived
    """
    studios = built.get("studios")
    org = studios.org
    featured_a = publish(
        make_story(
            org.official_a, title="追光的人", people=[studios.lead_a], studios=[studios.dust]
        ),
        org.official_a,
        days=10,
        featured=True,
    )
    published_b = publish(
        make_story(
            org.official_b,
            title="汽机医生",
            form=Story.Form.SONG,
            people=[studios.lead_b],
            studios=[studios.turbine],
        ),
        org.official_b,
        days=5,
    )
    draft_a = make_story(
        studios.lead_a,
        title="师徒三代（草稿）",
        form=Story.Form.ESSAY,
        people=[studios.member_a],
        studios=[studios.dust],
    )
    in_review_a = make_story(
        studios.lead_a,
        title="快板：降尘能手",
        form=Story.Form.CLAPPER_TALK,
        people=[studios.lead_a],
        studios=[studios.dust],
    )
    in_review_a = services.story_submit(story_id=in_review_a.pk, by=studios.lead_a)
    archived_a = publish(
        make_story(org.official_a, title="旧闻", studios=[studios.dust]), org.official_a, days=400
    )
    archived_a = services.story_archive(story_id=archived_a.pk, by=org.official_a)
    return SimpleNamespace(
        studios=studios,
        org=org,
        featured_a=featured_a,
        published_b=published_b,
        draft_a=draft_a,
        in_review_a=in_review_a,
        archived_a=archived_a,
    )


Level = RecognitionList.Level


# --- The honour roll ----------------------------------------------------------------


@shared_data(needs=("showcase",))
def roll(built):
    """The `showcase` world with honours recorded by the group official:

    - 2022 provincial list (28 named): the dust and turbine studios (both now named)
    - 2023 national list: lead_a (renamed 张建国), craftsman
    - 2023 municipal list: lead_b (renamed 李汽机), model worker

    (The renamed leads are read from this level: the `studios` and `showcase`
    fixtures still hold their old names.)
    """
    showcase = built.get("showcase")
    org, studios = showcase.org, showcase.studios
    User.objects.filter(pk=studios.lead_a.pk).update(full_name="张建国")
    User.objects.filter(pk=studios.lead_b.pk).update(full_name="李汽机")
    studios.lead_a.refresh_from_db()
    studios.lead_b.refresh_from_db()
    official = org.group_official

    def recognition_list(title, level, year, total):
        return studio_services.recognition_list_create(
            by=official,
            title=title,
            level=level,
            conferred_by="省总工会",
            year=year,
            total_named=total,
        )

    provincial = recognition_list("省级示范性劳模创新工作室", Level.PROVINCIAL, 2022, 28)
    for studio in (studios.dust, studios.turbine):
        studio_services.honour_create(by=official, recognition_list=provincial, studio=studio)
    national = recognition_list("全国五一劳动奖章", Level.NATIONAL, 2023, 10)
    studio_services.honour_create(
        by=official,
        recognition_list=national,
        person=studios.lead_a,
        personal_title=Title.CRAFTSMAN,
    )
    municipal = recognition_list("市级劳动模范", Level.MUNICIPAL, 2023, 30)
    studio_services.honour_create(
        by=official,
        recognition_list=municipal,
        person=studios.lead_b,
        personal_title=Title.MODEL_WORKER,
    )
    showcase.provincial, showcase.national, showcase.municipal = provincial, national, municipal
    return showcase


# --- Profiles -----------------------------------------------------------------------


@pytest.fixture
def people(showcase, provincial_list):
    """In company B: `craftsman_b` named a provincial craftsman, `ordinary_b`
    with nothing public."""
    s = showcase
    craftsman = PersonFactory(full_name="李工匠", org_unit=s.org.team_b101)
    studio_services.honour_create(
        by=s.org.group_official,
        recognition_list=provincial_list,
        person=craftsman,
        personal_title=Honour.PersonalTitle.CRAFTSMAN,
    )
    s.craftsman_b = craftsman
    s.ordinary_b = PersonFactory(full_name="王普通", org_unit=s.org.team_b101)
    return s

"""Demo stories: a reportage about the dust-control
studio's leader, a clapper-talk script, a short-video entry and a song, in each
state a reader meets; the leader's lineage (lead → mentor → apprentices) comes
from the mentoring demo."""

import datetime

from django.utils import timezone

from accounts.models import User
from core import demo
from showcase import services
from showcase.models import Story
from studios.models import Studio

DUST_STUDIO_CODE = "A104-FC"

REPORTAGE = """\
凌晨四点的综采工作面，粉尘像一堵灰墙。{lead}把口罩往上拉了拉，蹲在喷雾装置旁，一点点调着喷嘴的角度。

## 从“看不见”到“看得清”

二〇一五年，{lead}牵头成立粉尘治理创新工作室。那时候，井下粉尘浓度常常超标，工友们下班时只露出一双眼睛。工作室十几个人，白天跟班、晚上画图，三年里攻克了三十多项粉尘难题。

> “粉尘治不好，我们这些人就是白干。”

## 传帮带

他带出的徒弟赵铁柱，如今也带起了自己的徒弟。师徒三代，守的是同一个工作面。

- 转载点负压除尘装置，降尘效率提高六成
- 采煤机内外喷雾联动改造，获国家实用新型专利
- 编写《综采工作面粉尘治理作业指导书》，在全公司推广
"""

CLAPPER_TALK = """\
竹板这么一打呀，别的咱不夸，
夸一夸咱们矿上的降尘专家。
工作室里灯不灭，图纸画了一沓又一沓，
喷雾改造装上去，粉尘见了它就趴下！

师傅带徒弟，手把手地教，
一招一式不马虎，安全生产记得牢。
小改小革天天有，五小竞赛拿头奖，
大国工匠在身边，学习榜样当自强！
"""

SONG = """\
（主歌）
黑色的煤海里，有一盏不灭的灯，
照着我们前行，也照亮师傅的身影。

（副歌）
劳模的手，粗糙却最温暖，
工匠的心，执着又最坚定，
一代一代传下去，传的是手艺，更是那份情。
"""

SHORT_VIDEO = """\
三分钟看懂井下“降尘三件套”：负压除尘、内外喷雾联动、智能粉尘监测。

拍摄：粉尘治理创新工作室 · 剪辑：公司工会宣传组
"""


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _story(by: User, title: str, **fields) -> Story:
    existing = Story.objects.filter(title=title).first()
    return existing or services.story_create(by=by, title=title, **fields)


@demo.seeder(order=60)
def seed_showcase() -> None:
    official = User.objects.get(employee_no="official")
    lead = User.objects.get(employee_no="lead")
    mentor = User.objects.get(employee_no="mentor")
    dust = Studio.objects.get(code=DUST_STUDIO_CODE)
    about_lead = {"people": [lead], "studios": [dust]}

    reportage = _story(
        official,
        f"追光的人——记粉尘治理创新工作室带头人{lead.full_name}",
        form=Story.Form.REPORTAGE,
        creator="集团工会宣传部 郑国华",
        summary=f"从“看不见”到“看得清”：{lead.full_name}和他的工作室十年降尘路。",
        body=REPORTAGE.format(lead=lead.full_name),
        **about_lead,
    )
    if reportage.status == Story.Status.DRAFT:
        services.story_publish(story_id=reportage.pk, by=official, published_on=_day(40))
        services.story_feature(story_id=reportage.pk, by=official, featured=True)

    clapper = _story(
        lead,
        "快板：降尘能手显身手",
        form=Story.Form.CLAPPER_TALK,
        creator="通风队 职工文艺队",
        summary="矿山职工文艺汇演节目，夸一夸身边的降尘专家。",
        body=CLAPPER_TALK,
        people=[lead, mentor],
        studios=[dust],
    )
    if clapper.status == Story.Status.DRAFT:
        services.story_submit(story_id=clapper.pk, by=lead)
        services.story_publish(story_id=clapper.pk, by=official, published_on=_day(20))

    video = _story(
        official,
        "短视频：井下降尘三件套",
        form=Story.Form.SHORT_VIDEO,
        creator="粉尘治理创新工作室",
        summary="三分钟看懂工作室的三项降尘成果。",
        body=SHORT_VIDEO,
        media_link="https://video.intranet.example/dust-control-3min",
        **about_lead,
    )
    if video.status == Story.Status.DRAFT:
        services.story_publish(story_id=video.pk, by=official, published_on=_day(8))
        services.story_feature(story_id=video.pk, by=official, featured=True)

    song = _story(
        lead,
        "歌曲：不灭的矿灯",
        form=Story.Form.SONG,
        creator=f"{lead.full_name} 作词 · 职工合唱团",
        summary="献给师傅们的一首歌。",
        body=SONG,
        people=[lead, mentor],
        studios=[dust],
    )
    if song.status == Story.Status.DRAFT:
        services.story_submit(story_id=song.pk, by=lead)

    _story(
        lead,
        "师徒三代守一面（草稿）",
        form=Story.Form.ESSAY,
        creator=lead.full_name,
        summary="工作室的师徒故事，还在写。",
        body="（未完成）",
        people=[mentor],
        studios=[dust],
    )

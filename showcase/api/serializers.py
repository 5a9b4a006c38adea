from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer
from core.api.serializers import PersonBriefSerializer, StudioBriefSerializer, UnitBriefSerializer
from showcase.models import Story
from studios.models import Studio
from studios.selectors import studios_visible_to

User = get_user_model()


class StorySerializer(WritableModelSerializer):
    """A story; `body` is the Markdown as written, `body_html` the sanitised page."""

    people = PersonBriefSerializer(many=True, read_only=True)
    people_ids = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        source="people",
        queryset=User.objects.all(),
        many=True,
        write_only=True,
        required=False,
        label=_("People it is about"),
    )
    studios = StudioBriefSerializer(many=True, read_only=True)
    studio_ids = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to,
        source="studios",
        queryset=Studio.objects.all(),
        many=True,
        write_only=True,
        required=False,
        label=_("Studios it is about"),
    )
    org_unit = UnitBriefSerializer(read_only=True)
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="org_unit",
        queryset=OrgUnit.objects.all(),
        write_only=True,
        required=False,
        allow_null=True,
        label=_("Org unit"),
    )
    author = PersonBriefSerializer(read_only=True)
    form_display = serializers.CharField(source="get_form_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Story
        fields = [
            "id",
            "title",
            "form",
            "form_display",
            "summary",
            "body",
            "body_html",
            "creator",
            "people",
            "people_ids",
            "studios",
            "studio_ids",
            "media_link",
            "org_unit",
            "org_unit_id",
            "author",
            "status",
            "status_display",
            "published_on",
            "featured",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "body_html",
            "status",
            "published_on",
            "featured",
            "created_at",
            "updated_at",
        ]
        # Markdown's indentation (a code block, an indented verse) is meaningful.
        extra_kwargs = {"body": {"trim_whitespace": False}}


class StoryReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class StoryPublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(required=False, allow_null=True, default=None)


class StoryFeatureSerializer(serializers.Serializer):
    featured = serializers.BooleanField()


class _HonourSerializer(serializers.Serializer):
    title = serializers.CharField(source="get_personal_title_display")
    list_title = serializers.CharField(source="recognition_list.title")
    level = serializers.CharField(source="recognition_list.level")
    level_display = serializers.CharField(source="recognition_list.get_level_display")
    year = serializers.IntegerField(source="recognition_list.year")


class _MembershipSerializer(serializers.Serializer):
    studio = StudioBriefSerializer()
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    joined_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)


class _AchievementBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    completed_on = serializers.DateField()


class _PatentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    patent_type = serializers.CharField()
    status = serializers.CharField()
    filed_on = serializers.DateField()


class _AwardBriefSerializer(serializers.Serializer):
    proposal_id = serializers.IntegerField(source="id")
    code = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(source="campaign.year")
    grade = serializers.CharField(source="award.grade.grade")
    grade_display = serializers.CharField(source="award.grade.get_grade_display")


class _StoryBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    form = serializers.CharField()
    published_on = serializers.DateField()


class _MentorSerializer(serializers.Serializer):
    """Whom the person learnt from; the pairing's details only where the reader
    may read the pairing."""

    mentor = PersonBriefSerializer()
    status = serializers.CharField(allow_null=True)
    starts_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)

    def to_representation(self, pairing):
        data = super().to_representation(pairing)
        if not pairing.shows_details:
            data.update(status=None, starts_on=None, ended_on=None)
        return data


class LineageNodeSerializer(serializers.Serializer):
    """One apprentice and, nested, the apprentices they trained."""

    person = PersonBriefSerializer()
    generation = serializers.IntegerField()
    status = serializers.CharField(source="pairing.status", allow_null=True)
    starts_on = serializers.DateField(source="pairing.starts_on", allow_null=True)
    ended_on = serializers.DateField(source="pairing.ended_on", allow_null=True)
    skill_level = serializers.CharField(source="person.skill_level", allow_null=True)
    children = serializers.ListField(child=serializers.DictField())

    def to_representation(self, node):
        # The declared fields document the shape; a lineage may hold a thousand
        # people, so it is written out directly rather than field by field. The
        # pairing's details are null where the reader may not read the pairing.
        pairing, shown = node.pairing, node.shows_details
        return {
            "person": {"id": node.person.pk, "full_name": node.person.full_name},
            "generation": node.generation,
            "status": pairing.status if shown else None,
            "starts_on": pairing.starts_on.isoformat() if shown else None,
            "ended_on": pairing.ended_on.isoformat() if shown and pairing.ended_on else None,
            "skill_level": node.person.skill_level if shown else None,
            "children": [self.to_representation(child) for child in node.children],
        }


def _section(serializer_class):
    class Section(serializers.Serializer):
        total = serializers.IntegerField()
        rows = serializer_class(many=True)

    Section.__name__ = f"{serializer_class.__name__.strip('_').replace('Serializer', '')}Section"
    return Section


class ProfileSerializer(serializers.Serializer):
    """A craftsman's profile: `craftsman_profile()` as the page shows it."""

    id = serializers.IntegerField(source="person.id")
    full_name = serializers.CharField(source="person.full_name")
    org_unit = UnitBriefSerializer(source="person.org_unit", allow_null=True)
    post = serializers.CharField(source="person.post")
    skill_level = serializers.CharField(source="person.skill_level")
    honours = _HonourSerializer(many=True)
    memberships = _MembershipSerializer(many=True)
    achievements = _section(_AchievementBriefSerializer)()
    patents = _section(_PatentBriefSerializer)()
    awards = _section(_AwardBriefSerializer)()
    stories = _section(_StoryBriefSerializer)()
    mentors = _MentorSerializer(many=True)
    lineage = LineageNodeSerializer(many=True)
    lineage_size = serializers.IntegerField()

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from achievements.models import (
    Achievement,
    Adoption,
    Patent,
    PromotionConference,
    TechnicalProblem,
)
from achievements.selectors import (
    achievements_visible_to,
    patent_access,
    problem_access,
    problems_fully_visible_to,
)
from core.api.fields import ChoiceLabelField, ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer
from core.api.serializers import PersonBriefSerializer, StudioBriefSerializer, UnitBriefSerializer
from core.export_columns import SameForEveryReader
from studios.models import Studio
from studios.selectors import studios_visible_to

User = get_user_model()


def person_ids_field(label, source, kept):
    """Write people by id (`team_ids`); the service receives them as `source`.
    Those the record already credits (`kept(record)`) are taken on an update
    even if the writer cannot see them, as the services keep them."""
    return ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        kept=kept,
        queryset=User.objects.all(),
        many=True,
        label=label,
        source=source,
        write_only=True,
    )


def studio_id_field():
    return ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to, source="studio", queryset=Studio.objects.all(), label=_("Studio")
    )


class ProblemSerializer(WritableModelSerializer):
    """Everyone signed in sees the announcement (title, studio, category, status);
    the rest only insiders (`full_access`, from `ProblemAccess.reads_full`)."""

    FIXED_ONCE_CREATED = frozenset({"studio_id", "status"})

    ANNOUNCED = (
        "id",
        "studio",
        "title",
        "category",
        "category_display",
        "status",
        "status_display",
        "full_access",
    )

    studio = StudioBriefSerializer(read_only=True)
    studio_id = studio_id_field()
    team = PersonBriefSerializer(many=True, read_only=True)
    team_ids = person_ids_field(
        pgettext_lazy("problem team", "Team"),
        source="team",
        kept=lambda problem: problem.team.values("pk"),
    )
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    # Filled in from the reader's access; a row without it reads as announced only.
    full_access = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = TechnicalProblem
        fields = [
            "id",
            "studio",
            "studio_id",
            "title",
            "category",
            "category_display",
            "status",
            "status_display",
            "description",
            "started_on",
            "solved_on",
            "team",
            "team_ids",
            "estimated_benefit",
            "realised_benefit",
            "full_access",
        ]
        # A flag for the screen (whether the rest is shown), not a figure to file.
        export_skip = ("full_access",)

    def get_fields(self):
        fields = super().get_fields()
        fields["team_ids"].write_only = True
        fields["team_ids"].required = False
        fields["studio_id"].write_only = True
        return fields

    @property
    def viewer_dependent_fields(self):
        """What outsiders do not get is not required in the schema (core/api/schema.py)."""
        return [name for name in self.fields if name not in self.ANNOUNCED]

    def to_representation(self, problem):
        data = super().to_representation(problem)
        hidden = self.hidden_fields(problem)
        data["full_access"] = not hidden  # who reads it in full misses nothing
        return {key: value for key, value in data.items() if key not in hidden}

    def hidden_fields(self, problem) -> list[str]:
        """What this reader may not see of `problem` (all but the announcement
        unless they read it in full), as `to_representation` leaves it out; a
        list's export blanks it (core/export_columns.py)."""
        if problem_access(self.context["request"].user, problem).reads_full:
            return []
        return [name for name in self.fields if name not in self.ANNOUNCED]


class ProblemStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TechnicalProblem.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    solved_on = serializers.DateField(required=False, allow_null=True, default=None)
    realised_benefit = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
    )


class ContributorSerializer(serializers.Serializer):
    person = PersonBriefSerializer(read_only=True)
    # Someone the achievement credits already is taken even if the writer
    # cannot see them (achievement_update keeps them).
    person_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        kept=lambda achievement: achievement.contributors.values("person_id"),
        queryset=User.objects.all(),
        write_only=True,
        label=_("Person"),
    )
    share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class AchievementSerializer(SameForEveryReader, WritableModelSerializer):
    FIXED_ONCE_CREATED = frozenset({"studio_id"})

    studio = StudioBriefSerializer(read_only=True)
    studio_id = studio_id_field()
    origin_problem_id = ScopedPrimaryKeyRelatedField(
        scope=problems_fully_visible_to,
        source="origin_problem",
        queryset=TechnicalProblem.objects.all(),
        required=False,
        allow_null=True,
        label=_("Origin problem"),
    )
    contributors = ContributorSerializer(many=True)
    kind_display = ChoiceLabelField(source="kind", choices=Achievement.Kind.choices)
    promotion_display = ChoiceLabelField(source="promotion", choices=Achievement.Promotion.choices)
    verified_by = PersonBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Achievement
        fields = [
            "id",
            "studio",
            "studio_id",
            "title",
            "kind",
            "kind_display",
            "completed_on",
            "summary",
            "origin_problem_id",
            "contributors",
            "claimed_benefit",
            "verified_benefit",
            "verified_by",
            "verified_on",
            "verification_evidence",
            "promotion",
            "promotion_display",
            "awards",
        ]
        read_only_fields = ["verified_benefit", "verified_on", "verification_evidence"]

    def get_fields(self):
        fields = super().get_fields()
        fields["studio_id"].write_only = True
        return fields

    def validate_contributors(self, rows):
        return [(row["person_id"], row["share"]) for row in rows]


class VerifyBenefitSerializer(serializers.Serializer):
    verified_benefit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    evidence = serializers.CharField()
    verified_on = serializers.DateField(required=False, allow_null=True, default=None)


class AdoptionSerializer(WritableModelSerializer):
    achievement_id = ScopedPrimaryKeyRelatedField(
        scope=achievements_visible_to, source="achievement", queryset=Achievement.objects.all()
    )
    org_unit = UnitBriefSerializer(read_only=True)
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="org_unit",
        queryset=OrgUnit.objects.all(),
        write_only=True,
        label=_("Adopting unit"),
    )
    recorded_by = PersonBriefSerializer(read_only=True)

    class Meta:
        model = Adoption
        fields = [
            "id",
            "achievement_id",
            "org_unit",
            "org_unit_id",
            "adopted_on",
            "annual_benefit",
            "notes",
            "recorded_by",
        ]
        validators = []  # one adoption per unit is the service's 409


class PatentSerializer(WritableModelSerializer):
    FIXED_ONCE_CREATED = frozenset({"studio_id", "status", "application_no", "patent_type"})

    studio = StudioBriefSerializer(read_only=True)
    studio_id = studio_id_field()
    achievement_id = ScopedPrimaryKeyRelatedField(
        scope=achievements_visible_to,
        source="achievement",
        queryset=Achievement.objects.all(),
        required=False,
        allow_null=True,
        label=_("Achievement"),
    )
    inventors = PersonBriefSerializer(
        many=True, read_only=True, source="inventor_people", label=_("Inventors")
    )
    inventor_ids = person_ids_field(
        _("Inventors"),
        source="inventors",
        kept=lambda patent: patent.inventors.values("person_id"),
    )
    number_display = serializers.CharField(read_only=True)
    type_display = serializers.CharField(source="get_patent_type_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Patent
        fields = [
            "id",
            "application_no",
            "number_display",
            "title",
            "patent_type",
            "type_display",
            "status",
            "status_display",
            "filed_on",
            "published_on",
            "granted_on",
            "ended_on",
            "holder",
            "studio",
            "studio_id",
            "achievement_id",
            "inventors",
            "inventor_ids",
        ]
        read_only_fields = ["ended_on"]
        validators = []  # the number's uniqueness is checked after normalising
        extra_kwargs = {"application_no": {"validators": []}}

    def get_fields(self):
        fields = super().get_fields()
        fields["studio_id"].write_only = True
        fields["inventor_ids"].write_only = True
        return fields

    def to_representation(self, patent):
        data = super().to_representation(patent)
        for name in self.hidden_fields(patent):
            data[name] = None
        return data

    def hidden_fields(self, patent) -> tuple[str, ...]:
        """What this reader may not see of `patent`, null in the answer and
        blank in a list's export (core/export_columns.py): the patent is
        public, its achievement is not."""
        if patent_access(self.context["request"].user, patent).achievement_visible:
            return ()
        return ("achievement_id",)


class PatentStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Patent.Status.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConferenceSerializer(WritableModelSerializer):
    organiser = UnitBriefSerializer(read_only=True)
    organiser_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="organiser",
        queryset=OrgUnit.objects.all(),
        write_only=True,
        label=_("Organiser"),
    )
    displayed = serializers.IntegerField(
        read_only=True, default=0, label=_("Achievements displayed")
    )

    class Meta:
        model = PromotionConference
        fields = ["id", "name", "held_on", "organiser", "organiser_id", "description", "displayed"]


class ConferenceShowSerializer(serializers.Serializer):
    achievement_ids = ScopedPrimaryKeyRelatedField(
        scope=achievements_visible_to,
        queryset=Achievement.objects.all(),
        many=True,
        source="achievements",
    )

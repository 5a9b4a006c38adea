import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_for_filters
from competitions.models import AwardGrade, AwardShare, Campaign, Proposal, Review
from competitions.selectors import campaigns_visible_to, with_blind_column, without_blind
from core.filters import IdFilter, PickerFilter, SearchFilter, SubtreeFilter
from core.forms import FilterForm
from core.scoping import within_paths


def _visible_campaigns(request):
    return campaigns_visible_to(request.user if request else None)


class CampaignFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    org_unit = SubtreeFilter(queryset=org_units_for_filters)

    class Meta:
        model = Campaign
        form = FilterForm
        fields = ["search", "year", "org_unit"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


class ProposalFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    campaign = django_filters.ModelChoiceFilter(
        queryset=_visible_campaigns, label=_("Campaign"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=Proposal.Status.choices, label=_("Status"), empty_label=_("All")
    )
    category = django_filters.ChoiceFilter(
        choices=Proposal.Category.choices, label=_("Category"), empty_label=_("All")
    )
    org_unit = SubtreeFilter(queryset=org_units_for_filters, method="filter_org_unit")
    year = django_filters.NumberFilter(
        field_name="campaign__year", label=_("Year"), min_value=2000, max_value=2100
    )
    # Picked by name, pinyin or employee number; by id from links such as a person's page.
    author = PickerFilter(
        field_name="author_id", source="people", label=_("Author"), method="filter_author"
    )

    class Meta:
        model = Proposal
        form = FilterForm
        fields = ["search", "campaign", "status", "category", "org_unit", "year", "author"]

    # The filters on who wrote a proposal, where, and its code never match one the
    # viewer reads blind (a reviewer of a blind campaign): finding it by its
    # author would name the author.
    def _read_openly(self, queryset):
        return without_blind(getattr(self.request, "user", None), queryset)

    def filter_search(self, queryset, name, value):
        """Title, code and post; Chinese fragments work (substring match)."""
        user = getattr(self.request, "user", None)
        return with_blind_column(user, queryset).filter(
            Q(title__icontains=value)
            | Q(code__icontains=value, access_blind=False)
            | Q(post__icontains=value)
        )

    def filter_author(self, queryset, name, value):
        return self._read_openly(queryset).filter(author_id=value)

    def filter_org_unit(self, queryset, name, value):
        return self._read_openly(queryset).filter(within_paths([value.path], unit_field="org_unit"))


class ReviewFilterSet(django_filters.FilterSet):
    proposal = IdFilter(field_name="proposal_id", label=_("Proposal"))
    campaign = IdFilter(field_name="proposal__campaign_id", label=_("Campaign"))
    reviewer = PickerFilter(field_name="reviewer_id", source="people", label=_("Reviewer"))

    class Meta:
        model = Review
        form = FilterForm
        fields = ["proposal", "campaign", "reviewer"]


class AwardShareFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="award__proposal__campaign_id", label=_("Campaign"))
    person = PickerFilter(field_name="person_id", source="people", label=_("Person"))
    grade = django_filters.ChoiceFilter(
        field_name="award__grade__grade", choices=AwardGrade.Grade.choices, label=_("Grade")
    )

    class Meta:
        model = AwardShare
        form = FilterForm
        fields = ["campaign", "person", "grade"]

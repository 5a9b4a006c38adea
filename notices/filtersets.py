import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import TrueOrFalseFilter
from core.forms import FilterForm
from notices.kinds import KINDS
from notices.models import Notice


def kind_choices():
    return [(code, kind.title) for code, kind in KINDS.items()]


class NoticeFilterSet(django_filters.FilterSet):
    """The notices page's and `GET /api/v1/notices/`'s filters."""

    unread = TrueOrFalseFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    kind = django_filters.ChoiceFilter(choices=kind_choices, label=_("Kind"), empty_label=_("All"))

    class Meta:
        model = Notice
        form = FilterForm
        fields = ["unread", "kind"]

from rest_framework.filters import OrderingFilter

from core.filters import with_id_last


class UniqueOrderingFilter(OrderingFilter):
    """`?ordering=` (or the view's default) with the row's `id` last
    (`core.filters.with_id_last`)."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        return with_id_last(ordering) if ordering else ordering

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.keyset import COUNT_CAP, keyset_page


class StandardPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (default 25, capped at 100), docs/api.md: the
    short lists (campaigns, units, a studio's members)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class KeysetPagination(BasePagination):
    """`?cursor=` and `?page_size=` for the lists that reach millions of rows
    (core/keyset.py, docs/api.md): `next` and `previous` links, and a `count`
    exact up to 10,000 (beyond it 10,000 with `count_capped`). `?page=` is a
    400 that names `cursor`, so a client written for page numbers learns why."""

    page_size = StandardPagination.page_size
    max_page_size = StandardPagination.max_page_size

    def paginate_queryset(self, queryset, request, view=None):
        if "page" in request.query_params:
            raise ValidationError(
                {"page": [_("This list is paged by cursor: follow its next link (?cursor=).")]}
            )
        try:
            self.page = keyset_page(
                queryset,
                size=self.get_page_size(request),
                cursor=request.query_params.get("cursor"),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        self.request = request
        return self.page.rows

    def get_page_size(self, request) -> int:
        return StandardPagination().get_page_size(request)

    def _link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "cursor", cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.count,
                "count_capped": self.page.count_capped,
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "count_capped", "results"],
            "properties": {
                "count": {"type": "integer", "maximum": COUNT_CAP},
                "count_capped": {"type": "boolean"},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": str(_("The page after (or before) a row: from next/previous.")),
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": str(_("Rows a page (at most 100).")),
                "schema": {"type": "integer"},
            },
        ]

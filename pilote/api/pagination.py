"""Pages of a list: ?page=2&page_size=100 (50 by default, 200 at most)."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .errors import NOT_FOUND


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "Cette page n'existe pas : " + NOT_FOUND.lower()

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response

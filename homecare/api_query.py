"""Query parameters of the API's list endpoints."""

from __future__ import annotations

from rest_framework import serializers


class QuerySerializer(serializers.Serializer):
    """Filters from the query string. An empty value (`?status=`) is refused with 400, not read as "no
    filter" (DRF's reading of HTML forms): a client sending one has most likely lost a value."""

    def to_internal_value(self, data):
        empty = {
            name: ["must not be empty: leave the parameter out for no filter"]
            for name in self.fields
            if data.get(name) == ""
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)

"""One exception handler for the API: every error body is {"errors": [{"path", "message"}]}."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """A rule of the domain said no; `errors` is a list of {"path": ..., "message": ...}."""

    def __init__(self, errors: list[dict] | str, status_code: int = 400):
        if isinstance(errors, str):
            errors = [{"path": "", "message": errors}]
        self.errors = errors
        self.status_code = status_code
        super().__init__("; ".join(f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in errors))


def _flatten(detail, path=""):
    if isinstance(detail, dict):
        for k, v in detail.items():
            yield from _flatten(
                v,
                f"{path}.{k}" if path and k != "non_field_errors" else (path or ("" if k == "non_field_errors" else k)),
            )
    elif isinstance(detail, list):
        for v in detail:
            yield from _flatten(v, path)
    else:
        yield {"path": path, "message": str(detail)}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": list(_flatten(exc.detail))}
    else:
        detail = response.data.get("detail", response.data) if isinstance(response.data, dict) else response.data
        response.data = {"errors": [{"path": "", "message": str(detail)}]}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = "Token"
    return response

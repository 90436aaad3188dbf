"""One error shape for the whole API: every error body is {"errors": [{"path", "message"}]}.

`exception_handler` is DRF's handler (validation, domain errors, 401/403/404/405/413/415/429);
`not_found`, `bad_request` and `server_error` answer what never reaches a DRF view under /api/ (a URL
that matches no pattern, such as a non-integer id; a body Django itself refused; a crash) with the same
shape, and hand every other path to Django's HTML pages."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from homecare.api_parsers import PayloadTooLarge, too_large_message

API_PREFIX = "/api/"


class DomainError(Exception):
    """A rule of the domain said no; `errors` is a list of {"path": ..., "message": ...}."""

    def __init__(self, errors: list[dict] | str, status_code: int = 400):
        if isinstance(errors, str):
            errors = [{"path": "", "message": errors}]
        self.errors = errors
        self.status_code = status_code
        super().__init__("; ".join(f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in errors))


WHOLE = ("non_field_errors", "__all__")  # DRF's and Django's names for a problem with the whole request


def _flatten(detail, path=""):
    if isinstance(detail, dict):
        for k, v in detail.items():
            yield from _flatten(v, path if k in WHOLE else f"{path}.{k}" if path else k)
    elif isinstance(detail, list):
        for v in detail:
            yield from _flatten(v, path)
    else:
        yield {"path": path, "message": str(detail)}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return _as_json(Response({"errors": exc.errors}, status=exc.status_code), context)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, RequestDataTooBig):  # a form body over Django's own limit
        exc = PayloadTooLarge("DATA_UPLOAD_MAX_MEMORY_SIZE", _django_limit())
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
    return _as_json(response, context)


def _as_json(response: Response, context) -> Response:
    """Errors are JSON whatever the view renders otherwise (CSV, PDF, the schema, the docs page)."""
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def error_response(message: str, status_code: int, path: str = "") -> JsonResponse:
    return JsonResponse({"errors": [{"path": path, "message": message}]}, status=status_code)


def _django_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request, exception=None):
    if _is_api(request):
        return error_response("Not found.", 404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return error_response(too_large_message("DATA_UPLOAD_MAX_MEMORY_SIZE", _django_limit()), 413)
        return error_response("Bad request.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return error_response("You do not have permission to perform this action.", 403)
    return defaults.permission_denied(request, exception)


def server_error(request):
    if _is_api(request):
        return error_response("Something went wrong on our side; it has been logged.", 500)
    return defaults.server_error(request)

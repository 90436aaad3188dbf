"""REST endpoints for package changes, their submission and decision, a person's record, completing
reviews and recording Outcomes Tool assessments. Scoped by commissioning.tenancy through the
selectors (another organisation's person, package or change is a 404), then by role
(outcomes.permissions: 403). Writes are all or nothing, every problem listed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.permissions import request_actor
from homecare.api_errors import DomainError
from homecare.api_schema import ErrorsSerializer
from outcomes import selectors, services
from outcomes.api.serializers import (
    AssessmentInputSerializer,
    AssessmentSerializer,
    DecisionInputSerializer,
    PackageChangeInputSerializer,
    PackageChangeQuerySerializer,
    PackageChangeSerializer,
    PersonSerializer,
    ReviewCompletedSerializer,
    ReviewCompleteInputSerializer,
)
from outcomes.models import Review
from outcomes.permissions import CanRead, can_decide, is_lot_social_worker
from outcomes.services.common import Errors

NOT_FOUND = OpenApiResponse(ErrorsSerializer, description="Not found, or not yours")
FORBIDDEN = OpenApiResponse(ErrorsSerializer, description="Your role may not do this")
INVALID = OpenApiResponse(ErrorsSerializer, description="Every problem with the request, each with its path")


def _parse(serializer_class, data) -> tuple[dict, Errors]:
    """Type errors by field, and whatever parsed: the service adds its own problems to these."""
    s = serializer_class(data=data if isinstance(data, dict) else {})
    errors = Errors()
    if s.is_valid():
        return s.validated_data, errors
    for field, messages in s.errors.items():
        for m in messages if isinstance(messages, list) else [messages]:
            errors.add(field if field != "non_field_errors" else "__all__", str(m))
    parsed = {}
    for name, field in s.fields.items():
        if name in s.errors or name not in s.initial_data:
            continue
        try:
            parsed[name] = field.run_validation(s.initial_data[name])
        except Exception:  # noqa: BLE001 - reported above already
            continue
    for name, field in s.fields.items():
        if name not in parsed and name not in s.errors and field.default is not None and not callable(field.default):
            try:
                parsed[name] = field.get_default()
            except Exception:  # noqa: BLE001 - no default
                pass
    return parsed, errors


def _lookup(getter, actor, ref, provider, field: str):
    """A person or package named in a request body: absent is 404 (another organisation's rows do not
    exist for this caller); a ref two providers use needs `provider`."""
    try:
        return getter(actor=actor, ref=ref, provider=provider)
    except selectors.AmbiguousRef as exc:
        refs = ", ".join(sorted(o.provider.ref for o in exc.objects))
        raise DomainError(
            [{"path": "provider", "message": f"Several providers have {field} {ref}: give one of {refs}."}]
        ) from None
    except Http404:
        raise DomainError(
            [{"path": field, "message": f"No {field} {ref} that you can see."}], status_code=404
        ) from None


class ObjectFirst:
    """The object is looked up before the method is judged: no such object (or another
    organisation's) is a 404 whatever the method; only then is a method the view does not take a 405."""

    def lookup(self, request, **kwargs):
        raise NotImplementedError

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.lookup(request, **kwargs)
        return super().http_method_not_allowed(request, *args, **kwargs)


class PackageChangeListApi(generics.ListAPIView):
    permission_classes = [CanRead]
    serializer_class = PackageChangeSerializer
    filter_backends: list = []

    @extend_schema(
        operation_id="package_changes_list",
        parameters=[PackageChangeQuerySerializer],
        summary="Package changes you may see, newest first (with their workflow status)",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = PackageChangeQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        qs = selectors.change_list(actor=request_actor(self.request))
        if q.get("package"):
            qs = qs.filter(package__ref=q["package"])
        if q.get("person"):
            qs = qs.filter(package__person__ref=q["person"])
        status_filter = {
            "applied": {"decision": "pending", "prior_approval": False, "submitted_for_approval__isnull": True},
            "submitted": {"decision": "pending", "prior_approval": False, "submitted_for_approval__isnull": False},
            "waiting_approval": {"decision": "pending", "prior_approval": True},
            "approved": {"decision": "approved"},
            "rejected": {"decision": "rejected"},
        }.get(q.get("status") or "")
        if status_filter:
            qs = qs.filter(**status_filter)
        return qs

    @extend_schema(
        operation_id="package_changes_create",
        request=PackageChangeInputSerializer,
        responses={201: PackageChangeSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Log a change (trusted assessors, provider managers, or a social worker of the lot's commissioner)",
    )
    def post(self, request):
        actor = request_actor(request)
        data, errors = _parse(PackageChangeInputSerializer, request.data)
        if not data.get("package"):
            if "package" not in errors:
                errors.add("package", "Give the package's ref.")
            raise ValidationError(dict(errors.by_field))
        package = _lookup(selectors.package_get, actor, data["package"], data.get("provider"), "package")
        by = data.get("by")
        if by and by != ("social_worker" if is_lot_social_worker(actor, package) else "provider"):
            errors.add("by", "This follows from who you act for: leave it out, or give the right one.")
        change = services.package_change_log(
            actor=actor,
            package=package,
            new_weekly_hours=data.get("new_weekly_hours"),
            effective=data.get("effective"),
            reason=data.get("reason"),
            consent_by=data.get("consent_by"),
            consent_date=data.get("consent_date"),
            note=data.get("note") or "",
            errors=errors,
        )
        return Response(PackageChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class PackageChangeDetailApi(APIView):
    permission_classes = [CanRead]

    @extend_schema(operation_id="package_changes_retrieve", responses={200: PackageChangeSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return Response(PackageChangeSerializer(selectors.change_get(actor=request_actor(request), pk=pk)).data)


class PackageChangeSubmitApi(ObjectFirst, APIView):
    permission_classes = [CanRead]

    def lookup(self, request, **kwargs):
        return selectors.change_get(actor=request_actor(request), pk=kwargs["pk"])

    @extend_schema(
        operation_id="package_changes_submit",
        request=None,
        responses={200: PackageChangeSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Submit a change to the social work team before its four weeks are up",
    )
    def post(self, request, pk: int):
        actor = request_actor(request)
        change = selectors.change_get(actor=actor, pk=pk)
        change = services.package_change_submit(actor=actor, change=change)
        return Response(PackageChangeSerializer(change).data)


class PackageChangeDecisionApi(ObjectFirst, APIView):
    permission_classes = [CanRead]

    def lookup(self, request, **kwargs):
        return selectors.change_get(actor=request_actor(request), pk=kwargs["pk"])

    @extend_schema(
        operation_id="package_changes_decision",
        request=DecisionInputSerializer,
        responses={200: PackageChangeSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Approve or reject a submitted change (social workers of the lot's commissioner)",
    )
    def post(self, request, pk: int):
        actor = request_actor(request)
        change = selectors.change_get(actor=actor, pk=pk)
        data, errors = _parse(DecisionInputSerializer, request.data)
        if not can_decide(actor, change):
            raise PermissionDenied("Only social workers of the lot's commissioner decide on a change.")
        change = services.package_change_decide(
            actor=actor,
            change=change,
            decision=data.get("decision"),
            reason=data.get("reason") or "",
            errors=errors,
        )
        return Response(PackageChangeSerializer(change).data)


class PersonApi(APIView):
    permission_classes = [CanRead]

    @extend_schema(
        operation_id="people_retrieve",
        responses={200: PersonSerializer, 400: INVALID, 404: NOT_FOUND},
        summary="A person's record: packages (hours now), the hours ledger, changes, reviews, assessments",
    )
    def get(self, request, ref: str):
        actor = request_actor(request)
        person = _lookup(selectors.person_get, actor, ref, request.query_params.get("provider"), "person")
        today = timezone.localdate()
        packages = selectors.person_packages(person=person, today=today)
        body = {
            "ref": person.ref,
            "provider": person.provider.ref,
            "contract": person.contract.ref,
            "lot": person.lot,
            "name": person.name,
            "outcomes_opt_out": person.outcomes_opt_out,
            "packages": [
                {
                    "ref": pv.package.ref,
                    "lot": pv.package.lot,
                    "start": pv.package.start,
                    "end": pv.package.end,
                    "planned_weekly_hours": pv.package.planned_weekly_hours,
                    "hours_now": pv.hours_now,
                    "review_due": pv.package.review_due,
                }
                for pv in packages
            ],
            "ledger": [
                {
                    "package": pv.package.ref,
                    "start": s.day,
                    "hours": s.hours,
                    "event": s.event,
                    "change": s.change.ref if s.change else None,
                }
                for pv in packages
                for s in pv.steps
            ],
            "changes": [c for pv in packages for c in pv.changes],
            "reviews": [r for pv in packages for r in pv.reviews],
            "assessments": selectors.person_assessments(person=person),
        }
        return Response(PersonSerializer(body).data)


class ReviewCompleteApi(ObjectFirst, APIView):
    permission_classes = [CanRead]

    def lookup(self, request, **kwargs):
        return selectors.review_get(actor=request_actor(request), pk=kwargs["pk"])

    @extend_schema(
        operation_id="reviews_complete",
        request=ReviewCompleteInputSerializer,
        responses={200: ReviewCompletedSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Complete a provider-led review with the Outcomes Tool scores (or opted out); schedules the next",
    )
    def post(self, request, pk: int):
        actor = request_actor(request)
        review = selectors.review_get(actor=actor, pk=pk)
        data, errors = _parse(ReviewCompleteInputSerializer, request.data)
        review = services.review_complete(
            actor=actor,
            review=review,
            completed=data.get("completed"),
            scores={k: data.get(k) for k in ("wellbeing_independence", "home", "community")},
            opted_out=bool(data.get("opted_out")),
            progress=data.get("progress"),
            notes=data.get("notes") or "",
            errors=errors,
        )
        following = (
            Review.objects.filter(package=review.package, kind=review.kind, completed__isnull=True)
            .order_by("due")
            .first()
        )
        return Response(ReviewCompletedSerializer({"review": review, "next_review": following}).data)


class AssessmentCreateApi(APIView):
    permission_classes = [CanRead]

    @extend_schema(
        operation_id="outcome_assessments_create",
        request=AssessmentInputSerializer,
        responses={201: AssessmentSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Record an Outcomes Tool assessment (trusted assessors and provider managers)",
    )
    def post(self, request):
        actor = request_actor(request)
        data, errors = _parse(AssessmentInputSerializer, request.data)
        if not data.get("person"):
            if "person" not in errors:
                errors.add("person", "Give the person's ref.")
            raise ValidationError(dict(errors.by_field))
        person = _lookup(selectors.person_get, actor, data["person"], data.get("provider"), "person")
        a = services.outcome_assessment_record(
            actor=actor,
            person=person,
            day=data.get("date"),
            scores={k: data.get(k) for k in ("wellbeing_independence", "home", "community")},
            errors=errors,
        )
        return Response(AssessmentSerializer(a).data, status=status.HTTP_201_CREATED)

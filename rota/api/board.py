"""The rota board over REST: read a team's day; plan, move and take off care workers; add and change
shifts; publish a week. The same services as the board pages; refusals come back as 400 with the
rule's message in the usual error body, another provider's team, visit, worker or shift as 404."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.permissions import IsOrganisationMember, request_actor
from commissioning.tenancy import get_for_user
from homecare.api_errors import DomainError
from homecare.api_schema import ErrorsSerializer
from homecare.lib.dates import iso_week
from rota import assignments
from rota.api.board_serializers import (
    AssignmentInSerializer,
    AssignmentOutSerializer,
    AssignmentRefOutSerializer,
    BoardQuerySerializer,
    BoardSerializer,
    PublishInSerializer,
    PublishOutSerializer,
    ShiftInSerializer,
    ShiftPatchSerializer,
    ShiftSerializer,
)
from rota.board import Board, board_for
from rota.models import Shift, Visit
from rota.permissions import CanEditRota, CanReadRota
from rota.plan_models import Assignment
from rota.publishing import rota_publish
from workforce.models import Team, Worker

NOT_FOUND = OpenApiResponse(ErrorsSerializer, description="Not found, or not yours")


def _local(dt) -> str:
    return timezone.localtime(dt).isoformat()


def _user(request):
    return request.user if getattr(request.user, "pk", None) else None


def _require(request, view, permission) -> None:
    """The role check, made after the objects are found: another organisation's team, visit, worker
    or shift is a 404 for everyone, never a 403 that would say it exists."""
    if not permission().has_permission(request, view):
        raise PermissionDenied


def board_json(board: Board) -> dict:
    refs = {}
    for bv in board.visits + board.hospital:
        for w in bv.workers:
            refs[w.pk] = w.ref
    visits = []
    for bv in sorted(board.visits + board.hospital, key=lambda b: (b.visit.planned_start, b.ref)):
        lo, hi = bv.window
        slot = bv.slot
        c = bv.continuity
        visits.append(
            {
                "ref": bv.ref,
                "person": bv.visit.person.ref,
                "planned_start": _local(bv.visit.planned_start),
                "planned_end": _local(bv.visit.planned_end),
                "carers_required": bv.visit.carers_required,
                "status": bv.visit.status,
                "outside_home": bv.visit.outside_home,
                "earliest_start": lo.isoformat(),
                "latest_start": hi.isoformat(),
                "skills": list(slot.skills) if slot else [],
                "tasks": slot.tasks if slot else "",
                "workers": [w.ref for w in bv.workers],
                "assignments": [{"id": bv.assignment_ids[w.pk], "worker": w.ref} for w in bv.workers],
                "warnings": [
                    f.as_dict() | {"worker": refs.get(wid, "")} for wid, found in bv.findings.items() for f in found
                ],
                "changed_since_published": bv.changed,
                "continuity": {
                    "workers": c.workers if c else 0,
                    "visits": c.visits if c else 0,
                    "top_share": str(c.top_share) if c and c.top_share is not None else None,
                },
            }
        )
    workers = []
    for row in board.rows:
        workers.append(
            {
                "ref": row.worker.ref,
                "name": row.worker.name,
                "absent": row.absent,
                "travel_mode": row.worker.travel_mode,
                "week_hours": str(row.week_hours),
                "contact_minutes": row.contact_minutes,
                "travel_minutes": row.travel_minutes,
                "paid_minutes": row.paid_minutes,
                "shifts": [
                    {
                        "ref": s.ref,
                        "start": _local(s.start),
                        "end": _local(s.end),
                        "unpaid_break_minutes": s.unpaid_break_minutes,
                        "kind": s.kind,
                    }
                    for s, _, _ in row.shifts
                ],
                "visits": [item.visit.ref for item in row.items if item.kind == "visit"],
            }
        )
    figures = {k: (str(v) if v is not None and not isinstance(v, int) else v) for k, v in board.figures.items()}
    return {
        "team": board.team.ref,
        "date": board.day.isoformat(),
        "workers": workers,
        "visits": visits,
        "unassigned": [bv.ref for bv in board.unassigned],
        "figures": figures,
        "published": None
        if board.publication is None
        else {"published_at": _local(board.publication.published_at), "changes_since": board.changes_since_publishing},
    }


class BoardApi(APIView):
    permission_classes = [IsOrganisationMember]  # then CanReadRota once the team is found

    @extend_schema(
        operation_id="rota_board",
        parameters=[BoardQuerySerializer],
        responses={200: BoardSerializer, 400: ErrorsSerializer, 404: NOT_FOUND},
        summary="A team's day: care workers with their shifts, visits with their planned workers and warnings",
    )
    def get(self, request):
        query = BoardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        team = get_for_user(request_actor(request), Team, ref=query.validated_data["team"])
        _require(request, self, CanReadRota)
        return Response(board_json(board_for(team, query.validated_data["date"])))


class AssignmentsApi(APIView):
    permission_classes = [IsOrganisationMember]  # then CanEditRota once the objects are found

    @extend_schema(
        operation_id="rota_assignments_create",
        request=AssignmentInSerializer,
        responses={201: AssignmentOutSerializer, 400: ErrorsSerializer, 404: NOT_FOUND},
        summary="Plan a care worker on a visit (or move it: `replacing`); refused with the rule's message",
    )
    def post(self, request):
        data = AssignmentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = request_actor(request)
        visit = get_for_user(actor, Visit.objects.select_related("person", "slot"), ref=data.validated_data["visit"])
        worker = get_for_user(actor, Worker, ref=data.validated_data["worker"])
        replacing = None
        if data.validated_data.get("replacing"):
            replacing = get_for_user(actor, Assignment, pk=data.validated_data["replacing"])
        _require(request, self, CanEditRota)
        # A service's ValidationError becomes the usual error body in homecare/api_errors.py.
        try:
            outcome = assignments.assignment_add(actor=_user(request), visit=visit, worker=worker, replacing=replacing)
        except assignments.Refused as exc:
            raise DomainError(exc.errors()) from None
        body = {
            "id": outcome.assignment.pk,
            "visit": visit.ref,
            "worker": worker.ref,
            "warnings": [f.as_dict() | {"worker": worker.ref} for f in outcome.warnings],
        }
        return Response(body, status=status.HTTP_201_CREATED)


class AssignmentApi(APIView):
    permission_classes = [IsOrganisationMember]  # then CanEditRota once the objects are found

    @extend_schema(
        operation_id="rota_assignments_retrieve",
        responses={200: AssignmentRefOutSerializer, 404: NOT_FOUND},
        summary="One planned assignment: its visit and care worker",
    )
    def get(self, request, pk: int):
        assignment = get_for_user(request_actor(request), Assignment.objects.select_related("visit", "worker"), pk=pk)
        _require(request, self, CanReadRota)
        return Response({"id": assignment.pk, "visit": assignment.visit.ref, "worker": assignment.worker.ref})

    @extend_schema(
        operation_id="rota_assignments_delete",
        responses={204: None, 404: NOT_FOUND},
        summary="Take the care worker off the visit",
    )
    def delete(self, request, pk: int):
        assignment = get_for_user(request_actor(request), Assignment.objects.select_related("visit", "worker"), pk=pk)
        _require(request, self, CanEditRota)
        assignments.assignment_remove(actor=_user(request), assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShiftsApi(APIView):
    permission_classes = [IsOrganisationMember]  # then CanEditRota once the objects are found

    @extend_schema(
        operation_id="rota_shifts_create",
        request=ShiftInSerializer,
        responses={201: ShiftSerializer, 400: ErrorsSerializer, 404: NOT_FOUND},
        summary="Add a shift (start, end, unpaid break, kind); one worker's shifts never overlap",
    )
    def post(self, request):
        data = ShiftInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        worker = get_for_user(request_actor(request), Worker, ref=d["worker"])
        _require(request, self, CanEditRota)
        shift = assignments.shift_add(
            actor=_user(request),
            worker=worker,
            start=d["start"],
            end=d["end"],
            unpaid_break_minutes=d["unpaid_break_minutes"],
            kind=d["kind"],
            ref=d.get("ref"),
        )
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="rota_shifts_update",
        request=ShiftPatchSerializer,
        responses={200: ShiftSerializer, 400: ErrorsSerializer, 404: NOT_FOUND},
        summary="Change a shift, named by `ref` in the body: start, end, unpaid break or kind",
    )
    def patch(self, request):
        data = ShiftPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        shift = get_for_user(request_actor(request), Shift.objects.select_related("worker"), ref=d.pop("ref"))
        _require(request, self, CanEditRota)
        shift = assignments.shift_change(actor=_user(request), shift=shift, **d)
        return Response(ShiftSerializer(shift).data)


class PublishApi(APIView):
    permission_classes = [IsOrganisationMember]  # then CanEditRota once the objects are found

    @extend_schema(
        operation_id="rota_publish",
        request=PublishInSerializer,
        responses={200: PublishOutSerializer, 400: ErrorsSerializer, 404: NOT_FOUND},
        summary="Publish a team's week: its care workers see it, and later changes are marked",
    )
    def post(self, request):
        data = PublishInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = get_for_user(request_actor(request), Team, ref=data.validated_data["team"])
        _require(request, self, CanEditRota)
        publication = rota_publish(actor=_user(request), team=team, week=data.validated_data["week"])
        return Response(
            {"team": team.ref, "week": iso_week(publication.week), "published_at": _local(publication.published_at)}
        )

"""REST endpoints of the referral workflow under /api/v1/referrals/: commissioners' systems broker
referrals (the bundle's `referrals` fields plus `neighbourhood`, `requested_start`,
`planned_weekly_hours` and `notes`), providers' systems accept or decline them. Scope comes from the
selectors (another organisation's referral is a 404); rules and every error from the services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.models import Referral
from commissioning.permissions import IsOrganisationMember, acts_with_role, request_actor
from homecare.api_errors import DomainError

from . import selectors, services
from .clocks import CLOCK_STATES, clocks_for, first_check_ins
from .views import VIEW_ROLES

WORKFLOW_FIELDS = ("start_agreed", "outcome", "decided")


class ReferralErrorItem(serializers.Serializer):
    path = serializers.CharField()
    message = serializers.CharField()


class ReferralErrors(serializers.Serializer):
    errors = ReferralErrorItem(many=True)


ERRORS = OpenApiResponse(ReferralErrors, description="Every problem, each with its path; nothing was saved")
NOT_FOUND = OpenApiResponse(ReferralErrors, description="Not found, or not yours")
REFUSED = OpenApiResponse(ReferralErrors, description="Your organisation or role may not do this")
CONFLICT = OpenApiResponse(ReferralErrors, description="Already accepted, declined or withdrawn")


class BrokerInput(serializers.Serializer):
    ref = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Optional; BR-000123 if left out"
    )
    person = serializers.CharField(max_length=100, help_text="Your reference for the person")
    lot = serializers.IntegerField(min_value=1, max_value=2)
    received = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When it was received; now if left out (local time unless an offset is given)",
    )
    priority = serializers.BooleanField(required=False, default=False)
    authorised_delay = serializers.BooleanField(required=False, default=False)
    start_agreed = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Set by accept; must be left out"
    )
    outcome = serializers.CharField(
        required=False, allow_null=True, help_text='Set by the workflow; "pending" or left out'
    )
    decided = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Set by the workflow; must be left out"
    )
    neighbourhood = serializers.CharField(max_length=100, help_text="Neighbourhood ref")
    requested_start = serializers.DateField(required=False, allow_null=True)
    planned_weekly_hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        errors = {}
        unknown = set(self.initial_data) - set(self.fields)
        for name in sorted(unknown):
            errors[name] = "Not a field of a referral."
        for name in WORKFLOW_FIELDS:
            value = attrs.get(name)
            if value is not None and not (name == "outcome" and value == "pending"):
                errors[name] = "Set by the workflow (accept, decline, withdraw), not when brokering."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AcceptInput(serializers.Serializer):
    start = serializers.DateField(help_text="The agreed start date, e.g. 2026-12-08")
    planned_weekly_hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, help_text="Only for a referral that has none"
    )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the provider cannot take it")


class PassOnInput(serializers.Serializer):
    provider = serializers.CharField(
        required=False, help_text="Provider ref; the next in first refusal order if left out"
    )


class ClockOutput(serializers.Serializer):
    name = serializers.CharField()
    deadline = serializers.DateTimeField()
    stopped = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=list(CLOCK_STATES))
    remaining_minutes = serializers.IntegerField(allow_null=True)


class ReferralOutput(serializers.Serializer):
    id = serializers.IntegerField()
    ref = serializers.CharField()
    provider = serializers.CharField(source="provider.ref")
    contract = serializers.CharField(source="contract.ref")
    neighbourhood = serializers.CharField(source="contract.neighbourhood.ref")
    person = serializers.SerializerMethodField()
    lot = serializers.IntegerField()
    received = serializers.DateTimeField()
    priority = serializers.BooleanField()
    authorised_delay = serializers.BooleanField()
    start_agreed = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    decided = serializers.DateTimeField(allow_null=True)
    requested_start = serializers.DateField(allow_null=True)
    planned_weekly_hours = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    notes = serializers.CharField()
    start = serializers.DateField(source="start_date", allow_null=True)
    reason = serializers.CharField(source="outcome_reason")
    package = serializers.CharField(source="package.ref", allow_null=True, default=None)
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    clocks = serializers.SerializerMethodField()

    def get_person(self, r) -> str:
        return r.person.ref if r.person_id else r.person_ref

    @extend_schema_field(serializers.DictField(child=ClockOutput(), help_text='"agree" and/or "start"'))
    def get_clocks(self, r) -> dict[str, dict]:
        starts = self.context.get("starts", {})
        now = self.context["now"]
        return {k: c.as_dict() for k, c in clocks_for(r, first_check_in=starts.get(r.pk), now=now).items()}


def _output(referrals, *, many: bool = False):
    from django.utils import timezone

    items = list(referrals) if many else [referrals]
    context = {"starts": first_check_ins([r for r in items if r.outcome == "started"]), "now": timezone.now()}
    return ReferralOutput(items if many else referrals, many=many, context=context).data


class CanViewReferrals(IsOrganisationMember):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method == "GET":
            return acts_with_role(request_actor(request), VIEW_ROLES)
        return True  # the services say who may write what (403 with the reason)


class ReferralListApi(generics.GenericAPIView):
    permission_classes = [CanViewReferrals]
    serializer_class = ReferralOutput
    queryset = Referral.objects.none()  # the schema's model; requests read through the selectors

    @extend_schema(
        operation_id="referrals_list",
        summary="Referrals you may see: sent to you (providers), or of the lots you commission",
        responses={200: ReferralOutput(many=True)},
    )
    def get(self, request):
        outcome = request.query_params.get("outcome")
        qs = selectors.referral_list(actor=request_actor(request), outcome=outcome)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(_output(page, many=True))

    @extend_schema(
        operation_id="referrals_broker",
        summary="Broker a referral: it goes to the provider with first refusal in the neighbourhood",
        request=BrokerInput,
        responses={201: ReferralOutput, 400: ERRORS, 403: REFUSED},
    )
    def post(self, request):
        data = BrokerInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        actor = request_actor(request)
        hood = selectors.brokering_neighbourhoods(actor=actor).filter(ref=v["neighbourhood"]).first()
        referral = services.referral_broker(
            actor=actor,
            neighbourhood=hood or v["neighbourhood"],
            lot=v["lot"],
            person_ref=v["person"],
            priority=v["priority"],
            authorised_delay=v["authorised_delay"],
            requested_start=v.get("requested_start"),
            planned_weekly_hours=v["planned_weekly_hours"],
            notes=v.get("notes", ""),
            received=v.get("received"),
            ref=v.get("ref") or None,
        )
        return Response(
            _output(selectors.referral_get(actor=actor, referral_id=referral.pk)), status=status.HTTP_201_CREATED
        )


class ReferralDetailApi(APIView):
    permission_classes = [CanViewReferrals]

    @extend_schema(operation_id="referrals_retrieve", responses={200: ReferralOutput, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return Response(_output(selectors.referral_get(actor=request_actor(request), referral_id=pk)))


class _Action(APIView):
    permission_classes = [CanViewReferrals]
    input_class: type[serializers.Serializer]

    def act(self, actor, referral, data):
        raise NotImplementedError

    def http_method_not_allowed(self, request, *args, **kwargs):
        """An action is a POST; asked otherwise, a referral the caller cannot see is still a 404 first."""
        selectors.referral_get(actor=request_actor(request), referral_id=kwargs["pk"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    def post(self, request, pk: int):
        actor = request_actor(request)
        referral = selectors.referral_get(actor=actor, referral_id=pk)  # 404 before anything else
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        result = self.act(actor, referral, data.validated_data)
        code = status.HTTP_201_CREATED if result.pk != referral.pk else status.HTTP_200_OK
        return Response(_output(selectors.referral_get(actor=actor, referral_id=result.pk)), status=code)


class ReferralAcceptApi(_Action):
    input_class = AcceptInput

    @extend_schema(
        operation_id="referrals_accept",
        summary="Agree a start date (providers): the person and their package are created",
        request=AcceptInput,
        responses={200: ReferralOutput, 400: ERRORS, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, actor, referral, data):
        return services.referral_accept(
            actor=actor,
            referral_id=referral.pk,
            start=data["start"],
            planned_weekly_hours=data.get("planned_weekly_hours"),
        )


class ReferralDeclineApi(_Action):
    input_class = DeclineInput

    @extend_schema(
        operation_id="referrals_decline",
        summary="Decline a referral with a reason (providers)",
        request=DeclineInput,
        responses={200: ReferralOutput, 400: ERRORS, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, actor, referral, data):
        return services.referral_decline(actor=actor, referral_id=referral.pk, reason=data["reason"])


class ReferralWithdrawApi(_Action):
    input_class = ReasonInput

    @extend_schema(
        operation_id="referrals_withdraw",
        summary="Withdraw a referral nobody has answered (commissioners)",
        request=ReasonInput,
        responses={200: ReferralOutput, 400: ERRORS, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, actor, referral, data):
        return services.referral_withdraw(actor=actor, referral_id=referral.pk, reason=data.get("reason", ""))


class ReferralPassOnApi(_Action):
    input_class = PassOnInput

    @extend_schema(
        operation_id="referrals_pass_on",
        summary="Pass a declined referral to another provider as a new linked referral (commissioners)",
        request=PassOnInput,
        responses={201: ReferralOutput, 400: ERRORS, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, actor, referral, data):
        contract_id = None
        if data.get("provider"):
            choices = services.pass_on_choices(actor=actor, referral=referral)
            match = next((c for c in choices if c.provider.ref == data["provider"]), None)
            if match is None:
                raise DomainError(
                    [{"path": "provider", "message": f"{data['provider']} is not a provider this referral can go to."}]
                )
            contract_id = match.pk
        return services.referral_pass_on(actor=actor, referral_id=referral.pk, contract_id=contract_id)

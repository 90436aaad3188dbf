"""Forms of the contract set-up pages: they parse and bound what people type (the same digits and
ranges as the bundle's JSON Schema); the services check the rest."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from commissioning.kpis import KPI_NUMBERS, KPI_TITLES
from commissioning.models import RETURN_DUE_DAYS_MAX, Contract, Lot, Neighbourhood, Organisation

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "input_formats": ["%Y-%m-%d"]}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def due_day_choices() -> list[tuple[int, str]]:
    out = []
    for n in range(1, RETURN_DUE_DAYS_MAX + 1):
        weekday = WEEKDAYS[(n - 1) % 7]
        when = "after the week" if n <= 7 else "of the week after that"
        out.append((n, f"{weekday} {when} ({n} day{'s' if n > 1 else ''} after the Sunday)"))
    return out


def money(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=12, decimal_places=2, help_text=help_text
    )


def share(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=1, max_digits=5, decimal_places=4, help_text=help_text
    )


class ListField(forms.CharField):
    """One item a line (wards, LSOA codes)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value


class NeighbourhoodForm(forms.Form):
    ref = forms.CharField(
        label="Reference", max_length=100, help_text="A short code, for example AREA1. It cannot change later."
    )
    name = forms.CharField(label="Name", max_length=200)
    wards = ListField(label="Wards", help_text="One ward a line.")
    lsoas = ListField(
        label="LSOA codes (optional)", required=False, help_text="One code a line, for example E01011339."
    )


class ContractForm(forms.Form):
    provider = forms.ModelChoiceField(
        label="Provider", queryset=Organisation.objects.none(), empty_label="Choose the provider", required=False
    )
    provider_ref = forms.CharField(
        label="Or a new provider's reference",
        required=False,
        max_length=100,
        help_text="For a provider you hold no contract with yet, as it is registered on the platform (e.g. BC).",
    )
    ref = forms.CharField(label="Contract reference", max_length=100)
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood", queryset=Neighbourhood.objects.none(), empty_label="Choose"
    )
    model = forms.ChoiceField(
        label="Model",
        choices=[
            ("prime_provider", "Prime provider (first refusal)"),
            ("partnership", "Partnership"),
            ("spot", "Spot"),
        ],
        widget=forms.RadioSelect,
    )
    start = forms.DateField(label="Start", **DATE)
    end = forms.DateField(label="End (optional)", required=False, **DATE)
    settlement = forms.ChoiceField(
        label="Settlement period",
        choices=[("four_weekly", "Every 4 weeks from the start"), ("monthly", "Calendar months")],
        widget=forms.RadioSelect,
    )
    return_due_days = forms.TypedChoiceField(
        label="Weekly return due by the end of", coerce=int, choices=due_day_choices, initial=3
    )
    expected_value = money(
        "Expected value over the term (optional)", help_text="In pounds, for the contract position page."
    )
    review_interval_days = forms.IntegerField(
        label="Days from one provider-led review to the next",
        required=False,  # left empty: 122
        min_value=1,
        max_value=730,
        initial=122,
        help_text="122 is three reviews a year, as the Outcomes Tool is reported.",
    )

    def __init__(self, *args, providers, neighbourhoods, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["neighbourhood"].queryset = neighbourhoods
        if editing:  # who holds a contract, and under which reference, does not change
            del self.fields["provider_ref"]
            for name in ("provider", "ref"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        self.editing = editing

    def clean(self):
        data = super().clean()
        if self.editing:
            return data
        from .selectors import provider_by_ref

        ref = (data.get("provider_ref") or "").strip()
        if ref:
            found = provider_by_ref(ref)
            if found is None:
                self.add_error("provider_ref", f"No provider has the reference {ref}.")
            data["provider"] = found
        elif data.get("provider") is None:
            self.add_error("provider", "Choose the provider, or give a new provider's reference.")
        data.pop("provider_ref", None)
        return data


LOT_TERMS = (
    "expected_weekly_hours",
    "guaranteed_share",
    "billing_basis",
    "rounding_minutes",
    "tolerance_share",
    "short_visit_minutes",
    "short_visit_rate",
    "bank_holiday_multiplier",
    "hospital_retainer_share",
    "hospital_retainer_days",
    "late_cancel_hours",
    "late_cancel_share",
    "assessor_limit_hours",
    "assessor_limit_share",
)


class LotForm(forms.Form):
    number = forms.TypedChoiceField(
        label="Lot", coerce=int, choices=[(1, "Lot 1"), (2, "Lot 2")], widget=forms.RadioSelect
    )
    name = forms.CharField(label="Name", max_length=200, help_text="For example Social care, or Delegated healthcare.")
    commissioner = forms.ModelChoiceField(
        label="Commissioned by",
        queryset=Organisation.objects.none(),
        empty_label="A partner (give its reference)",
        required=False,
    )
    partner_ref = forms.CharField(
        label="Partner's reference",
        required=False,
        max_length=100,
        help_text="When another commissioner commissions this lot jointly with you, e.g. the NHS trust's reference.",
    )
    hourly_rate = money("Hourly rate from the contract's start (£)", required=True)
    expected_weekly_hours = forms.DecimalField(
        label="Expected weekly hours", required=False, min_value=0, max_digits=10, decimal_places=2
    )
    guaranteed_share = share(
        "Guaranteed share", "For example 0.80: 80% of the expected hours are paid whatever happens."
    )
    billing_basis = forms.ChoiceField(
        label="Billing basis",
        choices=[
            ("planned", "Planned time"),
            ("actual", "Actual time"),
            ("actual_capped", "Actual time, capped at planned"),
        ],
        initial="planned",
    )
    rounding_minutes = forms.IntegerField(label="Round to (minutes)", required=False, min_value=0, max_value=1440)
    tolerance_share = share("Tolerance", "Actual time of at least this share of planned bills as planned, e.g. 0.90.")
    short_visit_minutes = forms.IntegerField(
        label="Short visit: shorter than (minutes)", required=False, min_value=0, max_value=1440
    )
    short_visit_rate = money("Short visit hourly rate (£)")
    bank_holiday_multiplier = forms.DecimalField(
        label="Bank holiday multiplier",
        required=False,
        min_value=1,
        max_digits=5,
        decimal_places=3,
        help_text="1.5 is time and a half.",
    )
    hospital_retainer_share = share("Hospital retainer share", "For example 0.50 of the planned visits.")
    hospital_retainer_days = forms.IntegerField(
        label="Hospital retainer days", required=False, min_value=0, max_value=366
    )
    late_cancel_hours = forms.DecimalField(
        label="Late cancellation: notice under (hours)", required=False, min_value=0, max_digits=6, decimal_places=2
    )
    late_cancel_share = share("Late cancellation share", "For example 1.00 bills the whole visit.")
    # The trusted assessor's agreed parameters (docs/assessor-workflow.md).
    assessor_limit_hours = forms.DecimalField(
        label="Trusted assessor: largest change without approval (hours a week)",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text="A provider's change of up to this many hours applies at once; a bigger one waits for your "
        "social worker. Leave both limits empty to have every change approved first.",
    )
    assessor_limit_share = share(
        "Trusted assessor: largest change without approval (share of the hours before)",
        "For example 0.25: up to a quarter of the hours before.",
    )

    def __init__(self, *args, commissioners, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners
        if editing:  # a lot's number and opening rate stay; rates change from a date (rate changes)
            for name in ("number", "hourly_rate", "commissioner", "partner_ref"):
                del self.fields[name]
        self.editing = editing

    def clean(self):
        data = super().clean()
        if self.editing or "commissioner" not in self.fields:
            return data
        from .selectors import commissioner_by_ref

        ref = (data.get("partner_ref") or "").strip()
        if ref:
            found = commissioner_by_ref(ref)
            if found is None:
                self.add_error("partner_ref", f"No commissioner has the reference {ref}.")
            data["commissioner"] = found
        elif data.get("commissioner") is None:
            self.add_error("commissioner", "Choose your organisation, or give the partner's reference.")
        data.pop("partner_ref", None)
        return data


class RateForm(forms.Form):
    effective_from = forms.DateField(
        label="From", help_text="Visits on and after this date are priced at the new rate.", **DATE
    )
    hourly_rate = money("Hourly rate (£)", required=True)


class TargetsForm(forms.Form):
    effective_from = forms.DateField(
        label="From",
        help_text="Returns for weeks ending on or after this date use these targets.",
        **DATE,
    )

    def __init__(self, *args, current: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for n in KPI_NUMBERS:
            self.fields[f"kpi{n}"] = forms.DecimalField(
                label=f"KPI {n}: {KPI_TITLES[n]} (%)",
                min_value=0,
                max_value=100,
                max_digits=4,
                decimal_places=1,
                initial=current[n],
            )


def lot_initial(lot: Lot) -> dict:
    return {"name": lot.name, **{t: getattr(lot, t) for t in LOT_TERMS}}


def contract_initial(contract: Contract) -> dict:
    return {
        name: getattr(contract, name)
        for name in (
            "provider",
            "ref",
            "neighbourhood",
            "model",
            "start",
            "end",
            "settlement",
            "return_due_days",
            "expected_value",
            "review_interval_days",
        )
    }

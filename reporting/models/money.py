"""Invoices to commissioners. A draft can be recomputed; an issued invoice never changes (a
database trigger refuses it); a correction is a credit note referring to it."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils import timezone


# Every issue and every credit note (a credit note is inserted already issued).
@pghistory.track(
    pghistory.UpdateEvent("issued", condition=pgtrigger.Q(old__status="draft", new__status="issued")),
    pghistory.InsertEvent("credit_note", condition=pgtrigger.Q(new__kind="credit_note")),
    fields=[
        "provider",
        "contract",
        "lot",
        "commissioner",
        "kind",
        "credit_for",
        "number",
        "status",
        "total",
        "issued_by",
    ],
    model_name="InvoiceEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        ISSUED = "issued"

    class Kind(models.TextChoices):
        INVOICE = "invoice"
        CREDIT_NOTE = "credit_note"

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey("commissioning.Contract", on_delete=models.PROTECT, related_name="invoices")
    lot = models.ForeignKey("commissioning.Lot", on_delete=models.PROTECT, related_name="invoices")
    commissioner = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    credit_for = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(max_length=30, null=True, blank=True)  # assigned on issue
    data = models.JSONField()  # exactly "The invoice as data"
    total = models.DecimalField(max_digits=14, decimal_places=2)
    computed_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        "commissioning.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(upload_to="invoices/", blank=True)

    # Commissioners see only issued invoices addressed to them (not every lot of a shared contract).
    TENANT_COMMISSIONER_FIELD = "commissioner"
    TENANT_COMMISSIONER_SEES = Q(status="issued")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number"],
                condition=Q(number__isnull=False),
                name="invoice_unique_number_per_provider",
            ),
            models.UniqueConstraint(
                fields=["lot", "period_start"],
                condition=Q(status="draft", kind="invoice"),
                name="invoice_one_draft_per_lot_period",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False), name="invoice_issued_has_number"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="issued_invoice_is_not_deleted",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="issued"),
            ),
            # The one change an issued invoice accepts: the worker storing its PDF once, after issue
            # (so the PDF carries the number), with every other column unchanged.
            pgtrigger.Protect(
                name="issued_invoice_is_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.\"status\" = 'issued' AND NOT (OLD.\"pdf\" = '' "
                    "AND (to_jsonb(NEW.*) - 'pdf') = (to_jsonb(OLD.*) - 'pdf'))"
                ),
            ),
        ]
        indexes = [models.Index(fields=["provider", "period_start"])]
        ordering = ["-period_start", "lot__number"]

    def __str__(self) -> str:
        return self.number or f"draft {self.contract.ref} lot {self.lot.number} {self.period_start}"


class InvoiceDetail(models.Model):
    """The visit-level detail behind each line, frozen with the invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="details")
    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    line_kind = models.CharField(max_length=30)
    rate = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    visit = models.ForeignKey("rota.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attendance = models.ForeignKey(
        "rota.Attendance", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    worker = models.ForeignKey("workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=100, blank=True)  # e.g. a stay ref, a credit ref, "guarantee"
    minutes = models.DecimalField(max_digits=12, decimal_places=4, null=True)
    amount = models.DecimalField(max_digits=14, decimal_places=4)

    TENANT_COMMISSIONER_FIELD = "invoice__commissioner"
    TENANT_COMMISSIONER_SEES = Q(invoice__status="issued")

    class Meta:
        triggers = [
            # The detail is part of the invoice: once the invoice is issued its rows are frozen too.
            # Statement-level with transition tables: one check per statement, not one per row
            # (a city-scale invoice has tens of thousands of detail rows).
            *[
                pgtrigger.Trigger(
                    name=f"issued_invoice_detail_no_{op_name}",
                    operation=op,
                    when=pgtrigger.After,
                    level=pgtrigger.Statement,
                    referencing=pgtrigger.Referencing(**{side: "changed_rows"}),
                    func="""
                        IF EXISTS (
                            SELECT 1 FROM changed_rows c JOIN reporting_invoice i ON i.id = c.invoice_id
                            WHERE i.status = 'issued'
                        ) THEN
                            RAISE EXCEPTION 'pgtrigger: the detail of an issued invoice cannot change';
                        END IF;
                        RETURN NULL;
                    """,
                )
                for op_name, op, side in (
                    ("insert", pgtrigger.Insert, "new"),
                    ("update_from", pgtrigger.Update, "old"),
                    ("update_to", pgtrigger.Update, "new"),
                    ("delete", pgtrigger.Delete, "old"),
                )
            ],
        ]


class InvoiceNumber(models.Model):
    """The last invoice number issued by a provider (numbers are sequential per provider)."""

    provider = models.OneToOneField("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

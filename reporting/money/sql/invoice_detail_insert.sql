-- The detail rows (invoice_detail.sql) copied into InvoiceDetail in one statement, each priced at
-- minutes x rate / 60.
INSERT INTO reporting_invoicedetail
    (invoice_id, provider_id, line_kind, rate, visit_id, attendance_id, worker_id, source, minutes, amount)
SELECT %(invoice_id)s, %(provider_id)s, d.kind, d.rate, d.visit_id, d.attendance_id, d.worker_id,
       d.source, d.minutes, d.minutes * d.rate / 60
FROM (
-- include: invoice_detail
) d

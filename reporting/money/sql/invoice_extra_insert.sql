-- An invoice's exceptions, guarantee top-up and credits copied into InvoiceDetail: a handful of rows
-- given as arrays (visit, kind, rate, source, minutes, amount), still one statement whatever their number.
INSERT INTO reporting_invoicedetail
    (invoice_id, provider_id, line_kind, rate, visit_id, attendance_id, worker_id, source, minutes, amount)
SELECT %s, %s, k, r, v, NULL, NULL, s, m, a
FROM unnest(%s::bigint[], %s::text[], %s::numeric[], %s::text[], %s::numeric[], %s::numeric[]) AS x(v, k, r, s, m, a)

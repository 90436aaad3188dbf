-- The detail rows (invoice_detail.sql) in a stable order: by kind, visit, attendance.
-- include: invoice_detail
ORDER BY 1, 3, 4

-- A record owned through the record it points at ({{field}} -> {{target}}): that record's
-- provider (the first one of a ref given twice: the duplicate is an error of its own).
UPDATE {{table}} s
SET prov = p.prov
FROM (SELECT DISTINCT ON (ref) ref, prov FROM {{target}} ORDER BY ref, idx) p
WHERE s.prov IS NULL AND p.ref = s.{{field}}

-- Every index of the given tables but the primary keys, with what builds it again: constraints
-- (unique, exclusion) by their definition, plain and partial indexes by theirs. Indexes that back a
-- foreign key elsewhere are left out (they stay).
SELECT t.relname, i.relname, c.conname, pg_get_constraintdef(c.oid), pg_get_indexdef(i.oid)
FROM pg_index x
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('u', 'x')
WHERE x.indrelid = ANY(%(tables)s::regclass[]) AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = x.indexrelid)
ORDER BY t.relname, i.relname

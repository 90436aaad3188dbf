-- A table's row-level and statement-level INSERT triggers (not the internal ones of foreign keys):
-- those the replica role skips (enabled for origin sessions) and those it alone fires.
SELECT count(*) FILTER (WHERE tgenabled = 'O'), count(*) FILTER (WHERE tgenabled = 'R')
FROM pg_trigger
WHERE tgrelid = %(table)s::regclass AND NOT tgisinternal AND tgtype & 4 <> 0

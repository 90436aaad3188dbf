"""ANALYZE is the table owner's right, and the application's role owns nothing: its ANALYZE of a
table it has just filled is skipped with a warning. The bundle import analyses each table it has
written before the next list joins it (interchange/writer.py): without fresh statistics the planner
takes a table it has just filled for empty and probes an index once per row. This function, run with
its owner's rights (the migrating role's), analyses one table of the public schema for whoever calls
it; it changes no row."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION interchange_analyze_table(target regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = target AND n.nspname = 'public' AND c.relkind IN ('r', 'p')
    ) THEN
        RAISE EXCEPTION 'interchange_analyze_table: % is not a table of the public schema', target;
    END IF;
    EXECUTE format('ANALYZE %s', target);
END
$fn$;
"""


class Migration(migrations.Migration):
    dependencies = [("interchange", "0001_bundle_import")]

    operations = [migrations.RunSQL(SQL, "DROP FUNCTION IF EXISTS interchange_analyze_table(regclass);")]

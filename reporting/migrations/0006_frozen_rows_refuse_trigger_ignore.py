"""django-pgtrigger skips any of its triggers named in the setting `pgtrigger.ignore`, which every
role may set (SET LOCAL pgtrigger.ignore = '{...}'): the application's role could write a submitted
return or an issued invoice through raw SQL with it. On the tables those triggers guard, a plain
statement trigger (not pgtrigger's, so the setting cannot skip it) refuses every write while the
setting names anything. Nothing in the application sets it."""

from django.db import migrations

TABLES = ("reporting_weeklyreturn", "reporting_invoice", "reporting_invoicedetail")

FUNCTION = """
CREATE OR REPLACE FUNCTION reporting_refuse_trigger_ignore() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF coalesce(nullif(current_setting('pgtrigger.ignore', true), ''), '{}')::text[] <> '{}' THEN
        RAISE EXCEPTION '% cannot be written while pgtrigger.ignore is set', TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END
$fn$;
"""

TRIGGER = """
CREATE TRIGGER refuse_trigger_ignore BEFORE INSERT OR UPDATE OR DELETE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION reporting_refuse_trigger_ignore();
"""


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_audit_trail")]

    operations = [
        migrations.RunSQL(
            FUNCTION + "".join(TRIGGER.format(table=t) for t in TABLES),
            "".join(f"DROP TRIGGER IF EXISTS refuse_trigger_ignore ON {t};" for t in TABLES)
            + "DROP FUNCTION IF EXISTS reporting_refuse_trigger_ignore();",
        )
    ]

# The figure SQL again (rota/sql/*.sql, CREATE OR REPLACE): the shifts to recompute are found by
# their ids first and then joined by key, and the rows to delete are joined to, not tested with
# IN (subquery): a semi join could run its subquery once per row when the row estimates are off.

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("rota", "0008_figures_rules_shared"),
    ]

    operations = [
        migrations.RunSQL(
            (SQL / "shift_figures.sql").read_text() + "\n" + (SQL / "visit_figures.sql").read_text(),
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]

# The figure SQL again (CREATE OR REPLACE): the shifts to recompute are found by their ids first
# and then joined by key, and the rows to delete are joined to, not tested with IN (subquery): a
# semi join could run its subquery once per row when the row estimates are off.
#
# The SQL as this migration ran it, frozen in rota/migrations/sql/ (rota/sql/ holds today's, which
# later migrations apply). Reversed: 0008's SQL again.

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("rota", "0008_figures_rules_shared"),
    ]

    operations = [
        migrations.RunSQL(
            (SQL / "0009_shift_figures.sql").read_text() + "\n" + (SQL / "0009_visit_figures.sql").read_text(),
            reverse_sql=(SQL / "0008_shift_figures.sql").read_text() + "\n" + (SQL / "0008_visit_figures.sql").read_text(),
        ),
    ]

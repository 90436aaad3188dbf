# The figure SQL again (CREATE OR REPLACE): the rules became queries of their own
# (rota_shift_figures_select_sql, rota_visit_figures_select_sql, rota_leg_minutes) that the bundle
# import also runs over its staged rows, and the triggers leave a first load's figures to the import
# when it says so (homecare.rota_figures = 'supplied').
#
# The SQL as this migration ran it, frozen in rota/migrations/sql/ (rota/sql/ holds today's, which
# later migrations apply). Reversed: 0004's and 0006's SQL again (their functions, the triggers back
# on them), then the functions this one added dropped.

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent / "sql"

DROP_ADDED_SQL = """
DROP FUNCTION IF EXISTS rota_shift_figures_on_place(), rota_shift_figures_select_sql(text, text),
    rota_shift_figures_sql(text), rota_shift_figures_spans_sql(text), rota_figures_lock_sql(text),
    rota_figures_bulk_sql(text), rota_leg_minutes(float8, float8, float8, float8, text),
    rota_visit_figures_select_sql(text), rota_visit_figures_sql(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rota", "0007_leaner_rota_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            (SQL / "0008_shift_figures.sql").read_text() + "\n" + (SQL / "0008_visit_figures.sql").read_text(),
            reverse_sql=(SQL / "0004_shift_figures.sql").read_text()
            + "\n"
            + (SQL / "0006_visit_figures.sql").read_text()
            + "\n"
            + DROP_ADDED_SQL,
        ),
    ]

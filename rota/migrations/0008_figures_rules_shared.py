# The figure SQL again (rota/sql/*.sql, CREATE OR REPLACE): the rules became queries of their own
# (rota_shift_figures_select_sql, rota_visit_figures_select_sql, rota_leg_minutes) that the bundle
# import also runs over its staged rows, and the triggers leave a first load's figures to the import
# when it says so (homecare.rota_figures = 'supplied'; interchange/figures.py).

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("rota", "0007_leaner_rota_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            (SQL / "shift_figures.sql").read_text() + "\n" + (SQL / "visit_figures.sql").read_text(),
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]

# The rota's derived per-shift and per-visit rows are "totals" (a return's KPIs and measures are its
# "figures"): tables rota_shifttotals and rota_visittotals, SQL functions and triggers named
# *_totals_*, the setting homecare.rota_totals. The triggers and functions every earlier migration
# made are dropped, the tables renamed (their rows kept: the rules are unchanged), then the SQL as
# this migration runs it (a frozen copy of rota/sql/*.sql, rota/migrations/sql/0010_*.sql) creates
# the new ones.

from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

SQL = Path(__file__).resolve().parent / "sql"

DROP_FIGURES_SQL = """
DROP TRIGGER IF EXISTS shift_figures_attendance_ins ON rota_attendance;
DROP TRIGGER IF EXISTS shift_figures_attendance_upd ON rota_attendance;
DROP TRIGGER IF EXISTS shift_figures_attendance_del ON rota_attendance;
DROP TRIGGER IF EXISTS shift_figures_shift_ins ON rota_shift;
DROP TRIGGER IF EXISTS shift_figures_shift_upd ON rota_shift;
DROP TRIGGER IF EXISTS shift_figures_shift_del ON rota_shift;
DROP TRIGGER IF EXISTS shift_figures_visit_upd ON rota_visit;
DROP TRIGGER IF EXISTS shift_figures_person_upd ON outcomes_person;
DROP TRIGGER IF EXISTS shift_figures_worker_upd ON workforce_worker;
DROP TRIGGER IF EXISTS visit_figures_attendance_ins ON rota_attendance;
DROP TRIGGER IF EXISTS visit_figures_attendance_upd ON rota_attendance;
DROP TRIGGER IF EXISTS visit_figures_attendance_del ON rota_attendance;
DROP TRIGGER IF EXISTS visit_figures_visit_upd ON rota_visit;
DROP TRIGGER IF EXISTS visit_figures_visit_del ON rota_visit;
DROP FUNCTION IF EXISTS rota_shift_figures_on_attendance(), rota_shift_figures_on_shift(),
    rota_shift_figures_on_place(), rota_shift_figures_on_visit(), rota_shift_figures_on_person(),
    rota_shift_figures_on_worker(), rota_shift_figures_refresh_spans(bigint[], timestamptz[], timestamptz[]),
    rota_shift_figures_refresh(bigint[]), rota_shift_figures_select_sql(text, text),
    rota_shift_figures_sql(text), rota_shift_figures_spans_sql(text), rota_figures_lock_sql(text),
    rota_figures_bulk_sql(text), rota_leg_minutes(float8, float8, float8, float8, text),
    rota_visit_figures_on_attendance(), rota_visit_figures_on_visit(), rota_visit_figures_refresh(bigint[]),
    rota_visit_figures_select_sql(text), rota_visit_figures_sql(text);
"""

DROP_TOTALS_SQL = """
DROP TRIGGER IF EXISTS shift_totals_attendance_ins ON rota_attendance;
DROP TRIGGER IF EXISTS shift_totals_attendance_upd ON rota_attendance;
DROP TRIGGER IF EXISTS shift_totals_attendance_del ON rota_attendance;
DROP TRIGGER IF EXISTS shift_totals_shift_ins ON rota_shift;
DROP TRIGGER IF EXISTS shift_totals_shift_upd ON rota_shift;
DROP TRIGGER IF EXISTS shift_totals_shift_del ON rota_shift;
DROP TRIGGER IF EXISTS shift_totals_visit_upd ON rota_visit;
DROP TRIGGER IF EXISTS shift_totals_person_upd ON outcomes_person;
DROP TRIGGER IF EXISTS shift_totals_worker_upd ON workforce_worker;
DROP TRIGGER IF EXISTS visit_totals_attendance_ins ON rota_attendance;
DROP TRIGGER IF EXISTS visit_totals_attendance_upd ON rota_attendance;
DROP TRIGGER IF EXISTS visit_totals_attendance_del ON rota_attendance;
DROP TRIGGER IF EXISTS visit_totals_visit_upd ON rota_visit;
DROP TRIGGER IF EXISTS visit_totals_visit_del ON rota_visit;
DROP FUNCTION IF EXISTS rota_shift_totals_on_attendance(), rota_shift_totals_on_shift(),
    rota_shift_totals_on_place(), rota_shift_totals_select_sql(text, text), rota_shift_totals_sql(text),
    rota_shift_totals_spans_sql(text), rota_totals_lock_sql(text), rota_totals_bulk_sql(text),
    rota_leg_minutes(float8, float8, float8, float8, text),
    rota_visit_totals_on_attendance(), rota_visit_totals_on_visit(),
    rota_visit_totals_select_sql(text), rota_visit_totals_sql(text);
"""

RENAME_SQL = """
ALTER INDEX rota_shiftfigures_pkey RENAME TO rota_shifttotals_pkey;
ALTER INDEX rota_visitfigures_pkey RENAME TO rota_visittotals_pkey;
ALTER TABLE rota_shifttotals RENAME CONSTRAINT rota_shiftfigures_attendances_check TO rota_shifttotals_attendances_check;
ALTER TABLE rota_visittotals RENAME CONSTRAINT rota_visitfigures_carers_done_check TO rota_visittotals_carers_done_check;
"""

RENAME_BACK_SQL = """
ALTER INDEX rota_shifttotals_pkey RENAME TO rota_shiftfigures_pkey;
ALTER INDEX rota_visittotals_pkey RENAME TO rota_visitfigures_pkey;
ALTER TABLE rota_shifttotals RENAME CONSTRAINT rota_shifttotals_attendances_check TO rota_shiftfigures_attendances_check;
ALTER TABLE rota_visittotals RENAME CONSTRAINT rota_visittotals_carers_done_check TO rota_visitfigures_carers_done_check;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rota", "0009_figures_joins_by_key"),
    ]

    operations = [
        migrations.RunSQL(
            DROP_FIGURES_SQL,
            reverse_sql=(SQL / "0009_shift_figures.sql").read_text() + "\n" + (SQL / "0009_visit_figures.sql").read_text(),
        ),
        migrations.RenameModel(old_name="ShiftFigures", new_name="ShiftTotals"),
        migrations.RenameModel(old_name="VisitFigures", new_name="VisitTotals"),
        migrations.AlterModelOptions(name="shifttotals", options={"verbose_name_plural": "shift totals"}),
        migrations.AlterModelOptions(name="visittotals", options={"verbose_name_plural": "visit totals"}),
        migrations.AlterField(
            model_name="shifttotals",
            name="shift",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="totals",
                serialize=False,
                to="rota.shift",
            ),
        ),
        migrations.AlterField(
            model_name="visittotals",
            name="visit",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="totals",
                serialize=False,
                to="rota.visit",
            ),
        ),
        migrations.RenameIndex(
            model_name="shifttotals", new_name="rota_shifttot_prov_start_cov", old_name="rota_shiftfig_prov_start_cov"
        ),
        migrations.RenameIndex(
            model_name="visittotals", new_name="rota_visittot_prov_start_cov", old_name="rota_visitfig_prov_start_cov"
        ),
        migrations.RunSQL(RENAME_SQL, reverse_sql=RENAME_BACK_SQL),
        migrations.RunSQL(
            (SQL / "0010_shift_totals.sql").read_text() + "\n" + (SQL / "0010_visit_totals.sql").read_text(),
            reverse_sql=DROP_TOTALS_SQL,
        ),
    ]

"""The monitoring return's figures, one module (and one SQL statement, `sql/<STATEMENT>.sql`) per group.

Each group module names its statement (`STATEMENT`: one set-based query yielding a jsonb document of
raw numbers) and shapes what it yields (`shape(raw, ctx) -> (measures, kpis)`, the JSON shapes of
"The return as data"). compute.py runs every group's statement as one SELECT, so a return takes the
same queries whatever the data: the contract look-up, then that one. The records behind each
figure: records.py and `sql/records/`."""

"""Rules about rota data that more than one writer applies (ECM ingest here, the bundle import in
interchange): they live with the data they guard, and the writers import them."""

from __future__ import annotations

# Attendances outside these bounds are almost certainly keyed to the wrong visit or day: a carer
# checks in at most 3 hours before the planned start or 6 hours after the planned end (late
# visits do happen; a visit that far off is a different visit), and stays at most 12 hours.
CHECK_IN_EARLIEST_BEFORE_START = "3 hours"
CHECK_IN_LATEST_AFTER_END = "6 hours"
LONGEST_ATTENDANCE = "12 hours"

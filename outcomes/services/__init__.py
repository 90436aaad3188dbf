"""Writes of the outcomes app: package changes and their approval (changes.py), reviews and Outcomes
Tool assessments (reviews.py)."""

from outcomes.services.changes import (
    package_change_decide,
    package_change_log,
    package_change_submit,
    package_changes_submit_due,
)
from outcomes.services.reviews import outcome_assessment_record, review_complete, review_start, reviews_notify_due

__all__ = [
    "outcome_assessment_record",
    "package_change_decide",
    "package_change_log",
    "package_change_submit",
    "package_changes_submit_due",
    "review_complete",
    "review_start",
    "reviews_notify_due",
]

"""Pages of the outcomes app: people (people.py), package changes and the approvals queue
(changes.py), reviews and Outcomes Tool assessments (reviews.py)."""

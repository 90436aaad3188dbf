"""Celery shells for this part of reporting: take ids, call one service."""

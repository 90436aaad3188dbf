"""Benchmarks: each generates its own demo data and prints figures against a target (not tests)."""

"""Deterministic demo data: a bundle (docs/spec/bundle-format.md) generated from a seed.

`generator.generate_bundle(path, scale=..., weeks=..., seed=..., end_week=...)` writes a bundle file that
`interchange.importer.import_bundle` loads; `seed_demo` does both. See docs/demo-data.md.
"""

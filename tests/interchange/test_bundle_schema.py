"""The published JSON Schema is the one the importer checks against, and the example satisfies it."""

from __future__ import annotations

import json

import jsonschema

from interchange.schema import bundle_schema, published_schema
from tests.interchange.test_bundle_import import EXAMPLE


def test_the_published_schema_is_current():
    # Regenerate with: python -m interchange.schema > interchange/schema.json
    assert published_schema() == json.loads(json.dumps(bundle_schema()))


def test_the_example_bundle_is_valid_and_a_wrong_value_is_not():
    validator = jsonschema.Draft202012Validator(published_schema(), format_checker=jsonschema.FormatChecker())
    example = json.loads(EXAMPLE.read_text())
    # Every list, but only the first 300 records of the big ones: the full-schema validator is slow.
    example = {k: v[:300] if isinstance(v, list) else v for k, v in example.items()}
    assert list(validator.iter_errors(example)) == []
    example["visits"][0]["carers_required"] = 3
    example["shifts"][0]["kind"] = "nap"
    errors = sorted("/".join(map(str, e.absolute_path)) for e in validator.iter_errors(example))
    assert errors == ["shifts/0/kind", "visits/0/carers_required"]

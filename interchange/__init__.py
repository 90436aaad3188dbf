"""The data bundle (docs/spec/bundle-format.md): JSON Schema, validation, import and export."""

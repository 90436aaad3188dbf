"""The data bundle (../shared/spec/bundle-format.md): JSON Schema, validation, import and export."""

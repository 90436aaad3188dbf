from commissioning.scoped_admin import register_models

# Models live in reporting/models/{returns,money}.py; one app label covers both.
register_models("reporting")

from commissioning.scoped_admin import register_models

register_models("interchange")

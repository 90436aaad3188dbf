from homecare.admin import register_models

register_models("rota")

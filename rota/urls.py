app_name = "rota"
urlpatterns: list = []

from django.urls import path

from . import views

urlpatterns = [
    path("contracts/", views.contract_list, name="contract-list"),
    path("contracts/new/", views.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract-edit"),
    path("contracts/<int:pk>/lots/new/", views.lot_new, name="lot-new"),
    path("contracts/<int:pk>/targets/", views.targets_edit, name="contract-targets"),
    path("lots/<int:pk>/edit/", views.lot_edit, name="lot-edit"),
    path("lots/<int:pk>/rates/new/", views.rate_new, name="rate-new"),
    path("neighbourhoods/", views.neighbourhood_list, name="neighbourhood-list"),
    path("neighbourhoods/new/", views.neighbourhood_new, name="neighbourhood-new"),
    path("neighbourhoods/<int:pk>/edit/", views.neighbourhood_edit, name="neighbourhood-edit"),
]

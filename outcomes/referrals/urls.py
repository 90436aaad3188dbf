"""Mounted at /commissioning/referrals/ by homecare/urls.py (the contract's address; the code is outcomes')."""

from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/accept/", views.referral_accept, name="accept"),
    path("<int:pk>/decline/", views.referral_decline, name="decline"),
    path("<int:pk>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("<int:pk>/pass-on/", views.referral_pass_on, name="pass-on"),
]

from django.urls import path

from . import api

urlpatterns = [
    path("referrals/", api.ReferralListApi.as_view(), name="referrals-api-list"),
    path("referrals/<int:pk>/", api.ReferralDetailApi.as_view(), name="referrals-api-detail"),
    path("referrals/<int:pk>/accept/", api.ReferralAcceptApi.as_view(), name="referrals-api-accept"),
    path("referrals/<int:pk>/decline/", api.ReferralDeclineApi.as_view(), name="referrals-api-decline"),
    path("referrals/<int:pk>/withdraw/", api.ReferralWithdrawApi.as_view(), name="referrals-api-withdraw"),
    path("referrals/<int:pk>/pass-on/", api.ReferralPassOnApi.as_view(), name="referrals-api-pass-on"),
]

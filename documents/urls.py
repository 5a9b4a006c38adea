from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify_lookup, name="verify-lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path(
        "documents/proposals/<int:pk>/certificate/",
        views.proposal_certificate_page,
        name="proposal-certificate",
    ),
    path(
        "documents/honours/<int:pk>/certificate/",
        views.honour_certificate_page,
        name="honour-certificate",
    ),
    path(
        "documents/studios/<int:studio_pk>/honours/<int:list_pk>/certificate/",
        views.studio_honour_certificate_page,
        name="studio-honour-certificate",
    ),
]

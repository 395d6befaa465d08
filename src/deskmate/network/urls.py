from django.urls import path

from deskmate.network import views

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:job_id>/", views.import_detail, name="import_detail"),
    path("contacts/", views.contacts, name="contacts"),
]

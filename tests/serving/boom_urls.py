"""The site's URLs and one that fails, to see the 500 page a visitor gets."""

from django.urls import path

from deskmate.urls import urlpatterns as site


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site]

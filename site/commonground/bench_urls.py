"""The site's URLs plus the benchmark's baseline: a bare Django view under the same server."""

from django.shortcuts import render
from django.urls import path

from .urls import urlpatterns as site_urlpatterns


def bare_view(request):
    """A trivial template, through the same middleware (login, sessions, security) as the pages."""
    return render(request, "bench/bare.html", {"user": request.user})


urlpatterns = [path("bench/bare/", bare_view, name="bench_bare"), *site_urlpatterns]

"""The test settings' login throttling backend (see commonground.settings.test)."""

from axes.backends import AxesStandaloneBackend


class TestClientAwareAxesBackend(AxesStandaloneBackend):
    """django-axes, except for Django's test client `client.login()`, which authenticates with
    no request at all (no address to count, nobody to lock out). Logins through the login
    page always carry their request, so they are throttled exactly as in production."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

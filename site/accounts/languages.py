"""The language a person reads the intranet in: chosen once, remembered everywhere.

The choice lives in two places. The language cookie serves this browser (Django's
LocaleMiddleware reads it, also before login). Wagtail's user profile serves the person:
the Wagtail admin and the notification e-mails read `preferred_language`, and a fresh login
on another browser starts in it.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from wagtail.users.models import UserProfile

# Set in the session at login when the person has a stored language; the next response
# turns it into the language cookie.
_PENDING_LANGUAGE_KEY = "accounts.profile_language"


def supported_language(code: str | None) -> str | None:
    """`code` if it is one of our languages (e.g. "fi"), else None."""
    if code and code in dict(settings.LANGUAGES):
        return code
    return None


def remember_language(user, code: str) -> None:
    """Store `code` as the person's language, read by the Wagtail admin and the e-mails."""
    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != code:
        profile.preferred_language = code
        profile.save(update_fields=["preferred_language"])


def set_language_cookie(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _profile_language(user) -> str | None:
    profile = UserProfile.objects.filter(user=user).only("preferred_language").first()
    return supported_language(profile.preferred_language if profile else None)


@receiver(user_logged_in, dispatch_uid="accounts.use_profile_language_on_login")
def use_profile_language_on_login(sender, request, user, **kwargs):
    """A fresh login starts in the person's stored language, whatever this browser had before.

    The profile is read here, once per login, so that ordinary pages never query it.
    """
    code = _profile_language(user)
    if code and request is not None and hasattr(request, "session"):
        request.session[_PENDING_LANGUAGE_KEY] = code


class ProfileLanguageMiddleware:
    """Switch to the language stored in the profile on the first request after a login.

    Runs after SessionMiddleware and LocaleMiddleware, so it overrides what LocaleMiddleware
    read from an older cookie or Accept-Language, then writes the cookie, which carries the
    choice from there on. Costs nothing (the session is loaded anyway) when there is no
    pending language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = _take_pending_language(request)
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        response = self.get_response(request)
        # The login request itself: its redirect already carries the cookie.
        code = code or _take_pending_language(request)
        if code:
            set_language_cookie(response, code)
        return response


def _take_pending_language(request) -> str | None:
    session = getattr(request, "session", None)
    if session is None or _PENDING_LANGUAGE_KEY not in session:
        return None
    return supported_language(session.pop(_PENDING_LANGUAGE_KEY))

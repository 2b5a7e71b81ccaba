"""Which language a reader reads pages in, without a database query.

Pages are written in the default language (LANGUAGE_CODE) and may have translations. Routing
always finds the default-language page, so a reader of the default language needs no lookup.
"""

from django.conf import settings
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant


def reader_content_language() -> str:
    """The content language (e.g. "fi") matching the language active for this request."""
    try:
        return get_supported_content_language_variant(get_language())
    except LookupError:
        return default_content_language()


def default_content_language() -> str:
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def reads_default_language() -> bool:
    return reader_content_language() == default_content_language()

"""The address a request comes from, as the login throttling (django-axes) counts it.

Behind reverse proxies REMOTE_ADDR is the nearest proxy's address, the same for everybody.
Each proxy appends the address it received the request from to X-Forwarded-For, so with
TRUSTED_PROXY_COUNT proxies in front the client is that many entries from the right. Entries
further left were sent by the client and could say anything, so they are never used.
"""

from django.conf import settings


def client_address(request):
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")

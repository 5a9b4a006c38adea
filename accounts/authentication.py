"""API tokens with a lifetime: a token found on an old laptop or in a script
stops working API_TOKEN_LIFETIME_DAYS after it was issued."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


class TokenExpired(AuthenticationFailed):
    default_detail = _("The token has expired: ask for a new one with your password.")
    default_code = "token_expired"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <key>`, refused with 401 `token_expired` once
    the token has outlived its lifetime (the token endpoint then issues a new one)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if timezone.now() >= token_expires_at(token):
            raise TokenExpired
        return user, token

"""A unit's messenger robot: which URLs are accepted, how the URL is kept
secret, and how a notice is posted to it.

Only https URLs whose host is on NOTICE_WEBHOOK_HOSTS are accepted (by default
the WeCom and DingTalk robot hosts), so nobody can point the server at an
internal address; plain http only for the hosts on NOTICE_WEBHOOK_HTTP_HOSTS
(none outside the tests). The URL is encrypted with a key derived from
SECRET_KEY (Fernet; the fallbacks still decrypt after a key rotation), shown
back only as a hint, and never logged: errors name the HTTP status or the
failure, never the address."""

import base64
import hashlib
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Robots answer within a second or two; a slow one must not hold a worker.
POST_TIMEOUT_SECONDS = 10


class WebhookFailed(Exception):
    """A post that did not go through; the message never contains the URL."""


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(hashlib.sha256(f"notices.webhook:{key}".encode()).digest())
            )
            for key in keys
        ]
    )


def encrypt(url: str) -> str:
    return _fernet().encrypt(url.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # SECRET_KEY changed without a fallback
        raise WebhookFailed("the stored URL cannot be decrypted; set it again") from exc


def hint(url: str) -> str:
    """What is shown back: the host and the last four characters."""
    return f"{urlsplit(url).hostname}/…{url[-4:]}"


def url_checked(url: str) -> str:
    """The URL if it may be posted to; otherwise a 400 on `url` that does not
    repeat it."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        raise ValidationError({"url": _("Enter the robot's full web address.")}) from None
    allowed = {h.lower() for h in settings.NOTICE_WEBHOOK_HOSTS}
    plain_allowed = {h.lower() for h in settings.NOTICE_WEBHOOK_HTTP_HOSTS}
    scheme_ok = parts.scheme == "https" or (parts.scheme == "http" and host in plain_allowed)
    if not (scheme_ok and host in allowed) or parts.username or parts.password:
        raise ValidationError(
            {
                "url": _("Only the messenger's robot addresses are accepted (https://%(hosts)s/…).")
                % {"hosts": ", ".join(sorted(settings.NOTICE_WEBHOOK_HOSTS))}
            }
        )
    return url


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A robot never redirects; following one could lead to an internal address."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_text(url: str, text: str) -> None:
    """Post `text` as the robot's text message (WeCom and DingTalk take the same
    body); raises WebhookFailed when it did not go through."""
    url_checked(url)  # again: the allowed hosts may have changed since it was set
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
    request = urllib.request.Request(
        url,
        data=body.encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=POST_TIMEOUT_SECONDS) as response:
            answer = response.read(4096)
    except urllib.error.HTTPError as exc:
        raise WebhookFailed(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookFailed(f"not reached ({type(reason).__name__})") from None
    # Both answer 200 with {"errcode": 0} on success, another code on refusal.
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        raise WebhookFailed(f"refused (errcode {errcode})")

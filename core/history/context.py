"""Through what and by whom: the recording context every history entry is
filled from as it is written.

- **Through what.** `recording(via=…)` says what is acting, for everything
  written inside it: `HistoryMiddleware` opens one per request (page, API or
  admin, by path; the actor is read when an entry is written, so the API's
  token sign-in is seen), a Celery task gets `task` unless it says more (the HR
  import says `import`), `manage.py` (a command, the shell) opens `shell`;
  anything else is `system`.
- **By whom, outside a request.** A task, a command or the shell has no signed-in
  person. The work done for someone names them (`acting_for`: an import's or a
  photo's requester); otherwise the acting person is the `by` the service was
  called with (every service takes its actor as `by`, docs/architecture.md), read
  from the outermost such call under way when the entry is written, so no
  service has to repeat it.

The context of the moment is one context variable, kept here alone: the other
modules of the package read it through `entry_context` and never set it.
manage.py imports this module before Django is set up, so nothing here reads a
model at import time.
"""

import contextlib
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Via(models.TextChoices):
    PAGE = "page", _("page")
    API = "api", _("API")
    ADMIN = "admin", _("admin")
    IMPORT = "import", _("import")
    TASK = "task", _("background task")
    SHELL = "shell", _("command line")
    SYSTEM = "system", _("system")


@dataclass(frozen=True)
class _Context:
    via: str
    actor: object = None
    request: object = None
    remote_addr: str | None = None

    def current_actor(self):
        """The acting person: given, or the request's once it is signed in (the
        API signs a token in inside the view, after the middleware), or else
        the `by` of the service under way."""
        if self.actor is not None:
            return self.actor
        user = getattr(self.request, "user", None)
        if getattr(user, "is_authenticated", False):
            return user
        return _service_actor()


def _service_actor():
    """The person the outermost service call under way acts for: its `by`
    argument. A service calling another passes its own `by` on (or acts for
    someone on purpose, like an import for its requester, through
    `acting_for`), so the outermost one names who started the work."""
    from django.contrib.auth import get_user_model

    person_type, found = get_user_model(), None
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if "by" in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]:
            by = frame.f_locals.get("by")
            if isinstance(by, person_type) and by.pk is not None:
                found = by
        frame = frame.f_back
    return found


_context: ContextVar[_Context | None] = ContextVar("history_context", default=None)


@contextlib.contextmanager
def recording(*, via: str, actor=None, request=None, remote_addr=None) -> Iterator[None]:
    """Everything written inside is recorded as done through `via` by `actor`
    (or the signed-in person of `request`)."""
    if request is not None and remote_addr is None:
        remote_addr = request.META.get("REMOTE_ADDR") or None
    token = _context.set(_Context(via, actor, request, remote_addr))
    try:
        yield
    finally:
        _context.reset(token)


def current_via() -> str:
    context = _context.get()
    return context.via if context else Via.SYSTEM


@contextlib.contextmanager
def acting_for(person) -> Iterator[None]:
    """Work done for `person` outside their request (a task finishing their
    upload): recorded as theirs, through the channel of the moment. A request's
    signed-in person stays the actor."""
    context = _context.get() or _Context(Via.SYSTEM)
    signed_in = getattr(getattr(context.request, "user", None), "is_authenticated", False)
    if person is None or context.actor is not None or signed_in:
        yield
        return
    with recording(via=context.via, actor=person, remote_addr=context.remote_addr):
        yield


def entry_context() -> dict:
    """The LogEntry fields that say who acted and through what, now."""
    context = _context.get() or _Context(Via.SYSTEM)
    actor = context.current_actor()
    return {
        "actor": actor,
        "actor_email": (getattr(actor, "email", None) or None) if actor else None,
        "remote_addr": context.remote_addr,
        "additional_data": {"via": context.via},
    }


def _fill_entry(sender, instance, **kwargs):
    """pre_save of a LogEntry: the actor, address and channel of the moment."""
    if instance.pk is not None:
        return
    for name, value in entry_context().items():
        if name == "additional_data":
            instance.additional_data = {**value, **(instance.additional_data or {})}
        elif getattr(instance, name, None) in (None, ""):
            setattr(instance, name, value)


class HistoryMiddleware:
    """Each request's writes are recorded as made through the page, the API or
    the admin, by the person signed in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = "/api/"
        self.admin_prefix = None

    def _via(self, request) -> str:
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        path = request.path_info
        if path.startswith(self.api_prefix):
            return Via.API
        if path.startswith(self.admin_prefix):
            return Via.ADMIN
        return Via.PAGE

    def __call__(self, request):
        with recording(via=self._via(request), request=request):
            return self.get_response(request)


def _connect_tasks() -> None:
    """A Celery task's writes are recorded as `task` (a task that knows better,
    the HR import, opens its own `recording`)."""
    from celery.signals import task_postrun, task_prerun

    tokens = {}

    def started(task_id=None, **kwargs):
        tokens[task_id] = _context.set(_Context(Via.TASK))

    def finished(task_id=None, **kwargs):
        token = tokens.pop(task_id, None)
        if token is not None:
            _context.reset(token)

    task_prerun.connect(started, weak=False, dispatch_uid="history_task_started")
    task_postrun.connect(finished, weak=False, dispatch_uid="history_task_finished")


@contextlib.contextmanager
def not_recorded() -> Iterator[None]:
    """Writes that are not history (a test's or the demo's setup)."""
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        yield


def _content_type(model):
    # Imported here: manage.py opens `recording` before Django is set up.
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)

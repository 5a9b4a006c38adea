"""Every create and update of the API goes through a serializer that refuses
the fields it never writes (core.api.read_only), so no resource ignores them."""

from django.urls import get_resolver

from core.api.read_only import RefuseReadOnlyFields

WRITES = {"post": "create", "put": "update", "patch": "partial_update"}


def writable_viewsets():
    """(viewset, action) for each create or update route under /api/v1/."""
    found = set()
    stack = [get_resolver()]
    while stack:
        resolver = stack.pop()
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                stack.append(pattern)
                continue
            actions = getattr(pattern.callback, "actions", None) or {}
            cls = getattr(pattern.callback, "cls", None)
            for method, action in actions.items():
                if WRITES.get(method) == action and method in cls.http_method_names:
                    found.add((cls, action))
    return found


def test_every_create_and_update_refuses_read_only_fields():
    routes = writable_viewsets()
    assert len(routes) > 30  # the whole API, not a corner of it
    lax = []
    for cls, action in routes:
        view = cls(action=action, request=None, format_kwarg=None, kwargs={})
        serializer_class = view.get_serializer_class()
        if not issubclass(serializer_class, RefuseReadOnlyFields):
            lax.append(f"{cls.__name__}.{action}: {serializer_class.__name__}")
    assert not lax, lax

"""People by the part they play, for every test module: `person(world, "lead_a")`
finds the person of that name in a shared-data namespace (`org`, `studios`,
`mentoring`, `showcase` …) or in the namespaces it carries (`studios`, `org`)."""


def person(world, role: str):
    pending = [world]
    while pending:
        namespace = pending.pop(0)
        if hasattr(namespace, role):
            return getattr(namespace, role)
        pending.extend(
            getattr(namespace, below) for below in ("studios", "org") if hasattr(namespace, below)
        )
    raise LookupError(f"nobody plays {role!r} here")

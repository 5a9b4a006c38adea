"""Registry for demo data: each app's `demo.py` registers its seeders here, and
`manage.py seed_demo` runs them in order. Core imports no app; apps find it."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(order=True)
class Seeder:
    order: int
    name: str = field(compare=False)
    seed: Callable[[], None] = field(compare=False)


_seeders: list[Seeder] = []
_summaries: list[Callable[[], list[str]]] = []


def seeder(order: int):
    """Register an idempotent seeding function; lower orders run first."""

    def register(func: Callable[[], None]):
        _seeders.append(Seeder(order=order, name=f"{func.__module__}.{func.__name__}", seed=func))
        return func

    return register


def summary(func: Callable[[], list[str]]):
    """Register a function whose lines are printed after seeding (e.g. accounts)."""
    _summaries.append(func)
    return func


def seeders() -> list[Seeder]:
    return sorted(_seeders)


def summary_lines() -> list[str]:
    return [line for func in _summaries for line in func()]

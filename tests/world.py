"""Shared test data, built once and reused by every test that asks for it.

Building the org tree, the studios, the campaigns … through the services is most
of a test's set-up time, and most tests ask for the same data. So each piece of
shared data (a *level*: `org`, `studios`, `campaigns` …) is built once inside a
transaction of its own (a savepoint below the level it needs) and kept open for
as long as consecutive tests ask for it. pytest-django runs every test inside a
further savepoint and rolls it back, so nothing a test writes reaches the next
one, and a test receives deep copies of the level's objects, so it may change
them freely.

A test that needs real commits (`transactional_db`, `live_server`, a worker
process) first rolls every level back and builds the data it asks for as before,
committed; pytest-django empties the database after it.

A level is declared where its fixture used to be:

    @shared_data(needs=("org",))
    def studios(built):
        org = built.get("org")
        ...
        return SimpleNamespace(...)

and is requested like any fixture (`def test_x(studios): ...`). A builder must
not change rows of the levels below it in ways their objects would show (a
treebeard parent's `numchild`, say): the copies a test gets of the lower levels
are taken from those levels as they were built.
"""

import contextlib
import copy
import io
import pickle
import types
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet

from core.history import not_recorded

# key ("tests.conftest.org") → (builder, keys of the levels it needs), in the
# order of declaration: a level is always declared after the levels it needs.
LEVELS: dict[str, tuple[Callable, tuple[str, ...]]] = {}
# fixture name → the keys declared under it; `needs` and `world.get("org")`
# name a level by its fixture name, which must then be declared once.
KEYS_BY_NAME: dict[str, list[str]] = {}


def level_key(name: str) -> str:
    """The key of the level a builder or test names (`"org"`)."""
    if name in LEVELS:
        return name
    keys = KEYS_BY_NAME.get(name, [])
    assert len(keys) == 1, f"{name!r} names {len(keys)} levels: {keys}"
    return keys[0]


def shared_data(*, needs: tuple[str, ...] = ()):
    """Declare a level of shared data and the fixture of the same name. A module
    may declare a level under a name that another module uses for something
    else (`many`, `world`): the test's own fixture decides which one it gets."""

    def declare(build: Callable):
        name = build.__name__
        key = f"{build.__module__}.{name}"
        LEVELS[key] = (build, tuple(level_key(need) for need in needs))
        KEYS_BY_NAME.setdefault(name, []).append(key)

        def fixture(shared_world):
            return shared_world.get(key)

        fixture.shared_level = key
        fixture.__doc__ = build.__doc__
        fixture.__module__ = build.__module__
        return pytest.fixture(name=name)(fixture)

    return declare


def levels_wanted(item) -> list[str]:
    """The levels a test asks for (through the fixtures it really gets), with
    the levels they need, in declared order."""
    wanted: set[str] = set()
    definitions = item._fixtureinfo.name2fixturedefs
    pending = [
        getattr(definitions[name][-1].func, "shared_level", None)
        for name in item.fixturenames
        if definitions.get(name)
    ]
    pending = [key for key in pending if key]
    while pending:
        key = pending.pop()
        if key not in wanted:
            wanted.add(key)
            pending.extend(LEVELS[key][1])
    return [key for key in LEVELS if key in wanted]


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames)
        or (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    )


@dataclass
class _Level:
    key: str
    atomic: transaction.Atomic
    data: object


@dataclass
class WorldStack:
    """The levels built so far in this test process, innermost last."""

    blocker: object
    levels: list[_Level] = field(default_factory=list)
    # The connection the levels live on. Django's connections belong to the
    # thread's context, and a browser test's event loop starts a new one (with
    # a new connection): levels left on the old one would hold their rows
    # locked and unseen, so they are rolled back there and built anew.
    connection: object = None
    # Whether the levels were built recording field history (core.history):
    # only for the tests about history, since it doubles the cost of building.
    recorded: bool = False

    def data(self) -> dict[str, object]:
        return {level.key: level.data for level in self.levels}

    def arrange(self, wanted: list[str], *, recorded: bool = False) -> None:
        """Keep the levels that `wanted` starts with, roll back the rest and
        build what is missing (all of them anew when `recorded` changes)."""
        if connections[DEFAULT_DB_ALIAS] is not self.connection:
            self.close()
            self.connection = connections[DEFAULT_DB_ALIAS]
        if recorded != self.recorded:
            self.roll_back_all()
            self.recorded = recorded
        kept = 0
        for level, key in zip(self.levels, wanted, strict=False):
            if level.key != key:
                break
            kept += 1
        while len(self.levels) > kept:
            self._roll_back_innermost()
        for key in wanted[kept:]:
            self._build(key)

    def _build(self, key: str) -> None:
        build, _needs = LEVELS[key]
        with self.blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                # A copy of the levels below: a builder must not leave its marks
                # (a cached scope …) on objects that other tests receive.
                with contextlib.nullcontext() if self.recorded else not_recorded():
                    data = build(_BuiltLevels(deep_copy(self.data())))
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self.levels.append(_Level(key, atomic, data))

    def _roll_back_innermost(self) -> None:
        level = self.levels.pop()
        with self.blocker.unblock(), self._on_own_connection():
            transaction.set_rollback(True)
            level.atomic.__exit__(None, None, None)

    @contextmanager
    def _on_own_connection(self):
        current = connections[DEFAULT_DB_ALIAS]
        connections[DEFAULT_DB_ALIAS] = self.connection
        try:
            yield
        finally:
            connections[DEFAULT_DB_ALIAS] = current

    def roll_back_all(self) -> None:
        while self.levels:
            self._roll_back_innermost()

    def close(self) -> None:
        """Roll every level back and close their connection if it is not the
        current context's (the test database is dropped at the end)."""
        self.roll_back_all()
        if self.connection is not None and self.connection is not connections[DEFAULT_DB_ALIAS]:
            with self.blocker.unblock():
                self.connection.close()


@dataclass
class _BuiltLevels:
    """What a builder sees of the levels below it."""

    built: dict[str, object]

    def get(self, name: str):
        return self.built[level_key(name)]


class World:
    """A test's view of the shared data: deep copies of the built levels (one
    copy of them all, so an object shared between levels stays one object), or,
    for a test that commits, data built on demand for that test alone."""

    def __init__(self, stack: WorldStack, *, transactional: bool):
        self.transactional = transactional
        self.built: dict[str, object] = {} if transactional else deep_copy(stack.data())

    def get(self, name: str):
        key = level_key(name)
        if key not in self.built:
            assert self.transactional, f"{key} was not built for this test"
            build, needs = LEVELS[key]
            for need in needs:
                self.get(need)
            self.built[key] = build(self)
        return self.built[key]


# The objects a copy keeps as they are (functions) or copies apart (querysets),
# by id while a `deep_copy` runs.
_SET_APART: dict[int, object] = {}


def _kept(key: int):
    return _SET_APART[key]


def _copied_apart(key: int):
    return copy.deepcopy(_SET_APART[key])


class _LevelPickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, types.FunctionType) and obj not in (_kept, _copied_apart):
            _SET_APART[id(obj)] = obj
            return _kept, (id(obj),)
        if isinstance(obj, QuerySet):  # deepcopy leaves its rows unread; pickle would read them
            _SET_APART[id(obj)] = obj
            return _copied_apart, (id(obj),)
        return NotImplemented


def deep_copy(data):
    """What `copy.deepcopy(data)` makes, through a pickle round trip: the same
    objects (model instances, their states, namespaces, dates …), copied in C,
    2.6 times as fast: each test copies the levels it runs in, about 12 s of
    the suite through deepcopy. Functions stay themselves, as deepcopy keeps them,
    and a queryset is deep-copied (left unread); whatever pickle refuses is
    copied by deepcopy."""
    buffer = io.BytesIO()
    try:
        _LevelPickler(buffer, pickle.HIGHEST_PROTOCOL).dump(data)
        return pickle.loads(buffer.getvalue())
    except (pickle.PicklingError, TypeError, AttributeError):
        return copy.deepcopy(data)
    finally:
        _SET_APART.clear()

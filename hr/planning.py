"""What an HR file would change, row by row, and (when applying) the change itself.

One pass over the file in chunks, so 300,000 rows take constant memory and a
fixed number of queries per chunk: the preview and the apply run the same code,
the apply with a `writer` that stores each chunk in its own transaction. A row
in error never stops the others; the apply leaves out every row the preview
found in error (`skip_rows`), so it applies exactly the rows the official saw.
"""

import datetime
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, SkillLevel, SkillLevelChange, User
from accounts.pinyin import pinyin_keys
from core.signals import records_changed
from hr.reading import COLUMNS, Table

CHUNK_ROWS = 2000
PREVIEW_SAMPLE = 500  # changes kept for the preview page; the counts cover all rows
ERRORS_KEPT = 1000  # row errors kept on the import; the error file has every one

PERSON_FIELDS = (
    "full_name",
    "org_unit_id",
    "post",
    "phone",
    "email",
    "messenger_id",
    "skill_level",
    "is_active",
)
PINYIN_FIELDS = ("name_pinyin", "name_initials")
FIELD_LIMITS = {"employee_no": 32, "full_name": 100, "post": 100, "phone": 32, "messenger_id": 64}
YES = {"1", "y", "yes", "true", "是", "在职", "有效", "√"}
NO = {"0", "n", "no", "false", "否", "离职", "不在职", "无效", "×"}


class RunLost(Exception):
    """The worker lost the import to another attempt: stop without writing."""


def choice_names(choices) -> dict[str, str]:
    """Every way a file may write a choice: its code, its English and its Chinese
    label, case-insensitive."""
    names = {}
    for value, label in choices:
        names[str(value).lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names[str(label).strip().lower()] = value
    return names


def yes_no(text: str, default: bool) -> bool | None:
    """是/否, yes/no, 1/0; empty is the default; anything else is None (an error)."""
    text = text.strip().lower()
    if not text:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    return None


@dataclass
class Outcome:
    """Everything one pass found: counts, the row errors, a sample of the changes,
    and the people whose unit or status changed (their open work is listed)."""

    counts: dict = field(
        default_factory=lambda: dict.fromkeys(
            ("create", "update", "unchanged", "deactivate", "error"), 0
        )
    )
    errors: list = field(default_factory=list)  # (row, key, message, values)
    changes: list = field(default_factory=list)
    moved_or_left: list = field(default_factory=list)  # person ids

    def error(self, row: int, key: str, message: str, values: dict) -> None:
        self.counts["error"] += 1
        self.errors.append((row, key, str(message), values))

    def change(self, action: str, row: int | None, key: str, name: str, diff: dict) -> None:
        self.counts[action] += 1
        if action != "unchanged" and len(self.changes) < PREVIEW_SAMPLE:
            self.changes.append(
                {"action": action, "row": row, "key": key, "name": name, "changes": diff}
            )


def _within(path: str | None, root_path: str) -> bool:
    return bool(path) and path.startswith(root_path)


def fingerprint(root: OrgUnit, kind: str) -> str:
    """A digest of what the import reads in its subtree (units, and people for a
    people import): equal before and after means nothing changed in between."""
    digest = hashlib.sha256()
    units = OrgUnit.objects.filter(path__startswith=root.path).order_by("pk")
    for row in units.values_list("pk", "code", "name", "kind", "path", "closed_on"):
        digest.update(repr(row).encode())
    if kind == "people":
        people = User.objects.filter(org_unit__path__startswith=root.path).order_by("pk")
        for row in people.values_list("pk", "employee_no", *PERSON_FIELDS).iterator(2000):
            digest.update(repr(row).encode())
    return digest.hexdigest()


# ── people ────────────────────────────────────────────────────────────────


def insert_people(people: list[dict]) -> None:
    """Add people (each a dict of employee_no and PERSON_FIELDS), without a
    usable password: an account is opened by the office (the "!" prefix is
    Django's mark of an unusable password). A person is matched by employee
    number: after a worker died mid-apply the next attempt skips the people
    already written, and a race with another import cannot add one twice."""
    if not people:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        User.objects.bulk_create(
            [
                User(password="!" + secrets.token_hex(16), date_joined=now, **fields)
                for fields in people
            ],
            ignore_conflicts=True,
        )
        return
    # PostgreSQL: one INSERT of column arrays, several times cheaper than
    # Django's bulk_create building an object and a parameter per value.
    columns = list(people[0])
    arrays = [[fields[name] for fields in people] for name in columns]
    arrays.append(["!" + secrets.token_hex(16) for _ in people])
    types = [
        {"org_unit_id": "bigint", "is_active": "boolean"}.get(name, "text") for name in columns
    ]
    names = [User._meta.get_field(name).column for name in columns]
    unnested = ", ".join(f"%s::{sql_type}[]" for sql_type in types)
    with connection.cursor() as cursor:
        cursor.execute(
            # Every NOT NULL column without a value here is written explicitly
            # (Django's defaults are not the database's).
            f"INSERT INTO {User._meta.db_table} ({', '.join(names)}, password, "
            "is_staff, is_superuser, must_change_password, date_joined) "
            f"SELECT *, false, false, false, %s FROM unnest({unnested}, %s::text[]) "
            "ON CONFLICT (employee_no) DO NOTHING",
            [now, *arrays],
        )


@dataclass
class PeopleWriter:
    """Stores one chunk of the plan (the apply); `fence` is called inside each
    chunk's transaction and raises RunLost when the worker lost the import."""

    by: User | None
    source: str
    fence: Callable[[], None] = lambda: None
    today: datetime.date = field(default_factory=timezone.localdate)
    # The import's unit: everyone it adds, moves or deactivates lies below it.
    root: OrgUnit | None = None

    def _changed(self) -> None:
        """Bulk writes send no model signal: say which people changed (figures
        derived from them, such as the dashboard's headcount, are kept elsewhere)."""
        records_changed.send(
            sender=User,
            unit_ids=None if self.root is None else [self.root.pk],
            subtrees=True,
        )

    def write(self, creates: list[dict], updates: list[dict], level_changes: list) -> None:
        with transaction.atomic():
            self.fence()
            self._changed()
            # The pinyin keys a save would compute (bulk writes skip save()).
            insert_people([{**fields, **pinyin_keys(fields["full_name"])} for fields in creates])
            if updates:
                User.objects.bulk_update(
                    [User(**fields, **pinyin_keys(fields["full_name"])) for fields in updates],
                    [*PERSON_FIELDS, *PINYIN_FIELDS],
                )
            SkillLevelChange.objects.bulk_create(
                SkillLevelChange(
                    person_id=person_id,
                    from_level=old,
                    to_level=new,
                    changed_on=self.today,
                    reason=self.source,
                    recorded_by=self.by,
                )
                for person_id, old, new in level_changes
                if self.by is not None
            )

    def deactivate(self, person_ids: list[int]) -> None:
        with transaction.atomic():
            self.fence()
            self._changed()
            User.objects.filter(pk__in=person_ids).update(is_active=False)


class PeoplePlan:
    """Plans (and with a writer, applies) a people file within `root`'s subtree."""

    def __init__(self, table: Table, *, root: OrgUnit, mode: str, by: User | None, skip_rows=()):
        self.table = table
        self.root = root
        self.full_roster = mode == "full_roster"
        self.by = by
        self.skip_rows = frozenset(skip_rows)
        self.levels = choice_names(SkillLevel.choices)
        self.units = {
            code: (pk, path, closed)
            for code, pk, path, closed in OrgUnit.objects.values_list(
                "code", "pk", "path", "closed_on"
            )
        }
        self.unit_codes = {pk: code for code, (pk, _p, _c) in self.units.items()}

    def _row_values(self, row: int, values: dict, outcome: Outcome) -> dict | None:
        """The row as the fields of a person, or None after recording its error."""
        employee_no = values["employee_no"]

        def refuse(message):
            outcome.error(row, employee_no, message, values)

        if not employee_no or not values["name"]:
            return refuse(_("Employee number and name are required."))
        for key, limit in FIELD_LIMITS.items():
            text = values.get("name" if key == "full_name" else key, "")
            if len(text) > limit:
                return refuse(
                    _("%(field)s is longer than %(n)s characters.") % {"field": key, "n": limit}
                )
        unit = self.units.get(values["unit_code"])
        if unit is None:
            return refuse(_("Unknown unit code %(code)s.") % {"code": values["unit_code"]})
        if not _within(unit[1], self.root.path):
            return refuse(_("Unit %(code)s is outside your units.") % {"code": values["unit_code"]})
        if unit[2] is not None:
            return refuse(_("Unit %(code)s is closed.") % {"code": values["unit_code"]})
        level = values.get("skill_level", "")
        if level and level.lower() not in self.levels:
            return refuse(_("Unknown skill level %(level)s.") % {"level": level})
        active = yes_no(values.get("active", ""), default=True)
        if active is None:
            return refuse(_("Active is 是 or 否 (yes or no)."))
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                return refuse(_("%(email)s is not an email address.") % {"email": email})
        return {
            "full_name": values["name"],
            "org_unit_id": unit[0],
            "post": values.get("post", ""),
            "phone": values.get("phone", ""),
            "email": email,
            "messenger_id": values.get("messenger_id", ""),
            "skill_level": self.levels[level.lower()] if level else "",
            "is_active": active,
        }

    def _diff(self, current: dict, wanted: dict) -> dict:
        diff = {}
        for name in PERSON_FIELDS:
            if current[name] != wanted[name]:
                if name == "org_unit_id":
                    diff["unit_code"] = [
                        self.unit_codes.get(current[name], ""),
                        self.unit_codes.get(wanted[name], ""),
                    ]
                else:
                    diff[name] = [current[name], wanted[name]]
        return diff

    def _chunk(self, chunk: list, outcome: Outcome, seen: set, writer: PeopleWriter | None):
        numbers = [values["employee_no"] for _row, values in chunk]
        existing = {
            person["employee_no"]: person
            for person in User.objects.filter(employee_no__in=numbers).values(
                "pk", "employee_no", "org_unit__path", "is_superuser", *PERSON_FIELDS
            )
        }
        creates, updates, level_changes = [], [], []
        for row, values in chunk:
            employee_no = values["employee_no"]
            if row in self.skip_rows:  # in error at the preview: left out, not deactivated
                seen.add(employee_no)
                continue
            if employee_no in seen:
                outcome.error(
                    row, employee_no, _("This employee number is in the file twice."), values
                )
                continue
            seen.add(employee_no)
            wanted = self._row_values(row, values, outcome)
            if wanted is None:
                continue
            current = existing.get(employee_no)
            if current is None:
                outcome.change("create", row, employee_no, wanted["full_name"], {})
                creates.append({"employee_no": employee_no, **wanted})
                continue
            # A superuser's account is changed by a superuser (or the command line) only.
            guarded = current["is_superuser"] and self.by is not None and not self.by.is_superuser
            if not _within(current["org_unit__path"], self.root.path) or guarded:
                outcome.error(
                    row,
                    employee_no,
                    _("This employee number belongs to a person outside your units."),
                    values,
                )
                continue
            diff = self._diff(current, wanted)
            if not diff:
                outcome.change("unchanged", row, employee_no, wanted["full_name"], {})
                continue
            leaves = current["is_active"] and not wanted["is_active"]
            outcome.change(
                "deactivate" if leaves else "update", row, employee_no, wanted["full_name"], diff
            )
            if leaves or "unit_code" in diff:
                outcome.moved_or_left.append(current["pk"])
            updates.append({"pk": current["pk"], "employee_no": employee_no, **wanted})
            if "skill_level" in diff and wanted["skill_level"]:
                level_changes.append((current["pk"], current["skill_level"], wanted["skill_level"]))
        if writer is not None and (creates or updates):
            writer.write(creates, updates, level_changes)

    def _leavers(self, outcome: Outcome, seen: set, writer: PeopleWriter | None) -> None:
        """A full roster: the active people of the subtree missing from the file
        leave. System accounts (staff, superusers) and the importer never do."""
        people = (
            User.objects.filter(org_unit__path__startswith=self.root.path, is_active=True)
            .exclude(is_staff=True)
            .exclude(is_superuser=True)
            .order_by("pk")
        )
        if self.by is not None:
            people = people.exclude(pk=self.by.pk)
        batch = []
        for pk, employee_no, name in people.values_list("pk", "employee_no", "full_name").iterator(
            2000
        ):
            if employee_no in seen:
                continue
            outcome.change("deactivate", None, employee_no, name, {"is_active": [True, False]})
            outcome.moved_or_left.append(pk)
            batch.append(pk)
            if writer is not None and len(batch) >= CHUNK_ROWS:
                writer.deactivate(batch)
                batch = []
        if writer is not None and batch:
            writer.deactivate(batch)

    def run(
        self, *, writer: PeopleWriter | None = None, on_progress=lambda percent: None
    ) -> Outcome:
        outcome, seen, chunk, done = Outcome(), set(), [], 0
        total = self.table.row_count or 0
        for read, (row, values) in enumerate(self.table.rows(), start=1):
            if read > MAX_ROWS:
                raise ValidationError(too_many_rows())
            chunk.append((row, values))
            if len(chunk) >= CHUNK_ROWS:
                self._chunk(chunk, outcome, seen, writer)
                done += len(chunk)
                chunk = []
                if total:
                    on_progress(min(95, done * 95 // total))
        if chunk:
            self._chunk(chunk, outcome, seen, writer)
        if self.full_roster:
            self._leavers(outcome, seen, writer)
        return outcome


MAX_ROWS = 500_000


def too_many_rows() -> dict:
    return {
        "file": _("The file has more than %(n)s rows: split it by unit.") % {"n": f"{MAX_ROWS:,}"}
    }


def columns_of(kind: str) -> list[str]:
    return [column.key for column in COLUMNS[kind]]


# ── org units ─────────────────────────────────────────────────────────────


# What HR files write besides the labels of the unit kinds.
KIND_ALIASES = {
    "分公司": OrgUnit.Kind.COMPANY,
    "子公司": OrgUnit.Kind.COMPANY,
    "矿": OrgUnit.Kind.MINE,
    "煤矿": OrgUnit.Kind.MINE,
    "电厂": OrgUnit.Kind.PLANT,
    "工厂": OrgUnit.Kind.PLANT,
    "科室": OrgUnit.Kind.DEPARTMENT,
    "班组": OrgUnit.Kind.TEAM,
    "队": OrgUnit.Kind.TEAM,
    "班": OrgUnit.Kind.TEAM,
}


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    parent_code: str
    kind: str
    closed: bool
    merge_into: str
    values: dict


class UnitPlan:
    """Plans (and with `apply=True`, applies in one transaction) an org-unit file
    within `root`'s subtree. A unit file is small (thousands of rows): it is
    read whole, so parents may come after their children in the file."""

    def __init__(self, table: Table, *, root: OrgUnit | None, by: User | None, skip_rows=()):
        self.table = table
        self.root = root
        self.by = by
        self.skip_rows = frozenset(skip_rows)
        self.kinds = choice_names(OrgUnit.Kind.choices) | KIND_ALIASES
        self.existing = {unit.code: unit for unit in OrgUnit.objects.order_by("path")}
        self.by_path = {unit.path: unit for unit in self.existing.values()}
        self._last_step = None  # parent path -> its last child's step, when first needed

    def _in_scope(self, unit: OrgUnit) -> bool:
        return self.root is None or unit.path.startswith(self.root.path)

    def _parent_code(self, unit: OrgUnit) -> str:
        parent = self.by_path.get(unit.path[: -unit.steplen]) if unit.depth > 1 else None
        return parent.code if parent else ""

    def _parse(self, outcome: Outcome) -> list[UnitRow]:
        rows, seen = [], set()
        for read, (row, values) in enumerate(self.table.rows(), start=1):
            if read > MAX_ROWS:
                raise ValidationError(too_many_rows())
            code = values["code"]

            def refuse(message, code=code, row=row, values=values):
                outcome.error(row, code, message, values)

            if row in self.skip_rows:  # in error at the preview: left out
                seen.add(code)
                continue
            if code in seen:
                refuse(_("This unit code is in the file twice."))
                continue
            seen.add(code)
            kind = self.kinds.get(values["kind"].lower())
            closed = yes_no(values.get("closed", ""), default=False)
            if not code or not values["name"]:
                refuse(_("Unit code and name are required."))
            elif len(code) > 16 or len(values["name"]) > 120:
                refuse(_("A unit code has at most 16 characters, a name at most 120."))
            elif kind is None:
                refuse(_("Unknown unit kind %(kind)s.") % {"kind": values["kind"]})
            elif closed is None:
                refuse(_("Closed is 是 or 否 (yes or no)."))
            else:
                rows.append(
                    UnitRow(
                        row,
                        code,
                        values["name"],
                        values.get("parent_code", ""),
                        kind,
                        closed,
                        values.get("merge_into", ""),
                        values,
                    )
                )
        return rows

    def _checked(self, rows: list[UnitRow], outcome: Outcome) -> list[UnitRow]:
        """Rows whose unit and parent are within the subtree and whose parents
        form no cycle, parents before children."""
        parent_of = {unit.code: self._parent_code(unit) for unit in self.existing.values()}
        parent_of.update({r.code: r.parent_code for r in rows})
        by_code = {r.code: r for r in rows}
        bad = {}
        for r in rows:
            unit = self.existing.get(r.code)
            parent = self.existing.get(r.parent_code)
            if unit is not None and not self._in_scope(unit):
                bad[r.code] = _("Unit %(code)s is outside your units.") % {"code": r.code}
            elif (
                self.root is not None
                and unit == self.root
                and r.parent_code != self._parent_code(unit)
            ):
                bad[r.code] = _("The unit your import covers cannot be moved.")
            elif not r.parent_code and (self.root is not None and unit != self.root):
                bad[r.code] = _("A unit needs its parent unit code.")
            elif r.parent_code and r.parent_code not in by_code and parent is None:
                bad[r.code] = _("Unknown parent unit %(code)s.") % {"code": r.parent_code}
            elif parent is not None and r.parent_code not in by_code and not self._in_scope(parent):
                bad[r.code] = _("Parent unit %(code)s is outside your units.") % {
                    "code": r.parent_code
                }
            elif r.merge_into and (
                r.merge_into == r.code
                or (
                    (target := self.existing.get(r.merge_into)) is None
                    or not self._in_scope(target)
                )
            ):
                bad[r.code] = _("Unit %(code)s to merge into is unknown or outside your units.") % {
                    "code": r.merge_into
                }
        for r in rows:  # a cycle: walking up from the row comes back to it
            code, steps = r.parent_code, 0
            while code and steps <= len(parent_of):
                if code == r.code:
                    bad.setdefault(r.code, _("Its parent units form a cycle."))
                    break
                code, steps = parent_of.get(code, ""), steps + 1
        ordered, placed = [], set()
        pending = [r for r in rows if r.code not in bad]
        while pending:  # parents first; a row whose parent row failed fails too
            rest = []
            for r in pending:
                parent_row = by_code.get(r.parent_code)
                if parent_row is None or r.parent_code in placed or r.parent_code == r.code:
                    ordered.append(r)
                    placed.add(r.code)
                elif r.parent_code in bad:
                    bad[r.code] = _("Its parent unit %(code)s has an error.") % {
                        "code": r.parent_code
                    }
                else:
                    rest.append(r)
            if len(rest) == len(pending):
                break
            pending = rest
        for r in rows:
            if r.code in bad:
                outcome.error(r.row, r.code, bad[r.code], r.values)
        return [r for r in ordered if r.code not in bad]

    def run(self, *, apply: bool = False, fence: Callable[[], None] = lambda: None) -> Outcome:
        outcome = Outcome()
        rows = self._checked(self._parse(outcome), outcome)
        new_units, changes = [], []
        for r in rows:
            unit = self.existing.get(r.code)
            if unit is None:
                outcome.change("create", r.row, r.code, r.name, {})
                if apply:
                    new_units.append(self._new_unit(r))
                continue
            diff = self._diff(unit, r)
            if not diff:
                outcome.change("unchanged", r.row, r.code, r.name, {})
                continue
            problem = self._change_problem(unit, r)
            if problem:
                outcome.error(r.row, r.code, problem, r.values)
                continue
            closing = "closed" in diff or "merge_into" in diff
            outcome.change("deactivate" if closing else "update", r.row, r.code, r.name, diff)
            changes.append((unit, r, diff))
        if apply:
            with transaction.atomic():
                fence()
                # Units renamed and moved in bulk send no model signal: whatever is
                # derived from them (the dashboard's unit names) is, anywhere.
                if changes:
                    records_changed.send(sender=OrgUnit, unit_ids=None)
                self._insert(new_units)
                # After the inserts: a new unit under a unit that moves moves along.
                for unit, r, diff in changes:
                    self._update(unit, r, diff)
        return outcome

    def _diff(self, unit: OrgUnit, r: UnitRow) -> dict:
        diff = {}
        for name, wanted in (("name", r.name), ("kind", r.kind)):
            if getattr(unit, name) != wanted:
                diff[name] = [getattr(unit, name), wanted]
        if r.parent_code != self._parent_code(unit):
            diff["parent_code"] = [self._parent_code(unit), r.parent_code]
        if r.merge_into:
            diff["merge_into"] = ["", r.merge_into]
        elif r.closed != unit.is_closed:
            diff["closed"] = [unit.is_closed, r.closed]
        return diff

    def _change_problem(self, unit: OrgUnit, r: UnitRow) -> str | None:
        from hr.services import unit_close_problem  # services import this module

        if r.closed and not unit.is_closed and not r.merge_into:
            return unit_close_problem(unit)
        if unit.is_closed and (r.merge_into or not r.closed):
            return _("Unit %(code)s is closed.") % {"code": unit.code}
        return None

    def _new_unit(self, r: UnitRow) -> OrgUnit:
        """The new unit with its place in the tree computed: appended after its
        parent's last child (the parent may itself be new in this file), so the
        whole file is one INSERT instead of treebeard's one insert and sibling
        shift per unit."""
        if not r.parent_code:
            unit = OrgUnit.objects.add_root(instance=OrgUnit(code=r.code, name=r.name, kind=r.kind))
            self.existing[r.code] = unit
            return unit
        parent = self.existing[r.parent_code]
        if self._last_step is None:
            self._last_step = {}
            for known in self.existing.values():
                parent_path, step = known.path[: -known.steplen], known.path[-known.steplen :]
                self._last_step[parent_path] = max(
                    self._last_step.get(parent_path, 0), OrgUnit._str2int(step)
                )
        step = self._last_step.get(parent.path, 0) + 1
        self._last_step[parent.path] = step
        parent.numchild += 1
        unit = OrgUnit(
            code=r.code,
            name=r.name,
            kind=r.kind,
            depth=parent.depth + 1,
            path=OrgUnit._get_path(parent.path, parent.depth + 1, step),
            numchild=0,
        )
        self.existing[r.code] = unit
        return unit

    def _insert(self, new_units: list[OrgUnit]) -> None:
        rows = [unit for unit in new_units if unit.pk is None]  # roots are already in
        OrgUnit.objects.bulk_create(rows, batch_size=1000)
        if any(unit.pk is None for unit in rows):  # a database that returns no ids
            stored = OrgUnit.objects.in_bulk([unit.code for unit in rows], field_name="code")
            for unit in rows:
                self.existing[unit.code] = stored[unit.code]
        # The parents' child counts, read back from the paths (one query per parent).
        grown = {unit.path[: -unit.steplen] for unit in rows}
        for parent in OrgUnit.objects.filter(path__in=grown):
            children = OrgUnit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            OrgUnit.objects.filter(pk=parent.pk).update(numchild=children.count())

    def _update(self, unit: OrgUnit, r: UnitRow, diff: dict) -> None:
        from hr.services import unit_close, unit_merge  # services import this module

        if "name" in diff or "kind" in diff:
            OrgUnit.objects.filter(pk=unit.pk).update(name=r.name, kind=r.kind)
        if "parent_code" in diff:
            parent = OrgUnit.objects.get(code=r.parent_code)
            fresh = OrgUnit.objects.get(pk=unit.pk)
            OrgUnit.objects.move(fresh, parent, "last-child")
            # Paths below changed: re-read what this import still uses.
            self.existing = {u.code: u for u in OrgUnit.objects.order_by("path")}
            self.by_path = {u.path: u for u in self.existing.values()}
        if "merge_into" in diff:
            unit_merge(
                unit=OrgUnit.objects.get(pk=unit.pk), into=self.existing[r.merge_into], by=self.by
            )
        elif "closed" in diff and r.closed:
            unit_close(unit=OrgUnit.objects.get(pk=unit.pk), by=self.by)
        elif "closed" in diff:
            OrgUnit.objects.filter(pk=unit.pk).update(closed_on=None)

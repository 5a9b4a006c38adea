"""The demo's organisation and people (docs/domain.md, demo data): a holding
group with company A (coal mining), B (power generation) and C (equipment
manufacturing), 300 people with realistic names, loaded the way a real group is
switched on, with `manage.py import_units` and `import_people` from the HR
files in `hr/demo_files/`. Then the demo accounts get their password and roles.
Idempotent: rerunning changes nothing.
"""

import io
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from accounts.models import OrgUnit, RoleGrant, User
from accounts.services import person_create, role_grant
from core import demo

DEMO_PASSWORD = "demo1234"
DEMO_FILES = Path(__file__).resolve().parent / "demo_files"

# (account, what it plays in the demo, unit it is union official over)
ACCOUNTS = [
    ("admin", "superuser", None),
    ("official", "union official of the whole group", "G"),
    ("official2", "union official of company B only", "B"),
    ("lead", "leads the dust-control studio at mine A1 (company A)", None),
    ("lead2", "leads a studio in company B", None),
    ("worker", "worker in a team of mine A1 (company A)", None),
    ("worker2", "worker in company B", None),
    ("reviewer", "reviewer from company C", None),
    ("reviewer2", "reviewer from company C", None),
    ("reviewer3", "reviewer from company C", None),
    ("mentor", "core member of lead's studio, once lead's apprentice", None),
    ("apprentice", "mentor's apprentice in company A", None),
]


@demo.seeder(order=10)
def seed_organisation_and_people() -> None:
    quiet = io.StringIO()
    call_command("import_units", str(DEMO_FILES / "units.csv"), apply=True, stdout=quiet)
    call_command("import_people", str(DEMO_FILES / "people.csv"), apply=True, stdout=quiet)
    # The superuser is a system account, not a person HR lists.
    if not User.objects.filter(employee_no="admin").exists():
        person_create(
            employee_no="admin",
            full_name="系统管理员",
            org_unit=OrgUnit.objects.get(code="G"),
            post="系统管理员",
            is_staff=True,
            is_superuser=True,
        )
    # One hash for the shared demo password: hashing it for each account took
    # half a second apiece (the hasher is slow on purpose).
    hashed = None
    for account, _role, official_over in ACCOUNTS:
        person = User.objects.get(employee_no=account)
        if not person.has_usable_password():
            hashed = hashed or make_password(DEMO_PASSWORD)
            person.password = hashed
            person.save(update_fields=["password"])
        if official_over:
            role_grant(
                user=person,
                role=RoleGrant.Role.UNION_OFFICIAL,
                org_unit=OrgUnit.objects.get(code=official_over),
            )


@demo.summary
def demo_accounts() -> list[str]:
    lines = ["", f"Demo accounts (sign in with the account name, password {DEMO_PASSWORD}):"]
    for account, role, _unit in ACCOUNTS:
        lines.append(f"  {account:<11} {role}")
    return lines

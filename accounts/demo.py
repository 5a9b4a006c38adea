"""Demo organisation and people (docs/domain.md, demo data): a holding group with company A
(coal mining), B (power generation) and C (equipment manufacturing), ~300 people
with realistic names, and the demo accounts. Idempotent: rerunning adds nothing.
"""

import random

from accounts.models import OrgUnit, RoleGrant, SkillLevel, User
from accounts.services import org_unit_create, person_create, role_grant
from core import demo

DEMO_PASSWORD = "demo1234"

Kind = OrgUnit.Kind

# (code, name, kind, children)
ORGANISATION = (
    "G",
    "能源集团",
    Kind.GROUP,
    [
        (
            "A",
            "北岭煤业公司",
            Kind.COMPANY,
            [
                (
                    "A1",
                    "北岭一矿",
                    Kind.MINE,
                    [
                        ("A101", "一矿综采队", Kind.TEAM, []),
                        ("A102", "一矿掘进队", Kind.TEAM, []),
                        ("A103", "一矿机电队", Kind.TEAM, []),
                        ("A104", "一矿通风队", Kind.TEAM, []),
                    ],
                ),
                (
                    "A2",
                    "北岭二矿",
                    Kind.MINE,
                    [
                        ("A201", "二矿综采队", Kind.TEAM, []),
                        ("A202", "二矿掘进队", Kind.TEAM, []),
                        ("A203", "二矿机电队", Kind.TEAM, []),
                    ],
                ),
                (
                    "A3",
                    "北岭选煤厂",
                    Kind.PLANT,
                    [
                        ("A301", "洗选车间", Kind.WORKSHOP, []),
                        ("A302", "检修车间", Kind.WORKSHOP, []),
                    ],
                ),
            ],
        ),
        (
            "B",
            "东川发电公司",
            Kind.COMPANY,
            [
                (
                    "B1",
                    "东川第一发电厂",
                    Kind.PLANT,
                    [
                        ("B101", "一厂运行部", Kind.DEPARTMENT, []),
                        ("B102", "一厂检修部", Kind.DEPARTMENT, []),
                        ("B103", "一厂燃料部", Kind.DEPARTMENT, []),
                    ],
                ),
                (
                    "B2",
                    "东川第二发电厂",
                    Kind.PLANT,
                    [
                        ("B201", "二厂运行部", Kind.DEPARTMENT, []),
                        ("B202", "二厂检修部", Kind.DEPARTMENT, []),
                    ],
                ),
            ],
        ),
        (
            "C",
            "西山装备制造公司",
            Kind.COMPANY,
            [
                (
                    "C1",
                    "西山机械厂",
                    Kind.PLANT,
                    [
                        ("C101", "机加工车间", Kind.WORKSHOP, []),
                        ("C102", "装配车间", Kind.WORKSHOP, []),
                        ("C103", "技术中心", Kind.DEPARTMENT, []),
                    ],
                ),
            ],
        ),
    ],
)

POSTS = {
    "A1": ["采煤机司机", "液压支架工", "掘进机司机", "电钳工", "通风工", "瓦斯检查工", "安全员"],
    "A2": ["采煤机司机", "液压支架工", "掘进机司机", "电钳工", "皮带司机", "安全员"],
    "A3": ["重介质分选工", "浮选工", "设备检修工", "化验员"],
    "B1": ["集控值班员", "汽机检修工", "锅炉检修工", "电气检修工", "输煤值班员"],
    "B2": ["集控值班员", "汽机检修工", "热工仪表检修工", "化学检验员"],
    "C1": ["车工", "铣工", "焊工", "装配钳工", "数控操作工", "工艺员"],
}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华鹏辉建国志红玉兰海波宁凯斌浩宇鑫"
    "晨阳帅亮斌峰龙飞"
)

# (employee_no, full name, unit code, post, skill level, official over unit code)
ACCOUNTS = [
    ("admin", "系统管理员", "G", "系统管理员", "", None),
    ("official", "郑国华", "G", "集团工会经济技术部部长", "", "G"),
    ("official2", "孙丽萍", "B", "公司工会主席", "", "B"),
    (
        "lead",
        "王建军",
        "A104",
        "通风队技术员、粉尘治理工作室负责人",
        SkillLevel.SENIOR_TECHNICIAN,
        None,
    ),
    ("lead2", "李志强", "B102", "汽机检修班长、工作室负责人", SkillLevel.TECHNICIAN, None),
    ("worker", "张伟", "A101", "采煤机司机", SkillLevel.INTERMEDIATE, None),
    ("worker2", "陈晓东", "B101", "集控值班员", SkillLevel.INTERMEDIATE, None),
    ("reviewer", "刘振华", "C103", "高级工程师（评审专家）", SkillLevel.SENIOR_TECHNICIAN, None),
    ("reviewer2", "杨慧敏", "C103", "高级工程师（评审专家）", SkillLevel.SENIOR_TECHNICIAN, None),
    ("reviewer3", "黄德明", "C103", "工艺主任（评审专家）", SkillLevel.TECHNICIAN, None),
    ("mentor", "赵铁柱", "A104", "通风工、工作室核心成员", SkillLevel.TECHNICIAN, None),
    ("apprentice", "周小龙", "A104", "通风工（学徒）", SkillLevel.JUNIOR, None),
]

PEOPLE_PER_LEAF_UNIT = 17
SKILL_WEIGHTS = [
    (SkillLevel.JUNIOR, 25),
    (SkillLevel.INTERMEDIATE, 35),
    (SkillLevel.SENIOR, 25),
    (SkillLevel.TECHNICIAN, 11),
    (SkillLevel.SENIOR_TECHNICIAN, 4),
]


def _seed_units(spec, parent: OrgUnit | None) -> None:
    code, name, kind, children = spec
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        unit = org_unit_create(name=name, code=code, kind=kind, parent=parent)
    for child in children:
        _seed_units(child, unit)


def _demo_phone(employee_no: str) -> str:
    """A stable, obviously fake mobile number (13900000000 + a small offset)."""
    return f"139{sum(map(ord, employee_no)) * 7919 % 10**8:08d}"


def _plant_code(unit: OrgUnit) -> str:
    return unit.code[:2]


@demo.seeder(order=10)
def seed_organisation_and_people() -> None:
    _seed_units(ORGANISATION, None)
    units = {unit.code: unit for unit in OrgUnit.objects.all()}

    for employee_no, full_name, unit_code, post, level, official_over in ACCOUNTS:
        person = User.objects.filter(employee_no=employee_no).first()
        if person is None:
            person = person_create(
                employee_no=employee_no,
                full_name=full_name,
                org_unit=units[unit_code],
                password=DEMO_PASSWORD,
                post=post,
                skill_level=level,
                phone=_demo_phone(employee_no),
                is_staff=employee_no == "admin",
                is_superuser=employee_no == "admin",
            )
        if official_over:
            role_grant(
                user=person, role=RoleGrant.Role.UNION_OFFICIAL, org_unit=units[official_over]
            )

    # A fixed seed keeps names and numbers the same on every machine.
    rng = random.Random(2026)
    leaves = [unit for unit in units.values() if unit.numchild == 0]
    existing = set(User.objects.values_list("employee_no", flat=True))
    levels, weights = zip(*SKILL_WEIGHTS, strict=True)
    for unit in sorted(leaves, key=lambda u: u.code):
        for index in range(1, PEOPLE_PER_LEAF_UNIT + 1):
            employee_no = f"{unit.code}{index:03d}"
            surname = rng.choice(SURNAMES)
            given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            post = rng.choice(POSTS[_plant_code(unit)])
            level = rng.choices(levels, weights)[0]
            phone = f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}"
            if employee_no in existing:
                continue
            person_create(
                employee_no=employee_no,
                full_name=surname + given,
                org_unit=unit,
                post=post,
                skill_level=level,
                phone=phone,
            )


ROLES_IN_THE_DEMO = {
    "admin": "superuser",
    "official": "union official of the whole group",
    "official2": "union official of company B only",
    "lead": "leads the dust-control studio at mine A1 (company A)",
    "lead2": "leads a studio in company B",
    "worker": "worker in a team of mine A1 (company A)",
    "worker2": "worker in company B",
    "reviewer": "reviewer from company C",
    "reviewer2": "reviewer from company C",
    "reviewer3": "reviewer from company C",
    "mentor": "core member of lead's studio, once lead's apprentice",
    "apprentice": "mentor's apprentice in company A",
}


@demo.summary
def demo_accounts() -> list[str]:
    lines = ["", f"Demo accounts (sign in with the account name, password {DEMO_PASSWORD}):"]
    for employee_no, *_rest in ACCOUNTS:
        lines.append(f"  {employee_no:<11} {ROLES_IN_THE_DEMO[employee_no]}")
    return lines

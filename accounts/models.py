from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from accounts.pinyin import pinyin_keys
from core.dates import BoundedDates


class OrgUnit(BoundedDates, MP_Node):
    """A unit of the group: group → company → mine/plant → workshop/team.

    A materialised path tree (django-treebeard): `path` encodes the ancestry, so
    "this unit and everything below it" is `path LIKE '<path>%'`, one range scan
    on the unique index of `path` (Django adds a pattern-ops index on PostgreSQL).
    """

    HAPPENED_DATES = ("closed_on",)

    class Kind(models.TextChoices):
        GROUP = "group", _("Group")
        COMPANY = "company", _("Company")
        MINE = "mine", _("Mine")
        PLANT = "plant", _("Plant")
        DEPARTMENT = "department", _("Department")
        WORKSHOP = "workshop", _("Workshop")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        help_text=_("Short unique code, used in proposal codes."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # A closed unit takes no new records and no new people; nothing is deleted.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    # No node_order_by: siblings keep the order they were added in (the HR
    # file's), which lets an import append thousands of units with computed
    # paths instead of shifting siblings one insert at a time.

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]  # served by the unique index on path
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code=""), name="%(app_label)s_%(class)s_code_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def company_path(self) -> str:
        """Path of the level-1 unit under the group that contains this unit (the
        unit itself when it is the group or a company)."""
        return self.path[: self.steplen * min(self.depth, 2)]


class SkillLevel(models.TextChoices):
    """The five vocational skill levels (职业技能等级)."""

    JUNIOR = "junior", _("Junior worker")
    INTERMEDIATE = "intermediate", _("Intermediate worker")
    SENIOR = "senior", _("Senior worker")
    TECHNICIAN = "technician", _("Technician")
    SENIOR_TECHNICIAN = "senior_technician", _("Senior technician")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, employee_no: str, password: str | None = None, **fields):
        """A person; without a password they cannot log in (unusable password)."""
        if not employee_no:
            raise ValueError("An employee number is required.")
        user = self.model(employee_no=employee_no, **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, employee_no: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(employee_no, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Every person in the group is a user; the employee number is the login name."""

    # The records whose changes belong to this one's history (core.history).
    history_parts = (("accounts.RoleGrant", "user"),)

    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    # Indexed for the pickers' prefix search (张 finds 张三).
    full_name = models.CharField(_("full name"), max_length=100, db_index=True)
    # Derived from the name on every save (accounts.pinyin), for the pickers.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=255, blank=True, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=64, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    messenger_id = models.CharField(
        _("messenger user id"),
        max_length=64,
        blank=True,
        help_text=_("The person's account in the enterprise messenger (WeCom, DingTalk)."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
    )
    post = models.CharField(_("post"), max_length=100, blank=True)
    skill_level = models.CharField(
        _("skill level"), max_length=20, choices=SkillLevel.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set with a one-time password from the office: the person chooses their own
    # at the next sign-in before anything else (accounts.middleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May sign in to the admin site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "employee_no"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["employee_no"]  # served by the unique index on employee_no
        indexes = [
            # The people HR marked as no longer active, by unit: hr.selectors.people_left,
            # whose open work the dashboard lists on every visit. Partial: they are
            # few, and without it each of open_work_of's queries read every person.
            models.Index(
                fields=["org_unit"], condition=models.Q(is_active=False), name="accounts_user_left"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_no})"

    def save(self, *args, **kwargs):
        for name, value in pinyin_keys(self.full_name).items():
            setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def check_password(self, raw_password) -> bool:
        """Also a one-time password typed in lower case: the office reads it
        out in capitals (accounts.services.OTP_ALPHABET), and a phone's
        keyboard types small letters. The password a person chooses keeps
        its case."""
        if super().check_password(raw_password):
            return True
        return bool(
            self.must_change_password
            and raw_password
            and raw_password != raw_password.upper()
            and super().check_password(raw_password.upper())
        )

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name


class RoleGrant(models.Model):
    """A role over an org unit and its whole subtree.

    Only union officials are granted here; studio roles come from memberships and
    reviewer roles from campaign assignments.
    """

    class Role(models.TextChoices):
        UNION_OFFICIAL = "union_official", _("Union official")

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="role_grants"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"], name="%(app_label)s_%(class)s_unique_grant"
            ),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class SkillLevelChange(BoundedDates, models.Model):
    """One change of a person's vocational skill level, with its reason: the
    history behind `User.skill_level` and the "skill-level rises" a union counts.

    Written only by `accounts.services.skill_level_raise`, in the same
    transaction that changes the person's level.
    """

    HAPPENED_DATES = ("changed_on",)

    person = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="skill_level_changes",
    )
    from_level = models.CharField(_("from"), max_length=20, choices=SkillLevel.choices, blank=True)
    to_level = models.CharField(_("to"), max_length=20, choices=SkillLevel.choices)
    changed_on = models.DateField(_("changed on"))
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("skill level change")
        verbose_name_plural = _("skill level changes")
        ordering = ["person_id", "changed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_level=models.F("to_level")),
                name="%(app_label)s_%(class)s_is_a_change",
            ),
        ]
        indexes = [
            # A person's history on their profile; rises per period on dashboards.
            models.Index(fields=["person", "changed_on"], name="accounts_skillchange_person"),
        ]

    def __str__(self) -> str:
        return f"{self.from_level} → {self.to_level}"


class AccountEvent(models.Model):
    """One act of account care by the office (or the person), or one access
    (a sign-in, a failed sign-in, an export, a report file downloaded): who did
    what to whose account or with what, from where, and when. Never edited;
    shown on the person's page and in the admin."""

    class Action(models.TextChoices):
        CREATED = "created", _("Account created")
        UPDATED = "updated", _("Details changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        ACTIVATED = "activated", _("Account opened")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        UNLOCKED = "unlocked", _("Lockout lifted")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_REVOKED = "role_revoked", _("Role removed")
        # Access events (accounts.services.access_event_record).
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        EXPORTED = "exported", _("List exported")
        DOWNLOADED = "downloaded", _("Report file downloaded")

    # Empty only for a failed sign-in under an employee number nobody has (the
    # number tried is the note).
    person = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="account_events",
        null=True,
        blank=True,
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        User,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "-at"], name="accounts_event_person")]

    def __str__(self) -> str:
        return self.get_action_display()

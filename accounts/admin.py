from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts.models import OrgUnit, RoleGrant, User
from accounts.services import api_tokens_drop


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ("name", "code", "kind")
    search_fields = ("name", "code")
    list_filter = ("kind",)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ("org_unit",)


class PersonCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("employee_no", "full_name", "org_unit")


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class PersonPasswordChangeForm(AdminPasswordChangeForm):
    """A password set in the admin signs the person's API clients out too."""

    def save(self, commit=True):
        person = super().save(commit=commit)
        api_tokens_drop(person=person)
        return person


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    change_password_form = PersonPasswordChangeForm
    ordering = ("employee_no",)
    list_display = ("employee_no", "full_name", "org_unit", "post", "skill_level", "is_active")
    list_filter = ("skill_level", "is_active", "is_staff")
    list_select_related = ("org_unit",)
    search_fields = ("employee_no", "full_name", "phone", "post")
    autocomplete_fields = ("org_unit",)
    inlines = [RoleGrantInline]
    fieldsets = (
        (None, {"fields": ("employee_no", "password")}),
        (
            _("Personal details"),
            {"fields": ("full_name", "phone", "email", "org_unit", "post", "skill_level")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("employee_no", "full_name", "org_unit", "password1", "password2"),
            },
        ),
    )


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "org_unit", "granted_at")
    list_filter = ("role",)
    list_select_related = ("user", "org_unit")
    autocomplete_fields = ("user", "org_unit")
    search_fields = ("user__full_name", "user__employee_no", "org_unit__name")

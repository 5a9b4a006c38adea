"""The search-as-you-type pickers: a person is found by pinyin, initials,
the start of the name or the employee number, only within the viewer's scope,
at most 20 at a time in a constant number of queries; a form takes the typed
key without JavaScript and keeps the order of several picks."""

import pytest
from django.urls import reverse

from accounts.models import User
from achievements.models import Patent
from core.pickers import PICKER_LIMIT
from studios.models import Studio
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def found(client, viewer, text, source="people") -> list[str]:
    client.force_login(viewer)
    answer = client.get(reverse("picker-search", args=[source]), {"q": text})
    assert answer.status_code == 200
    return [row["key"] for row in answer.json()["results"]]


@pytest.mark.parametrize("text", ["zhangsan", "zhangs", "zs", "ZS", "张", "张三", "P9001"])
def test_a_person_is_found_by_pinyin_initials_name_or_number(org, client, text):
    PersonFactory(employee_no="P9001", full_name="张三", org_unit=org.team_a101)
    assert "P9001" in found(client, org.official_a, text)


def test_the_picker_offers_only_people_in_the_viewers_scope(org, client):
    PersonFactory(employee_no="P9001", full_name="张三", org_unit=org.team_a101)
    PersonFactory(employee_no="P9002", full_name="张三丰", org_unit=org.team_b101)
    assert found(client, org.worker_a, "zs") == ["P9001"]  # own company only
    assert found(client, org.official_b, "zs") == ["P9002"]
    assert sorted(found(client, org.group_official, "zs")) == ["P9001", "P9002"]


def test_the_picker_answers_at_most_twenty_in_the_same_queries(
    org, client, django_assert_num_queries
):
    User.objects.bulk_create(
        User(
            employee_no=f"Q{n:04d}",
            full_name=f"钱{n}",
            name_pinyin=f"qian{n}",
            name_initials="q",
            org_unit=org.team_a101,
            password="!",
        )
        for n in range(60)
    )
    client.force_login(org.official_a)
    for text in ("q", "qian1", "钱"):
        with django_assert_num_queries(5):  # session, user, scope (two), the search
            answer = client.get(reverse("picker-search", args=["people"]), {"q": text})
        assert 0 < len(answer.json()["results"]) <= PICKER_LIMIT


def test_an_unknown_picker_is_a_404_and_an_anonymous_one_signs_in(org, client):
    client.force_login(org.official_a)
    assert client.get(reverse("picker-search", args=["passwords"]), {"q": "a"}).status_code == 404
    client.logout()
    assert client.get(reverse("picker-search", args=["people"]), {"q": "a"}).status_code == 302


def test_studios_are_found_by_code_or_name_within_scope(studios, client):
    assert found(client, studios.org.official_a, "A1-D", "studios") == ["A1-DUST"]
    assert found(client, studios.org.official_a, "粉尘", "studios") == ["A1-DUST"]
    assert found(client, studios.org.official_b, "粉尘", "studios") == []


def test_units_are_found_by_code_or_name_within_scope(org, client):
    assert found(client, org.official_a, "A10", "org-units") == ["A101", "A102"]
    assert found(client, org.official_a, "Unit B", "org-units") == []
    assert found(client, org.group_official, "Unit B1", "org-units") == ["B1", "B101"]


def test_a_list_filtered_by_a_typed_unit_code_shows_that_subtree(org, client):
    """The lists' "org unit (and below)" filter is a picker: without JavaScript
    the unit's code typed in its box filters the list; a unit outside the
    viewer's scope is refused beside the field and lists nothing."""
    PersonFactory(employee_no="P9001", org_unit=org.team_a101)
    PersonFactory(employee_no="P9002", org_unit=org.team_a102)
    client.force_login(org.official_a)
    url = reverse("accounts:person-list")
    answer = client.get(url, {"org_unit_key": "A101"})
    numbers = {p.employee_no for p in answer.context["object_list"]}
    assert "P9001" in numbers and "P9002" not in numbers
    assert 'value="A101"' in answer.content.decode()
    refused = client.get(url, {"org_unit_key": "B101"})
    assert list(refused.context["object_list"]) == []
    assert refused.context["filterset"].form.errors["org_unit"]


# ── the forms ──────────────────────────────────────────────────────────────


def test_without_javascript_a_typed_employee_number_is_taken(mentoring_form_post):
    answer, pairing_exists = mentoring_form_post(mentor_key="member_a", apprentice_key="newbie")
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert pairing_exists()


def test_a_typed_number_outside_the_choices_is_refused_beside_the_field(mentoring_form_post, org):
    answer, pairing_exists = mentoring_form_post(
        mentor_key="member_a", apprentice_key=org.worker_b.employee_no
    )
    assert answer.status_code == 400
    assert f"“{org.worker_b.employee_no}”不在可选范围内" in answer.content.decode()
    assert not pairing_exists()


@pytest.fixture
def mentoring_form_post(studios, client):
    """A lead proposes a pairing on the page, the people typed by employee number."""
    PersonFactory(employee_no="newbie", org_unit=studios.org.team_a101)

    def post(**people):
        from apprenticeships.models import Pairing

        client.force_login(studios.lead_a)
        data = {
            "studio": studios.dust.pk,
            "starts_on": "2026-01-05",
            "planned_end_on": "2027-01-05",
            "target_skill_level": "intermediate",
            "goals": "学会粉尘检测",
            **people,
        }
        answer = client.post(reverse("apprenticeships:pairing-create"), data)
        return answer, lambda: Pairing.objects.filter(
            apprentice__employee_no=people["apprentice_key"]
        ).exists()

    return post


def test_inventors_keep_the_order_they_were_picked_in(studios, client):
    client.force_login(studios.lead_a)
    data = {
        "studio": studios.dust.pk,
        "application_no": "CN202110123456.7",
        "title": "一种粉尘浓度在线监测装置",
        "patent_type": "invention",
        "status": "filed",
        "filed_on": "2021-03-01",
        "holder": "北岭煤业公司",
        "inventors_key": f"{studios.member_a.employee_no} {studios.lead_a.employee_no}",
    }
    answer = client.post(reverse("achievements:patent-create"), data)
    assert answer.status_code == 302, answer.content.decode()[:800]
    patent = Patent.objects.get(title="一种粉尘浓度在线监测装置")
    assert [p.pk for p in patent.inventor_people] == [studios.member_a.pk, studios.lead_a.pk]
    page = client.get(reverse("achievements:patent-edit", args=[patent.pk])).content.decode()
    assert f'value="{studios.member_a.employee_no} {studios.lead_a.employee_no}"' in page


def test_problems_are_found_by_title_or_number_and_typed_by_number(studios, client):
    from achievements.models import TechnicalProblem

    problem = TechnicalProblem.objects.create(
        studio=studios.dust,
        title="回风巷粉尘浓度超标",
        category="dust",
        started_on="2026-01-05",
        created_by=studios.lead_a,
    )
    assert found(client, studios.lead_a, "粉尘浓度", "problems") == [str(problem.pk)]
    assert found(client, studios.lead_a, str(problem.pk), "problems") == [str(problem.pk)]


@pytest.mark.parametrize("typed", ["abc", "12abc", "99999999999999999999999"])
def test_a_record_number_typed_wrong_is_refused_not_an_error_page(studios, typed):
    """Problems and achievements are typed by number: letters or a number
    beyond any id are "not among your choices", for one pick and several."""
    from django.core.exceptions import ValidationError

    from achievements.models import Achievement
    from core.pickers import PickField, PickManyField, Typed

    one = PickField(source="achievements", queryset=Achievement.objects.all())
    several = PickManyField(source="achievements", queryset=Achievement.objects.all())
    for field, value in ((one, Typed(typed)), (several, [Typed(typed)])):
        with pytest.raises(ValidationError) as refused:
            field.clean(value)
        assert refused.value.code == "invalid_choice"


@pytest.mark.parametrize(
    ("names_readable", "label"), [(True, "{name}（原已列入）"), (False, "原已列入的人员")]
)
def test_someone_a_record_credits_outside_the_writers_view_stays_never_offered_anew(
    org, names_readable, label
):
    """A record's form keeps the people it credits whom the writer may not see
    (accounts.pickers.people_kept, docs/access.md): a chip with their name, or
    a neutral placeholder where the record does not let its reader read the
    names, under the key `#<id>`, which takes them back; never their employee
    number, which typed is refused as the search never offers them."""
    from django import forms

    from accounts.pickers import people_kept
    from accounts.selectors import people_visible_to
    from core.pickers import PickManyField

    class TeamForm(forms.Form):
        team = PickManyField(source="people")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["team"].queryset = people_visible_to(org.worker_a)
            self.fields["team"].kept = people_kept(
                org.worker_a, [org.colleague_a, org.worker_b], names_readable=names_readable
            )

    far = org.worker_b
    html = str(TeamForm(initial={"team": [org.colleague_a.pk, far.pk]})["team"])
    shown = label.format(name=far.full_name)
    assert f'<li class="picker-chip" data-key="#{far.pk}" data-id="{far.pk}">{shown}</li>' in html
    assert f'value="colleague_a #{far.pk}"' in html
    assert far.employee_no not in html
    kept = TeamForm({"team_key": f"#{far.pk} colleague_a"})
    assert kept.is_valid(), kept.errors
    assert kept.cleaned_data["team"] == [far, org.colleague_a]
    typed = TeamForm({"team_key": f"colleague_a {far.employee_no}"})
    assert typed.errors["team"] == [f"“{far.employee_no}”不在可选范围内。"]


@pytest.mark.parametrize(
    ("language", "names"),
    [("zh-hans", ("上移", "下移", "移除")), ("en", ("Move up", "Move down", "Remove"))],
)
def test_the_chips_buttons_are_named_in_the_pages_language(language, names):
    """picker.js reads the names of its move and remove buttons from the box."""
    from django.utils import translation

    from core.pickers import PickerManyInput

    with translation.override(language):
        html = PickerManyInput(source="people").render("inventors", None)
    up, down, remove = names
    assert f'data-move-up="{up}" data-move-down="{down}" data-remove="{remove}"' in html


PEOPLE_HINT = "输入姓名、拼音或编号"
UNIT_HINT = "输入单位名称或代码"
STUDIO_HINT = "输入工作室名称或代码"
TITLE_HINT = "输入标题中的文字或编号"
PROPOSAL_HINT = "输入提案编号或标题中的文字"


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("people", PEOPLE_HINT),
        ("active-people", PEOPLE_HINT),
        ("studio-newcomers", PEOPLE_HINT),
        ("org-units", UNIT_HINT),
        ("managed-org-units", UNIT_HINT),
        ("reported-org-units", UNIT_HINT),
        ("merge-targets", UNIT_HINT),
        ("studios", STUDIO_HINT),
        ("rectifiable-studios", STUDIO_HINT),
        ("pairing-studios", STUDIO_HINT),
        ("problems", TITLE_HINT),
        ("achievements", TITLE_HINT),
        ("duplicate-originals", PROPOSAL_HINT),
    ],
)
def test_a_pickers_box_says_what_its_records_are_found_by(source, hint):
    """A unit is found by name or code, not by pinyin or a person's number:
    each source's box says what its own search matches."""
    from django.utils import translation

    from core.pickers import PickerInput

    with translation.override("zh-hans"):
        html = PickerInput(source=source).render("choice", None)
    assert f'placeholder="{hint}"' in html


def test_a_picker_following_a_field_names_it_and_its_records_source(studios):
    """picker.js searches the source of the record chosen in the followed field
    (its id in place of `{id}`), and the picker's own address until one is
    chosen; a chosen record's chip carries its id for a picker following it."""
    from core.pickers import Follows, PickField

    mentor = PickField(
        source="active-people", queryset=None, follows=Follows("studio", "studio-mentors")
    )
    html = mentor.widget.render("mentor", None)
    assert f'data-picker="{reverse("picker-search", args=["active-people"])}"' in html
    assert 'data-picker-follows="studio"' in html
    assert 'data-picker-follow-url="/pickers/studio-mentors/{id}/"' in html
    assert "data-picker-follows" not in PickField(source="people").widget.render("mentor", None)
    studio = PickField(source="studios", queryset=Studio.objects.all())
    chip = f'data-key="A1-DUST" data-id="{studios.dust.pk}"'
    assert chip in studio.widget.render("studio", studios.dust.pk)

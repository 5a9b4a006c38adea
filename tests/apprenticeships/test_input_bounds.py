"""Apprenticeship inputs with an outer bound: evaluation periods are ASCII and
in range, and a term has an upper limit."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apprenticeships import services
from apprenticeships.models import Evaluation
from tests.apprenticeships.conftest import SCORES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", ["２０２６-11", "٢٠٢٦-11", "2026-1", "2026-13"])
def test_a_period_in_other_digits_or_out_of_range_is_refused(mentoring, period):
    with pytest.raises(ValidationError) as refused:
        services.evaluation_record(
            pairing_id=mentoring.active.pk,
            by=mentoring.member_a,
            level=Evaluation.Level.MENTOR_MONTHLY,
            period=period,
            **SCORES,
        )
    assert "period" in refused.value.message_dict
    assert not Evaluation.objects.exists()


def test_a_term_beyond_five_years_is_a_typo(mentoring):
    with pytest.raises(ValidationError) as refused:
        services.pairing_extend(
            pairing_id=mentoring.active.pk,
            by=mentoring.lead_a,
            planned_end_on=datetime.date(9999, 12, 31),
            reason="笔误",
        )
    assert "planned_end_on" in refused.value.message_dict

from django.db.models import Case, IntegerField, Value, When


def choice_order(field: str, codes) -> Case:
    """An ORDER BY key that sorts `field` in the order of `codes` (a choices
    list: special prize before first prize, national before enterprise)."""
    return Case(
        *(When(**{field: code}, then=Value(rank)) for rank, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )

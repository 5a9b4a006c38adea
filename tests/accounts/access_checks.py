"""One check shared by the access-object tests of every app."""


def assert_access_is(expected, access_of, with_access, viewer, record, num_queries):
    """`access_of(viewer, record)` is `expected`, asked for the record alone (one
    query) and read from the columns of `with_access(viewer)` (no query)."""
    assert access_of(viewer, record) == expected
    listed = with_access(viewer).filter(pk=record.pk).first()
    if listed is not None:
        with num_queries(0):
            assert access_of(viewer, listed) == expected

"""Small read-only shapes every app embeds (plain serializers, so core needs no
app's models)."""

from rest_framework import serializers


class PersonBriefSerializer(serializers.Serializer):
    """A person named on a record (leader, contributor, inventor …): id and name
    only. Records travel beyond the reader's company, and the employee number is
    part of the directory entry, which does not (docs/access.md)."""

    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class UnitBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)


class StudioBriefSerializer(serializers.Serializer):
    """A studio named on a record (an achievement, a pairing)."""

    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class StateEventSerializer(serializers.Serializer):
    actor = PersonBriefSerializer(read_only=True, allow_null=True)
    at = serializers.DateTimeField(read_only=True)
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)

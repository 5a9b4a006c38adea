from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notices.models import Channel, Notice, NoticePreference
from notices.selectors import PERSONAL_CHANNELS


class NoticeRecordSerializer(serializers.Serializer):
    type = serializers.CharField(source="record_type")
    id = serializers.IntegerField(source="record_id", allow_null=True)
    url = serializers.CharField()


class NoticeSerializer(serializers.ModelSerializer):
    """A notice in the reader's language, with the record it links to."""

    text = serializers.CharField(read_only=True)
    record = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "kind", "text", "record", "created_at", "read_at"]
        read_only_fields = fields

    @extend_schema_field(NoticeRecordSerializer)
    def get_record(self, notice) -> dict:
        return NoticeRecordSerializer(notice).data


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NoticePreferenceSerializer(serializers.Serializer):
    """How the person gets one kind through one channel."""

    kind = serializers.CharField()
    title = serializers.CharField(read_only=True)
    channel = serializers.ChoiceField(choices=[(c, Channel(c).label) for c in PERSONAL_CHANNELS])
    cadence = serializers.ChoiceField(choices=NoticePreference.Cadence.choices)

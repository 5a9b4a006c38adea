from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from competitions import services
from competitions.api.serializers import (
    AssignReviewersSerializer,
    AwardInputSerializer,
    AwardShareSerializer,
    CampaignSerializer,
    DecideSerializer,
    ImplementSerializer,
    MarkDuplicateSerializer,
    NoteSerializer,
    PoolAddSerializer,
    PoolMemberSerializer,
    ProposalSerializer,
    ProposalVerifyBenefitSerializer,
    RejectIneligibleSerializer,
    ReplaceReviewerSerializer,
    ReturnSerializer,
    ReviewQueueSerializer,
    ReviewSerializer,
    SimilarProposalSerializer,
)
from competitions.filtersets import (
    AwardShareFilterSet,
    CampaignFilterSet,
    ProposalFilterSet,
    ReviewFilterSet,
)
from competitions.models import (
    Award,
    AwardShare,
    CoAuthor,
    Proposal,
    ReviewScore,
)
from competitions.selectors import (
    award_shares_visible_to,
    campaigns_managed_by,
    campaigns_visible_to,
    order_blind_rows_last,
    proposal_access,
    proposals_visible_to,
    proposals_with_access,
    review_figures,
    review_queue,
    reviewer_pool,
    reviews_visible_to,
    similar_proposals,
    with_scores,
)
from core.api.attachments import (
    AttachmentsMixin,
)
from core.api.history import HistoryMixin
from core.api.pagination import KeysetPagination
from core.api.serializers import StateEventSerializer
from core.api.views import ScopedReadOnlyViewSet, ScopedServiceViewSet


class CampaignViewSet(HistoryMixin, ScopedServiceViewSet):
    """Five-small campaigns: seen by those who may enter, run by their officials."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    ordering_fields = ["year", "opens_at", "closes_at", "name"]
    ordering = ["-year", "-opens_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def history_visible(self, record) -> bool:
        return campaigns_managed_by(self.request.user).filter(pk=record.pk).exists()

    @staticmethod
    def visible_to(user):
        return campaigns_visible_to(user).prefetch_related("criteria", "grades")

    def create_via_service(self, data):
        return services.campaign_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        return services.campaign_update(campaign_id=instance.pk, by=self.request.user, **data)

    def _managed(self):
        """The campaign for its officials: 404 outside the reader's scope, 403
        for a reader who sees it without running it."""
        campaign = get_object_or_404(campaigns_visible_to(self.request.user), pk=self.kwargs["pk"])
        if not campaigns_managed_by(self.request.user).filter(pk=campaign.pk).exists():
            raise PermissionDenied
        return campaign

    @extend_schema(
        request=PoolAddSerializer,
        responses={200: PoolMemberSerializer(many=True)},
        methods=["GET", "POST"],
    )
    @action(detail=True, methods=["get", "post"])
    def reviewers(self, request, pk=None):
        """The campaign's reviewer pool (its officials only); POST
        `{"people": [ids]}` adds people to it and answers the pool."""
        campaign = self._managed()
        if request.method == "POST":
            chosen = PoolAddSerializer(data=request.data, context={"request": request})
            chosen.is_valid(raise_exception=True)
            services.pool_reviewers_add(
                campaign_id=campaign.pk, by=request.user, **chosen.validated_data
            )
        return Response(PoolMemberSerializer(reviewer_pool(campaign), many=True).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], url_path=r"reviewers/(?P<person_id>[0-9]+)/remove")
    def remove_reviewer(self, request, pk=None, person_id=None):
        """Take someone out of the pool: 409 while they still owe a review in it."""
        campaign = self._managed()
        services.pool_reviewer_remove(
            campaign_id=campaign.pk, by=request.user, person_id=int(person_id)
        )
        return Response(status=204)


class ProposalViewSet(
    HistoryMixin, AttachmentsMixin, mixins.DestroyModelMixin, ScopedServiceViewSet
):
    """Proposals: the author writes drafts and submits them; the union office
    over the author's unit screens them. DELETE throws a draft away."""

    pagination_class = KeysetPagination
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    export_title = pgettext_lazy("file name", "Five-small proposals")
    ordering_fields = ["created_at", "submitted_at", "expected_benefit", "title", "code"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def history_visible(self, record) -> bool:
        access = proposal_access(self.request.user, record, only=("manages", "own"))
        return access.manages or access.own

    @staticmethod
    def visible_to(user):
        # Who entered a proposal is read by a subquery and its award (one row
        # in twenty has one) by a query of its own, not by joins: with the
        # award and its grade joined PostgreSQL spent 20-50 ms choosing the
        # order of seven tables, ten times what the page's rows cost to read
        # (the five left plan in 2-5 ms).
        return (
            _with_parts(user, proposals_with_access(user, only=ProposalSerializer.LIST_FACTS))
            .select_related("duplicate_of")
            .annotate(entered_by_name=ENTERED_BY_NAME)
            .prefetch_related(*_award_parts())
        )

    def get_queryset(self):
        if self.action in self._MOVES:
            # A move reads its proposal through the scope only to answer 404;
            # the service reads and locks it, and the answer is read after.
            return proposals_visible_to(self.request.user).select_related(None).only("pk")
        # The running score (five subqueries a row) is for one proposal's page;
        # the list leaves it out, so a page of 25 stays cheap.
        queryset = super().get_queryset()
        return queryset if self.action in ("list", "export") else with_scores(queryset)

    def _as_listed(self, record):
        """The proposal after a write, as the list shows it, in one query with
        the access facts every answer reads (computed once, after the write),
        joining only the tables every proposal has; who entered it, the original
        of a duplicate (and whether it may be opened), the studio's visibility,
        an award and the running score (the office's) are read only when there
        is one to show."""
        user = self.request.user
        queryset = proposals_with_access(user, only=ProposalSerializer.FACTS)
        proposal = _with_parts(user, queryset).get(pk=record.pk)
        if proposal_access(user, proposal, only=("manages",)).manages:
            figures = review_figures(proposal)
            proposal.review_count, proposal.current_score = (
                figures.review_count,
                figures.current_score,
            )
        if proposal.status == Proposal.Status.AWARDED:
            prefetch_related_objects([proposal], *_award_parts())
        return proposal

    def filter_queryset(self, queryset):
        if self.action in self._MOVES and not self.request.query_params:
            # Without query parameters the list's filters leave every row; only
            # building them (the filter form, its choices) would cost a move's
            # read of its proposal more than the read itself.
            return queryset
        return order_blind_rows_last(super().filter_queryset(queryset))

    def create_via_service(self, data):
        return services.proposal_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        return services.proposal_update(proposal_id=instance.pk, by=self.request.user, **data)

    def perform_destroy(self, proposal):
        services.proposal_delete(proposal_id=proposal.pk, by=self.request.user)

    def add_attachment(self, proposal, upload):
        return services.attachment_add(record=proposal, by=self.request.user, upload=upload)

    # The state changes (POST actions on one proposal), each answered by `_as_listed`.
    _MOVES = frozenset(
        {
            "submit",
            "withdraw",
            "screen",
            "return_to_author",
            "reject_ineligible",
            "mark_duplicate",
            "undo_screening",
            "assign_reviewers",
            "replace_reviewer",
            "decide",
            "implement",
            "verify_benefit",
            "award",
        }
    )

    def _act(self, request, service, input_serializer=NoteSerializer):
        return self.act(
            request, service=service, record_arg="proposal_id", input_serializer=input_serializer
        )

    @extend_schema(request=NoteSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The author sends the proposal in (inside the campaign's window)."""
        return self._act(request, services.proposal_submit)

    @extend_schema(request=NoteSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The author takes a submitted or returned proposal back."""
        return self._act(request, services.proposal_withdraw)

    @extend_schema(request=NoteSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def screen(self, request, pk=None):
        """An official over the author's unit sends it on to review."""
        return self._act(request, services.proposal_screen)

    @extend_schema(request=ReturnSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_author(self, request, pk=None):
        """Back to the author for revision, with a comment."""
        return self._act(request, services.proposal_return, ReturnSerializer)

    @extend_schema(request=RejectIneligibleSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="reject-ineligible")
    def reject_ineligible(self, request, pk=None):
        return self._act(request, services.proposal_reject_ineligible, RejectIneligibleSerializer)

    @extend_schema(request=MarkDuplicateSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="mark-duplicate")
    def mark_duplicate(self, request, pk=None):
        return self._act(request, services.proposal_mark_duplicate, MarkDuplicateSerializer)

    @extend_schema(request=NoteSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="undo-screening")
    def undo_screening(self, request, pk=None):
        """Take back a return, a not-eligible finding or a duplicate mark within
        24 hours, before the author acted: the proposal is `submitted` again."""
        return self._act(request, services.proposal_undo_screening)

    @extend_schema(request=AssignReviewersSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="assign-reviewers")
    def assign_reviewers(self, request, pk=None):
        """Ask reviewers to score it (authors and their teammates are recused)."""
        return self._act(request, services.reviewers_assign, AssignReviewersSerializer)

    @extend_schema(request=ReplaceReviewerSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="replace-reviewer")
    def replace_reviewer(self, request, pk=None):
        """Replace a reviewer who has not reviewed yet."""
        return self._act(request, services.reviewer_replace, ReplaceReviewerSerializer)

    @extend_schema(request=DecideSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or reject, once the campaign's minimum reviews are in."""
        return self._act(request, services.proposal_decide, DecideSerializer)

    @extend_schema(request=ImplementSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def implement(self, request, pk=None):
        return self._act(request, services.proposal_implement, ImplementSerializer)

    @extend_schema(request=ProposalVerifyBenefitSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="verify-benefit")
    def verify_benefit(self, request, pk=None):
        """Finance's confirmation of the real yearly benefit; the figure is locked."""
        return self._act(request, services.proposal_verify_benefit, ProposalVerifyBenefitSerializer)

    @extend_schema(request=AwardInputSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        """Award a grade within the campaign's quota (409 when it is used up)."""
        return self._act(request, services.proposal_award, AwardInputSerializer)

    @extend_schema(responses=StateEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The proposal's timeline: every state change, who, when and why; for its
        authors and the officials over it (the showcase shows the result only)."""
        proposal = self.get_object()
        if not proposal_access(request.user, proposal, only=("follows",)).follows:
            raise PermissionDenied
        events = proposal.events.select_related("actor")
        return Response(StateEventSerializer(events, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("title", str, required=True),
            OpenApiParameter("exclude", int, required=False),
        ],
        responses=SimilarProposalSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def similar(self, request):
        """The proposals most like `title` that you may see (best first)."""
        query = SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = similar_proposals(
            request.user,
            query.validated_data["title"],
            exclude_id=query.validated_data.get("exclude"),
        )
        return Response(SimilarProposalSerializer(found, many=True).data)


def _with_parts(user, proposals):
    """`proposals` with what every row shows besides its own columns: its
    co-authors (with their people) and the related proposals the reader may see
    (the link is symmetrical, so someone else's draft may point at one shown),
    as the list `visible_related` that `related_to_ids` reads."""
    related = proposals_visible_to(user).select_related(None).only("id")
    return proposals.prefetch_related(
        Prefetch("co_authors", CoAuthor.objects.select_related("person").only(*CO_AUTHOR_BRIEF)),
        Prefetch("related_to", queryset=related, to_attr="visible_related"),
    )


# What a row shows of a co-author or an award's share (PersonBriefSerializer
# names the person): a person's whole row is some forty columns, read and made
# into an instance for each.
CO_AUTHOR_BRIEF = ("proposal_id", "position", "share", "person__full_name")
SHARE_BRIEF = ("award_id", "share", "amount_fen", "person__full_name")


def _award_parts() -> tuple[Prefetch, Prefetch]:
    """An awarded proposal's award with its grade and each person's share."""
    return (
        Prefetch("award", Award.objects.select_related("grade")),
        Prefetch("award__shares", AwardShare.objects.select_related("person").only(*SHARE_BRIEF)),
    )


# The name of whoever entered the proposal on the author's behalf (usually nobody).
ENTERED_BY_NAME = Subquery(User.objects.filter(pk=OuterRef("entered_by_id")).values("full_name"))


class SimilarQuerySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    exclude = serializers.IntegerField(min_value=1, required=False)


class ReviewViewSet(ScopedServiceViewSet):
    """Reviews: a reviewer's own (one per proposal, editable until the decision);
    the officials over a proposal read all of its reviews."""

    pagination_class = KeysetPagination
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilterSet
    ordering_fields = ["created_at", "total"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @staticmethod
    def visible_to(user):
        return reviews_visible_to(user).prefetch_related(
            Prefetch("scores", ReviewScore.objects.select_related("criterion"))
        )

    def create_via_service(self, data):
        return services.review_submit(
            proposal_id=data["proposal"].pk,
            by=self.request.user,
            scores=data["scores"],
            comment=data.get("comment", ""),
        )

    def update_via_service(self, instance, data):
        return services.review_update(
            review_id=instance.pk,
            by=self.request.user,
            scores=data.get("scores"),
            comment=data.get("comment"),
        )


class ReviewQueueViewSet(ScopedReadOnlyViewSet):
    """The reviewer's queue, as its page shows it: the proposals they are asked
    to review (not those they were replaced on), the ones still waiting for
    their scores first, then by the day each is due; empty for anyone not
    asked to review. Each names the proposal by id and title only."""

    visible_to = staticmethod(review_queue)
    serializer_class = ReviewQueueSerializer
    export_title = pgettext_lazy("file name", "My review queue")
    # The queue's own order (waiting first, then due): a person's few dozen rows.
    ordering_fields = []
    ordering = None


class AwardShareViewSet(ScopedReadOnlyViewSet):
    """Each person's part of each award: the award table's rows, and what
    finance pays (`export/`); an official's units and one's own."""

    visible_to = staticmethod(award_shares_visible_to)
    serializer_class = AwardShareSerializer
    filterset_class = AwardShareFilterSet
    export_title = pgettext_lazy("file name", "Five-small awards")
    ordering_fields = ["awarded_at", "amount_fen"]
    ordering = ["award__grade_id", "award__proposal__code", "id"]

from django.urls import path

from competitions.views import campaigns, decisions, proposals, review, screening

app_name = "competitions"

urlpatterns = [
    path("", campaigns.competitions_home, name="home"),
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/pool/", campaigns.campaign_pool_add, name="campaign-pool-add"),
    path(
        "campaigns/<int:pk>/pool/<int:person_id>/remove/",
        campaigns.campaign_pool_remove,
        name="campaign-pool-remove",
    ),
    path("campaigns/<int:pk>/board/", decisions.board, name="campaign-board"),
    path("campaigns/<int:pk>/awards/", decisions.award_table, name="campaign-awards"),
    path("reviews/", review.ReviewQueueView.as_view(), name="review-queue"),
    path("reviews/<int:pk>/", review.review_form, name="review-form"),
    path("proposals/", proposals.ProposalListView.as_view(), name="proposal-list"),
    path("mine/", proposals.MyProposalListView.as_view(), name="my-proposals"),
    path("proposals/new/", proposals.proposal_new, name="proposal-create"),
    path("proposals/similar/", proposals.proposal_similar, name="proposal-similar"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/edit/", proposals.proposal_edit, name="proposal-edit"),
    path("proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<int:pk>/delete/", proposals.proposal_delete, name="proposal-delete"),
    path("proposals/<int:pk>/attach/", proposals.proposal_attach, name="proposal-attach"),
    path("screening/", screening.ScreeningQueueView.as_view(), name="screening-queue"),
    path("proposals/<int:pk>/screen/", screening.proposal_screen, name="proposal-screen"),
    path("proposals/<int:pk>/return/", screening.proposal_return, name="proposal-return"),
    path("proposals/<int:pk>/reject/", screening.proposal_reject, name="proposal-reject"),
    path(
        "proposals/<int:pk>/mark-duplicate/",
        screening.proposal_mark_duplicate,
        name="proposal-mark-duplicate",
    ),
    path(
        "proposals/<int:pk>/undo-screening/",
        screening.proposal_undo_screening,
        name="proposal-undo-screening",
    ),
    path("proposals/<int:pk>/assign/", decisions.assign_reviewers, name="proposal-assign"),
    path(
        "proposals/<int:pk>/replace-reviewer/",
        decisions.replace_reviewer,
        name="proposal-replace-reviewer",
    ),
    path("proposals/<int:pk>/decide/", decisions.decide, name="proposal-decide"),
    path("proposals/<int:pk>/implement/", decisions.implement, name="proposal-implement"),
    path("proposals/<int:pk>/verify/", decisions.verify_benefit, name="proposal-verify"),
    path("proposals/<int:pk>/award/", decisions.award, name="proposal-award"),
]

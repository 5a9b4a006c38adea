from competitions import services
from competitions.selectors import similar_proposals, similar_for_each, screening_queue


def test_flow(org, make_proposal, campaigns):
    p = make_proposal(org.worker_a)
    assert p.code.startswith(f"{campaigns.open.year}-A101-")
    q = make_proposal(org.colleague_a, title="井下喷雾降尘装置的节水改进")
    r = make_proposal(org.worker_b, title="皮带机托辊更换工具改进")
    found = similar_proposals(org.group_official, "井下喷雾降尘装置节水改造", exclude_id=p.pk)
    print([(x.title, x.similarity) for x in found])
    assert [x.pk for x in found] == [q.pk]
    queue = list(screening_queue(org.group_official))
    sims = similar_for_each(org.group_official, queue)
    print({k: [(x.title, x.similarity) for x in v] for k, v in sims.items()})
    assert [x.pk for x in sims[p.pk]] == [q.pk]
    services.proposal_return(proposal_id=p.pk, by=org.official_a, comment="补充数据")
    services.proposal_update(proposal_id=p.pk, by=org.worker_a, title="井下喷雾降尘节水")
    services.proposal_submit(proposal_id=p.pk, by=org.worker_a)
    services.proposal_mark_duplicate(proposal_id=q.pk, by=org.official_a, duplicate_of=p)
    services.proposal_screen(proposal_id=p.pk, by=org.official_a)
    assert similar_proposals(org.worker_b, "井下喷雾降尘装置节水改造") == []

"""Every write to problems, achievements, patents, adoptions and conferences.

Writers are the studio's leader (and core members where the studio allows it)
and officials over the studio; only officials verify benefit, promote beyond the
studio, record adoptions and run conferences. People written into a record
(team, contributors, inventors) must be people the writer may see (else 400),
exactly whom the forms' `people` pickers offer: someone who has left since
(deactivated) too, since credit for past work stays with whoever did it (a new
duty, such as leading a studio, asks for someone still active). On an edit,
those the record already credits stay whether or not the writer sees them (a
group official may have named someone of another company); only a newcomer
is checked, and anyone may be taken off."""

from achievements.services.conferences import (  # noqa: F401
    conference_create,
    conference_hide_achievements,
    conference_show_achievements,
    conference_update,
)
from achievements.services.patents import patent_change_status, patent_create, patent_update  # noqa: F401
from achievements.services.problems import problem_change_status, problem_create, problem_update  # noqa: F401
from achievements.services.records import (  # noqa: F401
    achievement_create,
    achievement_update,
    achievement_verify_benefit,
    adoption_record,
    attachment_add,
)

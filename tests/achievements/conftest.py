from types import SimpleNamespace

from tests.achievements.api import new_achievement
from tests.world import shared_data

# --- Achievements: the library ----------------------------------------------------------


@shared_data(needs=("studios",))
def library(built):
    """Dust achievements at each promotion level and a studio-level turbine one."""
    studios = built.get("studios")
    return SimpleNamespace(
        studio_level=new_achievement(studios, title="喷雾降尘装置"),
        unit_level=new_achievement(studios, title="除尘风机改造", promotion="unit"),
        group_level=new_achievement(studios, title="综采面粉尘治理工法", promotion="group"),
        turbine=new_achievement(studios, studio=studios.turbine, title="汽轮机叶片修复"),
    )

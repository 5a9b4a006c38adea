"""Reads that depend on who asks: stories, craftsman profiles, the honour roll
and the showcase search. Every part of a profile or the roll reads through the
owning app's own scoping function."""

from showcase.selectors.honour_roll import honour_roll, newest_honours
from showcase.selectors.profiles import (
    LineageNode,
    craftsman_profile,
    lineage_tree,
    openable_profiles,
    profiles_visible_to,
)
from showcase.selectors.search import showcase_search
from showcase.selectors.stories import (
    STORY_MOVES,
    StoryAccess,
    featured_stories,
    may_write_stories,
    published_stories,
    stories_managed_by,
    stories_sent_back_to,
    stories_visible_to,
    stories_with_access,
    story_access,
    story_facts,
    story_people_for,
    story_review_queue,
    story_studios_for,
)

__all__ = [
    "STORY_MOVES",
    "LineageNode",
    "StoryAccess",
    "craftsman_profile",
    "featured_stories",
    "honour_roll",
    "lineage_tree",
    "may_write_stories",
    "newest_honours",
    "openable_profiles",
    "profiles_visible_to",
    "published_stories",
    "showcase_search",
    "stories_managed_by",
    "stories_sent_back_to",
    "stories_visible_to",
    "stories_with_access",
    "story_access",
    "story_facts",
    "story_people_for",
    "story_review_queue",
    "story_studios_for",
]

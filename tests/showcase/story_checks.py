"""What the story tests of this folder share: a story read afresh from the database."""

from showcase.models import Story


def fresh(story: Story) -> Story:
    return Story.objects.get(pk=story.pk)

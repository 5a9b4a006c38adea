"""Showcase pages: the stories (list, page, forms, the officials' moves), the
honour roll, craftsman profiles and the search over all three."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from core.attachments import attachments_of
from core.forms import AttachmentForm
from core.history import history_section
from core.pages import (
    ScopedListView,
    attach_from_page,
    form_changes,
    run_action,
    run_form_action,
    run_service,
)
from showcase import services
from showcase.filtersets import StoryFilterSet
from showcase.forms import (
    HonourRollForm,
    SearchForm,
    StoryForm,
    StoryPublishForm,
    StoryReturnForm,
)
from showcase.models import Story
from showcase.selectors import (
    craftsman_profile,
    featured_stories,
    honour_roll,
    may_write_stories,
    openable_profiles,
    profiles_visible_to,
    showcase_search,
    stories_visible_to,
    stories_with_access,
    story_access,
    story_review_queue,
)
from studios.selectors import studios_visible_to


class StoryListView(ScopedListView):
    """The showcase's front: featured works on top, then every story the reader
    may see, filtered by form, person, studio, year and status."""

    visible_to = staticmethod(stories_visible_to)
    export_api = "api:story"
    filterset_class = StoryFilterSet
    template_name = "showcase/story_list.html"
    partial_template_name = "showcase/partials/story_results.html"
    context_object_name = "stories"
    paginate_by = 12

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        unfiltered = not self.request.GET
        context["featured"] = featured_stories(user) if unfiltered else []
        context["may_write"] = may_write_stories(user)
        context["review_count"] = story_review_queue(user).count() if is_official(user) else 0
        return context


def _story(request, pk) -> Story:
    return get_object_or_404(stories_with_access(request.user), pk=pk)


def _detail_context(request, story: Story, **forms_sent) -> dict:
    access = story_access(request.user, story)
    people = list(story.people.order_by("full_name"))
    studios = list(story.studios.order_by("code"))
    return {
        "story": story,
        "access": access,
        "people": people,
        "studios": studios,
        # Link only to pages the reader may open; the names are the story's own.
        "openable_people": openable_profiles(request.user, {person.pk for person in people}),
        "openable_studios": set(
            studios_visible_to(request.user)
            .filter(pk__in=[studio.pk for studio in studios])
            .values_list("pk", flat=True)
        ),
        "files": attachments_of(story),
        "attachment_form": AttachmentForm() if access.attach else None,
        "events": story.events.select_related("actor"),
        **history_section(request.user, story, visible=access.manages, api="story"),
        "return_form": forms_sent.get("return_form") or StoryReturnForm(),
        "publish_form": forms_sent.get("publish_form") or StoryPublishForm(),
    }


@login_required
def story_detail(request, pk):
    story = _story(request, pk)
    return render(request, "showcase/story_detail.html", _detail_context(request, story))


@login_required
def story_create(request):
    if not may_write_stories(request.user):
        raise PermissionDenied
    form = StoryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        story = run_service(form, services.story_create, by=request.user, **data)
        if story:
            messages.success(request, _("The story has been saved as a draft."))
            return redirect("showcase:story-detail", pk=story.pk)
    return render(
        request,
        "showcase/story_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def story_edit(request, pk):
    story = _story(request, pk)
    if not story_access(request.user, story).edit:
        raise PermissionDenied
    form = StoryForm(request.POST or None, instance=story, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = form_changes(form)
        if run_service(form, services.story_update, story_id=story.pk, by=request.user, **changes):
            messages.success(request, _("The story has been saved."))
            return redirect("showcase:story-detail", pk=pk)
    return render(
        request,
        "showcase/story_form.html",
        {"form": form, "story": story},
        status=400 if request.method == "POST" else 200,
    )


def _one_button(request, pk, service, done_message, **extra):
    story = _story(request, pk)
    if run_action(request, service, story_id=story.pk, by=request.user, **extra):
        messages.success(request, done_message)
    return redirect("showcase:story-detail", pk=pk)


@require_POST
@login_required
def story_submit(request, pk):
    return _one_button(request, pk, services.story_submit, _("The story has been sent for review."))


@require_POST
@login_required
def story_archive(request, pk):
    return _one_button(request, pk, services.story_archive, _("The story has been archived."))


@require_POST
@login_required
def story_feature(request, pk):
    featured = request.POST.get("featured") == "1"
    done = _("The story is now featured.") if featured else _("The story is no longer featured.")
    return _one_button(request, pk, services.story_feature, done, featured=featured)


def _story_form_action(request, pk, form_class, form_name, service, done_message):
    story = _story(request, pk)
    return run_form_action(
        request,
        form_class,
        service,
        story_id=story.pk,
        done_message=done_message,
        next_url=reverse("showcase:story-detail", args=[pk]),
        render_refused=lambda form: render(
            request,
            "showcase/story_detail.html",
            _detail_context(request, story, **{form_name: form}),
            status=400,
        ),
    )


@require_POST
@login_required
def story_return(request, pk):
    return _story_form_action(
        request,
        pk,
        StoryReturnForm,
        "return_form",
        services.story_return,
        _("The story has been sent back to its author."),
    )


@require_POST
@login_required
def story_publish(request, pk):
    return _story_form_action(
        request,
        pk,
        StoryPublishForm,
        "publish_form",
        services.story_publish,
        _("The story has been published."),
    )


@require_POST
@login_required
def story_attach(request, pk):
    story = _story(request, pk)
    return attach_from_page(
        request,
        services.story_attach,
        story,
        next_url=f"{reverse('showcase:story-detail', args=[pk])}#files",
    )


@login_required
def honour_roll_page(request):
    """The public honour roll; `?year=` narrows the honours and picks the awards' year."""
    form = HonourRollForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else None
    return render(
        request,
        "showcase/honour_roll.html",
        {"form": form, **honour_roll(request.user, year=year)},
    )


@login_required
def profile(request, pk):
    """A craftsman's profile: honours, studios, work, awards, lineage and stories."""
    person = get_object_or_404(profiles_visible_to(request.user), pk=pk)
    return render(request, "showcase/profile.html", craftsman_profile(person, request.user))


@login_required
def search(request):
    """Stories, people and studios matching a fragment of a name or text; a
    query that is too long or holds a NUL character is refused (400)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {**showcase_search(request.user, ""), "errors": form.errors.get("q")}
        return render(request, "showcase/search.html", context, status=400)
    return render(
        request, "showcase/search.html", showcase_search(request.user, form.cleaned_data["q"])
    )

from django.urls import path

from showcase import views

app_name = "showcase"

urlpatterns = [
    path("", views.StoryListView.as_view(), name="story-list"),
    path("honours/", views.honour_roll_page, name="honour-roll"),
    path("search/", views.search, name="search"),
    path("people/<int:pk>/", views.profile, name="profile"),
    path("stories/new/", views.story_create, name="story-create"),
    path("stories/<int:pk>/", views.story_detail, name="story-detail"),
    path("stories/<int:pk>/edit/", views.story_edit, name="story-edit"),
    path("stories/<int:pk>/submit/", views.story_submit, name="story-submit"),
    path("stories/<int:pk>/return/", views.story_return, name="story-return"),
    path("stories/<int:pk>/publish/", views.story_publish, name="story-publish"),
    path("stories/<int:pk>/archive/", views.story_archive, name="story-archive"),
    path("stories/<int:pk>/feature/", views.story_feature, name="story-feature"),
    path("stories/<int:pk>/files/", views.story_attach, name="story-attach"),
]

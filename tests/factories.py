"""Factories shared by every test module."""

import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from intranet.models import HomePage, StandardPage
from organisation.models import Department, Person
from projects.models import (
    Cheer,
    Commitment,
    Health,
    Idea,
    Membership,
    ProjectIndexPage,
    ProjectPage,
    Reaction,
    Role,
    StatusUpdate,
    Win,
    WinComment,
    WinCredit,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("password")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.LazyAttribute(lambda department: slugify(department.name))
    description = "Keeps the organisation running."
    colour = "#1d4ed8"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    job_title = "Specialist"
    bio = "Likes working with other teams."
    photo = None

    class Params:
        with_photo = factory.Trait(photo=factory.SubFactory(wagtail_factories.ImageFactory))

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.ask_me_about.add(*extracted)


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Common Ground"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Guide {n}")
    introduction = "How we do things."


class ProjectIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ProjectIndexPage

    title = "Projects"
    slug = "projects"


class ProjectPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ProjectPage

    title = factory.Sequence(lambda n: f"Project {n}")
    purpose = "Make things better together."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectPageFactory)
    person = factory.SubFactory(PersonFactory)
    role = Role.MEMBER
    department = factory.LazyAttribute(lambda membership: membership.person.department)


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    project = factory.SubFactory(ProjectPageFactory)
    author = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"Idea {n}")
    text = "Worth trying."


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    project = factory.SubFactory(ProjectPageFactory)
    title = factory.Sequence(lambda n: f"Promise {n}")
    owner = factory.SubFactory(PersonFactory)
    created_by = factory.SelfAttribute("owner")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    project = factory.SubFactory(ProjectPageFactory)
    author = factory.SubFactory(PersonFactory)
    health = Health.ON_TRACK
    what_happened = "Shipped the first pilot."
    whats_next = "Roll it out to the second team."
    next_update_due = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=7)
    )


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Reaction {n}")
    symbol = "🎉"


class WinFactory(factory.django.DjangoModelFactory):
    """A win in `projects` (default: one new project) crediting `credited` (default: the poster).

    Pass people as `credited=[...]`; each credit keeps the person's current department.
    """

    class Meta:
        model = Win
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Win {n}")
    story = "<p>We did it together.</p>"
    posted_by = factory.SubFactory(PersonFactory)

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create:
            self.projects.set(extracted if extracted is not None else [ProjectPageFactory()])

    @factory.post_generation
    def credited(self, create, extracted, **kwargs):
        if create:
            people = extracted if extracted is not None else [self.posted_by]
            WinCredit.objects.bulk_create(
                WinCredit(win=self, person=person, department_id=person.department_id)
                for person in people
            )


class CheerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cheer

    win = factory.SubFactory(WinFactory)
    person = factory.SubFactory(PersonFactory)
    reaction = factory.SubFactory(ReactionFactory)


class WinCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WinComment

    win = factory.SubFactory(WinFactory)
    author = factory.SubFactory(PersonFactory)
    text = "Brilliant work!"

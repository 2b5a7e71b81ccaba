from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.images import get_image_model
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from .colours import HEX_COLOUR, readable_text_colour

colour_validator = RegexValidator(
    HEX_COLOUR, _("Enter a colour as # followed by six hexadecimal digits, e.g. #1d4ed8.")
)

# Renditions the front end shows; prefetching them avoids one query per face on a page.
AVATAR_SMALL = "fill-96x96"
AVATAR_LARGE = "fill-320x320"


class DepartmentQuerySet(models.QuerySet):
    def with_people_count(self):
        return self.annotate(
            people_count=Count("people", filter=Q(people__user__is_active=True), distinct=True)
        )


class Department(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(
        _("short description"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences: what the department does for the organisation."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1d4ed8",
        validators=[colour_validator],
        help_text=_("Accent used on badges and charts, e.g. #1d4ed8."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )

    objects = DepartmentQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("colour"), FieldPanel("parent")]),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:department", kwargs={"slug": self.slug})

    @property
    def text_colour(self):
        return readable_text_colour(self.colour)

    def clean(self):
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {
                        "parent": _(
                            "A department cannot sit inside itself or its own sub-department."
                        )
                    }
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Topic(TagBase):
    """An "ask me about" topic; kept apart from page tags so each list stays meaningful."""

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]


class PersonTopic(TaggedItemBase):
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_people")
    content_object = models.ForeignKey(
        "organisation.Person", on_delete=models.CASCADE, related_name="tagged_topics"
    )


class PersonQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True)

    def for_listing(self):
        """Everything a person card shows, in a fixed number of queries whatever the page size."""
        image_model = get_image_model()
        return self.select_related("user", "department").prefetch_related(
            Prefetch("photo", queryset=image_model.objects.prefetch_renditions(AVATAR_SMALL))
        )

    def matching(self, text):
        """People whose name, job title, department or topics contain every word of `text`."""
        queryset = self
        for word in text.split():
            has_topic = PersonTopic.objects.filter(
                content_object=OuterRef("pk"), tag__name__icontains=word
            )
            queryset = queryset.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(job_title__icontains=word)
                | Q(department__name__icontains=word)
                | Q(Exists(has_topic))
            )
        return queryset

    def alphabetical(self):
        return self.order_by(Lower("user__first_name"), Lower("user__last_name"), "pk")


class Person(index.Indexed, models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="person",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="people"
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    bio = models.TextField(
        _("short bio"), max_length=1000, blank=True, help_text=_("A few sentences, in plain text.")
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ask_me_about = TaggableManager(
        through=PersonTopic,
        blank=True,
        verbose_name=_("ask me about"),
        help_text=_("Topics colleagues can come to this person with."),
    )

    objects = PersonQuerySet.as_manager()

    panels = [
        FieldPanel("user"),
        MultiFieldPanel(
            [FieldPanel("department"), FieldPanel("job_title")],
            heading=_("Role in the organisation"),
        ),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("ask_me_about"),
    ]
    search_fields = [
        index.RelatedFields(
            "user",
            [
                index.SearchField("first_name"),
                index.SearchField("last_name"),
                index.AutocompleteField("first_name"),
                index.AutocompleteField("last_name"),
            ],
        ),
        index.SearchField("job_title"),
        index.SearchField("bio"),
        index.RelatedFields("department", [index.SearchField("name")]),
        index.RelatedFields("ask_me_about", [index.SearchField("name")]),
        index.FilterField("department"),
    ]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("organisation:person", kwargs={"username": self.user.username})

    @property
    def full_name(self):
        return self.user.get_full_name() or self.user.username

    @property
    def initials(self):
        parts = [self.user.first_name, self.user.last_name]
        letters = "".join(part[0] for part in parts if part)
        return (letters or self.user.username[:1]).upper()

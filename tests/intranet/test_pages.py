import pytest
from wagtail import blocks
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from intranet.blocks import CallToActionBlock
from intranet.models import HomePage, StandardPage
from projects.models import ProjectIndexPage, ProjectPage
from tests.factories import DepartmentFactory, PersonFactory, StandardPageFactory

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailPageTestCase):
    def test_page_hierarchy(self):
        self.assertAllowedSubpageTypes(HomePage, {StandardPage, ProjectIndexPage})
        self.assertAllowedSubpageTypes(ProjectIndexPage, {ProjectPage})
        self.assertAllowedParentPageTypes(ProjectPage, {ProjectIndexPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})

    def test_editors_can_create_a_standard_page_with_blocks(self):
        home = HomePage.objects.get()
        self.login()
        self.assertCanCreate(
            home,
            StandardPage,
            nested_form_data(
                {
                    "title": "Travel policy",
                    "slug": "travel-policy",
                    "introduction": "How we travel.",
                    "body": streamfield(
                        [
                            ("heading", {"text": "Booking", "level": "h2"}),
                            ("paragraph", rich_text("<p>Book early.</p>")),
                            ("quote", {"text": "Trains first.", "attribution": "Finance"}),
                        ]
                    ),
                }
            ),
        )

    def test_rich_text_from_the_editor_is_sanitised(self):
        home = HomePage.objects.get()
        self.login()
        unsafe = '<p>Hi<script>alert(1)</script><a href="javascript:steal()">x</a></p>'
        self.assertCanCreate(
            home,
            StandardPage,
            nested_form_data(
                {
                    "title": "Unsafe",
                    "slug": "unsafe",
                    "introduction": "",
                    "body": streamfield([("paragraph", rich_text(unsafe))]),
                }
            ),
        )
        html = self.client.get("/unsafe/").content.decode()
        body = html.split('class="rich-text"')[1].split("</div>")[0]
        # The tag and the dangerous link go; the words inside become inert text.
        assert "<script" not in body
        assert "javascript:" not in body
        assert "Hi" in body


def test_home_page_shows_content_departments_and_new_faces(member_client, home_page):
    home_page.body = [("quote", {"text": "Together we win.", "attribution": "Maria"})]
    home_page.save_revision().publish()
    DepartmentFactory(name="Finance")
    PersonFactory(user__first_name="Kaisa", user__last_name="Rantanen")
    html = member_client.get("/").content.decode()
    assert "Together we win." in html
    assert "Finance" in html
    assert "Kaisa Rantanen" in html
    assert "Welcome, Anna" in html


def test_home_page_query_count_does_not_grow_with_the_organisation(
    member_client, home_page, count_queries
):
    DepartmentFactory.create_batch(2)
    PersonFactory.create_batch(2, with_photo=True)
    # With no child pages at all treebeard skips the menu query, so start with one.
    # (15: page translations add one locale lookup to Wagtail's routing.)
    StandardPageFactory(parent=home_page, show_in_menus=True)
    small = count_queries("/", ceiling=15)
    DepartmentFactory.create_batch(20)
    PersonFactory.create_batch(20, with_photo=True)
    StandardPageFactory.create_batch(5, parent=home_page, show_in_menus=True)
    assert count_queries("/", ceiling=15) == small


def test_standard_page_renders_every_block(member_client, home_page):
    page = StandardPageFactory(
        parent=home_page,
        title="Guide",
        slug="guide",
        body=[
            ("heading", {"text": "Section", "level": "h3"}),
            ("paragraph", "<p>Hello <b>there</b></p>"),
            ("quote", {"text": "Quoted", "attribution": "Someone"}),
            (
                "call_to_action",
                {"title": "Go", "text": "", "page": None, "url": "/people/", "button_label": "Go"},
            ),
        ],
    )
    html = member_client.get(page.url).content.decode()
    assert '<h3 class="block-heading">Section</h3>' in html
    assert "<b>there</b>" in html
    assert "— Someone" in html
    assert 'href="/people/"' in html


def test_menu_lists_published_pages_marked_for_menus(member_client, home_page):
    StandardPageFactory(parent=home_page, title="In the menu", show_in_menus=True)
    StandardPageFactory(parent=home_page, title="Hidden guide", show_in_menus=False)
    nav = member_client.get("/").content.decode().split('class="main-nav"')[1].split("</nav>")[0]
    assert "In the menu" in nav
    assert "Hidden guide" not in nav
    assert "People" in nav


def test_call_to_action_needs_a_page_or_an_address():
    block = CallToActionBlock()
    value = block.to_python(
        {"title": "Go", "text": "", "page": None, "url": "", "button_label": "Go"}
    )
    with pytest.raises(blocks.StructBlockValidationError):
        block.clean(value)


def test_standard_page_query_count_does_not_grow_with_blocks(
    member_client, home_page, count_queries
):
    target = StandardPageFactory(parent=home_page, slug="target")

    def link_block():
        return (
            "call_to_action",
            {"title": "Go", "text": "", "page": target, "url": "", "button_label": "Go"},
        )

    page = StandardPageFactory(parent=home_page, slug="links", body=[link_block()])
    small = count_queries(page.url, ceiling=14)
    page.body = [link_block() for _ in range(10)]
    page.save_revision().publish()
    assert count_queries(page.url, ceiling=14) == small

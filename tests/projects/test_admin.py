import pytest
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from projects.models import ProjectIndexPage, ProjectPage
from tests.factories import DepartmentFactory, ProjectIndexPageFactory

pytestmark = pytest.mark.django_db


class TestEditorsUseTheAdmin(WagtailPageTestCase):
    def test_editors_create_a_project_with_stakes_and_a_charter(self):
        from intranet.models import HomePage

        index = ProjectIndexPageFactory(parent=HomePage.objects.get())
        finance = DepartmentFactory(name="Finance")
        self.login()
        self.assertCanCreate(
            index,
            ProjectPage,
            nested_form_data(
                {
                    "title": "Budget together",
                    "slug": "budget-together",
                    "purpose": "One budget process for all",
                    "status": "proposed",
                    "visibility": "organisation",
                    "update_cadence": "none",
                    "stakes": inline_formset(
                        [{"department": finance.pk, "why_it_matters": "Fewer surprises"}]
                    ),
                    "charter": streamfield([("heading", {"text": "Scope", "level": "h2"})]),
                }
            ),
        )
        project = ProjectPage.objects.get(slug="budget-together")
        assert project.stakes.get().department == finance

    def test_project_index_sits_under_home_once(self):
        from intranet.models import HomePage

        self.assertAllowedParentPageTypes(ProjectIndexPage, {HomePage})
        assert ProjectIndexPage.max_count == 1

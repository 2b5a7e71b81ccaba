"""Uploaded files: behind the login, and members-only pictures only for their projects."""

import pytest
import wagtail_factories
from django.urls import reverse

from projects.models import Visibility
from tests.factories import PersonFactory, ProjectPageFactory, WinFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_win_picture(joint_project, lead):
    """A win's picture in a project that only its members may see."""
    joint_project.visibility = Visibility.MEMBERS
    joint_project.save_revision().publish()
    picture = wagtail_factories.ImageFactory()
    WinFactory(projects=[joint_project], posted_by=lead, credited=[lead], image=picture)
    return picture


def get(client, person, url):
    client.force_login(person.user)
    return client.get(url)


class TestMembersOnlyPictures:
    def test_members_get_the_original_and_its_renditions(self, client, secret_win_picture, member):
        rendition = secret_win_picture.get_rendition("fill-320x200")
        assert get(client, member, secret_win_picture.file.url).status_code == 200
        assert get(client, member, rendition.url).status_code == 200

    def test_outsiders_get_not_found_for_the_original_and_its_renditions(
        self, client, secret_win_picture
    ):
        rendition = secret_win_picture.get_rendition("fill-320x200")
        outsider = PersonFactory()
        assert get(client, outsider, secret_win_picture.file.url).status_code == 404
        assert get(client, outsider, rendition.url).status_code == 404

    def test_a_picture_also_in_an_open_project_is_for_everyone(
        self, client, secret_win_picture, project_index, lead
    ):
        open_project = ProjectPageFactory(parent=project_index, title="Open to all")
        WinFactory(projects=[open_project], posted_by=lead, image=secret_win_picture)
        assert get(client, PersonFactory(), secret_win_picture.file.url).status_code == 200

    def test_a_members_only_project_cover_is_hidden_from_outsiders(self, client, joint_project):
        cover = wagtail_factories.ImageFactory()
        joint_project.visibility = Visibility.MEMBERS
        joint_project.cover_image = cover
        joint_project.save_revision().publish()
        assert get(client, PersonFactory(), cover.file.url).status_code == 404

    def test_administrators_see_everything(self, client, secret_win_picture, django_user_model):
        admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
        client.force_login(admin)
        assert client.get(secret_win_picture.file.url).status_code == 200


class TestOtherFiles:
    def test_photos_of_people_are_for_everyone_logged_in(self, client):
        someone = PersonFactory(with_photo=True)
        assert get(client, PersonFactory(), someone.photo.file.url).status_code == 200

    def test_anonymous_visitors_are_sent_to_log_in(self, client, secret_win_picture):
        response = client.get(secret_win_picture.file.url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_a_missing_file_is_not_found(self, client):
        assert get(client, PersonFactory(), "/media/nothing-here.jpg").status_code == 404

    @pytest.mark.parametrize("path", ["../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd"])
    def test_paths_out_of_the_media_folder_are_refused(self, client, path):
        response = get(client, PersonFactory(), f"/media/{path}")
        assert response.status_code == 400
        assert b"root:" not in response.content

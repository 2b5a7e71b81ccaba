"""Upload limits: every place that takes a file refuses the wrong kind and the too-large, says
so next to the field, and saves nothing."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from projects.models import CheckIn, Win
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png(size=(40, 30), mode="RGB", padding=0):
    """A real PNG; `padding` bytes after its end make the file larger, not the picture."""
    buffer = io.BytesIO()
    PILImage.new(mode, size).save(buffer, "PNG")
    content = buffer.getvalue() + b"\0" * padding
    return SimpleUploadedFile("team.png", content, content_type="image/png")


def oversized_png():
    # The limits are read when the form fields are built, so the tests use real sizes.
    return png(padding=settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE)


def too_many_pixels_png():
    # A one-bit picture: a few kilobytes on disk, just over the limit once decoded.
    width = 8000
    height = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS // width + 1
    return png(size=(width, height), mode="1")


def field_errors(response, field):
    return " ".join(response.context["form"].errors[field])


class TestCheckInImportFile:
    @pytest.fixture(autouse=True)
    def logged_in(self, client, member, metric):
        client.force_login(member.user)

    def import_preview(self, client, project, upload):
        return client.post(project.url + "metrics/import/", {"step": "preview", "file": upload})

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("check-ins.xlsx", b"metric,date,value\n", "is not a CSV file"),
            ("check-ins.exe", b"MZ\x90\x00", "is not a CSV file"),
            ("check-ins.csv", b"PK\x03\x04\x00\x00spreadsheet", "is not a text file"),
            ("check-ins.csv", b"metric,date,value\n" + b"x" * 1024 * 1024, "larger than 1 MB"),
        ],
    )
    def test_a_wrong_or_oversized_file_is_refused_next_to_the_field(
        self, client, joint_project, name, content, message
    ):
        upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
        response = self.import_preview(client, joint_project, upload)
        assert response.status_code == 400
        assert message in field_errors(response, "file")
        assert 'class="field__error"' in response.content.decode()
        assert "preview" not in response.context
        assert not CheckIn.objects.exists()

    def test_a_csv_labelled_as_excel_by_the_browser_is_accepted(self, client, joint_project):
        # Windows browsers send .csv files as application/vnd.ms-excel: the name decides.
        upload = SimpleUploadedFile(
            "check-ins.CSV", b"metric,date,value\n", content_type="application/vnd.ms-excel"
        )
        response = self.import_preview(client, joint_project, upload)
        assert response.status_code == 200
        assert "preview" in response.context


class TestWinPicture:
    @pytest.fixture(autouse=True)
    def logged_in(self, client, member):
        client.force_login(member.user)

    def post_win(self, client, project, member, image):
        return client.post(
            project.url + "wins/new/",
            {
                "title": "Shipped together",
                "story": "",
                "day": timezone.localdate().isoformat(),
                "credited": [member.pk],
                "also_credit": "",
                "check_in": "",
                "image": image,
            },
        )

    def assert_refused(self, response, message):
        assert response.status_code == 400
        assert message in field_errors(response, "image")
        assert not Win.objects.exists()
        assert not get_image_model().objects.exists()

    def test_an_svg_is_refused(self, client, joint_project, member):
        svg = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
        response = self.post_win(client, joint_project, member, svg)
        self.assert_refused(response, "Not a supported image format")

    def test_a_file_over_the_size_limit_is_refused(self, client, joint_project, member):
        response = self.post_win(client, joint_project, member, oversized_png())
        self.assert_refused(response, "This file is too big")

    def test_an_image_with_too_many_pixels_is_refused(self, client, joint_project, member):
        response = self.post_win(client, joint_project, member, too_many_pixels_png())
        self.assert_refused(response, "too many pixels")

    def test_a_picture_within_the_limits_is_kept(self, client, joint_project, member):
        response = self.post_win(client, joint_project, member, png())
        assert response.status_code == 302
        assert Win.objects.get().image is not None


class TestAdminUploads:
    @pytest.fixture(autouse=True)
    def logged_in(self, client):
        client.force_login(UserFactory(is_superuser=True, is_staff=True))

    def test_the_image_library_refuses_an_svg(self, client):
        svg = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
        response = client.post("/admin/images/add/", {"title": "Logo", "file": svg})
        assert response.status_code == 200  # the form again, with the error
        assert "Not a supported image format" in field_errors(response, "file")
        assert not get_image_model().objects.exists()

    @pytest.mark.parametrize(
        ("make_file", "message"),
        [(oversized_png, "This file is too big"), (too_many_pixels_png, "too many pixels")],
    )
    def test_the_image_library_refuses_what_is_too_large(self, client, make_file, message):
        response = client.post("/admin/images/add/", {"title": "Team", "file": make_file()})
        assert message in field_errors(response, "file")
        assert not get_image_model().objects.exists()

    @pytest.mark.parametrize("name", ["page.html", "logo.svg", "setup.exe"])
    def test_the_document_library_takes_listed_types_only(self, client, name):
        upload = SimpleUploadedFile(name, b"<script>alert(1)</script>")
        response = client.post("/admin/documents/add/", {"title": "Notes", "file": upload})
        assert response.status_code == 200
        assert "extension" in field_errors(response, "file")
        assert not get_document_model().objects.exists()

    def test_the_document_library_takes_a_pdf(self, client):
        upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n")
        response = client.post("/admin/documents/add/", {"title": "Notes", "file": upload})
        assert response.status_code == 302
        assert get_document_model().objects.get().title == "Notes"

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects.checkin_import import MAX_ROWS, apply_check_in_import, read_check_in_rows
from projects.metric_services import check_in, metric_define
from projects.models import CheckIn, MetricChange
from projects.services import ProjectActionError
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D1, D2, D3 = (TODAY - datetime.timedelta(days=n) for n in (3, 2, 1))


def define(project, author, name, unit):
    return metric_define(
        project=project,
        author=author,
        owning_departments=project.departments,
        name=name,
        definition="x",
        unit=unit,
        unit_detail="",
        direction="increase",
        baseline_value=Decimal(10),
        baseline_date=TODAY - datetime.timedelta(days=400),
        target_value=Decimal(80),
        target_date=TODAY + datetime.timedelta(days=30),
    )


@pytest.fixture
def fcr(joint_project, lead):
    return define(joint_project, lead, "First-contact resolution", "percent")


@pytest.fixture
def tickets(joint_project, lead):
    return define(joint_project, lead, "Tickets", "count")


def csv_text(*lines, header="metric,date,value,confidence,note"):
    return "\n".join([header, *lines]) + "\n"


GOOD = csv_text(
    f"first-contact resolution,{D1.isoformat()},61.5,high,after the survey",
    f"Tickets,{D1.isoformat()},1200,,",
    f"TICKETS,{D2.isoformat()},1100,low,",
)


def import_url(project):
    return project.url + "metrics/import/"


# The domain: reading and applying --------------------------------------------------------------


def test_good_rows_are_read_with_their_lines(joint_project, fcr, tickets):
    preview = read_check_in_rows(text=GOOD, project=joint_project, language="en")
    assert preview.errors == []
    assert [(r.line, r.metric, r.day, r.value, r.confidence) for r in preview.rows] == [
        (2, fcr, D1, Decimal("61.5"), "high"),
        (3, tickets, D1, Decimal(1200), "medium"),
        (4, tickets, D2, Decimal(1100), "low"),
    ]
    assert preview.rows[0].note == "after the survey"
    assert not any(row.replaces for row in preview.rows)


def test_metrics_can_be_named_by_id(joint_project, fcr):
    preview = read_check_in_rows(
        text=csv_text(f"{fcr.pk},{D1.isoformat()},50", header="metric,date,value"),
        project=joint_project,
        language="en",
    )
    assert preview.errors == []
    assert preview.rows[0].metric == fcr


def test_every_bad_row_is_reported_with_its_line(joint_project, fcr, tickets, lead):
    future = TODAY + datetime.timedelta(days=1)
    text = csv_text(
        f"Tickets,{D1.isoformat()},10,,",  # line 2: fine
        f"Unknown metric,{D1.isoformat()},10,,",  # 3
        "Tickets,31.2.2026,10,,",  # 4
        f"Tickets,{future.isoformat()},10,,",  # 5
        f"Tickets,{D2.isoformat()},3;5,,",  # 6
        f"First-contact resolution,{D1.isoformat()},101,,",  # 7
        f"Tickets,{D3.isoformat()},-1,,",  # 8
        f"Tickets,{D1.isoformat()},11,,",  # 9: same as line 2
        f"Tickets,{D3.isoformat()},5,sure,",  # 10
        f"Tickets,{D3.isoformat()},5,,{'x' * 1001}",  # 11
        f"Tickets,{D3.isoformat()},3.5,,",  # 12: fine
    )
    preview = read_check_in_rows(text=text, project=joint_project, language="en")
    errors = {error.line: error.message for error in preview.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "Unknown metric" in errors[3]
    assert "not a date" in errors[4]
    assert "future" in errors[5]
    assert "Enter a number such as 3.5" in errors[6]
    assert "cannot go above 100" in errors[7]
    assert "cannot go below 0" in errors[8]
    assert "line 2" in errors[9]
    assert "low, medium or high" in errors[10]
    assert "1000" in errors[11]
    assert str(preview.errors[0]).startswith("line 3: ")
    assert [row.line for row in preview.rows] == [2, 12]
    with pytest.raises(ProjectActionError):
        apply_check_in_import(preview=preview, author=lead)
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("\ufeff \n\n", "empty"),
        ("metric,date,value\n", "no check-ins"),
        ("metric,date\nTickets,2026-01-01\n", "Missing columns: value"),
        ("metric,date,value,colour\n", "Unknown columns: colour"),
    ],
)
def test_files_that_cannot_be_imported_say_why(joint_project, tickets, text, expected):
    preview = read_check_in_rows(text=text, project=joint_project, language="en")
    assert not preview.rows
    assert expected in " ".join(str(error) for error in preview.errors)


def test_more_than_the_maximum_rows_is_refused(joint_project, tickets):
    lines = [f"Tickets,{D1.isoformat()},1"] * (MAX_ROWS + 1)
    preview = read_check_in_rows(
        text=csv_text(*lines, header="metric,date,value"), project=joint_project, language="en"
    )
    assert not preview.rows
    assert "at most 5000" in str(preview.errors[0])


def test_finnish_numbers_dates_and_confidence_with_semicolons(joint_project, fcr, tickets):
    text = csv_text(
        f"First-contact resolution;{D1.day}.{D1.month}.{D1.year};66,5;korkea;",
        f"Tickets;{D2.isoformat()};1 234;matala;ok",
        header="metric;date;value;confidence;note",
    )
    preview = read_check_in_rows(text=text, project=joint_project, language="fi")
    assert preview.errors == []
    assert [(r.day, r.value, r.confidence) for r in preview.rows] == [
        (D1, Decimal("66.5"), "high"),
        (D2, Decimal(1234), "low"),
    ]


def test_a_byte_order_mark_and_windows_line_ends_are_fine(joint_project, tickets):
    text = "\ufeffmetric,date,value\r\nTickets," + D1.isoformat() + ",5\r\n"
    preview = read_check_in_rows(text=text, project=joint_project, language="en")
    assert preview.errors == []
    assert preview.rows[0].value == Decimal(5)


def test_same_day_check_ins_are_flagged_and_replaced_with_history(joint_project, tickets, lead):
    check_in(metric=tickets, author=lead, day=D1, value=Decimal(900))
    preview = read_check_in_rows(
        text=csv_text(f"Tickets,{D1.isoformat()},1000,,", f"Tickets,{D2.isoformat()},1100,,"),
        project=joint_project,
        language="en",
    )
    assert [row.replaces for row in preview.rows] == [True, False]
    assert apply_check_in_import(preview=preview, author=lead) == (2, 1)
    assert CheckIn.objects.get(metric=tickets, day=D1).value == Decimal(1000)
    assert CheckIn.objects.filter(metric=tickets).count() == 2
    change = MetricChange.objects.get(field=f"check-in {D1.isoformat()}")
    assert (Decimal(change.old_value), Decimal(change.new_value)) == (900, 1000)


def test_a_refusal_while_writing_writes_nothing(joint_project, fcr, tickets, lead):
    preview = read_check_in_rows(text=GOOD, project=joint_project, language="en")
    preview.rows[-1].day = TODAY + datetime.timedelta(days=5)  # check_in refuses this one
    with pytest.raises(ProjectActionError, match="line 4"):
        apply_check_in_import(preview=preview, author=lead)
    assert not CheckIn.objects.exists()


# The pages -------------------------------------------------------------------------------------


def test_upload_preview_and_commit(client, joint_project, member, fcr, tickets):
    client.force_login(member.user)
    assert client.get(import_url(joint_project)).status_code == 200
    upload = SimpleUploadedFile("check-ins.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(import_url(joint_project), {"step": "preview", "file": upload})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row.line for row in preview.rows] == [2, 3, 4]
    content = response.content.decode()
    assert "1,200" in content  # formatted for the reader
    assert 'name="step" value="commit"' in content
    assert not CheckIn.objects.exists()  # a preview writes nothing

    response = client.post(
        import_url(joint_project),
        {"step": "commit", "csv_text": response.context["csv_text"]},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(joint_project.url + "#metrics")
    assert CheckIn.objects.count() == 3
    assert CheckIn.objects.get(metric=fcr).author == member
    assert "Imported 3 check-ins (0 replaced a value of the same day)." in [
        str(message) for message in response.context["messages"]
    ]


def test_pasted_text_with_errors_shows_them_and_no_confirm_button(
    client, joint_project, member, tickets
):
    client.force_login(member.user)
    text = csv_text(f"Tickets,{D1.isoformat()},5,,", f"Nope,{D1.isoformat()},5,,")
    response = client.post(import_url(joint_project), {"step": "preview", "text": text})
    content = response.content.decode()
    assert "line 3: This project has no metric called “Nope”." in content
    assert 'value="commit"' not in content
    assert not CheckIn.objects.exists()


def test_same_day_replacement_is_shown_in_the_preview_and_counted(
    client, joint_project, member, lead, tickets
):
    check_in(metric=tickets, author=lead, day=D1, value=Decimal(900))
    client.force_login(member.user)
    text = csv_text(f"Tickets,{D1.isoformat()},1000,,", f"Tickets,{D2.isoformat()},1100,,")
    response = client.post(import_url(joint_project), {"step": "preview", "text": text})
    assert "replaces the value of that day" in response.content.decode()
    response = client.post(
        import_url(joint_project), {"step": "commit", "csv_text": text}, follow=True
    )
    assert "Imported 2 check-ins (1 replaced a value of the same day)." in [
        str(message) for message in response.context["messages"]
    ]
    assert CheckIn.objects.get(metric=tickets, day=D1).value == Decimal(1000)


def test_the_commit_step_reads_the_text_again(client, joint_project, member, tickets):
    client.force_login(member.user)
    tampered = csv_text(f"Tickets,{D1.isoformat()},5,,", f"Tickets,{D2.isoformat()},-5,,")
    response = client.post(import_url(joint_project), {"step": "commit", "csv_text": tampered})
    assert response.status_code == 400
    assert "line 3: " in response.content.decode()
    assert not CheckIn.objects.exists()


def test_finnish_members_import_with_decimal_commas(client, joint_project, member, fcr):
    client.force_login(member.user)
    text = csv_text(
        f"First-contact resolution;{D1.day}.{D1.month}.{D1.year};66,5;korkea;",
        header="metric;date;value;confidence;note",
    )
    headers = {"Accept-Language": "fi"}
    response = client.post(
        import_url(joint_project), {"step": "preview", "text": text}, headers=headers
    )
    assert response.context["preview"].errors == []
    assert "66,5" in response.content.decode()
    response = client.post(
        import_url(joint_project), {"step": "commit", "csv_text": text}, headers=headers
    )
    assert response.status_code == 302
    assert CheckIn.objects.get().value == Decimal("66.5")


def test_oversized_uploads_are_refused_next_to_the_field(client, joint_project, member, tickets):
    client.force_login(member.user)
    big = (GOOD + "x" * (1024 * 1024)).encode()
    upload = SimpleUploadedFile("big.csv", big, content_type="text/csv")
    response = client.post(import_url(joint_project), {"step": "preview", "file": upload})
    assert response.status_code == 400
    assert "larger than 1 MB" in response.context["form"].errors["file"][0]
    assert "preview" not in response.context


def test_non_utf8_uploads_are_refused(client, joint_project, member, tickets):
    client.force_login(member.user)
    upload = SimpleUploadedFile("latin1.csv", "metric,date,value\nTäs,,\n".encode("latin-1"))
    response = client.post(import_url(joint_project), {"step": "preview", "file": upload})
    assert response.status_code == 400
    assert "UTF-8" in response.context["form"].errors["file"][0]


def test_viewers_cannot_import(client, joint_project, tickets):
    client.force_login(PersonFactory().user)
    assert client.get(import_url(joint_project)).status_code == 403
    response = client.post(import_url(joint_project), {"step": "commit", "csv_text": GOOD})
    assert response.status_code == 403
    assert client.get(import_url(joint_project) + "template/").status_code == 403
    assert not CheckIn.objects.exists()


def test_the_template_lists_the_projects_metrics(client, joint_project, member, fcr, tickets):
    client.force_login(member.user)
    response = client.get(import_url(joint_project) + "template/")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    preview_text = text.replace(",,medium,", ",1,medium,")  # filled in, it imports as is
    assert text.splitlines()[0] == "\ufeffmetric,date,value,confidence,note"
    assert f"Tickets,{TODAY.isoformat()},,medium," in text
    preview = read_check_in_rows(text=preview_text, project=joint_project, language="en")
    assert preview.errors == []
    assert {row.metric for row in preview.rows} == {fcr, tickets}


def test_preview_queries_do_not_grow_with_rows(
    client, joint_project, member, lead, fcr, tickets, django_assert_max_num_queries
):
    check_in(metric=tickets, author=lead, day=D1, value=Decimal(900))
    client.force_login(member.user)

    def lines(count):
        days = [TODAY - datetime.timedelta(days=n) for n in range(1, count // 2 + 1)]
        return csv_text(
            *(f"{metric.name},{day.isoformat()},{n}" for n, day in enumerate(days)
              for metric in (fcr, tickets)),
            header="metric,date,value",
        )  # fmt: skip

    client.post(import_url(joint_project), {"step": "preview", "text": lines(10)})  # warm up
    counts = []
    for count in (10, 100):
        with django_assert_max_num_queries(20) as captured:
            response = client.post(
                import_url(joint_project), {"step": "preview", "text": lines(count)}
            )
        assert len(response.context["preview"].rows) == count
        assert response.context["preview"].replaced_count == 1
        counts.append(len(captured))
    assert counts[0] == counts[1]

"""The CSV import page: a clean file invites everyone; any bad row refuses the whole file, naming every bad line."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accessprogram.models import AuditEvent, Invitation
from accessprogram.services.context import Actor
from accessprogram.services.invitations import MAX_BATCH_ROWS, invitation_create

URL = reverse("accessprogram:invitation_import")


def _upload(client, content: bytes | str, mail_callbacks, name="invitations.csv", **fields):
    if isinstance(content, str):
        content = content.encode()
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "expires_in_days": 14, **fields}
    with mail_callbacks(execute=True):
        return client.post(URL, data)


def test_it_shows_the_upload_form(as_admin):
    assert as_admin.get(URL).status_code == 200


def test_it_refuses_non_admins(as_reviewer, as_artist, cohort, django_capture_on_commit_callbacks):
    for client in (as_reviewer, as_artist):
        response = _upload(
            client, "email,role,cohort\nx@vernissage.test,artist,Founding artists\n", django_capture_on_commit_callbacks
        )
        assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@vernissage.test").exists()


def test_it_imports_a_clean_file_and_mails_everyone(
    as_admin, cohort, other_cohort, mailoutbox, django_capture_on_commit_callbacks
):
    content = (
        "email,role,cohort\n"
        "one@vernissage.test,artist,Founding artists\n"
        "Two@Vernissage.test,red-teamer,red team\n"
        "three@vernissage.test,creative_partner,Founding artists\n"
        "staff@vernissage.test,reviewer,\n"
    )

    response = _upload(as_admin, content, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    invited = {i.email: (i.role, i.cohort) for i in Invitation.objects.filter(invited_by__email="ada@vernissage.test")}
    assert invited == {
        "one@vernissage.test": ("artist", cohort),
        "two@vernissage.test": ("red_teamer", other_cohort),
        "three@vernissage.test": ("creative_partner", cohort),
        "staff@vernissage.test": ("reviewer", None),
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted(invited)
    assert AuditEvent.objects.filter(action="invitation.batch_imported").latest("id").details == {"count": 4}


def test_it_uses_the_default_role_and_cohort_for_rows_without_them(
    as_admin, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    response = _upload(
        as_admin,
        "\ufeffEmail\none@vernissage.test\ntwo@vernissage.test\n",
        django_capture_on_commit_callbacks,
        default_role="artist",
        default_cohort=cohort.pk,
    )

    assert response.status_code == 302
    assert set(Invitation.objects.filter(cohort=cohort, role="artist").values_list("email", flat=True)) >= {
        "one@vernissage.test",
        "two@vernissage.test",
    }
    assert len(mailoutbox) == 2


def test_it_reports_every_bad_row_and_imports_nothing(
    as_admin, cohort, artist, mailoutbox, django_capture_on_commit_callbacks
):
    invitation_create(actor=Actor.system(), email="pending@vernissage.test", role="artist", cohort=cohort, send=False)
    before = Invitation.objects.count()
    content = (
        "email,role,cohort\n"  # line 1
        "good@vernissage.test,artist,Founding artists\n"  # line 2: fine
        "not-an-email,artist,Founding artists\n"  # line 3: bad e-mail
        "who@vernissage.test,artist,Nowhere\n"  # line 4: unknown cohort
        "what@vernissage.test,wizard,Founding artists\n"  # line 5: unknown role
        "good@vernissage.test,artist,Founding artists\n"  # line 6: duplicate of line 2
        "pending@vernissage.test,artist,Founding artists\n"  # line 7: already pending
        f"{artist.email},artist,Founding artists\n"  # line 8: already has an account
        "lonely@vernissage.test,artist,\n"  # line 9: tester without cohort
    )

    response = _upload(as_admin, content, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    problems = dict(response.context["problems"])
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9]
    assert "not a valid e-mail" in problems[3]
    assert "unknown cohort" in problems[4]
    assert "unknown role" in problems[5]
    assert "duplicate of line 2" in problems[6]
    assert "pending invitation" in problems[7]
    assert "already has an account" in problems[8]
    assert "need a cohort" in problems[9]
    assert "nothing was imported" in response.context["form"].errors["file"][0]
    page = response.content.decode()
    assert all(f"<td>{line}</td>" in page for line in problems)
    assert Invitation.objects.count() == before
    assert mailoutbox == []


def test_it_reports_the_physical_line_number_after_blank_lines(as_admin, cohort, django_capture_on_commit_callbacks):
    content = "email,role,cohort\n\nok@vernissage.test,artist,Founding artists\n\nbad,artist,Founding artists\n"

    response = _upload(as_admin, content, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert [line for line, _ in response.context["problems"]] == [5]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("email\nj\u00e9r\u00f4me@vernissage.test\n".encode("latin-1"), "not UTF-8", id="not-utf8"),
        pytest.param(b"\xff\xfe\x00e\x00m\x00a\x00i\x00l", "not UTF-8", id="utf16"),
        pytest.param("noor@vernissage.test,artist,Founding artists\n", "header", id="missing-header"),
        pytest.param("role,cohort\nartist,Founding artists\n", "header", id="no-email-column"),
        pytest.param("email,role,cohort\n", "no invitations", id="header-only"),
        pytest.param("email,role,cohort\n\n\n", "no invitations", id="blank-rows-only"),
        pytest.param(b"", "empty", id="empty-file"),
        pytest.param('email\n"' + "a" * 200_000 + '"\n', "CSV", id="field-too-large-for-csv"),
    ],
)
def test_it_refuses_an_unreadable_file_with_a_form_error(
    as_admin, cohort, content, message, mailoutbox, django_capture_on_commit_callbacks
):
    before = Invitation.objects.count()

    response = _upload(as_admin, content, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert Invitation.objects.count() == before
    assert mailoutbox == []


def test_it_refuses_a_file_over_one_megabyte(as_admin, cohort, django_capture_on_commit_callbacks):
    row = "someone@vernissage.test,artist,Founding artists\n"
    content = "email,role,cohort\n" + row * (1024 * 1024 // len(row) + 1)

    response = _upload(as_admin, content, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB."]


def test_it_refuses_more_rows_than_a_batch_allows(as_admin, cohort, django_capture_on_commit_callbacks):
    rows = "".join(f"p{n}@vernissage.test,artist,Founding artists\n" for n in range(MAX_BATCH_ROWS + 1))
    before = Invitation.objects.count()

    response = _upload(as_admin, "email,role,cohort\n" + rows, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "Too many rows" in response.context["problems"][-1][1]
    assert Invitation.objects.count() == before


def test_it_refuses_a_missing_file(as_admin):
    response = as_admin.post(URL, {"expires_in_days": 14})

    assert response.status_code == 400
    assert "file" in response.context["form"].errors

"""Files of a type the importer does not read are refused with a message that says what to use."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from annotations.models import Article

pytestmark = pytest.mark.django_db

MESSAGE = "Unsupported file type '.csv'; use .txt, .json or .jsonl."


def test_command_names_the_unsupported_type_and_the_ones_it_reads(tmp_path, capsys):
    path = tmp_path / "articles.csv"
    path.write_text("title,body\nA,B\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_articles", str(path))
    assert f"{path}:0: file: {MESSAGE}" in capsys.readouterr().err
    assert not Article.objects.exists()


def test_upload_page_shows_the_message_beside_the_file_field(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("articles.csv", b"title,body\nA,B\n", content_type="text/csv")
    response = client.post("/articles/add/", {"file": upload})
    assert response.status_code == 200
    assert [(error["field"], error["message"]) for error in response.context["errors"]] == [("file", MESSAGE)]
    assert not Article.objects.exists()

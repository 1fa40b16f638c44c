import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.test import RequestFactory

from showcase.enums import FileKind
from showcase.uploads import (
    DEFAULT_MAX_UPLOAD_BYTES,
    SizeLimitUploadHandler,
    display_name,
    sniff,
    submission_upload_to,
    validate_upload,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
PDF = b"%PDF-1.4\n" + b"0" * 32


@pytest.mark.parametrize(
    ("content", "name", "kind", "content_type"),
    [
        (PNG, "poster.png", FileKind.IMAGE, "image/png"),
        (PNG, "POSTER.PNG", FileKind.IMAGE, "image/png"),
        (JPEG, "photo.jpg", FileKind.IMAGE, "image/jpeg"),
        (JPEG, "photo.jpeg", FileKind.IMAGE, "image/jpeg"),
        (WEBP, "shot.webp", FileKind.IMAGE, "image/webp"),
        (PDF, "slides.pdf", FileKind.PDF, "application/pdf"),
    ],
)
def test_validate_upload_accepts_images_and_pdfs_by_their_content(content, name, kind, content_type):
    # The browser's declared type is ignored: only the bytes decide.
    upload = SimpleUploadedFile(name, content, content_type="application/x-evil")

    found = validate_upload(upload)

    assert (found.kind, found.content_type) == (kind, content_type)
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.png", "type"),
        (b"<html><script>alert(1)</script></html>", "page.pdf", "type"),
        (b"GIF89a" + b"\x00" * 20, "anim.gif", "type"),
        (b"MZ\x90\x00" + b"\x00" * 20, "setup.png", "type"),
        (b"PK\x03\x04" + b"\x00" * 20, "slides.pdf", "type"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "sound.webp", "type"),
        (PNG, "poster.pdf", "extension"),
        (PDF, "slides.png", "extension"),
        (JPEG, "photo", "extension"),
        (PNG, "poster.png.exe", "extension"),
        (b"", "empty.png", "empty"),
    ],
)
def test_validate_upload_refuses_what_is_not_what_it_says(content, name, code):
    upload = SimpleUploadedFile(name, content, content_type="image/png")

    with pytest.raises(ValidationError) as error:
        validate_upload(upload)

    assert error.value.code == code


def test_validate_upload_refuses_a_file_over_the_limit(settings):
    settings.SHOWCASE_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("poster.png", PNG + b"\x00" * 100)

    with pytest.raises(ValidationError) as error:
        validate_upload(upload)

    assert error.value.code == "too_large"
    assert "100\xa0bytes" in error.value.messages[0]


def test_the_default_limit_is_ten_megabytes():
    assert DEFAULT_MAX_UPLOAD_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG[:16], "image/png"),
        (JPEG[:16], "image/jpeg"),
        (WEBP[:16], "image/webp"),
        (PDF[:16], "application/pdf"),
        (b"", None),
        (b"RIFF", None),
    ],
)
def test_sniff(head, expected):
    found = sniff(head)

    assert (found.content_type if found else None) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("poster.png", "poster.png"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\slides.pdf", "slides.pdf"),
        ('my "best" slides.pdf', "my _best_ slides.pdf"),
        ("résumé.pdf", "résumé.pdf"),
        ("\r\n.pdf", "pdf"),
        ("a\r\nb.pdf", "a_b.pdf"),
        ("", "file"),
        ("...", "file"),
    ],
)
def test_display_name_keeps_no_path_and_no_header_breaking_characters(name, expected):
    assert display_name(name) == expected


def test_stored_names_are_random_and_keep_only_known_extensions():
    class Instance:
        showcase_id = 1

        class showcase:
            cohort_id = 7

    first = submission_upload_to(Instance, "poster.PNG")
    second = submission_upload_to(Instance, "poster.PNG")
    odd = submission_upload_to(Instance, "evil.php")

    assert first.startswith("showcase/7/") and first.endswith(".png")
    assert first != second
    assert odd.startswith("showcase/7/") and "." not in odd.rsplit("/", 1)[1]


def test_size_limit_handler_skips_a_large_file_and_says_so():
    request = RequestFactory().post("/")
    handler = SizeLimitUploadHandler(request, limit=10)
    handler.new_file("file", "big.png", "image/png", 20)

    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"1234567890", 5)

    assert request.skipped_uploads == ["file"]


def test_size_limit_handler_counts_each_file_apart():
    request = RequestFactory().post("/")
    handler = SizeLimitUploadHandler(request, limit=10)
    handler.new_file("first", "a.png", "image/png", 8)
    handler.receive_data_chunk(b"12345678", 0)
    handler.new_file("second", "b.png", "image/png", 8)

    assert handler.receive_data_chunk(b"12345678", 0) == b"12345678"
    assert getattr(request, "skipped_uploads", []) == []


def test_validate_upload_reads_only_the_first_bytes():
    class Tracking(io.BytesIO):
        largest = 0

        def read(self, size=-1):
            Tracking.largest = max(Tracking.largest, size)
            return super().read(size)

    upload = SimpleUploadedFile("poster.png", PNG)
    upload.file = Tracking(PNG)

    validate_upload(upload)

    assert Tracking.largest == 16

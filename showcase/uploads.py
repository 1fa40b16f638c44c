"""Files mentees attach to their showcase submission: an image (PNG, JPEG, WebP) or a PDF.

What a file is comes from its first bytes, never from its name or from the browser's
declared type alone: a script renamed ``poster.png`` is refused. The name's extension must
agree with the content, so that nobody downloads a PDF called ``photo.jpg``. Files are
stored through Django's default storage (a local folder or object storage alike) under a
random name; the name the mentee chose is kept only for display and downloads.

An upload above the limit is skipped while it streams in (``SizeLimitUploadHandler``), so
that a huge file is never written to disk or held in memory.
"""

import os
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .enums import FileKind

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "SHOWCASE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    extensions: tuple[str, ...]


PNG = FileType(FileKind.IMAGE, "image/png", (".png",))
JPEG = FileType(FileKind.IMAGE, "image/jpeg", (".jpg", ".jpeg"))
WEBP = FileType(FileKind.IMAGE, "image/webp", (".webp",))
PDF = FileType(FileKind.PDF, "application/pdf", (".pdf",))
ACCEPTED_TYPES = (PNG, JPEG, WEBP, PDF)
ACCEPT_ATTRIBUTE = ",".join(t.content_type for t in ACCEPTED_TYPES)
CONTENT_TYPES = {t.content_type: t for t in ACCEPTED_TYPES}

SNIFF_BYTES = 16


def sniff(head: bytes) -> FileType | None:
    """The type the first bytes of a file announce, or None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


def display_name(name: str) -> str:
    """The chosen file name without any folder part or characters that could break a
    Content-Disposition header, and never empty."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    return base[-120:] or "file"


def validate_upload(upload) -> FileType:
    """Check size, content and name of an uploaded file; return its type.

    Raises ValidationError with a message for the mentee. The file is rewound afterwards.
    """
    limit = max_upload_bytes()
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise ValidationError(
            _("Attach a PNG, JPEG or WebP image, or a PDF document. This file is none of them."), code="type"
        )
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in found.extensions:
        raise ValidationError(
            _("The file's name ends in “%(extension)s” but it contains a %(kind)s; rename it to end in “%(expected)s”.")
            % {"extension": extension or _("nothing"), "kind": found.content_type, "expected": found.extensions[0]},
            code="extension",
        )
    return found


def submission_upload_to(instance, filename: str) -> str:
    """A random name in a folder per cohort: stored names can neither be guessed nor
    chosen by the uploader, and an upload never overwrites another."""
    extension = os.path.splitext(filename)[1].lower()
    if extension not in {ext for t in ACCEPTED_TYPES for ext in t.extensions}:
        extension = ""
    cohort_id = instance.showcase.cohort_id if instance.showcase_id else "unknown"
    return f"showcase/{cohort_id}/{uuid.uuid4().hex}{extension}"


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips any uploaded file larger than the limit while it is received, and marks the
    request so that the form can say why the file is missing."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit if limit is not None else max_upload_bytes()
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            skipped = getattr(self.request, "skipped_uploads", None)
            if skipped is None:
                skipped = self.request.skipped_uploads = []
            if self.field_name not in skipped:
                skipped.append(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None

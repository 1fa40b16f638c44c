"""Application answers in a CSV import: the extra columns of a file (a form service's export)
mapped to the cohort's application questions.

The upload is kept as an ImportUpload while the coordinator maps each extra column to a
question of each application questionnaire, or ignores it (the mapping is guessed from the
header's text), and sees a preview of the first rows and every row whose answers do not fit.
Confirming turns it into an ImportJob with the mapping; its worker places the mentors and
mentees in the cohort at once (an account without a password for whoever has none, an
accepted enrollment, the answers as submitted application responses), so that they can be
matched before they sign in. The questions and the checking of answers belong to the
questionnaires app, reached through ``cohorts.hooks.answer_import``.
"""

import csv
import difflib
import io
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mentorship.models import User

from ..enums import ParticipantRole
from ..hooks import ImportQuestion, answer_import
from ..models import Cohort, ImportJob, ImportUpload, Invitation
from ..phases import require_phase
from .enrollment import enrollments_create_imported
from .invitations import invitation_check_fields

PREVIEW_ROWS = 5
# The file's problems listed before the import (the rest are counted).
PROBLEMS_LISTED = 200
KNOWN_COLUMNS = ("name", "email", "role", "capacity")
ANSWER_ROLES = (ParticipantRole.MENTOR, ParticipantRole.MENTEE)
GUESS_CUTOFF = 0.75
# Words that say nothing about which question a header means.
FILLER = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "do",
        "for",
        "how",
        "in",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "which",
        "who",
        "you",
        "your",
    ]
)


@dataclass(frozen=True)
class Column:
    index: int
    header: str


@dataclass
class PreviewRow:
    row: int
    name: str
    email: str
    role: str
    # (column header, what the answer will read, or the reason it does not fit)
    cells: list[tuple[str, str, bool]] = field(default_factory=list)


@dataclass
class Preview:
    columns: list[Column]
    rows: list[PreviewRow]
    # [{"row": 3, "email": ..., "reason": ...}] for the whole file
    problems: list[dict]
    problem_rows: int
    duplicates: list[str]
    total_rows: int


def _parse(content: str) -> tuple[list[str], list[list[str]]]:
    from .imports import csv_read_header  # noqa: PLC0415 -- imports uses this module

    columns = csv_read_header(content)
    reader = csv.reader(io.StringIO(content))
    next(reader)
    return columns, list(reader)


def extra_columns(content: str) -> list[Column]:
    """The columns beyond name, email, role and capacity, in the file's order."""
    from .imports import csv_read_header  # noqa: PLC0415 -- imports uses this module

    columns = csv_read_header(content)
    header = next(csv.reader(io.StringIO(content)))
    return [
        Column(index, header[index].strip().lstrip("\ufeff") or _("Column %(n)d") % {"n": index + 1})
        for index, name in enumerate(columns)
        if name not in KNOWN_COLUMNS
    ]


def import_questions(cohort: Cohort) -> list[ImportQuestion]:
    hooks = answer_import()
    return hooks.questions(cohort) if hooks is not None else []


def groups_of(questions: list[ImportQuestion]) -> list[tuple[int, str, tuple[str, ...]]]:
    """(questionnaire id, title, roles) of each application questionnaire, in order."""
    seen: dict[int, tuple[int, str, tuple[str, ...]]] = {}
    for question in questions:
        seen.setdefault(question.group_id, (question.group_id, question.group, question.roles))
    return list(seen.values())


def _words(text: str) -> str:
    return " ".join(slugify(text or "").replace("_", "-").split("-"))


def _likeness(header: str, text: str) -> float:
    if not header or not text:
        return 0.0
    if header == text:
        return 1.0
    ratio = difflib.SequenceMatcher(None, header, text).ratio()
    fewer, more = sorted((set(header.split()) - FILLER, set(text.split()) - FILLER), key=len)
    if fewer and len("".join(fewer)) >= 4 and fewer <= more:
        # Every word of one is in the other: the closer in length, the likelier.
        ratio = max(ratio, 0.75 + 0.25 * len(fewer) / len(more))
    return ratio


def mapping_guess(columns: list[Column], questions: list[ImportQuestion]) -> list[dict]:
    """For each column and questionnaire, the question whose text (or key) reads most like
    the column's header, if one is close enough; the likeliest pairs are taken first, and a
    question gets one column at most."""
    candidates = []
    for column in columns:
        header = _words(column.header)
        for question in questions:
            score = max(_likeness(header, _words(question.text)), _likeness(header, _words(question.key)))
            if score >= GUESS_CUTOFF:
                candidates.append((-score, column.index, question.id, column, question))
    candidates.sort(key=lambda c: c[:3])
    taken_columns, taken_questions, guessed = set(), set(), []
    for _score, _index, _id, column, question in candidates:
        if (column.index, question.group_id) in taken_columns or question.id in taken_questions:
            continue
        taken_columns.add((column.index, question.group_id))
        taken_questions.add(question.id)
        guessed.append({"column": column.index, "header": column.header, "question": question.id})
    return sorted(guessed, key=lambda e: e["column"])


def mapping_check(*, columns: list[Column], questions: list[ImportQuestion], mapping: list[dict]) -> list[dict]:
    """The mapping, as stored: each column to at most one question per questionnaire, each
    question fed by at most one column; anything else is refused with the reason."""
    by_id = {q.id: q for q in questions}
    headers = {c.index: c.header for c in columns}
    checked, fed, pairs = [], {}, set()
    for entry in mapping:
        column, question = entry.get("column"), by_id.get(entry.get("question"))
        if column not in headers or question is None:
            raise ValidationError(_("The mapping names a column or a question that is not there; start again."))
        if (column, question.group_id) in pairs:
            raise ValidationError(
                _("Column “%(column)s” is mapped twice in %(group)s.")
                % {"column": headers[column], "group": question.group}
            )
        if question.id in fed:
            raise ValidationError(
                _("“%(question)s” is fed by two columns (“%(a)s” and “%(b)s”); keep one.")
                % {"question": question.text, "a": headers[fed[question.id]], "b": headers[column]}
            )
        pairs.add((column, question.group_id))
        fed[question.id] = column
        checked.append({"column": column, "header": headers[column], "question": question.id})
    return checked


class RowAnswers:
    """Cleans the mapped cells of rows: the answers of a mentor or mentee, and the reasons
    of those that do not fit their question."""

    def __init__(self, cohort: Cohort, mapping: list[dict]):
        self.mapping = mapping
        hooks = answer_import()
        questions = {q.id: q for q in import_questions(cohort)} if mapping else {}
        self.roles = {
            entry["question"]: questions[entry["question"]].roles for entry in mapping if entry["question"] in questions
        }
        self.clean = hooks.cleaner(cohort, list(self.roles)) if hooks is not None and mapping else None

    def check(self, role: str, cells: list[str]) -> tuple[dict, list[tuple[dict, str]], list[tuple[dict, object]]]:
        """({question id: answer}, [(entry, reason)], [(entry, answer)]) for one row."""
        answers, problems, shown = {}, [], []
        if self.clean is None or role not in ANSWER_ROLES:
            return answers, problems, shown
        for entry in self.mapping:
            roles = self.roles.get(entry["question"])
            if roles is None or role not in roles:
                continue
            cell = cells[entry["column"]] if entry["column"] < len(cells) else ""
            try:
                answer = self.clean(entry["question"], cell)
            except ValidationError as error:
                problems.append((entry, " ".join(error.messages)))
            else:
                if answer is not None:
                    answers[entry["question"]] = answer
                shown.append((entry, answer))
        return answers, problems, shown


def answer_reason(problems: list[tuple[dict, str]]) -> str:
    return " ".join(
        _("“%(column)s”: %(reason)s") % {"column": entry["header"], "reason": reason} for entry, reason in problems
    )


def import_preview(*, cohort: Cohort, content: str, mapping: list[dict]) -> Preview:
    """What the import will do with the file, before anything is stored: the first rows with
    their answers as they will read, and every row whose name, address, role, capacity or
    answers cannot be taken (addresses already in the cohort are found by the import)."""
    from .imports import _parse_capacity  # noqa: PLC0415 -- imports uses this module

    columns, records = _parse(content)
    answers = RowAnswers(cohort, mapping)
    index = {name: columns.index(name) for name in KNOWN_COLUMNS if name in columns}
    rows, problems, first_seen, duplicates = [], [], {}, []
    problem_rows = total = 0
    for number, cells in enumerate(records, start=2):
        if not any(c.strip() for c in cells):
            continue
        total += 1

        def cell(name: str, cells=cells) -> str:
            position = index.get(name)
            return cells[position].strip() if position is not None and position < len(cells) else ""

        email, role = cell("email"), cell("role").lower()
        reasons = []
        try:
            email, _capacity = invitation_check_fields(
                cohort=cohort, email=email, role=role, capacity=_parse_capacity(cell("capacity"))
            )
        except ValidationError as error:
            reasons.append(" ".join(error.messages))
        else:
            if email in first_seen:
                reasons.append(_("%(email)s is also on row %(row)d.") % {"email": email, "row": first_seen[email]})
                duplicates.append(email)
            first_seen.setdefault(email, number)
        _found, bad, shown = answers.check(role, cells)
        if bad:
            reasons.append(answer_reason(bad))
        if reasons:
            problem_rows += 1
            if len(problems) < PROBLEMS_LISTED:
                problems.append({"row": number, "email": email, "reason": " ".join(reasons)})
        if len(rows) < PREVIEW_ROWS:
            shown_cells = [(entry["header"], getattr(a, "display", "") or "—", False) for entry, a in shown]
            shown_cells += [(entry["header"], reason, True) for entry, reason in bad]
            rows.append(PreviewRow(number, cell("name"), email, role, shown_cells))
    return Preview(
        columns=extra_columns(content),
        rows=rows,
        problems=problems,
        problem_rows=problem_rows,
        duplicates=sorted(set(duplicates)),
        total_rows=total,
    )


def import_upload_create(*, cohort: Cohort, by: User, filename: str, content: str) -> ImportUpload:
    """Keep a file whose extra columns are to be mapped (checked as an import's file is)."""
    from .imports import import_file_check  # noqa: PLC0415 -- imports uses this module

    import_file_check(cohort=cohort, content=content)
    # Uploads left unconfirmed by the same person are replaced: one at a time is enough.
    ImportUpload.objects.filter(cohort=cohort, created_by=by).delete()
    return ImportUpload.objects.create(cohort=cohort, created_by=by, filename=filename[:255], content=content)


@transaction.atomic
def import_upload_confirm(*, upload: ImportUpload, mapping: list[dict], by: User) -> ImportJob:
    """Start the import of an upload with its mapping. A file with answers must name each
    person once (whose answers would count is otherwise a guess): it is refused, and
    nothing changes, until it does.

    Side effects: queues the import job after commit; the upload is gone.
    """
    from .imports import import_job_create  # noqa: PLC0415 -- imports uses this module

    # Locked, so that of two confirmations at the same moment (a double click, two tabs) one
    # imports the file and the other finds it gone instead of importing it a second time.
    locked = ImportUpload.objects.select_for_update(of=("self",)).select_related("cohort").filter(pk=upload.pk).first()
    if locked is None:
        raise ValidationError(_("This file is already being imported; follow it on the import's page."), code="gone")
    upload = locked
    cohort = upload.cohort
    require_phase(cohort, "invite")
    mapping = mapping_check(columns=extra_columns(upload.content), questions=import_questions(cohort), mapping=mapping)
    if mapping:
        duplicates = import_preview(cohort=cohort, content=upload.content, mapping=[]).duplicates
        if duplicates:
            raise ValidationError(
                _(
                    "The file lists %(emails)s more than once. With answers, each person must appear once: "
                    "remove the extra rows and upload the file again."
                )
                % {"emails": ", ".join(duplicates[:10]) + ("…" if len(duplicates) > 10 else "")},
                code="duplicates",
            )
    job = import_job_create(cohort=cohort, by=by, filename=upload.filename, content=upload.content, mapping=mapping)
    upload.delete()
    return job


def enrol_with_answers(
    *, job: ImportJob, placed: list[tuple[Invitation, dict]], withdrawn: set[str]
) -> dict[int, dict]:
    """Place the mentors and mentees of new invitations in the cohort with their answers,
    in bulk: an account for whoever has none, an accepted enrollment, the answers that fit.
    Returns {index in ``placed``: problem} for the rows whose answers were not all taken.
    ``withdrawn`` holds the addresses of people who left the cohort: they are invited only."""
    cohort = job.cohort
    answers = RowAnswers(cohort, job.mapping)
    problems: dict[int, dict] = {}
    wanted = [(i, inv, row) for i, (inv, row) in enumerate(placed) if inv.role in ANSWER_ROLES]
    emails = {inv.email for _i, inv, _row in wanted}
    accounts = {u.address: u for u in User.objects.annotate(address=Lower("email")).filter(address__in=emails)}
    missing = [inv for _i, inv, _row in wanted if inv.email not in accounts]
    if missing:
        password = make_password(None)
        User.objects.bulk_create(
            [User(email=inv.email, full_name=inv.full_name, password=password) for inv in missing],
            batch_size=500,
            ignore_conflicts=True,
        )
        accounts.update((u.email, u) for u in User.objects.filter(email__in=[inv.email for inv in missing]))
    people, cleaned = [], []
    for index, invitation, row in wanted:
        found, bad, _shown = answers.check(invitation.role, row.get("cells", []))
        if invitation.email in withdrawn:
            if job.mapping:
                problems[index] = {
                    "reason": _("Invited, but the answers were not imported: this person left the cohort before."),
                    "answers": True,
                }
            continue
        if bad:
            problems[index] = {
                "reason": _("Invited without these answers: %(reasons)s") % {"reasons": answer_reason(bad)},
                "answers": True,
            }
        people.append((accounts[invitation.email], invitation.role, invitation.capacity))
        cleaned.append((invitation, found))
    enrollments = enrollments_create_imported(cohort=cohort, people=people, by=job.created_by, now=timezone.now())
    for (invitation, _found), enrollment in zip(cleaned, enrollments, strict=True):
        invitation.enrollment = enrollment
    hooks = answer_import()
    if hooks is not None:
        hooks.store(cohort, {e.pk: found for (_inv, found), e in zip(cleaned, enrollments, strict=True) if found})
    return problems

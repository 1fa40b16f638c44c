"""Each lifecycle has one owner module: the only code that changes the status of a pair, an
enrollment, a proposal or a meeting. Every other module (in its own app or another) calls
the owner's services, so that the rules of a change (locks, checks, emails, audit events)
live in one place.

The scan reads the source (it imports nothing) and reports every status write outside the
owner: an assignment to ``.status``, ``update(status=...)``, ``create``/``Model(...)`` with
a status, ``defaults={"status": ...}`` and ``bulk_update`` of the status field, when either
the value names one of the four status enums or the object written is named after one of
the four models (``pair.status = ...``, ``Pair.objects...update(status=...)``).

Left out on purpose: migrations, and the demo data (``demo.py``), which lays down rows in
the state a living cohort would have reached, without sending the mails a real change
sends; factories in tests do the same.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["mentorship", "cohorts", "questionnaires", "matching", "meetings", "showcase"]

# lifecycle: (the owner module, the status enum, the names that stand for the model)
LIFECYCLES = {
    "pair": ("cohorts/services/pairs.py", "PairStatus", ("pair",)),
    "enrollment": ("cohorts/services/enrollment.py", "EnrollmentStatus", ("enrollment",)),
    "proposal": ("matching/services/review.py", "ProposalStatus", ("proposal",)),
    "meeting": ("meetings/services/scheduling.py", "MeetingStatus", ("meeting",)),
    "group meeting": ("meetings/services/groups.py", "GroupMeetingStatus", ("group",)),
}


def _names_in(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute):
            names.add(child.attr)
    return names


def _root_name(node: ast.AST) -> str:
    """The name a chain of attributes and calls starts from: ``Pair`` for
    ``Pair.objects.filter(...).update``, ``enrollment`` for ``enrollment.pairs_as_mentor``."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return ""


def _chain_names(node: ast.AST) -> list[str]:
    """Every name along a chain of attributes and calls (``enrollment``, ``pairs_as_mentee``, ...)."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def _lifecycles_named(names, value: ast.AST | None) -> set[str]:
    """The lifecycles a write concerns: by the objects' names or by the enum in the value."""
    found = set()
    value_names = _names_in(value) if value is not None else set()
    for lifecycle, (_owner, enum, words) in LIFECYCLES.items():
        if enum in value_names:
            found.add(lifecycle)
        for name in names:
            key = name.lower().replace("_", "")
            if any(word in key for word in words):
                found.add(lifecycle)
    return found


def _status_value(call: ast.Call) -> ast.AST | None:
    """The status a call writes: ``status=...`` or ``defaults={"status": ...}``, or the field
    list of ``bulk_update(objs, ["status", ...])``."""
    for keyword in call.keywords:
        if keyword.arg == "status":
            return keyword.value
        if keyword.arg in ("defaults", "create_defaults") and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "status":
                    return value
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "bulk_update":
        fields = (
            call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "fields"), None)
        )
        if fields is not None and any(isinstance(n, ast.Constant) and n.value == "status" for n in ast.walk(fields)):
            return fields
    return None


MODELS = {"Pair", "Enrollment", "Proposal", "Meeting", "GroupMeeting"}
WRITING_CALLS = {"update", "create", "get_or_create", "update_or_create", "bulk_update"}


def status_writes(source: str) -> list[tuple[int, set[str]]]:
    """(line, lifecycles) of every write of a lifecycle status in the source."""
    writes = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(element, ast.Attribute) and element.attr == "status":
                        lifecycles = _lifecycles_named(_chain_names(element.value), node.value)
                        if lifecycles:
                            writes.append((node.lineno, lifecycles))
        elif isinstance(node, ast.Call):
            func = node.func
            is_writing_call = isinstance(func, ast.Attribute) and func.attr in WRITING_CALLS
            # A model built with its status: Pair(..., status=...).
            is_constructor = isinstance(func, ast.Name) and func.id in MODELS
            if not (is_writing_call or is_constructor):
                continue
            value = _status_value(node)
            if value is None:
                continue
            names = _chain_names(func.value) if isinstance(func, ast.Attribute) else [func.id]
            lifecycles = _lifecycles_named(names, value)
            if lifecycles:
                writes.append((node.lineno, lifecycles))
    return writes


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or path.name == "demo.py":
                continue
            yield relative, path.read_text()


def test_only_the_owner_module_writes_a_lifecycle_status():
    strays = []
    for relative, source in _modules():
        for line, lifecycles in status_writes(source):
            for lifecycle in sorted(lifecycles):
                owner = LIFECYCLES[lifecycle][0]
                if relative != owner:
                    strays.append(f"{relative}:{line} writes a {lifecycle}'s status; call {owner} instead")

    assert strays == []


def test_every_owner_module_exists_and_writes_its_status():
    for lifecycle, (owner, _enum, _words) in LIFECYCLES.items():
        writes = status_writes((ROOT / owner).read_text())

        assert any(lifecycle in found for _line, found in writes), owner


@pytest.mark.parametrize(
    "source",
    [
        "pair.status = PairStatus.GRADUATED",
        "pair.status = 'graduated'",
        "locked.status = PairStatus.ENDED",
        "Pair.objects.filter(pk=1).update(status=PairStatus.GRADUATED)",
        "Pair.objects.filter(pk=1).update(status='ended')",
        "enrollment.pairs_as_mentee.filter(status='active').update(status='ended')",
        "Enrollment.objects.update_or_create(cohort=c, user=u, defaults={'status': EnrollmentStatus.ACCEPTED})",
        "Enrollment.objects.create(cohort=c, user=u, status='accepted')",
        "existing.role, existing.status = role, EnrollmentStatus.APPLIED",
        "Proposal.objects.filter(pk__in=ids).update(status=ProposalStatus.SUPERSEDED)",
        "proposal.status = outcome",
        "Meeting(pair=pair, status=MeetingStatus.PROPOSED)",
        "meeting.status = outcome",
        "Meeting.objects.bulk_update(meetings, ['status', 'sequence'])",
    ],
)
def test_the_scan_sees_status_writes(source):
    assert status_writes(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "Pair.objects.filter(status=PairStatus.ACTIVE).count()",
        "invitation.status = InvitationStatus.ACCEPTED",
        "goal.status = status",
        "response.status = ResponseStatus.SUBMITTED",
        "run.status = MatchRunStatus.SUCCEEDED",
        "pair.refresh_from_db(fields=['status'])",
        "Proposal.objects.filter(pk=1).update(published_at=now)",
        "if pair.status == PairStatus.ACTIVE: pass",
        "Q(status=ProposalStatus.PENDING) | Q(status=ProposalStatus.APPROVED)",
        "Count('pk', filter=Q(status=MeetingStatus.HELD))",
    ],
)
def test_the_scan_leaves_reads_and_other_statuses_alone(source):
    assert status_writes(source) == []

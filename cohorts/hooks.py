"""Where apps that depend on cohorts plug into it, so that cohorts never imports them.

Each app registers its callables in its AppConfig.ready():

- phase checks: ``register_phase_check(func)``; ``func(cohort, target_phase) -> list[Blocker]``
  says what must be done before the cohort may move to ``target_phase`` (for example: no
  application questionnaire yet). An empty list means nothing blocks.
- next steps: ``register_next_steps(func)``; ``func(enrollment) -> list[NextStep]`` for the
  participant's home (fill the questionnaire, meet your mentor, ...).
- cohort sections: ``register_cohort_section(func)``; ``func(cohort, user) -> list[Section]``
  for the links on the cohort page (questionnaires, matching, pairs, showcase, ...); each
  function checks the user's permission itself and returns nothing the user may not open.
- dashboard panels: ``register_dashboard_panel(func)``; ``func(cohort, request) -> Panel | None``
  for the coordinator's dashboard (pair health, ...): a template and its context.
- pair health: ``register_pair_health(func)``; ``func(pair) -> PairHealth`` for a pair being
  created (no meetings yet), so that a pair is stored with its health from the start (the
  meetings app decides health and keeps it up to date afterwards). Without one: on track.
- audience segments: ``register_segment(Segment(...))``; the people an announcement can be
  sent to (pairs at risk, people who have not answered a questionnaire, ...): ``people(cohort,
  option)`` returns their user ids (a query of ids, or a set); ``options(cohort)`` lists the
  choices a segment needs (which questionnaire).
- imported answers: ``register_answer_import(AnswerImport(...))``; how the CSV import takes
  extra columns as answers to the cohort's application questions (the questionnaires app):
  ``questions(cohort)`` lists them (``ImportQuestion``); ``cleaner(cohort, question_ids)``
  returns ``clean(question_id, raw) -> answer or None`` raising ValidationError with the
  reason; ``store(cohort, answers)`` stores ``{enrollment id: {question id: answer}}`` as
  application responses; ``review_url(enrollment)`` is where a person who accepted checks them.
- cohort areas: ``register_cohort_area(CohortArea(...))``; one entry of the cohort bar shown
  on every page of a cohort (overview, people, questionnaires, ...): ``view_names`` are the
  pages that belong to the area (``"app:url-name"``), ``link(cohort, user)`` is where the
  area opens for that person, or None when they may not open it. A link function asks the
  rules predicates (cached per request) and costs at most a fixed number of queries.
- home to-dos: ``register_cohort_todos(func)``; ``func(cohorts, user) -> {cohort id:
  [Todo]}``: what waits for a coordinator in each of the cohorts given (applications to
  decide, pairs at risk, failed jobs, ...); ``register_cohort_figures(func)``; ``func(cohorts)
  -> {cohort id: [Figure]}``: a cohort's key figures for viewers; ``register_personal_todos(func)``;
  ``func(user) -> {cohort id: [Todo]}``: what waits for a person outside their own enrollment
  (proposals to vote on). Each function costs a fixed number of queries, whatever the number
  of cohorts, pairs or proposals.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Blocker:
    message: str
    count: int | None = None
    url: str | None = None
    # A warning is shown but does not stop the move.
    warning: bool = False


@dataclass(frozen=True)
class NextStep:
    title: str
    url: str | None = None
    done: bool = False
    due: object = None  # a date, if the step has one
    order: int = 50
    # A step may name itself (``key``) so that another app's step, more precise, takes its
    # place (``replaces``): one coherent next step instead of two that contradict each other.
    key: str = ""
    replaces: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    url: str
    description: str = ""
    order: int = 50


@dataclass(frozen=True)
class CohortArea:
    key: str
    title: str
    view_names: frozenset[str]
    link: Callable
    order: int = 50


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    # "danger" for what went wrong (a failed job), "warning" for what is late, else "info".
    level: str = "info"
    order: int = 50


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    url: str = ""
    order: int = 50


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    people: Callable
    options: Callable | None = None
    # Whether "mentors only" / "mentees only" applies (not to the subcommittee, say).
    by_role: bool = True
    order: int = 50


@dataclass(frozen=True)
class ImportQuestion:
    id: int
    text: str
    key: str
    # The questionnaire it belongs to, and the participant roles that questionnaire is for.
    group_id: int
    group: str
    roles: tuple[str, ...]
    type_label: str = ""
    # What an answer in the file may look like (the choices, a format).
    hint: str = ""


@dataclass(frozen=True)
class AnswerImport:
    questions: Callable
    cleaner: Callable
    store: Callable
    review_url: Callable


_answer_import: list[AnswerImport] = []
_phase_checks: list[Callable] = []
_segments: dict[str, Segment] = {}
_next_steps: list[Callable] = []
_sections: list[Callable] = []
_panels: list[Callable] = []
_pair_health: list[Callable] = []
_areas: dict[str, CohortArea] = {}
_cohort_todos: list[Callable] = []
_cohort_figures: list[Callable] = []
_personal_todos: list[Callable] = []


def _register(registry: list[Callable], func: Callable) -> Callable:
    if func not in registry:
        registry.append(func)
    return func


def register_phase_check(func: Callable) -> Callable:
    return _register(_phase_checks, func)


def register_next_steps(func: Callable) -> Callable:
    return _register(_next_steps, func)


def register_cohort_section(func: Callable) -> Callable:
    return _register(_sections, func)


def register_dashboard_panel(func: Callable) -> Callable:
    return _register(_panels, func)


def register_cohort_area(area: CohortArea) -> CohortArea:
    _areas[area.key] = area
    return area


def cohort_areas() -> list[CohortArea]:
    return sorted(_areas.values(), key=lambda a: (a.order, a.key))


def register_cohort_todos(func: Callable) -> Callable:
    return _register(_cohort_todos, func)


def register_cohort_figures(func: Callable) -> Callable:
    return _register(_cohort_figures, func)


def register_personal_todos(func: Callable) -> Callable:
    return _register(_personal_todos, func)


def _merge(funcs: list[Callable], *args) -> dict[int, list]:
    merged: dict[int, list] = {}
    for func in funcs:
        for cohort_id, items in func(*args).items():
            merged.setdefault(cohort_id, []).extend(items)
    return {pk: sorted(items, key=lambda i: i.order) for pk, items in merged.items()}


def cohort_todos(cohorts: list, user) -> dict[int, list[Todo]]:
    return _merge(_cohort_todos, cohorts, user) if cohorts else {}


def cohort_figures(cohorts: list) -> dict[int, list[Figure]]:
    return _merge(_cohort_figures, cohorts) if cohorts else {}


def personal_todos(user) -> dict[int, list[Todo]]:
    return _merge(_personal_todos, user)


def register_pair_health(func: Callable) -> Callable:
    _pair_health[:] = [func]
    return func


def new_pair_health(pair) -> str:
    from .enums import PairHealth  # noqa: PLC0415 -- this module is imported by apps' ready()

    return _pair_health[0](pair) if _pair_health else PairHealth.ON_TRACK


def register_segment(segment: Segment) -> Segment:
    _segments[segment.key] = segment
    return segment


def register_answer_import(answer_import: AnswerImport) -> AnswerImport:
    _answer_import[:] = [answer_import]
    return answer_import


def answer_import() -> AnswerImport | None:
    return _answer_import[0] if _answer_import else None


def segments() -> list[Segment]:
    return sorted(_segments.values(), key=lambda s: (s.order, s.key))


def segment(key: str) -> Segment | None:
    return _segments.get(key)


def phase_blockers(cohort, target_phase: str) -> list[Blocker]:
    return [b for check in _phase_checks for b in check(cohort, target_phase)]


def next_steps(enrollment) -> list[NextStep]:
    return sorted((s for func in _next_steps for s in func(enrollment)), key=lambda s: s.order)


def cohort_sections(cohort, user) -> list[Section]:
    return sorted((s for func in _sections for s in func(cohort, user)), key=lambda s: s.order)


def dashboard_panels(cohort, request) -> list[Panel]:
    panels = [func(cohort, request) for func in _panels]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


def job_failed_alert(sender, pk: int, reason: str, **kwargs) -> None:
    """``mentorship.jobs.job_failed``: a cohort's failed job goes to its chat channel."""
    from .services.chat import chat_alert_job_failed  # noqa: PLC0415 -- services import this module

    job = sender.objects.filter(pk=pk).first()
    if job is not None:
        chat_alert_job_failed(job=job, reason=reason)

"""The ready templates a new cohort starts from; coordinators adapt the copies.

Each template is plain data. ``services.templating`` turns one into a cohort's
questionnaire. Question keys are stable: other apps read some of them (``good_fit`` on
the match-feedback survey).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .enums import Audience, DateAnchor, Direction, Kind, MatchingKey, OffsetUnit, QuestionType, SendTrigger

T = QuestionType


@dataclass(frozen=True)
class Q:
    key: str
    text: str
    type: str
    help_text: str = ""
    required: bool = True
    sensitive: bool = False
    matching_key: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    max_choices: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    unit: str = ""
    scale_min_label: str = ""
    scale_max_label: str = ""
    section: str = ""


@dataclass(frozen=True)
class Rule:
    trigger: str
    phase: str = ""
    anchor: str = ""
    offset: int = 0
    unit: str = OffsetUnit.DAYS
    direction: str = Direction.AFTER


@dataclass(frozen=True)
class Template:
    key: str
    kind: str
    audience: str
    title: str
    intro: str
    questions: tuple[Q, ...]
    sections: tuple[tuple[str, str], ...] = ()
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    reminder_days: int | None = 7


CAREER_TRACKS = (
    ("backend", _("Backend engineering")),
    ("frontend", _("Frontend engineering")),
    ("mobile", _("Mobile engineering")),
    ("data", _("Data science and machine learning")),
    ("infrastructure", _("Infrastructure, DevOps and SRE")),
    ("security", _("Security")),
    ("product", _("Product management")),
    ("design", _("Design and UX")),
    ("quality", _("Quality and testing")),
    ("management", _("Engineering management")),
)
VALUES = (
    ("growth", _("Continuous learning")),
    ("balance", _("Work–life balance")),
    ("impact", _("Social impact")),
    ("craft", _("Technical craft")),
    ("inclusion", _("Diversity and inclusion")),
    ("leadership", _("Leadership")),
    ("entrepreneurship", _("Entrepreneurship")),
    ("community", _("Community and open source")),
)
DEPARTMENTS = (
    ("engineering", _("Engineering")),
    ("data", _("Data and analytics")),
    ("product", _("Product")),
    ("design", _("Design")),
    ("it", _("IT and operations")),
    ("security", _("Security")),
    ("research", _("Research")),
    ("other", _("Other")),
)
GOALS = (
    ("technical_skills", _("Technical skills")),
    ("career_plan", _("Career planning and promotion")),
    ("leadership", _("Leadership")),
    ("confidence", _("Confidence and visibility")),
    ("job_search", _("Changing jobs or roles")),
    ("network", _("Building a network")),
    ("balance", _("Work–life balance")),
)
MEETING_TIMES = (
    ("mornings", _("Weekday mornings")),
    ("afternoons", _("Weekday afternoons")),
    ("evenings", _("Weekday evenings")),
    ("weekends", _("Weekends")),
)
GENDER = (
    ("woman", _("Woman")),
    ("man", _("Man")),
    ("non_binary", _("Non-binary")),
    ("self_describe", _("I describe myself another way")),
    ("prefer_not", _("I prefer not to say")),
)
UNDER_REPRESENTED = (
    ("yes", _("Yes")),
    ("no", _("No")),
    ("prefer_not", _("I prefer not to say")),
)
AGE = (
    ("under_25", _("Under 25")),
    ("25_34", _("25–34")),
    ("35_44", _("35–44")),
    ("45_54", _("45–54")),
    ("55_plus", _("55 or over")),
    ("prefer_not", _("I prefer not to say")),
)

ABOUT_YOU = _("About you (optional)")
ABOUT_YOU_HELP = _(
    "These answers help us see whom the program reaches. Only the program's coordinators and its matching "
    "subcommittee see them; your mentor or mentee never does."
)


def _demographics() -> tuple[Q, ...]:
    return (
        Q(
            "gender",
            _("How do you describe your gender?"),
            T.SINGLE_CHOICE,
            required=False,
            sensitive=True,
            choices=GENDER,
            section=ABOUT_YOU,
        ),
        Q(
            "under_represented",
            _("Do you identify as part of a group under-represented in tech?"),
            T.SINGLE_CHOICE,
            required=False,
            sensitive=True,
            choices=UNDER_REPRESENTED,
            section=ABOUT_YOU,
        ),
        Q(
            "age_range",
            _("Your age range"),
            T.SINGLE_CHOICE,
            required=False,
            sensitive=True,
            choices=AGE,
            section=ABOUT_YOU,
        ),
    )


MATCHING = _("For matching")
PROGRAM = _("Your goals and availability")

MENTEE_APPLICATION = Template(
    key="mentee_application",
    kind=Kind.APPLICATION,
    audience=Audience.MENTEE,
    title=_("Mentee application"),
    intro=_(
        "Tell us about yourself and what you hope to get from the program. We use your answers to find you a mentor."
    ),
    sections=((MATCHING, ""), (PROGRAM, ""), (ABOUT_YOU, ABOUT_YOU_HELP)),
    rules=(Rule(SendTrigger.PHASE, phase="enrollment"),),
    questions=(
        Q(
            "career_track",
            _("Which career track do you want to grow in?"),
            T.SINGLE_CHOICE,
            matching_key=MatchingKey.CAREER_TRACK,
            choices=CAREER_TRACKS,
            section=MATCHING,
        ),
        Q(
            "time_zone",
            _("Which time zone do you live in?"),
            T.TIME_ZONE,
            matching_key=MatchingKey.GEOGRAPHY,
            help_text=_("We pair people whose working hours overlap."),
            section=MATCHING,
        ),
        Q("country", _("Which country do you live in?"), T.COUNTRY, section=MATCHING),
        Q(
            "values",
            _("Which values matter most to you at work?"),
            T.MULTIPLE_CHOICE,
            matching_key=MatchingKey.VALUES,
            choices=VALUES,
            max_choices=3,
            help_text=_("Choose up to three."),
            section=MATCHING,
        ),
        Q(
            "department",
            _("Which department do you work in, or want to work in?"),
            T.SINGLE_CHOICE,
            matching_key=MatchingKey.DEPARTMENT,
            choices=DEPARTMENTS,
            section=MATCHING,
        ),
        Q(
            "sub_department",
            _("Which team or sub-department?"),
            T.SHORT_TEXT,
            required=False,
            help_text=_("For example: payments backend, mobile platform."),
            section=MATCHING,
        ),
        Q(
            "years_experience",
            _("How many years have you worked in tech?"),
            T.NUMBER,
            matching_key=MatchingKey.SENIORITY,
            min_value=0,
            max_value=60,
            unit=_("years in tech"),
            help_text=_("Count study placements and internships as well. Zero is fine."),
            section=MATCHING,
        ),
        Q(
            "focus",
            _("What do you want to focus on with your mentor?"),
            T.MULTIPLE_CHOICE,
            matching_key="goals",
            choices=GOALS,
            max_choices=3,
            help_text=_("Choose up to three."),
            section=PROGRAM,
        ),
        Q(
            "program_goals",
            _("What are your goals for the program?"),
            T.LONG_TEXT,
            help_text=_("A few sentences: where you are now, and where you want to be in three months."),
            section=PROGRAM,
        ),
        Q(
            "hours_per_month",
            _("How many hours a month can you give to the program?"),
            T.NUMBER,
            min_value=1,
            max_value=40,
            unit=_("hours a month"),
            section=PROGRAM,
        ),
        Q("meeting_times", _("When can you usually meet?"), T.MULTIPLE_CHOICE, choices=MEETING_TIMES, section=PROGRAM),
        *_demographics(),
    ),
)

MENTOR_APPLICATION = Template(
    key="mentor_application",
    kind=Kind.APPLICATION,
    audience=Audience.MENTOR,
    title=_("Mentor application"),
    intro=_("Thank you for offering your time. Tell us what you can share, so that we pair you with the right mentee."),
    sections=((MATCHING, ""), (PROGRAM, ""), (ABOUT_YOU, ABOUT_YOU_HELP)),
    rules=(Rule(SendTrigger.PHASE, phase="enrollment"),),
    questions=(
        Q(
            "career_track",
            _("Which career track can you mentor in?"),
            T.SINGLE_CHOICE,
            matching_key=MatchingKey.CAREER_TRACK,
            choices=CAREER_TRACKS,
            section=MATCHING,
        ),
        Q(
            "time_zone",
            _("Which time zone do you live in?"),
            T.TIME_ZONE,
            matching_key=MatchingKey.GEOGRAPHY,
            help_text=_("We pair people whose working hours overlap."),
            section=MATCHING,
        ),
        Q("country", _("Which country do you live in?"), T.COUNTRY, section=MATCHING),
        Q(
            "values",
            _("Which values matter most to you at work?"),
            T.MULTIPLE_CHOICE,
            matching_key=MatchingKey.VALUES,
            choices=VALUES,
            max_choices=3,
            help_text=_("Choose up to three."),
            section=MATCHING,
        ),
        Q(
            "department",
            _("Which department do you work in?"),
            T.SINGLE_CHOICE,
            matching_key=MatchingKey.DEPARTMENT,
            choices=DEPARTMENTS,
            section=MATCHING,
        ),
        Q("sub_department", _("Which team or sub-department?"), T.SHORT_TEXT, required=False, section=MATCHING),
        Q(
            "years_experience",
            _("How many years have you worked in tech?"),
            T.NUMBER,
            matching_key=MatchingKey.SENIORITY,
            min_value=0,
            max_value=60,
            unit=_("years in tech"),
            section=MATCHING,
        ),
        Q(
            "focus",
            _("Where can you help most?"),
            T.MULTIPLE_CHOICE,
            matching_key="goals",
            choices=GOALS,
            max_choices=3,
            help_text=_("Choose up to three."),
            section=PROGRAM,
        ),
        Q("program_goals", _("What would you like to get from mentoring?"), T.LONG_TEXT, section=PROGRAM),
        Q(
            "hours_per_month",
            _("How many hours a month can you give to the program?"),
            T.NUMBER,
            min_value=1,
            max_value=40,
            unit=_("hours a month"),
            section=PROGRAM,
        ),
        Q("meeting_times", _("When can you usually meet?"), T.MULTIPLE_CHOICE, choices=MEETING_TIMES, section=PROGRAM),
        *_demographics(),
    ),
)

FIRST_MEETING = Template(
    key="first_meeting",
    kind=Kind.FIRST_MEETING,
    audience=Audience.BOTH,
    title=_("First-meeting guiding questions"),
    intro=_("Talk these through in your first meeting; they make the agenda of that meeting."),
    reminder_days=None,
    questions=(
        Q("want_from_program", _("What do you want to get out of this program?"), T.LONG_TEXT),
        Q("goals_focus", _("Which goals should we focus on first?"), T.LONG_TEXT),
        Q("improve", _("What does the mentee want to improve?"), T.LONG_TEXT),
        Q("offer_in_return", _("What can the mentee offer in return?"), T.LONG_TEXT, required=False),
        Q(
            "skills_kind",
            _("Are the goals about soft skills, hard skills, or both?"),
            T.SINGLE_CHOICE,
            choices=(("soft", _("Soft skills")), ("hard", _("Hard skills")), ("both", _("Both"))),
        ),
        Q(
            "meeting_frequency",
            _("How often should we meet?"),
            T.SINGLE_CHOICE,
            choices=(("weekly", _("Every week")), ("biweekly", _("Every two weeks")), ("monthly", _("Every month"))),
        ),
    ),
)

PRE_PROGRAM = Template(
    key="pre_program",
    kind=Kind.PRE_PROGRAM,
    audience=Audience.BOTH,
    title=_("Before the program"),
    intro=_("A short survey before we start, so that we can measure what the program changes."),
    rules=(Rule(SendTrigger.PHASE, phase="training"),),
    questions=(
        Q(
            "confidence",
            _("How confident do you feel about your next career step?"),
            T.SCALE,
            scale_min_label=_("Not at all"),
            scale_max_label=_("Very confident"),
        ),
        Q("expectations", _("What would make this program a success for you?"), T.LONG_TEXT),
    ),
)

CHECK_IN = Template(
    key="check_in",
    kind=Kind.CHECK_IN,
    audience=Audience.BOTH,
    title=_("Check-in"),
    intro=_("Two minutes on how your mentorship is going. Your answers go to the coordinators only."),
    rules=(Rule(SendTrigger.DATE, anchor=DateAnchor.LAUNCH, offset=42),),
    questions=(
        Q(
            "going_well",
            _("How is your mentorship going?"),
            T.SCALE,
            scale_min_label=_("Not well"),
            scale_max_label=_("Very well"),
        ),
        Q(
            "meetings_held",
            _("How many times have you met so far?"),
            T.NUMBER,
            min_value=0,
            max_value=50,
            unit=_("meetings"),
        ),
        Q("need_help", _("Would you like help from the coordinators?"), T.YES_NO),
        Q("anything_else", _("Anything the coordinators should know?"), T.LONG_TEXT, required=False),
    ),
)

MATCH_FEEDBACK = Template(
    key="match_feedback",
    kind=Kind.MATCH_FEEDBACK,
    audience=Audience.BOTH,
    title=_("Match feedback"),
    intro=_("After your first meetings: tell us whether your match works. Your answers go to the coordinators only."),
    rules=(Rule(SendTrigger.DATE, anchor=DateAnchor.LAUNCH, offset=21, direction=Direction.AFTER),),
    questions=(
        Q(
            "good_fit",
            _("Is this match a good fit?"),
            T.SINGLE_CHOICE,
            choices=(("yes", _("Yes")), ("not_sure", _("Not sure yet")), ("no", _("No"))),
        ),
        Q("why", _("What makes it work, or not?"), T.LONG_TEXT, required=False),
        Q("contact_me", _("Would you like a coordinator to contact you?"), T.YES_NO),
    ),
)


def _post_program(months: int) -> Template:
    return Template(
        key=f"post_program_{months}m",
        kind=Kind.POST_PROGRAM,
        audience=Audience.BOTH,
        title=_("Post-program survey: %(months)d months on") % {"months": months},
        intro=_("It has been a while since the program ended. Tell us where you are now; it helps the next cohorts."),
        rules=(Rule(SendTrigger.DATE, anchor=DateAnchor.END, offset=months, unit=OffsetUnit.MONTHS),),
        reminder_days=14,
        questions=(
            Q(
                "goals_reached",
                _("How far did the program help you reach your goals?"),
                T.SCALE,
                scale_min_label=_("Not at all"),
                scale_max_label=_("Completely"),
            ),
            Q("current_role", _("What is your current role?"), T.SHORT_TEXT),
            Q("role_changed", _("Have you been promoted or changed roles since the program?"), T.YES_NO),
            Q("still_in_touch", _("Are you still in touch with your mentor or mentee?"), T.YES_NO),
            Q(
                "recommend",
                _("Would you recommend the program to a friend?"),
                T.SCALE,
                scale_min_label=_("Not at all"),
                scale_max_label=_("Certainly"),
            ),
            Q("mentor_next", _("Would you like to mentor in a future cohort?"), T.YES_NO),
            Q("anything_else", _("Anything else you want to tell us?"), T.LONG_TEXT, required=False),
        ),
    )


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        MENTEE_APPLICATION,
        MENTOR_APPLICATION,
        FIRST_MEETING,
        PRE_PROGRAM,
        CHECK_IN,
        MATCH_FEEDBACK,
        _post_program(6),
        _post_program(12),
        _post_program(18),
    )
}

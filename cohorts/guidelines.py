"""The participant guidelines every new cohort starts from; coordinators adapt them."""

GUIDELINES_TEMPLATE = """\
## How often to meet

Meet every two weeks for about an hour, for the whole term. Put the next meeting in both
calendars before you end the current one. If you must cancel, say so at least a day ahead
and pick a new date straight away.

## How to prepare

- Mentees: add to the agenda at least two days before each meeting: what you worked on,
  where you are stuck, and what you want to talk about.
- Mentors: read the agenda before the meeting and look at the open action items.
- After each meeting, one of you logs it, with the action items you agreed.

## What not to ask of a mentor

Your mentor gives time and advice. Do not ask them to refer you for a job, to review
confidential work of your employer, to do your work for you, or to be available outside
the times you agreed. Keep what you hear from each other confidential.

## When the other person goes quiet

If you hear nothing from your mentor or mentee for two weeks, write to them once more,
then contact the program's coordinators. We will help, and if the match does not work, we
find you a new one in the next matching round.
"""

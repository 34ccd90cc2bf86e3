"""The two surveys that ship, written for a statewide STEM-education network of school teams, teachers,
coaches, administrators, parents, students and business and community partners."""

from __future__ import annotations

from dataclasses import dataclass

from core.surveys.questions import AGREE_SCALE, Kind, Question

AMOUNT_SCALE = ("None at all", "A little", "Some", "Quite a bit", "A great deal")


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    title: str
    intro: str  # shown on the survey's post
    questions: tuple[Question, ...]


def _agree(key: str, label: str, detail: str = "") -> Question:
    return Question(key, Kind.LIKERT, label, detail, AGREE_SCALE)


READINESS = Template(
    key="readiness",
    title="School team readiness self-assessment",
    intro=(
        "A quick self-check for school teams: where is your team today? There are no right answers. "
        "Results are shown only as totals, never who said what."
    ),
    questions=(
        _agree(
            "vision", "Our team has a shared vision for STEM", "We agree on what we want students to gain."
        ),
        _agree("partners", "We know our community partners", "We know who they are and how to reach them."),
        _agree("rhythm", "We have a regular meeting rhythm", "We meet on a schedule and most of us come."),
        _agree("roles", "Everyone on the team has a clear role"),
        _agree("leaders", "Our school leaders back our STEM work"),
        _agree("families", "We involve families in STEM activities"),
        _agree(
            "evidence", "We track how our STEM work is going", "For example attendance, surveys or projects."
        ),
        Question(
            "stage",
            Kind.SINGLE,
            "Where is your team overall?",
            choices=("Just getting started", "Building momentum", "Running well", "Ready to mentor others"),
        ),
        Question(
            "support",
            Kind.MULTIPLE,
            "What support would help most?",
            "Pick all that fit.",
            choices=(
                "Meeting ideas and agendas",
                "Finding partners",
                "Classroom activities",
                "Funding and grants",
                "Time with other teams",
            ),
        ),
        Question("next", Kind.TEXT, "One next step your team will take", required=False),
    ),
)

PULSE = Template(
    key="pulse",
    title="STEM pulse: interest and knowledge",
    intro=(
        "How interested are you in STEM education outside your own setting, and how much do you know "
        "about it? We ask at the start and the end of the year to see what changes. Only totals are shown."
    ),
    questions=(
        Question(
            "setting",
            Kind.SINGLE,
            "Which setting is your own?",
            choices=(
                "School classroom",
                "School leadership",
                "Family or home",
                "Business or industry",
                "Community organization",
                "Higher education",
            ),
        ),
        Question("int_school", Kind.LIKERT, "Interest: STEM in schools", choices=AMOUNT_SCALE),
        Question("know_school", Kind.LIKERT, "Knowledge: STEM in schools", choices=AMOUNT_SCALE),
        Question("int_work", Kind.LIKERT, "Interest: STEM in the workplace", choices=AMOUNT_SCALE),
        Question("know_work", Kind.LIKERT, "Knowledge: STEM in the workplace", choices=AMOUNT_SCALE),
        Question("int_community", Kind.LIKERT, "Interest: STEM in community programs", choices=AMOUNT_SCALE),
        Question(
            "know_community", Kind.LIKERT, "Knowledge: STEM in community programs", choices=AMOUNT_SCALE
        ),
        Question("learn", Kind.TEXT, "What would you like to learn about?", required=False),
    ),
)

TEMPLATES = {t.key: t for t in (READINESS, PULSE)}

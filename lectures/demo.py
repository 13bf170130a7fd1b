"""Demo lectures for `manage.py load_demo`: a series, three speakers, two upcoming and two past lectures.

Everything here is fictional. Times are set relative to the day the demo is loaded, so the
upcoming lectures stay upcoming. Running it again skips what already exists (by slug).
"""

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from lectures.models import (
    LectureCountryTag,
    LectureGCMTag,
    LectureIndexPage,
    LecturePage,
    LectureSeries,
    LectureSpeaker,
    LectureThemeTag,
    Registration,
    RegistrationStatus,
    Role,
    Speaker,
)
from themes.models import Country, GCMObjective, Theme

logger = logging.getLogger(__name__)

SPEAKERS = [
    {
        "name": "Farhana Rahman",
        "affiliation": "Centre for Migration Policy Studies, Dhaka",
        "bio": "Farhana Rahman studies recruitment intermediaries and the debts that Bangladeshi workers take on "
        "before departure. She has advised the national welfare board on fee monitoring.",
    },
    {
        "name": "Ramesh Adhikari",
        "affiliation": "Institute of Labour Mobility, Kathmandu",
        "bio": "Ramesh Adhikari leads a panel survey of Nepali returnees and works on the recognition of skills "
        "that workers acquire in the Gulf and Malaysia.",
    },
    {
        "name": "Nimali Perera",
        "affiliation": "Colombo Institute for Social Research",
        "bio": "Nimali Perera writes on women migrant domestic workers, social protection and access to justice "
        "for workers returning to Sri Lanka.",
    },
]

TRANSCRIPT_REMITTANCES = """[00:00:05] Good afternoon, and welcome to this lecture on remittances after the pandemic.
[00:00:41] When borders closed in 2020 many of us expected remittances to Sri Lanka and Nepal to collapse.
[00:01:30] They did not. Families received more through formal channels, as informal carriers could not travel.
[00:02:55] The cost of sending money still matters: a fee of five per cent on a small transfer is a week of food.
[00:04:10] Objective 20 of the Global Compact asks for faster, safer and cheaper transfer of remittances.
[00:05:32] Our survey of 1,200 households shows mobile wallets halved the cost for workers in Qatar and Malaysia.
[00:07:18] But women workers were less likely to hold an account in their own name, which limits financial inclusion.
[00:09:02] I will end with three recommendations for central banks and for the Colombo Process.
[00:11:45] Thank you. We now have time for questions."""

TRANSCRIPT_SKILLS = """[00:00:03] Thank you for joining this lecture on skills recognition for returning migrants.
[00:00:52] A Nepali electrician who worked eight years in the United Arab Emirates often returns without a certificate.
[00:02:10] Recognition of prior learning lets that experience count in the national qualifications framework.
[00:03:44] Bilateral agreements with Malaysia and Japan mention mutual recognition of skills, but few workers benefit.
[00:05:20] Reintegration programmes work best when assessment centres are close to the districts workers return to.
[00:06:58] The Global Compact's objective 18 and objective 21 point in the same direction.
[00:08:30] Let me close with what we learned from pilots in three provinces."""

LECTURES = [
    {
        "slug": "recruitment-fees-cost-of-a-job-abroad",
        "title": "Recruitment fees and the cost of a job abroad: evidence from Nepal and Bangladesh",
        "abstract": "Workers from Nepal and Bangladesh often pay several months of wages to recruitment agents "
        "before they leave for Saudi Arabia, Qatar or Malaysia, despite rules that say the employer pays.\n\n"
        "This lecture presents new survey evidence on who pays what, to whom and when, and discusses how "
        "the employer-pays principle and fair and ethical recruitment (GCM objective 6) can be enforced.",
        "days": 10,
        "hour": 16,
        "zone": "Asia/Dhaka",
        "venue": "Seminar Room 2, Centre for Migration Policy Studies\nHouse 12, Road 5, Dhanmondi\nDhaka 1205",
        "online": True,
        "joining_link": "https://meet.example.org/salam-recruitment-fees",
        "capacity": 60,
        "speakers": ["Farhana Rahman", "Ramesh Adhikari"],
        "countries": ["NP", "BD", "SA", "QA", "MY"],
        "themes": ["fair-recruitment"],
        "gcm": [6],
    },
    {
        "slug": "women-domestic-workers-gulf-protection-gaps",
        "title": "Women migrant domestic workers in the Gulf: protection gaps and remedies",
        "abstract": "Domestic work is excluded from labour law in several destination countries, and women "
        "workers from Sri Lanka and the Philippines face long hours, confiscated passports and violence.\n\n"
        "The lecture reviews complaints handled by consular officers and what access to justice and remedy "
        "look like for workers who return before their contract ends.",
        "days": 24,
        "hour": 15,
        "zone": "Asia/Colombo",
        "venue": "Auditorium, Colombo Institute for Social Research\n45 Galle Road, Colombo 03",
        "online": False,
        "capacity": 40,
        "nearly_full": 38,
        "speakers": ["Nimali Perera"],
        "countries": ["LK", "PH", "KW", "SA"],
        "themes": ["gender-equality", "access-to-justice"],
        "gcm": [7, 14],
    },
    {
        "slug": "remittances-after-the-pandemic",
        "title": "Remittances after the pandemic: what changed for families in Sri Lanka and Nepal",
        "abstract": "Remittances held up better than expected during the pandemic. This lecture asks why, "
        "what it cost families to receive money, and what central banks can do to make transfers cheaper.",
        "days": -60,
        "hour": 17,
        "zone": "Asia/Kathmandu",
        "venue": "Hall A, Institute of Labour Mobility\nBaluwatar, Kathmandu",
        "online": True,
        "capacity": 80,
        "speakers": ["Nimali Perera", "Ramesh Adhikari"],
        "countries": ["LK", "NP", "QA", "MY"],
        "themes": ["remittances"],
        "gcm": [20],
        "transcript": TRANSCRIPT_REMITTANCES,
        "recording_url": "https://www.youtube.com/watch?v=SALAMdemo01",
    },
    {
        "slug": "skills-recognition-returning-migrants",
        "title": "Skills recognition for returning migrants",
        "abstract": "Years of work abroad rarely count at home. The speaker discusses recognition of prior "
        "learning, bilateral agreements and reintegration programmes that use workers' skills.",
        "days": -120,
        "hour": 14,
        "zone": "Asia/Kathmandu",
        "venue": "",
        "online": True,
        "capacity": 200,
        "speakers": ["Ramesh Adhikari"],
        "countries": ["NP", "AE", "MY", "JP"],
        "themes": ["skills-recognition", "return-reintegration"],
        "gcm": [18, 21],
        "transcript": TRANSCRIPT_SKILLS,
        "recording_url": "https://vimeo.com/76979871",
    },
]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)
    logger.info(message)


def _at(days: int, hour: int, zone: str) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(ZoneInfo(zone)).date()
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(zone))


def _index(parent_page: Page, stdout) -> LectureIndexPage:
    existing = LectureIndexPage.objects.child_of(parent_page).first()
    if existing:
        return existing
    index = LectureIndexPage(
        title="Lectures",
        slug="lectures",
        intro="Public lectures by researchers from the region on labour migration: come in person or join "
        "online, and find recordings, slides and transcripts of past lectures.",
    )
    parent_page.add_child(instance=index)
    index.save_revision().publish()
    _say(stdout, "Created the lecture index page")
    return index


@transaction.atomic
def create_demo(parent_page: Page, *, stdout=None) -> list[Page]:
    """Create the demo lecture index, series, speakers and four lectures under parent_page; skip existing ones."""
    created: list[Page] = []
    index = _index(parent_page, stdout)
    series, _ = LectureSeries.objects.get_or_create(
        slug="labour-mobility-dialogues",
        defaults={
            "name": "Labour Mobility Dialogues",
            "description": "A monthly series in which researchers present new evidence to policymakers.",
        },
    )
    speakers = {}
    for data in SPEAKERS:
        speakers[data["name"]], _ = Speaker.objects.get_or_create(name=data["name"], defaults=data)
    for data in LECTURES:
        if LecturePage.objects.filter(slug=data["slug"]).exists():
            continue
        start = _at(data["days"], data["hour"], data["zone"])
        lecture = LecturePage(
            title=data["title"],
            slug=data["slug"],
            series=series,
            abstract=data["abstract"],
            start=start,
            end=start + timedelta(hours=1, minutes=30),
            timezone=data["zone"],
            venue=data["venue"],
            online=data["online"],
            joining_link=data.get("joining_link", ""),
            capacity=data["capacity"],
            transcript=data.get("transcript", ""),
            recording_url=data.get("recording_url", ""),
        )
        for order, name in enumerate(data["speakers"]):
            lecture.lecture_speakers.add(LectureSpeaker(speaker=speakers[name], sort_order=order))
        for code in data["countries"]:
            if country := Country.objects.filter(alpha2=code).first():
                lecture.country_tags.add(LectureCountryTag(country=country))
        for slug in data["themes"]:
            if theme := Theme.objects.filter(slug=slug).first():
                lecture.theme_tags.add(LectureThemeTag(theme=theme))
        for number in data["gcm"]:
            if objective := GCMObjective.objects.filter(number=number).first():
                lecture.gcm_tags.add(LectureGCMTag(objective=objective))
        index.add_child(instance=lecture)
        lecture.save_revision().publish()
        _register_demo_participants(lecture, data.get("nearly_full", 0))
        created.append(lecture)
        _say(stdout, f"Created lecture “{lecture.title}”")
    return created


def _register_demo_participants(lecture: LecturePage, count: int) -> None:
    # Rows are written directly: demo participants must not be sent emails.
    roles = list(Role.values)
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            lecture=lecture,
            status=RegistrationStatus.CONFIRMED,
            name=f"Demo participant {number}",
            email=f"participant{number}@example.org",
            role=roles[number % len(roles)],
            consent_at=now,
            confirmed_at=now,
        )
        for number in range(1, count + 1)
    )

"""Demo lectures for `manage.py load_demo`: a series, eight speakers, eighteen lectures upcoming and past.

Everything here is fictional. Times are set relative to the day the demo is loaded, so the
upcoming lectures stay upcoming. Past lectures have what a real one has afterwards: a recording
(a generated, silent audio file, or a video on a provider), slides (a generated PDF) and a
transcript. Running it again skips what already exists (by slug).
"""

import io
import logging
import wave
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.utils.file import hash_filelike

from lectures.demo_programme import LECTURES_PHASE1, SPEAKERS_PHASE1
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
        # A file on the hub rather than a made-up video id: the player and the transcript's seeking work offline.
        "recording_seconds": 12 * 60 + 30,
        "slides": [
            "Remittances held up during the pandemic",
            "Formal channels grew as informal carriers could not travel",
            "Mobile wallets halved the cost of sending money from Qatar and Malaysia",
            "Women workers less often hold an account in their own name",
            "Recommendations for central banks and the Colombo Process (GCM objective 20)",
        ],
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
        "slides": [
            "Years of work abroad rarely count at home",
            "Recognition of prior learning and the national qualifications framework",
            "Mutual recognition in agreements with Malaysia and Japan",
            "Assessment centres close to the districts workers return to (GCM objectives 18 and 21)",
        ],
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
    """Create the demo lecture index, series, speakers and lectures under parent_page; skip existing ones."""
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
    for data in [*SPEAKERS, *SPEAKERS_PHASE1]:
        speakers[data["name"]], _ = Speaker.objects.get_or_create(name=data["name"], defaults=data)
    for data in [*LECTURES, *LECTURES_PHASE1]:
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
            slides=_slides(data) if data.get("slides") else None,
        )
        if data.get("recording_seconds"):
            lecture.recording_file.save(
                f"{data['slug']}.wav", ContentFile(silent_wav(data["recording_seconds"])), save=False
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
        _register_demo_participants(lecture, data.get("nearly_full", 0) or data.get("participants", 0))
        created.append(lecture)
        _say(stdout, f"Created lecture “{lecture.title}”")
    return created


def silent_wav(seconds: int, rate: int = 4000) -> bytes:
    """A silent mono WAV of `seconds`: small (8-bit, low rate) and playable in every browser."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * (seconds * rate))  # 8-bit WAV is unsigned: 128 is silence
    return buffer.getvalue()


def slides_pdf(title: str, points: list[str]) -> bytes:
    """A short slide deck as a PDF: a title slide, then one slide per point."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Slides: {title}")
    for number, text in enumerate([title, *points]):
        pdf.setFont("Helvetica-Bold", 26 if number == 0 else 22)
        text_object = pdf.beginText(60, height - 120)
        line = ""
        for word in text.split():
            if len(line) + len(word) > 48:
                text_object.textLine(line)
                line = ""
            line = f"{line} {word}".strip()
        text_object.textLine(line)
        pdf.drawText(text_object)
        pdf.setFont("Helvetica", 12)
        pdf.drawString(60, 40, "SALAM knowledge hub · Labour Mobility Dialogues (demo slides)")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _slides(data: dict):
    """The lecture's slides as a Wagtail document (reused when the demo is loaded again)."""
    document_model = get_document_model()
    title = f"Slides: {data['title']}"
    existing = document_model.objects.filter(title=title).first()
    if existing:
        return existing
    content = slides_pdf(data["title"], data["slides"])
    document = document_model(title=title, file_size=len(content), file_hash=hash_filelike(io.BytesIO(content)))
    document.file.save(f"{data['slug']}-slides.pdf", ContentFile(content), save=False)
    document.save()
    return document


def _register_demo_participants(lecture: LecturePage, count: int) -> None:
    # Rows are written directly: demo participants must not be sent emails. At a past lecture
    # most of them came (checked in at the door), so attendance figures have something to count.
    roles = list(Role.values)
    now = timezone.now()
    past = lecture.start < now
    Registration.objects.bulk_create(
        Registration(
            lecture=lecture,
            status=RegistrationStatus.CONFIRMED,
            name=f"Demo participant {number}",
            email=f"participant{number}@example.org",
            role=roles[number % len(roles)],
            consent_at=now,
            confirmed_at=now,
            checked_in_at=lecture.start if past and number % 5 else None,
        )
        for number in range(1, count + 1)
    )

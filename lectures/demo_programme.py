"""More demo lectures, so the demo holds a programme's worth: eighteen lectures in all, upcoming and past.

Everything here is fictional: the speakers, their institutes, what they said and who came. Past
lectures carry demo participants (most of them checked in), several a transcript and slides.
"""

SPEAKERS_PHASE1 = [
    {
        "name": "Priya Nair",
        "affiliation": "Institute for Mobility and Work, Pune",
        "bio": "Priya Nair studies the labour markets of the Gulf and the wages of Indian workers in construction "
        "and services.",
    },
    {
        "name": "Zainab Malik",
        "affiliation": "Lahore Forum for Overseas Employment Research",
        "bio": "Zainab Malik works on recruitment regulation and on complaints of Pakistani workers abroad.",
    },
    {
        "name": "Shafiqul Alam",
        "affiliation": "Dhaka Centre for Workers Abroad",
        "bio": "Shafiqul Alam researches remittances, migration debt and the households that workers leave behind.",
    },
    {
        "name": "Anita Gurung",
        "affiliation": "Himalayan Labour Studies Centre, Pokhara",
        "bio": "Anita Gurung writes on women's migration from Nepal and on gender-based violence at work.",
    },
    {
        "name": "Ruwan Wickramasinghe",
        "affiliation": "Kandy Institute of Migration and Society",
        "bio": "Ruwan Wickramasinghe studies return migration, reintegration and consular support.",
    },
]

TRANSCRIPT_HEAT = """[00:00:04] Welcome, everyone, and thank you for coming on a hot afternoon.
[00:00:48] Construction workers in Qatar and the United Arab Emirates work outdoors through the summer.
[00:02:15] Midday bans help, but heat illness peaks in the late afternoon, after the ban ends.
[00:03:50] Nepali and Bangladeshi workers employed by subcontractors had the least shade and water.
[00:05:30] We propose limits based on measured heat stress rather than dates on a calendar.
[00:07:10] Origin countries can write these protections into bilateral labour agreements.
[00:09:00] Thank you. I look forward to your questions."""

TRANSCRIPT_PENSIONS = """[00:00:06] Good morning. Today: workers from Pakistan and Bangladesh in old age.
[00:01:02] Twenty years in Saudi Arabia earns an end-of-service gratuity, but no pension.
[00:02:40] Social protection schemes at home cover formal employees, not workers abroad.
[00:04:05] Converting the gratuity into an annuity needs no new treaty.
[00:05:45] Portability of earned benefits is GCM objective 22.
[00:07:20] Let us open the discussion."""

TRANSCRIPT_DATA = """[00:00:05] Thank you for joining this session on migration data.
[00:00:55] India counts those who leave but not those who return.
[00:02:20] Welfare board records in Kerala undercount returnees by half.
[00:04:00] A short module on return in household surveys would fill the gap.
[00:05:35] Better data is GCM objective 1, and every other objective depends on it.
[00:07:00] Questions are welcome."""

TRANSCRIPT_HARASSMENT = """[00:00:03] Good afternoon. This lecture is on harassment at work and complaints.
[00:01:10] Four in ten women we interviewed had faced verbal or physical harassment.
[00:02:45] Women with a phone of their own were twice as likely to seek help.
[00:04:20] Shelters and women labour attachés were the most useful support.
[00:06:00] Access to justice must continue after return to Nepal.
[00:07:30] Thank you."""


def _lecture(slug, title, abstract, days, hour, zone, venue, speakers, countries, themes, gcm, **extra):
    return {
        "slug": slug,
        "title": title,
        "abstract": abstract,
        "days": days,
        "hour": hour,
        "zone": zone,
        "venue": venue,
        "online": extra.pop("online", True),
        "capacity": extra.pop("capacity", 80),
        "speakers": speakers,
        "countries": countries,
        "themes": themes,
        "gcm": gcm,
        **extra,
    }


LECTURES_PHASE1 = [
    _lecture(
        "heat-stress-gulf-construction",
        "Heat, hours and health: construction workers in the Gulf",
        "Heat illness on Gulf construction sites peaks after the midday ban ends. The speaker presents a panel "
        "of 900 workers from India, Nepal and Bangladesh and proposes limits based on measured heat stress.",
        -20,
        15,
        "Asia/Kolkata",
        "Seminar Hall, Institute for Mobility and Work\nGaneshkhind Road, Pune 411007",
        ["Priya Nair"],
        ["IN", "NP", "BD", "QA", "AE"],
        ["social-protection", "labour-market-analysis"],
        [6, 7],
        transcript=TRANSCRIPT_HEAT,
        slides=[
            "Heat illness peaks after the midday ban ends",
            "Subcontracted workers have the least shade and water",
            "Limits based on measured heat stress",
            "Protections in bilateral labour agreements",
        ],
        participants=90,
    ),
    _lecture(
        "portable-pensions-workers-abroad",
        "No pension after twenty years abroad: social protection for workers from Pakistan and Bangladesh",
        "Workers return from the Gulf without old-age security. This lecture compares ways of making pensions "
        "portable, from voluntary schemes to bilateral social security agreements (GCM objective 22).",
        -35,
        11,
        "Asia/Karachi",
        "Conference Room, Lahore Forum for Overseas Employment Research\nGulberg III, Lahore",
        ["Zainab Malik", "Shafiqul Alam"],
        ["PK", "BD", "SA", "AE"],
        ["social-protection"],
        [22],
        transcript=TRANSCRIPT_PENSIONS,
        slides=[
            "A gratuity but no pension",
            "Three options for portability",
            "Start with converting the gratuity (GCM objective 22)",
        ],
        participants=72,
    ),
    _lecture(
        "contract-substitution-remedies",
        "The contract you signed and the contract you got: contract substitution and remedies",
        "One worker in four from Pakistan is paid less in Saudi Arabia than the contract registered at departure. "
        "What would make substitution visible, and how can workers claim the difference after return?",
        -50,
        16,
        "Asia/Karachi",
        "",
        ["Zainab Malik"],
        ["PK", "SA"],
        ["fair-recruitment", "access-to-justice"],
        [6, 7],
        capacity=150,
        participants=120,
    ),
    _lecture(
        "counting-returnees",
        "Who comes back? Counting returnees and what they need",
        "Administrative records in Kerala undercount returnees by half. The lecture shows what better migration "
        "data for reintegration would look like.",
        -75,
        15,
        "Asia/Kolkata",
        "Lecture Theatre 1, Kerala Remittance Observatory\nThiruvananthapuram",
        ["Priya Nair", "Ruwan Wickramasinghe"],
        ["IN", "LK", "AE", "SA", "OM"],
        ["migration-data", "return-reintegration"],
        [1, 21],
        transcript=TRANSCRIPT_DATA,
        slides=[
            "Departures are counted, returns are not",
            "What welfare board records show",
            "A return module for household surveys (GCM objective 1)",
        ],
        participants=55,
    ),
    _lecture(
        "harassment-right-to-complain",
        "Harassment at work and the right to complain: women migrant workers from Nepal",
        "Life histories of 310 women returnees show how often harassment goes unreported and what helped those "
        "who sought remedy.",
        -90,
        14,
        "Asia/Kathmandu",
        "Hall B, Himalayan Labour Studies Centre\nLakeside, Pokhara",
        ["Anita Gurung"],
        ["NP", "AE", "KW", "MY"],
        ["gender-based-violence", "access-to-justice", "gender-equality"],
        [7],
        transcript=TRANSCRIPT_HARASSMENT,
        recording_url="https://vimeo.com/76979871",
        participants=63,
    ),
    _lecture(
        "digital-remittances-malaysia",
        "Cheaper, faster, trusted? Digital remittances from Malaysia to Bangladesh",
        "Mobile wallets now beat informal hundi agents on cost. Why do many workers still use hundi, and what "
        "would bring them to formal channels?",
        -150,
        17,
        "Asia/Dhaka",
        "Seminar Room 1, Dhaka Centre for Workers Abroad\nMohakhali, Dhaka",
        ["Shafiqul Alam"],
        ["BD", "MY"],
        ["remittances"],
        [20],
        slides=[
            "The cost of sending 300 ringgit",
            "Why workers keep using hundi",
            "Identity checks with the work permit",
        ],
        participants=52,
    ),
    _lecture(
        "pre-departure-training-what-sticks",
        "Pre-departure training: what sticks and what is missing",
        "Returnees remember cooking lessons but not the embassy's number. A practical module on rights, contracts "
        "and complaints would change that.",
        -180,
        10,
        "Asia/Colombo",
        "Auditorium, Kandy Institute of Migration and Society\nPeradeniya Road, Kandy",
        ["Ruwan Wickramasinghe", "Nimali Perera"],
        ["LK", "KW", "SA", "JO"],
        ["pre-departure-orientation", "gender-equality"],
        [3, 7],
        participants=47,
    ),
    _lecture(
        "consular-support-in-crises",
        "When a crisis strikes: consular support for migrant workers",
        "Evacuations since 2020 show that missions with a registry of workers and a standing plan act in days. "
        "The speaker discusses consular support and welfare (GCM objective 14).",
        -210,
        15,
        "Asia/Colombo",
        "",
        ["Ruwan Wickramasinghe"],
        ["LK", "NP", "IN", "KW", "MY"],
        ["crisis-response", "consular-support"],
        [14],
        capacity=200,
        participants=110,
    ),
    _lecture(
        "recruitment-agencies-regulation",
        "Regulating recruitment agencies: licences, ratings and sub-agents",
        "Most recruitment fees are collected by unregistered sub-agents. What can licensing, public ratings of "
        "agencies and joint liability achieve?",
        -240,
        16,
        "Asia/Karachi",
        "Lecture Hall, Peshawar Migration Lab\nUniversity Town, Peshawar",
        ["Zainab Malik", "Farhana Rahman"],
        ["PK", "BD", "SA", "QA"],
        ["fair-recruitment", "migration-governance"],
        [6],
        participants=48,
    ),
    _lecture(
        "colombo-process-twenty-years",
        "Twenty years of regional dialogue: the Colombo Process",
        "What has regional dialogue among countries of origin achieved, and what could a common position on "
        "recruitment fees and social protection add?",
        -270,
        14,
        "Asia/Colombo",
        "Main Hall, Colombo Institute for Social Research\n45 Galle Road, Colombo 03",
        ["Nimali Perera", "Priya Nair", "Zainab Malik"],
        ["LK", "IN", "PK", "BD", "NP", "PH"],
        ["migration-governance", "bilateral-agreements"],
        [23],
        capacity=120,
        participants=45,
    ),
    _lecture(
        "caregivers-japan-corridor",
        "A new corridor: caregivers from Nepal and Sri Lanka in Japan",
        "Japan's programme for skilled care workers opens a corridor with language tests and government "
        "agreements. Who gets through, at what cost, and will the skills count at home?",
        38,
        15,
        "Asia/Kathmandu",
        "Hall A, Institute of Labour Mobility\nBaluwatar, Kathmandu",
        ["Anita Gurung", "Ramesh Adhikari"],
        ["NP", "LK", "JP"],
        ["skills-recognition", "bilateral-agreements"],
        [18, 5],
        joining_link="https://meet.example.org/salam-caregivers",
        capacity=70,
    ),
    _lecture(
        "migration-debt-households",
        "Migration debt and the households left behind",
        "How do families in Bangladesh repay the loans that paid for a job abroad, and what does debt do to "
        "remittances, schooling and health?",
        52,
        16,
        "Asia/Dhaka",
        "Seminar Room 1, Dhaka Centre for Workers Abroad\nMohakhali, Dhaka",
        ["Shafiqul Alam"],
        ["BD", "SA", "MY"],
        ["remittances", "fair-recruitment"],
        [6, 20],
        joining_link="https://meet.example.org/salam-debt",
        capacity=50,
    ),
    _lecture(
        "labour-market-gulf-after-nationalisation",
        "Jobs for nationals, jobs for migrants: labour markets in the Gulf after nationalisation policies",
        "Gulf states reserve more jobs for their own citizens. The lecture looks at which occupations remain open "
        "to workers from South Asia and what origin countries should train for.",
        67,
        15,
        "Asia/Kolkata",
        "",
        ["Priya Nair"],
        ["IN", "SA", "OM", "KW"],
        ["labour-market-analysis", "skills-recognition"],
        [18],
        joining_link="https://meet.example.org/salam-labour-markets",
        capacity=300,
    ),
    _lecture(
        "returnee-entrepreneurs-sri-lanka",
        "From wages to businesses: returnee entrepreneurs in Sri Lanka",
        "Reintegration programmes offer loans and training to returnees who start businesses. Which ones last, "
        "and what role do savings from abroad play?",
        81,
        10,
        "Asia/Colombo",
        "Auditorium, Kandy Institute of Migration and Society\nPeradeniya Road, Kandy",
        ["Ruwan Wickramasinghe"],
        ["LK", "KW", "QA"],
        ["return-reintegration"],
        [21],
        online=False,
        capacity=45,
    ),
]

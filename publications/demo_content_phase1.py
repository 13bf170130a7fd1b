"""More demo publications, so the demo holds what the centre's first phase produced (15 papers and briefs and more).

Everything here is invented: the people, their institutes, the surveys and the figures. No paper is
attributed to the centre's real partner institutes (a test checks it). Each publication has a
"methods" note and a table, which the PDF prints on pages of their own.
"""

import datetime

AUTHORS_PHASE1 = {
    "iyer": ("Meera Iyer", "Institute for Mobility and Work, Pune", "IN", ""),
    "menon": ("Arjun Menon", "Kerala Remittance Observatory, Thiruvananthapuram", "IN", ""),
    "siddiqui": ("Ayesha Siddiqui", "Lahore Forum for Overseas Employment Research", "PK", ""),
    "ahmed": ("Bilal Ahmed", "Peshawar Migration Lab", "PK", ""),
    "akter": ("Tahmina Akter", "Dhaka Centre for Workers Abroad", "BD", ""),
    "islam": ("Rafiqul Islam", "Sylhet Migration Research Group", "BD", ""),
    "sherpa": ("Pasang Sherpa", "Himalayan Labour Studies Centre, Pokhara", "NP", ""),
    "jayawardena": ("Kasun Jayawardena", "Kandy Institute of Migration and Society", "LK", ""),
}


def _pub(slug, title, subtitle, kind, date, authors, doi, countries, themes, gcm, abstract, sections, method, table):
    return {
        "slug": slug,
        "title": title,
        "subtitle": subtitle,
        "type": kind,
        "date": date,
        "authors": authors,
        "doi": doi,
        "countries": countries,
        "themes": themes,
        "gcm": gcm,
        "abstract": abstract,
        "sections": sections,
        "method": method,
        "table": table,
    }


PUBLICATIONS_PHASE1 = [
    _pub(
        "heat-stress-construction-gulf",
        "Heat and hours: the health of South Asian construction workers in Qatar and the United Arab Emirates",
        "A panel of 900 workers over two summers",
        "research_paper",
        datetime.date(2025, 6, 18),
        ["iyer", "sherpa"],
        "10.5555/salam.2025.031",
        ["IN", "NP", "BD", "QA", "AE"],
        ["social-protection", "labour-market-analysis"],
        [6, 7],
        "Construction sites in Qatar and the United Arab Emirates employ hundreds of thousands of workers from "
        "India, Nepal and Bangladesh, who work outdoors through summers in which the wet-bulb temperature "
        "regularly passes the limits occupational health guidance recommends.\n\n"
        "We followed 900 workers through two summers. Midday work bans reduced heat illness, but a third of "
        "workers still worked in unsafe conditions outside the banned hours. We recommend heat-stress "
        "thresholds measured on site rather than fixed calendar dates.",
        [
            (
                "1. Why heat matters for labour migration",
                [
                    "For a worker who borrowed to pay a recruitment agency, a day lost to illness is a day of "
                    "wages not sent home. Heat illness is therefore not only a health risk but a risk to the "
                    "whole migration project of a household in Nepal or Bangladesh.",
                    "Both destination countries ban outdoor work at midday in the hottest months. The bans are "
                    "set by calendar dates and hours, not by the conditions workers actually face.",
                ],
            ),
            (
                "2. What the workers told us",
                [
                    "Workers reported dizziness, cramps and fainting most often in the late afternoon, after the "
                    "ban had ended but before temperatures fell. Workers on piece rates took fewer breaks.",
                    "Access to shade and cool water improved on large sites that had an occupational health "
                    "officer. Subcontracted workers, mostly Nepali and Bangladeshi, had the least access.",
                    "Few workers knew they could complain to the labour inspectorate, and fewer believed a "
                    "complaint would change anything without risk to their job or visa.",
                ],
            ),
            (
                "3. Recommendations",
                [
                    "Replace calendar bans with limits based on measured heat stress at each site, published "
                    "daily. Make the main contractor answerable for the conditions of subcontracted workers.",
                    "Origin countries can include heat-stress protections in bilateral labour agreements and "
                    "cover them in pre-departure orientation, in line with objectives 6 and 7 of the Global "
                    "Compact for Migration.",
                ],
            ),
        ],
        "A panel survey of 900 construction workers (412 in Qatar, 488 in the United Arab Emirates) interviewed "
        "in May and September of 2023 and 2024, with site temperature loggers on 36 sites.",
        [
            ("Country of origin", "Workers", "Reported heat illness", "Worked in unsafe heat"),
            ("India", "352", "21%", "29%"),
            ("Nepal", "301", "27%", "36%"),
            ("Bangladesh", "247", "31%", "38%"),
        ],
    ),
    _pub(
        "portable-pensions-pakistan-bangladesh",
        "Portable pensions for workers abroad: options for Pakistan and Bangladesh",
        "",
        "policy_brief",
        datetime.date(2024, 8, 27),
        ["siddiqui", "akter"],
        "10.5555/salam.2024.022",
        ["PK", "BD", "SA", "AE"],
        ["social-protection"],
        [22],
        "Workers from Pakistan and Bangladesh spend much of their working lives in the Gulf, where they are not "
        "covered by pension schemes, and return home without old-age security.\n\n"
        "This brief compares three options: voluntary national schemes for workers abroad, end-of-service "
        "benefits converted into pensions, and bilateral social security agreements. It recommends starting "
        "with the second, which needs no new treaty.",
        [
            (
                "The gap in social protection",
                [
                    "A worker who spends twenty years in Saudi Arabia or the United Arab Emirates earns an "
                    "end-of-service gratuity but no pension. At home, national schemes cover formal employees "
                    "only, and contributions made abroad count for nothing.",
                    "Social protection and the portability of earned benefits are the subject of objective 22 "
                    "of the Global Compact for Migration.",
                ],
            ),
            (
                "Three options",
                [
                    "Voluntary schemes for workers abroad exist in both countries but enrol fewer than one "
                    "worker in twenty: contributions are inconvenient to pay and returns are uncertain.",
                    "Converting the end-of-service gratuity into an annuity at return would give a modest "
                    "pension without any new agreement with destination countries.",
                    "Bilateral social security agreements are the complete answer but take years to negotiate.",
                ],
            ),
            (
                "Recommendations",
                [
                    "Offer gratuity-to-pension conversion through the national welfare funds, with contributions "
                    "payable through the same mobile channels workers use to send remittances.",
                ],
            ),
        ],
        "A review of national legislation and scheme statistics, and 24 interviews with officials and "
        "workers' associations in Islamabad, Lahore and Dhaka in 2023 and 2024.",
        [
            ("Option", "Needs a treaty", "Time to start", "Coverage"),
            ("Voluntary national scheme", "No", "In place", "Low"),
            ("Gratuity converted to pension", "No", "1-2 years", "Medium"),
            ("Bilateral agreement", "Yes", "5 years or more", "High"),
        ],
    ),
    _pub(
        "contract-substitution-saudi-arabia",
        "The wage gap after arrival: contract substitution among Pakistani workers in Saudi Arabia",
        "",
        "working_paper",
        datetime.date(2023, 3, 9),
        ["ahmed", "siddiqui"],
        "10.5555/salam.2023.007",
        ["PK", "SA"],
        ["fair-recruitment", "access-to-justice"],
        [6, 7],
        "Many workers sign one contract before they leave Pakistan and are handed another, with lower pay or a "
        "different job, after they arrive in Saudi Arabia. We call this contract substitution.\n\n"
        "Matching 1,100 contracts registered at departure with workers' own pay slips, we find that one worker "
        "in four was paid less than the registered wage. Few complained; those who did rarely recovered the "
        "difference.",
        [
            (
                "1. Contract substitution",
                [
                    "Registration of employment contracts at departure is meant to protect workers. It does "
                    "little if the employer can replace the contract on arrival.",
                    "Substitution hides inside the recruitment chain: the registered contract is written to pass "
                    "inspection, the real terms are agreed later.",
                ],
            ),
            (
                "2. Findings",
                [
                    "Twenty-four per cent were paid less than the registered wage, by a median of 18 per cent. "
                    "Workers in cleaning and agriculture fared worst, drivers and technicians best.",
                    "Only one in ten underpaid workers complained to the labour office or the community welfare "
                    "attaché. Fear of losing the job and the visa was the main reason given.",
                ],
            ),
            (
                "3. What would help",
                [
                    "An electronic contract registered in both countries, visible to the worker in a phone "
                    "application, would make substitution visible. Wage protection systems already record "
                    "what workers are paid; comparing the two is a matter of data sharing.",
                    "Access to justice and remedy requires that complaints can be made from Pakistan after "
                    "return, when the fear of losing the visa no longer applies. Both measures answer "
                    "objectives 6 and 7 of the Global Compact for Migration.",
                ],
            ),
        ],
        "1,100 contracts registered with the Bureau of Emigration in 2021 matched with pay slips collected from "
        "the same workers by telephone in 2022; 40 follow-up interviews.",
        [
            ("Occupation", "Workers", "Paid below contract", "Median shortfall"),
            ("Construction", "420", "22%", "15%"),
            ("Cleaning and services", "260", "33%", "21%"),
            ("Agriculture", "150", "35%", "24%"),
            ("Drivers and technicians", "270", "12%", "9%"),
        ],
    ),
    _pub(
        "digital-remittances-malaysia-bangladesh",
        "Sending money home from Malaysia: digital remittance channels for Bangladeshi workers",
        "Costs, speed and trust",
        "research_paper",
        datetime.date(2025, 1, 22),
        ["islam", "akter"],
        "10.5555/salam.2025.004",
        ["BD", "MY"],
        ["remittances"],
        [20],
        "Bangladeshi workers in Malaysia send home a large share of their wages. We compare the cost and speed of "
        "the channels they use: banks, money transfer operators, mobile wallets and informal hundi agents.\n\n"
        "Licensed digital channels are now cheaper than hundi for transfers above 500 ringgit, but many workers "
        "still use informal agents because they trust them and because agents deliver cash to the door.",
        [
            (
                "1. Remittances and households",
                [
                    "In the districts we studied, remittances from Malaysia pay for food, school fees and the "
                    "repayment of migration debt. The cost of each transfer is paid by the poorest households.",
                    "Objective 20 of the Global Compact for Migration calls for faster, safer and cheaper "
                    "remittances and for the financial inclusion of migrants.",
                ],
            ),
            (
                "2. Comparing channels",
                [
                    "We recorded the total cost, fees and exchange-rate margin, of sending 300, 800 and 1,500 "
                    "ringgit through each channel every month for a year.",
                    "Mobile wallets were the cheapest for all amounts and arrived within minutes. Banks were "
                    "slowest. Hundi agents were cheap for large sums but carried the risk of loss.",
                ],
            ),
            (
                "3. Why workers keep using hundi",
                [
                    "Workers without a passport in hand, held by employers, could not open wallet accounts. "
                    "Others feared that a formal record of their income would be used against them.",
                    "Letting workers verify their identity with the work permit and paying a small incentive on "
                    "formal transfers, as Bangladesh already does, would close most of the gap.",
                ],
            ),
        ],
        "Monthly mystery-shopping of 14 channels from Kuala Lumpur and Johor Bahru, 2023-2024, and a survey of "
        "640 Bangladeshi workers in Malaysia.",
        [
            ("Channel", "Cost of 300 ringgit", "Cost of 1,500 ringgit", "Time to arrive"),
            ("Bank transfer", "6.1%", "2.4%", "1-3 days"),
            ("Money transfer operator", "4.2%", "1.9%", "Same day"),
            ("Mobile wallet", "2.3%", "1.1%", "Minutes"),
            ("Hundi agent", "3.0%", "1.0%", "Same day"),
        ],
    ),
    _pub(
        "pre-departure-orientation-sri-lanka",
        "Pre-departure orientation in Sri Lanka: does the training reach women domestic workers?",
        "",
        "report",
        datetime.date(2024, 2, 6),
        ["jayawardena", "fernando"],
        "10.5555/salam.2024.003",
        ["LK", "KW", "SA", "JO"],
        ["pre-departure-orientation", "gender-equality"],
        [3, 7],
        "Sri Lanka requires every woman leaving for domestic work abroad to complete a residential training "
        "course. We asked 520 returnees what they remembered of it and what they needed to know.\n\n"
        "The course teaches household skills well but says little about contracts, wages, complaints and whom "
        "to call in an emergency. We propose a shorter, practical module and a follow-up call after arrival.",
        [
            (
                "1. The training course",
                [
                    "The course lasts between twelve and twenty-one days and covers cooking, cleaning, language "
                    "and the customs of the destination country, mostly Kuwait, Saudi Arabia and Jordan.",
                    "Pre-departure orientation is meant to empower workers: to tell them their rights and how to "
                    "claim them. Objective 3 of the Global Compact for Migration asks for accurate and timely "
                    "information.",
                ],
            ),
            (
                "2. What returnees remembered",
                [
                    "Nine in ten remembered the household skills. Fewer than four in ten knew the embassy's "
                    "telephone number on arrival, and fewer than one in five had read their contract.",
                    "Women who had faced unpaid wages or confinement said they had not known that they could "
                    "complain, or to whom.",
                ],
            ),
            (
                "3. Recommendations",
                [
                    "Teach rights, contracts and complaint channels in the first days, in Sinhala and Tamil, "
                    "with exercises rather than lectures. Give every worker a card with emergency numbers.",
                    "Call every worker within a month of arrival: the call itself tells employers that someone "
                    "is watching.",
                ],
            ),
        ],
        "A survey of 520 women returnees in five districts in 2023, observation of eight training courses and "
        "interviews with trainers.",
        [
            ("What the returnee knew on arrival", "Share of returnees"),
            ("Household skills taught in the course", "91%"),
            ("The embassy's telephone number", "37%"),
            ("Her wage as written in the contract", "44%"),
            ("Where to complain about unpaid wages", "18%"),
        ],
    ),
    _pub(
        "harassment-women-workers-nepal",
        "Harassment at work and the right to complain: women migrant workers from Nepal",
        "",
        "working_paper",
        datetime.date(2024, 11, 15),
        ["rai", "sherpa"],
        "10.5555/salam.2024.027",
        ["NP", "AE", "KW", "MY"],
        ["gender-based-violence", "access-to-justice", "gender-equality"],
        [7],
        "Since restrictions on women's migration were eased, more Nepali women work abroad in domestic work, "
        "cleaning and factories. This paper documents the harassment and violence they report and the "
        "remedies they sought.\n\n"
        "Among 310 returnees, four in ten had experienced verbal or physical harassment at work. Most did not "
        "complain; of those who did, the embassy shelter was the most useful help.",
        [
            (
                "1. Women's migration from Nepal",
                [
                    "Bans and age limits on women's migration pushed many women into irregular routes through "
                    "India, where they had no protection at all. Regular routes are safer but not yet safe.",
                    "Gender-based violence and harassment are rarely reported: shame, fear of deportation and "
                    "the lack of a women officer at the embassy keep women silent.",
                ],
            ),
            (
                "2. What women reported",
                [
                    "Verbal abuse was the most common, then withheld food and rest, then physical and sexual "
                    "violence. Domestic workers living in the employer's house were the most exposed.",
                    "Women who had a mobile phone of their own were twice as likely to seek help.",
                ],
            ),
            (
                "3. Remedies",
                [
                    "Access to justice means that a complaint can be made safely and heard quickly. Shelters, "
                    "women labour attachés and hotlines in Nepali are the first steps; legal aid after return is "
                    "the next. Objective 7 of the Global Compact for Migration asks states to reduce the "
                    "vulnerabilities that keep women silent.",
                ],
            ),
        ],
        "Life-history interviews with 310 women returnees in Kathmandu, Jhapa and Rupandehi, 2023-2024, by women "
        "interviewers, with informed consent and referral to support services.",
        [
            ("Experience at work", "Share of women", "Of whom sought help"),
            ("Verbal abuse", "38%", "12%"),
            ("Food or rest withheld", "21%", "15%"),
            ("Physical violence", "9%", "34%"),
            ("Sexual harassment or violence", "7%", "29%"),
        ],
    ),
    _pub(
        "counting-returnees-kerala",
        "Counting returnees: administrative data on return migration in Kerala",
        "",
        "report",
        datetime.date(2023, 9, 28),
        ["menon", "iyer"],
        "10.5555/salam.2023.019",
        ["IN", "AE", "SA", "OM"],
        ["migration-data", "return-reintegration"],
        [1, 21],
        "India counts those who leave but not those who come back. We assemble what administrative records in "
        "Kerala can say about return migration from the Gulf: airport arrivals, welfare board registrations "
        "and reintegration loans.\n\n"
        "The records undercount returnees by at least half, and say nothing of why workers returned. We propose "
        "a return module in the state's migration survey and linking welfare board records.",
        [
            (
                "1. Why returnees are not counted",
                [
                    "Emigration clearance records departures of workers with less schooling to some countries, "
                    "but nobody records who returns, when, and with what savings or skills.",
                    "Objective 1 of the Global Compact asks states to collect and use accurate, disaggregated "
                    "data as a basis for policy.",
                ],
            ),
            (
                "2. What the records show",
                [
                    "Welfare board registrations rose sharply in 2020 when workers returned from the United Arab "
                    "Emirates, Saudi Arabia and Oman during the pandemic, and fell again after 2022.",
                    "Reintegration loans reached fewer than one returnee in fifty, mostly men with savings.",
                ],
            ),
            (
                "3. Better data for reintegration",
                [
                    "A short set of questions on return added to household surveys would give reliable figures "
                    "every five years. Linking welfare board and loan records would show who is helped.",
                ],
            ),
        ],
        "Analysis of welfare board registrations 2015-2022, reintegration loan records and published household "
        "survey tables, with a comparison of their definitions of a returnee.",
        [
            ("Source", "Returnees counted, 2020", "Covers reasons for return"),
            ("Welfare board registrations", "148,000", "No"),
            ("Reintegration loan records", "6,200", "Partly"),
            ("Household survey estimate", "310,000", "Yes"),
        ],
    ),
    _pub(
        "consular-contingency-plans",
        "Ready before the crisis: consular contingency plans for migrant workers",
        "Lessons from evacuations since 2020",
        "policy_brief",
        datetime.date(2025, 3, 3),
        ["jayawardena", "thapa"],
        "10.5555/salam.2025.011",
        ["LK", "NP", "IN", "KW", "MY"],
        ["crisis-response", "consular-support"],
        [14, 7],
        "When crises strike destination countries, workers from Sri Lanka, Nepal and India depend on their "
        "embassies to find them, house them and bring them home.\n\n"
        "We reviewed evacuations since 2020 and find that embassies with a registry of workers and a standing "
        "contingency plan acted in days, others in weeks. Every mission should have both.",
        [
            (
                "What went wrong",
                [
                    "Missions did not know how many workers lived in their country of accreditation, where, or "
                    "how to reach them. Workers without documents did not come forward.",
                    "Funds for shelter and tickets existed in national welfare funds but needed approvals that "
                    "took weeks.",
                ],
            ),
            (
                "What worked",
                [
                    "A consular registry kept up to date through the welfare fund, messaging groups run with "
                    "community associations, and pre-approved spending limits for heads of mission.",
                    "Consular support and welfare are the subject of objective 14 of the Global Compact for Migration.",
                ],
            ),
        ],
        "A review of twelve evacuations and repatriation operations from Kuwait, Malaysia and other destination "
        "countries since 2020, with interviews with 18 consular officers.",
        [
            ("Mission had", "Evacuations", "Median days to first flight"),
            ("Registry and contingency plan", "5", "6"),
            ("One of the two", "4", "15"),
            ("Neither", "3", "27"),
        ],
    ),
    _pub(
        "colombo-process-regional-dialogue",
        "Twenty years of the Colombo Process: what regional dialogue has achieved",
        "",
        "report",
        datetime.date(2025, 10, 20),
        ["fernando", "qureshi", "hossain"],
        "10.5555/salam.2025.040",
        ["LK", "PK", "BD", "NP", "IN", "PH", "ID"],
        ["migration-governance", "bilateral-agreements"],
        [23],
        "The Colombo Process brings together countries of origin in Asia to discuss the governance of labour "
        "migration. This report reviews what its thematic areas have produced since the first meeting.\n\n"
        "Regional dialogue has spread good practice on recruitment, skills and pre-departure orientation, but "
        "has few means of its own. It works best when member states take a shared position into their "
        "dialogue with destination countries.",
        [
            (
                "1. A forum of origin countries",
                [
                    "The process began with a small group of countries of origin and now counts twelve members. "
                    "Its thematic areas cover skills, recruitment, pre-departure orientation, remittances and "
                    "labour market analysis.",
                    "International cooperation and partnerships are the subject of objective 23 of the "
                    "Global Compact for Migration.",
                ],
            ),
            (
                "2. What it produced",
                [
                    "Shared curricula for orientation, a regional study of recruitment costs, and exchanges "
                    "between labour ministries that led to similar reforms in several countries.",
                    "Bilateral labour migration agreements signed by members increasingly contain clauses first "
                    "discussed in the process.",
                ],
            ),
            (
                "3. What it could do next",
                [
                    "A common position on recruitment fees and on social protection, presented jointly in "
                    "dialogue with destination countries, would give members more weight than each has alone.",
                ],
            ),
        ],
        "A review of meeting declarations and thematic area outputs, and interviews with officials of seven "
        "member states.",
        [
            ("Thematic area", "Outputs reviewed", "Adopted by members"),
            ("Skills and qualification recognition", "9", "6"),
            ("Fair and ethical recruitment", "12", "8"),
            ("Pre-departure orientation and empowerment", "7", "7"),
            ("Remittances", "5", "3"),
            ("Labour market analysis", "6", "4"),
        ],
    ),
    _pub(
        "caregivers-for-japan",
        "Skills for the care economy: training Nepali and Sri Lankan caregivers for Japan",
        "",
        "working_paper",
        datetime.date(2025, 7, 30),
        ["sherpa", "jayawardena"],
        "10.5555/salam.2025.026",
        ["NP", "LK", "JP"],
        ["skills-recognition", "labour-market-analysis", "bilateral-agreements"],
        [18, 5],
        "Japan's ageing population needs caregivers, and its specified skilled worker programme opened care work "
        "to workers from Nepal and Sri Lanka. This paper follows the first trainees.\n\n"
        "Language tests, not care skills, decided who could go. Training centres that combined the two had the "
        "highest pass rates. Recognition of the qualification at home after return remains an open question.",
        [
            (
                "1. A new corridor",
                [
                    "Unlike the Gulf, Japan recruits care workers through government-to-government arrangements "
                    "with skills and language tests in the country of origin.",
                    "Skills development and the mutual recognition of qualifications are the subject of objective "
                    "18 of the Global Compact for Migration; regular pathways of objective 5.",
                ],
            ),
            (
                "2. The trainees",
                [
                    "Most trainees were women with secondary schooling; many had worked in hospitals at home. "
                    "The language test at the required level took a year of study.",
                    "Private training centres charged fees that many trainees borrowed, a new form of the "
                    "recruitment costs that fair recruitment seeks to end.",
                ],
            ),
            (
                "3. Recommendations",
                [
                    "Public training in language and care together, free for trainees, and recognition of the "
                    "Japanese care qualification in the national qualifications frameworks of Nepal and Sri Lanka.",
                ],
            ),
        ],
        "Interviews with 120 trainees and 14 training centres in Kathmandu and Colombo in 2024, and test results "
        "published by the programme.",
        [
            ("Training centre offered", "Trainees", "Passed both tests"),
            ("Language only", "48", "31%"),
            ("Care skills only", "22", "18%"),
            ("Language and care together", "50", "58%"),
        ],
    ),
]

RELATED_PHASE1 = {
    "contract-substitution-saudi-arabia": ["recruitment-fees-nepal-gulf", "portable-pensions-pakistan-bangladesh"],
    "digital-remittances-malaysia-bangladesh": ["remittance-costs-sri-lanka"],
    "pre-departure-orientation-sri-lanka": [
        "women-domestic-workers-social-protection",
        "harassment-women-workers-nepal",
    ],
    "caregivers-for-japan": ["skills-recognition-returnees-nepal"],
}

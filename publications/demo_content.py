"""The words of the demo publications: fictional authors, abstracts and the sections of their PDFs.

Everything here is invented: the people, the surveys and the figures.
"""

import datetime

AUTHORS = {
    "sharma": ("Anjali Sharma", "Institute for Mobility and Work, Pune", "IN", ""),
    "thapa": ("Bikash Thapa", "Himalayan Labour Studies Centre, Pokhara", "NP", ""),
    "hossain": ("Nusrat Hossain", "Dhaka Centre for Workers Abroad", "BD", ""),
    "fernando": ("Dilani Fernando", "Kandy Institute of Migration and Society", "LK", ""),
    "qureshi": ("Imran Qureshi", "Lahore Forum for Overseas Employment Research", "PK", ""),
    "carberry": ("Josiah Carberry", "Brown University (visiting fellow)", None, "0000-0002-1825-0097"),
    "rai": ("Sunita Rai", "Himalayan Labour Studies Centre, Pokhara", "NP", ""),
}

# Each publication: metadata, editor tags (the rest is left to the tagger) and the PDF's sections.
PUBLICATIONS = [
    {
        "slug": "recruitment-fees-nepal-gulf",
        "title": "Who pays for the visa? Recruitment fees of Nepali workers bound for the Gulf",
        "subtitle": "Evidence from a survey of 1,450 departing workers",
        "type": "research_paper",
        "date": datetime.date(2024, 9, 12),
        "authors": ["thapa", "rai"],
        "doi": "10.5555/salam.2024.014",
        "countries": ["NP", "QA", "SA"],
        "themes": ["fair-recruitment"],
        "gcm": [6],
        "abstract": (
            "Nepal's Free Visa, Free Ticket policy promised that employers in Qatar, Saudi Arabia and the other "
            "Gulf states would bear the cost of recruiting Nepali workers. We surveyed 1,450 workers at "
            "Tribhuvan International Airport as they departed in 2023.\n\n"
            "Nine in ten had paid a recruitment agency more than the legal ceiling, a median of 1,150 US dollars, "
            "and a third had borrowed the money at monthly interest above three per cent. We describe where the "
            "money goes and propose a fee-reimbursement mechanism tied to employers' visa quotas."
        ),
        "sections": [
            (
                "1. Introduction",
                [
                    "Each year several hundred thousand workers leave Nepal for jobs in Qatar, Saudi Arabia, the "
                    "United Arab Emirates, Kuwait and Malaysia. Almost all of them are recruited through licensed "
                    "agencies in Kathmandu and a chain of informal sub-agents in their home districts.",
                    "Since 2015 the government has capped what an agency may charge a worker. Our question is "
                    "simple: does the cap hold? We asked departing workers what they had paid, to whom and how "
                    "they financed it. The answers speak to fair and ethical recruitment and to Objective 6 of the "
                    "Global Compact for Migration, which calls on states to prohibit recruitment fees charged to "
                    "migrant workers.",
                ],
            ),
            (
                "2. Recruitment fees and debt",
                [
                    "Nine in ten respondents paid more than the legal ceiling. The median payment was 1,150 US "
                    "dollars; workers going to Saudi Arabia paid the most. Receipts, where they existed, showed "
                    "the legal amount only.",
                    "Sixty-one per cent borrowed to pay the fee, mostly from relatives and village moneylenders. "
                    "Debt bondage is the risk: a worker who owes a year of wages cannot leave an abusive employer. "
                    "Recruitment fees therefore matter for labour rights well beyond the sum itself.",
                    "Sub-agents were paid by agencies per worker delivered. Their commission, not the agency's own "
                    "margin, explains most of the gap between the legal and the actual fee.",
                ],
            ),
            (
                "3. Policy options",
                [
                    "We propose that employers in destination countries reimburse any fee a worker proves to have "
                    "paid, with reimbursement made a condition of the next visa quota. A bilateral labour agreement "
                    "between Nepal and Qatar could pilot the scheme.",
                    "Registration of sub-agents, a public list of agencies with complaints upheld, and a hotline at "
                    "the Foreign Employment Board would make the ceiling enforceable. Pre-departure orientation "
                    "should tell workers what they may legally be charged.",
                ],
            ),
        ],
    },
    {
        "slug": "remittance-costs-sri-lanka",
        "title": "The price of sending money home: remittance costs in the Sri Lanka corridor",
        "subtitle": "",
        "type": "policy_brief",
        "date": datetime.date(2024, 5, 20),
        "authors": ["fernando"],
        "doi": "",
        "countries": [],
        "themes": ["remittances"],
        "gcm": [20],
        "abstract": (
            "Sri Lankan workers in Kuwait, Qatar and the United Arab Emirates send home more than six billion US "
            "dollars a year. This brief compares what 40 money transfer services charged for a 200 dollar transfer "
            "in March 2024 and shows that digital wallets cost half as much as cash counters.\n\n"
            "We recommend that the Central Bank publish a monthly price comparison and that employers pay wages "
            "into accounts that workers can use abroad and at home."
        ),
        "sections": [
            (
                "Key messages",
                [
                    "Remittances from Sri Lankan migrant workers are the country's largest source of foreign "
                    "exchange. Every percentage point of cost is money that does not reach families.",
                    "The average cost of sending 200 US dollars from Kuwait to Colombo was 4.9 per cent; from "
                    "Qatar 4.1 per cent. Digital wallets charged 2.2 per cent on average.",
                ],
            ),
            (
                "Why costs stay high",
                [
                    "Many domestic workers, most of them women, have no bank account in their own name and no "
                    "time off to reach a branch. Their employers hold their passports and sometimes their wages. "
                    "Financial inclusion of migrants is therefore a question of labour rights as much as of "
                    "banking.",
                    "Objective 20 of the Global Compact for Migration asks states to promote faster, safer and "
                    "cheaper transfer of remittances. Sri Lanka can do more to meet it.",
                ],
            ),
            (
                "Recommendations",
                [
                    "Publish a monthly comparison of remittance prices. Require employers in the Gulf to pay wages "
                    "into accounts. Offer pre-departure orientation on digital wallets and on the risks of "
                    "informal hundi channels.",
                ],
            ),
        ],
    },
    {
        "slug": "women-domestic-workers-social-protection",
        "title": "Outside the system: social protection for women domestic workers from Bangladesh",
        "subtitle": "A working paper on portability of benefits",
        "type": "working_paper",
        "date": datetime.date(2023, 11, 2),
        "authors": ["hossain", "sharma"],
        "doi": "",
        "countries": ["BD"],
        "themes": [],
        "gcm": [],
        "abstract": (
            "Bangladeshi women who work as domestic workers in Saudi Arabia, Jordan and Lebanon are excluded from "
            "the labour law of most destination countries and from social insurance at home. Drawing on 60 "
            "interviews with returnees, we map the benefits they lost and the few they kept.\n\n"
            "We argue for a welfare fund contribution that buys into the national pension scheme and for "
            "bilateral agreements that make earned benefits portable."
        ),
        "sections": [
            (
                "Introduction",
                [
                    "Women migrant workers from Bangladesh are concentrated in domestic work in Saudi Arabia, "
                    "Jordan and Lebanon. Their jobs are excluded from labour law in most of the region, and the "
                    "kafala system ties their residence to a single employer.",
                    "This paper asks what social protection they have while abroad and after return, and what "
                    "portability of social security entitlements would require.",
                ],
            ),
            (
                "What returnees told us",
                [
                    "Most of the 60 women we interviewed had no health insurance during their contract. Several "
                    "reported gender-based violence and harassment in the employer's household and did not know "
                    "where to turn; the embassy shelter in Riyadh was full.",
                    "On return, none was covered by a pension. The years spent abroad left no entitlement, even "
                    "where the woman had paid into the Wage Earners' Welfare Fund.",
                ],
            ),
            (
                "Towards portable benefits",
                [
                    "Objective 22 of the Global Compact calls for mechanisms for the portability of social "
                    "security entitlements and earned benefits. A voluntary pension account, fed by the welfare "
                    "fund and by employers, could be a first step.",
                    "Gender equality requires that such schemes reach domestic workers, not only men in "
                    "construction. Consular support and access to justice must be part of the package.",
                ],
            ),
        ],
    },
    {
        "slug": "skills-recognition-returnees-nepal",
        "title": "Skills that come home: recognising what Nepali returnees learned abroad",
        "subtitle": "",
        "type": "report",
        "date": datetime.date(2025, 2, 14),
        "authors": ["rai", "carberry"],
        "doi": "10.5555/salam.2025.003",
        "countries": ["NP", "MY", "AE"],
        "themes": ["skills-recognition", "return-reintegration"],
        "gcm": [18, 21],
        "abstract": (
            "Returnees from Malaysia and the United Arab Emirates bring back skills in welding, electrical work and "
            "hospitality that no Nepali certificate records. We tested a recognition of prior learning pilot with "
            "320 returnees in three provinces.\n\n"
            "Certified returnees earned 18 per cent more six months later than a comparison group. We set out how "
            "the pilot could be scaled up and linked to reintegration services."
        ),
        "sections": [
            (
                "Summary",
                [
                    "Sustainable reintegration depends on work at home. Many returnees to Nepal have learned trades "
                    "abroad but cannot prove it to employers, so they look for another contract in the Gulf.",
                    "Skills recognition is the subject of Objective 18 of the Global Compact for Migration, which "
                    "asks states to facilitate mutual recognition of skills, qualifications and competences.",
                ],
            ),
            (
                "The pilot",
                [
                    "We assessed 320 returnees from Malaysia and the United Arab Emirates in Koshi, Bagmati and "
                    "Lumbini provinces. Assessors watched each candidate work and awarded national level-one or "
                    "level-two certificates.",
                    "Six months later, certified returnees earned 18 per cent more than a comparison group and "
                    "were less likely to be planning another departure.",
                ],
            ),
            (
                "Scaling up",
                [
                    "Return and reintegration services at provincial level should offer assessment. Bilateral "
                    "labour agreements with destination countries could recognise Nepali certificates before "
                    "departure, so that skills count at both ends of the migration cycle (Objective 21).",
                ],
            ),
        ],
    },
    {
        "slug": "migration-data-colombo-process",
        "title": "Counting those who leave: migration data in the Colombo Process countries",
        "subtitle": "",
        "type": "report",
        "date": datetime.date(2023, 6, 30),
        "authors": ["qureshi", "sharma", "hossain"],
        "doi": "",
        "countries": [],
        "themes": [],
        "gcm": [],
        "abstract": (
            "Pakistan, India, Bangladesh and the Philippines register departing workers, but each counts "
            "differently and few count returns. We compare twelve national data sources and find that none "
            "publishes disaggregated data on women, on returnees or on recruitment costs.\n\n"
            "A shared minimum dataset agreed under the Colombo Process would make regional comparison possible."
        ),
        "sections": [
            (
                "Why data matter",
                [
                    "Objective 1 of the Global Compact for Migration asks states to collect and use accurate and "
                    "disaggregated data as a basis for evidence-based policies. Migration data and evidence are "
                    "thin in South Asia despite decades of large-scale labour migration.",
                ],
            ),
            (
                "What is counted",
                [
                    "Pakistan's Bureau of Emigration registers every worker who departs through a licensed "
                    "promoter. India counts only workers in countries that require emigration clearance. "
                    "Bangladesh publishes monthly departures by destination, including Saudi Arabia, Oman and "
                    "Malaysia, and by sex.",
                    "No country publishes the number of returnees, the cost of recruitment or the wages actually "
                    "paid, so labour market analysis relies on one-off surveys.",
                ],
            ),
            (
                "A minimum dataset",
                [
                    "We propose that Colombo Process members agree a minimum dataset: departures and returns by "
                    "sex, age, occupation and destination, recruitment costs and remittances. Regional dialogue "
                    "on migration governance would then rest on comparable numbers.",
                ],
            ),
        ],
    },
    {
        "slug": "crisis-response-gulf-pandemic",
        "title": "Stranded: consular support for South Asian workers in the Gulf during the pandemic",
        "subtitle": "",
        "type": "book_chapter",
        "date": datetime.date(2022, 10, 5),
        "authors": ["qureshi", "fernando"],
        "doi": "",
        "countries": ["PK", "LK", "KW"],
        "themes": ["crisis-response", "consular-support"],
        "gcm": [14],
        "abstract": (
            "When flights stopped in 2020, hundreds of thousands of Pakistani and Sri Lankan workers in Kuwait and "
            "the United Arab Emirates lost their jobs and could not go home. This chapter reconstructs how "
            "embassies responded, from food distribution to repatriation flights.\n\n"
            "We draw lessons for crisis preparedness: registers of nationals abroad, welfare funds that can be "
            "spent quickly, and agreements on unpaid wages."
        ),
        "sections": [
            (
                "Introduction",
                [
                    "The pandemic was a test of consular protection and assistance. Pakistani and Sri Lankan "
                    "workers in Kuwait were laid off in large numbers; many had unpaid wages and expired permits.",
                ],
            ),
            (
                "How embassies responded",
                [
                    "Embassies used community welfare attachés to distribute food and arrange shelter. "
                    "Repatriation flights were organised, but workers often had to pay for quarantine on arrival.",
                    "Claims for unpaid wages were rarely pursued once the worker had left. Access to justice and "
                    "remedy ended at the airport.",
                ],
            ),
            (
                "Lessons for crisis preparedness",
                [
                    "Objective 14 of the Global Compact calls for enhanced consular protection throughout the "
                    "migration cycle. A register of nationals abroad, pre-agreed welfare fund rules and a "
                    "mechanism for wage claims after return would prepare governments for the next crisis.",
                ],
            ),
        ],
    },
    {
        "slug": "bilateral-agreements-malaysia",
        "title": "Reading the fine print: bilateral labour agreements between South Asia and Malaysia",
        "subtitle": "",
        "type": "policy_brief",
        "date": datetime.date(2025, 4, 8),
        "authors": ["sharma", "thapa"],
        "doi": "",
        "countries": ["MY", "BD", "NP", "IN"],
        "themes": ["bilateral-agreements"],
        "gcm": [5, 23],
        "abstract": (
            "Bangladesh, Nepal and India have each signed memoranda of understanding with Malaysia on the "
            "recruitment of workers. We compare their clauses on fees, wages, passports and dispute resolution.\n\n"
            "The newest agreements are better on paper, but none has a functioning joint committee. We suggest "
            "how the next round of negotiations could close the gap."
        ),
        "embargo_days": 120,
        "sections": [
            (
                "Key points",
                [
                    "Bilateral labour migration agreements are the main instrument governing recruitment from "
                    "Bangladesh, Nepal and India to Malaysia. They matter for pathways for regular migration "
                    "(Objective 5) and for international cooperation (Objective 23).",
                ],
            ),
            (
                "What the agreements say",
                [
                    "The Nepal-Malaysia memorandum of 2018 puts recruitment costs on the employer. The "
                    "Bangladesh agreement caps fees but lets agencies charge for services. Only one agreement "
                    "forbids employers to keep workers' passports.",
                    "Dispute resolution is weak everywhere: joint working groups rarely meet and workers cannot "
                    "bring complaints to them.",
                ],
            ),
            (
                "Recommendations",
                [
                    "Publish the agreements. Give the joint committees a secretariat and a complaints channel. "
                    "Tie fair recruitment clauses to quotas, so that compliance has consequences.",
                ],
            ),
        ],
    },
]
RELATED = {
    "recruitment-fees-nepal-gulf": ["bilateral-agreements-malaysia", "skills-recognition-returnees-nepal"],
    "remittance-costs-sri-lanka": ["women-domestic-workers-social-protection"],
    "skills-recognition-returnees-nepal": ["recruitment-fees-nepal-gulf"],
}

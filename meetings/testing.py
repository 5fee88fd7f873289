"""Test and benchmark data for meetings: generated reports of any size, in the RCM's layout."""

TEMPLATES = [
    "To thank the delegation of Guatemala for the presentation of its national report number {i}.",
    "Take note of the study {i} that IOM will develop on the reception of returned children during the "
    "second quarter of 2019.",
    "To receive the progress presented by UNICEF on the regional guide number {i}.",
    "To recommend to the RCGM the approval of a workshop {i} on consular protection during 2019.",
    "To reaffirm the commitment of the Member Countries to the plan, and to welcome the joint proposal "
    "presented by UNICEF and the ICRC for the development of the toolkit {i}.",
    "To approve the terms of reference {i}. The TS will circulate them to the liaison officers by March 31, 2019.",
    "Regarding the follow-up of the Strategic Plan, item {i}, it was agreed:",
    "To thank Mexico for its offer to host the meeting {i} in the first quarter of 2020.",
]
ITEMS = [
    "The PPT and the TS will provide the annual follow-up of the regional actions of item {i}.",
    "Each country will monitor the national actions of item {i} and report before the end of 2019.",
]


def report_lines(count=60):
    """A generated report in the RCM's layout with `count` numbered agreements (some with sub-items)."""
    lines = [
        "MEETING OF THE LIAISON OFFICER NETWORK FOR THE PROTECTION OF MIGRANT BOYS, GIRLS AND ADOLESCENTS",
        "REPORT OF THE LIAISON OFFICER NETWORK FOR THE PROTECTION OF MIGRANT BOYS, GIRLS AND ADOLESCENTS",
        "IV Virtual Meeting",
        "March 5th, 2019",
        "The Liaison Officer Network for the Protection of Migrant Boys, Girls and Adolescents held virtually its "
        "seventh meeting in accordance with the conclusions of the XXIII RCGM meeting. The meeting had the "
        "participation of representatives from Belize, Canada, Costa Rica, El Salvador, Guatemala, Honduras, "
        "Mexico, Nicaragua, Panama, the Dominican Republic and the United States.",
        "The Network submits its report to the RCGM, contained in the following items:",
    ]
    for i in range(1, count + 1):
        template = TEMPLATES[i % len(TEMPLATES)]
        lines.append(f"{i}. {template.format(i=i)}")
        if template.endswith("agreed:"):
            for letter, item in zip("ab", ITEMS, strict=True):
                lines.append(f"{letter}) {item.format(i=i)}")
    return lines

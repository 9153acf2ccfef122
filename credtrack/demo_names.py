"""Names for demo data, from many languages and scripts, so screens and certificates meet real names."""

from __future__ import annotations

# (given names, family names); a demo person takes both from the same group.
NAME_GROUPS: list[tuple[list[str], list[str]]] = [
    (
        ["Minh", "Thu Hà", "Quốc Bảo", "Thị Lan", "Văn Hùng", "Ngọc Ánh", "Đức Anh"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng"],
    ),
    (
        ["Γιώργος", "Ελένη", "Νίκος", "Μαρία", "Δημήτρης", "Αικατερίνη"],
        ["Κωνσταντίνου", "Γεωργίου", "Νικολάου", "Ιωάννου", "Αθανασίου"],
    ),
    (
        ["Анна", "Дмитрий", "Олена", "Сергей", "Наталья", "Иван"],
        ["Коваленко", "Шевченко", "Бондаренко", "Мельник", "Ткачук", "Кравчук"],
    ),
    (
        [
            "Zoë",
            "José",
            "Chloé",
            "Søren",
            "Björn",
            "Małgorzata",
            "Ayşe",
            "Siobhán",
            "François",
            "Jürgen",
            "İbrahim",
            "Łucja",
            "Inés",
            "Joaquín",
            "Anaïs",
            "Mónica",
        ],
        [
            "O'Brien-Łukasiewicz",
            "Álvarez",
            "Lefèvre",
            "Østergaard",
            "Åkesson",
            "Wiśniewska",
            "Yılmaz",
            "Ní Bhriain",
            "Dubois",
            "Müller",
            "Çelik",
            "Muñoz",
            "García Márquez",
            "Nuñez",
            "Brontë",
        ],
    ),
    (
        [
            "Maria",
            "James",
            "Aisha",
            "Emily",
            "Kwame",
            "Priya",
            "Daniel",
            "Fatima",
            "Liam",
            "Grace",
            "Samuel",
            "Hannah",
            "Omar",
            "Ruth",
            "Tomás",
            "Leah",
        ],
        [
            "Garcia",
            "Okafor",
            "Rahman",
            "Chen",
            "Mensah",
            "Natarajan",
            "Walker",
            "Haddad",
            "Murphy",
            "Kim",
            "Adeyemi",
            "Cohen",
            "Patel",
            "Johansson",
            "Silva",
            "Nakamura",
        ],
    ),
]

# Each unit with its service line and site: the demo's hospital has a main site and a community campus.
UNIT_DETAILS = [
    ("Emergency", "Emergency medicine", "Riverbend General"),
    ("Intensive care", "Critical care", "Riverbend General"),
    ("Medicine 4 North", "Medicine", "Riverbend General"),
    ("Surgery 3 West", "Surgery", "Riverbend General"),
    ("Paediatrics", "Women and children", "Riverbend General"),
    ("Oncology", "Cancer care", "Riverbend General"),
    ("Rehabilitation", "Rehabilitation", "Eastside Campus"),
    ("Maternity", "Women and children", "Eastside Campus"),
    ("Community health", "Community and primary care", "Eastside Campus"),
    ("Pharmacy services", "Clinical support", "Riverbend General"),
]
UNITS = [name for name, _line, _site in UNIT_DETAILS]

SETTINGS = [
    "Ward round",
    "Simulation centre",
    "Handoff at shift change",
    "Family meeting",
    "Rapid response call",
    "Discharge planning",
    "Outpatient clinic",
]

COMMENTS = [
    "Clear, structured handoff; invited questions from the receiving nurse.",
    "Spoke up about a medication concern and proposed a safe alternative.",
    "Led the debrief well; made sure every profession was heard.",
    "Needs prompting to check understanding with the patient's family.",
    "Good use of closed-loop communication during the simulation.",
    "Explained own role and limits clearly to the team.",
    "",
]

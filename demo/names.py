"""Fictional names for the demo's people and care workers, chosen from the ref (an MD5 of it, not a
random draw): adding them changes no other value of the data."""

from __future__ import annotations

from hashlib import md5

# People who draw on care are mostly in their eighties: names of their generation.
PEOPLE_FIRST = (
    "Margaret", "Jean", "Dorothy", "Joan", "Doreen", "Betty", "Eileen", "Irene", "Sheila", "Brenda", "Kathleen",
    "Maureen", "Patricia", "Barbara", "Pauline", "Audrey", "Edna", "Vera", "Mavis", "Hilda", "Arthur", "Frank",
    "Harold", "Kenneth", "Ronald", "Dennis", "Albert", "Stanley", "Leslie", "Norman", "Walter", "Derek", "Alan",
    "Brian", "Gordon", "Roy", "Malcolm", "Trevor", "Gurdev", "Mohammed", "Iqbal", "Winston", "Pearl", "Hyacinth",
)  # fmt: skip
WORKER_FIRST = (
    "Amira", "Ben", "Chloe", "Daniel", "Ella", "Femi", "Grace", "Hassan", "Imogen", "Jade", "Kieran", "Leah",
    "Mo", "Nadia", "Owen", "Priya", "Rachel", "Sam", "Tomasz", "Una", "Victoria", "Wes", "Yasmin", "Zainab",
    "Aisha", "Bethany", "Callum", "Danielle", "Emeka", "Fatima", "Gemma", "Holly", "Jordan", "Kasia", "Lewis",
    "Megan", "Naomi", "Olivia", "Ryan", "Sophie", "Tariq", "Usha", "Vicky", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
    "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke", "Jackson", "Turner", "Hill", "Moore", "Cooper", "Ward",
    "Shaw", "Booth", "Holmes", "Dawson", "Lister", "Barker", "Pickles", "Akhtar", "Hussain", "Khan", "Begum",
    "Patel", "Singh", "Kaur", "Nowak", "Kowalski", "Okafor", "Mensah", "Campbell", "Murphy", "Kelly",
)  # fmt: skip


def _pick(ref: str, salt: str, names: tuple[str, ...]) -> str:
    return names[int(md5(f"{salt}:{ref}".encode()).hexdigest()[:8], 16) % len(names)]


def person_name(ref: str) -> str:
    return f"{_pick(ref, 'first', PEOPLE_FIRST)} {_pick(ref, 'last', SURNAMES)}"


def worker_name(ref: str) -> str:
    return f"{_pick(ref, 'first', WORKER_FIRST)} {_pick(ref, 'last', SURNAMES)}"

"""The newborn's citizenship from the parents' and the marriage (UU 12/2006, domain.md 3.6, 11)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

WNI, WNA = "WNI", "WNA"
DUAL_UNTIL_AGE = 18  # UU 12/2006 Pasal 6(1): limited dual citizenship until 18
CHOOSE_WITHIN_YEARS = 3  # Pasal 6(3): the choice is made within 3 years after turning 18


@dataclass(frozen=True)
class Citizenship:
    kewarganegaraan: str  # WNI or WNA
    ganda_terbatas: bool = False  # limited dual citizenship (Pasal 6)
    dasar_hukum: str = ""
    orang_tua_asing: str | None = None  # "AYAH" or "IBU" when exactly one parent is foreign
    persyaratan: tuple[str, ...] = field(default_factory=tuple)  # documents the family brings

    def as_detail(self) -> dict[str, Any]:
        return {"kewarganegaraan": self.kewarganegaraan, "ganda_terbatas": self.ganda_terbatas,
                "dasar_hukum": self.dasar_hukum, "orang_tua_asing": self.orang_tua_asing,
                "persyaratan": list(self.persyaratan)}


def child_citizenship(mother: str, father: str | None, marriage_status: str) -> Citizenship:
    """`mother`/`father`: WNI or WNA (father None: not named); marriage_status as reported.

    Dual citizenship needs the registered marriage (its certificate goes to Imigrasi).

    UU 12/2006 Pasal 4: c) WNI father, WNA mother and d) WNA father, WNI mother in a legal
    marriage; g) born outside a legal marriage to a WNI mother; h) to a WNA mother, acknowledged
    by a WNI father. Pasal 6: c, d and h hold dual citizenship until 18. Domain.md 3.6: the
    foreign parent's paspor and KITAS/KITAP are required; both parents foreign: an OA child.
    """
    married = marriage_status == "TERCATAT"
    foreign = _foreign_parent(mother, father)
    if mother == WNA and (father is None or father == WNA):
        return Citizenship(WNA, dasar_hukum="UU 12/2006: kedua orang tua WNA (orang asing)",
                           persyaratan=_papers("IBU") + (_papers("AYAH") if father else ()))
    if foreign is None:  # b: WNI father and mother; g: a WNI mother, no father named
        return Citizenship(WNI, dasar_hukum=f"UU 12/2006 Pasal 4 huruf {'b' if father else 'g'}")
    if not married and foreign == "AYAH":  # outside a legal marriage: the WNI mother's child
        return Citizenship(WNI, dasar_hukum="UU 12/2006 Pasal 4 huruf g",
                           orang_tua_asing="AYAH", persyaratan=_papers("AYAH"))
    letter = ("d" if foreign == "AYAH" else "c") if married else "h"
    return Citizenship(WNI, ganda_terbatas=True, orang_tua_asing=foreign,
                       dasar_hukum=f"UU 12/2006 Pasal 4 huruf {letter}, Pasal 6",
                       persyaratan=(*_papers(foreign), "AFIDAVIT_IMIGRASI"))


def dual_citizenship_dates(born: date) -> tuple[date, date]:
    """(the day dual citizenship ends: the 18th birthday, the last day to choose: the 21st)."""
    return _birthday(born, DUAL_UNTIL_AGE), _birthday(born, DUAL_UNTIL_AGE + CHOOSE_WITHIN_YEARS)


def _foreign_parent(mother: str, father: str | None) -> str | None:
    if mother == WNA and father == WNI:
        return "IBU"
    if mother == WNI and father == WNA:
        return "AYAH"
    return None


def _papers(parent: str) -> tuple[str, ...]:
    return (f"PASPOR_{parent}", f"KITAS_ATAU_KITAP_{parent}")


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February: the day after 28 February
        return date(born.year + years, 3, 1)

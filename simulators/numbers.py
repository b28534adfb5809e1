"""Issues synthetic NIK, nomor KK and JKN numbers from the reserved ranges (domain.md 8.4)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from simulators.records import SERIAL_FIRST, SERIAL_LAST


class NumberIssuer:
    """NIK and nomor KK share the serial counters, so a NIK never equals a nomor KK."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serials: dict[str, int] = {}
        self.jkn_numbers: set[str] = set()

    def sixteen_digits(self, kec: str, day: date, plus40: bool) -> tuple[str, date]:
        """Region + DDMMYY (+40 women) + next serial 9900-9999; a full prefix goes a day back."""
        while True:
            prefix = f"{kec}{day.day + (40 if plus40 else 0):02d}{day:%m%y}"
            serial = self.serials.get(prefix, SERIAL_FIRST)
            if serial <= SERIAL_LAST:
                self.serials[prefix] = serial + 1
                return f"{prefix}{serial}", day
            day -= timedelta(days=1)

    def jkn(self) -> str:
        """A 13-digit card number with the fake prefix 99."""
        while (number := f"99{self.rng.randrange(10**11):011d}") in self.jkn_numbers:
            pass
        self.jkn_numbers.add(number)
        return number

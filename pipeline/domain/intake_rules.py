"""Rules across a birth report's fields and against the clock; each problem names its field."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from datetime import datetime, timedelta

from schemas.api import FieldProblem
from schemas.birth import BirthReport
from schemas.identifiers import nik_sex

CLOCK_SKEW = timedelta(minutes=5)  # a facility's clock may run a little ahead of ours
MAX_AGE = timedelta(days=365)  # older: a court or Dinas matter, not a hospital report
Rule = Callable[[BirthReport, datetime], Iterator[FieldProblem]]
RULES: list[tuple[frozenset[str], Rule]] = []


def check(report: BirthReport, now: datetime,
          valid: Collection[str] | None = None) -> list[FieldProblem]:
    """Every rule whose fields are all in `valid` (all of them by default), every problem found.

    `now` is the injected clock's time (style.md: never a bare datetime.now())."""
    return [problem for needs, rule in RULES
            if valid is None or needs <= set(valid)
            for problem in rule(report, now)]


def _rule(*needs: str) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        RULES.append((frozenset(needs), rule))
        return rule
    return register


def _problem(field: str, code: str, message: str) -> FieldProblem:
    return FieldProblem(field=field, code=code, message=message)


@_rule("born_at")
def born_in_the_last_year(r: BirthReport, now: datetime) -> Iterator[FieldProblem]:
    """Not in the future (with clock skew), at most a year back. Between 60 days and a year the
    birth is accepted and SIAK registers it late, akta `LT` (domain.md 3.2, 3.6)."""
    if r.born_at > now + CLOCK_SKEW:
        yield _problem("born_at", "BIRTH_IN_FUTURE", "born_at is later than now")
    elif r.born_at < now - MAX_AGE:
        yield _problem("born_at", "BIRTH_TOO_OLD",
                       "born_at is more than a year ago; register this birth at Disdukcapil")


@_rule("mother")
def mother_nik_says_female(r: BirthReport, _now: datetime) -> Iterator[FieldProblem]:
    """The NIK's day field carries the sex: +40 for women (domain.md 1.1, 1.2 rule 4)."""
    if nik_sex(r.mother.nik) != "P":
        yield _problem("mother.nik", "NIK_SEX_MISMATCH",
                       "the mother's NIK says male (day field 01-31; a woman's is 41-71)")


@_rule("father")
def father_nik_says_male(r: BirthReport, _now: datetime) -> Iterator[FieldProblem]:
    """domain.md 1.1, 1.2 rule 4."""
    if r.father is not None and nik_sex(r.father.nik) != "L":
        yield _problem("father.nik", "NIK_SEX_MISMATCH",
                       "the father's NIK says female (day field 41-71; a man's is 01-31)")


@_rule("child")
def birth_order_within_multiplicity(r: BirthReport, _now: datetime) -> Iterator[FieldProblem]:
    """Twins and more: kelahiran ke- runs 1..multiplicity (domain.md 3.6)."""
    if r.child.birth_order > r.child.multiplicity:
        yield _problem("child.birth_order", "BIRTH_ORDER_EXCEEDS_MULTIPLICITY",
                       f"birth_order {r.child.birth_order} exceeds multiplicity "
                       f"{r.child.multiplicity}")


@_rule("marriage", "father")
def registered_marriage_names_the_father(r: BirthReport,
                                         _now: datetime) -> Iterator[FieldProblem]:
    """A registered marriage puts both parents on the akta (domain.md 3.5, 3.6)."""
    if r.marriage.status == "TERCATAT" and r.father is None:
        yield _problem("father", "FATHER_REQUIRED",
                       "marriage.status TERCATAT needs the father (or another status)")


@_rule("informant", "mother", "father")
def informant_is_the_parent_named(r: BirthReport, _now: datetime) -> Iterator[FieldProblem]:
    """A pelapor reported as AYAH or IBU is that parent, by NIK (contract.md 2.2, domain.md 3.5)."""
    relation = r.informant.relation
    if relation not in ("AYAH", "IBU"):
        return
    parent = r.father if relation == "AYAH" else r.mother
    if parent is None or parent.nik != r.informant.nik:
        who = "father" if relation == "AYAH" else "mother"
        yield _problem("informant.nik", "INFORMANT_MISMATCH",
                       f"the informant is {relation} but the NIK is not the {who}'s")


@_rule("witnesses", "mother", "father")
def witnesses_are_two_others(r: BirthReport, _now: datetime) -> Iterator[FieldProblem]:
    """Two saksi besides the parents (domain.md 3.5 item 4)."""
    parents = {r.mother.nik} | ({r.father.nik} if r.father else set())
    seen: set[str] = set()
    for i, witness in enumerate(r.witnesses):
        if witness.nik in parents:
            yield _problem(f"witnesses.{i}.nik", "WITNESS_IS_PARENT",
                           "a witness cannot be the mother or the father")
        elif witness.nik in seen:
            yield _problem(f"witnesses.{i}.nik", "WITNESS_DUPLICATE",
                           "the two witnesses must be two different people")
        seen.add(witness.nik)

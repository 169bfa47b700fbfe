"""Named validators about the persons of a registration: who may be registered along, how
spouses, children and their dwellings fit together. Every argument (field names, codes) comes
from the service definition; the law each rule follows is in its docstring and message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from portal.definitions.conditions import evaluate
from portal.definitions.messages import N_, FieldError, Message
from portal.definitions.model import Condition
from portal.definitions.validators import NONE, CheckContext, Findings, validator

Items = list[Mapping[str, Any]]


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _items(answers: Mapping[str, Any], group: str) -> Items:
    value = answers.get(group)
    return [i for i in value if isinstance(i, Mapping)] if isinstance(value, list) else []


def _error(group: str, index: int, name: str, text: str,
           params: Mapping[str, Any] | None = None) -> FieldError:
    return FieldError(f"{group}.{index}.{name}", Message(text, dict(params or {})))


OTHER_ADULT = N_(
    "Andere Erwachsene müssen sich selbst anmelden (§ 17 Abs. 1 BMG), zum Beispiel mit ihrem "
    "eigenen Online-Ausweis. Mit Ihnen zusammen melden Sie nur Ihre Ehegattin oder Ihren "
    "Ehegatten bzw. Ihre eingetragene Lebenspartnerin oder Ihren Lebenspartner und Ihre "
    "minderjährigen Kinder an (§ 23 Abs. 5 BMG).")
ADULT_CHILD = N_(
    "Diese Person ist am %(date)s volljährig. Volljährige Kinder müssen sich selbst anmelden "
    "(§ 17 Abs. 1 BMG).")
CHILD_TOO_OLD = N_(
    "Für eine andere Person melden Sie online nur Kinder unter 16 Jahren an, die in Ihre "
    "Wohnung einziehen oder aus ihr ausziehen (§ 17 Abs. 3 BMG). Diese Person ist am %(date)s "
    "16 Jahre oder älter und muss sich selbst melden.")
ONLY_CHILDREN = N_(
    "Wenn Sie nur Ihr Kind melden, tragen Sie hier nur Kinder unter 16 Jahren ein (§ 17 Abs. 3 "
    "BMG). Möchten Sie sich selbst mitmelden, wählen Sie im ersten Schritt, dass Sie sich "
    "selbst melden.")
ONE_PARTNER = N_("Es kann nur eine Ehegattin, ein Ehegatte oder eine eingetragene "
                 "Lebenspartnerin bzw. ein Lebenspartner mitgemeldet werden.")
NO_PARTNER = N_("In diesem Antrag ist keine Ehegattin, kein Ehegatte und keine "
                "Lebenspartnerin bzw. kein Lebenspartner mitgemeldet. Eine gesetzliche "
                "Vertretung, die nicht mitgemeldet wird, geben Sie bitte mit ihren Daten an "
                "(§ 3 Abs. 1 Nr. 9 BMG).")


@validator("registered_persons")
def registered_persons(answers: Mapping[str, Any], args: Mapping[str, Any],
                       ctx: CheckContext) -> Findings:
    """Who may be on one registration (§ 17 Abs. 1 and 3, § 23 Abs. 5 BMG).

    In `self` mode the signed-in person is the first item and registers their spouse or
    registered partner (at most one) and minor children along; every other adult must register
    themselves. In `child` mode a parent or guardian registers only children under 16 who move
    into (or out of) their home (§ 17 Abs. 3 Satz 1 BMG)."""
    group, rel, born = args["group"], args["relationship"], args["birth_date"]
    codes: Mapping[str, Any] = args["codes"]
    mode = answers.get(args["mode"])
    day = _date(answers.get(args["date"])) or ctx.today
    errors: list[FieldError] = []
    partners = 0
    items = _items(answers, group)
    flag = args.get("partner_flag")
    has_partner = any(i.get(rel) in codes["partners"] for i in items)
    for index, item in enumerate(items):
        if flag and item.get(flag) is True and not has_partner:
            errors.append(_error(group, index, flag, NO_PARTNER))
        relationship = item.get(rel)
        birth = _date(item.get(born))
        age = age_on(birth, day) if birth else None
        when = {"date": day.strftime("%d.%m.%Y")}
        if relationship == codes["other"]:
            errors.append(_error(group, index, rel, OTHER_ADULT))
        elif mode == args["child_mode"]:
            if relationship != codes["child"]:
                errors.append(_error(group, index, rel, ONLY_CHILDREN))
            elif age is not None and age >= int(args.get("child_age_limit", 16)):
                errors.append(_error(group, index, born, CHILD_TOO_OLD, when))
        elif relationship in codes["partners"]:
            partners += 1
            if partners > 1:
                errors.append(_error(group, index, rel, ONE_PARTNER))
        elif relationship == codes["child"] and age is not None \
                and age >= int(args.get("majority", 18)):
            errors.append(_error(group, index, born, ADULT_CHILD, when))
    return Findings(errors, [])


NOT_MARRIED = N_(
    "Für die Ehegattin oder den Ehegatten bzw. die Lebenspartnerin oder den Lebenspartner "
    "muss der Familienstand „%(status)s“ lauten – wie bei Ihnen selbst (§ 3 Abs. 1 Nr. 14 und "
    "15 BMG).")
MARRIAGE_DIFFERS = N_(
    "Diese Angabe zur Eheschließung bzw. Begründung der Lebenspartnerschaft muss bei beiden "
    "Partnern gleich sein (§ 3 Abs. 1 Nr. 14 BMG).")


@validator("partners_consistent")
def partners_consistent(answers: Mapping[str, Any], args: Mapping[str, Any],
                        ctx: CheckContext) -> Findings:
    """A spouse or registered partner registered along is linked to the first person: both
    have the marital status of their bond and the same date, place and state of the marriage or
    partnership (§ 3 Abs. 1 Nr. 14 and 15 BMG)."""
    group, rel, status = args["group"], args["relationship"], args["marital_status"]
    statuses: Mapping[str, str] = args["statuses"]  # relationship code -> marital status code
    items = _items(answers, group)
    if not items:
        return NONE
    first = items[0]
    errors: list[FieldError] = []
    for index, item in enumerate(items[1:], 1):
        wanted = statuses.get(str(item.get(rel)))
        if wanted is None:
            continue
        for person, where in ((first, 0), (item, index)):
            if person.get(status) not in (None, wanted):
                errors.append(_error(group, where, status, NOT_MARRIED,
                                     {"status": {"de": str(args["labels"][wanted]["de"]),
                                                 "en": str(args["labels"][wanted]["en"])}}))
        if first.get(status) == wanted and item.get(status) == wanted:
            for name in args.get("same", []):
                if first.get(name) != item.get(name):
                    errors.append(_error(group, index, name, MARRIAGE_DIFFERS))
    return Findings(errors, [])


SOLE_BUT_OTHERS = N_(
    "Sie haben weitere Wohnungen angegeben. Dann ist die neue Wohnung nicht die alleinige "
    "Wohnung, sondern Haupt- oder Nebenwohnung (§ 21 Abs. 1 bis 3 BMG).")
NO_OTHERS = N_(
    "Eine Haupt- oder Nebenwohnung setzt eine weitere Wohnung im Inland voraus (§ 21 BMG). "
    "Bitte geben Sie die weitere Wohnung an oder wählen Sie „alleinige Wohnung“.")
SECONDARY_NEEDS_MAIN = N_(
    "Ist die neue Wohnung eine Nebenwohnung, muss genau eine Ihrer weiteren Wohnungen die "
    "Hauptwohnung sein (§ 21 Abs. 1 BMG).")
TWO_MAIN = N_(
    "Ist die neue Wohnung die Hauptwohnung, sind alle weiteren Wohnungen Nebenwohnungen "
    "(§ 21 Abs. 1 und 3 BMG).")
FAMILY_MAIN = N_(
    "Für Ehegatten, Lebenspartner und minderjährige Kinder ist die Hauptwohnung die "
    "vorwiegend benutzte Wohnung der Familie (§ 22 Abs. 1 und 2 BMG): Bitte geben Sie für "
    "diese Person denselben Wohnungsstatus an wie für Person 1.")


@validator("dwelling_statuses")
def dwelling_statuses(answers: Mapping[str, Any], args: Mapping[str, Any],
                      ctx: CheckContext) -> Findings:
    """Each person's status of the new dwelling fits the other dwellings kept (§ 21 BMG), which
    all persons of one registration share (§ 23 Abs. 5 BMG); spouses, partners and minor
    children share the family's main residence (§ 22 Abs. 1 and 2 BMG)."""
    group, status = args["group"], args["status"]
    codes: Mapping[str, str] = args["codes"]  # sole, main, secondary
    others = [d for d in _items(answers, args["dwellings"]) if isinstance(d, Mapping)]
    others_main = sum(1 for d in others if d.get(args["dwelling_status"]) == codes["main"])
    family: Mapping[str, Any] = args.get("family") or {}
    items = _items(answers, group)
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        value = item.get(status)
        text = None
        if value == codes["sole"] and others:
            text = SOLE_BUT_OTHERS
        elif value in (codes["main"], codes["secondary"]) and not others:
            text = NO_OTHERS
        elif value == codes["secondary"] and others_main != 1:
            text = SECONDARY_NEEDS_MAIN
        elif value == codes["main"] and others_main:
            text = TWO_MAIN
        elif (family and index > 0 and items[0].get(family["relationship"]) == family["self"]
              and item.get(family["relationship"]) in family["codes"]
              and value is not None and value != items[0].get(status)):
            text = FAMILY_MAIN
        if text:
            errors.append(_error(group, index, status, text))
    return Findings(errors, [])


@validator("one_answer_of")
def one_answer_of(answers: Mapping[str, Any], args: Mapping[str, Any],
                  ctx: CheckContext) -> Findings:
    """In each item of `group` that matches `when`, at least one of `fields` is answered yes;
    the definition gives the message and its legal source (e.g. a minor's legal
    representatives, § 3 Abs. 1 Nr. 9 BMG)."""
    group, names = args["group"], list(args["fields"])
    when = Condition.model_validate(args["when"]) if args.get("when") else None
    errors = []
    for index, item in enumerate(_items(answers, group)):
        if not evaluate(when, answers, item):
            continue
        answered = [item.get(n) for n in names]
        if any(a is True for a in answered) or any(a is None for a in answered):
            continue  # one is yes, or a question is still open (required-ness reports it)
        errors.append(_error(group, index, names[-1], N_("%(reason)s"),
                             {"reason": dict(args["message"])}))
    return Findings(errors, [])


@validator("required_answer")
def required_answer(answers: Mapping[str, Any], args: Mapping[str, Any],
                    ctx: CheckContext) -> Findings:
    """`field` must be answered `equals` to go on; the definition gives the message and its
    legal source (e.g. the landlord confirmation naming every person, § 19 Abs. 3 BMG)."""
    name = args["field"]
    value = answers.get(name)
    if value is None or value == args["equals"]:
        return NONE
    return Findings([FieldError(name, Message(N_("%(reason)s"),
                                              {"reason": dict(args["message"])}))], [])

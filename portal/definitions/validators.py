"""Named cross-field validators, referenced from service definitions by name.

A validator sees all answers and returns findings: errors block the step (or submission),
notices explain something (e.g. a missed legal deadline) without blocking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from portal.definitions.messages import N_, FieldError, Message
from portal.definitions.municipality import Municipality


@dataclass(frozen=True)
class CheckContext:
    today: date
    municipality: Municipality
    # Top-level answers the signed-in person's eID vouches for (locked in the form); None when
    # no identity is known (then no finding depends on it).
    verified: frozenset[str] | None = None


@dataclass(frozen=True)
class Findings:
    errors: list[FieldError]
    notices: list[Message]


Validator = Callable[[Mapping[str, Any], Mapping[str, Any], CheckContext], Findings]
VALIDATORS: dict[str, Validator] = {}
NONE = Findings([], [])


def validator(name: str) -> Callable[[Validator], Validator]:
    def register(fn: Validator) -> Validator:
        VALIDATORS[name] = fn
        return fn
    return register


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _fmt(d: date) -> str:
    return d.strftime("%d.%m.%Y")


@validator("bmg_move_in_deadline")
def bmg_move_in_deadline(answers: Mapping[str, Any], args: Mapping[str, Any],
                         ctx: CheckContext) -> Findings:
    """§ 17 (1) BMG: register within two weeks after moving in, not before."""
    name = args.get("field", "move_in_date")
    moved_in = _date(answers.get(name))
    if moved_in is None:
        return NONE
    if moved_in > ctx.today:
        return Findings([FieldError(name, Message(N_(
            "Sie können sich erst anmelden, wenn Sie eingezogen sind (§ 17 Abs. 1 BMG). "
            "Bitte stellen Sie den Antrag ab dem %(date)s."), {"date": _fmt(moved_in)}))], [])
    deadline = moved_in + timedelta(days=14)
    if ctx.today > deadline:
        return Findings([], [Message(N_(
            "Die Frist zur Anmeldung endete am %(date)s (zwei Wochen nach dem Einzug, § 17 Abs. 1 "
            "BMG). Sie können sich trotzdem anmelden; eine verspätete Anmeldung kann als "
            "Ordnungswidrigkeit mit einem Bußgeld geahndet werden (§ 54 BMG)."),
            {"date": _fmt(deadline)})])
    return Findings([], [Message(N_(
        "Sie melden sich fristgerecht an: Die Frist endet am %(date)s."),
        {"date": _fmt(deadline)})])


@validator("bmg_move_out_deadline")
def bmg_move_out_deadline(answers: Mapping[str, Any], args: Mapping[str, Any],
                          ctx: CheckContext) -> Findings:
    """§ 17 (2) BMG: deregister at the earliest one week before, at the latest two weeks after."""
    name = args.get("field", "move_out_date")
    moved_out = _date(answers.get(name))
    if moved_out is None:
        return NONE
    earliest = moved_out - timedelta(days=7)
    if ctx.today < earliest:
        return Findings([FieldError(name, Message(N_(
            "Eine Abmeldung ist frühestens eine Woche vor dem Auszug möglich (§ 17 Abs. 2 BMG), "
            "also ab dem %(date)s."), {"date": _fmt(earliest)}))], [])
    deadline = moved_out + timedelta(days=14)
    if ctx.today > deadline:
        return Findings([], [Message(N_(
            "Die Frist zur Abmeldung endete am %(date)s (zwei Wochen nach dem Auszug, § 17 Abs. 2 "
            "BMG). Sie können sich trotzdem abmelden; eine verspätete Abmeldung kann als "
            "Ordnungswidrigkeit mit einem Bußgeld geahndet werden (§ 54 BMG)."), {"date": _fmt(deadline)})])
    return NONE


@validator("dates_in_order")
def dates_in_order(answers: Mapping[str, Any], args: Mapping[str, Any],
                   ctx: CheckContext) -> Findings:
    """`earlier` must not be after `later`; inside a group when `group` is given."""
    earlier, later = args["earlier"], args["later"]
    group = args.get("group")
    rows: list[tuple[str, Mapping[str, Any]]] = (
        [(f"{group}.{i}.", item) for i, item in enumerate(answers.get(group) or [])]
        if group else [("", answers)]
    )
    errors = []
    for prefix, row in rows:
        first, second = _date(row.get(earlier)), _date(row.get(later))
        if first and second and second < first:
            errors.append(FieldError(prefix + later, Message(N_(
                "Dieses Datum darf nicht vor dem %(date)s liegen."), {"date": _fmt(first)})))
    return Findings(errors, [])


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


@validator("transponder_after_months")
def transponder_after_months(answers: Mapping[str, Any], args: Mapping[str, Any],
                             ctx: CheckContext) -> Findings:
    """§ 4 Satz 1 NHundG: a dog older than six months is marked with a transponder, so its
    number is required for such a dog (`months`, default 6)."""
    group, birth, chip = args.get("group", "dogs"), args["birth"], args["chip"]
    months = int(args.get("months", 6))
    errors = []
    for index, dog in enumerate(answers.get(group) or []):
        born = _date(dog.get(birth))
        if born is None or dog.get(chip) or add_months(born, months) >= ctx.today:
            continue
        errors.append(FieldError(f"{group}.{index}.{chip}", Message(N_(
            "Hund %(number)s ist älter als %(months)s Monate: Bitte geben Sie seine "
            "Transpondernummer an. In Niedersachsen muss ein Hund, der älter als sechs Monate "
            "ist, mit einem Transponder gekennzeichnet sein (§ 4 Satz 1 NHundG)."),
            {"number": index + 1, "months": months})))
    return Findings(errors, [])


@validator("eid_verified")
def eid_verified(answers: Mapping[str, Any], args: Mapping[str, Any],
                 ctx: CheckContext) -> Findings:
    """Tell the back office (and the applicant) when an answer the service relies on did not
    come from the eID: e.g. the main residence for a resident parking permit below trust
    level 4. The notice's code lets a message mapper mark the answer as unverified."""
    name = args.get("field", "address")
    if ctx.verified is None or name in ctx.verified or not answers.get(name):
        return NONE
    notice = args.get("notice")
    if isinstance(notice, Mapping):
        return Findings([], [Message("%(notice)s", {"notice": dict(notice)},
                                     code=f"unverified:{name}")])
    return Findings([], [Message(N_("Diese Angabe wurde nicht mit der Online-Ausweisfunktion "
                                    "bestätigt; die Behörde prüft sie."),
                                 code=f"unverified:{name}")])


@validator("one_of")
def one_of(answers: Mapping[str, Any], args: Mapping[str, Any], ctx: CheckContext) -> Findings:
    """At least one of `fields` is answered (e.g. the dog's transponder number or the tax
    reference, so the tax office can find the dog)."""
    fields = list(args["fields"])
    if any(answers.get(name) for name in fields):
        return NONE
    notice = args.get("notice")
    message = (Message("%(notice)s", {"notice": dict(notice)}) if isinstance(notice, Mapping)
               else Message(N_("Bitte beantworten Sie mindestens eine dieser Fragen.")))
    return Findings([FieldError(fields[0], message)], [])


NOT_IN_TOWN = N_("Diese Anschrift liegt nicht in %(town)s (Postleitzahl %(postcode)s).")
NOT_IN_TOWN_HINT = N_("Diese Anschrift liegt nicht in %(town)s (Postleitzahl %(postcode)s). "
                      "%(hint)s")
UNKNOWN_STREET = N_("Die Straße „%(street)s“ gibt es unter der Postleitzahl %(postcode)s in "
                    "%(town)s nicht. Bitte prüfen Sie die Schreibweise.")


@validator("address_in_municipality")
def address_in_municipality(answers: Mapping[str, Any], args: Mapping[str, Any],
                            ctx: CheckContext) -> Findings:
    """The address in `field` lies in this municipality, checked against its own postcodes and,
    where the municipality file names one, its street directory. `hint` (from the definition)
    says what to do instead, e.g. register with the office of the other town (§ 17 Abs. 1 BMG)."""
    name = args.get("field", "new_address")
    address = answers.get(name)
    if not isinstance(address, Mapping) or not address.get("postcode"):
        return NONE
    places = ctx.municipality.places
    if places.in_municipality(address):
        return NONE
    params: dict[str, Any] = {"postcode": str(address["postcode"]),
                              "town": ctx.municipality.short_name}
    if str(address["postcode"]) in places.own_postcodes:
        params["street"] = str(address.get("street") or "")
        return Findings([FieldError(f"{name}.street", Message(UNKNOWN_STREET, params))], [])
    hint = args.get("hint")
    text = NOT_IN_TOWN
    if isinstance(hint, Mapping):
        params["hint"], text = dict(hint), NOT_IN_TOWN_HINT
    return Findings([FieldError(f"{name}.postcode", Message(text, params))], [])


@validator("exactly_one")
def exactly_one(answers: Mapping[str, Any], args: Mapping[str, Any],
                ctx: CheckContext) -> Findings:
    """Exactly one item of `group` has `field` = `equals` (e.g. one person is the applicant)."""
    group, name, wanted = args["group"], args["field"], args["equals"]
    items = answers.get(group) or []
    if not items:
        return NONE
    hits = [i for i, item in enumerate(items) if item.get(name) == wanted]
    if len(hits) == 1:
        return NONE
    path = f"{group}.{hits[1] if len(hits) > 1 else 0}.{name}"
    text = (N_("Nur eine Person kann die antragstellende Person selbst sein.") if hits
            else N_("Bitte geben Sie bei einer Person an, dass Sie es selbst sind."))
    return Findings([FieldError(path, Message(text))], [])


@validator("parking_zone")
def parking_zone(answers: Mapping[str, Any], args: Mapping[str, Any],
                 ctx: CheckContext) -> Findings:
    """The applicant's main residence must lie in a resident parking zone of the municipality."""
    name = args.get("field", "address")
    address = answers.get(name)
    if not isinstance(address, Mapping) or not address.get("street"):
        return NONE
    allowed = ctx.municipality.postcodes
    if allowed and address.get("postcode") not in allowed:
        return Findings([FieldError(f"{name}.postcode", Message(N_(
            "Diese Anschrift liegt nicht in %(town)s. Einen Bewohnerparkausweis erhalten nur "
            "Personen mit Hauptwohnung in einer Bewohnerparkzone."),
            {"town": ctx.municipality.short_name}))], [])
    zone = ctx.municipality.parking_zone_for(str(address["street"]))
    if zone is None:
        return Findings([FieldError(f"{name}.street", Message(N_(
            "Die Straße „%(street)s“ liegt in keiner Bewohnerparkzone. Bitte prüfen Sie die "
            "Schreibweise."), {"street": str(address["street"])}))], [])
    return Findings([], [Message(N_("Ihre Anschrift liegt in der Bewohnerparkzone %(zone)s."),
                                 {"zone": f"{zone.id} – {zone.name}"})])


def run_validators(refs: list[tuple[str, Mapping[str, Any]]], answers: Mapping[str, Any],
                   ctx: CheckContext) -> Findings:
    errors: list[FieldError] = []
    notices: list[Message] = []
    for name, args in refs:
        found = VALIDATORS[name](answers, args, ctx)
        errors.extend(found.errors)
        notices.extend(found.notices)
    return Findings(errors, notices)


# Validators of other modules register themselves on import.
from portal.definitions import person_rules  # noqa: E402,F401

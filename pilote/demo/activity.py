"""A believable, reproducible follow-up history for the demo CTGs.

Everything is drawn from random.Random(seed) once, by a command: nothing random happens at request
time, and the same seed gives the same updates, statuses and measurements. Updates cover the
quarters of 2025–2026 that fall within each CTG's period and not after the current quarter; they
are dated within their quarter, and so are their history rows.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import User
from pilote.conventions.models import Convention
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.monitoring.periods import Quarter, convention_quarters
from pilote.plans.models import Indicator, IndicatorTarget, PlanNode

from .services import DEMO_SLUGS, DEMO_USERS

DEFAULT_SEED = 2026
YEARS = (2025, 2026)
SHARE_OF_ACTIONS = 0.75  # the other actions have no update yet, as in real follow-ups
SKIPPED_QUARTER = 0.15  # a pilot sometimes misses a quarter
GLOBAL_INDICATOR = "Taux de couverture global"

DONE_TEXTS = [
    "Réunion de lancement avec les partenaires de l’action.",
    "Diagnostic partagé présenté au comité technique.",
    "Temps d’échange avec les familles au centre social : 18 parents présents.",
    "Rédaction du cahier des charges et lancement de la consultation.",
    "Fiche de poste validée, recrutement de l’animateur·rice en cours.",
    "Convention de partenariat signée avec l’association porteuse.",
    "Groupe de travail réuni deux fois ce trimestre.",
    "Plaquette d’information diffusée dans les mairies et les écoles.",
    "Visite d’un équipement comparable sur un territoire voisin.",
    "Recensement des besoins auprès des communes du territoire.",
    "Première permanence tenue à la maison France services.",
    "Présentation de l’action en bureau communautaire.",
    "Demande de financement déposée auprès de la Caf.",
    "Atelier parents-enfants organisé pendant les vacances scolaires.",
]
DIFFICULTY_TEXTS = [
    "Disponibilité limitée des partenaires pendant l’été.",
    "Retard dans l’instruction du dossier de financement (pièces manquantes).",
    "Difficulté à mobiliser les familles les plus éloignées des services.",
    "Départ de la référente de l’action, remplacement en cours.",
    "Local indisponible jusqu’à la fin des travaux.",
    "Calendrier des conseils municipaux : décision reportée.",
    "Peu de candidatures reçues pour le poste d’animation.",
    "Coût du projet supérieur à l’estimation initiale.",
]
NEXT_STEP_TEXTS = [
    "Présenter un bilan intermédiaire au prochain comité de pilotage.",
    "Finaliser le plan de financement avec les partenaires.",
    "Lancer la communication auprès des familles.",
    "Réunir le comité technique avec les communes concernées.",
    "Valider le calendrier de mise en œuvre en bureau communautaire.",
    "Signer la convention avec le porteur de projet.",
    "Organiser une réunion d’information publique.",
    "Mettre en place les outils de suivi de la fréquentation.",
]
FINISHED_TEXTS = [
    "Action réalisée : ouverture effective et premier bilan de fréquentation positif.",
    "Action réalisée : le dispositif fonctionne, les partenaires se sont approprié l’outil.",
    "Action réalisée conformément au calendrier prévu.",
]
POSTPONED_TEXTS = [
    "Action reportée à l’année suivante, priorité donnée au renouvellement du contrat.",
    "Report décidé en comité de pilotage faute de porteur identifié.",
]
BLOCKED_TEXTS = [
    "Action bloquée dans l’attente de l’accord de financement.",
    "Action bloquée : le partenaire porteur s’est retiré du projet.",
]
ABANDONED_TEXTS = [
    "Action abandonnée : le besoin est désormais couvert par un dispositif départemental.",
]


@dataclass
class ActivityResult:
    convention: Convention
    created: bool
    updates: int = 0
    measurements: int = 0


def generate_activity(
    *, seed: int = DEFAULT_SEED, reset: bool = False, today: datetime.date | None = None
) -> list[ActivityResult]:
    """Give each demo CTG its quarterly updates and measurements (skipped if it has some)."""
    today = today or timezone.localdate()
    results = []
    for slug in DEMO_SLUGS:
        convention = Convention.objects.filter(slug=slug).first()
        if convention is None:
            continue
        with transaction.atomic():
            if reset:
                _reset(convention)
            elif ActionUpdate.objects.filter(convention=convention).exists():
                results.append(ActivityResult(convention, created=False))
                continue
            results.append(_generate(convention, seed, today))
    return results


def next_copil_date(today: datetime.date) -> datetime.date:
    """Return the next demo COPIL: the second Thursday of June or December (twice a year)."""
    for year in (today.year, today.year + 1):
        for month in (6, 12):
            first = datetime.date(year, month, 1)
            second_thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 7)
            if second_thursday >= today:
                return second_thursday
    raise AssertionError("unreachable")


def _reset(convention: Convention) -> None:
    ActionUpdate.objects.filter(convention=convention).delete()
    Measurement.objects.filter(indicator__convention=convention).delete()
    # Regenerated activity replaces the old one in the history too.
    ActionUpdate.history.filter(convention_id=convention.pk).delete()
    indicator_ids = Indicator.history.filter(convention_id=convention.pk).values("id")
    Measurement.history.filter(indicator_id__in=indicator_ids).delete()


def _demo_authors(convention: Convention) -> dict[str, list[User]]:
    """Return the demo users who write this CTG's follow-up, by role."""
    usernames = {spec.username: spec for spec in DEMO_USERS}
    users = User.objects.filter(username__in=usernames).prefetch_related("memberships")
    authors: dict[str, list[User]] = {Role.COORDINATOR: [], Role.CAF_ADVISER: []}
    for user in sorted(users, key=lambda u: u.username):
        for membership in user.memberships.all():
            if membership.role == Role.CAF_ADVISER:
                if membership.departement_id == convention.departement_id:
                    authors[Role.CAF_ADVISER].append(user)
            elif membership.role == Role.COORDINATOR and membership.convention_id == convention.pk:
                authors[Role.COORDINATOR].append(user)
    return authors


def _pick_author(rng: random.Random, authors: dict[str, list[User]]) -> User | None:
    coordinators, advisers = authors[Role.COORDINATOR], authors[Role.CAF_ADVISER]
    if advisers and (not coordinators or rng.random() < 0.2):
        return rng.choice(advisers)
    return rng.choice(coordinators) if coordinators else None


def _moment(rng: random.Random, quarter: Quarter, today: datetime.date) -> datetime.datetime:
    """Return a working-hours moment within the quarter, not after today."""
    last = min(quarter.end, today)
    days = max((last - quarter.start).days, 0)
    day = quarter.start + datetime.timedelta(days=rng.randint(days // 3, days) if days else 0)
    if day.weekday() >= 5 and day - datetime.timedelta(days=2) >= quarter.start:
        day -= datetime.timedelta(days=day.weekday() - 4)
    moment = timezone.make_aware(
        datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        )
    )
    now = timezone.now()
    if moment > now:  # today, later than now: demo activity never lies in the future
        start = timezone.make_aware(datetime.datetime.combine(quarter.start, datetime.time()))
        moment = max(now - datetime.timedelta(minutes=rng.randint(30, 180)), start)
    return moment


def _quarters(convention: Convention, today: datetime.date) -> list[Quarter]:
    current = Quarter.of(today)
    return [q for q in convention_quarters(convention) if q.year in YEARS and q <= current]


def _statuses(rng: random.Random, count: int) -> list[tuple[str, int]]:
    """Return the successive (status, progress) of an action over `count` updates."""
    profile = rng.random()
    trouble_at = rng.randint(1, max(count - 1, 1))
    steps: list[tuple[str, int]] = []
    progress = 0
    status = UpdateStatus.TO_START
    for index in range(count):
        if status in (UpdateStatus.DONE, UpdateStatus.ABANDONED):
            break
        if index == 0 and rng.random() < 0.6:
            status, progress = UpdateStatus.TO_START, 0
        elif profile < 0.12 and index == trouble_at:
            status = UpdateStatus.POSTPONED
        elif profile < 0.22 and index == trouble_at:
            status = UpdateStatus.BLOCKED
        elif profile > 0.96 and index == trouble_at:
            status = UpdateStatus.ABANDONED
        else:
            progress = min(100, progress + rng.choice((10, 15, 20, 25, 30)))
            status = UpdateStatus.DONE if progress >= 100 else UpdateStatus.IN_PROGRESS
        steps.append((status, progress))
    return steps


def _texts(rng: random.Random, status: str) -> tuple[str, str, str]:
    if status == UpdateStatus.TO_START:
        return "", "", rng.choice(NEXT_STEP_TEXTS)
    if status == UpdateStatus.DONE:
        return rng.choice(FINISHED_TEXTS), "", "Évaluer l’action lors du bilan annuel de la CTG."
    if status == UpdateStatus.POSTPONED:
        return "", rng.choice(POSTPONED_TEXTS), rng.choice(NEXT_STEP_TEXTS)
    if status == UpdateStatus.BLOCKED:
        return rng.choice(DONE_TEXTS), rng.choice(BLOCKED_TEXTS), rng.choice(NEXT_STEP_TEXTS)
    if status == UpdateStatus.ABANDONED:
        return "", rng.choice(ABANDONED_TEXTS), ""
    done = " ".join(rng.sample(DONE_TEXTS, rng.choice((1, 1, 2))))
    difficulties = rng.choice(DIFFICULTY_TEXTS) if rng.random() < 0.35 else ""
    return done, difficulties, rng.choice(NEXT_STEP_TEXTS)


def _generate(convention: Convention, seed: int, today: datetime.date) -> ActivityResult:
    # One stream per kind of data: an existing coverage indicator (kept by --reset) must not
    # shift the draws of the updates or of the measurements.
    rng = random.Random(f"{seed}:{convention.slug}:suivi")  # noqa: S311 - demo data
    result = ActivityResult(convention, created=True)
    if convention.next_copil_date is None and convention.end_date >= today:
        convention.next_copil_date = next_copil_date(today)
        Convention.objects.filter(pk=convention.pk).update(
            next_copil_date=convention.next_copil_date
        )
    quarters = _quarters(convention, today)
    authors = _demo_authors(convention)
    actions = list(
        PlanNode.objects.filter(convention=convention, level__tracked=True).order_by("pk")
    )
    chosen = [node for node in actions if rng.random() < SHARE_OF_ACTIONS]
    updates: list[tuple[ActionUpdate, datetime.datetime]] = []
    for node in chosen:
        own_quarters = [q for q in quarters if not node.start_year or q.year >= node.start_year]
        own_quarters = [q for q in own_quarters if rng.random() >= SKIPPED_QUARTER]
        for quarter, (status, progress) in zip(
            own_quarters, _statuses(rng, len(own_quarters)), strict=False
        ):
            done, difficulties, next_steps = _texts(rng, status)
            update = ActionUpdate(
                convention=convention,
                node=node,
                year=quarter.year,
                quarter=quarter.quarter,
                status=status,
                progress=progress,
                done=done,
                difficulties=difficulties,
                next_steps=next_steps,
                author=_pick_author(rng, authors),
            )
            moment = _moment(rng, quarter, today)
            # The history row is dated and signed like the update it records.
            update._history_date = moment
            update._history_user = update.author
            update.save()
            updates.append((update, moment))
    _backdate(ActionUpdate, [(u.pk, moment) for u, moment in updates])
    result.updates = len(updates)

    result.measurements = _measure(convention, seed, today, authors)
    return result


def _measure(convention: Convention, seed: int, today: datetime.date, authors) -> int:
    """Measure every indicator of the CTG for its past years; return how many measurements."""
    # Every indicator of the plan is measured: fiches carry most of them (seed 003).
    indicators = list(
        Indicator.objects.filter(convention=convention)
        .exclude(name__iexact=GLOBAL_INDICATOR, node=None)
        .prefetch_related("targets")
        .order_by("pk")
    )
    indicators.append(
        _global_indicator(
            convention,
            random.Random(f"{seed}:{convention.slug}:couverture"),  # noqa: S311
            authors,
        )
    )
    rng = random.Random(f"{seed}:{convention.slug}:mesures")  # noqa: S311
    measurements = []
    for indicator in indicators:
        for year in (y for y in YEARS if y in convention.years and y <= today.year):
            value = _value(rng, indicator, year)
            final = year < today.year
            measurement = Measurement(
                indicator=indicator,
                year=year,
                value=value,
                comment="Bilan annuel." if final else "Valeur provisoire, à consolider.",
                source=indicator.source or "Bilans des porteurs d’actions",
                author=_pick_author(rng, authors),
            )
            moment = _moment(
                rng, Quarter(year + 1, 1) if final else Quarter.of(today).previous(), today
            )
            measurement._history_date = moment
            measurement._history_user = measurement.author
            measurement.save()
            measurements.append((measurement.pk, moment))
    _backdate(Measurement, measurements)
    return len(measurements)


def _backdate(model, rows: list[tuple[int, datetime.datetime]]) -> None:
    """Set created_at (auto_now_add) of the rows and of their history rows to their moment."""
    moments = dict(rows)
    objects = list(model.objects.filter(pk__in=moments))
    for obj in objects:
        obj.created_at = moments[obj.pk]
    model.objects.bulk_update(objects, ["created_at"], batch_size=500)
    history = list(model.history.filter(id__in=moments, history_type="+"))
    for row in history:
        row.created_at = moments[row.id]
    model.history.model.objects.bulk_update(history, ["created_at"], batch_size=500)


def _global_indicator(
    convention: Convention, rng: random.Random, authors: dict[str, list[User]]
) -> Indicator:
    """Return the CTG-wide coverage-rate indicator, created with its targets if absent."""
    indicator = Indicator.objects.filter(
        convention=convention, node=None, name__iexact=GLOBAL_INDICATOR
    ).first()
    if indicator is not None:
        return indicator
    first_year = convention.years[0]
    baseline = Decimal(rng.randint(520, 640)) / 10
    indicator = Indicator(
        convention=convention,
        name=GLOBAL_INDICATOR,
        unit="%",
        baseline_value=baseline,
        baseline_year=first_year - 1,
        source="Caf – observatoire de l’accueil du jeune enfant",
        frequency="annuelle",
        position=Indicator.objects.filter(convention=convention, node=None).count(),
    )
    moment = timezone.make_aware(
        datetime.datetime.combine(convention.start_date, datetime.time(10))
    )
    indicator._history_date = moment
    indicator._history_user = _pick_author(rng, authors)
    indicator.save()
    for offset, year in enumerate(convention.years, start=1):
        target = IndicatorTarget(
            indicator=indicator, year=year, value=baseline + Decimal(offset) * Decimal("1.5")
        )
        target._history_date, target._history_user = moment, indicator._history_user
        target.save()
    return Indicator.objects.prefetch_related("targets").get(pk=indicator.pk)


def _value(rng: random.Random, indicator: Indicator, year: int) -> Decimal:
    """Return a plausible measurement: towards the target when there is one."""
    targets = {target.year: target.value for target in indicator.targets.all()}
    percent = "%" in indicator.unit or "taux" in indicator.name.casefold()
    if year in targets:
        base = indicator.baseline_value or targets[year] * Decimal("0.8")
        value = base + (targets[year] - base) * Decimal(str(rng.uniform(0.6, 1.1)))
    elif indicator.baseline_value is not None:
        value = indicator.baseline_value * Decimal(str(rng.uniform(0.95, 1.2)))
    elif percent:
        value = Decimal(str(rng.uniform(35, 85)))
    else:
        value = Decimal(rng.randint(3, 120))
    if percent:
        return min(value, Decimal(100)).quantize(Decimal("0.1"))
    return value.quantize(Decimal(1))

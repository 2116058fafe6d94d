"""« Premiers pas »: the five things to do first in a new CTG, and which are done for each CTG.

Each step is computed from the data, never ticked by hand:
1. the territory: the CTG names at least one commune;
2. the signatories: at least one is recorded;
3. the plan: at least one element of the plan exists (imported or typed);
4. the people: someone other than the reader has a role in the CTG, or was invited;
5. the first quarterly point: at least one update on an action of the plan.
All the CTGs of the page are read in one query (five EXISTS subqueries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from pilote.accounts.models import Membership
from pilote.accounts.people_models import Invitation
from pilote.accounts.perms import can_edit_convention, can_manage_members
from pilote.conventions.models import Convention, Signatory
from pilote.monitoring.models import ActionUpdate
from pilote.plans.models import PlanNode

STEP_COUNT = 5


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    text: str
    done: bool
    url: str
    link: str  # the link's text


@dataclass(frozen=True)
class ConventionSteps:
    convention: Convention
    steps: list[Step]
    can_edit: bool

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)


def with_steps(conventions: QuerySet[Convention], user) -> QuerySet[Convention]:
    """Annotate each CTG with whether each first step is done (has_territory… has_update)."""
    ctg = OuterRef("pk")
    others = Membership.objects.filter(convention=ctg).exclude(user_id=user.pk)
    return conventions.annotate(
        has_territory=Exists(Convention.communes.through.objects.filter(convention_id=ctg)),
        has_signatories=Exists(Signatory.objects.filter(convention=ctg)),
        has_plan=Exists(PlanNode.objects.filter(convention=ctg)),
        has_people=Exists(others) | Exists(Invitation.objects.filter(convention=ctg)),
        has_update=Exists(ActionUpdate.objects.filter(convention=ctg)),
    )


def convention_steps(convention: Convention, user) -> ConventionSteps:
    """Return the five steps of a CTG annotated by with_steps, with links for this user."""
    slug = {"slug": convention.slug}
    edit = can_edit_convention(user, convention)
    manage = can_manage_members(user, convention)
    summary = reverse("conventions:detail", kwargs=slug)

    def page(name: str) -> str:
        return reverse(name, kwargs=slug) if edit else summary

    plan_url = (
        reverse("plans:tree", kwargs=slug)
        if convention.has_plan or not edit
        else reverse("imports:upload", kwargs=slug)
    )
    steps = [
        Step(
            1,
            "Le territoire",
            "Les communes couvertes par la CTG (et son EPCI) : elles servent aux équipements, "
            "aux chiffres du territoire et aux actions qui ne concernent que certaines communes.",
            convention.has_territory,
            page("conventions:territory"),
            "Choisir les communes" if edit else "Voir la synthèse",
        ),
        Step(
            2,
            "Les signataires",
            "La Caf, l'EPCI, les communes et les autres partenaires qui signent la convention, "
            "avec leur représentant et la date de délibération.",
            convention.has_signatories,
            page("conventions:signatories"),
            "Saisir les signataires" if edit else "Voir la synthèse",
        ),
        Step(
            3,
            "Le plan d'actions",
            "Importez le plan de la convention signée (Word, PDF, texte ou tableur) : Pilote CTG "
            "en propose l'arbre, que vous relisez avant de l'enregistrer.",
            convention.has_plan,
            plan_url,
            "Importer le plan" if edit and not convention.has_plan else "Voir le plan",
        ),
        Step(
            4,
            "Les personnes",
            "Invitez la coordination, les référent·es des pilotes et les élu·es du COPIL : "
            "chacun voit la CTG, les référent·es mettent à jour leurs actions.",
            convention.has_people,
            reverse("people:members", kwargs=slug) if manage else summary,
            "Inviter des personnes" if manage else "Voir la synthèse",
        ),
        Step(
            5,
            "Le premier point trimestriel",
            "Dans le tableau de suivi, chaque action reçoit un point de suivi par trimestre : "
            "statut, avancement, ce qui a été fait.",
            convention.has_update,
            reverse("monitoring:followup", kwargs=slug),
            "Ouvrir le tableau de suivi",
        ),
    ]
    return ConventionSteps(convention=convention, steps=steps, can_edit=edit)


FLAGS = ("has_territory", "has_signatories", "has_plan", "has_people", "has_update")


def visible_with_steps(user) -> list[Convention]:
    """Return the CTGs the user sees, in name order, each with its steps and `steps_done`."""
    conventions = list(with_steps(Convention.objects.visible_to(user), user).order_by("name"))
    for convention in conventions:
        convention.steps_done = sum(bool(getattr(convention, flag)) for flag in FLAGS)
    return conventions


def chosen(conventions: list[Convention], slug: str | None) -> Convention | None:
    """Return the CTG of the page: the one asked for, or the only one; None to offer a choice."""
    if slug:
        return next((c for c in conventions if c.slug == slug), None)
    return conventions[0] if len(conventions) == 1 else None

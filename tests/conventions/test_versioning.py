"""Every write to what a CTG's pages show moves its version (pilote.conventions.versioning)."""

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.signals import post_delete, post_save

from pilote.accounts.models import AuditEvent
from pilote.conventions import versioning
from pilote.conventions.models import Convention
from tests.versions import commit_bumps

# Models that name a CTG but whose writes change no page of it that is cached.
NOT_REGISTERED = {
    # Written by reads (downloads, logins) and shown by the journal alone, never cached.
    AuditEvent: "the journal",
}


def version(convention_id: int) -> int | None:
    """Return the CTG's content version, None once it is deleted (no page left to show)."""
    return (
        Convention.objects.filter(pk=convention_id)
        .values_list("content_version", flat=True)
        .first()
    )


def moves(convention_id, operation) -> bool:
    """Return whether the operation, rolled back afterwards, moved the CTG's version once."""
    commit_bumps()  # as if what came before was committed
    with transaction.atomic():
        before = version(convention_id)
        operation()
        commit_bumps()
        after = version(convention_id)
        transaction.set_rollback(True)
    return after is None or after == before + 1


def _leads_to_convention(model, seen=()) -> bool:
    if model is Convention:
        return True
    for field in model._meta.concrete_fields:
        target = field.related_model
        followed = field.many_to_one and target not in (*seen, model, None)
        if followed and _leads_to_convention(target, (*seen, model)):
            return True
    return False


def _pilote_models():
    for model in apps.get_models():
        name = model.__name__
        if model.__module__.startswith("pilote.") and not name.startswith("Historical"):
            yield model


def test_every_model_that_leads_to_a_ctg_is_registered():
    registered = versioning.registered_models()
    forgotten = [
        model._meta.label
        for model in _pilote_models()
        if _leads_to_convention(model) and model not in registered and model not in NOT_REGISTERED
    ]
    assert forgotten == [], f"register these in their AppConfig.ready(): {forgotten}"


def test_every_registered_path_ends_at_the_ctg():
    for model, path in versioning.registered_models().items():
        current = model
        for hop in path.split("__") if path else ():
            current = current._meta.get_field(hop).related_model
        assert current is Convention, f"{model._meta.label}: {path!r}"


def test_the_walk_finds_a_model_two_hops_away():
    from pilote.facilities.models import SchemaLineYear

    assert _leads_to_convention(SchemaLineYear)
    assert not _leads_to_convention(apps.get_model("accounts", "ApiToken"))


def _unsaved_chain(model, path: str, convention: Convention):
    """Return an unsaved instance of the model whose path leads to the CTG."""
    if not path:
        return convention
    hop, _, rest = path.partition("__")
    related = model._meta.get_field(hop).related_model
    return model(**{hop: _unsaved_chain(related, rest, convention) if rest else convention})


@pytest.mark.django_db
def test_every_registered_model_moves_its_ctg_version_on_save_and_on_delete(
    session_demo_world,
):
    """Save and delete a real row of each model; send the signals for those the demo lacks."""
    without_rows, undeletable = [], []
    for model, path in versioning.registered_models().items():
        rows = model._default_manager.order_by("pk")
        if path:
            rows = rows.filter(**{f"{path}__isnull": False})
        instance = rows.first()
        label = model._meta.label
        if instance is None:
            without_rows.append(model)
            continue
        convention_id = versioning.convention_id_of(instance)
        assert moves(convention_id, instance.save), label
        try:
            assert moves(convention_id, instance.delete), label
        except (ProtectedError, RestrictedError):
            undeletable.append(label)
    assert len(undeletable) < 3, undeletable
    # The demo has no row of these: their receivers are connected and their path is followed.
    convention = Convention.objects.order_by("pk").first()
    for model in without_rows:
        instance = _unsaved_chain(model, versioning.registered_models()[model], convention)
        for signal in (post_save, post_delete):
            assert _connected(signal, model), model._meta.label
        assert versioning.convention_id_of(instance) == convention.pk, model._meta.label


def _connected(signal, model) -> bool:
    key = (f"content-version-{model._meta.label}", id(model))
    return any(receiver[0] == key for receiver in signal.receivers)

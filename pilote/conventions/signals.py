"""Signals that let the apps above conventions take part in a CTG's changes.

conventions knows nothing of the plan: the plan app (pilote.plans.levels) connects to these in its
AppConfig.ready(). A receiver that raises ConventionError refuses the change.
"""

from django.dispatch import Signal

# Sent by services.create_convention inside its transaction (convention=): the new CTG's
# default plan levels are created by a receiver.
convention_created = Signal()
# Sent by services.update_territory before communes leave a CTG (convention=, codes=): a
# receiver raises ConventionError while something still names one of them (plan elements,
# facilities, schémas); every receiver is heard and their refusals shown together.
communes_leaving = Signal()
# Sent by views after a CTG's period changed (convention=): each receiver returns a warning for
# the user, or "".
period_changed = Signal()


def period_change_warnings(convention) -> list[str]:
    """Return the warnings of the receivers of period_changed, in order, without empty ones."""
    return [
        warning for _, warning in period_changed.send(sender=None, convention=convention) if warning
    ]


# Sent by trash.restore_item inside its transaction (obj=, item=) once a deleted thing is back:
# a receiver puts it back in order among its siblings (plan elements).
trash_restored = Signal()

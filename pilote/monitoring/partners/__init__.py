"""Partners without an account: personal links to report an update, and its validation.

A coordinator sends a partner (a pilot, a facility's gestionnaire) a personal, expiring link
(PartnerLink) to a one-page form naming some actions; what the partner sends waits as a
PartnerSubmission until an editor accepts it, which records the update and the measurements
through the follow-up's services. Nothing counts before that.
"""

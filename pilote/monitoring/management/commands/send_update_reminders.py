"""Cron entry point: e-mail each pilot the actions with no update for the current quarter."""

import datetime
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.monitoring.periods import Quarter
from pilote.monitoring.reminders import pending_reminders, send_reminder


class Command(BaseCommand):
    help = (
        "Envoie à chaque pilote la liste des actions sans point de suivi pour le trimestre en "
        "cours (au plus un courriel par destinataire, CTG et trimestre)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="affiche les courriels qui seraient envoyés, sans rien envoyer ni enregistrer",
        )
        parser.add_argument(
            "--date",
            help="date du jour à prendre en compte (AAAA-MM-JJ), par défaut aujourd'hui",
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", "") or os.environ.get("SITE_URL", ""),
            help="adresse du site pour les liens (par défaut SITE_URL)",
        )

    def handle(self, *args, dry_run, date, base_url, **options):
        if date:
            try:
                quarter = Quarter.of(datetime.date.fromisoformat(date))
            except ValueError as exc:
                raise CommandError(f"Date invalide : {date!r} (attendu : AAAA-MM-JJ).") from exc
        else:
            quarter = Quarter.current()
        base_url = base_url or "http://127.0.0.1:8000"
        reminders = pending_reminders(quarter)
        sent = 0
        for reminder in reminders:
            if dry_run:
                self.stdout.write(
                    f"[simulation] {reminder.convention.slug} → {reminder.recipient} : "
                    f"{len(reminder.actions)} action(s)"
                )
                for node in reminder.actions:
                    self.stdout.write(f"    - {node.number} {node.title[:90]}".rstrip())
                continue
            if send_reminder(reminder, base_url=base_url):
                sent += 1
                self.stdout.write(
                    f"{reminder.convention.slug} → {reminder.recipient} : "
                    f"{len(reminder.actions)} action(s)"
                )
        if dry_run:
            self.stdout.write(
                f"{quarter} : {len(reminders)} courriel(s) seraient envoyés (rien n'a été envoyé)."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{quarter} : {sent} courriel(s) envoyé(s)."))

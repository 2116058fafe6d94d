"""The columns of the follow-up table's exports, one row per action.

The files themselves are written by pilote.reports.spreadsheets (XLSX, ODS, CSV).
"""

from django.utils.timezone import localtime

# (header, width in characters, value of a row)
COLUMNS = [
    ("Numéro", 10, lambda r: r.number),
    ("Niveaux supérieurs", 45, lambda r: r.path),
    ("Action", 60, lambda r: r.title),
    ("Pilotes", 35, lambda r: ", ".join(r.pilots)),
    ("Thématiques", 30, lambda r: ", ".join(r.thematics)),
    ("Période prévue", 16, lambda r: r.planned),
    ("Dernier statut", 18, lambda r: r.status_label),
    ("Avancement (%)", 15, lambda r: r.latest.progress if r.latest else None),
    ("Trimestre du dernier point", 14, lambda r: r.latest.period_label if r.latest else ""),
    (
        "Date du dernier point",
        14,
        lambda r: localtime(r.latest.created_at).date() if r.latest else None,
    ),
    ("Saisi par", 22, lambda r: r.latest.author if r.latest else ""),
    ("En retard", 10, lambda r: "Oui" if r.late else "Non"),
    ("Point ce trimestre", 12, lambda r: "Non" if r.stale else "Oui"),
    ("Ce qui a été fait", 50, lambda r: r.latest.done if r.latest else ""),
    ("Difficultés", 40, lambda r: r.latest.difficulties if r.latest else ""),
    ("Prochaines étapes", 40, lambda r: r.latest.next_steps if r.latest else ""),
]

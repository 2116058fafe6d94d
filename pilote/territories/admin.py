from django.contrib import admin

from .models import EPCI, Commune, Departement, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]


@admin.register(EPCI)
class EPCIAdmin(admin.ModelAdmin):
    list_display = [
        "siren",
        "name",
        "kind",
        "population_municipale",
        "population_millesime",
        "is_current",
    ]
    list_filter = ["kind", "is_current"]
    search_fields = ["siren", "name", "search_name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "departement",
        "epci",
        "population",
        "population_millesime",
        "is_current",
    ]
    list_filter = ["is_current", "departement__region"]
    search_fields = ["code", "name", "search_name", "postal_codes"]
    list_select_related = ["departement", "epci"]
    raw_id_fields = ["epci"]

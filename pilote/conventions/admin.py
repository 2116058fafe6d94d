"""Admin of the CTGs, for support staff: the product's own pages are the place to edit them."""

from django.contrib import admin

from .models import Amendment, Convention, Signatory


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["name", "departement", "epci", "start_date", "end_date", "status"]
    list_filter = ["status", "departement"]
    list_select_related = ["departement", "epci"]
    search_fields = ["name", "slug", "epci__name"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["epci", "communes"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SignatoryInline, AmendmentInline]

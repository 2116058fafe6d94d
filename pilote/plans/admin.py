"""Admin of the plan, for support staff: structural changes belong to the plan pages."""

from django.contrib import admin

from .models import BudgetLine, Indicator, IndicatorTarget, PlanLevel, PlanNode, Thematic


@admin.register(PlanLevel)
class PlanLevelAdmin(admin.ModelAdmin):
    list_display = ["convention", "position", "name", "tracked"]
    list_filter = ["tracked"]
    search_fields = ["name", "convention__name"]
    raw_id_fields = ["convention"]


@admin.register(Thematic)
class ThematicAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "convention"]
    search_fields = ["label", "code"]
    raw_id_fields = ["convention"]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    show_change_link = True


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(PlanNode)
class PlanNodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "convention", "position"]
    list_select_related = ["level", "convention"]
    search_fields = ["number", "title", "convention__name"]
    raw_id_fields = ["convention", "parent", "level", "communes", "pilots", "partners"]
    inlines = [BudgetLineInline, IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "node", "unit"]
    search_fields = ["name"]
    raw_id_fields = ["node"]
    inlines = [IndicatorTargetInline]

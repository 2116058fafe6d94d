from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AccountDeletionRequest, Invitation, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["convention", "organisation"]


@admin.register(User)
class PiloteUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name"]
    raw_id_fields = ["commune"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "convention", "departement", "created_at", "expires_at"]
    search_fields = ["email"]
    raw_id_fields = ["convention", "organisation", "invited_by", "accepted_by"]
    readonly_fields = ["token_hash"]


@admin.register(AccountDeletionRequest)
class AccountDeletionRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "requested_at"]
    raw_id_fields = ["user"]

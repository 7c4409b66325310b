from django.contrib import admin

from teams.models import Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "payments_enabled")
    list_filter = ("payments_enabled",)
    search_fields = ("name",)
    filter_horizontal = ("members",)

from django.contrib import admin

from customers.models import Customer, Opportunity


class OpportunityInline(admin.TabularInline):
    model = Opportunity
    extra = 0
    fields = ("title", "reference", "organization")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "email", "organization", "preferred_language", "sms_opted_out")
    list_filter = ("preferred_language", "sms_opted_out")
    search_fields = ("name", "email", "phone")
    inlines = [OpportunityInline]

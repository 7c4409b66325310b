"""Manage tab: /manage/ (people, roles, invitations). Teams live under /manage/teams/."""

from django.urls import path

from organizations import views

urlpatterns = [
    path("", views.people_list, name="people"),
    path("people/<int:user_id>/role/", views.person_role_change, name="person-role"),
    path("people/<int:user_id>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("people/<int:user_id>/reactivate/", views.person_reactivate, name="person-reactivate"),
    path("invitations/new/", views.invitation_create, name="invitation-create"),
    path("invitations/<int:invitation_id>/resend/", views.invitation_resend, name="invitation-resend"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation-revoke"),
]

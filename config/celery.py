import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("textpay")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules not named `<app>.tasks`: the webhook pipeline (processing, missed-event sync).
app.autodiscover_tasks(["payments.webhooks"], related_name="tasks")
app.autodiscover_tasks(["payments"], related_name="tasks_money")  # Payments tab (D)

# Periodic jobs. Names are the task names declared with @shared_task(name=...).
app.conf.beat_schedule = {
    "payments.expire-overdue-requests": {"task": "payments.expire_overdue_requests", "schedule": 60.0},
    "payments.send-reminders": {"task": "payments.send_payment_reminders", "schedule": 300.0},
    "payments.sync-missed-stripe-events": {
        "task": "payments.sync_missed_events",
        "schedule": crontab(minute="*/10"),
    },
}

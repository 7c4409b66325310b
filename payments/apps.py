from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self) -> None:
        from notifications.signals import sms_delivery_changed
        from payments.requests.history import sms_delivery_changed_receiver

        sms_delivery_changed.connect(
            sms_delivery_changed_receiver, dispatch_uid="payments.sms_delivery_changed"
        )

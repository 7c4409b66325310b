"""Twilio webhooks: message status callbacks and inbound SMS (STOP/START in every customer
language, confirmed in the customer's language). Both are verified
with Twilio's RequestValidator against the URL Twilio was given (SITE_URL + path); a request
without a valid X-Twilio-Signature gets 403 and changes nothing."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from notifications.services_twilio import sms_inbound_apply, sms_inbound_reply, sms_status_apply

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _valid_signature(request) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = settings.SITE_URL + request.get_full_path()
    params = {key: request.POST.get(key) for key in request.POST}
    return RequestValidator(token).validate(url, params, signature)


@csrf_exempt
@require_POST
def twilio_status(request):
    if not _valid_signature(request):
        return HttpResponseForbidden("Invalid Twilio signature")
    sms_status_apply(
        provider_id=request.POST.get("MessageSid", ""),
        twilio_status=request.POST.get("MessageStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_inbound(request):
    if not _valid_signature(request):
        return HttpResponseForbidden("Invalid Twilio signature")
    from_number, body = request.POST.get("From", ""), request.POST.get("Body", "")
    result = sms_inbound_apply(from_number=from_number, body=body)
    reply = sms_inbound_reply(from_number=from_number, body=body, result=result)
    if not reply:
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")
    response = MessagingResponse()
    response.message(reply)
    return HttpResponse(str(response), content_type="text/xml")

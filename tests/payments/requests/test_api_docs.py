"""QA regression: /api/docs/ loaded Swagger UI from a CDN, so it was a blank page offline (make run
on a machine without internet, or behind a strict proxy). It must use our own static files."""

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_api_docs_use_our_own_swagger_ui(client):
    html = client.get("/api/docs/").content.decode()
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        assert finders.find(asset), f"{asset} is not a static file we ship"

from tests.payments.requests.openapi_check import assert_matches_schema


def checked(response, status):
    assert response.status_code == status, response.content
    if response["Content-Type"].startswith("application/json"):
        assert_matches_schema(response)
        return response.json()
    return response.content.decode()

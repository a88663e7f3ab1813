"""The server's access log keeps no secret a URL carried: a token sent in the query is
refused (401), and a download ticket is spent, but the log line would have kept them."""

from __future__ import annotations

import httpx
import pytest

from product_importer.core.redaction import query_redacted
from tests.imports.helpers import api_process

SECRET = "pi_thisIsASecretTokenValue0123456789"
SECRET_PARAMS = {"token", "access_token", "download_ticket"}


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/api/v1/products?q=lamp", "/api/v1/products?q=lamp"),
        (f"/p?token={SECRET}&q=a", "/p?token=[redacted]&q=a"),
        (f"/p?q=a&Access_Token={SECRET}", "/p?q=a&Access_Token=[redacted]"),
        (f"/p?%74oken={SECRET}", "/p?%74oken=[redacted]"),  # the name percent-encoded
        (f"/x.csv?download_ticket={SECRET}", "/x.csv?download_ticket=[redacted]"),
        ("/p?token", "/p?token"),  # no value to hide
    ],
)
def test_secret_query_values_are_redacted(target, logged):
    assert query_redacted(target, SECRET_PARAMS) == logged


def test_a_served_apis_access_log_keeps_no_token_from_a_url(tmp_path):
    log = tmp_path / "api.log"
    with log.open("wb") as out, api_process(log_level="info", output=out) as (url, _):
        httpx.get(f"{url}/api/v1/products", params={"q": "lamp", "token": SECRET})
    written = log.read_text()
    assert "/api/v1/products?q=lamp&token=[redacted]" in written
    assert SECRET not in written

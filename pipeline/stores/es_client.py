"""Connecting to Elasticsearch (or OpenSearch): URL, credentials and CA from config and environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import HttpHeaders, Urllib3HttpNode
from elasticsearch import ApiError, AuthenticationException, Elasticsearch

from pipeline.config import ElasticsearchConfig, checked_es_url
from pipeline.errors import StoreError

MIN_VERSION = {"elasticsearch": 8, "opensearch": 2}
_PLAIN = {"accept": "application/json", "content-type": "application/json"}


class PlainJsonNode(Urllib3HttpNode):
    """Sends plain `application/json` instead of Elasticsearch's compatibility media types,
    which OpenSearch (and osmem) answer with 406. Real Elasticsearch accepts both."""

    def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        **kwargs: Any,
    ) -> Any:
        if headers is not None:
            headers = headers.copy()
            for name, plain in _PLAIN.items():
                if name in headers:
                    headers[name] = "application/x-ndjson" if "ndjson" in headers[name] else plain
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def connection_settings(
    config: ElasticsearchConfig, env: Mapping[str, str] = os.environ
) -> dict[str, Any]:
    """Client keyword arguments; the environment wins over the config file for URL and CA."""
    url = config.url
    if env.get("FILMBUZZ_ES_URL"):
        try:
            url = checked_es_url(env["FILMBUZZ_ES_URL"])
        except ValueError as exc:
            raise StoreError(f"FILMBUZZ_ES_URL: {exc}") from None
    settings: dict[str, Any] = {
        "hosts": [url],
        "request_timeout": config.request_timeout,
        "max_retries": config.max_retries,
        "retry_on_timeout": True,
    }
    ca_certs = env.get("FILMBUZZ_ES_CA_CERTS") or config.ca_certs
    if ca_certs:
        settings["ca_certs"] = str(ca_certs)
    if env.get("FILMBUZZ_ES_API_KEY"):
        settings["api_key"] = env["FILMBUZZ_ES_API_KEY"]
    elif env.get("FILMBUZZ_ES_USERNAME"):
        settings["basic_auth"] = (env["FILMBUZZ_ES_USERNAME"], env.get("FILMBUZZ_ES_PASSWORD", ""))
    if config.flavor == "opensearch":
        settings["node_class"] = PlainJsonNode
    return settings


def connect(config: ElasticsearchConfig, env: Mapping[str, str] = os.environ) -> Elasticsearch:
    """A checked client: reachable, credentials accepted, a supported version."""
    settings = connection_settings(config, env)
    url = display_url(settings["hosts"][0])
    client = Elasticsearch(**settings)
    try:
        info = client.info()
    except AuthenticationException:
        raise StoreError(
            f"Elasticsearch at {url} refused the credentials; check FILMBUZZ_ES_API_KEY "
            "or FILMBUZZ_ES_USERNAME / FILMBUZZ_ES_PASSWORD"
        ) from None
    except TransportConnectionError as exc:
        raise StoreError(
            f"cannot reach Elasticsearch at {url} ({_reason(exc)}); is it running? set FILMBUZZ_ES_URL"
        ) from None
    except ApiError as exc:
        raise StoreError(
            f"Elasticsearch at {url} answered HTTP {exc.status_code} to a health check"
        ) from None
    check_version(info.body, config.flavor, url)
    return client


def display_url(url: str) -> str:
    """The URL without any user:password part, for messages and logs."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def check_version(info: Mapping[str, Any], flavor: str, url: str) -> None:
    number = str(info.get("version", {}).get("number", "0"))
    distribution = info.get("version", {}).get("distribution", "elasticsearch")
    major = int(number.split(".")[0] or 0) if number.split(".")[0].isdigit() else 0
    wanted = "opensearch" if distribution == "opensearch" else "elasticsearch"
    if major < MIN_VERSION[wanted]:
        raise StoreError(
            f"{url} runs {wanted} {number}; filmbuzz needs {wanted} {MIN_VERSION[wanted]} or newer"
        )
    if wanted == "opensearch" and flavor != "opensearch":
        raise StoreError(
            f'{url} is OpenSearch {number}: set flavor = "opensearch" in [store.elasticsearch]'
        )


def _reason(exc: Exception) -> str:
    text = str(exc)
    for hint in (
        "Connection refused",
        "timed out",
        "Name or service not known",
        "certificate verify failed",
    ):
        if hint.lower() in text.lower():
            return hint.lower()
    return text.splitlines()[0][:120]

"""Small client for the SARIF test input: two findings, one suppressed in the source."""

import requests


def fetch_report(url):
    return requests.get(url, verify=False)


def fetch_internal(url):
    # The internal CA is pinned by the proxy in front of this service.
    return requests.get(url, verify=False)  # nosemgrep: tls-verification-off


def connect(client):
    client.login(user="reports", password="changeme")

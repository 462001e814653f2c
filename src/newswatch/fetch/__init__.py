"""Fetching: hard limits, URL safety, politeness and conditional GET (see ``client``)."""

from newswatch.fetch.client import Fetcher, FetchResult
from newswatch.fetch.encoding import decode
from newswatch.fetch.settings import FetchSettings
from newswatch.fetch.urlsafety import check_url, is_private_url

__all__ = ["FetchResult", "FetchSettings", "Fetcher", "check_url", "decode", "is_private_url"]

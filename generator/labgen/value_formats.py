"""Formats of values that reach Kubernetes fields, checked in the environment model.

Each check returns None when the value is fine, else what to write instead. The
environment model names them in field metadata (``format``, ``key_format``);
:mod:`labgen.typed_config` runs them. :func:`json_problem` keeps ``helmValues``
to what JSON (and so Helm) can hold.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
import re
from collections.abc import Callable
from typing import Any

from .yaml_io import KeyPath

DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
DNS1123_SUBDOMAIN = rf"{DNS1123_LABEL}(\.{DNS1123_LABEL})*"
_QUALIFIED_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
#: An image repository: ``host[:port]/path`` as the OCI distribution spec names them.
_IMAGE_REPOSITORY = (r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?"
                     r"(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*")
DNS_HINT = "use lowercase letters, digits and '-' (a DNS-1123 label, at most 63 characters)"
QUANTITY = r"[0-9]+(Mi|Gi|Ti)"
#: A git or Helm repository URL: no spaces, quotes, braces or backslashes (they would reach
#: YAML and Argo CD templates as they are).
URL = r"(https://|http://|ssh://|git@)[^\s\"'{}\\<>`|^]+"
#: An Argo CD cluster server URL: https, a host, an optional port and path.
CLUSTER_SERVER = (r"https://[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?"
                  r"(/[^\s\"'{}\\<>`|^]*)?")
LABEL_KEY = r"([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
LABEL_VALUE = r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?"
#: A name prefix: a DNS-1123 label's start, so ``<prefix><name>`` stays a valid name.
NAME_PREFIX = r"([a-z0-9][-a-z0-9]*)?"
#: Most nesting an input may have (environment files need about 10).
MAX_DEPTH = 64
_INT64 = 2**63


#: C0/C1 control characters, DEL, lone surrogates and the line/paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
#: The same, less the newline (text that may span lines).
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def first_control(text: str, *, multiline: bool = False) -> str | None:
    """The first control character of ``text`` (:data:`_CONTROL`; ``multiline``: a newline is
    not one), or None."""
    found = (_CONTROL_BUT_NEWLINE if multiline else _CONTROL).search(text)
    return found[0] if found else None


def _subdomain(value: str) -> str | None:
    if len(value) > 253 or not re.fullmatch(DNS1123_SUBDOMAIN, value):
        return ("use lowercase letters, digits, '-' and '.' (a DNS-1123 subdomain, at most 253 "
                "characters)")
    return None


def storage_class(value: str) -> str | None:
    """A StorageClass name ('' leaves the cluster's default)."""
    return None if value == "" else _subdomain(value)


def qualified_key(value: str) -> str | None:
    """A label or annotation key: ``[prefix/]name``."""
    prefix, _, name = value.rpartition("/")
    hint = ("write a Kubernetes key: an optional DNS subdomain prefix and '/', then at most 63 "
            "letters, digits, '-', '_' or '.', e.g. service.beta.kubernetes.io/oci-load-balancer-shape")
    if (prefix and _subdomain(prefix)) or not re.fullmatch(_QUALIFIED_NAME, name):
        return hint
    return None


def annotation_value(value: str) -> str | None:
    return "keep annotation values under 64 KiB" if len(value) > 65536 else None


def image_repository(value: str) -> str | None:
    if len(value) > 255 or not re.fullmatch(_IMAGE_REPOSITORY, value):
        return "write a registry and path such as ghcr.io/org/olympic (lowercase, no tag)"
    return None


def cidr(value: str) -> str | None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return "write an address range in CIDR notation, e.g. 203.0.113.0/24"
    return None if "/" in value else "write the prefix length too, e.g. 203.0.113.7/32"


#: For the editor schema: a regular expression close to each check (lengths aside).
SCHEMA_PATTERNS = {
    "storage-class": f"({DNS1123_SUBDOMAIN})?",
    "qualified-key": rf"({DNS1123_SUBDOMAIN}/)?{_QUALIFIED_NAME}",
    "image-repository": _IMAGE_REPOSITORY,
}

CHECKS: dict[str, Callable[[str], str | None]] = {
    "storage-class": storage_class, "qualified-key": qualified_key,
    "annotation-value": annotation_value, "image-repository": image_repository, "cidr": cidr,
}


def check(name: str, value: str) -> str | None:
    return CHECKS[name](value)


def json_problem(value: Any, path: KeyPath = (), depth: int = 0) -> tuple[KeyPath, str] | None:
    """The first place where ``value`` is not plain JSON data, and why (None: it is)."""
    if depth > MAX_DEPTH:
        return path, f"nested more than {MAX_DEPTH} levels deep; flatten it"
    if isinstance(value, dict):
        return _mapping_problem(value, path, depth)
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = json_problem(item, (*path, index), depth + 1)
            if found:
                return found
        return None
    return _scalar_problem(value, path)


def _mapping_problem(value: dict[Any, Any], path: KeyPath, depth: int) -> tuple[KeyPath, str] | None:
    for key, item in value.items():
        if not isinstance(key, str):
            return (*path, str(key)), "keys must be strings; put the key in quotes"
        found = json_problem(item, (*path, key), depth + 1)
        if found:
            return found
    return None


def _scalar_problem(value: Any, path: KeyPath) -> tuple[KeyPath, str] | None:
    if value is None or isinstance(value, bool | str):
        return None
    if isinstance(value, int):
        return None if -_INT64 <= value < _INT64 else \
            (path, "the integer does not fit 64 bits; write it in quotes if it is text")
    if isinstance(value, float):
        return None if math.isfinite(value) else \
            (path, "infinity and NaN are not JSON values; write a number or a quoted string")
    if isinstance(value, datetime.date):
        return path, "a date or time is not a JSON value; put it in quotes"
    if isinstance(value, bytes):
        return path, "binary data (!!binary) is not a JSON value; write a (base64) string"
    return path, f"a {type(value).__name__} is not a JSON value; write plain data"

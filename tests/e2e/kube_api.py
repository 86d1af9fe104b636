"""A small Kubernetes API client over urllib: discovery, server-side apply, reads.

Only what the e2e tests need, spoken the way kubectl speaks it: kinds map to
resources through the API server's discovery documents, applies are
``PATCH`` with ``application/apply-patch+yaml`` and ``fieldValidation=Strict``.
"""

from __future__ import annotations

import http.client
import json
import ssl
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class ApiError(Exception):
    """The API server answered with an error status."""

    def __init__(self, status: int, method: str, path: str, body: str) -> None:
        self.status = status
        try:
            self.message = str(json.loads(body).get("message", body))
        except ValueError:
            self.message = body
        super().__init__(f"{method} {path}: HTTP {status}: {self.message}")


@dataclass(frozen=True)
class Resource:
    """Where one kind lives: ``/apis/<group>/<version>`` + plural, and its scope."""

    group_version: str
    plural: str
    namespaced: bool

    def path(self, namespace: str | None, name: str | None = None) -> str:
        base = "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"
        if self.namespaced:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        return f"{base}/{name}" if name else base


class KubeApi:
    """Talks to one API server at ``url`` with a bearer ``token``, trusting ``ca_file``."""

    def __init__(self, url: str, token: str, ca_file: str) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self._ssl = ssl.create_default_context(cafile=ca_file)
        self._resources: dict[tuple[str, str], Resource] = {}
        self._connection: http.client.HTTPSConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = "application/json", timeout: float = 30) -> Any:
        """One request on a kept-alive connection (as kubectl and Argo CD keep theirs: a TLS
        handshake per request cost more CPU than the API server's own work)."""
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type
        status, text = self._exchange(method, path, body, headers, timeout)
        if status >= 400:
            raise ApiError(status, method, path, text)
        if not text or not text.lstrip().startswith(("{", "[")):
            return text
        return json.loads(text)

    def _exchange(self, method: str, path: str, body: bytes | None, headers: dict[str, str],
                  timeout: float) -> tuple[int, str]:
        """Status and body text; a connection the server closed meanwhile is opened again
        once (every request here is idempotent: reads and server-side applies)."""
        for attempt in (1, 2):
            if self._connection is None:
                parts = urllib.parse.urlsplit(self.url)
                self._connection = http.client.HTTPSConnection(
                    parts.hostname or "127.0.0.1", parts.port, context=self._ssl, timeout=timeout)
            self._connection.timeout = timeout
            if self._connection.sock is not None:
                self._connection.sock.settimeout(timeout)
            try:
                self._connection.request(method, path, body=body, headers=headers)
                response = self._connection.getresponse()
                return response.status, response.read().decode()
            except (http.client.HTTPException, OSError):
                self._connection.close()
                self._connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def wait_ready(self, timeout: float = 120, alive: Callable[[], bool] = lambda: True) -> None:
        """Wait for ``/readyz`` to answer ``ok``; RuntimeError once ``alive()`` is false."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if not alive():
                raise RuntimeError(f"the server of {self.url} exited ({last})")
            try:
                if self.request("GET", "/readyz", timeout=5) == "ok":
                    return
            except (OSError, ApiError) as error:
                last = str(error)
            time.sleep(0.5)
        raise TimeoutError(f"{self.url}/readyz not ok after {timeout:.0f} s: {last}")

    # -- discovery -------------------------------------------------------------------------

    def refresh_discovery(self) -> None:
        """Map every served (apiVersion, kind) to its resource."""
        resources: dict[tuple[str, str], Resource] = {}
        versions = ["v1"]
        for group in self.get("/apis")["groups"]:
            versions.extend(v["groupVersion"] for v in group["versions"])
        for group_version in versions:
            path = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
            for item in self.get(path)["resources"]:
                if "/" in item["name"]:
                    continue  # a subresource
                resources[(group_version, item["kind"])] = Resource(
                    group_version, item["name"], bool(item["namespaced"]))
        self._resources = resources

    def resource(self, api_version: str, kind: str) -> Resource:
        key = (api_version, kind)
        if key not in self._resources:
            self.refresh_discovery()
        if key not in self._resources:
            raise KeyError(f"the server does not serve {kind} in {api_version}")
        return self._resources[key]

    def serves(self, api_version: str, kind: str) -> bool:
        try:
            self.resource(api_version, kind)
        except KeyError:
            return False
        return True

    # -- objects ---------------------------------------------------------------------------

    def object_path(self, body: Mapping[str, Any], default_namespace: str | None = None) -> str:
        resource = self.resource(str(body["apiVersion"]), str(body["kind"]))
        metadata = body.get("metadata") or {}
        namespace = metadata.get("namespace") or default_namespace
        if resource.namespaced and not namespace:
            raise ValueError(f"{body['kind']}/{metadata.get('name')}: namespaced, but no namespace")
        return resource.path(namespace if resource.namespaced else None, str(metadata["name"]))

    def apply(self, body: Mapping[str, Any], *, field_manager: str, default_namespace: str | None = None,
              force: bool = True, dry_run: bool = False) -> dict[str, Any]:
        """Server-side apply ``body``; returns the object as the server stored it."""
        query = {"fieldManager": field_manager, "fieldValidation": "Strict",
                 "force": "true" if force else "false"}
        if dry_run:
            query["dryRun"] = "All"
        path = self.object_path(body, default_namespace) + "?" + urllib.parse.urlencode(query)
        payload = json.dumps(body).encode()
        result: dict[str, Any] = self.request("PATCH", path, payload,
                                              content_type="application/apply-patch+yaml")
        return result

    def read(self, body: Mapping[str, Any], default_namespace: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = self.get(self.object_path(body, default_namespace))
        return result

    def wait_established(self, crd_names: list[str], timeout: float = 60) -> None:
        """Wait until every CustomResourceDefinition in ``crd_names`` is Established."""
        deadline = time.monotonic() + timeout
        pending = list(crd_names)
        while pending and time.monotonic() < deadline:
            crd = self.get(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{pending[0]}")
            conditions = {c["type"]: c["status"] for c in (crd.get("status") or {}).get("conditions") or []}
            if conditions.get("Established") == "True":
                pending.pop(0)
            else:
                time.sleep(0.2)
        if pending:
            raise TimeoutError(f"CRDs not Established after {timeout:.0f} s: {', '.join(pending)}")
        self.refresh_discovery()

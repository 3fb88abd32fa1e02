"""A clinician using the dashboard's HTTP API (login with CSRF, queue, cases)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

_HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Clinician:
    client: httpx.Client
    csrf: str = ""

    def login(self, email: str, password: str) -> None:
        form = self.client.get("/dashboard/login")
        form.raise_for_status()
        token = _HIDDEN_CSRF.search(form.text)
        assert token, "login form has no CSRF field"
        response = self.client.post(
            "/dashboard/login",
            data={"email": email, "password": password, "csrf_token": token.group(1)},
        )
        assert response.status_code == 303, response.text
        page = self.client.get("/dashboard")
        page.raise_for_status()
        meta = _META_CSRF.search(page.text)
        assert meta, "dashboard page has no CSRF meta tag"
        self.csrf = meta.group(1)

    def queue(self) -> list[dict[str, Any]]:
        response = self.client.get("/dashboard/api/queue")
        response.raise_for_status()
        return list(response.json()["cases"])

    def case(self, case_id: str) -> dict[str, Any]:
        response = self.client.get(f"/dashboard/api/cases/{case_id}")
        response.raise_for_status()
        return dict(response.json())

    def transcript(self, case_id: str) -> list[dict[str, Any]]:
        response = self.client.get(f"/dashboard/api/cases/{case_id}/messages")
        response.raise_for_status()
        return list(response.json()["messages"])

    def post(self, path: str, json: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(path, json=json, headers={"X-CSRF-Token": self.csrf})

    def claim(self, case_id: str) -> None:
        self.post(f"/dashboard/api/cases/{case_id}/claim").raise_for_status()

    def reply(self, case_id: str, text: str) -> None:
        self.post(f"/dashboard/api/cases/{case_id}/reply", {"text": text}).raise_for_status()

    def resolve(self, case_id: str) -> None:
        self.post(f"/dashboard/api/cases/{case_id}/resolve").raise_for_status()

    def case_for(self, conversation_id: str) -> dict[str, Any]:
        for entry in self.queue():
            if entry.get("conversation_id") == conversation_id:
                return entry
        raise AssertionError(f"no open case for conversation {conversation_id}")

"""``symcheck chat``: talk to the running stack in the terminal, through the gateway's JSON API.

Type a message and press Enter; answer quick-answer buttons with their number. Clinician
replies appear while you wait (a background long poll). ``/quit`` or Ctrl-D ends; ``/new``
starts a new conversation.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from typing import Any

import httpx

from symcheck.settings import get_settings

PROMPT = "you> "
LABELS = {"bot": "bot", "clinician": "clinician", "system": "notice"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url", help="gateway URL (default: SYMCHECK_PUBLIC_URL or http://HOST:PORT)"
    )
    parser.add_argument("--conversation", help="continue this conversation id")
    parser.add_argument("--no-poll", action="store_true", help="do not wait for clinician replies")


def default_url() -> str:
    settings = get_settings()
    return settings.public_url or f"http://{settings.host}:{settings.port}"


class ChatSession:
    """The client side of one conversation. Prints each stored message once, in order."""

    def __init__(
        self,
        client: httpx.Client,
        output: Callable[[str], None] = print,
        conversation_id: str | None = None,
        emergency_number: str = "the emergency number",
    ) -> None:
        self._client = client
        self._emergency_number = emergency_number
        self._output = output
        self.conversation_id = conversation_id
        self.buttons: list[dict[str, str]] = []
        self._printed: set[int] = set()
        self._last_seq = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def send(self, line: str) -> None:
        """Send a line (a digit picks a numbered button) and print the answers."""
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            text = self.buttons[int(text) - 1]["payload"]
        try:
            response = self._client.post(
                "/api/web/messages", json={"conversation_id": self.conversation_id, "text": text}
            )
        except httpx.HTTPError:
            self._output(
                "notice> Cannot reach the service. If this is an emergency, call "
                f"{self._emergency_number} now."
            )
            return
        data = _json(response)
        if response.status_code == 404 and self.conversation_id:
            self._output("notice> That conversation is gone; starting a new one.")
            self.reset()
            self.send(line)
            return
        if response.status_code != 200 or data is None:
            error = (data or {}).get("error", {})
            self._output(f"notice> {error.get('message', f'error {response.status_code}')}")
            return
        self.conversation_id = data["conversation_id"]
        if data.get("message_seq") is None:
            for message in data["messages"]:
                self._output(f"{LABELS.get(message['author'], 'notice')}> {message['text']}")
            return
        self.show(data["messages"], mark_before=data["message_seq"])

    def show(self, messages: list[dict[str, Any]], mark_before: int | None = None) -> None:
        with self._lock:
            if mark_before is not None:
                self._printed.add(mark_before)  # the patient's own message
            for message in sorted(messages, key=lambda m: m.get("seq") or 0):
                seq = message.get("seq")
                if seq is None or seq in self._printed:
                    continue
                self._printed.add(seq)
                self._last_seq = max(self._last_seq, seq)
                if message["author"] == "patient":
                    continue
                self._output(
                    f"{LABELS.get(message['author'], message['author'])}> {message['text']}"
                )
                buttons = message.get("buttons") or []
                if message["author"] == "bot":
                    self.buttons = list(buttons)
                    for i, button in enumerate(buttons, 1):
                        self._output(f"    {i}) {button['title']}")
                else:
                    self.buttons = []
            self._last_seq = max([self._last_seq, *self._printed])

    def poll_once(self, wait: float) -> None:
        """Fetch and print messages after the last one seen (long poll up to ``wait``)."""
        if not self.conversation_id:
            self._stop.wait(1.0)
            return
        response = self._client.get(
            f"/api/web/conversations/{self.conversation_id}/messages",
            params={"after": self._last_seq, "wait": wait},
            timeout=wait + 10,
        )
        data = _json(response)
        if response.status_code == 200 and data:
            self.show(data["messages"])

    def poll_forever(self, wait: float = 25.0) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once(wait)
            except httpx.HTTPError:
                self._stop.wait(3.0)

    def stop(self) -> None:
        self._stop.set()

    def reset(self) -> None:
        with self._lock:
            self.conversation_id = None
            self.buttons = []
            self._printed.clear()
            self._last_seq = 0


def run(args: argparse.Namespace) -> int:
    url = (args.url or default_url()).rstrip("/")
    with httpx.Client(base_url=url, timeout=60.0) as client:
        session = ChatSession(
            client,
            conversation_id=args.conversation,
            emergency_number=get_settings().emergency_number,
        )
        print(f"Connected to {url}. Describe how you feel; /new starts over, /quit ends.")
        if session.conversation_id:
            session.poll_once(0)
        poller = None
        if not args.no_poll:
            poller = threading.Thread(target=session.poll_forever, daemon=True)
            poller.start()
        try:
            while True:
                try:
                    line = input(PROMPT)
                except EOFError:
                    print()
                    break
                command = line.strip()
                if command in ("/quit", "/exit"):
                    break
                if command == "/new":
                    session.reset()
                    print("notice> New conversation.")
                    continue
                if command:
                    session.send(line)
        except KeyboardInterrupt:
            print()
        finally:
            session.stop()
    if session.conversation_id:
        print(f"conversation: {session.conversation_id}", file=sys.stderr)
    return 0


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None

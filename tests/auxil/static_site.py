"""A static website on 127.0.0.1 (a free port, so its own origin), served from a thread."""

from __future__ import annotations

import mimetypes
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

TEXT_SUFFIXES = {".html", ".css", ".js"}


class StaticSite:
    """Serves the files under ``root``. In text files, each key of ``substitutions`` is
    replaced by its value when served (e.g. ``__GATEWAY__`` by the gateway's URL, known only
    once the stack runs)."""

    def __init__(self, root: Path, substitutions: dict[str, str] | None = None) -> None:
        self.root = root.resolve()
        self.substitutions = dict(substitutions or {})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, site=self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def file(self, url_path: str) -> Path | None:
        path = unquote(urlsplit(url_path).path).lstrip("/") or "index.html"
        candidate = (self.root / path).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def render(self, path: Path) -> bytes:
        if path.suffix not in TEXT_SUFFIXES:
            return path.read_bytes()
        text = path.read_text(encoding="utf-8")
        for key, value in self.substitutions.items():
            text = text.replace(key, value)
        return text.encode("utf-8")

    def __enter__(self) -> StaticSite:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def __init__(self, *args: object, site: StaticSite, **kwargs: object) -> None:
        self.site = site
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        path = self.site.file(self.path)
        if path is None:
            self.send_error(404)
            return
        body = self.site.render(path)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(200)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

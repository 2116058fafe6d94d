"""The HTTP side of bench/attack.py: a logged-in session with cookies and CSRF, the forms of a
page as a browser would send them, and every route of the URL configuration filled with a CTG's
real objects."""

from __future__ import annotations

import html.parser
import http.client
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from concurrency import multipart


@dataclass
class Response:
    status: int
    body: bytes
    location: str = ""
    content_type: str = ""

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Session:
    """One browser: its cookies, a keep-alive connection, the CSRF token of its last page."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    @classmethod
    def logged_in(cls, port: int, username: str) -> Session:
        """Return a session of this demo user (a real session row, as a login would make)."""
        from django.test import Client

        from pilote.accounts.models import User

        client = Client()
        client.force_login(User.objects.get(username=username))
        session = cls(port)
        session.cookies["sessionid"] = client.cookies["sessionid"].value
        session.get("/ctg/")  # the CSRF cookie
        return session

    def request(self, method: str, path: str, body=None, headers=None) -> Response:
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers["Host"] = "127.0.0.1"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                body_bytes = raw.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(
            raw.status,
            body_bytes,
            raw.getheader("Location") or "",
            raw.getheader("Content-Type") or "",
        )

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict, *, csrf: bool = True) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if csrf:
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        saved = self.cookies.copy()
        if not csrf:
            self.cookies.pop("csrftoken", None)
        try:
            return self.request("POST", path, urlencode(data).encode(), headers)
        finally:
            if not csrf:
                self.cookies = {**saved, **self.cookies}

    def submit(self, path: str, form: dict, changes: dict, files=()) -> Response:
        fields = [(n, v) for n, v in form["fields"] if n not in changes]
        fields += [(n, v) for n, v in changes.items() if v is not None]
        if files:
            body, content_type = multipart(fields, list(files))
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, "X-CSRFToken": self.cookies.get("csrftoken", "")}
        return self.request("POST", form["action"] or path, body, headers)

    def login(self, username: str, password: str) -> Response:
        self.get("/connexion/")
        token = self.cookies.get("csrftoken", "")
        return self.request(
            "POST",
            "/connexion/",
            urlencode(
                {"username": username, "password": password, "csrfmiddlewaretoken": token}
            ).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )


class FormParser(html.parser.HTMLParser):
    """The POST forms of a page: their fields as a browser sends them, text and file fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: list | None = None
        self._select: list | None = None

    @classmethod
    def forms_of(cls, page: str) -> list[dict]:
        parser = cls()
        parser.feed(page)
        return parser.forms

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {
                "action": attrs.get("action") or "",
                "fields": [],
                "text_fields": [],
                "file_fields": [],
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            self._input(name, (attrs.get("type") or "text").lower(), attrs)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)
            self._form["text_fields"].append(name)
        elif tag == "select" and name:
            self._select = [name, None, [], "multiple" in attrs]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in attrs:
                self._select[2].append(value)

    def _input(self, name: str, kind: str, attrs: dict) -> None:
        if kind == "file":
            self._form["file_fields"].append(name)
            return
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        if kind in ("submit", "button", "image", "reset"):
            return
        if kind in ("text", "search", "") and name != "csrfmiddlewaretoken":
            self._form["text_fields"].append(name)
        default = "on" if kind in ("checkbox", "radio") else ""
        self._form["fields"].append([name, attrs.get("value") or default])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, first, selected, multiple = self._select
            if not selected and not multiple and first is not None:
                selected = [first]
            self._form["fields"] += [[name, value] for value in selected]
            self._select = None
        elif tag == "form":
            self._form = None


def _patterns(resolver=None, prefix="", namespace=""):
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (
                (f"{namespace}:{entry.name}" if namespace else entry.name),
                prefix + str(entry.pattern),
            )


def _fill(route: str, slug: str, ids: dict[str, int]) -> str:
    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if name == "slug":
            return slug
        if converter == "int":
            return str(ids.get(name, ids["pk"]))
        return "pdf" if name == "fmt" else "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route).lstrip("^").rstrip("$")


READ_ONLY = re.compile(
    r"^(conventions:(detail|brief|export)|plans:(tree|node|search)|monitoring:(dashboard|"
    r"followup|followup_export|timeline|indicators|indicator|history)|facilities:(register|"
    r"register_export|coverage|figures|figures_export_csv|figures_export_xlsx|petite_enfance|"
    r"schema|schema_export_xlsx)|governance:(bodies|meeting|reviews|review|versions)|"
    r"reports:.*)$"
)


def route_table(slug: str, own_slug: str, *, read_only: bool = False):
    """Yield (name, URL with slug's objects, URL with own_slug and slug's objects) per route.

    The third URL is None for a route that takes no object (it is then own_slug's own page).
    """
    from pilote.conventions.models import Convention
    from tests.permission_ids import ids_for

    convention = Convention.objects.get(slug=slug)
    for name, route in sorted(set(_patterns())):
        if "<slug:slug>" not in route or name.startswith("public:"):
            continue
        if read_only and not READ_ONLY.match(name):
            continue
        ids = ids_for(name, convention)
        own = _fill(route, own_slug, ids) if "<int:" in route else None
        yield name, _fill(route, slug, ids), own

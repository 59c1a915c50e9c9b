"""Sign-in for the dashboards: Flask-Login sessions over users with hashed passwords.

Users come from the environment only: `FILMBUZZ_DASHBOARD_USERS` holds `name:hash` entries
(separated by spaces, commas or new lines), each hash made by `filmbuzz dashboard-user NAME`
(werkzeug's scrypt). When sign-in is on, every request but the sign-in page needs a session:
pages, Dash's `_dash-*` routes (layout, callbacks, scripts) and report files alike. A page
visit without one is sent to the sign-in page; anything else gets 401 and no data.

Sessions are signed with `FILMBUZZ_DASHBOARD_SECRET`, or else with a key kept in the data
folder (`state/dashboard-secret`, made on first use), so every gunicorn worker accepts the
same cookies and a restart signs nobody out.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import socket
from collections.abc import Mapping
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Any

from flask import Flask, Response, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import ValidationError

from dashboards.errors import DashboardError

USERS_ENV = "FILMBUZZ_DASHBOARD_USERS"
SECRET_ENV = "FILMBUZZ_DASHBOARD_SECRET"
SECRET_FILE = Path("state") / "dashboard-secret"
SIGN_IN, SIGN_OUT = "/sign-in", "/sign-out"
SESSION_HOURS = 12
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_HASH_METHODS = ("scrypt:", "pbkdf2:")
# Checked when a name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` whenever the browser came over HTTPS (directly, or
    through a proxy trusted with FILMBUZZ_DASHBOARD_PROXIES)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure or super().get_cookie_secure(app))


class User(UserMixin):
    def __init__(self, name: str) -> None:
        self.id = name


def hash_entry(name: str, password: str) -> str:
    """One `name:hash` entry for FILMBUZZ_DASHBOARD_USERS."""
    if not _NAME.match(name):
        raise DashboardError(f"user name {name!r}: use letters, digits and . _ @ - only")
    if len(password) < 8:
        raise DashboardError("the password needs 8 characters or more")
    return f"{name}:{generate_password_hash(password)}"


def users_from(env: Mapping[str, str]) -> dict[str, str]:
    """Name -> password hash, from FILMBUZZ_DASHBOARD_USERS; one line per mistake."""
    found: dict[str, str] = {}
    for number, entry in enumerate(re.split(r"[\s,]+", env.get(USERS_ENV, "").strip()), 1):
        if not entry:
            continue
        name, _, hashed = entry.partition(":")
        if not _NAME.match(name) or not hashed.startswith(_HASH_METHODS):
            raise DashboardError(
                f"{USERS_ENV}: entry {number} is not name:password-hash; make one with "
                "`filmbuzz dashboard-user NAME` (never put a plain password there)"
            )
        found[name] = hashed
    return found


def is_loopback(host: str) -> bool:
    """Whether every address `host` stands for is a loopback one (127.0.0.0/8, ::1)."""
    if host in ("", "0.0.0.0", "::"):
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def session_secret(env: Mapping[str, str], data_dir: Path) -> str:
    if env.get(SECRET_ENV, "").strip():
        return env[SECRET_ENV].strip()
    path = data_dir / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two workers starting together agree on the first one written
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def sign_in_users(env: Mapping[str, str]) -> dict[str, str]:
    """The users who may sign in; a DashboardError if there is none (nobody could)."""
    users = users_from(env)
    if not users:
        raise DashboardError(
            f"sign-in is required off loopback, and no user is set: add entries to {USERS_ENV} "
            "(make one with `filmbuzz dashboard-user NAME`)"
        )
    return users


def require_sign_in(server: Flask, users: dict[str, str], secret: str) -> None:
    """Put every route of `server` behind a sign-in for `users` (name -> hash)."""
    server.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    server.session_interface = _SessionInterface()
    manager = LoginManager(server)
    manager.user_loader(lambda name: User(name) if name in users else None)
    server.before_request(_guard)
    server.add_url_rule(
        SIGN_IN, "filmbuzz_sign_in", lambda: _sign_in(users), methods=["GET", "POST"]
    )
    server.add_url_rule(SIGN_OUT, "filmbuzz_sign_out", _sign_out, methods=["GET", "POST"])


def _guard() -> Any:
    if request.endpoint == "filmbuzz_sign_in" or current_user.is_authenticated:
        return None
    if request.method == "GET" and not request.path.startswith("/_dash"):
        return redirect(f"{request.script_root}{SIGN_IN}?next={_local(request.full_path)}")
    return Response('{"error": "sign in first"}', 401, mimetype="application/json")


def _sign_in(users: dict[str, str]) -> Any:
    target = _local(request.values.get("next", "/"))
    if request.method == "GET":
        return _page(target)
    try:
        validate_csrf(request.form.get("csrf_token", ""))
    except ValidationError:  # missing, forged, or from another session
        return _page(target, "The form had expired; please sign in again."), 400
    name = request.form.get("name", "")
    password = request.form.get("password", "")
    hashed = users.get(name)
    matches = check_password_hash(hashed or _DUMMY_HASH, password)
    if hashed is None or not matches:
        return _page(target, "Wrong name or password.", name), 401
    session.clear()  # a new session on sign-in: no fixation
    session.permanent = True
    login_user(User(name))
    return redirect(f"{request.script_root}{target}")


def _sign_out() -> Any:
    logout_user()
    session.clear()
    return redirect(f"{request.script_root}{SIGN_IN}")


def _local(target: str) -> str:
    """Only a path on this site is a place to go back to after signing in (no open redirect)."""
    target = target.rstrip("?")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · filmbuzz</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body {{ margin: 0; background: #f6f7f9; font-family: system-ui, sans-serif; color: #1f2937; }}
 header {{ background: #1b2b4b; color: white; padding: 14px 24px; font-weight: 700; font-size: 18px; }}
 main {{ max-width: 360px; margin: 64px auto; background: white; border: 1px solid #e5e7eb;
        border-radius: 10px; padding: 24px 28px; }}
 h1 {{ font-size: 20px; margin: 0 0 16px; }}
 label {{ display: block; font-size: 13px; color: #6b7280; margin: 12px 0 4px; }}
 input {{ width: 100%; box-sizing: border-box; padding: 8px 10px; border: 1px solid #d1d5db;
         border-radius: 6px; font-size: 15px; }}
 button {{ margin-top: 18px; width: 100%; padding: 9px; border: 0; border-radius: 6px;
          background: #3b5bdb; color: white; font-size: 15px; cursor: pointer; }}
 .error {{ color: #b42318; font-size: 14px; }}
</style></head>
<body><header>filmbuzz</header>
<main><h1>Sign in</h1>{error}
<form method="post" action="{action}">
 <input type="hidden" name="csrf_token" value="{csrf}">
 <input type="hidden" name="next" value="{target}">
 <label for="name">Name</label><input id="name" name="name" value="{name}" autocomplete="username" required autofocus>
 <label for="password">Password</label>
 <input id="password" name="password" type="password" autocomplete="current-password" required>
 <button type="submit">Sign in</button>
</form></main></body></html>
"""


def _page(target: str, error: str = "", name: str = "") -> Response:
    body = _PAGE.format(
        name=escape(name),
        error=f'<p class="error" role="alert">{escape(error)}</p>' if error else "",
        action=escape(f"{request.script_root}{SIGN_IN}"),
        csrf=escape(generate_csrf()),
        target=escape(target),
    )
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response

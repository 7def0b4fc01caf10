"""Start the web app with uvicorn: token handling, host checks, the start-up message."""
from __future__ import annotations

import errno
import ipaddress
import os
import secrets
import socket
from collections.abc import Callable
from pathlib import Path

#: Environment variable holding a write token (reviews enabled, token never printed).
TOKEN_ENV = "EVENTWIRE_WRITE_TOKEN"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only listens on this machine."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        try:
            return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        except OSError:
            return False


def resolve_token(write: bool, env: dict[str, str] | None = None) -> tuple[str | None, bool]:
    """The write token and whether it was generated (and so must be printed once).

    ``EVENTWIRE_WRITE_TOKEN`` wins; else ``--write`` generates 32 random URL-safe characters
    (:func:`secrets.token_urlsafe`); else ``None`` (read-only).
    """
    env = os.environ if env is None else env
    tok = env.get(TOKEN_ENV)
    if tok:
        return tok, False
    if write:
        return secrets.token_urlsafe(24), True
    return None, False


def listen_error(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, or ``None`` when it can.

    Binds a throw-away TCP socket the way uvicorn does (``SO_REUSEADDR``, so only a socket that is
    listening there, not one in TIME_WAIT, refuses it) and closes it at once. Checked before the
    start-up message, which otherwise announced a URL that another program was answering
    (uvicorn's own ``[Errno 98]`` line came after it, with exit 3). A race with a program that takes
    the port in between stays possible; uvicorn still reports that one.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"cannot listen on {host}:{port}: unknown host ({exc.strerror})"
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            hint = ("another program (another eventwire serve?) is listening there; stop it or give "
                    "another --port") if exc.errno == errno.EADDRINUSE else "give another --host or --port"
            return f"cannot listen on {host}:{port}: {exc.strerror}; {hint}"
    return None


def serve(db: Path, host: str, port: int, write: bool, say: Callable[[str], None]) -> None:
    """Run the app until interrupted.

    Raises:
        FileNotFoundError: no database at ``db``.
        ValueError: a write token from the environment shorter than 16 characters, or ``host:port``
            cannot be listened on (:func:`listen_error`: in use, unknown host, not this machine's).
        duckdb.IOException: the database is locked by another process.
    """
    import uvicorn

    from eventwire.web.app import LOOPBACK_HOSTS, create_app

    token, generated = resolve_token(write)
    allowed = list(LOOPBACK_HOSTS)
    if not is_loopback(host):
        allowed = ["*"]
        say(f"[yellow]warning[/]: listening on {host}, reachable from other machines; "
            "anyone who can reach it can read the database.")
    app = create_app(db, write_token=token, allowed_hosts=allowed)
    problem = listen_error(host, port)
    if problem is not None:
        raise ValueError(problem)
    shown = "localhost" if host in ("127.0.0.1", "::1", "localhost") else host
    url = f"http://{shown if ':' not in shown else '[' + shown + ']'}:{port}/"
    if token is None:
        say(f"eventwire serve: [bold]read-only[/] on {url}  (database {db}; reviews need --write)")
    elif generated:
        say(f"eventwire serve: [bold]review mode[/] on {url}  (database {db})")
        say(f"write token (shown once): [bold]{token}[/]")
        say(f"open {url}#token={token} to review in this browser tab")
    else:
        say(f"eventwire serve: [bold]review mode[/] on {url}  (database {db}; token from {TOKEN_ENV})")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)

"""`cibwatch serve` (the review app) and `cibwatch token` (its access token)."""

from __future__ import annotations

from pathlib import Path

import typer

from cibwatch.cli.common import WorkspaceOption, console, fail, out

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _print_token(token: str, workspace: Path) -> None:
    # stdout, plain, so `cibwatch token --reset -w W > token.txt` captures exactly the token.
    console.print(
        f"Review token for {workspace} (shown once; only its hash is stored):", highlight=False
    )
    out.print(token, highlight=False, markup=False)


def serve(
    workspace: Path = WorkspaceOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="TCP port."),
    idle_release: float = typer.Option(
        10.0,
        "--idle-release",
        min=0.5,
        help="Seconds without requests after which the database file is let go, so "
        "`cibwatch report` can run alongside.",
    ),
) -> None:
    """Serve the review app: browse networks, see the evidence, record decisions.

    A token is generated at first start and printed once; open the URL, give your name and the
    token. Scripts use `Authorization: Bearer TOKEN` on /api/... (spec at /api/openapi.json).

    \b
    Example:
        cibwatch serve --workspace ws
        curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8765/api/networks
    """
    try:
        import uvicorn

        from cibwatch.review.app import LOOPBACK_HOSTS, create_app
        from cibwatch.review.auth import ensure_token
    except ModuleNotFoundError as exc:
        fail(f"the review app needs {exc.name}: pip install 'cibwatch[web]'")
    from cibwatch.store import Workspace

    Workspace(workspace, create=False).close()  # fails early, readably, and migrates
    token = ensure_token(workspace)
    if token is not None:
        _print_token(token, workspace)
    if host not in LOOPBACK:
        console.print(
            f"[bold yellow]warning:[/] binding {host}: anyone who can reach this port can try "
            "the token; there is no TLS. Prefer an SSH tunnel to 127.0.0.1.",
            highlight=False,
        )
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Review app on http://{shown}:{port}/ (Ctrl-C to stop)", highlight=False)
    app = create_app(
        workspace,
        allowed_hosts=LOOPBACK_HOSTS if host in LOOPBACK else None,
        idle_seconds=idle_release,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def token(
    workspace: Path = WorkspaceOption,
    reset: bool = typer.Option(
        False, "--reset", help="Make a new token; the old one and its sessions stop working."
    ),
) -> None:
    """Print a new review-app token (with --reset); only its salted hash is kept.

    \b
    Example:
        cibwatch token --workspace ws --reset
    """
    from cibwatch.review.auth import new_token, token_path
    from cibwatch.store import DB_NAME

    # Only the token file is touched, never the database: a reset works while `serve` runs
    # (and holds the database), and takes effect on its next request.
    if not (Path(workspace) / DB_NAME).is_file():
        fail(f"no workspace at {workspace} (run `cibwatch ingest ... --workspace {workspace}`)")
    if not reset:
        state = "exists" if token_path(workspace).exists() else "does not exist yet"
        fail(
            f"a token {state} for {workspace}; tokens are never shown again — "
            "use --reset to make a new one"
        )
    _print_token(new_token(workspace), workspace)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("token")(token)

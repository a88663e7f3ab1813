"""The path a request is routed on, as the checks that run before routing must see it."""

from starlette.types import Scope

API_PREFIX = "/api/v1"


def app_path(scope: Scope) -> str:
    """The path the app routes on: without the `root_path` prefix, with repeated slashes
    collapsed, so no spelling of an API path slips past a check."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return "/" + "/".join(part for part in path.split("/") if part)

"""The API's paths: the one a request is routed on, as the checks that run before
routing must see it, and a resource's, as a client reaches it."""

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


def resource_path(scope: Scope, *parts: object) -> str:
    """The path of an API resource as the client reaches it (under the `root_path` the
    app is served at), for a `Location` header: `/api/v1/products/42`."""
    root: str = scope.get("root_path", "")
    return root + API_PREFIX + "".join(f"/{part}" for part in parts)

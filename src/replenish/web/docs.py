"""The API documentation pages, /docs (Swagger UI) and /redoc, with every asset served by the
application from web/static/vendor/ (each vendored file keeps its LICENSE and VERSION beside
it), so that they work on a machine without internet."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
#: where STATIC is served
STATIC_URL = "/static"
SWAGGER = f"{STATIC_URL}/vendor/swagger-ui"
REDOC = f"{STATIC_URL}/vendor/redoc"

router = APIRouter(include_in_schema=False)


def _root(request: Request) -> str:
    """The prefix the application is served under (empty at the root)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI on the application's OpenAPI document."""
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title=f"{request.app.title} — API",
        swagger_js_url=f"{root}{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{root}{SWAGGER}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None})


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc on the application's OpenAPI document, without web fonts."""
    root = _root(request)
    return get_redoc_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title=f"{request.app.title} — API reference",
        redoc_js_url=f"{root}{REDOC}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{SWAGGER}/favicon-32x32.png",
        with_google_fonts=False)


def install_docs(app: FastAPI) -> None:
    """Serve web/static/ under /static and the documentation pages (create the app with
    docs_url=None and redoc_url=None)."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC), name="static")
    app.include_router(router)

"""The desk's small responses: plain text, a redirect after a POST, a framed
preview of a site page, and the security headers every answer carries."""

from __future__ import annotations

from flask import Response

DESK_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
# the preview is the site's own page: its styles and images, but no script at all
PREVIEW_CSP = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'"


def text(body: str, status: int) -> Response:
    return Response(body, status, content_type="text/plain; charset=utf-8")


def see(location: str, status: int = 303) -> Response:
    """A redirect (303: the browser follows a POST's answer with a GET)."""
    response = Response("", status, content_type="text/plain; charset=utf-8")
    response.headers["Location"] = location
    response.autocorrect_location_header = False
    return response


def preview_response(html: str) -> Response:
    """A page of the site, framed in the desk: no script at all."""
    return framed(Response(html, 200, content_type="text/html; charset=utf-8"))


def framed(response: Response) -> Response:
    """`response` shown in the desk's own frame (the preview's), with no script."""
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def secured(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", DESK_CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response

"""The web app: server-rendered pages (Jinja2 + htmx) and the JSON API under ``/api/v1``.

``create_app`` builds it; ``actplanner serve`` runs ``actplanner.web.app:create_app``
as a factory under uvicorn.
"""

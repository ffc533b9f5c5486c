"""The API's blueprints: flask-smorest's, tagged in the OpenAPI document by their own name.

All of them are registered under the one parent blueprint `api` (endpoints `api.cases.*`, ...), which would
otherwise give every operation the parent's tag.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint as SmorestBlueprint

# The OpenAPI security requirement of every endpoint that needs `Authorization: Bearer <token>`.
AUTH: list[dict[str, list[str]]] = [{"bearer": []}]


class Blueprint(SmorestBlueprint):
    def route(self, rule: str, *, parameters: Any = None, tags: Any = None, **options: Any):
        return super().route(rule, parameters=parameters, tags=tags or [self.name], **options)

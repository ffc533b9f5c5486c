"""Redressal's web layer: Flask views stay thin over engine services."""

from webapp.app import create_app

__all__ = ["create_app"]

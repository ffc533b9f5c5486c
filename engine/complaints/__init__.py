"""Complaint-specific services: intake from the public and staff, tracking by the complainant."""

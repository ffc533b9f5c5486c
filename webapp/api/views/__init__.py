"""The API's blueprints, one per area."""

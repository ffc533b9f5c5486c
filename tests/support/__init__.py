"""Helpers shared by test packages (browser set-up, static servers)."""

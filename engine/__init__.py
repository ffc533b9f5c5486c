"""Redressal's workflow engine and case store.

Nothing in this package imports Flask: the web layer, the CLI, timers and tests all reach the same services
here, so a state change behaves the same whichever door it comes through.
"""

"""Dispute resolution (ISO 10003): providers and what they may see."""

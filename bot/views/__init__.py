"""Shared rendering of domain objects as Telegram HTML and keyboards (handlers and delivery)."""

"""wijkbot: a Telegram bot for neighbourhood networks in Amsterdam."""

__version__ = "0.1.0"

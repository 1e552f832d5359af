"""Rules of wijkbot. No `telegram` import and no user-facing text here (checked by
import-linter): functions take `*, session, ...`, return dataclasses or models, and raise
`bot.domain.errors.DomainError` subclasses. They never commit; the caller's transaction does.
"""

"""Working days moved to `bot.domain.workdays` (shared by coupling and signals); this name
stays so existing imports keep working."""

from bot.domain.workdays import AMSTERDAM, add_working_days, is_working_day

__all__ = ["AMSTERDAM", "add_working_days", "is_working_day"]

"""Business calendars and SLA profiles: when a complaint's deadlines fall, per regime and region.

Pure Python (no database, no Flask), so the timer service, reports and tests share one definition
of a deadline.
"""

from engine.deadlines.calendar import BusinessCalendar, require_aware, weekday_numbers
from engine.deadlines.profiles import (
    REQUIRED_DEADLINES,
    DeadlineRule,
    Duration,
    ProfileError,
    SlaProfile,
    default_profiles_path,
    load_profiles,
)

__all__ = [
    "REQUIRED_DEADLINES",
    "BusinessCalendar",
    "DeadlineRule",
    "Duration",
    "ProfileError",
    "SlaProfile",
    "default_profiles_path",
    "load_profiles",
    "require_aware",
    "weekday_numbers",
]

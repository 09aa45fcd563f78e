"""The pure StepGRPO reward core: no I/O, no clocks, no threads. See ``score.PreparedGroup``."""

from .advantages import GroupAdvantages, advantages
from .profiles import DEFAULT_PROFILE, PROFILES, Profile
from .score import (
    CheckedReference,
    CoreReference,
    PreparedGroup,
    Settings,
    UnusableReference,
    checked_reference,
    reference_key_steps,
)

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "GroupAdvantages",
    "PreparedGroup",
    "Profile",
    "CheckedReference",
    "CoreReference",
    "UnusableReference",
    "Settings",
    "advantages",
    "checked_reference",
    "reference_key_steps",
]

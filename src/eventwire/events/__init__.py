"""Event coding: triggers, roles, modality, CAMEO/PLOVER typing (see docs/event-coding.md)."""

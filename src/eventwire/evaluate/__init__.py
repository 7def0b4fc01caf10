"""Scorers for gold sets (fundus extraction pages, PLOVER sentences, GUM news, the seed)."""

"""Versions of the action plan: signed plan, avenants, comparisons."""

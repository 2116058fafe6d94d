"""Governance bodies (instances, COPIL, COTECH), their members, meetings and decisions."""

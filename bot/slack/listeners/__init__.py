"""Slack listeners, split by kind; each module registers itself on the app."""

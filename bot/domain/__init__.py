"""The pure domain: interviews, nudges, the playbook and its plans, parsing, drafts, time.

Nothing here knows Slack, storage or where the time comes from.
"""

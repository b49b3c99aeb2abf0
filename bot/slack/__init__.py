"""The Slack edge: the Bolt app, listeners, Block Kit, the Web API client and HTTP."""

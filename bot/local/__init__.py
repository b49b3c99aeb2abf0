"""Local tools, not product: the offline console, the Slack stand-in, the request signer."""

"""Calendar feeds: the secret address (redacted, sealed at rest) and fetching it politely."""

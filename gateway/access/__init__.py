"""May they, and how often: the access policy, the rate limits and the guard that applies both."""

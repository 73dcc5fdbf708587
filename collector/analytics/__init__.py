"""Analytics: the time model, metrics, tokens and cost, learning patterns."""

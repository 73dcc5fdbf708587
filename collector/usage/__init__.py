"""Token usage and money: the price table, 5-hour blocks and observed plan limits."""

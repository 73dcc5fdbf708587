"""What may be stored: privacy levels, secret redaction, and forgetting sessions."""

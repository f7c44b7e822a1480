"""retrench.data."""

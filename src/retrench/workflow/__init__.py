"""retrench.workflow."""

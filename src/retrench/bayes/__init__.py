"""retrench.bayes."""

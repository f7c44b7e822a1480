"""The gvc estimation design (see :mod:`retrench.designs.registry`)."""

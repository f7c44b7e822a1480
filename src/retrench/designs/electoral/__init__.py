"""The electoral estimation design (see :mod:`retrench.designs.registry`)."""

"""The tariffs estimation design (see :mod:`retrench.designs.registry`)."""

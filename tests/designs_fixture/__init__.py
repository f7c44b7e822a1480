"""Designs defined inside the test suite (registered by the tests that use them)."""

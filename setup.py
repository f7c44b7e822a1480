"""Packaging beside pyproject.toml: ships the top-level ``models/`` (spec files) and ``data/``
(embedded default data) inside the wheel as ``retrench._models`` and ``retrench._embedded``,
found at run time by :mod:`retrench.resources` (the folders stay where users read and edit them).
Everything else about the package is in pyproject.toml."""

from setuptools import find_packages, setup

SHIPPED = {"retrench._models": "models", "retrench._embedded": "data"}

setup(
    packages=[*find_packages("src"), *SHIPPED],
    package_dir={"": "src", **SHIPPED},
    package_data={
        "retrench._models": ["*.toml"],
        "retrench._embedded": ["*.csv", "*.md"],
    },
    exclude_package_data={"retrench._embedded": ["*.py"]},
)

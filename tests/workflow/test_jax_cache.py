"""Persistent compilation cache switch."""

from __future__ import annotations

import jax

from retrench.workflow.jax_cache import cache_enabled, enable_compilation_cache


def test_opt_out_with_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("RETRENCH_JAX_CACHE", "0")
    assert not cache_enabled()
    assert enable_compilation_cache(tmp_path) is None


def test_enable_sets_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("RETRENCH_JAX_CACHE", "1")
    before = jax.config.jax_compilation_cache_dir
    try:
        folder = enable_compilation_cache(tmp_path / "cache")
        assert folder == tmp_path / "cache" and folder.is_dir()
        assert jax.config.jax_compilation_cache_dir == str(folder)
    finally:
        jax.config.update("jax_compilation_cache_dir", before)

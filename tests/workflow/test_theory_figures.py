"""The seeds' theory figures are drawn (files written, non-trivial images)."""

from __future__ import annotations

import matplotlib.image as mpimg

from retrench.workflow.theory_figures import plot_deremer_figure1, plot_melnick_figure3


def test_figures_are_written(tmp_path):
    for fn, name in ((plot_deremer_figure1, "f1.png"), (plot_melnick_figure3, "f3.png")):
        out = fn(tmp_path / name)
        img = mpimg.imread(out)
        assert img.shape[0] > 300 and img.shape[1] > 400
        assert img[..., :3].std() > 0.05  # not blank

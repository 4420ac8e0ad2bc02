"""The worked example of the dynamics chain (docs/dynamics.md): ``python docs/gen_dynamics.py``.

Real data: UNDP's HDR 2023/24 composite-indices time series (193 countries, 1990–2022), read from
``../shared/data/hdi/`` (or ``TOOLKIT_SHARED_DATA``). The HDI is rebuilt for every year through
``toolkit.dynamics.build_panel``; the chain runs by UNDP region; the figures go to ``docs/img/dynamics/``
(committed) and the numbers of the page are printed as Markdown.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.dynamics import boundaries, convergence, dagum, kde, markov, spatial  # noqa: E402
from toolkit.dynamics.hdr import hdr_panel  # noqa: E402
from toolkit.dynamics.panel import build_panel  # noqa: E402
from toolkit.viz import dynamics_plots as dp  # noqa: E402

DATA = Path(os.environ.get("TOOLKIT_SHARED_DATA") or ROOT.parent / "shared" / "data")
CSV = DATA / "hdi" / "HDR23-24_Composite_indices_complete_time_series.csv"
OUT = ROOT / "docs" / "img" / "dynamics"


def chain():
    long = hdr_panel(CSV)
    ok = long[["LE", "EYS", "MYS", "GNI"]].notna().all(axis=1) & long["hdi_published"].notna()
    panel = build_panel(long[ok], ROOT / "configs" / "hdi.yaml")
    y, region = panel.values(), panel.groups("region")
    out = {"panel": panel, "dagum": dagum.dagum_panel(y, region), "sigma": convergence.sigma_convergence(y),
           "beta": convergence.beta_convergence(y), "beta_fe": convergence.beta_conditional(y),
           "markov": markov.markov_chain(y, k=4)}
    years = [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2022]
    out["kde"] = kde.kde_by_year(y[y.index.get_level_values("year").isin(years)])
    out["kde_features"] = kde.kde_features(out["kde"])
    world = boundaries.world()
    hdi22 = y.xs(2022, level="year")
    world = world[world["iso3"].isin(hdi22.index)].reset_index(drop=True)
    w = spatial.queen_weights(world, "iso3")
    w = w.subset([i for i in w.id_order if w.cardinalities[i] > 0])
    out["w"] = w
    out["world"] = world
    full = y.unstack("year").dropna()
    in_w = [i for i in w.id_order if i in full.index]
    w_bal = w.subset(in_w)
    w_bal = w_bal.subset([i for i in w_bal.id_order if w_bal.cardinalities[i] > 0])
    out["moran"] = spatial.moran_panel(y[y.index.get_level_values("unit_id").isin(w.id_order)]
                                       .loc[lambda s: s.index.get_level_values("year").isin(years)], w)
    out["lisa"] = spatial.lisa(hdi22, w)
    out["smarkov"] = markov.spatial_markov(y[y.index.get_level_values("unit_id").isin(w_bal.id_order)], w_bal, k=4)
    return out


def figures(c):
    OUT.mkdir(parents=True, exist_ok=True)
    dp.kde_ridge(c["kde"], "en", title="HDI of every country with a published value (142 in 1990, 193 in 2022)").savefig(OUT / "hdi_kde.png", dpi=110)
    dp.dagum_lines(c["dagum"].overall, "en", title="Dagum Gini of the HDI by UNDP region").savefig(
        OUT / "hdi_dagum.png", dpi=110)
    dp.sigma_lines(c["sigma"].table, "en", title="σ-convergence of the HDI").savefig(OUT / "hdi_sigma.png", dpi=110)
    dp.transition_heatmap(c["markov"].P, "en", title="HDI quartile classes, one-year transitions").savefig(
        OUT / "hdi_markov.png", dpi=110)
    from matplotlib.patches import Patch

    from toolkit.dynamics.maps import LISA_COLOURS
    from toolkit.viz.canvas import new_figure

    world = boundaries.world(tolerance=0.2)
    world = world[world.geometry.bounds["miny"] > -60]
    colour = world["iso3"].map(c["lisa"]["cluster"]).map(LISA_COLOURS).fillna("#ffffff")
    fig = new_figure(10, 4.6)
    ax = fig.add_subplot()
    world.plot(ax=ax, color=colour, edgecolor="#777", linewidth=0.2)
    ax.set_axis_off()
    ax.legend(handles=[Patch(color=v, label=k) for k, v in LISA_COLOURS.items()] +
              [Patch(facecolor="#ffffff", edgecolor="#777", label="no land neighbour / no data")],
              loc="lower left", fontsize=8)
    ax.set_title("LISA clusters of the HDI, 2022 (queen contiguity, 999 permutations, p < 0.05)")
    fig.savefig(OUT / "hdi_lisa_2022.png", dpi=100)


def numbers(c):
    d = c["dagum"].overall.loc[[1990, 2000, 2010, 2022]]
    print("## Dagum\n", d.round(4).to_markdown())
    print(c["dagum"].groups.loc[[1990, 2022]].round(4).to_markdown())
    print("## sigma\n", c["sigma"].table.loc[[1990, 2000, 2010, 2022]].round(4).to_markdown())
    print(c["sigma"].trend.to_markdown())
    print("## beta\n", c["beta"].to_frame().T.to_markdown())
    print(c["beta_fe"].to_frame().T.to_markdown())
    m = c["markov"]
    print("## markov cutoffs", [round(x, 3) for x in m.cutoffs], "mobility", round(m.mobility, 4), "dropped", m.dropped)
    print(m.P.round(3).to_markdown())
    print(m.steady_state.round(3).to_markdown())
    print(m.first_passage.round(1).to_markdown())
    print("## kde\n", c["kde_features"].round(3).to_markdown(), c["kde"].attrs["bandwidth"])
    print("## moran\n", c["moran"].round(4).to_markdown(), "n in w", len(c["w"].id_order))
    print(c["lisa"]["cluster"].value_counts().to_markdown())
    print("## spatial markov\n", c["smarkov"].tests.to_markdown())
    print(c["smarkov"].P.round(3).to_markdown())


if __name__ == "__main__":
    if not CSV.is_file():
        sys.exit(f"{CSV} not found: download the HDR 2023/24 composite-indices time series from "
                 "https://hdr.undp.org/data-center/documentation-and-downloads")
    c = chain()
    figures(c)
    numbers(c)

#!/usr/bin/python3
"""Plots threshold trajectories written by `ops/threshold-replay.py --trajectory` (threshold against probe index,
one line per seed and estimator) into a small PNG.

  ops/threshold-plot.py --out OUT.png --title TITLE LABEL=TRAJ.csv [LABEL=TRAJ.csv ...] [--oracle SEED=T,...]
"""
import argparse
import csv

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--out', required=True)
ap.add_argument('--title', default='')
ap.add_argument('--oracle', help='seed=threshold,... drawn as dotted lines')
ap.add_argument('series', nargs='+')
args = ap.parse_args()
fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
styles = ['-', '--', ':']
colors = ['C0', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9']
for si, item in enumerate(args.series):
    label, path = item.split('=', 1)
    seeds = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            seeds.setdefault(int(row['seed']), []).append((int(row['probe']), float(row['threshold'])))
    for ci, (seed, pts) in enumerate(sorted(seeds.items())):
        ax.plot([p for p, _ in pts], [t for _, t in pts], styles[si % 3], color=colors[ci % 10], lw=1.2,
                label='%s seed %d' % (label, seed))
if args.oracle:
    for ci, kv in enumerate(args.oracle.split(',')):
        seed, t = kv.split('=')
        ax.axhline(float(t), color=colors[(int(seed) - 1) % 10], lw=0.6, ls=(0, (1, 3)))
ax.set_xlabel('probe index')
ax.set_ylabel('published threshold (cosine)')
ax.set_title(args.title, fontsize=9)
ax.legend(fontsize=6, ncol=2)
ax.grid(alpha=0.3)
fig.tight_layout()
fig.savefig(args.out)

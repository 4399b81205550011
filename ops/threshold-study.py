#!/usr/bin/python3
"""Runs ops/threshold-replay.py's replay over many sets, seeds and estimator settings in one process and judges
each seed against issue 12's criterion (FPIR within [0.5x, 2x] of the target, DIR@1 at least the seed's oracle DIR
minus 0.02).

  ops/threshold-study.py --logs /work/eval-logs --seeds 6,7,8,9,10 --sets lfw,dup5-lfw \\
      --config java --config 'robust:cap_min=3,run_length=3' [--json OUT.jsonl] [--table]

Sets: orl people pins10 lfw all combined and dupF-SET (F = 1 or 5, datasets from ops/inject-duplicates.py under
LOGS/datasets/dupF-SET-seedN.csv). A config is `java` or `robust[:name=value,...]` (Policy parameters).
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import facestream_eval as fe  # noqa: E402

spec = importlib.util.spec_from_file_location('threshold_replay', os.path.join(HERE, 'threshold-replay.py'))
tr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tr)

ALL_SETS = ['orl', 'people', 'pins10', 'lfw', 'all', 'combined', 'dup1-lfw', 'dup5-lfw', 'dup1-all', 'dup5-all',
            'dup1-combined', 'dup5-combined', 'dup1-orl', 'dup1-pins10']


def dataset(logs, name):
    return os.path.join(logs, 'datasets', name + ('-seed{seed}' if name.startswith('dup') else '') + '.csv')


def parse_config(text):
    kind, _, params = text.partition(':')
    kw = dict(p.split('=', 1) for p in params.split(',') if p) if params else {}
    return kind, kw


def judge(r, alpha):
    ok_fpir = 0.5 * alpha <= r['fpir'] <= 2 * alpha
    ok_dir = r['dir'] >= r['oracle_dir'] - 0.02
    return ok_fpir, ok_dir


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--logs', default='/work/eval-logs')
    ap.add_argument('--root', default='/work/shared/faces')
    ap.add_argument('--seeds', default='1,2,3,4,5')
    ap.add_argument('--sets', default=','.join(ALL_SETS))
    ap.add_argument('--target', type=float, default=0.01)
    ap.add_argument('--config', action='append', default=[])
    ap.add_argument('--json', help='append one JSON line per set, seed and config')
    ap.add_argument('--table', action='store_true', help='print a markdown row per seed')
    ap.add_argument('--cohort-sizes', help='cohort-size study: deal each split again with these cohort sizes')
    ap.add_argument('--unknown-size', type=int, default=900, help='unknown identities kept in the cohort-size study')
    ap.add_argument('--external-cohort', help='CSV of cohort identities from elsewhere (with --cohort-sizes: how many)')
    args = ap.parse_args()
    configs = args.config or ['java']
    cache = fe.read_cache(os.path.join(args.logs, 'cache', 'embeddings'))
    seeds = [int(s) for s in args.seeds.split(',')]
    summary = {c: [0, 0, []] for c in configs}
    variants = []
    for name in args.sets.split(','):
        for k in ([None] if not args.cohort_sizes else [int(x) for x in args.cohort_sizes.split(',')]):
            variants.append((name, k))
    for name, k in variants:
        for seed in seeds:
            t0 = time.time()
            if args.external_cohort:
                sd = tr.load(dataset(args.logs, name), args.root, cache, seed, tr.Policy(args.target),
                             '%s+ext%d' % (name, k), k, None, args.external_cohort)
            else:
                sd = tr.load(dataset(args.logs, name), args.root, cache, seed, tr.Policy(args.target),
                             name if k is None else '%s@K%d' % (name, k), k, args.unknown_size if k else None)
            name_k = sd.name
            for c in configs:
                kind, kw = parse_config(c)
                policy = tr.Policy(args.target, **kw)
                r = tr.replay(sd, policy, kind == 'robust')
                ok_fpir, ok_dir = judge(r, args.target)
                summary[c][0] += 1
                summary[c][1] += ok_fpir and ok_dir
                if not (ok_fpir and ok_dir):
                    summary[c][2].append('%s/%d' % (name_k, seed))
                r['config'] = c
                r.pop('accepted')
                tail = r.pop('tail')
                if args.table:
                    print('| %s | %d | %s | %.4f (%.2fx)%s | %.4f | %.3f | %.3f%s | %.4f | %.4f | %d |' % (
                        name_k, seed, c, r['fpir'], r['fpir'] / args.target, '' if ok_fpir else ' ✗', r['stranger_fpir'],
                        r['dir'], r['oracle_dir'], '' if ok_dir else ' ✗', r['threshold'], r['max_threshold'],
                        r['capped_identities_last']))
                else:
                    print('%-14s seed %2d %-40s thr %.4f (first %.4f max %.4f) FPIR %.4f %s stranger %.4f DIR %.4f oracle %.4f %s'
                          ' | capped %d/%d hyg %d list-out %d' % (
                              name_k, seed, c[:40], r['threshold'], r['first_threshold'], r['max_threshold'], r['fpir'],
                              ' ' if ok_fpir else 'F', r['stranger_fpir'], r['dir'], r['oracle_dir'], ' ' if ok_dir else 'D',
                              r['capped_identities_last'], r['capped_identities_max'], r['hygiene_excluded'], r['list_exhausted']))
                if args.json:
                    r.pop('audit')
                    r['tail'] = tail
                    with open(args.json, 'a') as f:
                        f.write(json.dumps(r, default=float) + '\n')
            sys.stdout.flush()
            del sd
    for c, (n, ok, bad) in summary.items():
        print('config %s: %d/%d seeds pass%s' % (c, ok, n, (': fails ' + ' '.join(bad)) if bad else ''))


if __name__ == '__main__':
    main()

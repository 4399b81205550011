#!/usr/bin/python3
"""Summarises ops/threshold-study.py JSON lines: per config and set, the seeds that meet issue 12's criterion, the
FPIR range (x target) and the worst DIR gap to the oracle.

  ops/threshold-summary.py STUDY.jsonl [--target 0.01] [--sets a,b] [--markdown --before java --after robust]
"""
import argparse
import collections
import json

ap = argparse.ArgumentParser()
ap.add_argument('jsonl')
ap.add_argument('--target', type=float, default=0.01)
ap.add_argument('--sets')
ap.add_argument('--markdown', action='store_true', help='also print a per-seed before/after table')
ap.add_argument('--before', default='java')
ap.add_argument('--after', default='robust')
args = ap.parse_args()
rows = [json.loads(l) for l in open(args.jsonl)]
by = collections.defaultdict(list)
for r in rows:
    if args.sets and r['set'] not in args.sets.split(','):
        continue
    by[(r['config'], r['set'])].append(r)
configs = list(dict.fromkeys(r['config'] for r in rows))
sets = list(dict.fromkeys(r['set'] for r in rows if not args.sets or r['set'] in args.sets.split(',')))
a = args.target
for c in configs:
    total = ok = 0
    print('== ' + c)
    for s in sets:
        rs = by[(c, s)]
        if not rs:
            continue
        good = [0.5 * a <= r['fpir'] <= 2 * a and r['dir'] >= r['oracle_dir'] - 0.02 for r in rs]
        total += len(rs)
        ok += sum(good)
        print('  %-16s %d/%d  FPIR x %s  DIR-oracle min %+.3f  thr %s' % (
            s, sum(good), len(rs), ' '.join('%.2f' % (r['fpir'] / a) for r in rs),
            min(r['dir'] - r['oracle_dir'] for r in rs), ' '.join('%.3f' % r['threshold'] for r in rs)))
    print('  total %d/%d' % (ok, total))


def markdown(rows, before, after, target):
    """Per-seed before/after table: one row per set and seed."""
    idx = {(r['config'], r['set'], r['seed']): r for r in rows}
    sets = list(dict.fromkeys(r['set'] for r in rows))
    out = ['| set | seed | non-mated (same-person) | oracle τ, DIR | before: τ, FPIR (x), DIR | after: τ, FPIR (x), stranger FPIR, DIR | judged |',
           '|---|---|---|---|---|---|---|']
    for s in sets:
        for seed in sorted({r['seed'] for r in rows if r['set'] == s}):
            b, a = idx.get((before, s, seed)), idx.get((after, s, seed))
            if not b or not a:
                continue

            def ok(r):
                return 0.5 * target <= r['fpir'] <= 2 * target and r['dir'] >= r['oracle_dir'] - 0.02
            out.append('| %s | %d | %d (%d) | %.3f, %.3f | %.3f, %.4f (%.2f), %.3f | %.3f, %.4f (%.2f), %.4f, %.3f | %s → %s |' % (
                s, seed, a['nonmated'], a['same_person_hits'], a['oracle_threshold'], a['oracle_dir'],
                b['threshold'], b['fpir'], b['fpir'] / target, b['dir'],
                a['threshold'], a['fpir'], a['fpir'] / target, a['stranger_fpir'], a['dir'],
                'pass' if ok(b) else 'FAIL', 'pass' if ok(a) else 'FAIL'))
    return '\n'.join(out)


if __name__ == '__main__' and args.markdown:
    print()
    print(markdown([r for r in rows if not args.sets or r['set'] in args.sets.split(',')], args.before, args.after, a))

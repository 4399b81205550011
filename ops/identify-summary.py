#!/usr/bin/python3
"""Per-seed tables from `facestream eval identify` logs (ops/eval-identify.sh writes LOGS/identify-NAME.log), judged
seed by seed against issue 12's criterion, optionally next to the offline replay's results for the same seeds.

  ops/identify-summary.py LOGS [--sets lfw,dup1-lfw,...] [--replay REPLAY.jsonl --replay-config robust] [--target 0.01]

Prints one markdown row per set and seed: non-mated probes (same-person hits), the oracle's threshold and DIR@1, the
adaptive threshold, FPIR (x target), stranger FPIR and DIR@1, the pack's fixed 0.40, the best constant at the
adaptive's false alarms, hygiene flags, the highest published value, the judgement, and with --replay the replay's
threshold and FPIR for that seed. Then a per-set summary line (FPIR/target per seed, seeds in band).
"""
import argparse
import glob
import json
import os
import re

NUM = r'([-0-9.]+|NaN)'


def parse(path):
    seeds = {}
    for line in open(path, errors='replace'):
        m = re.match(r'seed (\d+): (.*)', line.strip())
        if not m:
            continue
        s = seeds.setdefault(int(m.group(1)), {})
        rest = m.group(2)
        if (g := re.match(r'gallery (\d+) subjects .* cohort (\d+) identities .* unknown (\d+); (\d+) mated \+ (\d+) non-mated', rest)):
            s.update(gallery=int(g.group(1)), cohort=int(g.group(2)), mated=int(g.group(4)), nonmated=int(g.group(5)))
        elif (g := re.match(r'(adaptive-fpir|fixed|oracle)\s+threshold ' + NUM + r'\s+FPIR ' + NUM + r'\s+DIR@1 ' + NUM, rest)):
            s[g.group(1)] = (float(g.group(2)), float(g.group(3)), float(g.group(4)))
        elif (g := re.match(r'stranger-fpir \(best < ([0-9.]+)\) ' + NUM + r' over (\d+) probes; same-person hits (\d+)', rest)):
            s.update(stranger=float(g.group(2)), same_person=int(g.group(4)))
        elif (g := re.match(r'stranger-oracle threshold ' + NUM + r'\s+FPIR ' + NUM + r'\s+DIR@1 ' + NUM, rest)):
            s['stranger-oracle'] = (float(g.group(1)), float(g.group(2)), float(g.group(3)))
        elif (g := re.match(r'constant at equal stranger FPIR .* threshold ' + NUM + r'\s+FPIR ' + NUM + r'\s+DIR@1 ' + NUM, rest)):
            s['constant-stranger'] = (float(g.group(1)), float(g.group(2)), float(g.group(3)))
        elif (g := re.match(r'constant at equal FPIR .* threshold ' + NUM + r'\s+FPIR ' + NUM + r'\s+DIR@1 ' + NUM, rest)):
            s['constant'] = (float(g.group(1)), float(g.group(2)), float(g.group(3)))
        elif (g := re.match(r'trajectory: (\d+) publications, first ' + NUM + r' .*highest ' + NUM + r' .*capped identities at most (\d+), list exhausted in (\d+)', rest)):
            s.update(first=float(g.group(2)), highest=float(g.group(3)), capped=int(g.group(4)), exhausted=int(g.group(5)))
        elif (g := re.match(r'cohort hygiene .*: (\d+) of (\d+) identities flagged', rest)):
            s['flagged'] = int(g.group(1))
        elif (g := re.match(r'tail above the level ' + NUM + r': (\d+) scores \((\d+) unlisted\); cohort identities: (.*); probes: (.*)', rest)):
            s['tail'] = (int(g.group(2)), g.group(4), g.group(5))
    return seeds


def name_of(path):
    n = os.path.basename(path)[len('identify-'):-len('.log')]
    return re.sub(r'-seed\d+$', '', n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('logs')
    ap.add_argument('--sets', help='comma-separated set names, in this order (default: every log)')
    ap.add_argument('--target', type=float, default=0.01)
    ap.add_argument('--replay', help='replay results (ops/threshold-study.py --json) to compare with')
    ap.add_argument('--replay-config', default='robust')
    ap.add_argument('--tail', action='store_true', help='add the tail composition per seed')
    ap.add_argument('--stranger', action='store_true',
                    help='judge and compare without the same-person hits: the stranger FPIR against the band, the '
                         'stranger oracle and the constant at equal stranger FPIR (for small targets)')
    args = ap.parse_args()
    runs = {}
    for path in sorted(glob.glob(os.path.join(args.logs, 'identify-*.log'))):
        for seed, s in parse(path).items():
            if 'adaptive-fpir' in s:
                runs.setdefault(name_of(path), {})[seed] = s
    replay = {}
    if args.replay:
        for line in open(args.replay):
            r = json.loads(line)
            if r.get('config') == args.replay_config:
                replay[(r['set'], r['seed'])] = r
    names = args.sets.split(',') if args.sets else sorted(runs)
    a = args.target
    what = 'stranger ' if args.stranger else ''
    print('| set | seed | non-mated (same-person) | %soracle: τ, DIR@1 | adaptive: τ, FPIR (x), stranger FPIR, DIR@1 '
          '| fixed 0.40: FPIR, DIR@1 | constant at equal %sFPIR: τ, DIR@1 | flagged, capped ids, highest τ | judged%s'
          % (what, what, ' on stranger FPIR' if args.stranger else '')
          + (' | replay τ, FPIR' if args.replay else '') + ' |')
    print('|---|---|---|---|---|---|---|---|---' + ('|---' if args.replay else '') + '|')
    summary = []
    for name in names:
        ratios, passed = [], 0
        for seed in sorted(runs.get(name, {})):
            s = runs[name][seed]
            t, f, d = s['adaptive-fpir']
            ot, of, od = s['stranger-oracle'] if args.stranger else s['oracle']
            ft, ff, fd = s['fixed']
            ct, cf, cd = s.get('constant-stranger' if args.stranger else 'constant', (float('nan'),) * 3)
            judged_fpir = s['stranger'] if args.stranger else f
            ok = 0.5 * a <= judged_fpir <= 2 * a and d >= od - 0.02
            passed += ok
            ratios.append(judged_fpir / a)
            row = ('| %s | %d | %d (%d) | %.3f, %.3f | %.3f, %.4f (%.2f), %.4f, %.3f | %.4f, %.3f | %.3f, %.3f | %d, %d, %.3f | %s'
                   % (name, seed, s['nonmated'], s.get('same_person', 0), ot, od, t, f, f / a, s.get('stranger', float('nan')),
                      d, ff, fd, ct, cd, s.get('flagged', 0), s.get('capped', 0), s.get('highest', float('nan')),
                      'pass' if ok else 'FAIL'))
            if args.replay:
                r = replay.get((name, seed))
                row += ' | ' + ('%.4f, %.4f' % (r['threshold'], r['fpir']) if r else 'n/a')
            print(row + ' |')
            if args.tail and 'tail' in s:
                print('|  |  | tail: %d scores; cohort: %s; probes: %s |' % s['tail'])
        if name in runs:
            summary.append('%s: %sFPIR/target per seed %s; %d/%d seeds pass' % (
                name, what, ' '.join('%.2f' % x for x in ratios), passed, len(ratios)))
    print()
    for line in summary:
        print('- ' + line)


if __name__ == '__main__':
    main()

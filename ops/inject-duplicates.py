#!/usr/bin/python3
"""Writes a dataset CSV in which some gallery subjects of one seed's split also sit in the impostor cohort under
a second name: one photo of subject X is relabelled as a new identity that the seed's split (eval/IdentitySplit,
replayed exactly by facestream_eval.py) puts in the cohort, while X stays in the gallery. This is the
contamination of issue 12: every probe of X then scores a genuine score against the cohort, which the estimator
takes for a null score.

  ops/inject-duplicates.py --dataset CSV --cache CACHE --root FACES --fraction 0.05 --seed 1 --out OUT.csv

How the duplicates land in the cohort: the split shuffles the sorted identity names with Random(seed), fills the
gallery with identities of 2+ photos and deals the rest to the cohort first. A new identity has one photo, so it
is never enrolled; it is named so that it sorts into a slot the shuffle moves early among the non-gallery
identities (the name is the preceding identity's name plus " dup-of X"). The split is then recomputed with the
new names and counts and every duplicate is checked to be in the cohort and every X in the gallery.

Subjects X are drawn from the gallery subjects with 3+ photos, with probability proportional to their photos
(duplicates of frequently seen people are the ones that hurt), without replacement. Number of duplicates:
round(fraction * cohort identities), at least 1. Images without a detected face (in the cache) are left out
first, as `eval identify` does, so the CSV lists only acquired images.
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import facestream_eval as fe  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dataset', required=True)
    ap.add_argument('--cache', required=True)
    ap.add_argument('--root', required=True)
    ap.add_argument('--fraction', type=float, required=True)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    cache = fe.read_cache(args.cache)
    images = fe.acquired(fe.read_dataset(args.dataset, args.root), cache)
    n0 = len(images)
    cohort0 = max(2, int(0.2 * n0 + 0.5))
    d = max(1, int(args.fraction * cohort0 + 0.5))
    n = n0 + d
    rnd = random.Random(1000 + args.seed)
    originals = sorted(images, key=fe.java_string_key)
    # shuffled position of each sorted slot for n identities
    perm = list(range(n))
    fe.shuffle(perm, fe.JavaRandom(args.seed))
    position = [0] * n
    for k, s in enumerate(perm):
        position[s] = k
    # candidate slots: early in the shuffle, not slot 0, no two adjacent
    candidates = sorted(range(1, n), key=lambda s: position[s])
    for attempt in range(200):
        slots = []
        for s in candidates[attempt:]:
            if all(abs(s - t) > 1 for t in slots):
                slots.append(s)
            if len(slots) == d:
                break
        slots.sort()
        names, it, new = [], iter(originals), {}
        for s in range(n):
            if s in slots:
                prev = names[-1]
                new_name = prev + ' dup-' + str(len(new) + 1)
                names.append(new_name)
                new[new_name] = None
            else:
                names.append(next(it))
        counts = {i: len(images[i]) for i in originals}
        counts.update({i: 1 for i in new})
        if sorted(names, key=fe.java_string_key) != names:
            continue
        roles = fe.roles_only(counts, args.seed)
        if all(roles[i] == 'cohort' for i in new):
            break
    else:
        sys.exit('could not place %d duplicates in the cohort of seed %d' % (d, args.seed))
    gallery = [i for i in originals if roles[i] == 'gallery' and len(images[i]) >= 3]
    chosen = []
    pool = list(gallery)
    for _ in range(d):
        weights = [len(images[i]) for i in pool]
        x = rnd.choices(pool, weights=weights)[0]
        pool.remove(x)
        chosen.append(x)
    out = {i: list(p) for i, p in images.items()}
    pairs = []
    for new_name, x in zip(sorted(new, key=fe.java_string_key), chosen):
        photo = rnd.choice(sorted(out[x]))
        out[x].remove(photo)
        final = new_name.rsplit(' dup-', 1)[0] + ' dup-of ' + x
        out[final] = [photo]
        pairs.append({'duplicate': final, 'subject': x, 'photo': os.path.relpath(photo, args.root),
                      'subject_photos': len(out[x])})
    enrolled, mated, cohort, unknown = fe.identity_split(out, args.seed)
    roles = {i: 'gallery' for i, _ in enrolled}
    roles.update({i: 'cohort' for i, _ in cohort})
    roles.update({i: 'unknown' for i, _ in unknown})
    bad = [p for p in pairs if roles[p['duplicate']] != 'cohort' or roles[p['subject']] != 'gallery']
    if bad:
        sys.exit('seed %d: duplicates not where they must be: %s' % (args.seed, bad))
    probes = {i: len(ps) for i, ps in mated}
    for p in pairs:
        p['subject_probes'] = probes[p['subject']]
    with open(args.out, 'w') as f:
        f.write('path,identity\n')
        for i in sorted(out, key=fe.java_string_key):
            for p in out[i]:
                f.write('%s,%s\n' % (os.path.relpath(p, args.root), i))
    with open(os.path.splitext(args.out)[0] + '.json', 'w') as f:
        json.dump({'seed': args.seed, 'fraction': args.fraction, 'duplicates': len(pairs), 'cohort': len(cohort),
                   'pairs': pairs}, f, indent=1)
    print('seed %d: %d duplicate identities in a cohort of %d (%.1f%%), of gallery subjects with %d probes in all: %s'
          % (args.seed, len(pairs), len(cohort), 100.0 * len(pairs) / len(cohort),
             sum(p['subject_probes'] for p in pairs),
             ', '.join('%s (%d probes)' % (p['subject'], p['subject_probes']) for p in pairs[:12])
             + (' ...' if len(pairs) > 12 else '')))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Offline replay of the adaptive FPIR threshold (issue 12) on cached embeddings.

Replays `facestream eval identify` seed by seed: the same split (eval/IdentitySplit), the same probe order
(match/OpenSetEvaluation), the same cohort scoring (match/threshold/CohortScorer), priming, window and estimator
(NullScoreWindow, NullScoreSketch, FpirThresholdEstimator, TailModel), and reports the final threshold, FPIR and
DIR@1 against the oracle, so the Java estimator ("java") and the contamination-robust design ("robust") can be
compared on every set and seed in seconds instead of minutes.

Usage:
  ops/threshold-replay.py --cache CACHE --root FACES --dataset CSV [--seeds 1,2,3] [--target 0.01]
      [--estimator java|robust] [--cap 3] [--run-length 3] [--trajectory OUT.csv] [--json OUT.json]
  A dataset per seed (the injected-duplicate sets) is given as --dataset 'dup5-lfw-seed{seed}.csv'.
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import facestream_eval as fe  # noqa: E402

BINS = 8192
BIN_WIDTH = 2.0 / BINS


class Policy:
    """FpirPolicy.defaults(id, alpha) plus the robust estimator's parameters (see ops/threshold-design.md)."""

    def __init__(self, alpha, **kw):
        self.alpha = alpha
        self.beta = 1.0
        self.scale = 32.0
        self.floor, self.ceiling, self.initial = 0.2, 0.7, 0.4
        self.margin = 0.02
        self.tail_count = 40
        self.tail_model_max_alpha = 0.005
        self.max_fall = 0.005
        self.buckets = 10
        self.max_window = 2_000_000
        self.min_detector, self.min_iod = 0.5, 16.0
        # --- the robust estimator (used when robust=True) ---
        self.cap_min = 3          # a cohort identity may own max(cap_min, ceil(cap_share * m / K)) of m tail scores
        self.cap_share = 4.0      # ... i.e. this many times its even share (K = usable cohort identities, both halves)
        self.camera_share = 2.0   # a camera may own max(camera_min, ceil(camera_share * m / cameras)) of them
        self.camera_min = 10
        self.list_factor = 4.0    # a report lists the window's top list_factor * (scores the read uses) with owners
        self.run_length = 3       # published = max of the last run_length raw estimates (rises at once)
        self.slow_fall = False    # robust estimator with the Java fall rule (maxFallPerUpdate) instead, for comparison
        self.same_person = 0.50   # probe-cohort cosine at or above this: that identity is the probe's own person
        self.hygiene = 0.40       # cohort identities whose best gallery cosine reaches this are left out of scoring
        self.guard_drop_top = 1   # the guard smooth-max leaves out each half's top this many identities
        self.hygiene_pairs = False  # hygiene leaves a flagged identity out only for probes whose best subject it resembles
        self.level_weight = 0.25  # robust level exponent = w K/N + (1 - w) C/T (the Java estimator: 0.5)
        self.cap = True
        for k, v in kw.items():
            if not hasattr(self, k):
                raise ValueError('unknown policy parameter ' + k)
            setattr(self, k, type(getattr(self, k))(v) if not isinstance(getattr(self, k), bool) else v in (True, 'true', '1'))

    def level(self, n, t, k, c, w=0.5):
        ident = k / n
        templ = c / t if (c >= k and t >= n) else ident
        return (1 - self.alpha) ** (w * ident + (1 - w) * templ)

    def window_samples(self, n, t, k, c, w=0.5):
        lv = self.level(max(1, n), max(1, t), k, c, w)
        return min(self.max_window, int(math.ceil(self.tail_count / (1 - lv) * (1 - 1e-9))))


def bin_of(scores):
    b = np.floor((np.asarray(scores, dtype=np.float64) + 1) / BIN_WIDTH).astype(np.int64)
    return np.clip(b, 0, BINS - 1)


def hist_quantile(counts, level):
    """NullScoreSketch.quantile."""
    total = counts.sum()
    rank = level * total
    cum = np.cumsum(counts)
    i = int(np.searchsorted(cum, rank, side='left'))
    while i < BINS and counts[i] == 0:
        i += 1
    if i >= BINS:
        return 1.0
    below = cum[i] - counts[i]
    inside = (rank - below) / counts[i]
    return min(1.0, -1 + i * BIN_WIDTH + inside * BIN_WIDTH)


def tail_fit(counts, u_level, min_exc):
    """TailModel.fit on a histogram: (u, scale, shape, zeta) or None."""
    n = counts.sum()
    first = int(bin_of([hist_quantile(counts, u_level) if n else 1])[0])
    c = counts[first:]
    m = c.sum()
    if m < max(3, min_exc):
        return None
    u = -1 + first * BIN_WIDTH
    nz = np.nonzero(c)[0]
    cc = c[nz].astype(np.float64)
    y = (-1 + (first + nz) * BIN_WIDTH) + BIN_WIDTH / 2 - u
    rank = np.concatenate([[0], np.cumsum(cc)[:-1]])
    sum_ranks = cc * rank + cc * (cc + 1) / 2
    weight = cc - (sum_ranks - 0.35 * cc) / m
    a0 = (cc * y).sum() / m
    a1 = (weight * y).sum() / m
    den = a0 - 2 * a1
    if den > 0:
        k = a0 / den - 2
        shape = max(-0.5, min(0.5, -k))
    else:
        shape = 0.5
    scale = a0 * (1 - shape)
    return (u, max(scale, BIN_WIDTH / 4), shape, m / n)


def tail_quantile(model, level):
    u, scale, shape, zeta = model
    p = 1 - level
    if p >= zeta:
        return u
    ratio = zeta / p
    x = u + scale * math.log(ratio) if abs(shape) < 1e-6 else u + scale / shape * (ratio ** shape - 1)
    if shape < 0:
        x = min(x, u - scale / shape)
    return min(1.0, x)


# ---------------------------------------------------------------------------------------------------------------
# scoring


def smooth_max(c, s):
    """(1/s) log sum exp(s c) per row, over the finite entries (-inf = left out); -inf for a row with none."""
    with np.errstate(invalid='ignore', divide='ignore'):
        m = c.max(axis=1, keepdims=True)
        safe = np.where(np.isfinite(m), m, 0)
        return np.where(np.isfinite(m[:, 0]), safe[:, 0] + np.log(np.exp(s * (c - safe)).sum(axis=1)) / s, -np.inf)


class CohortScores:
    """CohortScorer.score for many probes: null half = odd identities, guard half = even ones.

    `usable` (probes x identities, or None) leaves identities out of a probe's scores: the robust design drops
    cohort identities that are the probe's own person (cosine at or above the same-person cut-off) and identities
    the hygiene check excluded."""

    def __init__(self, cohort_cos, scale, usable=None, guard_drop_top=0):
        c = cohort_cos if usable is None else np.where(usable, cohort_cos, -np.inf)
        odd, even = c[:, 1::2], c[:, 0::2]
        self.max = odd.max(axis=1)
        self.max_id = 1 + 2 * odd.argmax(axis=1)
        self.swapped_max = even.max(axis=1)
        self.swapped_id = 2 * even.argmax(axis=1)
        # a half with no usable identity gives no null score (and no guard shift)
        self.valid = np.isfinite(self.max)
        self.swapped_valid = np.isfinite(self.swapped_max)
        self.max = np.where(self.valid, self.max, -1)
        self.swapped_max = np.where(self.swapped_valid, self.swapped_max, -1)
        self.smooth = self._guard(even, scale, guard_drop_top)
        self.swapped_smooth = self._guard(odd, scale, guard_drop_top)

    @staticmethod
    def _guard(half, scale, drop):
        """The half's smooth-max, leaving out its top `drop` usable identities when it has more than that."""
        usable = np.isfinite(half).sum(axis=1)
        if drop:
            srt = np.sort(half, axis=1)  # -inf first
            trimmed = srt[:, :-drop] if half.shape[1] > drop else srt
            out = np.where(usable > drop, smooth_max(trimmed, scale), smooth_max(half, scale))
        else:
            out = smooth_max(half, scale)
        return np.where(usable > 0, out, np.nan)


def identity_cosines(x, rows, starts):
    """Per identity the max cosine over its templates (rows normalised, x normalised)."""
    c = x @ rows.T
    out = np.maximum.reduceat(c, starts[:-1], axis=1)
    return np.clip(out, -1, 1)


class Seed:
    """One seed's split, probe stream and every raw score the replay needs (independent of the estimator)."""

    def __init__(self, images, cache, seed, policy, name='', cohort_size=None, unknown_size=None, external=None):
        enrolled, mated, cohort, unknown = fe.identity_split(images, seed)
        if external is not None:
            # an operator's cohort from elsewhere (production's matcher.cohort.dir): `external` identities, dealt by
            # the seed, up to 3 photos each; the split's own cohort identities become unknowns
            ids = sorted(external, key=fe.java_string_key)
            fe.shuffle(ids, fe.JavaRandom(seed))
            unknown = unknown + cohort
            cohort = [(i, sorted(external[i], key=fe.java_path_key)[:fe.MAX_TEMPLATES]) for i in ids[:cohort_size]]
            cohort_size = None
        if cohort_size is not None:
            # cohort-size study: the split's non-gallery identities (in the split's order) are dealt again; the last
            # unknown_size stay unknown whatever the cohort size, the cohort is the first cohort_size of the others
            pool = cohort + [(i, ps[:fe.MAX_TEMPLATES]) for i, ps in unknown]
            full = {i: ps for i, ps in unknown}
            keep_unknown = pool[len(pool) - unknown_size:]
            cohort = pool[:cohort_size]
            if cohort_size > len(pool) - unknown_size:
                raise ValueError('expected at most %d cohort identities, found %d' % (len(pool) - unknown_size, cohort_size))
            unknown = [(i, full.get(i, ps)) for i, ps in keep_unknown]
        self.seed, self.name = seed, name
        self.gallery_ids = [i for i, _ in enrolled]
        self.cohort_names = [i for i, _ in cohort]
        g_rows, g_owner = [], []
        for o, (_, paths) in enumerate(enrolled):
            for p in paths:
                g_rows.append(cache[p][3])
                g_owner.append(o)
        G = np.array(g_rows, dtype=np.float64)
        G /= np.linalg.norm(G, axis=1, keepdims=True)
        self.g_owner = np.array(g_owner)
        g_starts = np.concatenate([[0], np.nonzero(np.diff(self.g_owner))[0] + 1, [len(g_owner)]])
        c_rows, c_starts = [], [0]
        for _, paths in cohort:
            for p in paths:
                c_rows.append(cache[p][3])
            c_starts.append(len(c_rows))
        C = np.array(c_rows, dtype=np.float64)
        C /= np.linalg.norm(C, axis=1, keepdims=True)
        self.c_starts = np.array(c_starts)
        self.c_templates = np.diff(self.c_starts)
        probes = [(i, p) for i, ps in mated for p in ps] + [(None, p) for _, ps in unknown for p in ps]
        fe.shuffle(probes, fe.JavaRandom(seed))
        self.subject = [s for s, _ in probes]
        self.labels = [p for _, p in probes]
        P = np.array([cache[p][3] for _, p in probes], dtype=np.float64)
        P /= np.linalg.norm(P, axis=1, keepdims=True)
        self.feeds = np.array([cache[p][1] >= policy.min_detector and cache[p][2] >= policy.min_iod for _, p in probes])
        per_subject = np.maximum.reduceat(P @ G.T, g_starts[:-1], axis=1)
        top2 = np.argsort(-per_subject, axis=1)[:, :2]
        self.best_idx = top2[:, 0]
        self.best = np.clip(per_subject[np.arange(len(P)), top2[:, 0]], -1, 1)
        self.second = np.clip(per_subject[np.arange(len(P)), top2[:, 1]], -1, 1) if len(enrolled) > 1 else -np.ones(len(P))
        self.mated = np.array([s is not None for s in self.subject])
        gid = {s: i for i, s in enumerate(self.gallery_ids)}
        self.true_idx = np.array([gid[s] if s is not None else -1 for s in self.subject])
        self.correct = self.mated & (self.best_idx == self.true_idx)
        self.probe_cos = identity_cosines(P, C, self.c_starts)
        # priming: GalleryIndex.templateSample(5000), rows i * rowCount / n
        n_rows = G.shape[0]
        n = min(5000, n_rows)
        sample = np.array([i * n_rows // n for i in range(n)])
        self.prime_cos = identity_cosines(G[sample], C, self.c_starts)
        self.prime_subject = self.g_owner[sample]
        # cohort hygiene: each cohort identity's best cosine against the gallery templates, and the subject
        cg = np.maximum.reduceat(np.maximum.reduceat(C @ G.T, self.c_starts[:-1], axis=0), g_starts[:-1], axis=1)
        self.cohort_gallery_best = cg.max(axis=1)
        self.cohort_gallery_subject = cg.argmax(axis=1)
        # probe identity for the tail's composition (unknowns by name)
        self.probe_identity = []
        unknown_of = {p: i for i, ps in unknown for p in ps}
        for sub, path in probes:
            self.probe_identity.append(sub if sub is not None else unknown_of[path])
        self.N, self.T = len(enrolled), n_rows
        self.n_cohort = len(cohort)
        self.n_unknown = len(unknown)
        self.n_probes = len(probes)
        self.warmup = min(1000, len(probes) // 5)
        self.publish_every = max(1, min(100, len(probes) // 50))


# ---------------------------------------------------------------------------------------------------------------
# the window: every admitted null score with its cohort identity, camera and probe (-1: priming)


class Window:
    """NullScoreWindow without the quota (round-robin cameras never reach it): a ring of `buckets` buckets of
    ceil(target / buckets) scores; the window is the filling bucket and the buckets-1 before it."""

    def __init__(self, target, buckets, size):
        self.cap = (target + buckets - 1) // buckets
        self.buckets = buckets
        self.score = np.empty(size)
        self.smax = np.empty(size)
        self.ident = np.empty(size, dtype=np.int64)
        self.camera = np.empty(size, dtype=np.int64)
        self.probe = np.empty(size, dtype=np.int64)
        self.n = 0

    def offer(self, score, smax, ident, camera, probe):
        i = self.n
        self.score[i], self.smax[i], self.ident[i], self.camera[i], self.probe[i] = score, smax, ident, camera, probe
        self.n += 1

    def bounds(self):
        cur = self.n // self.cap
        return max(0, (cur - (self.buckets - 1)) * self.cap), self.n


class TailWindow(Window):
    """The robust window: the same ring of buckets (they fill and rotate by offered scores, so the window spans
    the same stretch of the stream as NullScoreWindow's), each bucket a histogram plus a bounded tail list.

    A bucket's state is defined by its scores taken from the highest down: a score is listed (with its cohort
    identity and camera) while the list holds fewer than `listed` entries and its identity fewer than
    `per_identity`; a score whose identity already has `per_identity` listed entries, met before the list is full, is
    dropped (counted for its identity: the audit's capped scores); every score after the list is full goes to the
    histogram. (Streaming: keep the list as a min-heap and the over-bound scores aside; when the list's lowest
    entry rises above an aside score, that score moves to the histogram.)"""

    def __init__(self, target, buckets, size, listed, per_identity):
        super().__init__(target, buckets, size)
        self.listed = max(1, listed)
        self.per_identity = max(1, per_identity)

    def contents(self):
        """(histogram scores, listed offer indices, smooth-max sum, dropped per identity) of the window."""
        lo, hi = self.bounds()
        hist, listed, dropped, smax_sum = [], [], {}, 0.0
        for start in range(lo, hi, self.cap):
            end = min(hi, start + self.cap)
            idx = start + np.argsort(-self.score[start:end], kind='stable')
            owned = {}
            n_listed = 0
            for pos, j in enumerate(idx):
                if n_listed >= self.listed:
                    hist.append(self.score[idx[pos:]])
                    smax_sum += self.smax[idx[pos:]].sum()
                    break
                k = int(self.ident[j])
                if owned.get(k, 0) >= self.per_identity:
                    dropped[k] = dropped.get(k, 0) + 1
                    continue
                owned[k] = owned.get(k, 0) + 1
                listed.append(j)
                n_listed += 1
                smax_sum += self.smax[j]
        hist = np.concatenate(hist) if hist else np.empty(0)
        return hist, np.array(listed, dtype=np.int64), smax_sum, dropped


class Estimator:
    """The Java estimator (robust=False) or the issue-12 design (robust=True) over one window."""

    def __init__(self, policy, sd, robust, k_null, c_null, k_usable, size):
        self.p, self.sd, self.robust = policy, sd, robust
        self.state = None  # (value, beta, mean_smax, version)
        self.raw_history = []
        w = policy.level_weight if robust else 0.5
        self.lv = policy.level(sd.N, sd.T, k_null, c_null, w)
        self.window_samples = policy.window_samples(sd.N, sd.T, k_null, c_null, w)
        self.k_usable = max(1, k_usable)
        tail_mass = 1 - self.lv
        # the share of the window the read uses: the tail above the level, or the GPD fit's exceedances
        self.read_mass = tail_mass if policy.alpha > policy.tail_model_max_alpha else min(0.5, 50 * tail_mass)
        if robust:
            bucket = (self.window_samples + policy.buckets - 1) // policy.buckets
            listed = int(math.ceil(policy.list_factor * self.read_mass * bucket))
            per_identity = self.cap_for(self.read_mass * self.window_samples) if policy.cap else 10 ** 9
            self.window = TailWindow(self.window_samples, policy.buckets, size, listed, per_identity)
        else:
            self.window = Window(self.window_samples, policy.buckets, size)
        self.audit = []

    def cap_for(self, m):
        """Tail scores one cohort identity may own among m: max(cap_min, ceil(cap_share * m / K))."""
        return max(self.p.cap_min, int(math.ceil(self.p.cap_share * m / self.k_usable)))

    def estimate(self):
        p, w = self.p, self.window
        lo, hi = w.bounds()
        info = {'samples': hi - lo, 'capped_identities': 0, 'capped_scores': 0, 'capped_cameras': 0}
        if hi == lo:
            return None, dict(info, mean_n=0)
        if self.robust:
            counts, n, smax_sum, info = self.capped(info)
            mean_n = smax_sum / max(1, n)
        else:
            score = w.score[lo:hi]
            n = hi - lo
            mean_n = w.smax[lo:hi].mean()
            counts = np.bincount(bin_of(score), minlength=BINS).astype(np.int64)
        tail_mass = 1 - self.lv
        if p.alpha > p.tail_model_max_alpha and n * tail_mass >= 5:
            return hist_quantile(counts, self.lv) + p.beta * mean_n, dict(info, method='empirical', mean_n=mean_n)
        u_level = max(0.5, 1 - 50 * tail_mass)
        if n * (1 - u_level) >= 30:
            model = tail_fit(counts, u_level, 30)
            if model is not None:
                return tail_quantile(model, self.lv) + p.beta * mean_n, dict(info, method='tail', mean_n=mean_n)
        if n > 0 and n * tail_mass >= 5:
            return hist_quantile(counts, self.lv) + p.beta * mean_n, dict(info, method='empirical', mean_n=mean_n)
        return None, dict(info, mean_n=mean_n)

    def capped(self, info):
        """The aggregator's read of the merged buckets: walk the listed scores from the highest; a score whose cohort
        identity already owns cap(m) kept scores, or whose camera owns max(camera_min, ceil(camera_share * m /
        cameras)), is dropped (out of the histogram and the count); m = read_mass * (n - dropped) is the number of
        scores the read uses; once m are kept the rest of the list joins the histogram uncapped."""
        p, w = self.p, self.window
        hist, listed, smax_sum, bucket_dropped = w.contents()
        counts = np.bincount(bin_of(hist), minlength=BINS).astype(np.int64) if len(hist) else np.zeros(BINS, np.int64)
        n = len(hist) + len(listed)
        order = listed[np.argsort(-w.score[listed], kind='stable')]
        cams = len(set(np.unique(w.camera[listed]).tolist()) - {-1}) if len(listed) else 0
        kept = dropped = 0
        owned, cam_owned, keep = {}, {}, []
        capped_ids = dict(bucket_dropped)
        stop = len(order)
        for pos, j in enumerate(order):
            m = self.read_mass * (n - dropped)
            if kept >= m:
                stop = pos
                break
            k = int(w.ident[j])
            if p.cap and owned.get(k, 0) >= self.cap_for(m):
                dropped += 1
                smax_sum -= w.smax[j]
                capped_ids[k] = capped_ids.get(k, 0) + 1
                continue
            cam = int(w.camera[j])
            if p.cap and cam >= 0 and cams > 1:
                if cam_owned.get(cam, 0) >= max(p.camera_min, math.ceil(p.camera_share * m / cams)):
                    dropped += 1
                    smax_sum -= w.smax[j]
                    info['capped_cameras'] += 1
                    continue
                cam_owned[cam] = cam_owned.get(cam, 0) + 1
            owned[k] = owned.get(k, 0) + 1
            keep.append(j)
            kept += 1
        keep.extend(order[stop:])
        if keep:
            counts += np.bincount(bin_of(w.score[np.array(keep, dtype=np.int64)]), minlength=BINS)
        info.update(capped_identities=len(capped_ids), capped_scores=dropped + sum(bucket_dropped.values()),
                    listed=len(listed), list_exhausted=kept < self.read_mass * (n - dropped),
                    top_capped=sorted(capped_ids.items(), key=lambda e: -e[1])[:5])
        return counts, n - dropped, smax_sum, info

    def publish(self, step):
        raw, info = self.estimate()
        p = self.p
        prior = p.initial if self.state is None else self.state[0]
        estimated = raw is not None
        r = raw if estimated else prior
        bounded = max(p.floor, min(p.ceiling, r))
        if self.robust and not p.slow_fall:
            if estimated:
                self.raw_history.append(bounded)
            recent = self.raw_history[-p.run_length:]
            value = max(recent) if recent else bounded
        elif self.state is None or bounded >= prior:
            value = bounded
        else:
            value = max(bounded, prior - p.max_fall)
        beta = p.beta if estimated else (0 if self.state is None else self.state[1])
        mean_n = info.get('mean_n', 0) if (estimated or self.state is None) else self.state[2]
        version = 1 if self.state is None else self.state[3] + 1
        self.state = (value, beta, mean_n, version)
        self.audit.append(dict(step=step, value=value, raw=r, method=info.get('method', 'insufficient'),
                               **{k: v for k, v in info.items() if k not in ('mean_n', 'method')}))

    def probe_threshold(self, smax):
        if self.state is None:
            return self.p.initial
        v, beta, mean_n, _ = self.state
        if smax is None:  # no usable guard identity: no probe-conditional shift
            smax = mean_n
        return max(self.p.floor, min(self.p.ceiling, v + beta * (smax - mean_n)))

    def tail_composition(self, top=5):
        """Who supplies the scores above the last published threshold's residual level (cohort and probe side)."""
        lo, hi = self.window.bounds()
        w = self.window
        if self.state is None or hi == lo:
            return {}
        level_score = self.state[0] - self.state[1] * self.state[2]
        sel = np.nonzero(w.score[lo:hi] >= level_score)[0] + lo
        from collections import Counter
        coh = Counter(self.sd.cohort_names[i] for i in w.ident[sel])
        prb = Counter('(priming) ' + self.sd.gallery_ids[self.sd.prime_subject[-w.probe[j] - 1]] if w.probe[j] < 0
                      else self.sd.probe_identity[w.probe[j]] for j in sel)
        return {'scores': int(len(sel)), 'cohort': coh.most_common(top), 'probes': prb.most_common(top)}


def oracle(nonmated_best, alpha):
    if len(nonmated_best) == 0:
        return -1
    s = np.sort(nonmated_best)
    allowed = int(math.floor(alpha * len(s) + 1e-9))
    return float(np.nextafter(s[len(s) - 1 - min(allowed, len(s) - 1)], np.inf))


def constant_dir_at(sd, m, nm, false_alarms):
    s = np.sort(sd.best[nm])[::-1]
    t = np.nextafter(s[false_alarms], np.inf) if false_alarms < len(s) else -1.0
    return (sd.correct & (sd.best >= t))[m].mean()


SAME_PERSON_REPORT = 0.50  # the "same person" cut-off of the stranger FPIR (see ops/threshold-design.md)


def replay(sd, policy, robust, cameras=4, trajectory=None):
    # which cohort identities a probe may be scored against
    excluded = np.zeros(sd.n_cohort, dtype=bool)
    usable_p = np.ones((1, sd.n_cohort), dtype=bool)
    usable_g = np.ones((1, sd.n_cohort), dtype=bool)
    if robust and policy.hygiene > 0:
        flagged = sd.cohort_gallery_best >= policy.hygiene
        if policy.hygiene_pairs:
            # a flagged identity is left out for the probes whose best gallery subject it resembles (and that
            # subject's priming templates), and stays a null identity for every other probe
            usable_p = ~(flagged[None, :] & (sd.best_idx[:, None] == sd.cohort_gallery_subject[None, :]))
            usable_g = ~(flagged[None, :] & (sd.prime_subject[:, None] == sd.cohort_gallery_subject[None, :]))
        else:
            excluded = flagged
            usable_p = ~excluded[None, :]
            usable_g = ~excluded[None, :]
    if robust and policy.same_person > 0:
        usable_p = usable_p & (sd.probe_cos < policy.same_person)
        usable_g = usable_g & (sd.prime_cos < policy.same_person)
    g = policy.guard_drop_top if robust else 0
    cs = CohortScores(sd.probe_cos, policy.scale, None if not robust else usable_p, g)
    pr = CohortScores(sd.prime_cos, policy.scale, None if not robust else usable_g, g)
    kept_ids = np.nonzero(~excluded)[0]
    k_null = max(1, len(kept_ids) // 2)
    c_null = max(k_null, int(sd.c_templates[kept_ids].sum()) // 2)
    est = Estimator(policy, sd, robust, k_null, c_null, len(kept_ids), 2 * (len(pr.max) + sd.n_probes))
    accepted = np.zeros(sd.n_probes, dtype=bool)
    tau_q = np.zeros(sd.n_probes)
    b = policy.beta
    def offer_both(s_, t, camera, probe):
        if s_.valid[t] and np.isfinite(s_.smooth[t]):
            est.window.offer(s_.max[t] - b * s_.smooth[t], s_.smooth[t], s_.max_id[t], camera, probe)
        if s_.swapped_valid[t] and np.isfinite(s_.swapped_smooth[t]):
            est.window.offer(s_.swapped_max[t] - b * s_.swapped_smooth[t], s_.swapped_smooth[t], s_.swapped_id[t], camera, probe)

    for t in range(len(pr.max)):  # the first probe primes the window (exempt from the camera quota)
        offer_both(pr, t, -1, -t - 1)
    for i in range(sd.n_probes):
        tau = est.probe_threshold(cs.smooth[i] if np.isfinite(cs.smooth[i]) else None)
        tau_q[i] = tau
        accepted[i] = sd.best[i] >= tau and sd.best[i] - sd.second[i] >= policy.margin
        if sd.feeds[i]:
            cam = i % cameras
            offer_both(cs, i, cam, i)
        if (i + 1) % sd.publish_every == 0:
            est.publish(i)
    rated = np.arange(sd.n_probes) >= sd.warmup
    m, nm = rated & sd.mated, rated & ~sd.mated
    stranger = nm & (sd.best < SAME_PERSON_REPORT)
    orc = oracle(sd.best[nm], policy.alpha)
    orc_s = oracle(sd.best[stranger], policy.alpha)
    out = {
        'set': sd.name, 'seed': sd.seed, 'threshold': est.state[0] if est.state else policy.initial,
        'fpir': accepted[nm].mean(), 'dir': (accepted & sd.correct)[m].mean(),
        'stranger_fpir': accepted[stranger].mean() if stranger.any() else float('nan'),
        'same_person_hits': int((nm & ~stranger).sum()),
        'oracle_threshold': orc, 'oracle_fpir': (sd.best[nm] >= orc).mean(),
        'oracle_dir': (sd.correct & (sd.best >= orc))[m].mean(),
        'stranger_oracle_dir': (sd.correct & (sd.best >= orc_s))[m].mean(),
        'fixed_fpir': (sd.best[nm] >= 0.40).mean(), 'fixed_dir': (sd.correct & (sd.best >= 0.40))[m].mean(),
        # the best a constant threshold does at the adaptive rule's FPIR (at most as many false alarms): is the
        # adaptive rule ever worse than a constant at equal FPIR?
        'constant_dir_at_equal_fpir': constant_dir_at(sd, m, nm, int(accepted[nm].sum())),
        'mated': int(m.sum()), 'nonmated': int(nm.sum()), 'false_alarms': int(accepted[nm].sum()),
        'max_threshold': max(a['value'] for a in est.audit) if est.audit else policy.initial,
        'first_threshold': est.audit[0]['value'] if est.audit else policy.initial,
        'capped_identities_max': max((a['capped_identities'] for a in est.audit), default=0),
        'capped_identities_last': est.audit[-1]['capped_identities'] if est.audit else 0,
        'list_exhausted': sum(1 for a in est.audit if a.get('list_exhausted')),
        'hygiene_excluded': int(excluded.sum()),
        'same_person_excluded': int((~(sd.probe_cos < policy.same_person)).any(axis=1).sum()) if robust and policy.same_person > 0 else 0,
        'gallery': sd.N, 'cohort': sd.n_cohort, 'unknown': sd.n_unknown, 'window': est.window_samples, 'level': est.lv,
        'method': est.audit[-1]['method'] if est.audit else '',
        'tail': est.tail_composition(),
    }
    if trajectory is not None:
        trajectory.extend(dict(a, seed=sd.seed) for a in est.audit)
    out['audit'] = est.audit
    out['accepted'] = accepted
    return out


def load(dataset, root, cache, seed, policy, name='', cohort_size=None, unknown_size=None, external=None):
    images = fe.acquired(fe.read_dataset(dataset.replace('{seed}', str(seed)), root), cache)
    if external is not None:
        ext = fe.acquired(fe.read_dataset(external, root), cache)
        external = {i: p for i, p in ext.items() if i not in images}  # no one of the set itself
    return Seed(images, cache, seed, policy, name, cohort_size, unknown_size, external)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cache', required=True)
    ap.add_argument('--root', required=True)
    ap.add_argument('--dataset', required=True, help="CSV; '{seed}' in the name is replaced per seed")
    ap.add_argument('--seeds', default='1,2,3,4,5')
    ap.add_argument('--target', type=float, default=0.01)
    ap.add_argument('--estimator', default='java', choices=['java', 'robust'])
    ap.add_argument('--set', action='append', default=[], metavar='NAME=VALUE', help='policy parameter')
    ap.add_argument('--trajectory', help='write threshold against probe index as CSV')
    ap.add_argument('--json', help='append per-seed results as JSON lines')
    args = ap.parse_args()
    policy = Policy(args.target, **dict(s.split('=', 1) for s in args.set))
    cache = fe.read_cache(args.cache)
    traj = []
    for seed in [int(x) for x in args.seeds.split(',')]:
        sd = load(args.dataset, args.root, cache, seed, policy, os.path.basename(args.dataset))
        r = replay(sd, policy, args.estimator == 'robust', trajectory=traj)
        print('seed %d: %s threshold %.4f  FPIR %.4f  DIR@1 %.4f | stranger FPIR %.4f | oracle %.4f FPIR %.4f DIR %.4f'
              ' | first %.4f max %.4f capped-ids %d'
              % (seed, args.estimator, r['threshold'], r['fpir'], r['dir'], r['stranger_fpir'], r['oracle_threshold'],
                 r['oracle_fpir'], r['oracle_dir'], r['first_threshold'], r['max_threshold'], r['capped_identities_max']))
        if args.json:
            with open(args.json, 'a') as f:
                f.write(json.dumps({k: v for k, v in r.items() if k not in ('audit', 'accepted')}, default=float) + '\n')
    if args.trajectory:
        with open(args.trajectory, 'w') as f:
            f.write('seed,probe,threshold,raw,method,capped_identities,capped_scores\n')
            for a in traj:
                f.write('%d,%d,%.5f,%.5f,%s,%d,%d\n' % (a['seed'], a['step'], a['value'], a['raw'], a['method'],
                                                        a['capped_identities'], a['capped_scores']))


if __name__ == '__main__':
    main()

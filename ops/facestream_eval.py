"""Python twins of the Java evaluation pieces the threshold replay needs, exact where the order of the stream
depends on them: the embedding cache reader (eval/EmbeddingCache.java), java.util.Random and
Collections.shuffle, the seeded open-set split (eval/IdentitySplit.java) and the probe order of
match/OpenSetEvaluation.java. Used by ops/threshold-replay.py and ops/inject-duplicates.py.
"""
import csv
import os
import struct

import numpy as np

MASK48 = (1 << 48) - 1


class JavaRandom:
    """java.util.Random: the 48-bit linear congruential generator and its nextInt(bound)."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & MASK48

    def next_bits(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & MASK48
        r = self.seed >> (48 - bits)
        if r >= 1 << 31:
            r -= 1 << 32
        return r

    def next_int(self, bound):
        r = self.next_bits(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            if u - r + m < (1 << 31):  # Java: u - r + m < 0 on int overflow
                return r
            u = self.next_bits(31)


def shuffle(items, rnd):
    """Collections.shuffle(list, rnd) for a RandomAccess list, in place."""
    for i in range(len(items), 1, -1):
        j = rnd.next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]


def java_path_key(p):
    """UnixPath.compareTo compares the path's bytes as signed bytes."""
    return [b - 256 if b >= 128 else b for b in p.encode('utf-8')]


def java_string_key(s):
    """String.compareTo compares UTF-16 code units."""
    return s.encode('utf-16-be')


MAX_TEMPLATES = 3


def identity_split(images, seed):
    """eval/IdentitySplit.of: images maps identity -> list of absolute image paths (CSV order).

    Returns (enrolled, mated, cohort, unknown), each a list of (identity, [paths]) in the Java maps' order.
    """
    rnd = JavaRandom(seed)
    ids = sorted((i for i, l in images.items() if l), key=java_string_key)
    shuffle(ids, rnd)
    gallery_target = int(np.floor(0.5 * len(ids) + 0.5))  # Math.round
    cohort_target = max(2, int(np.floor(0.2 * len(ids) + 0.5)))
    enrolled, mated, cohort, unknown, rest = [], [], [], [], []
    for i in ids:
        own = sorted(images[i], key=java_path_key)
        shuffle(own, rnd)
        if len(enrolled) < gallery_target and len(own) >= 2:
            k = min(MAX_TEMPLATES, len(own) - 1)
            enrolled.append((i, own[:k]))
            mated.append((i, own[k:]))
        else:
            rest.append(i)
    for i in rest:
        own = sorted(images[i], key=java_path_key)
        if len(cohort) < cohort_target:
            shuffle(own, rnd)
            cohort.append((i, own[:min(MAX_TEMPLATES, len(own))]))
        else:
            unknown.append((i, own))
    return enrolled, mated, cohort, unknown


def roles_only(counts, seed):
    """The role of each identity (gallery / cohort / unknown) under IdentitySplit, from image counts alone.

    The roles depend on the id shuffle and the counts, not on the draws that shuffle each identity's photos.
    """
    rnd = JavaRandom(seed)
    ids = sorted((i for i, c in counts.items() if c > 0), key=java_string_key)
    shuffle(ids, rnd)
    gallery_target = int(np.floor(0.5 * len(ids) + 0.5))
    cohort_target = max(2, int(np.floor(0.2 * len(ids) + 0.5)))
    roles, g, c = {}, 0, 0
    rest = []
    for i in ids:
        if g < gallery_target and counts[i] >= 2:
            roles[i] = 'gallery'
            g += 1
        else:
            rest.append(i)
    for i in rest:
        if c < cohort_target:
            roles[i] = 'cohort'
            c += 1
        else:
            roles[i] = 'unknown'
    return roles


def _read_utf(f):
    n = struct.unpack('>H', f.read(2))[0]
    return f.read(n).decode('utf-8')  # modified UTF-8 equals UTF-8 for paths without NUL or astral characters


def read_cache(path):
    """eval/EmbeddingCache: {absolute image path: (detected_faces, detector_score, inter_ocular_px, embedding)}."""
    out = {}
    with open(path, 'rb') as f:
        magic = _read_utf(f)
        if magic != 'facestream-embedding-cache-v1':
            raise ValueError('%s: expected an embedding cache, found magic %r' % (path, magic))
        _read_utf(f)  # settings
        n = struct.unpack('>i', f.read(4))[0]
        for _ in range(n):
            image = _read_utf(f)
            f.read(16)  # size, modified
            width, height, detected = struct.unpack('>iii', f.read(12))
            f.read(4 * (4 + 10 + 1))  # box, landmarks, detector score of the box
            quality = struct.unpack('>6f', f.read(24))
            dim = struct.unpack('>i', f.read(4))[0]
            emb = np.frombuffer(f.read(4 * dim), dtype='>f4').astype(np.float32)
            out[image] = (detected, quality[0], quality[1], emb)
    return out


def read_dataset(csv_path, root):
    """A path,identity CSV as {identity: [absolute paths]} in CSV order (EvalIdentifyCommand.csv)."""
    out = {}
    with open(csv_path) as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        if not row:
            continue
        line = ','.join(row)
        comma = line.rfind(',')
        p = os.path.normpath(os.path.join(root, line[:comma].strip()))
        out.setdefault(line[comma + 1:].strip(), []).append(p)
    return out


def acquired(images, cache):
    """Identities with their images where a face was detected (the failures to acquire left out)."""
    out = {}
    for i, paths in images.items():
        ok = [p for p in paths if cache[p][0] > 0]
        if ok:
            out[i] = ok
    return out

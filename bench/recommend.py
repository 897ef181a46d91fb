"""Recommendation costs: the course encoder's throughput, and exact top-10 search over catalogues of
1,000, 10,000 and 100,000 courses, with the memory each takes.

Embedding: `ml.inference.embedder_for(ML_EMBEDDING_MODEL)` (the shipped all-MiniLM-L6-v2 unless
set), the same call `embed_courses_task` makes, over course texts of ../shared/data/courses
(title and description; synthetic sentences when the files are absent), in the task's batches.
Search: the web process's own path (`ml.recommendations._best` over one matrix-vector product of
the held float32 matrix), on random unit vectors of the encoder's width; each query is one course's
row with the course itself masked out, as on a course page. Run by hand:

    .venv/bin/python bench/recommend.py [--texts 512] [--queries 300] [--sizes 1000,10000,100000]
"""

import argparse
import csv
import os
import resource
import statistics
import time
import tracemalloc

from common import SHARED

DIMENSIONS = 384  # all-MiniLM-L6-v2's width; --dimensions for another encoder


def course_texts(count: int) -> list[str]:
    texts: list[str] = []
    for name in ("coursera_2021.csv", "edx_2021.csv", "coursera_2023.csv"):
        path = SHARED / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as stream:
            for row in csv.DictReader(stream):
                texts.append(f"{row.get('title', '')}\n{row.get('description', '')}")
                if len(texts) >= count:
                    return texts
    while len(texts) < count:  # no shared data here: sentences of a course description's length
        texts.append(f"Course {len(texts)}: watercolour landscapes, colour theory and composition for adults. " * 4)
    return texts


def embedding_throughput(count: int) -> dict[str, float]:
    from django.conf import settings

    from ml.embedding import EMBEDDING_BATCH
    from ml.inference import embedder_for

    texts = course_texts(count)
    started = time.perf_counter()
    embedder = embedder_for(settings.ML_EMBEDDING_MODEL)
    loaded = time.perf_counter() - started
    embedder.embed(texts[:8])  # warm-up: first-call allocations are not throughput
    started = time.perf_counter()
    for begin in range(0, len(texts), EMBEDDING_BATCH):
        embedder.embed(texts[begin : begin + EMBEDDING_BATCH])
    elapsed = time.perf_counter() - started
    return {"texts": len(texts), "seconds": elapsed, "texts_per_s": len(texts) / elapsed, "load_s": loaded}


def search_latency(size: int, queries: int, dimensions: int) -> dict[str, float]:
    import numpy as np

    from ml.ranking import normalise
    from ml.recommendations import _best

    rng = np.random.default_rng(14)
    tracemalloc.start()
    vectors = normalise(rng.standard_normal((size, dimensions), dtype=np.float32))
    ids = np.arange(size, dtype=np.int64)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    timings = []
    for query in rng.integers(0, size, queries):
        started = time.perf_counter()
        scores = vectors @ vectors[query]
        _best(scores, ids != query, 10)
        timings.append(time.perf_counter() - started)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    timings.sort()
    return {
        "courses": size,
        "p50_ms": 1000 * statistics.median(timings),
        "p99_ms": 1000 * timings[min(len(timings) - 1, int(0.99 * len(timings)))],
        "matrix_mb": vectors.nbytes / 2**20,
        "held_mb": held / 2**20,
        "per_query_mb": (peak - held) / 2**20,  # beside the held matrix: the scores and the mask
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--dimensions", type=int, default=DIMENSIONS)
    parser.add_argument("--skip-embedding", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")
    import django

    django.setup()
    import torch

    load = os.getloadavg()[0]
    print(f"cpu threads: {torch.get_num_threads()}, cuda: {torch.cuda.is_available()}, load average: {load:.1f}")
    if not args.skip_embedding:
        e = embedding_throughput(args.texts)
        print(
            f"embedding: {e['texts']} texts in {e['seconds']:.1f} s = {e['texts_per_s']:.1f} texts/s "
            f"(model load {e['load_s']:.1f} s)"
        )
    print("| courses | top-10 p50 (ms) | top-10 p99 (ms) | matrix (MB) | per query (MB) |")
    print("|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = search_latency(size, args.queries, args.dimensions)
        print(f"| {size:,} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['matrix_mb']:.1f} | {r['per_query_mb']:.2f} |")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()

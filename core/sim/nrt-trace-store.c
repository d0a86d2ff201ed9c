/* nrt-trace-store.c: chunked, bounded trace storage with one writer and lock-free readers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Storage policy.  Every trace keeps four levels of the same data, indexed by sample number s
 * (0 for the first sample of the run):
 *
 *   level 0  the samples themselves, (t, y);                      the last 1,048,576 kept
 *   level 1  one bucket (t first, t last, y min, y max) per 64 samples;   last 131,072 kept
 *   level 2  one bucket per 4,096 samples (64 level-1 buckets);           last 262,144 kept
 *   level 3  one bucket per 262,144 samples (64 level-2 buckets);         last 262,144 kept
 *
 * Each level is a ring of fixed-size chunks: when it is full, the writer re-uses its oldest
 * chunk, so older stretches survive only in the coarser levels.  At dt = 0.025 ms that is the
 * last 26 s of model time at full resolution, the last 3.5 min in 64-sample buckets, and
 * 7.5 hours (level 2) or 20 days (level 3) further back; a trace never takes more than
 * NRT_TRACE_STORE_MAX_BYTES_PER_TRACE (about 36 MiB), and a 10-minute run (24,000,000
 * samples) takes about 20 MiB.  Memory is not given back at begin_run (readers may still be
 * reading it); it is re-used by the next run and freed with the store.
 *
 * Because every bucket keeps the exact minimum and maximum of the samples it covers, a
 * min/max read (nrt_trace_store_read_envelope) loses no extreme: each sample's value is
 * reported in the output bucket that holds the start of the finest stored bucket containing
 * it.  The reader picks the coarsest level whose buckets are no wider than an output bucket,
 * so a graph drawing one min/max pair per pixel column draws every extreme of the full data,
 * at worst one column early; when the columns fall on bucket boundaries (or the data is still
 * at full resolution) it draws exactly the full data's column extremes.
 *
 * Concurrency.  One thread writes (append, begin_run); add_trace may be called from any
 * thread.  The writer publishes each level's count of complete items with a release store
 * after the items are in place, so a reader's acquire load sees them.  Ring re-use is a
 * seqlock: before overwriting a chunk the writer raises the level's `lo` (the oldest item
 * kept) and issues a release fence; a reader copies, issues an acquire fence and re-reads
 * `lo`: if its range started below the new `lo` the copy may be torn and is discarded (read
 * returns a shorter count; read_envelope retries).  begin_run works the same way with the
 * store's generation.  Item fields are accessed with relaxed atomics, which compile to plain
 * moves and keep the overwrite race defined behaviour (and ThreadSanitizer quiet).  Nothing a
 * reader can reach is ever freed before the store is.
 */
#include "nrt-trace-store.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#define N_LEVELS 4
#define FAN_OUT 64                 /* items of level k per item of level k + 1 */
#define CHUNK0 4096                /* samples per level-0 chunk */
#define SLOTS0 256                 /* level-0 chunks kept: 2^20 samples */
#define CHUNK_ITEMS 1024           /* buckets per chunk, levels 1–3 */
static const guint slots_of_level[N_LEVELS] = { SLOTS0, 128, 256, 256 };
static const guint chunk_of_level[N_LEVELS] = { CHUNK0, CHUNK_ITEMS, CHUNK_ITEMS, CHUNK_ITEMS };
/* Samples per item of each level. */
static const guint64 width_of_level[N_LEVELS] = { 1, 64, 64 * 64, 64 * 64 * 64 };

#define TRACE_BLOCK 64             /* traces per directory block */
#define N_TRACE_BLOCKS 256         /* at most 16,384 traces */

typedef struct {
  _Atomic double t[CHUNK0];
  _Atomic double y[CHUNK0];
} SampleChunk;

typedef struct {
  _Atomic double t0, t1, ymin, ymax;
} AtomicBucket;

typedef struct {
  AtomicBucket b[CHUNK_ITEMS];
} BucketChunk;

/* A bucket being filled by the writer. */
typedef struct {
  double  t0, t1, ymin, ymax;
  guint   count;
} Accumulator;

typedef struct {
  _Atomic guint64 hi;       /* complete items published */
  _Atomic guint64 lo;       /* oldest item still stored (a multiple of the chunk size) */
  _Atomic (void *) *slots;  /* slots_of_level[k] chunk pointers, allocated on first use */
} Level;

typedef struct {
  Level       level[N_LEVELS];
  Accumulator acc[N_LEVELS];  /* acc[k] builds the next item of level k (k ≥ 1) */
} Trace;

struct _NrtTraceStore {
  gatomicrefcount  ref_count;
  GMutex           add_lock;
  _Atomic guint    n_traces;
  _Atomic guint64  generation;
  _Atomic guint64  memory_bytes;
  _Atomic (Trace *) *blocks[N_TRACE_BLOCKS];  /* each TRACE_BLOCK trace pointers */
};

#define RELAXED memory_order_relaxed
#define ACQUIRE memory_order_acquire
#define RELEASE memory_order_release

/* ---------------------------------------------------------------------------------- */

NrtTraceStore *
nrt_trace_store_new (void)
{
  NrtTraceStore *store = g_new0 (NrtTraceStore, 1);
  g_atomic_ref_count_init (&store->ref_count);
  g_mutex_init (&store->add_lock);
  atomic_init (&store->n_traces, 0);
  atomic_init (&store->generation, 1);
  atomic_init (&store->memory_bytes, sizeof (NrtTraceStore));
  return store;
}

NrtTraceStore *
nrt_trace_store_ref (NrtTraceStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);
  g_atomic_ref_count_inc (&store->ref_count);
  return store;
}

static void
trace_free (Trace *tr)
{
  for (guint k = 0; k < N_LEVELS; k++)
    {
      for (guint c = 0; c < slots_of_level[k]; c++)
        g_free (atomic_load_explicit (&tr->level[k].slots[c], RELAXED));
      g_free (tr->level[k].slots);
    }
  g_free (tr);
}

void
nrt_trace_store_unref (NrtTraceStore *store)
{
  g_return_if_fail (store != NULL);
  if (!g_atomic_ref_count_dec (&store->ref_count))
    return;
  guint n = atomic_load (&store->n_traces);
  for (guint i = 0; i < n; i++)
    trace_free (atomic_load_explicit (&store->blocks[i / TRACE_BLOCK][i % TRACE_BLOCK], RELAXED));
  for (guint b = 0; b < N_TRACE_BLOCKS; b++)
    g_free (store->blocks[b]);
  g_mutex_clear (&store->add_lock);
  g_free (store);
}

static Trace *
get_trace (NrtTraceStore *store, guint id)
{
  if (id >= atomic_load_explicit (&store->n_traces, ACQUIRE))
    return NULL;
  return atomic_load_explicit (&store->blocks[id / TRACE_BLOCK][id % TRACE_BLOCK], RELAXED);
}

static void
accumulator_reset (Accumulator *acc)
{
  *acc = (Accumulator) { 0.0, 0.0, INFINITY, -INFINITY, 0 };
}

/* ---------------------------------------------------------------------------------- */
/* Writer                                                                               */

guint
nrt_trace_store_add_trace (NrtTraceStore *store)
{
  g_return_val_if_fail (store != NULL, G_MAXUINT);

  g_mutex_lock (&store->add_lock);
  guint id = atomic_load_explicit (&store->n_traces, RELAXED);
  if (id >= N_TRACE_BLOCKS * TRACE_BLOCK)
    {
      g_mutex_unlock (&store->add_lock);
      g_critical ("%s: more than %d traces", G_STRFUNC, N_TRACE_BLOCKS * TRACE_BLOCK);
      return G_MAXUINT;
    }
  gsize bytes = sizeof (Trace);
  if (store->blocks[id / TRACE_BLOCK] == NULL)
    {
      store->blocks[id / TRACE_BLOCK] = g_new0 (_Atomic (Trace *), TRACE_BLOCK);
      bytes += TRACE_BLOCK * sizeof (Trace *);
    }
  Trace *tr = g_new0 (Trace, 1);
  for (guint k = 0; k < N_LEVELS; k++)
    {
      tr->level[k].slots = g_new0 (_Atomic (void *), slots_of_level[k]);
      bytes += slots_of_level[k] * sizeof (void *);
      accumulator_reset (&tr->acc[k]);
    }
  atomic_store_explicit (&store->blocks[id / TRACE_BLOCK][id % TRACE_BLOCK], tr, RELAXED);
  atomic_fetch_add (&store->memory_bytes, bytes);
  /* The release publishes the trace (and its block) to get_trace()'s acquire. */
  atomic_store_explicit (&store->n_traces, id + 1, RELEASE);
  g_mutex_unlock (&store->add_lock);
  return id;
}

void
nrt_trace_store_begin_run (NrtTraceStore *store)
{
  g_return_if_fail (store != NULL);

  /* The generation goes up before anything of the new run is written: a reader that copied
   * old data re-reads it after an acquire fence and sees the change. */
  atomic_fetch_add_explicit (&store->generation, 1, RELAXED);
  atomic_thread_fence (RELEASE);
  guint n = atomic_load_explicit (&store->n_traces, ACQUIRE);
  for (guint i = 0; i < n; i++)
    {
      Trace *tr = get_trace (store, i);
      for (guint k = 0; k < N_LEVELS; k++)
        {
          atomic_store_explicit (&tr->level[k].hi, 0, RELEASE);
          atomic_store_explicit (&tr->level[k].lo, 0, RELEASE);
          accumulator_reset (&tr->acc[k]);
        }
    }
}

/* The chunk that item `index` of level k goes into, allocated or re-used; raises `lo` first
 * when a chunk of older items is about to be overwritten. */
static void *
writer_chunk (NrtTraceStore *store, Level *lv, guint k, guint64 index)
{
  guint64 chunk = index / chunk_of_level[k];
  guint slot = (guint) (chunk % slots_of_level[k]);
  void *mem = atomic_load_explicit (&lv->slots[slot], RELAXED);

  if (index % chunk_of_level[k] == 0 && chunk >= slots_of_level[k])
    {
      atomic_store_explicit (&lv->lo, (chunk - slots_of_level[k] + 1) * chunk_of_level[k],
                             RELAXED);
      atomic_thread_fence (RELEASE);
    }
  if (mem == NULL)
    {
      gsize size = k == 0 ? sizeof (SampleChunk) : sizeof (BucketChunk);
      mem = g_malloc (size);
      atomic_fetch_add_explicit (&store->memory_bytes, size, RELAXED);
      /* Published to readers by the release store of `hi` that follows. */
      atomic_store_explicit (&lv->slots[slot], mem, RELAXED);
    }
  return mem;
}

static void
push_bucket (NrtTraceStore *store, Trace *tr, guint k, const Accumulator *b)
{
  Level *lv = &tr->level[k];
  guint64 index = atomic_load_explicit (&lv->hi, RELAXED);
  BucketChunk *chunk = writer_chunk (store, lv, k, index);
  AtomicBucket *dst = &chunk->b[index % CHUNK_ITEMS];

  atomic_store_explicit (&dst->t0, b->t0, RELAXED);
  atomic_store_explicit (&dst->t1, b->t1, RELAXED);
  atomic_store_explicit (&dst->ymin, b->ymin, RELAXED);
  atomic_store_explicit (&dst->ymax, b->ymax, RELAXED);
  atomic_store_explicit (&lv->hi, index + 1, RELEASE);

  if (k + 1 < N_LEVELS)
    {
      Accumulator *up = &tr->acc[k + 1];
      if (up->count == 0)
        up->t0 = b->t0;
      up->t1 = b->t1;
      up->ymin = fmin (up->ymin, b->ymin);
      up->ymax = fmax (up->ymax, b->ymax);
      if (++up->count == FAN_OUT)
        {
          push_bucket (store, tr, k + 1, up);
          accumulator_reset (up);
        }
    }
}

void
nrt_trace_store_append (NrtTraceStore *store, guint id, double t, double y)
{
  g_return_if_fail (store != NULL);
  Trace *tr = get_trace (store, id);
  g_return_if_fail (tr != NULL);

  Level *lv = &tr->level[0];
  guint64 s = atomic_load_explicit (&lv->hi, RELAXED);
  SampleChunk *chunk = writer_chunk (store, lv, 0, s);
  atomic_store_explicit (&chunk->t[s % CHUNK0], t, RELAXED);
  atomic_store_explicit (&chunk->y[s % CHUNK0], y, RELAXED);

  /* Level 1 is complete before the length that covers it is published. */
  Accumulator *acc = &tr->acc[1];
  if (acc->count == 0)
    acc->t0 = t;
  acc->t1 = t;
  acc->ymin = fmin (acc->ymin, y);   /* fmin/fmax skip a NaN of a blow-up */
  acc->ymax = fmax (acc->ymax, y);
  if (++acc->count == FAN_OUT)
    {
      push_bucket (store, tr, 1, acc);
      accumulator_reset (acc);
    }
  atomic_store_explicit (&lv->hi, s + 1, RELEASE);
}

/* ---------------------------------------------------------------------------------- */
/* Readers                                                                              */

guint
nrt_trace_store_get_n_traces (NrtTraceStore *store)
{
  g_return_val_if_fail (store != NULL, 0);
  return atomic_load_explicit (&store->n_traces, ACQUIRE);
}

guint64
nrt_trace_store_get_generation (NrtTraceStore *store)
{
  g_return_val_if_fail (store != NULL, 0);
  return atomic_load_explicit (&store->generation, ACQUIRE);
}

guint64
nrt_trace_store_get_length (NrtTraceStore *store, guint id)
{
  g_return_val_if_fail (store != NULL, 0);
  Trace *tr = get_trace (store, id);
  g_return_val_if_fail (tr != NULL, 0);
  return atomic_load_explicit (&tr->level[0].hi, ACQUIRE);
}

gsize
nrt_trace_store_get_memory_bytes (NrtTraceStore *store)
{
  g_return_val_if_fail (store != NULL, 0);
  return (gsize) atomic_load_explicit (&store->memory_bytes, RELAXED);
}

gsize
nrt_trace_store_read (NrtTraceStore *store, guint id, guint64 first, gsize n, double *t,
                      double *y)
{
  g_return_val_if_fail (store != NULL, 0);
  Trace *tr = get_trace (store, id);
  g_return_val_if_fail (tr != NULL, 0);

  guint64 gen = atomic_load_explicit (&store->generation, ACQUIRE);
  Level *lv = &tr->level[0];
  guint64 len = atomic_load_explicit (&lv->hi, ACQUIRE);
  guint64 lo = atomic_load_explicit (&lv->lo, ACQUIRE);

  if (first >= len || first < lo)
    return 0;
  n = (gsize) MIN ((guint64) n, len - first);
  for (gsize i = 0; i < n; i++)
    {
      guint64 s = first + i;
      SampleChunk *chunk = atomic_load_explicit (&lv->slots[(s / CHUNK0) % SLOTS0], RELAXED);
      if (t != NULL)
        t[i] = atomic_load_explicit (&chunk->t[s % CHUNK0], RELAXED);
      if (y != NULL)
        y[i] = atomic_load_explicit (&chunk->y[s % CHUNK0], RELAXED);
    }
  /* Seqlock check: did the writer start re-using the chunk we read from, or a new run? */
  atomic_thread_fence (ACQUIRE);
  if (atomic_load_explicit (&store->generation, RELAXED) != gen
      || atomic_load_explicit (&lv->lo, RELAXED) > first)
    return 0;
  return n;
}

/* One reader's view of a trace: counts loaded once, so that the walk is self-consistent. */
typedef struct {
  Trace  *tr;
  guint64 lo[N_LEVELS], hi[N_LEVELS];
  guint64 used_min[N_LEVELS];   /* the oldest item read from each level */
} Snapshot;

/* Item j of level k, as a bucket. */
static void
read_item (Snapshot *sn, guint k, guint64 j, double *t0, double *t1, double *ymin,
           double *ymax)
{
  Level *lv = &sn->tr->level[k];
  sn->used_min[k] = MIN (sn->used_min[k], j);
  if (k == 0)
    {
      SampleChunk *c = atomic_load_explicit (&lv->slots[(j / CHUNK0) % SLOTS0], RELAXED);
      *t0 = *t1 = atomic_load_explicit (&c->t[j % CHUNK0], RELAXED);
      *ymin = *ymax = atomic_load_explicit (&c->y[j % CHUNK0], RELAXED);
      return;
    }
  BucketChunk *c = atomic_load_explicit (&lv->slots[(j / CHUNK_ITEMS) % slots_of_level[k]],
                                         RELAXED);
  const AtomicBucket *b = &c->b[j % CHUNK_ITEMS];
  *t0 = atomic_load_explicit (&b->t0, RELAXED);
  *t1 = atomic_load_explicit (&b->t1, RELAXED);
  *ymin = atomic_load_explicit (&b->ymin, RELAXED);
  *ymax = atomic_load_explicit (&b->ymax, RELAXED);
}

static gboolean
has_item (const Snapshot *sn, guint k, guint64 s)
{
  guint64 w = width_of_level[k];
  return s % w == 0 && s / w >= sn->lo[k] && s / w < sn->hi[k];
}

/* The level to read at sample s: the finest at or above `pref` that holds an item starting
 * at s, else the coarsest finer one (the recent tail that `pref` has not completed yet). */
static int
pick_level (const Snapshot *sn, guint64 s, guint pref)
{
  for (guint k = pref; k < N_LEVELS; k++)
    if (has_item (sn, k, s))
      return (int) k;
  for (int k = (int) pref - 1; k >= 0; k--)
    if (has_item (sn, (guint) k, s))
      return k;
  return -1;
}

/* The first sample of the stored bucket that holds time t0, refined down to level `pref`:
 * a binary search per level over the items it still has. */
static guint64
find_start (Snapshot *sn, double t0, guint pref)
{
  guint64 s = 0;
  for (int k = N_LEVELS - 1; k >= (int) pref; k--)
    {
      guint64 w = width_of_level[k];
      guint64 a = MAX (sn->lo[k], (s + w - 1) / w), b = sn->hi[k];
      if (a >= b)
        continue;
      double t, t1, y0, y1;
      read_item (sn, (guint) k, a, &t, &t1, &y0, &y1);
      if (t > t0)
        continue;
      /* invariant: item a starts at or before t0 */
      while (b - a > 1)
        {
          guint64 mid = a + (b - a) / 2;
          read_item (sn, (guint) k, mid, &t, &t1, &y0, &y1);
          if (t <= t0)
            a = mid;
          else
            b = mid;
        }
      s = a * w;
    }
  return s;
}

static gboolean
snapshot_still_valid (NrtTraceStore *store, const Snapshot *sn, guint64 gen)
{
  atomic_thread_fence (ACQUIRE);
  if (atomic_load_explicit (&store->generation, RELAXED) != gen)
    return FALSE;
  for (guint k = 0; k < N_LEVELS; k++)
    if (sn->used_min[k] != G_MAXUINT64
        && atomic_load_explicit (&sn->tr->level[k].lo, RELAXED) > sn->used_min[k])
      return FALSE;
  return TRUE;
}

static void
snapshot_take (Snapshot *sn, Trace *tr)
{
  sn->tr = tr;
  for (guint k = 0; k < N_LEVELS; k++)
    {
      sn->hi[k] = atomic_load_explicit (&tr->level[k].hi, ACQUIRE);
      sn->lo[k] = atomic_load_explicit (&tr->level[k].lo, ACQUIRE);
      sn->used_min[k] = G_MAXUINT64;
    }
}

static gsize
envelope_once (NrtTraceStore *store, Trace *tr, double t0, double t1, gsize n_buckets,
               NrtTraceBucket *out, gboolean *valid)
{
  guint64 gen = atomic_load_explicit (&store->generation, ACQUIRE);
  Snapshot sn;
  snapshot_take (&sn, tr);
  double width = (t1 - t0) / (double) n_buckets;

  for (gsize i = 0; i < n_buckets; i++)
    out[i] = (NrtTraceBucket) { t0 + (double) i * width, INFINITY, -INFINITY };

  guint64 len = sn.hi[0];
  if (len == 0)
    {
      *valid = snapshot_still_valid (store, &sn, gen);
      return 0;
    }
  /* Samples per output bucket decide the level: the coarsest with items no wider. */
  guint64 sa = find_start (&sn, t0, 0), sb = find_start (&sn, t1, 0);
  double per_bucket = (double) (sb - sa) / (double) n_buckets;
  guint pref = 0;
  for (guint k = 1; k < N_LEVELS; k++)
    if ((double) width_of_level[k] <= per_bucket)
      pref = k;

  gsize n_filled = 0;
  for (guint64 s = find_start (&sn, t0, pref); s < len;)
    {
      int k = pick_level (&sn, s, pref);
      if (k < 0)
        break;
      double a, b, lo, hi;
      read_item (&sn, (guint) k, s / width_of_level[k], &a, &b, &lo, &hi);
      s += width_of_level[k];
      if (a >= t1)
        break;
      if (b < t0)
        continue;
      double pos = (MAX (a, t0) - t0) / width;
      gsize i = pos < (double) n_buckets ? (gsize) pos : n_buckets - 1;
      NrtTraceBucket *o = &out[i];
      if (o->ymin > o->ymax)
        {
          o->t = a;
          n_filled++;
        }
      o->ymin = fmin (o->ymin, lo);
      o->ymax = fmax (o->ymax, hi);
      if (o->ymin > o->ymax)   /* only NaN so far: keep counting it as empty */
        n_filled--;
    }
  *valid = snapshot_still_valid (store, &sn, gen);
  return n_filled;
}

gsize
nrt_trace_store_read_envelope (NrtTraceStore *store, guint id, double t0, double t1,
                               gsize n_buckets, NrtTraceBucket *out)
{
  g_return_val_if_fail (store != NULL, 0);
  g_return_val_if_fail (n_buckets == 0 || out != NULL, 0);
  Trace *tr = get_trace (store, id);
  g_return_val_if_fail (tr != NULL, 0);
  if (n_buckets == 0 || !(t1 > t0))
    return 0;

  /* A retry is needed only when the writer re-used a chunk we were reading (it wraps a level
   * once per 4096 chunks' worth of samples) or began a new run. */
  for (guint attempt = 0; attempt < 16; attempt++)
    {
      gboolean valid = FALSE;
      gsize n = envelope_once (store, tr, t0, t1, n_buckets, out, &valid);
      if (valid)
        return n;
    }
  for (gsize i = 0; i < n_buckets; i++)
    out[i].ymin = INFINITY, out[i].ymax = -INFINITY;
  return 0;
}

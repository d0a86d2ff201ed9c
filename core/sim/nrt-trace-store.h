/* nrt-trace-store.h: append-only traces written by the solver thread, read without locks.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One writer (the solver thread) appends (t, y) samples; any number of readers (widgets on
 * the main thread, exporters) read a consistent prefix at any time without taking a lock: the
 * writer publishes each new length with a release store after the samples are in place.
 *
 * Storage policy (bounded memory for long runs): see nrt-trace-store.c.  In short, every
 * trace keeps its most recent samples at full resolution and, for everything older, a
 * min/max envelope at coarser resolution, so a graph that shows the whole run at one pixel
 * per column still draws exactly the extremes it would draw from the full data.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NrtTraceStore NrtTraceStore;

/* One point of a decimated read: over the samples it covers, t of the first and the
 * minimum and maximum of y. */
typedef struct {
  double t;
  double ymin;
  double ymax;
} NrtTraceBucket;

/* The most a trace can take (bytes), whatever the length of the run: its chunk directory,
 * 2^20 samples at full resolution and three rings of min/max buckets (nrt-trace-store.c). */
#define NRT_TRACE_STORE_MAX_BYTES_PER_TRACE \
  ((gsize) (256 * 65536 + (128 + 256 + 256) * 32768 + 8192))

NrtTraceStore *nrt_trace_store_new (void);
NrtTraceStore *nrt_trace_store_ref (NrtTraceStore *store);
void           nrt_trace_store_unref (NrtTraceStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtTraceStore, nrt_trace_store_unref)

/* ---- writer side (one thread at a time) ---- */

/* Adds a trace; returns its id.  Any thread may add traces at any time (it takes a lock
 * that appends never take). */
guint nrt_trace_store_add_trace (NrtTraceStore *store);
/* Starts a new run: every trace is emptied and the generation number goes up. */
void  nrt_trace_store_begin_run (NrtTraceStore *store);
/* Appends one sample to trace id. */
void  nrt_trace_store_append (NrtTraceStore *store, guint id, double t, double y);

/* ---- reader side (any thread, no locks) ---- */

guint   nrt_trace_store_get_n_traces (NrtTraceStore *store);
/* Bumped by every begin_run; a reader that sees it change starts over. */
guint64 nrt_trace_store_get_generation (NrtTraceStore *store);
/* Samples appended to trace id since the run began (whether or not still at full
 * resolution). */
guint64 nrt_trace_store_get_length (NrtTraceStore *store, guint id);
/* Copies up to n full-resolution samples starting at sample index first into t and y
 * (either may be NULL).  Returns how many were copied: fewer when the range runs past the
 * end, and 0 when its start has already been folded into the envelope, or was overwritten
 * while copying, or a new run began (then use nrt_trace_store_read_envelope, or start over
 * from the new generation). */
gsize   nrt_trace_store_read (NrtTraceStore *store, guint id, guint64 first, gsize n,
                              double *t, double *y);
/* The envelope of y over [t0, t1) in n_buckets equal time buckets; empty buckets get
 * ymin > ymax.  Uses full-resolution samples where they still exist.  Returns the number of
 * non-empty buckets. */
gsize   nrt_trace_store_read_envelope (NrtTraceStore *store, guint id, double t0, double t1,
                                       gsize n_buckets, NrtTraceBucket *out);
/* Bytes the store holds now (every trace, every level); it never shrinks before the store
 * is freed, since readers may still hold on to old chunks. */
gsize   nrt_trace_store_get_memory_bytes (NrtTraceStore *store);

G_END_DECLS

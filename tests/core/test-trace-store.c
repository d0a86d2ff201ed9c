/* test-trace-store.c: NrtTraceStore: prefixes, the min/max envelope against brute force,
 * bounded memory, and one writer with several lock-free readers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "nrt-trace-store.h"

/* Binary fractions keep every t exact, so bucket edges fall where the test expects them. */
#define DT 0.03125

static double
f_of_sample (guint64 s)
{
  double y = sin (0.0007 * (double) s) + 0.25 * sin (0.013 * (double) s);
  if (s % 99991 == 17)
    y += 10.0 + (double) (s % 7);   /* rare one-sample spikes, the thing decimation drops */
  if (s % 77777 == 5)
    y -= 12.0;
  return y;
}

static void
append_n (NrtTraceStore *store, guint id, guint64 from, guint64 to)
{
  for (guint64 s = from; s < to; s++)
    nrt_trace_store_append (store, id, (double) s * DT, f_of_sample (s));
}

static void
test_basic (void)
{
  g_autoptr (NrtTraceStore) store = nrt_trace_store_new ();
  guint a = nrt_trace_store_add_trace (store), b = nrt_trace_store_add_trace (store);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (b, ==, 1);
  g_assert_cmpuint (nrt_trace_store_get_n_traces (store), ==, 2);
  guint64 gen = nrt_trace_store_get_generation (store);

  append_n (store, a, 0, 10000);
  append_n (store, b, 0, 3);
  g_assert_cmpuint (nrt_trace_store_get_length (store, a), ==, 10000);
  g_assert_cmpuint (nrt_trace_store_get_length (store, b), ==, 3);

  double t[20], y[20];
  /* across a chunk boundary */
  g_assert_cmpuint (nrt_trace_store_read (store, a, 4090, 20, t, y), ==, 20);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpfloat (y[i], ==, f_of_sample (4090 + i));
  g_assert_cmpuint (nrt_trace_store_read (store, a, 9990, 20, t, y), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_assert_cmpfloat (t[i], ==, (9990 + i) * DT);
      g_assert_cmpfloat (y[i], ==, f_of_sample (9990 + i));
    }
  g_assert_cmpuint (nrt_trace_store_read (store, a, 10000, 5, t, y), ==, 0);
  g_assert_cmpuint (nrt_trace_store_read (store, b, 0, 20, NULL, y), ==, 3);

  nrt_trace_store_begin_run (store);
  g_assert_cmpuint (nrt_trace_store_get_generation (store), ==, gen + 1);
  g_assert_cmpuint (nrt_trace_store_get_length (store, a), ==, 0);
  g_assert_cmpuint (nrt_trace_store_get_length (store, b), ==, 0);
  g_assert_cmpuint (nrt_trace_store_read (store, a, 0, 20, t, y), ==, 0);
  nrt_trace_store_append (store, a, 0.0, -65.0);
  g_assert_cmpuint (nrt_trace_store_read (store, a, 0, 20, t, y), ==, 1);
  g_assert_cmpfloat (y[0], ==, -65.0);

  NrtTraceBucket out[4];
  g_assert_cmpuint (nrt_trace_store_read_envelope (store, b, 0, 1, 4, out), ==, 0);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (out[i].ymin, >, out[i].ymax);
}

/* Brute-force min/max of samples [0, len) falling in each of n buckets over [t0, t1), each
 * sample widened to the samples [s - wl, s + wr] around it (0 for the exact envelope). */
static void
brute_envelope (guint64 len, double t0, double t1, gsize n, NrtTraceBucket *out)
{
  double width = (t1 - t0) / (double) n;
  for (gsize i = 0; i < n; i++)
    out[i] = (NrtTraceBucket) { 0, INFINITY, -INFINITY };
  for (guint64 s = 0; s < len; s++)
    {
      double t = (double) s * DT;
      if (t < t0 || t >= t1)
        continue;
      gsize i = MIN ((gsize) ((t - t0) / width), n - 1);
      double y = f_of_sample (s);
      out[i].ymin = MIN (out[i].ymin, y);
      out[i].ymax = MAX (out[i].ymax, y);
    }
}

/* Brute-force max (or min) over the samples with ta <= t < tb. */
static double
brute_max (guint64 len, double ta, double tb, gboolean want_max)
{
  double r = want_max ? -INFINITY : INFINITY;
  guint64 sa = ta <= 0 ? 0 : (guint64) ceil (ta / DT);
  guint64 sb = MIN (len, tb <= 0 ? 0 : (guint64) ceil (tb / DT));
  for (guint64 s = sa; s < sb; s++)
    r = want_max ? MAX (r, f_of_sample (s)) : MIN (r, f_of_sample (s));
  return r;
}

static void
test_envelope (void)
{
  g_autoptr (NrtTraceStore) store = nrt_trace_store_new ();
  guint id = nrt_trace_store_add_trace (store);
  /* 5,242,880 samples: far past the 2^20 kept at full resolution. */
  const guint64 len = 1280 * 4096;
  append_n (store, id, 0, len);
  g_assert_cmpuint (nrt_trace_store_get_length (store, id), ==, len);

  /* The start is no longer at full resolution. */
  double t[4], y[4];
  g_assert_cmpuint (nrt_trace_store_read (store, id, 0, 4, t, y), ==, 0);
  g_assert_cmpuint (nrt_trace_store_read (store, id, len - 4, 4, t, y), ==, 4);

  /* Whole run, columns on 4096-sample boundaries: exactly the brute-force extremes. */
  {
    const gsize n = 320;
    g_autofree NrtTraceBucket *got = g_new (NrtTraceBucket, n);
    g_autofree NrtTraceBucket *want = g_new (NrtTraceBucket, n);
    double t1 = (double) len * DT;
    g_assert_cmpuint (nrt_trace_store_read_envelope (store, id, 0, t1, n, got), ==, n);
    brute_envelope (len, 0, t1, n, want);
    for (gsize i = 0; i < n; i++)
      {
        g_assert_cmpfloat (got[i].ymin, ==, want[i].ymin);
        g_assert_cmpfloat (got[i].ymax, ==, want[i].ymax);
        g_assert_cmpfloat (got[i].t, ==, (double) i * (t1 / n));
      }
  }
  /* A recent stretch with fewer than 64 samples per column, read at full resolution,
   * unaligned: exact as well. */
  {
    const gsize n = 97;
    NrtTraceBucket got[97], want[97];
    double t0 = (double) (len - 700000) * DT + 0.01, t1 = (double) (len - 695000) * DT - 0.003;
    g_assert_cmpuint (nrt_trace_store_read_envelope (store, id, t0, t1, n, got), ==, n);
    brute_envelope (len, t0, t1, n, want);
    for (gsize i = 0; i < n; i++)
      {
        g_assert_cmpfloat (got[i].ymin, ==, want[i].ymin);
        g_assert_cmpfloat (got[i].ymax, ==, want[i].ymax);
      }
  }
  /* Unaligned columns over old data (64-sample buckets at best) and over the whole run:
   * every column's extremes come from its own samples or from at most one stored bucket
   * (W samples) across its edges, and nothing inside a column is lost. */
  struct { double t0, t1; gsize n; double w; } cases[] = {
    { 1000.0 + 0.3, 1000.0 + 700.0, 211, 64 * DT },                /* spc 106: level 1 */
    { 77.7, (double) len * DT - 1234.5, 1999, 64 * 64 * DT },      /* spc 2600: level 1 */
    { 3.0, (double) len * DT * 0.9, 301, 64 * 64 * DT },           /* spc 15700: level 2 */
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      gsize n = cases[c].n;
      g_autofree NrtTraceBucket *got = g_new (NrtTraceBucket, n);
      double t0 = cases[c].t0, t1 = cases[c].t1, w = cases[c].w, width = (t1 - t0) / n;
      g_assert_cmpuint (nrt_trace_store_read_envelope (store, id, t0, t1, n, got), ==, n);
      double all_max = -INFINITY, all_min = INFINITY;
      for (gsize i = 0; i < n; i += (c == 1 ? 37 : 1))
        {
          double a = t0 + i * width, b = a + width;
          g_assert_cmpfloat (got[i].ymax, <=, brute_max (len, a - w, b + w, TRUE));
          g_assert_cmpfloat (got[i].ymin, >=, brute_max (len, a - w, b + w, FALSE));
          if (b - a > w)
            {
              g_assert_cmpfloat (got[i].ymax, >=, brute_max (len, a + w, b, TRUE));
              g_assert_cmpfloat (got[i].ymin, <=, brute_max (len, a + w, b, FALSE));
            }
        }
      for (gsize i = 0; i < n; i++)
        {
          all_max = MAX (all_max, got[i].ymax);
          all_min = MIN (all_min, got[i].ymin);
        }
      /* The spikes inside the view are all there. */
      g_assert_cmpfloat (all_max, >=, brute_max (len, t0, t1, TRUE));
      g_assert_cmpfloat (all_min, <=, brute_max (len, t0, t1, FALSE));
    }
}

static void
test_memory_bounded (void)
{
  g_autoptr (NrtTraceStore) store = nrt_trace_store_new ();
  guint id = nrt_trace_store_add_trace (store);

  append_n (store, id, 0, 1500000);
  gsize at_1_5m = nrt_trace_store_get_memory_bytes (store);
  append_n (store, id, 1500000, 5000000);
  gsize at_5m = nrt_trace_store_get_memory_bytes (store);
  g_test_message ("trace store: %zu bytes after 1.5M samples, %zu after 5M", at_1_5m, at_5m);
  /* Full resolution stopped growing at 2^20 samples; only the bucket rings grew since. */
  g_assert_cmpuint (at_5m - at_1_5m, <, 2 * 1024 * 1024);
  g_assert_cmpuint (at_5m, <, 5000000 * 16 / 3);

  /* A 10-minute run at dt 0.025: 24,000,000 samples. */
  append_n (store, id, 5000000, 24000000);
  gsize at_24m = nrt_trace_store_get_memory_bytes (store);
  g_test_message ("trace store: %zu bytes after 24M samples (%.1f MiB)", at_24m,
                  at_24m / 1048576.0);
  g_assert_cmpuint (at_24m, <=, NRT_TRACE_STORE_MAX_BYTES_PER_TRACE + 4096);
  g_assert_cmpuint (at_24m, <, 24 * 1024 * 1024);

  /* A new run re-uses the memory. */
  nrt_trace_store_begin_run (store);
  append_n (store, id, 0, 3000000);
  g_assert_cmpuint (nrt_trace_store_get_memory_bytes (store), ==, at_24m);
  /* Everything the whole-run view needs is still exact. */
  NrtTraceBucket out[8];
  g_assert_cmpuint (nrt_trace_store_read_envelope (store, id, 0, 3000000 * DT, 8, out), ==, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpfloat (out[i].ymax, >, 9.0);   /* a spike every 99,991 samples */
}

/* ---- one writer, several readers ---- */

#define STRESS_SAMPLES 3000000
#define N_READERS 3

typedef struct {
  NrtTraceStore *store;
  gint           done;
  gint           begun;         /* the writer began its second run */
  guint64        reads, short_reads, envelopes;
} Stress;

static gpointer
writer_thread (gpointer data)
{
  Stress *st = data;
  for (guint run = 0; run < 2; run++)
    {
      if (run > 0)
        {
          nrt_trace_store_begin_run (st->store);
          g_atomic_int_set (&st->begun, 1);
        }
      for (guint64 s = 0; s < STRESS_SAMPLES / 2; s++)
        {
          nrt_trace_store_append (st->store, 0, (double) s * DT, f_of_sample (s));
          if (s % 3 == 0)
            nrt_trace_store_append (st->store, 1, (double) s * DT, -f_of_sample (s));
        }
    }
  g_atomic_int_set (&st->done, 1);
  return NULL;
}

static gpointer
reader_thread (gpointer data)
{
  Stress *st = data;
  g_autoptr (GRand) rng = g_rand_new_with_seed ((guint32) GPOINTER_TO_UINT (g_thread_self ()));
  g_autofree double *t = g_new (double, 8192);
  g_autofree double *y = g_new (double, 8192);
  NrtTraceBucket env[64];
  guint64 reads = 0, short_reads = 0, envelopes = 0;

  while (!g_atomic_int_get (&st->done))
    {
      guint id = g_rand_int_range (rng, 0, 2);
      guint64 len = nrt_trace_store_get_length (st->store, id);
      if (len == 0)
        continue;
      /* Mostly the newest samples, sometimes the oldest still kept (racing the writer's
       * re-use of that chunk). */
      guint64 first;
      gsize n = (gsize) g_rand_int_range (rng, 1, 8192);
      if (g_rand_int_range (rng, 0, 4) == 0 && len > (1u << 20))
        first = len - (1u << 20) + (guint64) g_rand_int_range (rng, 0, 8192);
      else
        first = len > n ? len - n : 0;
      gsize got = nrt_trace_store_read (st->store, id, first, n, t, y);
      reads++;
      if (got < MIN (n, len - first))
        short_reads++;
      for (gsize i = 0; i < got; i++)
        {
          /* the prefix is consistent: t is the sample's own, y its value, t increasing */
          guint64 s = id == 0 ? first + i : (first + i) * 3;
          g_assert_cmpfloat (t[i], ==, (double) s * DT);
          g_assert_cmpfloat (y[i], ==, id == 0 ? f_of_sample (s) : -f_of_sample (s));
          if (i > 0)
            g_assert_cmpfloat (t[i], >, t[i - 1]);
        }
      if (reads % 16 == 0)
        {
          double t1 = (double) len * DT * (id == 0 ? 1 : 3);
          gsize ne = nrt_trace_store_read_envelope (st->store, id, 0, t1, 64, env);
          envelopes++;
          g_assert_cmpuint (ne, <=, 64);
          for (guint i = 0; i < 64; i++)
            if (env[i].ymin <= env[i].ymax)
              {
                g_assert_cmpfloat (env[i].ymin, >=, -20.0);
                g_assert_cmpfloat (env[i].ymax, <=, 20.0);
              }
        }
    }
  __atomic_fetch_add (&st->reads, reads, __ATOMIC_RELAXED);
  __atomic_fetch_add (&st->short_reads, short_reads, __ATOMIC_RELAXED);
  __atomic_fetch_add (&st->envelopes, envelopes, __ATOMIC_RELAXED);
  return NULL;
}

static void
test_stress (void)
{
  Stress st = { 0 };
  st.store = nrt_trace_store_new ();
  nrt_trace_store_add_trace (st.store);
  nrt_trace_store_add_trace (st.store);
  guint64 gen0 = nrt_trace_store_get_generation (st.store);

  GThread *readers[N_READERS];
  for (guint i = 0; i < N_READERS; i++)
    readers[i] = g_thread_new ("reader", reader_thread, &st);
  GThread *writer = g_thread_new ("writer", writer_thread, &st);
  g_thread_join (writer);
  for (guint i = 0; i < N_READERS; i++)
    g_thread_join (readers[i]);

  g_test_message ("stress: %" G_GUINT64_FORMAT " reads (%" G_GUINT64_FORMAT " cut short), %"
                  G_GUINT64_FORMAT " envelopes", st.reads, st.short_reads, st.envelopes);
  g_assert_cmpuint (nrt_trace_store_get_generation (st.store), ==, gen0 + 1);
  g_assert_cmpuint (nrt_trace_store_get_length (st.store, 0), ==, STRESS_SAMPLES / 2);
  g_assert_cmpuint (st.reads, >, 0);
  nrt_trace_store_unref (st.store);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/trace-store/basic", test_basic);
  g_test_add_func ("/core/trace-store/envelope-equals-brute-force", test_envelope);
  g_test_add_func ("/core/trace-store/memory-bounded", test_memory_bounded);
  g_test_add_func ("/core/trace-store/one-writer-many-readers", test_stress);
  return g_test_run ();
}

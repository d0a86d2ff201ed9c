/* bench-session.c: a 10-minute (600,000 ms) run of the stylized cell through NrtSession.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under `meson test --benchmark`; it prints figures and never fails on timing.  Four
 * traces are recorded (24,000,000 samples each); meanwhile the main loop plays the part of a
 * graph window: every 16 ms it reads the whole run of every trace as a 1000-column min/max
 * envelope and the shape-plot frame.  Reported: wall time, steps per second, the trace
 * store's peak memory and the process's peak RSS, the longest gap between status deliveries
 * and the longest envelope read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nrt-neuroml.h"
#include "nrt-session.h"

#define TSTOP 600000.0
#define N_COLUMNS 1000

typedef struct {
  NrtSession *session;
  int         traces[4];
  gsize       peak_bytes;
  gint64      last_status, max_status_gap;
  gint64      max_read_us, reads;
  double     *frame;
  guint       n_nodes;
  guint64     frames;
} Bench;

static void
on_status (NrtSession *session, Bench *b)
{
  (void) session;
  gint64 now = g_get_monotonic_time ();
  if (b->last_status != 0 && nrt_session_get_running (session))
    b->max_status_gap = MAX (b->max_status_gap, now - b->last_status);
  b->last_status = now;
}

static gboolean
on_frame (gpointer data)
{
  Bench *b = data;
  NrtTraceStore *store = nrt_session_get_trace_store (b->session);
  NrtTraceBucket cols[N_COLUMNS];
  double t = nrt_session_get_t (b->session);
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < 4; i++)
    nrt_trace_store_read_envelope (store, (guint) b->traces[i], 0, MAX (t, 1.0), N_COLUMNS,
                                   cols);
  double ft;
  if (nrt_session_read_frame (b->session, b->frame, b->n_nodes, &ft) > 0)
    b->frames++;
  b->max_read_us = MAX (b->max_read_us, g_get_monotonic_time () - t0);
  b->reads++;
  b->peak_bytes = MAX (b->peak_bytes, nrt_trace_store_get_memory_bytes (store));
  return G_SOURCE_CONTINUE;
}

static long
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  const char *p = strstr (status, "VmHWM:");
  return p ? strtol (p + 6, NULL, 10) : -1;
}

int
main (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", "stylized-cell.nml",
                                            NULL);
  g_autoptr (NrtModel) model = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  NrtRunSettings s = nrt_model_get_data (model)->settings;
  s.tstop = TSTOP;
  g_assert_true (nrt_model_set_settings (model, &s, &error));

  Bench b = { 0 };
  b.session = nrt_session_new (model);
  const char *exprs[4] = { "soma(0.5).v", "soma(0.5).m_hh", "soma(0.5).ina", "IClamp[0].i" };
  for (guint i = 0; i < 4; i++)
    {
      b.traces[i] = nrt_session_add_trace (b.session, exprs[i], &error);
      g_assert_no_error (error);
    }
  const NrtNetwork *net = nrt_session_get_network (b.session);
  b.n_nodes = nrt_network_get_n_nodes (net);
  b.frame = g_new (double, b.n_nodes);
  g_signal_connect (b.session, "status", G_CALLBACK (on_status), &b);
  guint timer = g_timeout_add (16, on_frame, &b);

  gint64 t0 = g_get_monotonic_time ();
  nrt_session_run (b.session);
  while (nrt_session_get_busy (b.session))
    g_main_context_iteration (NULL, TRUE);
  double wall = (double) (g_get_monotonic_time () - t0) * 1e-6;
  g_source_remove (timer);
  on_frame (&b);

  NrtTraceStore *store = nrt_session_get_trace_store (b.session);
  guint64 steps = (guint64) (TSTOP / s.dt + 0.5);
  printf ("session stylized-cell tstop %.0f ms (%u nodes, %" G_GUINT64_FORMAT " steps, 4 traces)\n",
          TSTOP, b.n_nodes, steps);
  printf ("  wall %.2f s (session realtime %.2f s), %.3g steps/s, %.3g model ms per wall s\n",
          wall, nrt_session_get_realtime (b.session), (double) steps / wall, TSTOP / wall);
  printf ("  samples per trace %" G_GUINT64_FORMAT ", trace store peak %.1f MiB "
          "(%.2f bytes/sample), process peak RSS %.1f MiB\n",
          nrt_trace_store_get_length (store, 0), b.peak_bytes / 1048576.0,
          (double) b.peak_bytes / (4.0 * (double) nrt_trace_store_get_length (store, 0)),
          peak_rss_kib () / 1024.0);
  printf ("  status: longest gap %.1f ms while running; graph reads every 16 ms: %"
          G_GINT64_FORMAT " reads, longest %.2f ms (4 envelopes of %d columns + frame), "
          "%" G_GUINT64_FORMAT " frames\n",
          b.max_status_gap / 1000.0, b.reads, b.max_read_us / 1000.0, N_COLUMNS, b.frames);
  g_object_unref (b.session);
  g_free (b.frame);
  return 0;
}

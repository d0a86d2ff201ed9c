/* bench-shape.c: the Shape plot under load, and Movie Run's pacing, on the largest model at
 * hand (the synthetic 2000-segment hh tree, tests/validation/nrt-cases.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   xvfb-run -a -s '-screen 0 1400x900x24' meson test --benchmark bench-shape -v
 *
 * Reports, never asserts on time:
 *   1. frame intervals of the Shape plot window (tick to tick of its frame clock) while the
 *      solver runs flat out, and how many frames carried new colours;
 *   2. the cost of one render of the coloured cell (nrt_shape_render on an image surface);
 *   3. Movie Run: the model-time rate achieved against the requested pace, and how evenly
 *      new frames arrive.
 * NRT_BENCH_TSTOP (ms, default 4000) sets the flat-out run's length.
 */
#include <adwaita.h>
#include <math.h>
#include <stdlib.h>

#include "nrt-cases.h"
#include "nrt-movie-run.h"
#include "nrt-shape-plot.h"
#include "nrt-shape-view.h"
#include "nrt-window-private.h"

typedef struct {
  GArray     *intervals;   /* ms between ticks */
  GArray     *new_frame_intervals;   /* ms between ticks that brought a new frame */
  gint64      last, last_new;
  guint64     last_serial;
  NrtSession *session;
  double     *frame;
  guint       n_nodes;
  gboolean    recording;
} Ticks;

static gboolean
tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  Ticks *t = user_data;
  gint64 now = g_get_monotonic_time ();
  double tt;
  guint64 serial;

  if (!t->recording)
    {
      t->last = 0;
      return G_SOURCE_CONTINUE;
    }
  if (t->last != 0)
    {
      double ms = (now - t->last) / 1000.0;
      g_array_append_val (t->intervals, ms);
    }
  t->last = now;
  serial = nrt_session_read_frame (t->session, t->frame, t->n_nodes, &tt);
  if (serial != 0 && serial != t->last_serial)
    {
      if (t->last_new != 0)
        {
          double ms = (now - t->last_new) / 1000.0;
          g_array_append_val (t->new_frame_intervals, ms);
        }
      t->last_new = now;
      t->last_serial = serial;
    }
  return G_SOURCE_CONTINUE;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *a)
{
  double sum = 0, sq = 0, mean, sd;

  if (a->len == 0)
    {
      g_print ("%s: no samples\n", what);
      return;
    }
  qsort (a->data, a->len, sizeof (double), cmp_double);
  for (guint i = 0; i < a->len; i++)
    {
      double v = g_array_index (a, double, i);
      sum += v;
      sq += v * v;
    }
  mean = sum / a->len;
  sd = sqrt (MAX (sq / a->len - mean * mean, 0));
  g_print ("%s: n %u, mean %.2f ms, sd %.2f, median %.2f, p99 %.2f, max %.2f ms\n", what,
           a->len, mean, sd, g_array_index (a, double, a->len / 2),
           g_array_index (a, double, MIN (a->len - 1, (guint) (a->len * 0.99))),
           g_array_index (a, double, a->len - 1));
}

static void
spin_while_busy (NrtSession *session, double max_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (max_s * G_USEC_PER_SEC);

  while (nrt_session_get_busy (session) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static void
spin_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (300);
}

int
main (int argc, char *argv[])
{
  const char *env = g_getenv ("NRT_BENCH_TSTOP");
  double tstop = env != NULL ? g_ascii_strtod (env, NULL) : 4000;
  g_autoptr(NrtModel) model = NULL;
  NrtWindow *window;
  NrtSession *session;
  NrtShapePlot *plot;
  NrtShapeView *view;
  NrtMovieRun *movie;
  Ticks t = { 0 };
  NrtRunSettings settings;
  gint64 t0, t1;
  g_autoptr(GError) error = NULL;

  gtk_init ();
  adw_init ();

  model = nrt_case_synthetic_tree ();
  settings = nrt_model_get_data (model)->settings;
  settings.tstop = tstop;
  g_assert_true (nrt_model_set_settings (model, &settings, &error));
  window = nrt_window_new (NULL);
  nrt_window_set_model (window, model, NULL);
  session = nrt_window_get_session (window);
  gtk_window_present (GTK_WINDOW (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.shape-plot", NULL);
  plot = NRT_SHAPE_PLOT (_nrt_window_find_tool (window, NRT_TYPE_SHAPE_PLOT));
  view = nrt_shape_plot_get_view (plot);
  gtk_window_set_default_size (GTK_WINDOW (plot), 1200, 800);
  spin_for (1.0);
  g_print ("model: synthetic tree, %u segments, %u nodes; tstop %g ms\n",
           nrt_network_get_n_segments (nrt_session_get_network (session)),
           nrt_network_get_n_nodes (nrt_session_get_network (session)), tstop);

  t.session = session;
  t.n_nodes = nrt_network_get_n_nodes (nrt_session_get_network (session));
  t.frame = g_new0 (double, t.n_nodes);
  t.intervals = g_array_new (FALSE, FALSE, sizeof (double));
  t.new_frame_intervals = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_add_tick_callback (GTK_WIDGET (plot), tick, &t, NULL);

  /* 1. Flat out. */
  {
    guint64 frames0 = nrt_shape_view_get_n_frames (view);

    t.recording = TRUE;
    t0 = g_get_monotonic_time ();
    nrt_session_run (session);
    spin_while_busy (session, 600);
    t1 = g_get_monotonic_time ();
    t.recording = FALSE;
    g_print ("flat-out run: %.0f ms of model in %.2f s wall (%.3g model ms per wall ms), "
             "%" G_GUINT64_FORMAT " coloured frames drawn\n", nrt_session_get_t (session),
             (t1 - t0) / 1e6, nrt_session_get_t (session) / ((t1 - t0) / 1e3),
             nrt_shape_view_get_n_frames (view) - frames0);
    report ("shape plot frame interval (flat-out run)", t.intervals);
    report ("interval between frames with new colours", t.new_frame_intervals);
  }

  /* 2. The cost of one render of the whole coloured cell. */
  {
    g_autoptr(GArray) costs = g_array_new (FALSE, FALSE, sizeof (double));

    for (int i = 0; i < 200; i++)
      {
        gint64 a = g_get_monotonic_time ();
        cairo_surface_t *s = nrt_shape_view_render_surface (view, 1200, 700);
        double ms = (g_get_monotonic_time () - a) / 1000.0;

        cairo_surface_destroy (s);
        g_array_append_val (costs, ms);
      }
    report ("render of the coloured cell, 1200×700 image surface", costs);
  }

  /* 3. Movie Run at 0.01 s and 0.002 s per step. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.movie-run", NULL);
  movie = NRT_MOVIE_RUN (_nrt_window_find_tool (window, NRT_TYPE_MOVIE_RUN));
  for (int k = 0; k < 2; k++)
    {
      double sps = k == 0 ? 0.01 : 0.002, wall = 4.0, tm0, tm1;

      nrt_movie_run_set_seconds_per_step (movie, sps);
      g_array_set_size (t.intervals, 0);
      g_array_set_size (t.new_frame_intervals, 0);
      t.last_new = 0;
      nrt_movie_run_start (movie);
      spin_for (0.5);   /* past the init */
      tm0 = nrt_session_get_t (session);
      t0 = g_get_monotonic_time ();
      t.recording = TRUE;
      spin_for (wall);
      t.recording = FALSE;
      tm1 = nrt_session_get_t (session);
      t1 = g_get_monotonic_time ();
      nrt_movie_run_stop (movie);
      spin_while_busy (session, 10);
      g_print ("movie run, %g s per step: requested %.4g model ms/s, achieved %.4g model ms/s "
               "(real-time factor of the pace %.4f)\n", sps, nrt_movie_run_get_pace (movie),
               (tm1 - tm0) / ((t1 - t0) / 1e6),
               (tm1 - tm0) / ((t1 - t0) / 1e6) / nrt_movie_run_get_pace (movie));
      report ("  shape plot frame interval", t.intervals);
      report ("  interval between frames with new colours", t.new_frame_intervals);
    }

  g_free (t.frame);
  g_array_unref (t.intervals);
  g_array_unref (t.new_frame_intervals);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

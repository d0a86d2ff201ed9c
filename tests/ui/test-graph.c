/* test-graph.c: the plot's pure drawing, its decimation and exports, and Graph windows on a run.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The render tests draw on cairo image surfaces and need no display.  Everything that needs
 * GTK runs in a g_test_trap_subprocess with a timeout, so a hang fails instead of blocking.
 */
#include <locale.h>
#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "nrt-ui-test.h"
#include "nrt-graph-window.h"
#include "nrt-plot.h"
#include "nrt-session.h"

#define W 400
#define H 300

/* ---- helpers ---------------------------------------------------------------------------- */

static void
light_data (NrtPlotData *d)
{
  memset (d, 0, sizeof *d);
  gdk_rgba_parse (&d->fg, "#000000");
  gdk_rgba_parse (&d->bg, "#ffffff");
  gdk_rgba_parse (&d->accent, "#1c71d8");
  d->font = "Sans 10";
  d->x_title = "t (ms)";
  d->y_title = "v (mV)";
}

static cairo_surface_t *
render (const NrtPlotData *d,
        NrtPlotArea       *area)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);

  nrt_plot_compute_area (cr, W, H, d, area);
  nrt_plot_render (cr, W, H, d);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* TRUE when pixel (x, y) is close to colour c (premultiplied ARGB32, opaque background). */
static gboolean
pixel_is (cairo_surface_t *s,
          int              x,
          int              y,
          const GdkRGBA   *c)
{
  const guchar *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  guint32 px;
  int r, g, b;

  if (x < 0 || y < 0 || x >= cairo_image_surface_get_width (s) || y >= cairo_image_surface_get_height (s))
    return FALSE;
  px = *(const guint32 *) (data + y * stride + 4 * x);
  r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
  return abs (r - (int) (c->red * 255)) < 60 && abs (g - (int) (c->green * 255)) < 60 &&
         abs (b - (int) (c->blue * 255)) < 60;
}

/* Pixels of colour c within radius of (x, y). */
static guint
count_near (cairo_surface_t *s,
            double           x,
            double           y,
            int              radius,
            const GdkRGBA   *c)
{
  guint n = 0;

  for (int dy = -radius; dy <= radius; dy++)
    for (int dx = -radius; dx <= radius; dx++)
      n += pixel_is (s, (int) floor (x) + dx, (int) floor (y) + dy, c);
  return n;
}

/* ---- pure functions --------------------------------------------------------------------- */

static void
test_nice_ticks (void)
{
  double first, step;
  guint n;

  n = nrt_plot_nice_ticks (0, 5, 11, &first, &step);
  g_assert_cmpuint (n, ==, 11);
  g_assert_cmpfloat_with_epsilon (first, 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (step, 0.5, 1e-12);

  n = nrt_plot_nice_ticks (-80, 40, 8, &first, &step);
  g_assert_cmpuint (n, ==, 7);
  g_assert_cmpfloat_with_epsilon (first, -80, 1e-12);
  g_assert_cmpfloat_with_epsilon (step, 20, 1e-12);

  n = nrt_plot_nice_ticks (0.013, 0.087, 5, &first, &step);
  g_assert_cmpfloat_with_epsilon (step, 0.02, 1e-12);
  g_assert_cmpfloat_with_epsilon (first, 0.02, 1e-12);
  g_assert_cmpuint (n, ==, 4);

  n = nrt_plot_nice_ticks (-1, 1, 5, &first, &step);
  g_assert_cmpfloat_with_epsilon (step, 0.5, 1e-12);
  g_assert_cmpuint (n, ==, 5);

  /* Random ranges: the step is 1, 2 or 5 × 10^k, the ticks stay inside and there are at
   * most max_ticks of them, and at least 2 when the range allows. */
  for (guint i = 0; i < 2000; i++)
    {
      double lo = g_test_rand_double_range (-1e4, 1e4);
      double hi = lo + pow (10, g_test_rand_double_range (-6, 5));
      guint max = g_test_rand_int_range (2, 15);
      double m;

      n = nrt_plot_nice_ticks (lo, hi, max, &first, &step);
      g_assert_cmpuint (n, <=, max);
      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpfloat (first, >=, lo - step * 1e-6);
      g_assert_cmpfloat (first + (n - 1) * step, <=, hi + step * 1e-6);
      m = step / pow (10, floor (log10 (step) + 1e-9));
      g_assert_true (fabs (m - 1) < 1e-6 || fabs (m - 2) < 1e-6 || fabs (m - 5) < 1e-6);
    }
}

static void
test_fit_range (void)
{
  double lo, hi;

  /* A spike from −65 to 30.2 mV: rounded outward to 2 significant digits of 65 (−65…31),
   * then 10% wider: −69.8…35.8. */
  nrt_plot_fit_range (-65, 30.2, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, -69.8, 1e-9);
  g_assert_cmpfloat_with_epsilon (hi, 35.8, 1e-9);

  nrt_plot_fit_range (0.0123, 0.0456, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, 0.012 - 0.0017, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 0.046 + 0.0017, 1e-12);

  /* 0…5 ms stays 0…5, then 10%: −0.25…5.25. */
  nrt_plot_fit_range (0, 5, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, -0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 5.25, 1e-12);

  /* A flat line gets a range around it. */
  nrt_plot_fit_range (-65, -65, &lo, &hi);
  g_assert_cmpfloat (lo, <, -65);
  g_assert_cmpfloat (hi, >, -65);
}

static void
test_render_sine (void)
{
  enum { N = 2001 };
  double x[N], y[N];
  NrtPlotTrace trace = { "sin", { 0 }, FALSE, 0, x, y, N };
  NrtPlotData d;
  NrtPlotArea a;
  cairo_surface_t *s;
  GdkRGBA blue;

  for (guint i = 0; i < N; i++)
    {
      x[i] = 10.0 * i / (N - 1);
      y[i] = sin (x[i]);
    }
  light_data (&d);
  d.x0 = 0, d.x1 = 10, d.y0 = -1.5, d.y1 = 1.5;
  gdk_rgba_parse (&blue, "#1c71d8");
  trace.color = blue;
  d.traces = &trace;
  d.n_traces = 1;

  s = render (&d, &a);
  g_assert_cmpfloat (a.width, >, W / 2);
  g_assert_cmpfloat (a.height, >, H / 2);

  /* Coloured pixels on the curve, none where the curve is not. */
  for (double t = 0.5; t < 9.6; t += 0.7)
    {
      double px = a.x + t / 10 * a.width;
      double py = a.y + (1.5 - sin (t)) / 3 * a.height;
      double off = a.y + (1.5 - (sin (t) > 0 ? -1.2 : 1.2)) / 3 * a.height;

      if (count_near (s, px, py, 2, &blue) == 0 || count_near (s, px, off, 2, &blue) != 0)
        {
          cairo_surface_write_to_png (s, "render-sine-failed.png");
          g_test_message ("t = %g at (%g, %g)", t, px, py);
        }
      g_assert_cmpuint (count_near (s, px, py, 2, &blue), >, 0);
      g_assert_cmpuint (count_near (s, px, off, 2, &blue), ==, 0);
    }
  /* Nothing is drawn outside the plot area (the legend is inside it). */
  g_assert_cmpuint (count_near (s, a.x / 2, a.y + a.height / 2, 3, &blue), ==, 0);
  cairo_surface_destroy (s);
}

static void
test_render_spike (void)
{
  enum { N = 100000 };
  g_autofree double *x = g_new (double, N);
  g_autofree double *y = g_new0 (double, N);
  NrtPlotTrace trace = { NULL, { 0 }, FALSE, 0, x, y, N };
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (double));
  NrtPlotData d;
  NrtPlotArea a;
  cairo_surface_t *s;
  GdkRGBA red;
  double px, top;
  gsize n;

  for (guint i = 0; i < N; i++)
    x[i] = i * 0.0001;       /* 0…10 ms: ~250 samples per pixel column */
  y[54321] = 1.0;            /* one sample, far narrower than a pixel */

  light_data (&d);
  d.x0 = 0, d.x1 = 10, d.y0 = -0.1, d.y1 = 1.1;
  gdk_rgba_parse (&red, "#e01b24");
  trace.color = red;
  d.traces = &trace;
  d.n_traces = 1;

  s = render (&d, &a);
  px = a.x + x[54321] / 10 * a.width;
  top = a.y + (1.1 - 1.0) / 1.2 * a.height;
  g_assert_cmpuint (count_near (s, px, top, 2, &red), >, 0);
  cairo_surface_destroy (s);

  /* At most four points per pixel column, whatever the number of samples. */
  n = nrt_plot_decimate (&trace, &d, &a, points);
  g_assert_cmpuint (n, <=, 4 * ((gsize) a.width + 3));
  g_assert_cmpuint (n, >, a.width / 2);
  /* ... and the spike's peak is among them. */
  {
    gboolean found = FALSE;
    for (guint i = 0; i + 1 < points->len; i += 2)
      found |= fabs (g_array_index (points, double, i + 1) - top) < 0.01;
    g_assert_true (found);
  }
}

static gboolean
file_starts_with (const char *path,
                  const char *magic,
                  gsize       len,
                  gsize       min_size)
{
  g_autofree char *contents = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return FALSE;
  return size >= min_size && memcmp (contents, magic, len) == 0;
}

static void
test_write_images (void)
{
  double x[] = { 0, 1, 2, 3, 4, 5 }, y[] = { -65, -60, 20, -70, -66, -65 };
  NrtPlotTrace trace = { "soma(0.5).v", { 0.1, 0.4, 0.8, 1 }, FALSE, 0, x, y, 6 };
  g_autofree char *dir = g_dir_make_tmp ("nrt-graph-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "g.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "g.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "g.pdf", NULL);
  g_autofree char *bad = g_build_filename (dir, "missing", "g.png", NULL);
  g_autoptr(GError) error = NULL;
  NrtPlotData d;

  light_data (&d);
  d.x0 = 0, d.x1 = 5, d.y0 = -80, d.y1 = 40;
  d.traces = &trace;
  d.n_traces = 1;

  g_assert_true (nrt_plot_write_image (&d, NRT_PLOT_FORMAT_PNG, 640, 400, png, &error));
  g_assert_no_error (error);
  g_assert_true (nrt_plot_write_image (&d, NRT_PLOT_FORMAT_SVG, 640, 400, svg, &error));
  g_assert_true (nrt_plot_write_image (&d, NRT_PLOT_FORMAT_PDF, 640, 400, pdf, &error));
  g_assert_true (file_starts_with (png, "\x89PNG\r\n\x1a\n", 8, 2000));
  g_assert_true (file_starts_with (svg, "<?xml", 5, 1000));
  g_assert_true (file_starts_with (pdf, "%PDF-", 5, 1000));

  {
    /* PNG at twice the size, for HiDPI. */
    cairo_surface_t *s = cairo_image_surface_create_from_png (png);
    g_assert_cmpint (cairo_image_surface_get_width (s), ==, 1280);
    g_assert_cmpint (cairo_image_surface_get_height (s), ==, 800);
    cairo_surface_destroy (s);
  }

  /* A folder that does not exist: an error, and nothing left behind. */
  g_assert_false (nrt_plot_write_image (&d, NRT_PLOT_FORMAT_PNG, 640, 400, bad, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_unlink (png), g_unlink (svg), g_unlink (pdf);
  g_rmdir (dir);
}

/* ---- the widget (subprocesses) ------------------------------------------------------------ */

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
plot_csv_subprocess (void)
{
  enum { N = 1000 };
  double t[N], v[N], m[N];
  GtkWidget *plot = g_object_ref_sink (nrt_plot_new ());
  g_autofree char *dir = g_dir_make_tmp ("nrt-graph-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "g.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  double x0, x1, y0, y1;

  for (guint i = 0; i < N; i++)
    {
      t[i] = i * 0.025;
      v[i] = -65 + 100 * exp (-pow ((t[i] - 10) / 0.5, 2)) + g_test_rand_double ();
      m[i] = 1.0 / 3.0 * sin (t[i]);
    }
  nrt_plot_add_samples (NRT_PLOT (plot), "soma(0.5).v", t, v, N, 0);
  nrt_plot_add_samples (NRT_PLOT (plot), "soma(0.5).m_hh", t, m, N, 0);

  /* The decimal point stays '.' whatever the locale. */
  setlocale (LC_NUMERIC, "de_DE.UTF-8");
  g_assert_true (nrt_plot_export_csv (NRT_PLOT (plot), path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "t,soma(0.5).v,soma(0.5).m_hh");
  g_assert_cmpuint (g_strv_length (lines), ==, N + 2);   /* header, rows, final "" */
  for (guint i = 0; i < N; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i + 1], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      /* %.15g round-trips to within one part in 10^15. */
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[0], NULL), t[i], 1e-15 * fabs (t[i]) + 1e-300);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[1], NULL), v[i], 1e-13);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[2], NULL), m[i], 1e-15);
    }

  /* The threaded export writes the same file. */
  {
    g_autofree char *async_path = g_build_filename (dir, "async.csv", NULL);
    g_autofree char *async_contents = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    nrt_plot_export_csv_async (NRT_PLOT (plot), async_path, NULL, on_ready, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (nrt_plot_export_csv_finish (NRT_PLOT (plot), result, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (async_path, &async_contents, NULL, NULL));
    g_assert_cmpstr (async_contents, ==, contents);
    g_unlink (async_path);
  }

  /* View = plot: the data's range (−65…~36 mV, 0…24.975 ms) by NEURON's rule. */
  nrt_plot_view_fit (NRT_PLOT (plot));
  nrt_plot_get_view (NRT_PLOT (plot), &x0, &x1, &y0, &y1);
  {
    double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, ex0, ex1, ey0, ey1;
    for (guint i = 0; i < N; i++)
      lo = MIN (lo, MIN (v[i], m[i])), hi = MAX (hi, MAX (v[i], m[i]));
    nrt_plot_fit_range (0, t[N - 1], &ex0, &ex1);
    nrt_plot_fit_range (lo, hi, &ey0, &ey1);
    g_assert_cmpfloat (x0, ==, ex0);
    g_assert_cmpfloat (x1, ==, ex1);
    g_assert_cmpfloat (y0, ==, ey0);
    g_assert_cmpfloat (y1, ==, ey1);
  }

  g_unlink (path);
  g_rmdir (dir);
  g_assert_finalize_object (plot);
}

static void
plot_keep_lines_subprocess (void)
{
  g_autoptr(NrtTraceStore) store = nrt_trace_store_new ();
  GtkWidget *plot = g_object_ref_sink (nrt_plot_new ());
  guint id = nrt_trace_store_add_trace (store);
  const double *t, *y;
  gsize n;

  nrt_trace_store_begin_run (store);
  for (guint i = 0; i < 200; i++)
    nrt_trace_store_append (store, id, i * 0.025, -65 + i);
  nrt_plot_add_store_trace (NRT_PLOT (plot), store, id, "soma(0.5).v", 0);
  nrt_plot_set_keep_lines (NRT_PLOT (plot), TRUE);
  g_assert_true (nrt_plot_get_keep_lines (NRT_PLOT (plot)));
  n = nrt_plot_get_trace_data (NRT_PLOT (plot), 0, &t, &y);
  g_assert_cmpuint (n, ==, 200);
  g_assert_cmpfloat (y[199], ==, -65 + 199);

  /* Nothing new: no redraw needed. */
  g_assert_false (nrt_plot_update (NRT_PLOT (plot)));
  nrt_trace_store_append (store, id, 200 * 0.025, 0);
  g_assert_true (nrt_plot_update (NRT_PLOT (plot)));
  g_assert_cmpuint (nrt_plot_get_trace_data (NRT_PLOT (plot), 0, NULL, NULL), ==, 201);

  /* A new run keeps the previous one, dimmed. */
  nrt_trace_store_begin_run (store);
  for (guint i = 0; i < 50; i++)
    nrt_trace_store_append (store, id, i * 0.025, -70);
  g_assert_true (nrt_plot_update (NRT_PLOT (plot)));
  g_assert_cmpuint (nrt_plot_get_n_kept (NRT_PLOT (plot)), ==, 1);
  n = nrt_plot_get_trace_data (NRT_PLOT (plot), 0, &t, &y);
  g_assert_cmpuint (n, ==, 50);
  g_assert_cmpfloat (y[0], ==, -70);

  /* Erase removes the kept lines; without Keep Lines a new run keeps nothing. */
  nrt_plot_erase (NRT_PLOT (plot));
  g_assert_cmpuint (nrt_plot_get_n_kept (NRT_PLOT (plot)), ==, 0);
  nrt_plot_set_keep_lines (NRT_PLOT (plot), FALSE);
  nrt_trace_store_begin_run (store);
  nrt_trace_store_append (store, id, 0, -65);
  g_assert_true (nrt_plot_update (NRT_PLOT (plot)));
  g_assert_cmpuint (nrt_plot_get_n_kept (NRT_PLOT (plot)), ==, 0);

  g_assert_finalize_object (plot);
}

static char *
model_path (const char *name)
{
  return g_build_filename (NRT_SOURCE_ROOT, "models", name, NULL);
}

static gboolean
have_soma_hh (void)
{
  g_autofree char *path = model_path ("soma-hh.nml");
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* (transfer none) The open toplevel titled title, or NULL. */
static GtkWindow *
find_window_titled (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (g_strcmp0 (gtk_window_get_title (w), title) == 0 && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static GtkWidget *
find_child_of_type (GtkWidget *widget,
                    GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_child_of_type (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Spins until the session has stopped and every trace of plot holds expected samples. */
static void
wait_for_run (NrtSession *session,
              NrtPlot    *plot,
              gsize       expected)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      gboolean done = !nrt_session_get_running (session);

      nrt_plot_update (plot);
      for (guint i = 0; done && i < nrt_plot_get_n_traces (plot); i++)
        done = nrt_plot_get_trace_data (plot, i, NULL, NULL) >= expected;
      if (done)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* The reference column name of a CSV header, or -1. */
static int
csv_column (char **header, const char *name)
{
  for (int i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], name))
      return i;
  return -1;
}

static void
graph_window_run_subprocess (void)
{
  g_autofree char *path = model_path ("soma-hh.nml");
  g_autofree char *ref_path = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference", "soma_hh.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;
  g_auto(GStrv) rows = NULL, header = NULL;
  NrtWindow *win = nrt_window_new (NULL);
  GtkWindow *graph, *current;
  NrtSession *session;
  NrtPlot *plot;
  const NrtModelData *data;
  const double *t, *v;
  gsize n, expected;
  int col_v, col_i;
  double max_err = 0, x0, x1, y0, y1;

  g_assert_true (nrt_window_load_file (win, file, &error));
  g_assert_no_error (error);
  session = nrt_window_get_session (win);
  g_assert_nonnull (session);
  data = nrt_model_get_data (nrt_session_get_model (session));

  graph = nrt_graph_window_new (win, NRT_GRAPH_VOLTAGE);
  current = nrt_graph_window_new (win, NRT_GRAPH_CURRENT);
  g_assert_true (NRT_IS_GRAPH_WINDOW (graph));
  plot = NRT_PLOT (nrt_graph_window_get_plot (NRT_GRAPH_WINDOW (graph)));
  g_assert_nonnull (gtk_window_get_title (graph));
  g_assert_nonnull (strstr (gtk_window_get_title (graph), data->name));

  /* NEURON's Voltage axis: 0…tstop × −80…40, plotting v(0.5) of the root section. */
  nrt_plot_get_view (plot, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (x0, ==, 0);
  g_assert_cmpfloat (x1, ==, data->settings.tstop);
  g_assert_cmpfloat (y0, ==, -80);
  g_assert_cmpfloat (y1, ==, 40);
  g_assert_cmpuint (nrt_plot_get_n_traces (plot), ==, 1);
  g_assert_cmpstr (nrt_plot_get_trace_label (plot, 0), ==, "soma(0.5).v");
  g_assert_cmpuint (nrt_plot_get_n_traces (NRT_PLOT (nrt_graph_window_get_plot (NRT_GRAPH_WINDOW (current)))), ==, 0);

  /* Plot what? by its action's function: a second variable, and a bad one refused. */
  g_assert_true (nrt_graph_window_add_expression (NRT_GRAPH_WINDOW (current), "IClamp[0].i", &error));
  g_assert_no_error (error);
  g_assert_false (nrt_graph_window_add_expression (NRT_GRAPH_WINDOW (current), "nowhere(0.5).v", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  {
    /* Plot what? lists every recordable, the root's v among them. */
    g_auto(GStrv) names = nrt_session_list_recordables (session);
    g_assert_true (g_strv_contains ((const char * const *) names, "soma(0.5).v"));
  }

  nrt_ui_test_show_and_wait (graph);
  nrt_ui_test_show_and_wait (current);

  /* Plot What? through its dialog: type, Enter, and the first match is plotted. */
  {
    NrtPlot *cplot = NRT_PLOT (nrt_graph_window_get_plot (NRT_GRAPH_WINDOW (current)));
    GtkWindow *dialog = NULL;
    GtkWidget *entry;
    gint64 until;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (current), "graph.plot-what", NULL));
    dialog = find_window_titled ("Plot What?");
    g_assert_nonnull (dialog);
    entry = find_child_of_type (GTK_WIDGET (dialog), GTK_TYPE_SEARCH_ENTRY);
    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "(0.5).ik");
    until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;   /* search-changed is delayed */
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
    nrt_ui_test_show_and_wait (dialog);
    nrt_ui_test_save_screenshot (GTK_WIDGET (dialog), "graph-plot-what.png");
    g_signal_emit_by_name (entry, "activate");
    g_assert_cmpuint (nrt_plot_get_n_traces (cplot), ==, 2);
    g_assert_cmpstr (nrt_plot_get_trace_label (cplot, 1), ==, "soma(0.5).ik");
    g_assert_null (find_window_titled ("Plot What?"));
  }

  nrt_session_run (session);
  expected = (gsize) llround (data->settings.tstop / data->settings.dt) + 1;
  wait_for_run (session, plot, expected);

  /* The graph's data equals the reference (neurite-cli's and NEURON's) trace. */
  g_assert_true (g_file_get_contents (ref_path, &ref, NULL, NULL));
  rows = g_strsplit (ref, "\n", -1);
  header = g_strsplit (rows[0], ",", -1);
  col_v = csv_column (header, "soma(0.5).v");
  col_i = csv_column (header, "IClamp[0].i");
  g_assert_cmpint (col_v, >, 0);
  n = nrt_plot_get_trace_data (plot, 0, &t, &v);
  g_assert_cmpuint (n, >=, expected);
  for (gsize r = 0; r < expected && rows[r + 1] != NULL && *rows[r + 1] != '\0'; r++)
    {
      g_auto(GStrv) f = g_strsplit (rows[r + 1], ",", -1);
      g_assert_cmpfloat_with_epsilon (t[r], g_ascii_strtod (f[0], NULL), 1e-9);
      max_err = MAX (max_err, fabs (v[r] - g_ascii_strtod (f[col_v], NULL)));
    }
  g_test_message ("graph vs tests/reference/soma_hh.csv: max |Δv| = %g mV over %" G_GSIZE_FORMAT " samples",
                  max_err, expected);
  g_assert_cmpfloat (max_err, <, 1e-6);

  /* The Current graph: the same samples, drawn at t − dt/2. */
  if (col_i > 0)
    {
      NrtPlot *cplot = NRT_PLOT (nrt_graph_window_get_plot (NRT_GRAPH_WINDOW (current)));
      wait_for_run (session, cplot, expected);
      n = nrt_plot_get_trace_data (cplot, 0, &t, &v);
      g_assert_cmpuint (n, >=, expected);
    }

  /* View = plot then exports of the run. */
  nrt_plot_view_fit (plot);
  nrt_plot_get_view (plot, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y1, >, 30);
  g_assert_cmpfloat (y0, <, -70);
  {
    g_autofree char *dir = g_dir_make_tmp ("nrt-graph-XXXXXX", NULL);
    const char *formats[] = { "csv", "png", "svg", "pdf" };
    for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
      {
        g_autofree char *name = g_strdup_printf ("g.%s", formats[i]);
        g_autofree char *out = g_build_filename (dir, name, NULL);
        g_assert_true (nrt_graph_window_export (NRT_GRAPH_WINDOW (graph), formats[i], out, &error));
        g_assert_no_error (error);
        g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
        g_unlink (out);
      }
    g_assert_false (nrt_graph_window_export (NRT_GRAPH_WINDOW (graph), "bmp", "/tmp/x.bmp", &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_clear_error (&error);
    g_rmdir (dir);
  }

  /* Layout persistence round trip. */
  {
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    GtkWindow *restored;
    double r0, r1, s0, s1;

    nrt_graph_window_save_state (graph, kf, "graph0");
    restored = nrt_graph_window_new_from_state (win, kf, "graph0");
    g_assert_nonnull (restored);
    nrt_plot_get_view (NRT_PLOT (nrt_graph_window_get_plot (NRT_GRAPH_WINDOW (restored))), &r0, &r1, &s0, &s1);
    g_assert_cmpfloat (r0, ==, x0);
    g_assert_cmpfloat (s1, ==, y1);
    g_assert_cmpuint (nrt_plot_get_n_traces (NRT_PLOT (nrt_graph_window_get_plot (NRT_GRAPH_WINDOW (restored)))), ==, 1);
    gtk_window_destroy (restored);
  }

  /* Keep Lines across a second run with a weaker stimulus: the first run stays, dimmed. */
  g_object_set (graph, "keep-lines", TRUE, NULL);
  g_assert_true (nrt_plot_get_keep_lines (plot));
  g_assert_true (nrt_model_set_point_process_param (nrt_session_get_model (session), 0, "amp", 0.3, &error));
  g_assert_no_error (error);
  nrt_session_run (session);
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (nrt_plot_get_n_kept (plot) == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        nrt_plot_update (plot);
        g_main_context_iteration (NULL, FALSE);
      }
  }
  wait_for_run (session, plot, expected);
  g_assert_cmpuint (nrt_plot_get_n_kept (plot), ==, 1);
  n = nrt_plot_get_trace_data (plot, 0, &t, &v);
  {
    double peak = -G_MAXDOUBLE;
    for (gsize r = 0; r < n; r++)
      peak = MAX (peak, v[r]);
    g_test_message ("second run (amp 0.3 nA): peak %g mV", peak);
  }

  /* Screenshots, light and dark. */
  nrt_plot_set_view (plot, 0, data->settings.tstop, -80, 40);
  gtk_window_set_default_size (graph, 760, 480);
  nrt_ui_test_show_and_wait (graph);
  nrt_plot_point_at (plot, 3.5, 20);
  nrt_ui_test_show_and_wait (graph);
  nrt_ui_test_save_screenshot (GTK_WIDGET (graph), "graph-light.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  nrt_ui_test_show_and_wait (graph);
  nrt_ui_test_save_screenshot (GTK_WIDGET (graph), "graph-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  nrt_ui_test_show_and_wait (current);
  nrt_ui_test_save_screenshot (GTK_WIDGET (current), "graph-current.png");

  /* Erase, through the window's action, drops the kept lines. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (graph), "graph.erase", NULL));
  g_assert_cmpuint (nrt_plot_get_n_kept (plot), ==, 0);

  /* The x range follows Tstop. */
  {
    NrtRunSettings settings = data->settings;
    settings.tstop = 25;
    g_assert_true (nrt_model_set_settings (nrt_session_get_model (session), &settings, &error));
    g_assert_no_error (error);
    nrt_plot_get_view (plot, &x0, &x1, &y0, &y1);
    g_assert_cmpfloat (x0, ==, 0);
    g_assert_cmpfloat (x1, ==, 25);
  }

  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_test_subprocess ())
    adw_init ();

  g_test_add_func ("/ui/graph/nice-ticks", test_nice_ticks);
  g_test_add_func ("/ui/graph/fit-range", test_fit_range);
  g_test_add_func ("/ui/graph/render-sine", test_render_sine);
  g_test_add_func ("/ui/graph/render-spike", test_render_spike);
  g_test_add_func ("/ui/graph/write-images", test_write_images);
  NRT_UI_ADD_TRAPPED ("/ui/graph/plot-csv-and-fit", plot_csv_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/graph/plot-keep-lines", plot_keep_lines_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/graph/window-run", graph_window_run_subprocess, have_soma_hh,
               "models/soma-hh.nml is missing");

  return g_test_run ();
}

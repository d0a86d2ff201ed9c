/* test-shape.c: the shape view, the Shape plot window (Shape/Time/Space Plot) and Movie Run,
 * under Xvfb: the lab's Parts 2 and 3 against NEURON, colours from frames, pacing, screenshots.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "nrt-ui-test.h"
#include "nrt-graph-window.h"
#include "nrt-movie-run.h"
#include "nrt-plot.h"
#include "nrt-point-manager.h"
#include "nrt-shape-plot.h"
#include "nrt-shape-view.h"
#include "nrt-window-private.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static char *
model_path (const char *name)
{
  return g_build_filename (NRT_SOURCE_ROOT, "models", name, NULL);
}

static char *
reference_path (const char *name)
{
  return g_build_filename (NRT_SOURCE_ROOT, "tests", "reference", name, NULL);
}

static NrtWindow *
open_model (const char *name)
{
  NrtWindow *window = nrt_window_new (NULL);
  g_autofree char *path = model_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (nrt_window_load_file (window, file, &error));
  g_assert_no_error (error);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));
  return window;
}

static void
wait_idle (NrtSession *session)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  /* A queued command makes the session busy at once; spin until the worker reports idle. */
  while (nrt_session_get_busy (session))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
      if (g_get_monotonic_time () > deadline)
        g_error ("session still busy after 120 s");
    }
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
spin_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

/* The CSV as columns: header names in *names, values column-major. */
static GPtrArray *
read_csv (const char *path, GStrv *names)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *cols = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  guint ncol;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  *names = g_strsplit (lines[0], ",", -1);
  ncol = g_strv_length (*names);
  for (guint c = 0; c < ncol; c++)
    g_ptr_array_add (cols, g_array_new (FALSE, FALSE, sizeof (double)));
  for (int l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = NULL;

      if (*lines[l] == '\0')
        continue;
      cells = g_strsplit (lines[l], ",", -1);
      g_assert_cmpuint (g_strv_length (cells), ==, ncol);
      for (guint c = 0; c < ncol; c++)
        {
          double v = g_ascii_strtod (cells[c], NULL);
          g_array_append_val ((GArray *) g_ptr_array_index (cols, c), v);
        }
    }
  return cols;
}

static NrtShapePlot *
open_shape_plot (NrtWindow *window)
{
  NrtShapePlot *plot;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.shape-plot", NULL);
  plot = NRT_SHAPE_PLOT (_nrt_window_find_tool (window, NRT_TYPE_SHAPE_PLOT));
  g_assert_nonnull (plot);
  gtk_window_set_default_size (GTK_WINDOW (plot), 900, 640);
  nrt_ui_test_show_and_wait (GTK_WINDOW (plot));
  return plot;
}

/* Drags on the shape from a(xa) to b(xb), as the user does in Space Plot mode. */
static void
drag_space_plot (NrtShapePlot *plot, const char *a, double xa, const char *b, double xb)
{
  NrtShapeView *view = nrt_shape_plot_get_view (plot);
  double x0, y0, x1, y1;

  nrt_shape_plot_set_mode (plot, NRT_SHAPE_PLOT_MODE_SPACE);
  g_assert_true (nrt_shape_view_location_to_widget (view, a, xa, &x0, &y0));
  g_assert_true (nrt_shape_view_location_to_widget (view, b, xb, &x1, &y1));
  g_assert_true (nrt_shape_view_drag_path (view, x0, y0, x1, y1));
}

/* Init, then Continue for 1 ms until t = 5 ms; at t = 2..5 the space plot's data must equal
 * the reference's columns v_t2..v_t5 (x_scale converts the reference's x to µm, 0 when its
 * first column is already a distance).  Returns the worst |Δv|. */
static double
run_and_compare (NrtWindow *window, NrtShapePlot *plot, const char *reference, double x_scale)
{
  NrtSession *session = nrt_window_get_session (window);
  g_autofree char *path = reference_path (reference);
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) cols = read_csv (path, &names);
  GArray *ref_x = g_ptr_array_index (cols, 0);
  double worst = 0, worst_x = 0;

  nrt_session_init (session);
  wait_idle (session);
  for (int step = 1; step <= 5; step++)
    {
      const double *x, *y;
      gsize n;

      nrt_session_continue_for (session, 1);
      wait_idle (session);
      nrt_shape_plot_update (plot);
      g_assert_cmpfloat_with_epsilon (nrt_session_get_t (session), step, 1e-9);
      if (step < 2)
        continue;
      n = nrt_shape_plot_get_space_data (plot, &x, &y);
      g_assert_cmpuint (n, ==, ref_x->len);
      for (gsize i = 0; i < n; i++)
        {
          GArray *ref_v = g_ptr_array_index (cols, step - 1);
          double rx = g_array_index (ref_x, double, i) * (x_scale > 0 ? x_scale : 1);

          worst_x = MAX (worst_x, fabs (x[i] - rx));
          worst = MAX (worst, fabs (y[i] - g_array_index (ref_v, double, i)));
        }
    }
  g_test_message ("%s: %u points, max |Δv| = %.3g mV, max |Δx| = %.3g µm", reference,
                  ref_x->len, worst, worst_x);
  g_assert_cmpfloat (worst_x, <=, 1e-2);   /* the reference x has 15 digits × L */
  g_assert_cmpfloat (worst, <=, 1e-3);
  return worst;
}

/* ---- the pure parts --------------------------------------------------------------------- */

static void
test_snap_and_colormap (void)
{
  GdkRGBA lo, hi, grey;

  g_assert_cmpfloat (nrt_shape_snap_x (43, 0.1), ==, 4.5 / 43);
  g_assert_cmpfloat (nrt_shape_snap_x (43, 0), ==, 0);
  g_assert_cmpfloat (nrt_shape_snap_x (43, 1), ==, 1);
  g_assert_cmpfloat (nrt_shape_snap_x (1, 0.3), ==, 0.5);

  /* Purple at the low end, yellow at the high end, in both variants; grey for none. */
  for (int dark = 0; dark <= 1; dark++)
    {
      nrt_shape_colormap (0, dark, &lo);
      nrt_shape_colormap (1, dark, &hi);
      g_assert_cmpfloat (lo.blue, >, lo.green);
      g_assert_cmpfloat (lo.blue, >, 0.4);
      g_assert_cmpfloat (hi.red, >, 0.9);
      g_assert_cmpfloat (hi.green, >, 0.75);
      g_assert_cmpfloat (hi.blue, <, 0.3);
    }
  nrt_shape_colormap (NAN, FALSE, &grey);
  g_assert_cmpfloat (fabs (grey.red - grey.green), <, 0.02);
}

/* The renderer draws every segment in its value's colour on an image surface. */
static void
test_render_values (void)
{
  g_autoptr(NrtModel) model = nrt_model_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtShapeGeometry) geom = NULL;
  NrtShapeCamera cam;
  NrtShapeStyle style = { 0 };
  cairo_surface_t *surface;
  cairo_t *cr;
  double values[5] = { -80, -50, NAN, 10, 40 };
  int width = 400, height = 200;

  g_assert_cmpint (nrt_model_add_section (model, "axon", NULL, 0, 1000, 20, &error), >=, 0);
  g_assert_true (nrt_model_set_section_nseg (model, "axon", 5, &error));
  geom = nrt_shape_geometry_new (nrt_model_get_data (model));
  g_assert_cmpuint (nrt_shape_geometry_get_n_segments (geom), ==, 5);

  nrt_shape_camera_init (&cam);
  nrt_shape_camera_fit (&cam, geom, width, height);
  style.show_diam = TRUE;
  style.fg = (GdkRGBA) { 0, 0, 0, 1 };
  style.bg = (GdkRGBA) { 1, 1, 1, 1 };
  style.values = values;
  style.lo = -80;
  style.hi = 40;
  style.hover_section = -1;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  nrt_shape_render (cr, width, height, geom, &cam, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  for (int k = 0; k < 5; k++)
    {
      double p[3], wx, wy;
      GdkRGBA want;
      guint32 px;
      unsigned char *data = cairo_image_surface_get_data (surface);
      int stride = cairo_image_surface_get_stride (surface);

      g_assert_true (nrt_shape_geometry_point_at (geom, 0, (k + 0.5) / 5, p));
      nrt_shape_camera_project (&cam, width, height, p, &wx, &wy);
      px = *(guint32 *) (data + (int) wy * stride + 4 * (int) wx);
      nrt_shape_colormap (isfinite (values[k]) ? (values[k] + 80) / 120 : NAN, FALSE, &want);
      g_assert_cmpint (abs ((int) ((px >> 16) & 0xff) - (int) round (want.red * 255)), <=, 2);
      g_assert_cmpint (abs ((int) ((px >> 8) & 0xff) - (int) round (want.green * 255)), <=, 2);
      g_assert_cmpint (abs ((int) (px & 0xff) - (int) round (want.blue * 255)), <=, 2);
    }
  cairo_surface_destroy (surface);
}

/* ---- Part 2: squid axon ------------------------------------------------------------------ */

static void
lab_part2_subprocess (void)
{
  NrtWindow *window = open_model ("squid-axon.nml");
  NrtModel *model = nrt_window_get_model (window);
  g_autoptr(GError) error = NULL;
  NrtShapePlot *plot;
  NrtPointManager *manager;
  NrtShapeView *pm_shape;
  double wx, wy, w300, w2;
  const NrtPointProcess *pp;

  /* The file's IClamp at axon(0.5), 300 nA. */
  g_assert_true (nrt_model_set_point_process_param (model, 0, "amp", 300, &error));
  g_assert_no_error (error);

  plot = open_shape_plot (window);
  drag_space_plot (plot, "axon", 0, "axon", 1);
  w300 = run_and_compare (window, plot, "squid_axon_300nA_space.csv", 20000);
  g_test_message ("Part 2, 300 nA: space plot max |Δv| vs NEURON = %.3g mV", w300);
  nrt_ui_test_show_and_wait (GTK_WINDOW (plot));
  nrt_ui_test_save_screenshot (GTK_WIDGET (plot), "shape-space-plot.png");

  /* Two clamps of 150 nA at 0.1 and 0.9: the first moved there by a click on the Point
   * Manager's shape, the second added and clicked to 0.9. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-manager", NULL);
  manager = NRT_POINT_MANAGER (_nrt_window_find_tool (window, NRT_TYPE_POINT_MANAGER));
  g_assert_nonnull (manager);
  nrt_ui_test_show_and_wait (GTK_WINDOW (manager));
  pm_shape = NRT_SHAPE_VIEW (nrt_point_manager_get_shape (manager));
  g_assert_true (nrt_shape_view_location_to_widget (pm_shape, "axon", 0.1, &wx, &wy));
  g_assert_true (nrt_shape_view_click (pm_shape, wx, wy));
  pp = g_ptr_array_index (nrt_model_get_data (model)->point_processes, 0);
  g_test_message ("click at axon(0.1) placed IClamp[0] at x = %.9g", pp->x);
  /* Snapped to the node: the centre of segment int(0.1·43) = 4. */
  g_assert_cmpfloat (fabs (nrt_shape_snap_x (43, pp->x) - 4.5 / 43), <, 1e-12);
  g_assert_true (nrt_model_set_point_process_param (model, 0, "amp", 150, &error));
  g_assert_cmpint (nrt_model_add_point_process (model, "IClamp", "axon", 0.9, &error), ==, 1);
  g_assert_true (nrt_model_set_point_process_param (model, 1, "del", 1, &error));
  g_assert_true (nrt_model_set_point_process_param (model, 1, "dur", 1, &error));
  g_assert_true (nrt_model_set_point_process_param (model, 1, "amp", 150, &error));
  g_assert_no_error (error);

  w2 = run_and_compare (window, plot, "squid_axon_2clamps_space.csv", 20000);
  g_test_message ("Part 2, two clamps: space plot max |Δv| vs NEURON = %.3g mV", w2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- Part 3: stylized cell, axon(1) → ap[2](1) ------------------------------------------ */

static gboolean
have_stylized_space (void)
{
  g_autofree char *ref = reference_path ("stylized_cell_space.csv");
  g_autofree char *model = model_path ("stylized-cell.nml");

  return g_file_test (ref, G_FILE_TEST_EXISTS) && g_file_test (model, G_FILE_TEST_EXISTS);
}

static void
lab_part3_subprocess (void)
{
  NrtWindow *window = open_model ("stylized-cell.nml");
  NrtRunSettings settings;
  g_autoptr(GError) error = NULL;
  NrtShapePlot *plot;
  double worst;

  settings = nrt_model_get_data (nrt_window_get_model (window))->settings;
  settings.tstop = 10;
  g_assert_true (nrt_model_set_settings (nrt_window_get_model (window), &settings, &error));
  plot = open_shape_plot (window);
  drag_space_plot (plot, "axon", 1, "ap[2]", 1);
  worst = run_and_compare (window, plot, "stylized_cell_space.csv", 0);
  g_test_message ("Part 3: axon(1) → ap[2](1) max |Δv| vs NEURON = %.3g mV", worst);
  nrt_ui_test_show_and_wait (GTK_WINDOW (plot));
  nrt_ui_test_save_screenshot (GTK_WIDGET (plot), "shape-space-plot-part3.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- Shape Plot colours follow the frame ------------------------------------------------ */

static void
shape_colors_subprocess (void)
{
  NrtWindow *window = open_model ("squid-axon.nml");
  NrtModel *model = nrt_window_get_model (window);
  NrtSession *session = nrt_window_get_session (window);
  g_autoptr(GError) error = NULL;
  NrtShapePlot *plot;
  NrtShapeView *view;
  cairo_surface_t *surface;
  double hottest = -1e9, hot_x = 0, coldest = 1e9, cold_x = 0;
  int width = 900, height = 400;

  g_assert_true (nrt_model_set_point_process_param (model, 0, "amp", 300, &error));
  plot = open_shape_plot (window);
  view = nrt_shape_plot_get_view (plot);
  nrt_session_init (session);
  wait_idle (session);
  nrt_session_continue_for (session, 3);
  wait_idle (session);
  g_assert_true (nrt_shape_plot_update (plot) || nrt_shape_view_get_n_frames (view) > 0);

  /* The spike's crest and the quietest place, from the view's values. */
  for (int k = 0; k < 43; k++)
    {
      double v = nrt_shape_view_get_value (view, "axon", (k + 0.5) / 43);
      if (v > hottest)
        hottest = v, hot_x = (k + 0.5) / 43;
      if (v < coldest)
        coldest = v, cold_x = (k + 0.5) / 43;
    }
  g_test_message ("t = 3 ms: hottest %.2f mV at axon(%.3f), coldest %.2f mV at axon(%.3f)",
                  hottest, hot_x, coldest, cold_x);
  g_assert_cmpfloat (hottest, >, 0);

  surface = nrt_shape_view_render_surface (view, width, height);
  {
    unsigned char *data = cairo_image_surface_get_data (surface);
    int stride = cairo_image_surface_get_stride (surface);
    double wx, wy;
    guint32 px;
    GdkRGBA want;

    cairo_surface_flush (surface);
    /* render_surface fits when the view has its own size: use the widget mapping scaled. */
    g_assert_true (nrt_shape_view_location_to_widget (view, "axon", hot_x, &wx, &wy));
    wx *= (double) width / gtk_widget_get_width (GTK_WIDGET (view));
    wy *= (double) height / gtk_widget_get_height (GTK_WIDGET (view));
    (void) wx;
    (void) wy;
    /* Sample at the axon's centre line of this surface: find the hot segment's column. */
    {
      g_autoptr(NrtShapeGeometry) geom = nrt_shape_geometry_new (nrt_model_get_data (model));
      NrtShapeCamera cam;
      double p[3], sx, sy;

      nrt_shape_camera_init (&cam);
      nrt_shape_camera_fit (&cam, geom, width, height);
      g_assert_true (nrt_shape_geometry_point_at (geom, 0, hot_x, p));
      nrt_shape_camera_project (&cam, width, height, p, &sx, &sy);
      px = *(guint32 *) (data + (int) sy * stride + 4 * (int) sx);
      nrt_shape_colormap ((hottest + 80) / 120, FALSE, &want);
      g_test_message ("hot pixel #%06x, expected ≈ #%02x%02x%02x", px & 0xffffff,
                      (int) (want.red * 255), (int) (want.green * 255), (int) (want.blue * 255));
      /* Hot: orange to yellow (red high, blue low). */
      g_assert_cmpint ((px >> 16) & 0xff, >, 200);
      g_assert_cmpint (px & 0xff, <, 120);
      g_assert_true (nrt_shape_geometry_point_at (geom, 0, cold_x, p));
      nrt_shape_camera_project (&cam, width, height, p, &sx, &sy);
      px = *(guint32 *) (data + (int) sy * stride + 4 * (int) sx);
      /* Cold: purple (blue above green). */
      g_assert_cmpint (px & 0xff, >, (px >> 8) & 0xff);
    }
  }
  cairo_surface_destroy (surface);

  nrt_ui_test_show_and_wait (GTK_WINDOW (plot));
  nrt_ui_test_save_screenshot (GTK_WIDGET (plot), "shape-plot-spike.png");

  /* Plot what? m_hh: the next frame holds m, in [0, 1], and the space plot follows. */
  {
    g_autoptr(GError) verror = NULL;
    double m;

    g_assert_true (nrt_shape_plot_set_variable (plot, "m_hh", &verror));
    g_assert_no_error (verror);
    nrt_shape_plot_set_scale (plot, 0, 1);
    nrt_session_continue_for (session, 0.5);
    wait_idle (session);
    nrt_shape_plot_update (plot);
    m = nrt_shape_view_get_value (view, "axon", hot_x);
    g_test_message ("m_hh at axon(%.3f), t = 3.5 ms: %.4f", hot_x, m);
    g_assert_cmpfloat (m, >=, 0);
    g_assert_cmpfloat (m, <=, 1);
    g_assert_false (nrt_shape_plot_set_variable (plot, "no_such_var", &verror));
    g_assert_nonnull (verror);
    nrt_ui_test_show_and_wait (GTK_WINDOW (plot));
    nrt_ui_test_save_screenshot (GTK_WIDGET (plot), "shape-plot-m_hh.png");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- Time Plot -------------------------------------------------------------------------- */

static void
time_plot_subprocess (void)
{
  NrtWindow *window = open_model ("stylized-cell.nml");
  NrtSession *session = nrt_window_get_session (window);
  NrtShapePlot *plot = open_shape_plot (window);
  NrtShapeView *view = nrt_shape_plot_get_view (plot);
  GtkWindow *graph;
  GtkWidget *gplot;
  double wx, wy;

  nrt_shape_plot_set_mode (plot, NRT_SHAPE_PLOT_MODE_TIME);
  g_assert_null (nrt_shape_plot_get_time_graph (plot));
  g_assert_true (nrt_shape_view_location_to_widget (view, "ap[1]", 0.9, &wx, &wy));
  g_assert_true (nrt_shape_view_click (view, wx, wy));
  graph = nrt_shape_plot_get_time_graph (plot);
  g_assert_nonnull (graph);
  g_assert_true (nrt_shape_view_location_to_widget (view, "axon", 0.7, &wx, &wy));
  g_assert_true (nrt_shape_view_click (view, wx, wy));
  g_assert_true (nrt_shape_plot_get_time_graph (plot) == graph);
  gplot = nrt_graph_window_get_plot (NRT_GRAPH_WINDOW (graph));
  /* The graph's own soma(0.5).v, then the two clicks. */
  g_assert_cmpuint (nrt_plot_get_n_traces (NRT_PLOT (gplot)), ==, 3);
  g_test_message ("time plot traces: %s, %s", nrt_plot_get_trace_label (NRT_PLOT (gplot), 1),
                  nrt_plot_get_trace_label (NRT_PLOT (gplot), 2));
  g_assert_nonnull (strstr (nrt_plot_get_trace_label (NRT_PLOT (gplot), 1), "ap[1]("));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.init-run", NULL);
  spin_for (0.05);
  wait_idle (session);
  nrt_ui_test_show_and_wait (GTK_WINDOW (plot));
  nrt_ui_test_save_screenshot (GTK_WIDGET (plot), "shape-time-plot.png");
  nrt_ui_test_show_and_wait (graph);
  nrt_ui_test_save_screenshot (GTK_WIDGET (graph), "shape-time-plot-graph.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- Movie Run -------------------------------------------------------------------------- */

static void
movie_run_subprocess (void)
{
  NrtWindow *window = open_model ("squid-axon.nml");
  NrtSession *session = nrt_window_get_session (window);
  NrtMovieRun *movie;
  NrtShapePlot *plot = open_shape_plot (window);
  double t1;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.movie-run", NULL);
  movie = NRT_MOVIE_RUN (_nrt_window_find_tool (window, NRT_TYPE_MOVIE_RUN));
  g_assert_nonnull (movie);
  nrt_ui_test_show_and_wait (GTK_WINDOW (movie));

  /* 40 points per ms, 0.01 s per step: 0.025 ms per 0.01 s = 2.5 ms of model per second. */
  g_assert_cmpfloat_with_epsilon (nrt_movie_run_get_seconds_per_step (movie), 0.01, 1e-15);
  g_assert_cmpfloat_with_epsilon (nrt_movie_run_get_pace (movie), 2.5, 1e-12);
  g_assert_false (nrt_movie_run_set_seconds_per_step (movie, 0.0005));

  nrt_movie_run_start (movie);
  g_assert_true (nrt_movie_run_get_playing (movie));
  spin_for (0.3);
  /* Paced: at 2.5 ms/s the 50 ms run takes 20 s; it is still going. */
  g_assert_true (nrt_session_get_running (session) || nrt_session_get_busy (session));
  /* A parameter edit mid-movie takes effect. */
  g_assert_true (nrt_movie_run_set_seconds_per_step (movie, 0.005));
  g_assert_cmpfloat_with_epsilon (nrt_movie_run_get_pace (movie), 5, 1e-12);
  spin_for (0.2);
  nrt_shape_plot_update (plot);
  nrt_ui_test_show_and_wait (GTK_WINDOW (movie));
  nrt_ui_test_save_screenshot (GTK_WIDGET (movie), "movie-run.png");

  nrt_movie_run_stop (movie);
  g_assert_false (nrt_movie_run_get_playing (movie));
  wait_idle (session);
  g_assert_false (nrt_session_get_running (session));
  t1 = nrt_session_get_t (session);
  g_test_message ("stopped at t = %.3f ms", t1);
  g_assert_cmpfloat (t1, <, 50);

  /* After the movie the session runs flat out again: a plain run reaches Tstop at once. */
  nrt_session_run (session);
  wait_idle (session);
  g_assert_cmpfloat_with_epsilon (nrt_session_get_t (session), 50, 1e-6);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- interaction: rotate, zoom, pick ---------------------------------------------------- */

static void
view_interaction_subprocess (void)
{
  NrtWindow *window = open_model ("stylized-cell.nml");
  NrtShapePlot *plot = open_shape_plot (window);
  NrtShapeView *view = nrt_shape_plot_get_view (plot);
  double wx, wy, x = -1, wx2, wy2;
  const char *sec;

  g_assert_true (nrt_shape_view_location_to_widget (view, "ap[0]", 0.5, &wx, &wy));
  sec = nrt_shape_view_pick (view, wx, wy, &x);
  g_assert_cmpstr (sec, ==, "ap[0]");
  g_assert_cmpfloat (fabs (x - 0.5), <, 0.5);

  /* Zoom about a point keeps that point where it is. */
  nrt_shape_view_zoom (view, 2.0, wx, wy);
  g_assert_true (nrt_shape_view_location_to_widget (view, "ap[0]", 0.5, &wx2, &wy2));
  g_assert_cmpfloat (fabs (wx2 - wx), <, 1e-6);
  g_assert_cmpfloat (fabs (wy2 - wy), <, 1e-6);

  /* Looking along x flattens a cell drawn in the xy plane onto a vertical line. */
  nrt_shape_view_axis_view (view, 'x');
  nrt_ui_test_show_and_wait (GTK_WINDOW (plot));
  {
    double ax, ay, bx, by;
    g_assert_true (nrt_shape_view_location_to_widget (view, "axon", 1, &ax, &ay));
    g_assert_true (nrt_shape_view_location_to_widget (view, "ap[1]", 1, &bx, &by));
    g_assert_cmpfloat (fabs (ax - bx), <, 1e-6);
  }
  nrt_shape_view_axis_view (view, 'z');
  nrt_shape_view_rotate (view, 1, 30);
  nrt_shape_view_fit (view);
  nrt_ui_test_show_and_wait (GTK_WINDOW (plot));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Label placement, geometrically: a free label goes right of its marker and above; a label
 * whose first place a neurite crosses, or another label takes, moves to a clear one beside
 * its marker; labels stay inside the area; the result does not depend on anything but the
 * input. */
static void
test_label_placement (void)
{
  /* The Point Manager's crowded corner: a soma line with a branch going down-left, two
   * markers 40 px apart, a branch up-right from the second junction. */
  const NrtShapeSegment segs[] = {
    { 250, 347, 373, 347, 1 },      /* soma → ap[0] */
    { 250, 347, 194, 377, 1 },      /* bas */
    { 250, 347, 36, 226, 1 },       /* axon */
    { 373, 347, 452, 300, 1 },      /* ap[1], up-right */
    { 373, 347, 504, 422, 1 },      /* ap[2] */
  };
  NrtShapeLabel one = { 100, 100, 60, 16, 0, 0 };
  NrtShapeLabel crossed = { 413, 323, 70, 16, 0, 0 };
  NrtShapeLabel edge = { 590, 200, 80, 16, 0, 0 };
  NrtShapeLabel crowd[3] = {
    { 249, 347, 64, 17, 0, 0 },     /* IClamp[0] */
    { 212, 367, 110, 17, 0, 0 },    /* AlphaSynapse[0] */
    { 450, 392, 72, 17, 0, 0 },     /* ExpSyn[1] */
  };
  NrtShapeLabel again[3];

  /* Nothing around: right of the marker, above it. */
  nrt_shape_place_labels (&one, 1, NULL, 0, 600, 500);
  g_assert_cmpfloat (one.x, ==, 110);
  g_assert_cmpfloat (one.y, ==, 100 - 8 - 16);

  /* ap[1] runs through the first place (right and above): the label goes elsewhere, clear. */
  g_assert_cmpfloat (nrt_shape_label_cost (crossed.ax + 10, crossed.ay - 8 - 16, 70, 16, NULL, 0,
                                           &crossed, 1, segs, G_N_ELEMENTS (segs), 600, 500),
                     >, 1);
  nrt_shape_place_labels (&crossed, 1, segs, G_N_ELEMENTS (segs), 600, 500);
  g_assert_cmpfloat (nrt_shape_label_cost (crossed.x, crossed.y, 70, 16, NULL, 0, &crossed, 1,
                                           segs, G_N_ELEMENTS (segs), 600, 500), ==, 0);

  /* On a thick soma (Show Diam: 78 px long, 390 px across, the marker at its middle): the
   * label clears the soma's square end instead of lying on it. */
  {
    const NrtShapeSegment soma = { 231, 347, 309, 347, 195 };
    NrtShapeLabel on_soma = { 270, 347, 66, 17, 0, 0 };

    nrt_shape_place_labels (&on_soma, 1, &soma, 1, 600, 700);
    g_assert_cmpfloat (nrt_shape_label_cost (on_soma.x, on_soma.y, 66, 17, NULL, 0, &on_soma, 1,
                                             &soma, 1, 600, 700), ==, 0);
    g_assert_true (on_soma.x >= 309 || on_soma.x + 66 <= 231);
  }

  /* At the right edge: to the left, inside. */
  nrt_shape_place_labels (&edge, 1, NULL, 0, 600, 500);
  g_assert_cmpfloat (edge.x + edge.w, <=, 600);
  g_assert_cmpfloat (edge.x + edge.w, <=, edge.ax);

  /* Three labels among five neurites: each clear of the neurites, of every marker and of the
   * others, and near its own marker. */
  memcpy (again, crowd, sizeof crowd);
  nrt_shape_place_labels (crowd, 3, segs, G_N_ELEMENTS (segs), 600, 500);
  for (guint i = 0; i < 3; i++)
    {
      const NrtShapeLabel *l = &crowd[i];
      double dx = MAX (MAX (l->x - l->ax, l->ax - (l->x + l->w)), 0);
      double dy = MAX (MAX (l->y - l->ay, l->ay - (l->y + l->h)), 0);

      g_assert_cmpfloat (nrt_shape_label_cost (l->x, l->y, l->w, l->h, NULL, 0, crowd, 3, segs,
                                               G_N_ELEMENTS (segs), 600, 500), ==, 0);
      g_assert_cmpfloat (hypot (dx, dy), <, 40);
      for (guint j = 0; j < 3; j++)
        if (j != i)
          g_assert_cmpfloat (nrt_shape_label_cost (l->x, l->y, l->w, l->h, &crowd[j], 1, NULL, 0,
                                                   NULL, 0, 600, 500), ==, 0);
    }
  /* Deterministic. */
  nrt_shape_place_labels (again, 3, segs, G_N_ELEMENTS (segs), 600, 500);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpfloat (again[i].x, ==, crowd[i].x);
      g_assert_cmpfloat (again[i].y, ==, crowd[i].y);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_test_subprocess ())
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      adw_init ();
      gtk_css_provider_load_from_resource (css, "/io/github/neurite/Neurite/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }

  g_test_add_func ("/shape/snap-and-colormap", test_snap_and_colormap);
  g_test_add_func ("/shape/render-values", test_render_values);
  g_test_add_func ("/shape/label-placement", test_label_placement);
  NRT_UI_ADD_TRAPPED ("/ui/shape/view-interaction", view_interaction_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/shape/colors-follow-frame", shape_colors_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/shape/lab-part2", lab_part2_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/shape/lab-part3", lab_part3_subprocess, have_stylized_space,
                      "tests/reference/stylized_cell_space.csv is missing");
  NRT_UI_ADD_TRAPPED ("/ui/shape/time-plot", time_plot_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/shape/movie-run", movie_run_subprocess);

  return g_test_run ();
}

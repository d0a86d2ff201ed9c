/* test-window.c: the main window under Xvfb: title, drawing, undo, errors, close and quit.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything that spins the main loop runs in a g_test_trap_subprocess with a timeout, so a
 * hang fails the test instead of blocking the suite.
 */
#include <adwaita.h>
#include <glib/gstdio.h>

#include <math.h>
#include <string.h>

#include "nrt-ui-test.h"
#include "nrt-cell-builder.h"
#include "nrt-cell-builder-private.h"
#include "nrt-globals.h"
#include "nrt-channel-builder.h"
#include "nrt-graph-window.h"
#include "nrt-movie-run.h"
#include "nrt-point-manager.h"
#include "nrt-neuroml.h"
#include "nrt-number-entry.h"
#include "nrt-run-control.h"
#include "nrt-shape-plot.h"
#include "nrt-shape-view.h"
#include "nrt-window-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtModelData, nrt_model_data_free)


/* ---- helpers ---------------------------------------------------------------------- */

static NrtModel *
stylized_cell (void)
{
  g_autoptr(GError) error = NULL;
  NrtModel *model = nrt_model_new ();

  g_assert_true (nrt_model_set_name (model, "stylized_cell", &error));
  g_assert_cmpint (nrt_model_add_section (model, "soma", NULL, 0, 18.8, 18.8, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "ap[0]", "soma", 1, 500, 2, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "ap[1]", "ap[0]", 1, 500, 1.5, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "ap[2]", "ap[0]", 1, 500, 1.5, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "bas", "soma", 0, 200, 3, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "axon", "soma", 0, 1000, 1, &error), >=, 0);
  g_assert_no_error (error);
  nrt_model_clear_history (model);
  nrt_model_mark_saved (model);
  return model;
}

static void
spin_briefly (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* (transfer full) The widget as it looks now, rendered by its window's own renderer. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);

  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_assert_nonnull (renderer);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
}

/* Pixels of the texture that are opaque and clearly blue, the accent colour of the sticks. */
static guint
count_accent_pixels (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture);
  int h = gdk_texture_get_height (texture);
  gsize stride = 4 * (gsize) w;
  g_autofree guchar *data = g_malloc (stride * h);
  guint n = 0;

  /* CAIRO_FORMAT_ARGB32 layout: native-endian 0xAARRGGBB, premultiplied. */
  gdk_texture_download (texture, data, stride);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x);
        guint a = px >> 24, r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        if (a > 200 && b > 150 && b > r + 80 && b > g + 40)
          n++;
      }
  return n;
}

/* ---- tests -------------------------------------------------------------------------- */

/* A test whose body runs in a subprocess with a timeout, after an optional precondition. */
static void
title_subprocess (void)
{
  g_autoptr(NrtModel) model = stylized_cell ();
  g_autoptr(GFile) file = g_file_new_for_path ("/tmp/stylized-cell.nml");
  g_autoptr(GError) error = NULL;
  NrtWindow *window;
  AdwWindowTitle *title;

  window = nrt_window_new (NULL);
  nrt_window_set_model (window, model, file);
  title = _nrt_window_get_window_title (window);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));

  /* The header shows the model's name, the file and no modified mark. */
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "stylized_cell");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "stylized-cell.nml");
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "stylized_cell"));
  g_assert_cmpstr (gtk_label_get_text (_nrt_window_get_summary (window)), ==,
                   "6 sections · 6 segments");

  /* An edit shows at once, marks the file modified and enables undo... */
  g_assert_true (nrt_model_set_name (model, "renamed", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "renamed");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "• stylized-cell.nml");

  /* ...and win.undo takes it back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "stylized_cell");
  g_assert_false (nrt_model_can_undo (model));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "renamed");

  /* Sections added through the model appear in the summary. */
  g_assert_cmpint (nrt_model_add_section (model, "dend", "soma", 0.5, 100, 1, &error), >=, 0);
  g_assert_cmpstr (gtk_label_get_text (_nrt_window_get_summary (window)), ==,
                   "7 sections · 7 segments");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
draw_subprocess (void)
{
  g_autoptr(NrtModel) model = stylized_cell ();
  g_autoptr(NrtModel) empty = nrt_model_new ();
  g_autoptr(GdkTexture) view = NULL;
  g_autoptr(GdkTexture) whole = NULL;
  g_autoptr(GdkTexture) blank = NULL;
  g_autofree char *path = nrt_ui_test_screenshot_path ("main-window.png");
  NrtWindow *window;
  GtkWidget *stick_view;

  window = nrt_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 680);
  nrt_window_set_model (window, model, NULL);
  stick_view = GTK_WIDGET (_nrt_window_get_stick_view (window));
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));

  g_assert_true (nrt_stick_view_get_model (NRT_STICK_VIEW (stick_view)) == model);
  g_assert_cmpint (gtk_widget_get_width (stick_view), >, 300);
  g_assert_cmpint (gtk_widget_get_height (stick_view), >, 200);

  /* The cell is drawn: thousands of accent-coloured pixels in the view. */
  view = render_widget (stick_view);
  g_assert_cmpuint (count_accent_pixels (view), >, 1000);

  whole = render_widget (GTK_WIDGET (window));
  g_assert_true (gdk_texture_save_to_png (whole, path));
  g_test_message ("screenshot: %s", path);

  /* A model with no sections draws no sticks (only a placeholder line of text). */
  nrt_window_set_model (window, empty, NULL);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));
  blank = render_widget (stick_view);
  g_assert_cmpuint (count_accent_pixels (blank), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
bad_file_subprocess (void)
{
  g_autoptr(NrtModel) model = stylized_cell ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = g_dir_make_tmp ("neurite-ui-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.nml", NULL);
  NrtWindow *window;

  g_assert_true (g_file_set_contents (path, "<neuroml><cell id=\"x\"><morphology>", -1, NULL));
  file = g_file_new_for_path (path);

  window = nrt_window_new (NULL);
  nrt_window_set_model (window, model, NULL);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));

  /* A file that cannot be read leaves the window on its model. */
  g_assert_false (nrt_window_load_file (window, file, &error));
  g_assert_nonnull (error);
  g_assert_true (nrt_window_get_model (window) == model);
  g_assert_null (nrt_window_get_file (window));
  g_assert_cmpstr (adw_window_title_get_title (_nrt_window_get_window_title (window)), ==,
                   "stylized_cell");

  /* The message, markup and all, goes to a toast. */
  nrt_window_show_error (window, "bad.nml:1: <morphology> & friends");
  spin_briefly ();
  g_assert_cmpuint (_nrt_window_get_n_toasts (window), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

static void
save_subprocess (void)
{
  g_autoptr(NrtModel) model = stylized_cell ();
  g_autoptr(NrtModel) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = g_dir_make_tmp ("neurite-ui-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "saved.nml", NULL);
  AdwWindowTitle *title;
  NrtWindow *window;

  file = g_file_new_for_path (path);
  window = nrt_window_new (NULL);
  nrt_window_set_model (window, model, file);
  title = _nrt_window_get_window_title (window);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));

  g_assert_true (nrt_model_set_name (model, "saved_cell", &error));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "• saved.nml");

  /* win.save writes the file the window already has, and clears the modified mark. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (nrt_model_is_modified (model));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "saved.nml");
  g_assert_cmpuint (_nrt_window_get_n_toasts (window), ==, 0);

  /* What was written reads back as the same cell. */
  reread = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nrt_model_get_data (reread)->name, ==, "saved_cell");
  g_assert_cmpuint (nrt_model_get_n_sections (reread), ==, 6);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

static void
load_model_subprocess (void)
{
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", "stylized-cell.nml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) view = NULL;
  g_autofree char *shot = nrt_ui_test_screenshot_path ("main-window-stylized-cell.png");
  const NrtModelData *data;
  NrtWindow *window;

  window = nrt_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 680);
  g_assert_true (nrt_window_load_file (window, file, &error));
  g_assert_no_error (error);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));

  data = nrt_model_get_data (nrt_window_get_model (window));
  g_assert_cmpstr (adw_window_title_get_title (_nrt_window_get_window_title (window)), ==,
                   data->name);
  g_assert_cmpstr (adw_window_title_get_subtitle (_nrt_window_get_window_title (window)), ==,
                   "stylized-cell.nml");
  g_assert_false (nrt_model_is_modified (nrt_window_get_model (window)));

  view = render_widget (GTK_WIDGET (_nrt_window_get_stick_view (window)));
  g_assert_cmpuint (count_accent_pixels (view), >, 1000);
  {
    g_autoptr(GdkTexture) whole = render_widget (GTK_WIDGET (window));
    g_assert_true (gdk_texture_save_to_png (whole, shot));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
have_stylized_cell (void)
{
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", "stylized-cell.nml", NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* The close prompt: a modified model keeps its window open until the user decides. */
typedef struct {
  NrtModel  *model;
  NrtWindow *window;
  gboolean   prompted;
  int        status;
} QuitData;

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return ADW_MESSAGE_DIALOG (item);
    }
  return NULL;
}

static void
on_activate (GtkApplication *app,
             QuitData       *qd)
{
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  qd->window = nrt_window_new (app);
  g_object_add_weak_pointer (G_OBJECT (qd->window), (gpointer *) &qd->window);
  nrt_window_set_model (qd->window, qd->model, NULL);
  nrt_ui_test_show_and_wait (GTK_WINDOW (qd->window));

  /* Unmodified: nothing to ask. Modified: closing asks first and the window stays. */
  g_assert_true (nrt_model_set_name (qd->model, "edited", &error));
  gtk_window_close (GTK_WINDOW (qd->window));
  spin_briefly ();
  g_assert_nonnull (qd->window);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  qd->prompted = TRUE;

  /* Cancel keeps everything. */
  adw_message_dialog_response (dialog, "cancel");
  spin_briefly ();
  g_assert_nonnull (qd->window);
  g_assert_true (nrt_model_is_modified (qd->model));

  /* Discard closes the window, which ends the application. */
  gtk_window_close (GTK_WINDOW (qd->window));
  spin_briefly ();
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
}

static void
quit_subprocess (void)
{
  g_autoptr(AdwApplication) app = NULL;
  QuitData qd = { 0 };

  qd.model = stylized_cell ();
  app = adw_application_new ("io.github.neurite.Neurite.Test", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), &qd);
  qd.status = g_application_run (G_APPLICATION (app), 0, NULL);

  g_assert_true (qd.prompted);
  g_assert_cmpint (qd.status, ==, 0);
  /* The window is gone and released its model. */
  g_assert_null (qd.window);
  g_assert_finalize_object (qd.model);
}


/* ---- tools, RunControl, IClamp, the lab ------------------------------------------- */

/* Spins until cond (user_data) holds, failing after timeout_s seconds. */
static void
spin_until (gboolean (*cond) (gpointer), gpointer user_data, double timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!cond (user_data))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %g s", timeout_s);
    }
}

typedef struct {
  NrtSession *session;
  double      t;
} RunWait;

/* Stopped at or past t (the session's status has arrived). */
static gboolean
stopped_at (gpointer user_data)
{
  RunWait *w = user_data;

  /* Not busy: the command was taken and finished, so an earlier run's t cannot fool us. */
  return !nrt_session_get_busy (w->session) && !nrt_session_get_running (w->session)
         && nrt_session_get_t (w->session) >= w->t - 1e-9;
}

static gboolean
stopped_at_zero (gpointer user_data)
{
  RunWait *w = user_data;

  return !nrt_session_get_running (w->session) && nrt_session_get_t (w->session) == 0.0;
}

static void
wait_for_t (NrtSession *session,
            double      t)
{
  RunWait w = { session, t };

  spin_until (stopped_at, &w, 120);
}

/* (transfer full) Samples of trace id: t and y, n of them. */
static gsize
read_trace (NrtSession *session,
            guint       id,
            double    **t,
            double    **y)
{
  NrtTraceStore *store = nrt_session_get_trace_store (session);
  guint64 n = nrt_trace_store_get_length (store, id);

  *t = g_new (double, n + 1);
  *y = g_new (double, n + 1);
  g_assert_cmpuint (nrt_trace_store_read (store, id, 0, n, *t, *y), ==, n);
  return n;
}

/* Column column of a CSV with a header row, as (t, y) pairs. */
static gsize
read_csv_column (const char *path,
                 const char *column,
                 GArray    **t,
                 GArray    **y)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int col = -1;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  header = g_strsplit (lines[0], ",", -1);
  for (int i = 0; header[i] != NULL; i++)
    if (g_str_equal (g_strstrip (header[i]), column))
      col = i;
  g_assert_cmpint (col, >, 0);

  *t = g_array_new (FALSE, FALSE, sizeof (double));
  *y = g_array_new (FALSE, FALSE, sizeof (double));
  for (int l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = NULL;
      double tv, yv;

      if (*lines[l] == '\0')
        continue;
      cells = g_strsplit (lines[l], ",", -1);
      tv = g_ascii_strtod (cells[0], NULL);
      yv = g_ascii_strtod (cells[col], NULL);
      g_array_append_val (*t, tv);
      g_array_append_val (*y, yv);
    }
  return (*t)->len;
}

/* Runs $NEURITE_CLI on model (saved to a temp file) recording expr; returns its CSV path. */
static char *
run_cli (NrtModel   *model,
         const char *expr)
{
  const char *cli = g_getenv ("NEURITE_CLI");
  g_autofree char *dir = g_dir_make_tmp ("neurite-ui-XXXXXX", NULL);
  g_autofree char *nml = g_build_filename (dir, "model.nml", NULL);
  char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { cli, "run", nml, "--record", expr, "--csv", csv, NULL };

  g_assert_nonnull (cli);
  g_assert_true (nrt_neuroml_write_file (model, nml, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("neurite-cli failed: %s", err);
  return csv;
}

/* The session's trace equals the CLI's sample for sample, within tol. */
static void
assert_trace_equals_csv (NrtSession *session,
                         guint       id,
                         const char *csv,
                         const char *column,
                         double      tol)
{
  g_autofree double *t = NULL;
  g_autofree double *y = NULL;
  g_autoptr(GArray) rt = NULL;
  g_autoptr(GArray) ry = NULL;
  gsize n = read_trace (session, id, &t, &y);
  gsize m = read_csv_column (csv, column, &rt, &ry);
  double worst = 0.0;

  g_assert_cmpuint (n, ==, m);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat_with_epsilon (t[i], g_array_index (rt, double, i), 1e-9);
      worst = MAX (worst, fabs (y[i] - g_array_index (ry, double, i)));
    }
  g_test_message ("%s: %zu samples, max |Δ| = %.3g", csv, n, worst);
  g_assert_cmpfloat (worst, <=, tol);
}

typedef struct {
  guint  n;
  double value;
} Commits;

static void
on_commit (NrtNumberEntry *entry,
           double          value,
           Commits        *c)
{
  c->n++;
  c->value = value;
}

static void
number_entry_subprocess (void)
{
  GtkWidget *window = gtk_window_new ();
  NrtNumberEntry *entry = NRT_NUMBER_ENTRY (nrt_number_entry_new ("dt (ms)", 0.025, 0.025));
  Commits c = { 0 };
  double v;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (entry));
  nrt_number_entry_set_range (entry, 0, 1e9, TRUE);
  /* Locale-independent parsing; NaN, Inf and garbage refused. */
  g_assert_true (nrt_number_parse ("0.025", &v));
  g_assert_cmpfloat (v, ==, 0.025);
  g_assert_true (nrt_number_parse (" 0,5 ", &v));
  g_assert_cmpfloat (v, ==, 0.5);
  g_assert_false (nrt_number_parse ("nan", &v));
  g_assert_false (nrt_number_parse ("inf", &v));
  g_assert_false (nrt_number_parse ("1e999", &v));
  g_assert_false (nrt_number_parse ("0x10", &v));
  g_assert_false (nrt_number_parse ("", &v));

  g_signal_connect (entry, "value-committed", G_CALLBACK (on_commit), &c);

  g_assert_false (nrt_number_entry_commit_text (entry, "abc"));
  g_assert_nonnull (nrt_number_entry_get_error (entry));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (nrt_number_entry_get_editable (entry)), "error"));
  g_assert_false (nrt_number_entry_commit_text (entry, "NaN"));
  g_assert_false (nrt_number_entry_commit_text (entry, "0"));      /* dt > 0 */
  g_assert_false (nrt_number_entry_commit_text (entry, "-1"));
  g_assert_cmpuint (c.n, ==, 0);
  g_assert_cmpfloat (nrt_number_entry_get_value (entry), ==, 0.025);

  g_assert_true (nrt_number_entry_commit_text (entry, "0.01"));
  g_assert_null (nrt_number_entry_get_error (entry));
  g_assert_cmpuint (c.n, ==, 1);
  g_assert_cmpfloat (c.value, ==, 0.01);
  g_assert_cmpfloat (nrt_number_entry_get_value (entry), ==, 0.01);

  /* The owner's model refused: the text reverts and the reason shows. */
  nrt_number_entry_reject (entry, "dt must divide the plot interval");
  g_assert_cmpstr (gtk_editable_get_text (nrt_number_entry_get_editable (entry)), ==, "0.01");
  g_assert_cmpstr (nrt_number_entry_get_error (entry), ==, "dt must divide the plot interval");

  nrt_number_entry_set_value (entry, 600000);
  g_assert_cmpstr (gtk_editable_get_text (nrt_number_entry_get_editable (entry)), ==, "600000");
  g_assert_null (nrt_number_entry_get_error (entry));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
tools_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  GtkWindow *tools[6];
  const char *names[] = { "run-control.png", "point-manager.png", "graph-voltage.png",
                          "graph-current.png", "graph-state.png", "cell-builder.png" };
  GMenuModel *menu;
  g_autoptr(GError) error = NULL;
  int pp;

  g_assert_nonnull (nrt_window_get_session (window));
  pp = nrt_model_add_point_process (nrt_window_get_model (window), "IClamp", "soma", 0.5, &error);
  g_assert_no_error (error);
  g_assert_true (nrt_model_set_point_process_param (nrt_window_get_model (window), pp, "amp",
                                                    0.3, &error));
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));
  nrt_ui_test_save_screenshot (GTK_WIDGET (window), "main-window.png");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-control", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-manager", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.graph", "s", "voltage");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.graph", "s", "current");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.graph", "s", "state");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cell-builder", NULL);
  /* RunControl and the Point Manager are single: asking again raises the open one, and
   * Point Group is the same window's other page. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-control", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-group", NULL);

  {
    g_autoptr(GList) list = nrt_window_list_tools (window);
    guint i = 0;

    g_assert_cmpuint (g_list_length (list), ==, 6);
    for (GList *l = list; l != NULL; l = l->next)
      tools[i++] = l->data;
  }
  menu = _nrt_window_get_tools_menu (window);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 6);
  g_assert_true (NRT_IS_RUN_CONTROL (tools[0]));
  g_assert_true (NRT_IS_POINT_MANAGER (tools[1]));
  g_assert_cmpstr (nrt_point_manager_get_page (NRT_POINT_MANAGER (tools[1])), ==, "group");
  g_assert_cmpint (nrt_point_manager_get_selected (NRT_POINT_MANAGER (tools[1])), ==, pp);
  nrt_point_manager_show_page (NRT_POINT_MANAGER (tools[1]), "manager");

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      nrt_ui_test_show_and_wait (tools[i]);
      nrt_ui_test_save_screenshot (GTK_WIDGET (tools[i]), names[i]);
    }

  /* Raise from the Window menu. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.raise-tool", "u", 2);

  /* Closing a tool takes it off the menu; replacing the model closes the rest. */
  gtk_window_destroy (tools[5]);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 5);
  {
    g_autoptr(NrtModel) fresh = nrt_model_new_default ();
    g_autoptr(GList) list = NULL;
    nrt_window_set_model (window, fresh, NULL);
    list = nrt_window_list_tools (window);
    g_assert_null (list);
  }
  /* The placeholder item. */
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
run_control_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  NrtRunControl *rc = NRT_RUN_CONTROL (nrt_run_control_new (window));
  NrtNumberEntry *dt = nrt_run_control_get_field (rc, "dt");
  NrtNumberEntry *points = nrt_run_control_get_field (rc, "steps_per_ms");
  NrtNumberEntry *tstop = nrt_run_control_get_field (rc, "tstop");
  g_autoptr(NrtModelData) before = NULL;

  /* NEURON's defaults. */
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_run_control_get_field (rc, "v_init")), ==, -65);
  g_assert_cmpfloat (nrt_number_entry_get_value (tstop), ==, 5);
  g_assert_cmpfloat (nrt_number_entry_get_value (dt), ==, 0.025);
  g_assert_cmpfloat (nrt_number_entry_get_value (points), ==, 40);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_run_control_get_field (rc, "runStopAt")), ==, 5);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_run_control_get_field (rc, "runStopIn")), ==, 1);

  /* setdt(): dt = 0.01 does not divide 0.025, so it becomes 0.025/2, and the window says so. */
  g_assert_null (nrt_run_control_get_dt_note (rc));
  g_assert_true (nrt_number_entry_commit_text (dt, "0.01"));
  g_assert_cmpfloat_with_epsilon (nrt_model_get_data (model)->settings.dt, 0.0125, 1e-15);
  g_assert_cmpfloat_with_epsilon (nrt_number_entry_get_value (dt), 0.0125, 1e-15);
  g_assert_nonnull (nrt_run_control_get_dt_note (rc));
  g_assert_nonnull (strstr (nrt_run_control_get_dt_note (rc), "0.0125"));
  g_assert_cmpfloat (nrt_run_control_coupled_dt (0.1, 40), ==, 0.025);
  g_assert_cmpfloat (nrt_run_control_coupled_dt (0.005, 40), ==, 0.005);

  /* Points plotted/ms = 10 with dt 0.0125: 0.1/0.0125 = 8 steps, dt kept. */
  g_assert_true (nrt_number_entry_commit_text (points, "10"));
  g_assert_cmpfloat (nrt_model_get_data (model)->settings.points_per_ms, ==, 10);
  g_assert_cmpfloat_with_epsilon (nrt_model_get_data (model)->settings.dt, 0.0125, 1e-15);
  g_assert_null (nrt_run_control_get_dt_note (rc));

  /* Refused input leaves the model as it was. */
  before = nrt_model_data_copy (nrt_model_get_data (model));
  g_assert_false (nrt_number_entry_commit_text (tstop, "-3"));
  g_assert_false (nrt_number_entry_commit_text (dt, "inf"));
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));

  /* Every edit is undoable from the main window. */
  g_assert_true (nrt_number_entry_commit_text (tstop, "20"));
  g_assert_cmpfloat (nrt_model_get_data (model)->settings.tstop, ==, 20);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  g_assert_cmpfloat (nrt_model_get_data (model)->settings.tstop, ==, 5);
  g_assert_cmpfloat (nrt_number_entry_get_value (tstop), ==, 5);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
lab_part1_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  NrtSession *session = nrt_window_get_session (window);
  NrtPointManager *editor;
  NrtCellBuilder *builder;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *csv_pas = NULL;
  double side = sqrt (100.0 / G_PI);
  int trace;

  nrt_ui_test_show_and_wait (GTK_WINDOW (window));

  /* 1–3, in the CellBuilder: one soma; Geometry: Specify Strategy "area", then 100 µm²;
   * Biophysics: cm only, so the membrane is a bare capacitor. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  model = nrt_window_get_model (window);
  session = nrt_window_get_session (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cell-builder", NULL);
  builder = NRT_CELL_BUILDER (_nrt_window_find_tool (window, NRT_TYPE_CELL_BUILDER));
  g_assert_nonnull (builder);
  g_assert_true (nrt_cell_builder_set_geometry_kinds (builder, "soma", NRT_GEO_AREA, &error));
  g_assert_true (nrt_cell_builder_set_geometry_value (builder, "soma", NRT_GEO_AREA, -1, 100,
                                                      &error));
  g_assert_true (nrt_cell_builder_set_biophysics_strategy (builder, "soma", NRT_CB_BIO_CM, TRUE,
                                                           &error));
  g_assert_true (nrt_cell_builder_set_biophysics_value (builder, "soma", NRT_CB_BIO_CM, 0, 1,
                                                        &error));
  g_assert_no_error (error);
  {
    const NrtSection *soma = nrt_model_get_section (model, 0);
    g_assert_cmpfloat_with_epsilon (soma->L, side, 1e-12);
    g_assert_cmpfloat_with_epsilon (soma->diam, side, 1e-12);
    for (int m = 0; m < NRT_N_MECH; m++)
      g_assert_false (soma->mech[m].inserted);
  }

  /* 6: Tools → Point Processes → Point Manager: choose IClamp, set del, dur and amp in its
   * fields. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-manager", NULL);
  editor = NRT_POINT_MANAGER (_nrt_window_find_tool (window, NRT_TYPE_POINT_MANAGER));
  g_assert_nonnull (editor);
  g_assert_cmpint (nrt_point_manager_get_selected (editor), ==, -1);   /* NEURON: "none" */
  g_assert_true (nrt_point_manager_choose_type (editor, NRT_PP_ICLAMP, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nrt_point_manager_get_selected (editor), ==, 0);
  g_assert_cmpstr (nrt_point_manager_get_location_section (editor), ==, "soma");
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (editor, "del"), "1"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (editor, "dur"), "2"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (editor, "amp"), "0.01"));
  nrt_ui_test_show_and_wait (GTK_WINDOW (editor));
  nrt_ui_test_save_screenshot (GTK_WIDGET (editor), "point-manager-part1.png");
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (editor, "dur"), "-1"));
  g_assert_nonnull (nrt_number_entry_get_error (nrt_point_manager_get_field (editor, "dur")));
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (editor, "x"), "1.5"));
  g_assert_nonnull (nrt_number_entry_get_error (nrt_point_manager_get_field (editor, "x")));
  {
    const NrtPointProcess *pp = g_ptr_array_index (nrt_model_get_data (model)->point_processes, 0);
    const NrtMechanismInfo *info = nrt_point_process_info (NRT_PP_ICLAMP);
    g_assert_cmpfloat (pp->p[nrt_param_lookup (info, "del")], ==, 1);
    g_assert_cmpfloat (pp->p[nrt_param_lookup (info, "dur")], ==, 2);
    g_assert_cmpfloat (pp->p[nrt_param_lookup (info, "amp")], ==, 0.01);
    g_assert_cmpfloat (pp->x, ==, 0.5);
  }
  nrt_ui_test_show_and_wait (GTK_WINDOW (editor));
  nrt_ui_test_save_screenshot (GTK_WIDGET (editor), "point-manager-refused.png");

  /* 5: Init & Run from the main window. */
  trace = nrt_session_add_trace (session, "soma(0.5).v", &error);
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.init-run", NULL);
  wait_for_t (session, nrt_model_get_data (model)->settings.tstop);

  /* A bare capacitor: v climbs linearly while the clamp is on, dv/dt = i/C. */
  {
    g_autofree double *t = NULL;
    g_autofree double *y = NULL;
    gsize n = read_trace (session, trace, &t, &y);

    g_assert_cmpuint (n, ==, 201);
    g_assert_cmpfloat_with_epsilon (y[0], -65, 1e-9);
    g_assert_cmpfloat_with_epsilon (y[40], -65, 1e-9);  /* before del */
    /* 1 µF/cm² × 100 µm² = 1 pF; 0.01 nA into 1 pF is 10 mV/ms, for 2 ms. */
    g_assert_cmpfloat_with_epsilon (y[200] - y[0], 0.01 / 1e-3 * 2, 0.05);
  }

  csv = run_cli (model, "soma(0.5).v");
  assert_trace_equals_csv (session, trace, csv, "soma(0.5).v", 1e-9);

  /* 8: insert pas in soma and run again: v now relaxes towards e_pas. */
  g_assert_true (nrt_cell_builder_set_biophysics_strategy (builder, "soma",
                                                           NRT_CB_BIO_MECH + NRT_MECH_PAS, TRUE,
                                                           &error));
  g_assert_no_error (error);
  g_assert_true (nrt_model_get_section (model, 0)->mech[NRT_MECH_PAS].inserted);
  trace = nrt_session_add_trace (session, "soma(0.5).v", &error);
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.init-run", NULL);
  wait_for_t (session, nrt_model_get_data (model)->settings.tstop);
  {
    g_autofree double *t = NULL;
    g_autofree double *y = NULL;
    gsize n = read_trace (session, trace, &t, &y);

    /* From −65 mV the leak pulls towards e_pas = −70 mV before and after the pulse. */
    g_assert_cmpuint (n, ==, 201);
    g_assert_cmpfloat (y[40], <, -65.5);
    g_assert_cmpfloat (y[200], <, y[120]);
  }
  csv_pas = run_cli (model, "soma(0.5).v");
  assert_trace_equals_csv (session, trace, csv_pas, "soma(0.5).v", 1e-9);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
have_stylized_cell (void);

static char *
stylized_cell_path (void)
{
  return g_build_filename (NRT_SOURCE_ROOT, "models", "stylized-cell.nml", NULL);
}

static void
lab_part3_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  g_autofree char *path = stylized_cell_path ();
  g_autofree char *reference = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference",
                                                 "stylized_cell.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(GArray) rt = NULL;
  g_autoptr(GArray) ry = NULL;
  NrtModel *model;
  NrtSession *session;
  NrtRunControl *rc;
  NrtPointManager *editor;
  int trace;
  guint64 generation;

  g_assert_true (nrt_window_load_file (window, file, &error));
  g_assert_no_error (error);
  model = nrt_window_get_model (window);
  session = nrt_window_get_session (window);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));

  trace = nrt_session_add_trace (session, "soma(0.5).v", &error);
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.init-run", NULL);
  wait_for_t (session, 10);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));
  nrt_ui_test_save_screenshot (GTK_WIDGET (window), "main-window-part3.png");

  /* NEURON's trace, and the CLI's. */
  assert_trace_equals_csv (session, trace, reference, "soma(0.5).v", 1e-6);
  csv = run_cli (model, "soma(0.5).v");
  assert_trace_equals_csv (session, trace, csv, "soma(0.5).v", 1e-9);

  /* amp changed during a run bends the trace from that moment, without a restart:
   * RunControl's Init, Continue til 1.05 ms (inside the 1–1.1 ms pulse), amp = 0, go on. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-control", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-manager", NULL);
  rc = NRT_RUN_CONTROL (_nrt_window_find_tool (window, NRT_TYPE_RUN_CONTROL));
  editor = NRT_POINT_MANAGER (_nrt_window_find_tool (window, NRT_TYPE_POINT_MANAGER));
  /* The manager opens on the model's first point process, the file's IClamp. */
  g_assert_cmpint (nrt_point_manager_get_type_choice (editor), ==, NRT_PP_ICLAMP);
  gtk_widget_activate_action (GTK_WIDGET (rc), "rc.init", NULL);
  /* Status arrives asynchronously: wait for the init (t back to 0) before going on. */
  {
    RunWait w = { session, 0 };
    spin_until (stopped_at_zero, &w, 60);
  }
  g_assert_true (nrt_number_entry_commit_text (nrt_run_control_get_field (rc, "runStopAt"), "1.05"));
  gtk_widget_activate_action (GTK_WIDGET (rc), "rc.continue-til", NULL);
  wait_for_t (session, 1.05);
  generation = nrt_trace_store_get_generation (nrt_session_get_trace_store (session));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (editor, "amp"), "0"));
  g_assert_true (nrt_number_entry_commit_text (nrt_run_control_get_field (rc, "runStopAt"), "10"));
  gtk_widget_activate_action (GTK_WIDGET (rc), "rc.continue-til", NULL);
  wait_for_t (session, 10);
  g_assert_cmpuint (nrt_trace_store_get_generation (nrt_session_get_trace_store (session)), ==,
                    generation);
  {
    g_autofree double *t = NULL;
    g_autofree double *y = NULL;
    gsize n = read_trace (session, trace, &t, &y);
    double before = 0, after = 0;

    read_csv_column (reference, "soma(0.5).v", &rt, &ry);
    g_assert_cmpuint (n, ==, rt->len);
    for (gsize i = 0; i < n; i++)
      {
        double d = fabs (y[i] - g_array_index (ry, double, i));
        if (t[i] <= 1.05 + 1e-9)
          before = MAX (before, d);
        else
          after = MAX (after, d);
      }
    g_test_message ("amp edit at 1.05 ms: max |Δ| before %.3g mV, after %.3g mV", before, after);
    g_assert_cmpfloat (before, <=, 1e-6);
    g_assert_cmpfloat (after, >, 10);   /* no spike without the rest of the pulse */
  }
  nrt_ui_test_show_and_wait (GTK_WINDOW (rc));
  nrt_ui_test_save_screenshot (GTK_WIDGET (rc), "run-control-part3.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
undo_topology_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  g_autoptr(NrtModelData) before = nrt_model_data_copy (nrt_model_get_data (model));
  g_autoptr(GError) error = NULL;

  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window)) && nrt_model_can_undo (model));
  g_assert_cmpint (nrt_model_add_section (model, "dend", "soma", 1, 200, 2, &error), ==, 1);
  g_assert_true (nrt_model_can_undo (model));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  g_assert_cmpuint (nrt_model_get_n_sections (model), ==, 1);
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL);
  g_assert_cmpuint (nrt_model_get_n_sections (model), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A tool window's saved state, as text: the key file group nrt_*_save_state writes. */
static char *
tool_state (GtkWindow *tool)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  if (NRT_IS_SHAPE_PLOT (tool))
    nrt_shape_plot_save_state (tool, kf, "tool");
  else
    nrt_movie_run_save_state (tool, kf, "tool");
  return g_key_file_to_data (kf, NULL, NULL);
}

static GtkWindow *
find_tool (NrtWindow *window, GType type)
{
  g_autoptr(GList) tools = nrt_window_list_tools (window);

  for (GList *l = tools; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      return l->data;
  return NULL;
}

static void
layout_roundtrip_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtWindow *reopened = nrt_window_new (NULL);
  g_autofree char *dir = g_dir_make_tmp ("neurite-layout-XXXXXX", NULL);
  g_autofree char *shape_state = NULL;
  g_autofree char *movie_state = NULL;
  GtkWindow *shape, *movie;
  g_autofree char *path = g_build_filename (dir, "cell.nml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  NrtModel *model = nrt_window_get_model (window);
  guint n_graphs = 0;

  g_assert_cmpint (nrt_model_add_section (model, "dend", "soma", 1, 200, 2, &error), ==, 1);
  g_assert_cmpint (nrt_model_add_point_process (model, "IClamp", "soma", 0.5, &error), ==, 0);
  nrt_ui_test_show_and_wait (GTK_WINDOW (window));

  /* Save through the window's action (the file is known, so no dialog). */
  nrt_window_set_model (window, model, file);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-control", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.graph", "s", "voltage");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.graph", "s", "current");

  /* A Shape plot in Space Plot mode with a path, its own scale, no Show Diam and a view the
   * user turned and zoomed; a Movie Run at 0.05 s per step. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.shape-plot", NULL);
  shape = find_tool (window, NRT_TYPE_SHAPE_PLOT);
  g_assert_nonnull (shape);
  nrt_ui_test_show_and_wait (shape);
  nrt_shape_plot_set_mode (NRT_SHAPE_PLOT (shape), NRT_SHAPE_PLOT_MODE_SPACE);
  nrt_shape_plot_set_scale (NRT_SHAPE_PLOT (shape), -70, 30);
  g_assert_true (nrt_shape_plot_space_plot (NRT_SHAPE_PLOT (shape), "soma", 0.25, "dend", 0.75,
                                            &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (shape), "shape.show-diam", NULL);  /* toggles */
  g_assert_false (nrt_shape_view_get_show_diam (nrt_shape_plot_get_view (NRT_SHAPE_PLOT (shape))));
  nrt_shape_view_rotate (nrt_shape_plot_get_view (NRT_SHAPE_PLOT (shape)), 1, 30);
  nrt_shape_view_zoom (nrt_shape_plot_get_view (NRT_SHAPE_PLOT (shape)), 1.5, 40, 30);
  nrt_ui_test_show_and_wait (shape);
  shape_state = tool_state (shape);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.movie-run", NULL);
  movie = find_tool (window, NRT_TYPE_MOVIE_RUN);
  g_assert_nonnull (movie);
  g_assert_true (nrt_movie_run_set_seconds_per_step (NRT_MOVIE_RUN (movie), 0.05));
  nrt_ui_test_show_and_wait (movie);
  movie_state = tool_state (movie);
  g_assert_nonnull (strstr (shape_state, "view-rotation="));
  g_assert_nonnull (strstr (shape_state, "space-path=soma;0.25;dend;0.75;"));

  /* A ChannelBuilder on a channel of the library, and Temperature and Ions. */
  {
    g_autoptr(NrtChannel) k = nrt_channel_new_hh_k ();

    g_assert_true (nrt_model_add_channel (model, k, &error));
    g_assert_nonnull (nrt_channel_builder_open (window, "khh"));
    gtk_widget_activate_action (GTK_WIDGET (window), "win.globals", NULL);
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  g_assert_false (nrt_model_is_modified (model));
  g_assert_nonnull (nrt_model_get_data (model)->view_state);
  g_assert_nonnull (strstr (nrt_model_get_data (model)->view_state, "channel=khh"));

  g_assert_true (nrt_window_load_file (reopened, file, &error));
  g_assert_no_error (error);
  g_assert_true (nrt_model_data_equal (nrt_model_get_data (model),
                                       nrt_model_get_data (nrt_window_get_model (reopened))));
  {
    g_autoptr(GList) tools = nrt_window_list_tools (reopened);
    gboolean have_rc = FALSE;

    for (GList *l = tools; l != NULL; l = l->next)
      {
        if (NRT_IS_RUN_CONTROL (l->data))
          have_rc = TRUE;
        if (NRT_IS_GRAPH_WINDOW (l->data))
          n_graphs++;
      }
    g_assert_true (have_rc);
    g_assert_cmpuint (n_graphs, ==, 2);
    g_assert_nonnull (find_tool (reopened, NRT_TYPE_GLOBALS));
    g_assert_nonnull (find_tool (reopened, NRT_TYPE_CHANNEL_BUILDER));
    g_assert_cmpstr (nrt_channel_builder_get_channel_name (NRT_CHANNEL_BUILDER (find_tool (reopened, NRT_TYPE_CHANNEL_BUILDER))),
                     ==, "khh");
  }
  /* The Shape plot and the Movie Run come back with their state: the same saved text (mode,
   * variable, scale, Show Diam, path, camera, size), and the same as the API sees it. */
  {
    GtkWindow *shape2 = find_tool (reopened, NRT_TYPE_SHAPE_PLOT);
    GtkWindow *movie2 = find_tool (reopened, NRT_TYPE_MOVIE_RUN);
    g_autofree char *shape_state2 = NULL;
    g_autofree char *movie_state2 = NULL;
    double lo, hi;

    g_assert_nonnull (shape2);
    g_assert_nonnull (movie2);
    shape_state2 = tool_state (shape2);
    movie_state2 = tool_state (movie2);
    g_assert_cmpstr (shape_state2, ==, shape_state);
    g_assert_cmpstr (movie_state2, ==, movie_state);
    g_assert_cmpint (nrt_shape_plot_get_mode (NRT_SHAPE_PLOT (shape2)), ==,
                     NRT_SHAPE_PLOT_MODE_SPACE);
    g_assert_cmpstr (nrt_shape_plot_get_variable (NRT_SHAPE_PLOT (shape2)), ==, "v");
    nrt_shape_view_get_color_scale (nrt_shape_plot_get_view (NRT_SHAPE_PLOT (shape2)), &lo, &hi);
    g_assert_cmpfloat (lo, ==, -70);
    g_assert_cmpfloat (hi, ==, 30);
    g_assert_false (nrt_shape_view_get_show_diam (nrt_shape_plot_get_view (NRT_SHAPE_PLOT (shape2))));
    g_assert_cmpfloat (nrt_movie_run_get_seconds_per_step (NRT_MOVIE_RUN (movie2)), ==, 0.05);
    /* Drawn, the restored view keeps the saved camera. */
    nrt_ui_test_show_and_wait (shape2);
    g_free (shape_state2);
    shape_state2 = tool_state (shape2);
    g_assert_cmpstr (shape_state2, ==, shape_state);
  }

  gtk_window_destroy (GTK_WINDOW (reopened));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}


/* Tools → Temperature and Ions: celsius, the six concentrations and the seed, each an undo
 * step; refused values leave the model alone; the fields follow undo. */
static void
globals_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  GtkWindow *tool;
  NrtGlobals *globals;
  const NrtRunSettings *s;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.globals", NULL);
  tool = _nrt_window_find_tool (window, NRT_TYPE_GLOBALS);
  g_assert_nonnull (tool);
  globals = NRT_GLOBALS (tool);
  s = &nrt_model_get_data (model)->settings;

  /* NEURON's values to start with. */
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_globals_get_field (globals, "celsius")), ==, 6.3);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_globals_get_field (globals, "cao")), ==, 2);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_globals_get_field (globals, "ki")), ==, 54.4);
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_globals_get_field (globals, "cai")), ==,
                   "cai, inside (mM)");
  g_assert_null (nrt_globals_get_field (globals, "eca"));

  g_assert_true (nrt_number_entry_commit_text (nrt_globals_get_field (globals, "celsius"), "16.3"));
  g_assert_cmpfloat (nrt_model_get_data (model)->settings.celsius, ==, 16.3);
  g_assert_true (nrt_number_entry_commit_text (nrt_globals_get_field (globals, "cai"), "0.001"));
  s = &nrt_model_get_data (model)->settings;
  g_assert_cmpfloat (s->conc_i[NRT_ION_CA], ==, 0.001);
  g_assert_cmpfloat (s->conc_o[NRT_ION_CA], ==, 2);
  g_assert_true (nrt_number_entry_commit_text (nrt_globals_get_field (globals, "seed"), "12345"));
  g_assert_cmpuint (nrt_model_get_data (model)->settings.seed, ==, 12345);

  /* Refusals: the reason shows and the model keeps its values. */
  g_assert_false (nrt_number_entry_commit_text (nrt_globals_get_field (globals, "nao"), "0"));
  g_assert_nonnull (nrt_number_entry_get_error (nrt_globals_get_field (globals, "nao")));
  nrt_number_entry_commit_text (nrt_globals_get_field (globals, "seed"), "1.5");
  g_assert_nonnull (nrt_number_entry_get_error (nrt_globals_get_field (globals, "seed")));
  s = &nrt_model_get_data (model)->settings;
  g_assert_cmpfloat (s->conc_o[NRT_ION_NA], ==, 140);
  g_assert_cmpuint (s->seed, ==, 12345);

  /* Undo goes back one field at a time, and the fields follow. */
  g_assert_true (nrt_model_undo (model, NULL));
  g_assert_cmpuint (nrt_model_get_data (model)->settings.seed, ==, 1);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_globals_get_field (globals, "seed")), ==, 1);
  g_assert_true (nrt_model_undo (model, NULL));
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_globals_get_field (globals, "cai")), ==, 5e-5);

  nrt_ui_test_show_and_wait (tool);
  nrt_ui_test_save_screenshot (GTK_WIDGET (tool), "temperature-and-ions.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_test_subprocess ())
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      adw_init ();
      /* AdwApplication would load the app's style sheet; the tests have none. */
      gtk_css_provider_load_from_resource (css, "/io/github/neurite/Neurite/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }

  NRT_UI_ADD_TRAPPED ("/ui/window/title", title_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/window/draw", draw_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/window/bad-file", bad_file_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/window/save", save_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/window/load-model", load_model_subprocess, have_stylized_cell,
               "models/stylized-cell.nml is missing");
  NRT_UI_ADD_TRAPPED ("/ui/window/close-prompt-and-quit", quit_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/number-entry/validate", number_entry_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/window/tools-and-screenshots", tools_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/run-control/fields-and-setdt", run_control_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/window/undo-topology", undo_topology_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/window/globals", globals_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/window/layout-roundtrip", layout_roundtrip_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/lab/part1", lab_part1_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/lab/part3", lab_part3_subprocess, have_stylized_cell,
               "models/stylized-cell.nml is missing");

  return g_test_run ();
}

/* test-window.c: the main window under Xvfb: title, drawing, undo, errors, close and quit.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything that spins the main loop runs in a g_test_trap_subprocess with a timeout, so a
 * hang fails the test instead of blocking the suite.
 */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "nrt-neuroml.h"
#include "nrt-window-private.h"

#define TRAP_TIMEOUT (60 * G_USEC_PER_SEC)

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
on_after_paint (GdkFrameClock *clock,
                guint         *n_paints)
{
  (*n_paints)++;
}

/* Presents window and spins until it has painted twice (so the stick view has drawn). */
static void
show_and_wait (GtkWindow *window)
{
  GdkFrameClock *clock;
  guint n_paints = 0;
  gulong id;

  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &n_paints);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  while (n_paints < 2)
    {
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
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

static char *
screenshot_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_test_get_dir (G_TEST_BUILT), "screenshots", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return g_build_filename (dir, name, NULL);
}

/* ---- tests -------------------------------------------------------------------------- */

/* A test whose body runs in a subprocess with a timeout, after an optional precondition. */
typedef struct {
  void     (*body)     (void);
  gboolean (*can_run)  (void);
  const char *skip_reason;
} TrappedTest;

static void
run_trapped (gconstpointer data)
{
  const TrappedTest *test = data;

  if (test->can_run != NULL && !test->can_run ())
    {
      g_test_skip (test->skip_reason);
      return;
    }
  if (g_test_subprocess ())
    {
      test->body ();
      return;
    }
  g_test_trap_subprocess (NULL, TRAP_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

#define ADD_TRAPPED(path, ...) \
  G_STMT_START { \
    static const TrappedTest test = { __VA_ARGS__ }; \
    g_test_add_data_func (path, &test, run_trapped); \
  } G_STMT_END

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
  show_and_wait (GTK_WINDOW (window));

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
  g_autofree char *path = screenshot_path ("main-window.png");
  NrtWindow *window;
  GtkWidget *stick_view;

  window = nrt_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 680);
  nrt_window_set_model (window, model, NULL);
  stick_view = GTK_WIDGET (_nrt_window_get_stick_view (window));
  show_and_wait (GTK_WINDOW (window));

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
  show_and_wait (GTK_WINDOW (window));
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
  show_and_wait (GTK_WINDOW (window));

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
  show_and_wait (GTK_WINDOW (window));

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
  g_autofree char *shot = screenshot_path ("main-window-stylized-cell.png");
  const NrtModelData *data;
  NrtWindow *window;

  window = nrt_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 680);
  g_assert_true (nrt_window_load_file (window, file, &error));
  g_assert_no_error (error);
  show_and_wait (GTK_WINDOW (window));

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
  show_and_wait (GTK_WINDOW (qd->window));

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_test_subprocess ())
    adw_init ();

  ADD_TRAPPED ("/ui/window/title", title_subprocess);
  ADD_TRAPPED ("/ui/window/draw", draw_subprocess);
  ADD_TRAPPED ("/ui/window/bad-file", bad_file_subprocess);
  ADD_TRAPPED ("/ui/window/save", save_subprocess);
  ADD_TRAPPED ("/ui/window/load-model", load_model_subprocess, have_stylized_cell,
               "models/stylized-cell.nml is missing");
  ADD_TRAPPED ("/ui/window/close-prompt-and-quit", quit_subprocess);

  return g_test_run ();
}

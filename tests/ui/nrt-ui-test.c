/* nrt-ui-test.c: helpers shared by the UI test programs.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-test.h"

#include <adwaita.h>

void
nrt_ui_test_run_trapped (gconstpointer data)
{
  const NrtTrappedTest *test = data;

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
  g_test_trap_subprocess (NULL, NRT_UI_TRAP_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

void
nrt_ui_test_init (int    *argc,
                  char ***argv)
{
  g_test_init (argc, argv, NULL);

  if (g_test_subprocess ())
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      adw_init ();
      gtk_css_provider_load_from_resource (css, "/io/github/neurite/Neurite/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }
}

static void
on_after_paint (GdkFrameClock *clock,
                guint         *n_paints)
{
  (*n_paints)++;
}

void
nrt_ui_test_show_and_wait (GtkWindow *window)
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
  while (n_paints < 3)
    {
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
}

char *
nrt_ui_test_screenshot_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_test_get_dir (G_TEST_BUILT), "screenshots", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return g_build_filename (dir, name, NULL);
}

void
nrt_ui_test_save_screenshot (GtkWidget  *widget,
                             const char *name)
{
  g_autofree char *path = nrt_ui_test_screenshot_path (name);
  g_autoptr(GdkTexture) texture = NULL;

  /* A toplevel's own paintable draws nothing; its content holds everything but the shadow
   * and the window background, which is painted under it here. */
  if (GTK_IS_WINDOW (widget) && gtk_window_get_child (GTK_WINDOW (widget)) != NULL)
    widget = gtk_window_get_child (GTK_WINDOW (widget));
  {
    g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
    GtkSnapshot *snapshot = gtk_snapshot_new ();
    g_autoptr(GskRenderNode) node = NULL;
    int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
    gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
    GdkRGBA bg = dark ? (GdkRGBA) { 0.14, 0.14, 0.14, 1 } : (GdkRGBA) { 0.98, 0.98, 0.98, 1 };

    gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
    gdk_paintable_snapshot (paintable, snapshot, w, h);
    node = gtk_snapshot_free_to_node (snapshot);
    texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                           node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  }
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

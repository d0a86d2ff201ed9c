/* nrt-application.c: Neurite's application: opens a main window per model and owns app.*.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n.h>

#include "nrt-application.h"
#include "nrt-window.h"

struct _NrtApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (NrtApplication, nrt_application, ADW_TYPE_APPLICATION)

static void
nrt_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (nrt_window_new (GTK_APPLICATION (app)));

  gtk_window_present (window);
}

static void
nrt_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      NrtWindow *window = nrt_window_new (GTK_APPLICATION (app));
      g_autoptr(GError) error = NULL;

      /* A file that cannot be read still gets its window, on the default cell, with the
       * reason shown; the same message goes to the terminal it was started from. */
      if (!nrt_window_load_file (window, files[i], &error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not open: %s"), error->message);

          g_printerr ("neurite: %s\n", message);
          nrt_window_show_error (window, message);
        }

      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
action_quit (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing asks each window to save its changes; the application ends with the last. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
action_about (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *about;
  const char *developers[] = { "The Neurite developers", NULL };

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "Neurite",
                        "application-icon", NRT_APP_ID,
                        "version", NRT_VERSION,
                        "developer-name", _("The Neurite developers"),
                        "developers", developers,
                        "comments", _("Build and simulate neurons by pointing and clicking, "
                                      "with NEURON's tools, results and NeuroML files."),
                        "website", "https://github.com/neurite/neurite",
                        "issue-url", "https://github.com/neurite/neurite/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2025 The Neurite developers",
                        /* Translators: your name and e-mail, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = action_quit },
  { .name = "about", .activate = action_about },
};

static void
nrt_application_startup (GApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.new", { "<Control>n", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.init-run", { "F5", "<Control>r", NULL } },
    { "win.stop", { "<Control>period", NULL } },
    { "win.cell-builder", { "<Control>b", NULL } },
    { "win.run-control", { "<Control><Shift>r", NULL } },
    { "win.graph('voltage')", { "<Control>g", NULL } },
    { "win.point-manager", { "<Control>i", NULL } },
  };

  G_APPLICATION_CLASS (nrt_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);

  gtk_window_set_default_icon_name (NRT_APP_ID);
}

static void
nrt_application_class_init (NrtApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = nrt_application_activate;
  app_class->open = nrt_application_open;
  app_class->startup = nrt_application_startup;
}

static void
nrt_application_init (NrtApplication *self)
{
}

NrtApplication *
nrt_application_new (void)
{
  return g_object_new (NRT_TYPE_APPLICATION,
                       "application-id", NRT_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/neurite/Neurite",
                       NULL);
}

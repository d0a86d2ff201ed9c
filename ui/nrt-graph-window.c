/* nrt-graph-window.c: a Graph window: a plot of session traces with NEURON's Graph menu.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>

#include "nrt-graph-window.h"

struct _NrtGraphWindow
{
  AdwWindow     parent_instance;

  NrtWindow    *main_window;  /* weak */
  NrtGraphKind  kind;
};

G_DEFINE_FINAL_TYPE (NrtGraphWindow, nrt_graph_window, ADW_TYPE_WINDOW)

static const char *
kind_title (NrtGraphKind kind)
{
  switch (kind)
    {
    case NRT_GRAPH_CURRENT: return _("Current");
    case NRT_GRAPH_STATE:   return _("State");
    case NRT_GRAPH_VOLTAGE:
    default:                return _("Voltage");
    }
}

static void
nrt_graph_window_dispose (GObject *object)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (object);

  g_clear_weak_pointer (&self->main_window);
  G_OBJECT_CLASS (nrt_graph_window_parent_class)->dispose (object);
}

static void
nrt_graph_window_class_init (NrtGraphWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nrt_graph_window_dispose;
}

static void
nrt_graph_window_init (NrtGraphWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 420);
}

GtkWindow *
nrt_graph_window_new (NrtWindow    *main_window,
                      NrtGraphKind  kind)
{
  NrtGraphWindow *self = g_object_new (NRT_TYPE_GRAPH_WINDOW, NULL);

  self->kind = kind;
  g_set_weak_pointer (&self->main_window, main_window);
  gtk_window_set_title (GTK_WINDOW (self), kind_title (kind));
  return GTK_WINDOW (self);
}

NrtGraphKind
nrt_graph_window_get_kind (NrtGraphWindow *self)
{
  g_return_val_if_fail (NRT_IS_GRAPH_WINDOW (self), NRT_GRAPH_VOLTAGE);
  return self->kind;
}

void
nrt_graph_window_save_state (GtkWindow  *graph,
                             GKeyFile   *kf,
                             const char *group)
{
  g_return_if_fail (NRT_IS_GRAPH_WINDOW (graph));
  g_key_file_set_integer (kf, group, "kind", NRT_GRAPH_WINDOW (graph)->kind);
}

GtkWindow *
nrt_graph_window_new_from_state (NrtWindow  *main_window,
                                 GKeyFile   *kf,
                                 const char *group)
{
  g_autoptr(GError) error = NULL;
  int kind = g_key_file_get_integer (kf, group, "kind", &error);

  if (error != NULL || kind < NRT_GRAPH_VOLTAGE || kind > NRT_GRAPH_STATE)
    return NULL;
  return nrt_graph_window_new (main_window, kind);
}

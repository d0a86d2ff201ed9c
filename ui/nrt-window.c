/* nrt-window.c: the main window: shows the model's name, its cell and the run state.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>

#include "nrt-neuroml.h"
#include "nrt-window-private.h"

G_DEFINE_FINAL_TYPE (NrtWindow, nrt_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
nrt_window_update_title (NrtWindow *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const char *name = data->name != NULL && *data->name != '\0' ? data->name : _("Untitled cell");
  gboolean modified = nrt_model_is_modified (self->model);
  g_autofree char *basename = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  if (self->file != NULL)
    basename = g_file_get_basename (self->file);

  /* The dot marks unsaved changes, as GNOME Text Editor does. */
  if (basename != NULL)
    subtitle = modified ? g_strdup_printf ("• %s", basename) : g_strdup (basename);
  else
    subtitle = modified ? g_strdup_printf ("• %s", _("Not Saved")) : g_strdup (_("Not Saved"));

  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  title = g_strdup_printf ("%s%s — Neurite", modified ? "• " : "", name);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
nrt_window_update_summary (NrtWindow *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  guint n_sections = data->sections != NULL ? data->sections->len : 0;
  guint n_segments = 0;
  g_autofree char *sections = NULL;
  g_autofree char *segments = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n_sections; i++)
    {
      const NrtSection *sec = g_ptr_array_index (data->sections, i);
      n_segments += MAX (sec->nseg, 0);
    }

  sections = g_strdup_printf (ngettext ("%u section", "%u sections", n_sections), n_sections);
  segments = g_strdup_printf (ngettext ("%u segment", "%u segments", n_segments), n_segments);
  text = g_strdup_printf ("%s · %s", sections, segments);
  gtk_label_set_text (self->summary, text);
}

static void
on_model_changed (NrtWindow *self)
{
  nrt_window_update_title (self);
  nrt_window_update_summary (self);
  _nrt_window_update_actions (self);
}

static gboolean
nrt_window_close_request (GtkWindow *window)
{
  NrtWindow *self = NRT_WINDOW (window);

  if (self->close_confirmed || !nrt_model_is_modified (self->model))
    return GTK_WINDOW_CLASS (nrt_window_parent_class)->close_request (window);

  _nrt_window_confirm_then (self, NRT_PENDING_CLOSE);
  return TRUE;
}

static void
nrt_window_dispose (GObject *object)
{
  NrtWindow *self = NRT_WINDOW (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_object (&self->file);

  gtk_widget_dispose_template (GTK_WIDGET (self), NRT_TYPE_WINDOW);

  G_OBJECT_CLASS (nrt_window_parent_class)->dispose (object);
}

static void
nrt_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  NrtWindow *self = NRT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_window_class_init (NrtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = nrt_window_dispose;
  object_class->get_property = nrt_window_get_property;
  window_class->close_request = nrt_window_close_request;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, NRT_TYPE_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NRT_TYPE_STICK_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/neurite/Neurite/ui/nrt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, stick_view);
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, run_state);
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, time_label);
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, summary);

  _nrt_window_class_install_actions (widget_class);
}

static void
nrt_window_init (NrtWindow *self)
{
  g_autoptr(NrtModel) model = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  model = nrt_model_new_default ();
  nrt_window_set_model (self, model, NULL);
}

NrtWindow *
nrt_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (NRT_TYPE_WINDOW, "application", application, NULL);
}

NrtModel *
nrt_window_get_model (NrtWindow *self)
{
  g_return_val_if_fail (NRT_IS_WINDOW (self), NULL);

  return self->model;
}

GFile *
nrt_window_get_file (NrtWindow *self)
{
  g_return_val_if_fail (NRT_IS_WINDOW (self), NULL);

  return self->file;
}

void
nrt_window_set_model (NrtWindow *self,
                      NrtModel  *model,
                      GFile     *file)
{
  g_return_if_fail (NRT_IS_WINDOW (self));
  g_return_if_fail (NRT_IS_MODEL (model));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (self->model != model)
    {
      if (self->model != NULL)
        g_clear_signal_handler (&self->changed_id, self->model);
      g_set_object (&self->model, model);
      self->changed_id = g_signal_connect_swapped (model, "changed",
                                                   G_CALLBACK (on_model_changed), self);
      nrt_stick_view_set_model (self->stick_view, model);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
    }

  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);

  on_model_changed (self);
}

gboolean
nrt_window_load_file (NrtWindow  *self,
                      GFile      *file,
                      GError    **error)
{
  g_autoptr(NrtModel) model = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (NRT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only local files can be opened"));
      return FALSE;
    }

  /* Reading builds a fresh model, so the one on screen stays untouched on failure. */
  model = nrt_neuroml_read_file (path, error);
  if (model == NULL)
    return FALSE;

  nrt_window_set_model (self, model, file);
  return TRUE;
}

void
nrt_window_show_error (NrtWindow  *self,
                       const char *message)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_if_fail (NRT_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* Toast titles are Pango markup; file names and parser messages may hold '<' or '&'. */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  self->n_toasts++;
}

AdwWindowTitle *
_nrt_window_get_window_title (NrtWindow *self)
{
  return self->window_title;
}

NrtStickView *
_nrt_window_get_stick_view (NrtWindow *self)
{
  return self->stick_view;
}

GtkLabel *
_nrt_window_get_summary (NrtWindow *self)
{
  return self->summary;
}

guint
_nrt_window_get_n_toasts (NrtWindow *self)
{
  return self->n_toasts;
}

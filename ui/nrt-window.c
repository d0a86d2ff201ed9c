/* nrt-window.c: the main window: shows the model's name, its cell and the run state.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>

#include "nrt-cell-builder.h"
#include "nrt-graph-window.h"
#include "nrt-movie-run.h"
#include "nrt-channel-builder.h"
#include "nrt-globals.h"
#include "nrt-point-manager.h"
#include "nrt-neuroml.h"
#include "nrt-run-control.h"
#include "nrt-shape-plot.h"
#include "nrt-window-private.h"

G_DEFINE_FINAL_TYPE (NrtWindow, nrt_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_FILE,
  PROP_SESSION,
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

/* ---- the run state, from the session's status ---- */

void
_nrt_window_update_run_state (NrtWindow *self)
{
  gboolean running = FALSE;
  double t = 0.0;
  g_autofree char *time_text = NULL;

  if (self->session != NULL)
    {
      running = nrt_session_get_running (self->session);
      t = nrt_session_get_t (self->session);
    }

  gtk_label_set_text (self->run_state, running ? _("Running") : _("Stopped"));
  if (running)
    gtk_widget_add_css_class (GTK_WIDGET (self->run_state), "running");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->run_state), "running");

  /* Translators: t is the simulation time, as NEURON's RunControl shows it */
  time_text = g_strdup_printf (_("t = %.3f ms"), t);
  gtk_label_set_text (self->time_label, time_text);

  if (running && self->session != NULL)
    {
      double factor = nrt_session_get_realtime_factor (self->session);
      g_autofree char *rate = NULL;

      /* Translators: how much faster than real time the simulation runs, e.g. "× 12.5 real time" */
      rate = g_strdup_printf (_("× %.3g real time"), factor);
      gtk_label_set_text (self->rate_label, rate);
      gtk_widget_set_visible (GTK_WIDGET (self->rate_label), factor > 0.0);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->rate_label), FALSE);

  _nrt_window_update_actions (self);
}

static void
on_session_error (NrtSession *session,
                  const char *message,
                  NrtWindow  *self)
{
  g_autofree char *text = g_strdup_printf (_("The simulation stopped: %s"), message);

  nrt_window_show_error (self, text);
  _nrt_window_update_run_state (self);
}

static void
nrt_window_set_session (NrtWindow  *self,
                        NrtSession *session)
{
  if (self->session == session)
    return;

  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->status_id, self->session);
      g_clear_signal_handler (&self->error_id, self->session);
      nrt_session_stop (self->session);
    }
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      self->status_id = g_signal_connect_swapped (session, "status",
                                                  G_CALLBACK (_nrt_window_update_run_state),
                                                  self);
      self->error_id = g_signal_connect (session, "error", G_CALLBACK (on_session_error), self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* ---- tool windows ---- */

static void
nrt_window_update_tools_menu (NrtWindow *self)
{
  g_menu_remove_all (self->tools_section);

  for (guint i = 0; i < self->tools->len; i++)
    {
      GtkWindow *tool = g_ptr_array_index (self->tools, i);
      const char *title = gtk_window_get_title (tool);
      g_autoptr(GMenuItem) item = NULL;

      item = g_menu_item_new (title != NULL && *title != '\0' ? title : _("Tool"), NULL);
      g_menu_item_set_action_and_target_value (item, "win.raise-tool",
                                               g_variant_new_uint32 (i));
      g_menu_append_item (self->tools_section, item);
    }

  if (self->tools->len == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Tool Windows"), "win.no-tools");
      g_menu_append_item (self->tools_section, item);
    }
}

static void
on_tool_destroy (GtkWindow *tool,
                 NrtWindow *self)
{
  g_signal_handlers_disconnect_by_data (tool, self);
  g_ptr_array_remove (self->tools, tool);
  nrt_window_update_tools_menu (self);
}

void
nrt_window_add_tool (NrtWindow *self,
                     GtkWindow *tool)
{
  g_return_if_fail (NRT_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WINDOW (tool));

  if (g_ptr_array_find (self->tools, tool, NULL))
    return;

  g_ptr_array_add (self->tools, tool);
  gtk_window_set_transient_for (tool, GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (tool, TRUE);
  g_signal_connect (tool, "destroy", G_CALLBACK (on_tool_destroy), self);
  g_signal_connect_swapped (tool, "notify::title",
                            G_CALLBACK (nrt_window_update_tools_menu), self);
  nrt_window_update_tools_menu (self);
}

GList *
nrt_window_list_tools (NrtWindow *self)
{
  GList *list = NULL;

  g_return_val_if_fail (NRT_IS_WINDOW (self), NULL);

  for (guint i = self->tools->len; i > 0; i--)
    list = g_list_prepend (list, g_ptr_array_index (self->tools, i - 1));
  return list;
}

void
_nrt_window_close_tools (NrtWindow *self)
{
  g_autoptr(GPtrArray) tools = NULL;

  if (self->tools == NULL || self->tools->len == 0)
    return;

  tools = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->tools->len; i++)
    g_ptr_array_add (tools, g_object_ref (g_ptr_array_index (self->tools, i)));

  /* Newest first; each leaves self->tools through ::destroy. */
  for (guint i = tools->len; i > 0; i--)
    gtk_window_destroy (g_ptr_array_index (tools, i - 1));

  /* One already being destroyed emits no second ::destroy. */
  for (guint i = 0; i < tools->len; i++)
    if (g_ptr_array_find (self->tools, g_ptr_array_index (tools, i), NULL))
      on_tool_destroy (g_ptr_array_index (tools, i), self);
}

GtkWindow *
_nrt_window_find_tool (NrtWindow *self,
                       GType      type)
{
  for (guint i = 0; i < self->tools->len; i++)
    if (G_TYPE_CHECK_INSTANCE_TYPE (g_ptr_array_index (self->tools, i), type))
      return g_ptr_array_index (self->tools, i);
  return NULL;
}

/* ---- layout persistence ---- */

/* A ChannelBuilder saves the name of its channel and its size; it is restored only while the
 * channel is in the library. */
static void
channel_builder_save_state (GtkWindow  *tool,
                            GKeyFile   *kf,
                            const char *group)
{
  const char *name = nrt_channel_builder_get_channel_name (NRT_CHANNEL_BUILDER (tool));
  int width, height;

  if (name != NULL)
    g_key_file_set_string (kf, group, "channel", name);
  gtk_window_get_default_size (tool, &width, &height);
  g_key_file_set_integer (kf, group, "width", width);
  g_key_file_set_integer (kf, group, "height", height);
}

static GtkWindow *
channel_builder_new_from_state (NrtWindow  *self,
                                GKeyFile   *kf,
                                const char *group)
{
  g_autofree char *name = g_key_file_get_string (kf, group, "channel", NULL);
  int width = g_key_file_get_integer (kf, group, "width", NULL);
  int height = g_key_file_get_integer (kf, group, "height", NULL);
  GtkWindow *tool = name != NULL ? nrt_channel_builder_open (self, name) : NULL;

  if (tool != NULL && width > 0 && height > 0)
    gtk_window_set_default_size (tool, width, height);
  return tool;
}

/* A tool with make is one per main window and saves only its size; one with save and
 * restore saves its own state (restore makes the window). */
static const struct {
  const char *name;
  GType     (*get_type) (void);
  GtkWindow *(*make) (NrtWindow *);
  void       (*save) (GtkWindow *, GKeyFile *, const char *);
  GtkWindow *(*restore) (NrtWindow *, GKeyFile *, const char *);
} tool_kinds[] = {
  { "run-control", nrt_run_control_get_type, nrt_run_control_new },
  { "point-manager", nrt_point_manager_get_type, nrt_point_manager_new },
  /* Layouts saved before the Point Manager replaced the IClamp editor. */
  { "iclamp", nrt_point_manager_get_type, nrt_point_manager_new },
  { "cell-builder", nrt_cell_builder_get_type, nrt_cell_builder_new },
  { "graph", nrt_graph_window_get_type, NULL, nrt_graph_window_save_state,
    nrt_graph_window_new_from_state },
  { "shape-plot", nrt_shape_plot_get_type, NULL, nrt_shape_plot_save_state,
    nrt_shape_plot_new_from_state },
  { "movie-run", nrt_movie_run_get_type, NULL, nrt_movie_run_save_state,
    nrt_movie_run_new_from_state },
  { "globals", nrt_globals_get_type, nrt_globals_new },
  { "channel-builder", nrt_channel_builder_get_type, NULL, channel_builder_save_state,
    channel_builder_new_from_state },
};

char *
_nrt_window_save_layout (NrtWindow *self)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  int width, height;
  guint n = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_key_file_set_integer (kf, "main", "width", gtk_widget_get_width (GTK_WIDGET (self)) > 0
                                               ? gtk_widget_get_width (GTK_WIDGET (self)) : width);
  g_key_file_set_integer (kf, "main", "height", gtk_widget_get_height (GTK_WIDGET (self)) > 0
                                                ? gtk_widget_get_height (GTK_WIDGET (self)) : height);

  for (guint i = 0; i < self->tools->len; i++)
    {
      GtkWindow *tool = g_ptr_array_index (self->tools, i);
      g_autofree char *group = g_strdup_printf ("tool%u", n);

      for (guint k = 0; k < G_N_ELEMENTS (tool_kinds); k++)
        {
          if (!G_TYPE_CHECK_INSTANCE_TYPE (tool, tool_kinds[k].get_type ()))
            continue;

          g_key_file_set_string (kf, group, "type", tool_kinds[k].name);
          if (tool_kinds[k].save != NULL)
            tool_kinds[k].save (tool, kf, group);
          else
            {
              gtk_window_get_default_size (tool, &width, &height);
              if (gtk_widget_get_width (GTK_WIDGET (tool)) > 0)
                {
                  width = gtk_widget_get_width (GTK_WIDGET (tool));
                  height = gtk_widget_get_height (GTK_WIDGET (tool));
                }
              g_key_file_set_integer (kf, group, "width", width);
              g_key_file_set_integer (kf, group, "height", height);
            }
          n++;
          break;
        }
    }

  return g_key_file_to_data (kf, NULL, NULL);
}

void
_nrt_window_restore_layout (NrtWindow  *self,
                            const char *text)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  if (text == NULL || *text == '\0')
    return;
  if (!g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, NULL))
    {
      g_debug ("Ignoring an unreadable window layout");
      return;
    }

  if (g_key_file_has_group (kf, "main") && !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      int width = g_key_file_get_integer (kf, "main", "width", NULL);
      int height = g_key_file_get_integer (kf, "main", "height", NULL);

      if (width > 0 && height > 0)
        gtk_window_set_default_size (GTK_WINDOW (self), width, height);
    }

  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *type = NULL;
      GtkWindow *tool = NULL;

      if (!g_str_has_prefix (groups[i], "tool"))
        continue;
      type = g_key_file_get_string (kf, groups[i], "type", NULL);
      if (type == NULL)
        continue;

      for (guint k = 0; k < G_N_ELEMENTS (tool_kinds); k++)
        {
          if (!g_str_equal (type, tool_kinds[k].name))
            continue;
          if (tool_kinds[k].restore != NULL)
            tool = tool_kinds[k].restore (self, kf, groups[i]);
          else
            {
              int width = g_key_file_get_integer (kf, groups[i], "width", NULL);
              int height = g_key_file_get_integer (kf, groups[i], "height", NULL);

              tool = _nrt_window_find_tool (self, tool_kinds[k].get_type ());
              if (tool == NULL)
                tool = tool_kinds[k].make (self);
              if (width > 0 && height > 0)
                gtk_window_set_default_size (tool, width, height);
            }
          break;
        }

      if (tool != NULL)
        {
          nrt_window_add_tool (self, tool);
          gtk_window_present (tool);
        }
    }
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

  _nrt_window_close_tools (self);
  g_clear_pointer (&self->tools, g_ptr_array_unref);
  nrt_window_set_session (self, NULL);
  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_object (&self->file);
  g_clear_pointer (&self->pending_uri, g_free);
  g_clear_signal_handler (&self->recent_id, gtk_recent_manager_get_default ());

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
    case PROP_SESSION:
      g_value_set_object (value, self->session);
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
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, NRT_TYPE_SESSION,
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
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, rate_label);
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, tools_section);
  gtk_widget_class_bind_template_child (widget_class, NrtWindow, recent_section);

  _nrt_window_class_install_actions (widget_class);
}

static void
nrt_window_init (NrtWindow *self)
{
  g_autoptr(NrtModel) model = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Borrowed pointers: GTK's toplevel list owns tool windows, so gtk_window_destroy() really
   * disposes them and ::destroy takes them off this list. */
  self->tools = g_ptr_array_new ();
  nrt_window_update_tools_menu (self);
  self->recent_id = g_signal_connect_swapped (gtk_recent_manager_get_default (), "changed",
                                              G_CALLBACK (_nrt_window_update_recent), self);
  _nrt_window_update_recent (self);

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

NrtSession *
nrt_window_get_session (NrtWindow *self)
{
  g_return_val_if_fail (NRT_IS_WINDOW (self), NULL);

  return self->session;
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
      g_autoptr(NrtSession) session = NULL;

      /* The tools show the old model; they go with it. */
      _nrt_window_close_tools (self);
      if (self->model != NULL)
        g_clear_signal_handler (&self->changed_id, self->model);
      g_set_object (&self->model, model);
      session = nrt_session_new (model);
      nrt_window_set_session (self, session);
      self->changed_id = g_signal_connect_swapped (model, "changed",
                                                   G_CALLBACK (on_model_changed), self);
      nrt_stick_view_set_model (self->stick_view, model);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
    }

  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);

  on_model_changed (self);
  _nrt_window_update_run_state (self);
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
  _nrt_window_restore_layout (self, nrt_model_get_data (model)->view_state);
  _nrt_window_add_recent (self, file);
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

GtkLabel *
_nrt_window_get_run_state (NrtWindow *self)
{
  return self->run_state;
}

GtkLabel *
_nrt_window_get_time_label (NrtWindow *self)
{
  return self->time_label;
}

GMenuModel *
_nrt_window_get_tools_menu (NrtWindow *self)
{
  return G_MENU_MODEL (self->tools_section);
}

/* nrt-window-actions.c: the main window's commands (win.*), and when each is enabled.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>

#include "nrt-cell-builder.h"
#include "nrt-channel-builder.h"
#include "nrt-graph-window.h"
#include "nrt-point-manager.h"
#include "nrt-neuroml.h"
#include "nrt-run-control.h"
#include "nrt-movie-run.h"
#include "nrt-globals.h"
#include "nrt-shape-plot.h"
#include "nrt-window-private.h"

static void nrt_window_save_as (NrtWindow *self, NrtPending then);
static void open_recent_now (NrtWindow *self, const char *uri);

static void
nrt_window_perform (NrtWindow  *self,
                    NrtPending  what);

static GtkFileFilter *
nml_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("NeuroML Models"));
  gtk_file_filter_add_pattern (filter, "*.nml");
  gtk_file_filter_add_pattern (filter, "*.NML");
  gtk_file_filter_add_suffix (filter, "xml");
  return filter;
}

/* Writes the model to file atomically; on success the file becomes the window's. */
static gboolean
nrt_window_write (NrtWindow *self,
                  GFile     *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    {
      nrt_window_show_error (self, _("Only local files can be saved"));
      return FALSE;
    }

  {
    /* The open tools and graphs go into the file's annotation, to be restored on open. */
    g_autofree char *layout = _nrt_window_save_layout (self);
    nrt_model_set_view_state (self->model, layout);
  }

  if (!nrt_neuroml_write_file (self->model, path, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save: %s"), error->message);
      nrt_window_show_error (self, message);
      return FALSE;
    }

  nrt_model_mark_saved (self->model);
  nrt_window_set_model (self, self->model, file);
  _nrt_window_add_recent (self, file);
  return TRUE;
}

static void
on_save_as_response (GtkNativeDialog *native,
                     int              response,
                     NrtWindow       *self)
{
  NrtPending then = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "nrt-pending"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL && nrt_window_write (self, file))
        nrt_window_perform (self, then);
    }

  g_object_unref (native);
  g_object_unref (self);
}

static void
nrt_window_save_as (NrtWindow  *self,
                    NrtPending  then)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = nml_filter ();

  native = gtk_file_chooser_native_new (_("Save Model"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);

  if (self->file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), self->file, NULL);
  else
    {
      const NrtModelData *data = nrt_model_get_data (self->model);
      g_autofree char *name = g_strdup_printf ("%s.nml", data->name != NULL ? data->name : "cell");
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
    }

  g_object_set_data (G_OBJECT (native), "nrt-pending", GINT_TO_POINTER (then));
  g_signal_connect (native, "response", G_CALLBACK (on_save_as_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Save to the current file, or ask for one; then go on with then. */
static void
nrt_window_save (NrtWindow  *self,
                 NrtPending  then)
{
  if (self->file == NULL)
    nrt_window_save_as (self, then);
  else if (nrt_window_write (self, self->file))
    nrt_window_perform (self, then);
}

static void
on_open_response (GtkNativeDialog *native,
                  int              response,
                  NrtWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(GError) error = NULL;

      if (file != NULL && !nrt_window_load_file (self, file, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not open: %s"), error->message);
          nrt_window_show_error (self, message);
        }
    }

  g_object_unref (native);
  g_object_unref (self);
}

static void
nrt_window_choose_file_to_open (NrtWindow *self)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = nml_filter ();

  native = gtk_file_chooser_native_new (_("Open Model"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect (native, "response", G_CALLBACK (on_open_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
nrt_window_perform (NrtWindow  *self,
                    NrtPending  what)
{
  switch (what)
    {
    case NRT_PENDING_NONE:
      break;

    case NRT_PENDING_CLOSE:
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;

    case NRT_PENDING_OPEN:
      nrt_window_choose_file_to_open (self);
      break;

    case NRT_PENDING_OPEN_RECENT:
      if (self->pending_uri != NULL)
        {
          g_autofree char *uri = g_steal_pointer (&self->pending_uri);
          open_recent_now (self, uri);
        }
      break;

    case NRT_PENDING_NEW:
      {
        g_autoptr(NrtModel) model = nrt_model_new_default ();
        nrt_window_set_model (self, model, NULL);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

typedef struct {
  NrtWindow  *self;
  NrtPending  then;
  gboolean    save;
} Decision;

static gboolean
apply_decision (gpointer user_data)
{
  Decision *d = user_data;

  if (d->save)
    nrt_window_save (d->self, d->then);
  else
    nrt_window_perform (d->self, d->then);

  g_object_unref (d->self);
  g_free (d);
  return G_SOURCE_REMOVE;
}

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     NrtWindow        *self)
{
  Decision *d;

  if (g_strcmp0 (response, "discard") != 0 && g_strcmp0 (response, "save") != 0)
    return;

  /* Act once the dialog has gone: closing the window from inside the dialog's own response
   * would destroy the dialog's parent under it. */
  d = g_new0 (Decision, 1);
  d->self = g_object_ref (self);
  d->then = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "nrt-pending"));
  d->save = g_strcmp0 (response, "save") == 0;
  g_idle_add (apply_decision, d);
}

void
_nrt_window_confirm_then (NrtWindow  *self,
                          NrtPending  what)
{
  const NrtModelData *data;
  GtkWidget *dialog;

  g_assert (NRT_IS_WINDOW (self));

  if (!nrt_model_is_modified (self->model))
    {
      nrt_window_perform (self, what);
      return;
    }

  data = nrt_model_get_data (self->model);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” has unsaved changes. Changes which are not saved will be permanently lost."),
                                  data->name != NULL ? data->name : "");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "nrt-pending", GINT_TO_POINTER (what));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
action_new (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  _nrt_window_confirm_then (NRT_WINDOW (widget), NRT_PENDING_NEW);
}

static void
action_open (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  _nrt_window_confirm_then (NRT_WINDOW (widget), NRT_PENDING_OPEN);
}

static void
action_save (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  nrt_window_save (NRT_WINDOW (widget), NRT_PENDING_NONE);
}

static void
action_save_as (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  nrt_window_save_as (NRT_WINDOW (widget), NRT_PENDING_NONE);
}

static void
action_undo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!nrt_model_undo (self->model, &error))
    nrt_window_show_error (self, error->message);
}

static void
action_redo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!nrt_model_redo (self->model, &error))
    nrt_window_show_error (self, error->message);
}

static void
action_init_run (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);

  /* While running, the session restarts the run rather than nesting a second one. */
  nrt_session_run (self->session);
}

static void
action_stop (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  nrt_session_stop (NRT_WINDOW (widget)->session);
}

static void
action_raise_tool (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);
  guint index = g_variant_get_uint32 (param);

  if (index < self->tools->len)
    gtk_window_present (g_ptr_array_index (self->tools, index));
}

/* Shows the tool of type when one is open, else makes one with make. */
static void
present_single_tool (NrtWindow  *self,
                     GType       type,
                     GtkWindow *(*make) (NrtWindow *))
{
  GtkWindow *tool = _nrt_window_find_tool (self, type);

  if (tool == NULL)
    {
      tool = make (self);
      nrt_window_add_tool (self, tool);
    }
  gtk_window_present (tool);
}

static void
action_cell_builder (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  present_single_tool (NRT_WINDOW (widget), NRT_TYPE_CELL_BUILDER, nrt_cell_builder_new);
}

/* Build → Channel Builder → Density / Point: every one a new channel in a new window, as in
 * NEURON. */
static void
action_channel_builder (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);
  const char *kind = g_variant_get_string (param, NULL);
  GtkWindow *builder;

  builder = nrt_channel_builder_new (self, g_str_equal (kind, "point") ? NRT_CHANNEL_POINT
                                                                       : NRT_CHANNEL_DENSITY);
  if (builder != NULL)
    gtk_window_present (builder);
}

/* The ChannelBuilder of an existing channel of the library, by name. */
static void
action_edit_channel (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);
  GtkWindow *builder = nrt_channel_builder_open (self, g_variant_get_string (param, NULL));

  if (builder != NULL)
    gtk_window_present (builder);
}

static void
action_run_control (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  present_single_tool (NRT_WINDOW (widget), NRT_TYPE_RUN_CONTROL, nrt_run_control_new);
}

/* Point Manager and Point Group are the two pages of one window. */
static void
action_point_processes (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);
  GtkWindow *tool;

  present_single_tool (self, NRT_TYPE_POINT_MANAGER, nrt_point_manager_new);
  tool = _nrt_window_find_tool (self, NRT_TYPE_POINT_MANAGER);
  if (tool != NULL)
    nrt_point_manager_show_page (NRT_POINT_MANAGER (tool),
                                 g_str_equal (action_name, "win.point-group") ? "group" : "manager");
}

static void
action_graph (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);
  const char *kind = g_variant_get_string (param, NULL);
  NrtGraphKind graph_kind;
  GtkWindow *graph;

  if (g_str_equal (kind, "current"))
    graph_kind = NRT_GRAPH_CURRENT;
  else if (g_str_equal (kind, "state"))
    graph_kind = NRT_GRAPH_STATE;
  else
    graph_kind = NRT_GRAPH_VOLTAGE;

  graph = nrt_graph_window_new (self, graph_kind);
  nrt_window_add_tool (self, graph);
  gtk_window_present (graph);
}

static void
action_shape_plot (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  /* Every Graph → Shape plot is a new PlotShape, as in NEURON; it registers itself. */
  gtk_window_present (nrt_shape_plot_new (NRT_WINDOW (widget)));
}

static void
action_movie_run (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  present_single_tool (NRT_WINDOW (widget), NRT_TYPE_MOVIE_RUN, nrt_movie_run_new);
}

static void
action_globals (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  present_single_tool (NRT_WINDOW (widget), NRT_TYPE_GLOBALS, nrt_globals_new);
}

/* ---- File → Open Recent: this application's own .nml files ---- */

void
_nrt_window_add_recent (NrtWindow *self,
                        GFile     *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .mime_type = (char *) "application/xml",
    .app_name = (char *) "Neurite",
    .app_exec = (char *) "neurite %u",
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GtkRecentInfo *ia = *(GtkRecentInfo **) a;
  GtkRecentInfo *ib = *(GtkRecentInfo **) b;
  GDateTime *ma = gtk_recent_info_get_modified (ia);
  GDateTime *mb = gtk_recent_info_get_modified (ib);

  return g_date_time_compare (mb, ma);
}

void
_nrt_window_update_recent (NrtWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr(GPtrArray) ours = g_ptr_array_new ();
  guint n = 0;

  g_menu_remove_all (self->recent_section);

  for (GList *l = items; l != NULL; l = l->next)
    if (gtk_recent_info_has_application (l->data, "Neurite") && gtk_recent_info_exists (l->data))
      g_ptr_array_add (ours, l->data);
  g_ptr_array_sort (ours, compare_recent);

  for (guint i = 0; i < ours->len && n < 10; i++, n++)
    {
      GtkRecentInfo *info = g_ptr_array_index (ours, i);
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *label = NULL;

      /* Mnemonics 1–9 and 0, as text editors number their recent files. */
      label = g_strdup_printf ("_%u. %s", (n + 1) % 10, gtk_recent_info_get_display_name (info));
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (gtk_recent_info_get_uri (info)));
      g_menu_append_item (self->recent_section, item);
    }

  if (n == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Models"), "win.no-tools");
      g_menu_append_item (self->recent_section, item);
    }

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
open_recent_now (NrtWindow  *self,
                 const char *uri)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  g_autoptr(GError) error = NULL;

  if (!nrt_window_load_file (self, file, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not open: %s"), error->message);
      nrt_window_show_error (self, message);
    }
}

static void
action_open_recent (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);

  g_free (self->pending_uri);
  self->pending_uri = g_variant_dup_string (param, NULL);
  _nrt_window_confirm_then (self, NRT_PENDING_OPEN_RECENT);
}

static void
action_nothing (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  /* The Window menu's "No Tool Windows" placeholder: always disabled. */
}

void
_nrt_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new", NULL, action_new);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, action_save);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, action_save_as);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, action_redo);
  gtk_widget_class_install_action (widget_class, "win.init-run", NULL, action_init_run);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, action_stop);
  gtk_widget_class_install_action (widget_class, "win.raise-tool", "u", action_raise_tool);
  gtk_widget_class_install_action (widget_class, "win.no-tools", NULL, action_nothing);
  gtk_widget_class_install_action (widget_class, "win.cell-builder", NULL, action_cell_builder);
  gtk_widget_class_install_action (widget_class, "win.run-control", NULL, action_run_control);
  gtk_widget_class_install_action (widget_class, "win.channel-builder", "s", action_channel_builder);
  gtk_widget_class_install_action (widget_class, "win.edit-channel", "s", action_edit_channel);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.channel-builder", "s", "density");
  gtk_widget_class_install_action (widget_class, "win.point-manager", NULL, action_point_processes);
  gtk_widget_class_install_action (widget_class, "win.point-group", NULL, action_point_processes);
  gtk_widget_class_install_action (widget_class, "win.graph", "s", action_graph);
  gtk_widget_class_install_action (widget_class, "win.shape-plot", NULL, action_shape_plot);
  gtk_widget_class_install_action (widget_class, "win.movie-run", NULL, action_movie_run);
  gtk_widget_class_install_action (widget_class, "win.globals", NULL, action_globals);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", action_open_recent);
}

void
_nrt_window_update_actions (NrtWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.undo", nrt_model_can_undo (self->model));
  gtk_widget_action_set_enabled (widget, "win.redo", nrt_model_can_redo (self->model));
  gtk_widget_action_set_enabled (widget, "win.init-run", self->session != NULL);
  gtk_widget_action_set_enabled (widget, "win.stop",
                                 self->session != NULL && nrt_session_get_running (self->session));
  gtk_widget_action_set_enabled (widget, "win.no-tools", FALSE);
}

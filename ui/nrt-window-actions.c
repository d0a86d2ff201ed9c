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
#include "nrt-neuroml-folder.h"
#include "nrt-python-export.h"
#include "nrt-swc.h"
#include "nrt-window-io.h"
#include "nrt-run-control.h"
#include "nrt-movie-run.h"
#include "nrt-globals.h"
#include "nrt-shape-plot.h"
#include "nrt-window-private.h"

static void nrt_window_save_as (NrtWindow *self, NrtPending then);
static void open_recent_now (NrtWindow *self, const char *uri);
static void choose_swc_to_import (NrtWindow *self);

/* File → Import → SWC goes through the save prompt as File → Open does; NrtPending belongs
 * to nrt-window-private.h, so this file's own pending step is a value outside that enum. */
#define PENDING_IMPORT_SWC ((NrtPending) 64)

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

/* What File → Open reads: NeuroML and LEMS (LEMS_*.xml), SWC reconstructions, anything. */
static GtkFileFilter *
open_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("NeuroML, LEMS and SWC Files"));
  gtk_file_filter_add_suffix (filter, "nml");
  gtk_file_filter_add_suffix (filter, "xml");
  gtk_file_filter_add_suffix (filter, "swc");
  return filter;
}

static GtkFileFilter *
swc_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("SWC Morphologies"));
  gtk_file_filter_add_suffix (filter, "swc");
  return filter;
}

static GtkFileFilter *
all_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("All Files"));
  gtk_file_filter_add_pattern (filter, "*");
  return filter;
}

static GtkFileFilter *
nml_lems_filter (void)
{
  GtkFileFilter *filter = nml_filter ();

  gtk_file_filter_set_name (filter, _("NeuroML and LEMS Files"));
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
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      /* An SWC file is imported (in the background, with progress), not opened. */
      if (path != NULL && nrt_swc_is_swc_path (path))
        nrt_window_import_swc (self, file);
      else if (file != NULL && !nrt_window_load_file (self, file, &error))
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
  g_autoptr(GtkFileFilter) filter = open_filter ();
  g_autoptr(GtkFileFilter) nml = nml_lems_filter ();
  g_autoptr(GtkFileFilter) swc = swc_filter ();
  g_autoptr(GtkFileFilter) all = all_filter ();

  native = gtk_file_chooser_native_new (_("Open Model"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), nml);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), swc);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  g_signal_connect (native, "response", G_CALLBACK (on_open_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
nrt_window_perform (NrtWindow  *self,
                    NrtPending  what)
{
  if (what == PENDING_IMPORT_SWC)
    {
      choose_swc_to_import (self);
      return;
    }
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

/* ---- File → Import → SWC: a worker thread, a progress bar, the model replaced at the end ---- */

/* Per window (object data): the import running, and what the last one showed. */
typedef struct {
  GCancellable *running;   /* the import in progress, NULL when none */
  double        fraction;  /* the bar's last value */
  guint         n_updates;
  gboolean      shown;
  char         *error;
} ImportState;

/* One read: lives until its callback has run (the window may be gone by then). */
typedef struct {
  GWeakRef      window;
  GCancellable *cancellable;
  GFile        *file;
} ImportJob;

static void
import_state_free (gpointer data)
{
  ImportState *state = data;

  if (state->running != NULL)
    g_cancellable_cancel (state->running);
  g_clear_object (&state->running);
  g_free (state->error);
  g_free (state);
}

static ImportState *
import_state (NrtWindow *self)
{
  ImportState *state = g_object_get_data (G_OBJECT (self), "nrt-import-state");

  if (state == NULL)
    {
      state = g_new0 (ImportState, 1);
      g_object_set_data_full (G_OBJECT (self), "nrt-import-state", state, import_state_free);
    }
  return state;
}

static void
import_job_free (ImportJob *job)
{
  g_weak_ref_clear (&job->window);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->file);
  g_free (job);
}

/* The import bar's widgets are laid out in nrt-window.ui and found by their widget names. */
static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
show_import_bar (NrtWindow  *self,
                 gboolean    show,
                 const char *text)
{
  GtkWidget *bar = find_named (GTK_WIDGET (self->toast_overlay), "nrt-import-bar");
  GtkWidget *label = find_named (GTK_WIDGET (self->toast_overlay), "nrt-import-label");
  GtkWidget *progress = find_named (GTK_WIDGET (self->toast_overlay), "nrt-import-progress");

  if (label != NULL && text != NULL)
    gtk_label_set_text (GTK_LABEL (label), text);
  if (progress != NULL && show)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (progress), 0);
  if (bar != NULL)
    gtk_revealer_set_reveal_child (GTK_REVEALER (bar), show);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-cancel", show);
}

static void
on_import_progress (double   fraction,
                    gpointer user_data)
{
  ImportJob *job = user_data;
  g_autoptr(NrtWindow) self = g_weak_ref_get (&job->window);
  ImportState *state;
  GtkWidget *progress;

  if (self == NULL)
    return;
  state = import_state (self);
  if (state->running != job->cancellable)
    return;
  state->fraction = fraction;
  state->n_updates++;
  progress = find_named (GTK_WIDGET (self->toast_overlay), "nrt-import-progress");
  if (progress != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%.0f %%", 100 * fraction);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (progress), fraction);
      gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), text);
    }
}

static void
on_import_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ImportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtModel) model = nrt_swc_read_file_finish (result, &error);
  g_autoptr(NrtWindow) self = g_weak_ref_get (&job->window);
  ImportState *state;

  if (self == NULL)
    goto out;
  state = import_state (self);
  /* A newer import replaced this one: its bar and its result are the ones that count. */
  if (state->running != job->cancellable)
    goto out;
  g_clear_object (&state->running);
  show_import_bar (self, FALSE, NULL);

  if (model == NULL)
    {
      g_autofree char *name = g_file_get_basename (job->file);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        goto out;
      g_free (state->error);
      state->error = g_strdup_printf (_("Could not import %s: %s"), name, error->message);
      nrt_window_show_error (self, state->error);
      goto out;
    }

  {
    /* Say where the cell came from; as an edit, it also marks the untitled document as
     * modified, so closing it asks to save. */
    const NrtModelData *data = nrt_model_get_data (model);
    g_autofree char *name = g_file_get_basename (job->file);
    g_autofree char *notes = g_strdup_printf (_("%s%sImported from the SWC file %s."),
                                              data->notes != NULL ? data->notes : "",
                                              data->notes != NULL && *data->notes ? "\n\n" : "",
                                              name);
    nrt_model_set_notes (model, notes, NULL);
  }
  g_clear_pointer (&state->error, g_free);
  nrt_window_set_model (self, model, NULL);

out:
  import_job_free (job);
}

void
nrt_window_import_swc (NrtWindow *self,
                       GFile     *file)
{
  ImportState *state;
  ImportJob *job;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (NRT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  state = import_state (self);
  name = g_file_get_basename (file);
  if ((path = g_file_get_path (file)) == NULL)
    {
      g_free (state->error);
      state->error = g_strdup_printf (_("Could not import %s: only local files can be read"), name);
      nrt_window_show_error (self, state->error);
      return;
    }
  if (state->running != NULL)
    g_cancellable_cancel (state->running);
  g_clear_object (&state->running);
  state->running = g_cancellable_new ();
  state->fraction = 0;
  state->n_updates = 0;
  state->shown = TRUE;
  g_clear_pointer (&state->error, g_free);

  job = g_new0 (ImportJob, 1);
  g_weak_ref_init (&job->window, self);
  job->cancellable = g_object_ref (state->running);
  job->file = g_object_ref (file);

  text = g_strdup_printf (_("Importing %s…"), name);
  show_import_bar (self, TRUE, text);
  nrt_swc_read_file_async (path, job->cancellable, on_import_progress, job, on_import_done, job);
}

gboolean
nrt_window_get_importing (NrtWindow *self)
{
  g_return_val_if_fail (NRT_IS_WINDOW (self), FALSE);
  return import_state (self)->running != NULL;
}

void
nrt_window_cancel_import (NrtWindow *self)
{
  ImportState *state;

  g_return_if_fail (NRT_IS_WINDOW (self));
  state = import_state (self);
  if (state->running != NULL)
    g_cancellable_cancel (state->running);
}

double
nrt_window_get_import_progress (NrtWindow *self,
                                guint     *n_updates,
                                gboolean  *shown)
{
  ImportState *state;

  g_return_val_if_fail (NRT_IS_WINDOW (self), 0);
  state = import_state (self);
  if (n_updates != NULL)
    *n_updates = state->n_updates;
  if (shown != NULL)
    *shown = state->shown;
  return state->fraction;
}

const char *
nrt_window_get_import_error (NrtWindow *self)
{
  g_return_val_if_fail (NRT_IS_WINDOW (self), NULL);
  return import_state (self)->error;
}

static void
on_import_response (GtkNativeDialog *native,
                    int              response,
                    NrtWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      if (file != NULL)
        nrt_window_import_swc (self, file);
    }
  g_object_unref (native);
  g_object_unref (self);
}

static void
choose_swc_to_import (NrtWindow *self)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) swc = swc_filter ();
  g_autoptr(GtkFileFilter) all = all_filter ();

  native = gtk_file_chooser_native_new (_("Import SWC Morphology"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), swc);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  g_signal_connect (native, "response", G_CALLBACK (on_import_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
action_import_swc (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  _nrt_window_confirm_then (NRT_WINDOW (widget), PENDING_IMPORT_SWC);
}

static void
action_import_cancel (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  nrt_window_cancel_import (NRT_WINDOW (widget));
}

/* ---- File → Export: NeuroML folder, hoc (two forms), Python ---- */

static void
show_done (NrtWindow  *self,
           const char *what,
           GFile      *file)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *text = g_strdup_printf (what, name);
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static char *
export_path (GFile   *file,
             GError **error)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("Only local files can be written"));
  return path;
}

gboolean
nrt_window_export_neuroml_folder (NrtWindow  *self,
                                  GFile      *dir,
                                  GError    **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (NRT_IS_WINDOW (self), FALSE);
  if ((path = export_path (dir, error)) == NULL)
    return FALSE;
  {
    /* The open graphs become the LEMS file's Displays. */
    g_autofree char *layout = _nrt_window_save_layout (self);
    nrt_model_set_view_state (self->model, layout);
  }
  return nrt_neuroml_write_folder (self->model, path, NULL, error);
}

gboolean
nrt_window_export_hoc (NrtWindow   *self,
                       GFile       *file,
                       NrtHocForm   form,
                       GError     **error)
{
  g_autofree char *path = NULL;
  NrtHocCellOptions options = {
    .output_section = NULL,
    .output_x = 1,
    .threshold = 10,
    .form = form,
    .channels = NRT_HOC_CHANNELS_NMODL,
    .session = NRT_HOC_SESSION_SETUP,
  };

  g_return_val_if_fail (NRT_IS_WINDOW (self), FALSE);
  if ((path = export_path (file, error)) == NULL)
    return FALSE;
  return nrt_hoc_write_file_full (self->model, &options, path, error);
}

gboolean
nrt_window_export_python (NrtWindow  *self,
                          GFile      *file,
                          GError    **error)
{
  g_autofree char *path = NULL;
  NrtPythonExportOptions options = { NRT_PYTHON_CHANNELS_NMODL, NULL };

  g_return_val_if_fail (NRT_IS_WINDOW (self), FALSE);
  if ((path = export_path (file, error)) == NULL)
    return FALSE;
  return nrt_python_export_write_file (self->model, &options, path, error);
}

typedef enum {
  EXPORT_FOLDER,
  EXPORT_HOC_CELLDEF,
  EXPORT_HOC_CLASS,
  EXPORT_PYTHON,
} ExportKind;

static void
on_export_response (GtkNativeDialog *native,
                    int              response,
                    NrtWindow       *self)
{
  ExportKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "nrt-export"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(GError) error = NULL;
      gboolean ok = FALSE;

      if (file != NULL)
        {
          switch (kind)
            {
            case EXPORT_FOLDER:
              ok = nrt_window_export_neuroml_folder (self, file, &error);
              break;
            case EXPORT_HOC_CELLDEF:
              ok = nrt_window_export_hoc (self, file, NRT_HOC_FORM_CELLDEF, &error);
              break;
            case EXPORT_HOC_CLASS:
              ok = nrt_window_export_hoc (self, file, NRT_HOC_FORM_CLASS, &error);
              break;
            case EXPORT_PYTHON:
              ok = nrt_window_export_python (self, file, &error);
              break;
            default:
              g_assert_not_reached ();
            }
          if (ok)
            show_done (self, _("Exported to %s"), file);
          else
            {
              g_autofree char *message = g_strdup_printf (_("Could not export: %s"), error->message);
              nrt_window_show_error (self, message);
            }
        }
    }
  g_object_unref (native);
  g_object_unref (self);
}

static void
action_export (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  NrtWindow *self = NRT_WINDOW (widget);
  const char *what = g_variant_get_string (param, NULL);
  const NrtModelData *data = nrt_model_get_data (self->model);
  const char *model_name = data->name != NULL ? data->name : "cell";
  GtkFileChooserNative *native;
  ExportKind kind;
  const char *title, *suffix;

  if (g_str_equal (what, "neuroml-folder"))
    kind = EXPORT_FOLDER, title = _("Export NeuroML Folder"), suffix = NULL;
  else if (g_str_equal (what, "hoc-class"))
    kind = EXPORT_HOC_CLASS, title = _("Export hoc (Class)"), suffix = "hoc";
  else if (g_str_equal (what, "python"))
    kind = EXPORT_PYTHON, title = _("Export Python"), suffix = "py";
  else
    kind = EXPORT_HOC_CELLDEF, title = _("Export hoc (celldef)"), suffix = "hoc";

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                        suffix == NULL ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                       : GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (suffix != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s.%s", model_name, suffix);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
    }
  g_object_set_data (G_OBJECT (native), "nrt-export", GINT_TO_POINTER (kind));
  g_signal_connect (native, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
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
  gtk_widget_class_install_action (widget_class, "win.import-swc", NULL, action_import_swc);
  gtk_widget_class_install_action (widget_class, "win.import-cancel", NULL, action_import_cancel);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.import-swc", NULL);
  gtk_widget_class_install_action (widget_class, "win.export", "s", action_export);
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
  gtk_widget_action_set_enabled (widget, "win.import-cancel", nrt_window_get_importing (self));
}

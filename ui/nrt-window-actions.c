/* nrt-window-actions.c: the main window's commands (win.*), and when each is enabled.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>

#include "nrt-neuroml.h"
#include "nrt-window-private.h"

static void nrt_window_save_as (NrtWindow *self, NrtPending then);

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

  if (!nrt_neuroml_write_file (self->model, path, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save: %s"), error->message);
      nrt_window_show_error (self, message);
      return FALSE;
    }

  nrt_model_mark_saved (self->model);
  nrt_window_set_model (self, self->model, file);
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

/* nrt-graph-window.c: a Graph window: a plot of session traces with NEURON's Graph menu.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What NEURON's Voltage, Current and State axis graphs do (reference/neuron-gui.md §4.1, §4.2)
 * with a header-bar menu instead of the scene popup: Plot What?, View = plot, Set View, zoom,
 * Keep Lines, Erase, and exports (CSV, PNG, SVG, PDF) that NEURON does not have.  The x range
 * follows Tstop, as NEURON resizes its time graphs to 0…tstop.
 */
#include "nrt-ui-config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "nrt-graph-window.h"
#include "nrt-number-entry.h"
#include "nrt-plot.h"
#include "nrt-session.h"

struct _NrtGraphWindow
{
  AdwWindow        parent_instance;

  NrtWindow       *main_window;   /* weak */
  NrtSession      *session;       /* owned ref; NULL without a main window */
  NrtModel        *model;         /* owned ref */
  gulong           session_id;
  gulong           model_changed_id;
  NrtGraphKind     kind;
  GPtrArray       *exprs;         /* of char*: what is plotted, in trace order */
  double           tstop;

  /* template children */
  AdwWindowTitle  *window_title;
  AdwToastOverlay *toast_overlay;
  NrtPlot         *plot;
  GtkToggleButton *keep_button;
};

G_DEFINE_FINAL_TYPE (NrtGraphWindow, nrt_graph_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_KEEP_LINES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

static const char *
kind_y_title (NrtGraphKind kind)
{
  switch (kind)
    {
    /* TRANSLATORS: y axis titles of the three graphs, with units */
    case NRT_GRAPH_CURRENT: return _("i (mA/cm² or nA)");
    case NRT_GRAPH_STATE:   return _("state (1)");
    case NRT_GRAPH_VOLTAGE:
    default:                return _("v (mV)");
    }
}

static void
kind_y_range (NrtGraphKind  kind,
              double       *y0,
              double       *y1)
{
  switch (kind)
    {
    case NRT_GRAPH_CURRENT: *y0 = -1;  *y1 = 1;  break;
    case NRT_GRAPH_STATE:   *y0 = 0;   *y1 = 1;  break;
    case NRT_GRAPH_VOLTAGE:
    default:                *y0 = -80; *y1 = 40; break;
    }
}

/* NEURON's Plot(): a Current graph draws each sample at t − dt/2, a State graph at t + dt/2
 * (hoc:stdrun.hoc graphList[1] and [2]), where the quantities of a step are centred. */
static double
kind_x_offset (NrtGraphKind kind,
               double       dt)
{
  switch (kind)
    {
    case NRT_GRAPH_CURRENT: return -dt / 2;
    case NRT_GRAPH_STATE:   return dt / 2;
    case NRT_GRAPH_VOLTAGE:
    default:                return 0;
    }
}

static void
show_toast (NrtGraphWindow *self,
            const char     *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_title (NrtGraphWindow *self)
{
  const char *name = NULL;
  g_autofree char *title = NULL;

  if (self->model != NULL)
    name = nrt_model_get_data (self->model)->name;
  if (name == NULL || *name == '\0')
    name = _("Untitled cell");

  adw_window_title_set_title (self->window_title, kind_title (self->kind));
  adw_window_title_set_subtitle (self->window_title, name);
  /* TRANSLATORS: a graph window's title: the graph kind, then the cell's name */
  title = g_strdup_printf (_("%s — %s"), kind_title (self->kind), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_actions (NrtGraphWindow *self)
{
  gboolean has_session = self->session != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.plot-what", has_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.erase",
                                 nrt_plot_get_n_kept (self->plot) > 0);
}

static double
model_dt (NrtGraphWindow *self)
{
  return self->model != NULL ? nrt_model_get_data (self->model)->settings.dt : 0.025;
}

/* Adds expr as a live trace.  Returns FALSE with error when the session refuses it. */
static gboolean
add_trace (NrtGraphWindow *self,
           const char     *expr,
           GError        **error)
{
  int id;

  g_assert (self->session != NULL);
  id = nrt_session_add_trace (self->session, expr, error);
  if (id < 0)
    return FALSE;
  nrt_plot_add_store_trace (self->plot, nrt_session_get_trace_store (self->session), id, expr,
                            kind_x_offset (self->kind, model_dt (self)));
  g_ptr_array_add (self->exprs, g_strdup (expr));
  nrt_plot_set_placeholder (self->plot, NULL);
  return TRUE;
}

/* v(0.5) of the root section, as NEURON's Voltage axis plots v(.5) of the accessed one. */
static char *
default_expression (NrtGraphWindow *self)
{
  const NrtModelData *data;

  if (self->model == NULL)
    return NULL;
  data = nrt_model_get_data (self->model);
  for (guint i = 0; data->sections != NULL && i < data->sections->len; i++)
    {
      const NrtSection *sec = g_ptr_array_index (data->sections, i);
      if (sec->parent < 0)
        return g_strdup_printf ("%s(0.5).v", sec->name);
    }
  return NULL;
}

static void
follow_tstop (NrtGraphWindow *self)
{
  double x0, x1, y0, y1, tstop;

  if (self->model == NULL)
    return;
  tstop = nrt_model_get_data (self->model)->settings.tstop;
  if (tstop == self->tstop || !(tstop > 0))
    return;
  self->tstop = tstop;
  nrt_plot_get_view (self->plot, &x0, &x1, &y0, &y1);
  nrt_plot_set_view (self->plot, 0, tstop, y0, y1);
}

static void
on_model_changed (NrtGraphWindow  *self,
                  const NrtChange *change)
{
  if (change == NULL || change->kind == NRT_CHANGE_SETTINGS)
    follow_tstop (self);
  update_title (self);
}

/* Plots exprs (or the kind's default when exprs is NULL) of the main window's session. */
static void
bind_session (NrtGraphWindow *self,
              const char    **exprs)
{
  g_autoptr(GPtrArray) old = NULL;
  NrtSession *session = self->main_window != NULL ? nrt_window_get_session (self->main_window) : NULL;

  if (self->model != NULL)
    g_clear_signal_handler (&self->model_changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_object (&self->session);
  nrt_plot_clear (self->plot);
  old = g_steal_pointer (&self->exprs);
  self->exprs = g_ptr_array_new_with_free_func (g_free);

  if (session != NULL)
    {
      self->session = g_object_ref (session);
      self->model = g_object_ref (nrt_session_get_model (session));
      self->model_changed_id = g_signal_connect_swapped (self->model, "changed",
                                                         G_CALLBACK (on_model_changed), self);
    }

  if (self->session != NULL)
    {
      g_autofree char *def = NULL;

      if (exprs == NULL && self->kind == NRT_GRAPH_VOLTAGE)
        {
          def = default_expression (self);
          if (def != NULL && !add_trace (self, def, NULL))
            g_debug ("cannot plot %s", def);
        }
      for (guint i = 0; exprs != NULL && exprs[i] != NULL; i++)
        {
          g_autoptr(GError) error = NULL;
          if (!add_trace (self, exprs[i], &error))
            show_toast (self, error->message);
        }
    }

  if (self->exprs->len == 0)
    nrt_plot_set_placeholder (self->plot, _("Nothing plotted yet: choose a variable with Plot What? (Ctrl+P)"));
  self->tstop = 0;
  follow_tstop (self);
  update_title (self);
  update_actions (self);
}

static void
on_session_changed (NrtGraphWindow *self)
{
  /* A new model: plot the same things if they still exist. */
  g_autoptr(GPtrArray) exprs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; self->exprs != NULL && i < self->exprs->len; i++)
    g_ptr_array_add (exprs, g_strdup (g_ptr_array_index (self->exprs, i)));
  g_ptr_array_add (exprs, NULL);
  bind_session (self, (const char **) exprs->pdata);
}

/* ---- Plot what? ---------------------------------------------------------------------- */

typedef struct {
  NrtGraphWindow     *self;
  GtkWindow          *dialog;
  GtkSingleSelection *selection;
} PlotWhat;

static void
plot_what_accept (PlotWhat *pw,
                  guint     position)
{
  g_autoptr(GtkStringObject) item = NULL;
  g_autoptr(GError) error = NULL;

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (pw->selection), position);
  if (item == NULL)
    return;
  if (!add_trace (pw->self, gtk_string_object_get_string (item), &error))
    show_toast (pw->self, error->message);
  gtk_window_destroy (pw->dialog);
}

static void
on_plot_what_activate (GtkListView *view,
                       guint        position,
                       PlotWhat    *pw)
{
  plot_what_accept (pw, position);
}

static void
on_plot_what_search_activate (GtkSearchEntry *entry,
                              PlotWhat       *pw)
{
  plot_what_accept (pw, gtk_single_selection_get_selected (pw->selection));
}

static void
on_plot_what_search_changed (GtkSearchEntry *entry,
                             GtkStringFilter *filter)
{
  gtk_string_filter_set_search (filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_list_item_set_child (item, label);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  GtkStringObject *obj = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (obj));
}

/* (transfer none) The Plot what? dialog: a searchable list of every recordable variable;
 * double-click or Enter adds the chosen one in the next colour. */
static GtkWindow *
plot_what_dialog_new (NrtGraphWindow *self)
{
  g_auto(GStrv) names = nrt_session_list_recordables (self->session);
  GtkStringList *list = gtk_string_list_new ((const char * const *) names);
  GtkStringFilter *filter;
  GtkFilterListModel *filtered;
  GtkListItemFactory *factory;
  GtkWidget *dialog, *box, *header, *search, *scrolled, *view;
  PlotWhat *pw = g_new0 (PlotWhat, 1);

  dialog = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (dialog), _("Plot What?"));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 380, 480);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Plot What?"), kind_title (self->kind)));
  gtk_box_append (GTK_BOX (box), header);

  search = gtk_search_entry_new ();
  g_object_set (search, "placeholder-text", _("Search variables, e.g. soma v or IClamp"), NULL);
  gtk_widget_set_margin_start (search, 12);
  gtk_widget_set_margin_end (search, 12);
  gtk_widget_set_margin_top (search, 6);
  gtk_widget_set_margin_bottom (search, 6);
  gtk_box_append (GTK_BOX (box), search);

  filter = gtk_string_filter_new (gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  gtk_string_filter_set_match_mode (filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (filter, TRUE);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (list), GTK_FILTER (g_object_ref (filter)));
  pw->selection = gtk_single_selection_new (G_LIST_MODEL (filtered));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), NULL);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (pw->selection)), factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (view), FALSE);
  gtk_widget_add_css_class (view, "navigation-sidebar");

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (dialog), box);

  pw->self = self;
  pw->dialog = GTK_WINDOW (dialog);
  g_object_set_data_full (G_OBJECT (dialog), "nrt-plot-what", pw, g_free);
  g_object_set_data_full (G_OBJECT (dialog), "nrt-selection", pw->selection, g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "nrt-filter", filter, g_object_unref);

  g_signal_connect (view, "activate", G_CALLBACK (on_plot_what_activate), pw);
  g_signal_connect (search, "search-changed", G_CALLBACK (on_plot_what_search_changed), filter);
  g_signal_connect (search, "activate", G_CALLBACK (on_plot_what_search_activate), pw);
  gtk_search_entry_set_key_capture_widget (GTK_SEARCH_ENTRY (search), dialog);
  gtk_window_set_focus (GTK_WINDOW (dialog), search);
  return GTK_WINDOW (dialog);
}

static void
plot_what_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (widget);

  if (self->session != NULL)
    gtk_window_present (plot_what_dialog_new (self));
}

/* ---- View ---------------------------------------------------------------------------- */

static void
view_fit_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  nrt_plot_view_fit (NRT_GRAPH_WINDOW (widget)->plot);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (widget);
  double x0, x1, y0, y1;

  /* NEURON's 10% Zoom in / out, about the middle of the view. */
  nrt_plot_get_view (self->plot, &x0, &x1, &y0, &y1);
  nrt_plot_zoom (self->plot, g_str_equal (action_name, "graph.zoom-in") ? 1.1 : 1 / 1.1,
                 (x0 + x1) / 2, (y0 + y1) / 2, TRUE, TRUE);
}

typedef struct {
  NrtGraphWindow *self;
  NrtNumberEntry *fields[4];
} SetView;

static void
on_set_view_response (AdwMessageDialog *dialog,
                      const char       *response,
                      SetView          *sv)
{
  double v[4];

  if (!g_str_equal (response, "apply"))
    return;
  for (guint i = 0; i < 4; i++)
    v[i] = nrt_number_entry_get_value (sv->fields[i]);
  if (!(v[1] > v[0]) || !(v[3] > v[2]))
    {
      show_toast (sv->self, _("Set View: each range must end above where it starts"));
      return;
    }
  nrt_plot_set_view (sv->self->plot, v[0], v[1], v[2], v[3]);
}

static void
set_view_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (widget);
  g_autofree char *y_from = NULL, *y_to = NULL;
  const char *y_title = kind_y_title (self->kind);
  double view[4], defaults[4];
  const char *labels[4];
  GtkWidget *dialog, *grid;
  SetView *sv = g_new0 (SetView, 1);

  nrt_plot_get_view (self->plot, &view[0], &view[1], &view[2], &view[3]);
  defaults[0] = 0;
  defaults[1] = self->tstop > 0 ? self->tstop : view[1];
  kind_y_range (self->kind, &defaults[2], &defaults[3]);
  /* TRANSLATORS: Set View fields; %s is the y axis title with its units, "v (mV)" */
  y_from = g_strdup_printf (_("%s from"), y_title);
  y_to = g_strdup_printf (_("%s to"), y_title);
  labels[0] = _("t from (ms)");
  labels[1] = _("t to (ms)");
  labels[2] = y_from;
  labels[3] = y_to;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Set View"),
                                   _("The ranges shown on the time and value axes."));
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  for (guint i = 0; i < 4; i++)
    {
      GtkWidget *field = nrt_number_entry_new (labels[i], view[i], defaults[i]);
      nrt_number_entry_set_digits (NRT_NUMBER_ENTRY (field), 6);
      nrt_number_entry_set_step (NRT_NUMBER_ENTRY (field),
                                 fabs (view[i | 1] - view[i & 2]) / 10);
      gtk_grid_attach (GTK_GRID (grid), field, 0, i, 1, 1);
      sv->fields[i] = NRT_NUMBER_ENTRY (field);
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  sv->self = self;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_set_view_response), sv,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Keep Lines, Erase ------------------------------------------------------------------ */

static void
erase_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (widget);

  nrt_plot_erase (self->plot);
  update_actions (self);
}

/* ---- Export -------------------------------------------------------------------------- */

static void
on_csv_written (NrtPlot        *plot,
                GAsyncResult   *result,
                NrtGraphWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!nrt_plot_export_csv_finish (plot, result, &error))
    show_toast (self, error->message);
  g_object_unref (self);
}

static void
on_export_response (GtkNativeDialog *native,
                    int              response,
                    NrtGraphWindow  *self)
{
  const char *format = g_object_get_data (G_OBJECT (native), "nrt-format");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      path = file != NULL ? g_file_get_path (file) : NULL;
      if (path == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Exports need a local file"));
      else if (g_str_equal (format, "csv"))
        nrt_plot_export_csv_async (self->plot, path, NULL,
                                   (GAsyncReadyCallback) on_csv_written, g_object_ref (self));
      else
        nrt_graph_window_export (self, format, path, &error);
      if (error != NULL)
        show_toast (self, error->message);
    }
  g_object_unref (native);
  g_object_unref (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (widget);
  const char *format = g_variant_get_string (parameter, NULL);
  g_autofree char *name = NULL;
  g_autofree char *kind = g_ascii_strdown (kind_title (NRT_GRAPH_VOLTAGE + self->kind), -1);
  const char *cell = self->model != NULL ? nrt_model_get_data (self->model)->name : NULL;
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Export Graph"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  name = g_strdup_printf ("%s-%s.%s", cell != NULL && *cell != '\0' ? cell : "graph", kind, format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  g_object_set_data_full (G_OBJECT (native), "nrt-format", g_strdup (format), g_free);
  g_signal_connect (native, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

gboolean
nrt_graph_window_export (NrtGraphWindow  *self,
                         const char      *format,
                         const char      *path,
                         GError         **error)
{
  g_return_val_if_fail (NRT_IS_GRAPH_WINDOW (self), FALSE);
  g_return_val_if_fail (format != NULL && path != NULL, FALSE);

  if (g_str_equal (format, "csv"))
    return nrt_plot_export_csv (self->plot, path, error);
  if (g_str_equal (format, "png"))
    return nrt_plot_export_image (self->plot, NRT_PLOT_FORMAT_PNG, path, error);
  if (g_str_equal (format, "svg"))
    return nrt_plot_export_image (self->plot, NRT_PLOT_FORMAT_SVG, path, error);
  if (g_str_equal (format, "pdf"))
    return nrt_plot_export_image (self->plot, NRT_PLOT_FORMAT_PDF, path, error);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Unknown export format “%s”"), format);
  return FALSE;
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
nrt_graph_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_KEEP_LINES:
      /* The property action reads it while the template is still being built. */
      g_value_set_boolean (value, self->plot != NULL && nrt_plot_get_keep_lines (self->plot));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_graph_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_KEEP_LINES:
      if (nrt_plot_get_keep_lines (self->plot) != g_value_get_boolean (value))
        {
          nrt_plot_set_keep_lines (self->plot, g_value_get_boolean (value));
          update_actions (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_graph_window_dispose (GObject *object)
{
  NrtGraphWindow *self = NRT_GRAPH_WINDOW (object);

  if (self->main_window != NULL)
    g_clear_signal_handler (&self->session_id, self->main_window);
  g_clear_weak_pointer (&self->main_window);
  if (self->model != NULL)
    g_clear_signal_handler (&self->model_changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_object (&self->session);
  g_clear_pointer (&self->exprs, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), NRT_TYPE_GRAPH_WINDOW);
  G_OBJECT_CLASS (nrt_graph_window_parent_class)->dispose (object);
}

static void
nrt_graph_window_class_init (NrtGraphWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_graph_window_dispose;
  object_class->get_property = nrt_graph_window_get_property;
  object_class->set_property = nrt_graph_window_set_property;

  properties[PROP_KEEP_LINES] =
    g_param_spec_boolean ("keep-lines", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NRT_TYPE_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/neurite/Neurite/ui/nrt-graph-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NrtGraphWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NrtGraphWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NrtGraphWindow, plot);
  gtk_widget_class_bind_template_child (widget_class, NrtGraphWindow, keep_button);

  gtk_widget_class_install_action (widget_class, "graph.plot-what", NULL, plot_what_action);
  gtk_widget_class_install_action (widget_class, "graph.view-fit", NULL, view_fit_action);
  gtk_widget_class_install_action (widget_class, "graph.set-view", NULL, set_view_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.erase", NULL, erase_action);
  gtk_widget_class_install_action (widget_class, "graph.export", "s", export_action);
  gtk_widget_class_install_property_action (widget_class, "graph.keep-lines", "keep-lines");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "graph.plot-what", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "graph.view-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "graph.keep-lines", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "graph.export", "s", "csv");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
nrt_graph_window_init (NrtGraphWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->exprs = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_swapped (self->plot, "kept-changed", G_CALLBACK (update_actions), self);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->plot));
  nrt_plot_set_axis_titles (self->plot, _("t (ms)"), kind_y_title (NRT_GRAPH_VOLTAGE));
}

static NrtGraphWindow *
graph_window_new (NrtWindow    *main_window,
                  NrtGraphKind  kind)
{
  NrtGraphWindow *self = g_object_new (NRT_TYPE_GRAPH_WINDOW, NULL);
  double y0, y1;

  self->kind = kind;
  kind_y_range (kind, &y0, &y1);
  nrt_plot_set_view (self->plot, 0, 5, y0, y1);
  nrt_plot_set_axis_titles (self->plot, _("t (ms)"), kind_y_title (kind));
  gtk_widget_add_css_class (GTK_WIDGET (self), "graph-window");

  if (main_window != NULL)
    {
      g_set_weak_pointer (&self->main_window, main_window);
      self->session_id = g_signal_connect_swapped (main_window, "notify::session",
                                                   G_CALLBACK (on_session_changed), self);
    }
  return self;
}

GtkWindow *
nrt_graph_window_new (NrtWindow    *main_window,
                      NrtGraphKind  kind)
{
  NrtGraphWindow *self;

  g_return_val_if_fail (main_window == NULL || NRT_IS_WINDOW (main_window), NULL);
  g_return_val_if_fail (kind <= NRT_GRAPH_STATE, NULL);

  self = graph_window_new (main_window, kind);
  bind_session (self, NULL);
  if (main_window != NULL)
    nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

NrtGraphKind
nrt_graph_window_get_kind (NrtGraphWindow *self)
{
  g_return_val_if_fail (NRT_IS_GRAPH_WINDOW (self), NRT_GRAPH_VOLTAGE);
  return self->kind;
}

GtkWidget *
nrt_graph_window_get_plot (NrtGraphWindow *self)
{
  g_return_val_if_fail (NRT_IS_GRAPH_WINDOW (self), NULL);
  return GTK_WIDGET (self->plot);
}

gboolean
nrt_graph_window_add_expression (NrtGraphWindow  *self,
                                 const char      *expr,
                                 GError         **error)
{
  g_return_val_if_fail (NRT_IS_GRAPH_WINDOW (self), FALSE);
  g_return_val_if_fail (expr != NULL, FALSE);

  if (self->session == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("This graph has no simulation to plot from"));
      return FALSE;
    }
  return add_trace (self, expr, error);
}

static const char * const state_keys[] = { "x0", "x1", "y0", "y1" };

void
nrt_graph_window_save_state (GtkWindow  *graph,
                             GKeyFile   *kf,
                             const char *group)
{
  NrtGraphWindow *self;
  double view[4];
  int width, height;

  g_return_if_fail (NRT_IS_GRAPH_WINDOW (graph));
  g_return_if_fail (kf != NULL && group != NULL);

  self = NRT_GRAPH_WINDOW (graph);
  g_key_file_set_string (kf, group, "type", "graph");
  g_key_file_set_integer (kf, group, "kind", self->kind);
  g_key_file_set_string_list (kf, group, "plot",
                              (const char * const *) self->exprs->pdata, self->exprs->len);
  nrt_plot_get_view (self->plot, &view[0], &view[1], &view[2], &view[3]);
  for (guint i = 0; i < 4; i++)
    g_key_file_set_double (kf, group, state_keys[i], view[i]);
  g_key_file_set_boolean (kf, group, "keep-lines", nrt_plot_get_keep_lines (self->plot));
  gtk_window_get_default_size (graph, &width, &height);
  g_key_file_set_integer (kf, group, "width", width);
  g_key_file_set_integer (kf, group, "height", height);
}

GtkWindow *
nrt_graph_window_new_from_state (NrtWindow  *main_window,
                                 GKeyFile   *kf,
                                 const char *group)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) exprs = NULL;
  NrtGraphWindow *self;
  double view[4];
  int kind, width, height;

  g_return_val_if_fail (kf != NULL && group != NULL, NULL);

  kind = g_key_file_get_integer (kf, group, "kind", &error);
  if (error != NULL || kind < NRT_GRAPH_VOLTAGE || kind > NRT_GRAPH_STATE)
    return NULL;

  self = graph_window_new (main_window, kind);
  exprs = g_key_file_get_string_list (kf, group, "plot", NULL, NULL);
  bind_session (self, exprs != NULL ? (const char **) exprs : (const char *[]) { NULL });

  for (guint i = 0; i < 4; i++)
    {
      g_clear_error (&error);
      view[i] = g_key_file_get_double (kf, group, state_keys[i], &error);
      if (error != NULL)
        break;
    }
  if (error == NULL)
    nrt_plot_set_view (self->plot, view[0], view[1], view[2], view[3]);
  nrt_plot_set_keep_lines (self->plot, g_key_file_get_boolean (kf, group, "keep-lines", NULL));
  width = g_key_file_get_integer (kf, group, "width", NULL);
  height = g_key_file_get_integer (kf, group, "height", NULL);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  update_actions (self);

  if (main_window != NULL)
    nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

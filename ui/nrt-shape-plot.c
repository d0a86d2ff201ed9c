/* nrt-shape-plot.c: Graph → Shape plot (PlotShape): Shape Plot, Time Plot and Space Plot.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "nrt-graph-window.h"
#include "nrt-number-entry.h"
#include "nrt-plot.h"
#include "nrt-shape-plot.h"

/* One node of the space plot's path (nrt_network_path, with the section's name). */
typedef struct {
  char    *section;
  double   x;
  double   dist;       /* µm, as distance from the root (RangeVarPlot after origin(d2root)) */
  guint    node;
  guint    interior_node;
  gboolean junction;
} PathNode;

struct _NrtShapePlot
{
  AdwWindow         parent_instance;

  NrtWindow        *main_window;     /* weak */
  NrtSession       *session;
  NrtModel         *model;
  gulong            network_changed_id;
  gulong            model_changed_id;

  /* template children */
  NrtShapeView     *view;
  GtkWidget        *space_plot;
  GtkRevealer      *space_revealer;
  GtkToggleButton  *shape_mode_button;
  GtkToggleButton  *time_mode_button;
  GtkToggleButton  *space_mode_button;
  GtkDropDown      *variable_dropdown;
  GtkBox           *scale_box;
  GtkLabel         *hint_label;
  GtkLabel         *location_label;
  GtkLabel         *time_label;

  NrtNumberEntry   *lo_entry;
  NrtNumberEntry   *hi_entry;
  GtkStringList    *variables;
  gboolean          filling_variables;

  NrtShapePlotMode  mode;
  char             *variable;
  double            lo, hi;

  GtkWindow        *time_graph;      /* weak */
  guint             n_time_locations;

  /* Space plot */
  gboolean          has_path;
  char             *path_a, *path_b;
  double            path_xa, path_xb;
  GArray           *path;            /* of PathNode */
  double           *space_x, *space_y;
  gsize             n_space;

  double           *frame;
  guint             n_nodes;
  guint64           serial;
  double            frame_t;
  guint             tick_id;
  GSimpleActionGroup *actions;
};

G_DEFINE_FINAL_TYPE (NrtShapePlot, nrt_shape_plot, ADW_TYPE_WINDOW)

static void
path_node_clear (gpointer data)
{
  PathNode *p = data;

  g_free (p->section);
}

static gboolean
is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  return fg.red + fg.green + fg.blue > 1.5f;
}

/* ---- the path of a space plot ---------------------------------------------------------- */

static void compute_path (NrtShapePlot *self, const NrtNetwork *net);

/* ---- frames ---------------------------------------------------------------------------- */

static void
resolve_nodes (NrtShapePlot *self)
{
  const NrtNetwork *net = self->session != NULL ? nrt_session_get_network (self->session)
                                                : NULL;

  g_clear_pointer (&self->frame, g_free);
  self->n_nodes = 0;
  self->serial = 0;
  if (net == NULL)
    return;
  self->n_nodes = nrt_network_get_n_nodes (net);
  self->frame = g_new0 (double, MAX (self->n_nodes, 1));
  if (self->has_path)
    compute_path (self, net);
}

static void
refresh_space_graph (NrtShapePlot *self)
{
  NrtPlot *plot = NRT_PLOT (self->space_plot);
  g_autofree char *label = NULL;

  nrt_plot_clear (plot);
  if (!self->has_path || self->n_space == 0)
    return;
  label = g_strdup_printf ("%s(%g) → %s(%g)", self->path_a, self->path_xa, self->path_b,
                           self->path_xb);
  nrt_plot_add_samples (plot, label, self->space_x, self->space_y, self->n_space, 0);
}

static void
update_time_label (NrtShapePlot *self)
{
  g_autofree char *text = NULL;

  if (self->serial == 0)
    text = g_strdup ("");
  else
    text = g_strdup_printf (_("t = %.3f ms"), self->frame_t);
  gtk_label_set_text (self->time_label, text);
}

gboolean
nrt_shape_plot_update (NrtShapePlot *self)
{
  guint64 serial;
  double t = 0;

  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), FALSE);

  nrt_shape_view_update (self->view);
  if (self->session == NULL)
    return FALSE;
  if (self->frame == NULL)
    resolve_nodes (self);
  if (self->frame == NULL)
    return FALSE;
  serial = nrt_session_read_frame (self->session, self->frame, self->n_nodes, &t);
  if (serial == 0 || serial == self->serial)
    return FALSE;
  self->serial = serial;
  self->frame_t = t;
  update_time_label (self);

  if (self->has_path && self->path != NULL)
    {
      gboolean is_v = g_strcmp0 (self->variable, "v") == 0;
      gsize n = 0;

      /* As RangeVarPlot: section ends inside the path for v only; other variables read the
       * interior segment at the ends, and plot 0 where they do not exist. */
      for (guint i = 0; i < self->path->len; i++)
        {
          PathNode *p = &g_array_index (self->path, PathNode, i);
          guint node = is_v ? p->node : p->interior_node;
          double v;

          if (p->junction && !is_v)
            continue;
          v = node < self->n_nodes ? self->frame[node] : NAN;
          if (!is_v && !isfinite (v))
            v = 0;
          self->space_x[n] = p->dist;
          self->space_y[n] = v;
          n++;
        }
      self->n_space = n;
      refresh_space_graph (self);
    }
  return TRUE;
}

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  nrt_shape_plot_update (NRT_SHAPE_PLOT (widget));
  return G_SOURCE_CONTINUE;
}

static void
on_network_changed (NrtShapePlot *self)
{
  resolve_nodes (self);
  nrt_shape_plot_update (self);
}

/* ---- modes ----------------------------------------------------------------------------- */

static void
update_hint (NrtShapePlot *self)
{
  const char *hint = NULL;

  switch (self->mode)
    {
    case NRT_SHAPE_PLOT_MODE_SHAPE:
      hint = _("Each segment coloured by the variable · Scroll: zoom · Shift-drag: pan · Ctrl-drag: rotate");
      break;
    case NRT_SHAPE_PLOT_MODE_TIME:
      hint = _("Click a location to plot its voltage against time");
      break;
    case NRT_SHAPE_PLOT_MODE_SPACE:
      hint = _("Drag from one point of the cell to another to plot the variable along the path");
      break;
    default:
      break;
    }
  gtk_label_set_text (self->hint_label, hint);
}

void
nrt_shape_plot_set_mode (NrtShapePlot *self, NrtShapePlotMode mode)
{
  g_return_if_fail (NRT_IS_SHAPE_PLOT (self));

  if (self->mode == NRT_SHAPE_PLOT_MODE_TIME && mode != NRT_SHAPE_PLOT_MODE_TIME)
    {
      /* As in NEURON: leaving Time Plot and coming back starts a new graph. */
      self->time_graph = NULL;
    }
  self->mode = mode;
  nrt_shape_view_set_coloring (self->view, mode != NRT_SHAPE_PLOT_MODE_TIME);
  nrt_shape_view_set_pick_mode (self->view, mode == NRT_SHAPE_PLOT_MODE_SPACE
                                              ? NRT_SHAPE_PICK_PATH : NRT_SHAPE_PICK_POINT);
  gtk_toggle_button_set_active (mode == NRT_SHAPE_PLOT_MODE_SHAPE ? self->shape_mode_button
                                : mode == NRT_SHAPE_PLOT_MODE_TIME ? self->time_mode_button
                                : self->space_mode_button, TRUE);
  update_hint (self);
}

NrtShapePlotMode
nrt_shape_plot_get_mode (NrtShapePlot *self)
{
  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), NRT_SHAPE_PLOT_MODE_SHAPE);
  return self->mode;
}

static void
on_mode_toggled (GtkToggleButton *button, NrtShapePlot *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  if (button == self->shape_mode_button && self->mode != NRT_SHAPE_PLOT_MODE_SHAPE)
    nrt_shape_plot_set_mode (self, NRT_SHAPE_PLOT_MODE_SHAPE);
  else if (button == self->time_mode_button && self->mode != NRT_SHAPE_PLOT_MODE_TIME)
    nrt_shape_plot_set_mode (self, NRT_SHAPE_PLOT_MODE_TIME);
  else if (button == self->space_mode_button && self->mode != NRT_SHAPE_PLOT_MODE_SPACE)
    nrt_shape_plot_set_mode (self, NRT_SHAPE_PLOT_MODE_SPACE);
}

/* ---- variable and scale ---------------------------------------------------------------- */

static char *
variable_title (const char *variable)
{
  if (g_strcmp0 (variable, "v") == 0)
    return g_strdup (_("v (mV)"));
  return g_strdup (variable);
}

static void
apply_scale (NrtShapePlot *self)
{
  g_autofree char *title = variable_title (self->variable);
  double x0, x1, y0, y1;

  nrt_shape_view_set_color_scale (self->view, self->lo, self->hi, title);
  nrt_plot_get_view (NRT_PLOT (self->space_plot), &x0, &x1, &y0, &y1);
  nrt_plot_set_view (NRT_PLOT (self->space_plot), x0, x1, self->lo, self->hi);
  nrt_plot_set_axis_titles (NRT_PLOT (self->space_plot), _("distance from the root (µm)"),
                            title);
}

void
nrt_shape_plot_set_scale (NrtShapePlot *self, double lo, double hi)
{
  g_return_if_fail (NRT_IS_SHAPE_PLOT (self));
  if (!(hi > lo))
    return;
  self->lo = lo;
  self->hi = hi;
  nrt_number_entry_set_value (self->lo_entry, lo);
  nrt_number_entry_set_value (self->hi_entry, hi);
  apply_scale (self);
}

static void
on_lo_committed (NrtNumberEntry *entry, double value, NrtShapePlot *self)
{
  if (!(value < self->hi))
    {
      nrt_number_entry_reject (entry, _("The low end must be below the high end"));
      return;
    }
  nrt_shape_plot_set_scale (self, value, self->hi);
}

static void
on_hi_committed (NrtNumberEntry *entry, double value, NrtShapePlot *self)
{
  if (!(value > self->lo))
    {
      nrt_number_entry_reject (entry, _("The high end must be above the low end"));
      return;
    }
  nrt_shape_plot_set_scale (self, self->lo, value);
}

gboolean
nrt_shape_plot_set_variable (NrtShapePlot *self, const char *variable, GError **error)
{
  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), FALSE);
  g_return_val_if_fail (variable != NULL, FALSE);

  /* The session's frames carry one range variable (NaN where it does not exist). */
  if (self->session != NULL && !nrt_session_set_frame_variable (self->session, variable, error))
    return FALSE;
  g_free (self->variable);
  self->variable = g_strdup (variable);
  self->serial = 0;
  /* Keep Plot what? showing it when the call did not come from there. */
  if (self->variables != NULL && !self->filling_variables)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->variables)); i++)
      if (g_strcmp0 (gtk_string_list_get_string (self->variables, i), variable) == 0
          && gtk_drop_down_get_selected (self->variable_dropdown) != i)
        {
          self->filling_variables = TRUE;
          gtk_drop_down_set_selected (self->variable_dropdown, i);
          self->filling_variables = FALSE;
        }
  apply_scale (self);
  nrt_shape_plot_update (self);
  return TRUE;
}

const char *
nrt_shape_plot_get_variable (NrtShapePlot *self)
{
  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), NULL);
  return self->variable;
}

/* The range variables of the recordables: "axon(0.5).m_hh" → "m_hh", v first. */
static void
fill_variables (NrtShapePlot *self)
{
  g_auto(GStrv) recordables = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_ptr_array_add (names, g_strdup ("v"));
  g_hash_table_add (seen, (gpointer) "v");
  if (self->session != NULL)
    recordables = nrt_session_list_recordables (self->session);
  for (guint i = 0; recordables != NULL && recordables[i] != NULL; i++)
    {
      const char *r = recordables[i];
      const char *close = strstr (r, ").");

      if (strchr (r, '[') != NULL && strchr (r, '(') == NULL)
        continue;   /* a point process */
      if (close == NULL || g_hash_table_contains (seen, close + 2))
        continue;
      g_ptr_array_add (names, g_strdup (close + 2));
      g_hash_table_add (seen, ((char *) g_ptr_array_index (names, names->len - 1)));
    }
  g_ptr_array_add (names, NULL);
  self->filling_variables = TRUE;
  g_clear_object (&self->variables);
  self->variables = gtk_string_list_new ((const char *const *) names->pdata);
  gtk_drop_down_set_model (self->variable_dropdown, G_LIST_MODEL (self->variables));
  gtk_drop_down_set_selected (self->variable_dropdown, 0);
  for (guint i = 0; i + 1 < names->len; i++)
    if (g_strcmp0 (g_ptr_array_index (names, i), self->variable) == 0)
      gtk_drop_down_set_selected (self->variable_dropdown, i);
  self->filling_variables = FALSE;
}

static void
on_variable_selected (GtkDropDown *dropdown, GParamSpec *pspec, NrtShapePlot *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  const char *name;
  g_autoptr(GError) error = NULL;

  if (self->filling_variables || self->variables == NULL || i == GTK_INVALID_LIST_POSITION)
    return;
  name = gtk_string_list_get_string (self->variables, i);
  if (name != NULL && !nrt_shape_plot_set_variable (self, name, &error))
    {
      if (self->main_window != NULL)
        nrt_window_show_error (self->main_window, error->message);
      fill_variables (self);
    }
}

/* ---- Time Plot ------------------------------------------------------------------------- */

gboolean
nrt_shape_plot_time_plot (NrtShapePlot *self, const char *section, double x, GError **error)
{
  g_autofree char *expr = NULL;
  GdkRGBA color;
  GtkWidget *plot;

  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), FALSE);

  if (self->time_graph == NULL)
    {
      self->time_graph = nrt_graph_window_new (self->main_window, NRT_GRAPH_VOLTAGE);
      g_object_add_weak_pointer (G_OBJECT (self->time_graph), (gpointer *) &self->time_graph);
      nrt_shape_view_clear_highlights (self->view);
      self->n_time_locations = 0;
      gtk_window_present (self->time_graph);
    }
  expr = g_strdup_printf ("%s(%g).v", section, x);
  if (!nrt_graph_window_add_expression (NRT_GRAPH_WINDOW (self->time_graph), expr, error))
    return FALSE;
  plot = nrt_graph_window_get_plot (NRT_GRAPH_WINDOW (self->time_graph));
  nrt_plot_palette_color (nrt_plot_get_n_traces (NRT_PLOT (plot)) - 1,
                          is_dark (GTK_WIDGET (self->view)), &color);
  nrt_shape_view_add_highlight (self->view, section, 0, 1, &color);
  self->n_time_locations++;
  return TRUE;
}

GtkWindow *
nrt_shape_plot_get_time_graph (NrtShapePlot *self)
{
  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), NULL);
  return self->time_graph;
}

/* ---- Space Plot ------------------------------------------------------------------------ */

static void
paint_path (NrtShapePlot *self)
{
  GdkRGBA color;
  guint i = 0;

  nrt_shape_view_clear_highlights (self->view);
  if (!self->has_path || self->path == NULL)
    return;
  nrt_plot_palette_color (0, is_dark (GTK_WIDGET (self->view)), &color);
  /* One highlight per run of nodes on the same section. */
  while (i < self->path->len)
    {
      PathNode *first = &g_array_index (self->path, PathNode, i);
      double x0 = first->x, x1 = first->x;
      guint j = i + 1;

      while (j < self->path->len
             && g_strcmp0 (g_array_index (self->path, PathNode, j).section, first->section) == 0)
        {
          double x = g_array_index (self->path, PathNode, j).x;
          x0 = MIN (x0, x);
          x1 = MAX (x1, x);
          j++;
        }
      /* A lone node of a section (the 0 end of a branch) still shows. */
      if (x1 > x0)
        nrt_shape_view_add_highlight (self->view, first->section, x0, x1, &color);
      i = j;
    }
}

/* The path's nodes in the network net (nrt_network_path), and the painting on the shape. */
static void
compute_path (NrtShapePlot *self, const NrtNetwork *net)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  int a = nrt_model_find_section (self->model, self->path_a);
  int b = nrt_model_find_section (self->model, self->path_b);
  g_autoptr(GArray) points = NULL;

  g_clear_pointer (&self->path, g_array_unref);
  g_clear_pointer (&self->space_x, g_free);
  g_clear_pointer (&self->space_y, g_free);
  self->n_space = 0;
  self->serial = 0;
  self->path = g_array_new (FALSE, TRUE, sizeof (PathNode));
  g_array_set_clear_func (self->path, path_node_clear);
  if (a >= 0 && b >= 0 && net != NULL)
    points = nrt_network_path (net, a, self->path_xa, b, self->path_xb, NULL, NULL);
  for (guint i = 0; points != NULL && i < points->len; i++)
    {
      const NrtPathPoint *q = &g_array_index (points, NrtPathPoint, i);
      const NrtSection *sec = q->section < data->sections->len
                              ? g_ptr_array_index (data->sections, q->section) : NULL;
      PathNode p = { g_strdup (sec != NULL ? sec->name : ""), q->x, q->distance, q->node,
                     q->interior_node, q->junction };
      g_array_append_val (self->path, p);
    }
  self->space_x = g_new0 (double, MAX (self->path->len, 1));
  self->space_y = g_new0 (double, MAX (self->path->len, 1));
  paint_path (self);
}

static void
rebuild_path (NrtShapePlot *self)
{
  resolve_nodes (self);
  if (self->frame == NULL)
    compute_path (self, NULL);
}

gboolean
nrt_shape_plot_space_plot (NrtShapePlot *self, const char *sec_a, double x_a,
                           const char *sec_b, double x_b, GError **error)
{
  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), FALSE);

  if (nrt_model_find_section (self->model, sec_a) < 0
      || nrt_model_find_section (self->model, sec_b) < 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SECTION,
                   _("No section named “%s”"),
                   nrt_model_find_section (self->model, sec_a) < 0 ? sec_a : sec_b);
      return FALSE;
    }
  g_free (self->path_a);
  g_free (self->path_b);
  self->path_a = g_strdup (sec_a);
  self->path_b = g_strdup (sec_b);
  self->path_xa = CLAMP (x_a, 0.0, 1.0);
  self->path_xb = CLAMP (x_b, 0.0, 1.0);
  self->has_path = TRUE;
  rebuild_path (self);
  nrt_shape_plot_update (self);
  if (self->path->len > 0)
    {
      double d0 = g_array_index (self->path, PathNode, 0).dist;
      double d1 = g_array_index (self->path, PathNode, self->path->len - 1).dist;
      double lo, hi;

      nrt_plot_fit_range (MIN (d0, d1), MAX (d0, d1), &lo, &hi);
      nrt_plot_set_view (NRT_PLOT (self->space_plot), lo, hi, self->lo, self->hi);
    }
  gtk_revealer_set_reveal_child (self->space_revealer, TRUE);
  return TRUE;
}

void
nrt_shape_plot_clear_space_plot (NrtShapePlot *self)
{
  g_return_if_fail (NRT_IS_SHAPE_PLOT (self));
  self->has_path = FALSE;
  g_clear_pointer (&self->path, g_array_unref);
  self->n_space = 0;
  paint_path (self);
  refresh_space_graph (self);
  gtk_revealer_set_reveal_child (self->space_revealer, FALSE);
}

gsize
nrt_shape_plot_get_space_data (NrtShapePlot *self, const double **x, const double **y)
{
  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), 0);
  if (x != NULL)
    *x = self->space_x;
  if (y != NULL)
    *y = self->space_y;
  return self->has_path ? self->n_space : 0;
}

/* ---- signals from the view ------------------------------------------------------------- */

static void
on_section_picked (NrtShapeView *view, const char *section, double x, NrtShapePlot *self)
{
  g_autoptr(GError) error = NULL;

  if (self->mode == NRT_SHAPE_PLOT_MODE_TIME
      && !nrt_shape_plot_time_plot (self, section, x, &error) && self->main_window != NULL)
    nrt_window_show_error (self->main_window, error->message);
}

static void
on_path_selected (NrtShapeView *view, const char *a, double xa, const char *b, double xb,
                  NrtShapePlot *self)
{
  if (self->mode == NRT_SHAPE_PLOT_MODE_SPACE)
    nrt_shape_plot_space_plot (self, a, xa, b, xb, NULL);
}

static void
on_hovered (NrtShapeView *view, const char *section, double x, NrtShapePlot *self)
{
  g_autofree char *text = NULL;
  double v;

  if (section == NULL)
    {
      gtk_label_set_text (self->location_label, "");
      return;
    }
  v = nrt_shape_view_get_value (view, section, x);
  if (isfinite (v) && self->serial != 0)
    text = g_strdup_printf ("%s(%.4g)  %s = %.4g", section, x, self->variable, v);
  else
    text = g_strdup_printf ("%s(%.4g)", section, x);
  gtk_label_set_text (self->location_label, text);
}

static void
on_model_changed (NrtShapePlot *self, const NrtChange *change)
{
  if (change != NULL && change->kind != NRT_CHANGE_STRUCTURE
      && change->kind != NRT_CHANGE_GEOMETRY)
    return;
  if (self->has_path)
    rebuild_path (self);
}

/* ---- actions --------------------------------------------------------------------------- */

static void
action_view_fit (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  nrt_shape_view_fit (NRT_SHAPE_PLOT (user_data)->view);
}

static void
action_axis (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  nrt_shape_view_axis_view (NRT_SHAPE_PLOT (user_data)->view,
                            g_variant_get_string (param, NULL)[0]);
}

static void
action_show_diam (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  nrt_shape_view_set_show_diam (NRT_SHAPE_PLOT (user_data)->view,
                                g_variant_get_boolean (state));
  g_simple_action_set_state (action, state);
}

static void
action_new_time_graph (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NRT_SHAPE_PLOT (user_data)->time_graph = NULL;
  nrt_shape_plot_set_mode (NRT_SHAPE_PLOT (user_data), NRT_SHAPE_PLOT_MODE_TIME);
}

static void
action_clear_space (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  nrt_shape_plot_clear_space_plot (NRT_SHAPE_PLOT (user_data));
}

static const GActionEntry shape_actions[] = {
  { .name = "view-fit", .activate = action_view_fit },
  { .name = "axis", .activate = action_axis, .parameter_type = "s" },
  { .name = "show-diam", .state = "true", .change_state = action_show_diam },
  { .name = "new-time-graph", .activate = action_new_time_graph },
  { .name = "clear-space", .activate = action_clear_space },
};

/* ---- class ----------------------------------------------------------------------------- */

static void
nrt_shape_plot_dispose (GObject *object)
{
  NrtShapePlot *self = NRT_SHAPE_PLOT (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->time_graph != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->time_graph), (gpointer *) &self->time_graph);
      self->time_graph = NULL;
    }
  if (self->main_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->main_window),
                                    (gpointer *) &self->main_window);
      self->main_window = NULL;
    }
  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->network_changed_id, self->session);
      /* Frames go back to v for whoever else reads them. */
      if (g_strcmp0 (self->variable, "v") != 0)
        nrt_session_set_frame_variable (self->session, "v", NULL);
    }
  if (self->model != NULL)
    g_clear_signal_handler (&self->model_changed_id, self->model);
  g_clear_object (&self->session);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), NRT_TYPE_SHAPE_PLOT);
  G_OBJECT_CLASS (nrt_shape_plot_parent_class)->dispose (object);
}

static void
nrt_shape_plot_finalize (GObject *object)
{
  NrtShapePlot *self = NRT_SHAPE_PLOT (object);

  g_clear_object (&self->variables);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->path, g_array_unref);
  g_free (self->space_x);
  g_free (self->space_y);
  g_free (self->frame);
  g_free (self->variable);
  g_free (self->path_a);
  g_free (self->path_b);
  G_OBJECT_CLASS (nrt_shape_plot_parent_class)->finalize (object);
}

static void
nrt_shape_plot_class_init (NrtShapePlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_shape_plot_dispose;
  object_class->finalize = nrt_shape_plot_finalize;

  g_type_ensure (NRT_TYPE_SHAPE_VIEW);
  g_type_ensure (NRT_TYPE_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/neurite/Neurite/ui/nrt-shape-plot.ui");
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, view);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, space_plot);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, space_revealer);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, shape_mode_button);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, time_mode_button);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, space_mode_button);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, variable_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, scale_box);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, hint_label);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, location_label);
  gtk_widget_class_bind_template_child (widget_class, NrtShapePlot, time_label);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "shape.view-fit", NULL);
}

static void
nrt_shape_plot_init (NrtShapePlot *self)
{
  GtkWidget *label;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->variable = g_strdup ("v");
  self->lo = -80;
  self->hi = 40;

  label = gtk_label_new (_("Variable scale"));
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (self->scale_box, label);
  self->lo_entry = NRT_NUMBER_ENTRY (nrt_number_entry_new (_("low"), -80, -80));
  self->hi_entry = NRT_NUMBER_ENTRY (nrt_number_entry_new (_("high"), 40, 40));
  nrt_number_entry_set_width_chars (self->lo_entry, 6);
  nrt_number_entry_set_width_chars (self->hi_entry, 6);
  nrt_number_entry_set_step (self->lo_entry, 10);
  nrt_number_entry_set_step (self->hi_entry, 10);
  gtk_editable_set_max_width_chars (nrt_number_entry_get_editable (self->lo_entry), 6);
  gtk_editable_set_max_width_chars (nrt_number_entry_get_editable (self->hi_entry), 6);
  gtk_widget_set_hexpand (GTK_WIDGET (self->lo_entry), FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->hi_entry), FALSE);
  gtk_box_append (self->scale_box, GTK_WIDGET (self->lo_entry));
  gtk_box_append (self->scale_box, GTK_WIDGET (self->hi_entry));
  g_signal_connect (self->lo_entry, "value-committed", G_CALLBACK (on_lo_committed), self);
  g_signal_connect (self->hi_entry, "value-committed", G_CALLBACK (on_hi_committed), self);

  g_signal_connect (self->shape_mode_button, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect (self->time_mode_button, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect (self->space_mode_button, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect (self->variable_dropdown, "notify::selected",
                    G_CALLBACK (on_variable_selected), self);
  g_signal_connect (self->view, "section-picked", G_CALLBACK (on_section_picked), self);
  g_signal_connect (self->view, "path-selected", G_CALLBACK (on_path_selected), self);
  g_signal_connect (self->view, "hovered", G_CALLBACK (on_hovered), self);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), shape_actions,
                                   G_N_ELEMENTS (shape_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "shape", G_ACTION_GROUP (self->actions));

  nrt_plot_set_placeholder (NRT_PLOT (self->space_plot),
                            _("Drag between two points of the cell for a space plot"));
  self->mode = NRT_SHAPE_PLOT_MODE_SHAPE;
  nrt_shape_view_set_coloring (self->view, TRUE);
  apply_scale (self);
  update_hint (self);
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

GtkWindow *
nrt_shape_plot_new (NrtWindow *main_window)
{
  NrtShapePlot *self = g_object_new (NRT_TYPE_SHAPE_PLOT, NULL);

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), GTK_WINDOW (self));

  self->main_window = main_window;
  g_object_add_weak_pointer (G_OBJECT (main_window), (gpointer *) &self->main_window);
  self->model = g_object_ref (nrt_window_get_model (main_window));
  self->session = g_object_ref (nrt_window_get_session (main_window));
  self->model_changed_id = g_signal_connect_swapped (self->model, "changed",
                                                     G_CALLBACK (on_model_changed), self);
  self->network_changed_id = g_signal_connect_swapped (self->session, "network-changed",
                                                       G_CALLBACK (on_network_changed), self);
  nrt_shape_view_set_model (self->view, self->model);
  nrt_shape_view_set_session (self->view, self->session);
  fill_variables (self);
  resolve_nodes (self);
  nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

/* ---- layout persistence ---------------------------------------------------------------- */

static const char *const mode_names[] = { "shape", "time", "space" };

void
nrt_shape_plot_save_state (GtkWindow *shape_plot, GKeyFile *kf, const char *group)
{
  NrtShapePlot *self;
  NrtShapeCamera cam;
  double scale[2];
  int width, height, view_w, view_h;

  g_return_if_fail (NRT_IS_SHAPE_PLOT (shape_plot));
  g_return_if_fail (kf != NULL && group != NULL);

  self = NRT_SHAPE_PLOT (shape_plot);
  g_key_file_set_string (kf, group, "type", "shape-plot");
  g_key_file_set_string (kf, group, "mode", mode_names[self->mode]);
  g_key_file_set_string (kf, group, "variable", self->variable);
  scale[0] = self->lo;
  scale[1] = self->hi;
  g_key_file_set_double_list (kf, group, "scale", scale, 2);
  g_key_file_set_boolean (kf, group, "show-diam", nrt_shape_view_get_show_diam (self->view));
  if (self->has_path)
    {
      g_autofree char *xa = g_strdup_printf ("%.17g", self->path_xa);
      g_autofree char *xb = g_strdup_printf ("%.17g", self->path_xb);
      const char *ends[] = { self->path_a, xa, self->path_b, xb };

      g_key_file_set_string_list (kf, group, "space-path", ends, 4);
    }
  /* The view: the camera, with the size of the drawing it was made for. */
  nrt_shape_view_get_camera (self->view, &cam, &view_w, &view_h);
  if (view_w > 0 && view_h > 0)
    {
      double size[2] = { view_w, view_h }, pan[2] = { cam.pan_x, cam.pan_y };

      g_key_file_set_double_list (kf, group, "view-rotation", cam.rot, 9);
      g_key_file_set_double (kf, group, "view-scale", cam.scale);
      g_key_file_set_double_list (kf, group, "view-centre", cam.centre, 3);
      g_key_file_set_double_list (kf, group, "view-pan", pan, 2);
      g_key_file_set_double_list (kf, group, "view-size", size, 2);
    }
  /* GTK keeps the default size up to date as the window is resized. */
  gtk_window_get_default_size (shape_plot, &width, &height);
  g_key_file_set_integer (kf, group, "width", width);
  g_key_file_set_integer (kf, group, "height", height);
}

/* A list of exactly n finite doubles from key, into out. */
static gboolean
get_doubles (GKeyFile *kf, const char *group, const char *key, double *out, gsize n)
{
  g_autofree double *list = NULL;
  gsize len = 0;

  list = g_key_file_get_double_list (kf, group, key, &len, NULL);
  if (list == NULL || len != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (list[i]))
        return FALSE;
      out[i] = list[i];
    }
  return TRUE;
}

GtkWindow *
nrt_shape_plot_new_from_state (NrtWindow *main_window, GKeyFile *kf, const char *group)
{
  NrtShapePlot *self;
  g_autofree char *mode = NULL;
  g_autofree char *variable = NULL;
  g_auto(GStrv) ends = NULL;
  g_autoptr(GError) error = NULL;
  NrtShapeCamera cam;
  double scale[2], size[2], pan[2];
  gboolean show_diam;
  gsize n_ends = 0;
  int width, height;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);
  g_return_val_if_fail (kf != NULL && group != NULL, NULL);

  self = NRT_SHAPE_PLOT (nrt_shape_plot_new (main_window));

  width = g_key_file_get_integer (kf, group, "width", NULL);
  height = g_key_file_get_integer (kf, group, "height", NULL);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);

  variable = g_key_file_get_string (kf, group, "variable", NULL);
  if (variable != NULL && !nrt_shape_plot_set_variable (self, variable, &error))
    g_debug ("Shape plot layout: %s", error->message);
  if (get_doubles (kf, group, "scale", scale, 2))
    nrt_shape_plot_set_scale (self, scale[0], scale[1]);
  show_diam = g_key_file_get_boolean (kf, group, "show-diam", &error);
  if (error == NULL)
    g_action_group_change_action_state (G_ACTION_GROUP (self->actions), "show-diam",
                                        g_variant_new_boolean (show_diam));
  g_clear_error (&error);

  mode = g_key_file_get_string (kf, group, "mode", NULL);
  for (guint m = 0; mode != NULL && m < G_N_ELEMENTS (mode_names); m++)
    if (g_str_equal (mode, mode_names[m]))
      nrt_shape_plot_set_mode (self, (NrtShapePlotMode) m);

  ends = g_key_file_get_string_list (kf, group, "space-path", &n_ends, NULL);
  if (ends != NULL && n_ends == 4)
    {
      double xa = g_ascii_strtod (ends[1], NULL), xb = g_ascii_strtod (ends[3], NULL);

      if (isfinite (xa) && isfinite (xb)
          && !nrt_shape_plot_space_plot (self, ends[0], xa, ends[2], xb, &error))
        g_debug ("Shape plot layout: %s", error->message);
    }

  if (get_doubles (kf, group, "view-rotation", cam.rot, 9)
      && get_doubles (kf, group, "view-centre", cam.centre, 3)
      && get_doubles (kf, group, "view-pan", pan, 2)
      && get_doubles (kf, group, "view-size", size, 2)
      && get_doubles (kf, group, "view-scale", &cam.scale, 1))
    {
      cam.pan_x = pan[0];
      cam.pan_y = pan[1];
      nrt_shape_view_set_camera (self->view, &cam, (int) size[0], (int) size[1]);
    }
  return GTK_WINDOW (self);
}

NrtShapeView *
nrt_shape_plot_get_view (NrtShapePlot *self)
{
  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), NULL);
  return self->view;
}

GtkWidget *
nrt_shape_plot_get_space_graph (NrtShapePlot *self)
{
  g_return_val_if_fail (NRT_IS_SHAPE_PLOT (self), NULL);
  return self->space_plot;
}

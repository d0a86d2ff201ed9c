/* nrt-point-manager.c: NEURON's Point Process Manager and Point Group manager in one window.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window keeps no copy of the model: what it shows is rebuilt from NrtModel on every
 * ::changed, and every edit goes through the model API.  What it does keep is NEURON's
 * PointProcessManager state that the model has no place for: the location of "None", and the
 * parameter values last used for each type (pointman.hoc keeps one MechanismStandard per type,
 * so switching IClamp → ExpSyn → IClamp gives the IClamp its old values back).
 *
 * The parameter pages are built from nrt_point_process_info(), so a type added to the core
 * appears in the type menu and gets its page without any change here.
 */
#include "nrt-ui-config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "nrt-point-manager.h"
#include "nrt-shape-view.h"

/* The new-input form: NetStim's parameters, then NetCon's (NEURON's defaults). */
typedef enum {
  INPUT_START,
  INPUT_INTERVAL,
  INPUT_NUMBER,
  INPUT_NOISE,
  INPUT_WEIGHT,
  INPUT_DELAY,
  INPUT_THRESHOLD,
  N_INPUT_FIELDS
} InputField;

/* def is NEURON's default (netstim.mod, NetCon); value is what the form starts with: a NetCon
 * of weight 0 would do nothing, so the form offers 0.01 µS. */
static const struct {
  const char *name;
  const char *label;
  double      value, def, min, max, step;
  gboolean    exclusive_min;
} input_fields[N_INPUT_FIELDS] = {
  { "start", "start (ms)", 50, 50, -1e9, 1e9, 1, FALSE },
  { "interval", "interval (ms)", 10, 10, 0, 1e9, 1, TRUE },
  { "number", "number", 10, 10, 0, 1e9, 1, FALSE },
  { "noise", "noise (0–1)", 0, 0, 0, 1, 0.1, FALSE },
  { "weight", "weight (µS)", 0.01, 0, -1e9, 1e9, 0.001, FALSE },
  { "delay", "delay (ms)", 1, 1, 0, 1e9, 0.1, FALSE },
  { "threshold", "threshold (mV)", 10, 10, -1000, 1000, 1, FALSE },
};

struct _NrtPointManager
{
  AdwWindow        parent_instance;

  NrtWindow       *main_window;   /* weak */
  NrtModel        *model;
  gulong           changed_id;

  int              selected;      /* model index, or -1: None */
  char            *loc_section;   /* where None sits, and where the next instance goes */
  double           loc_x;
  double           remembered[NRT_N_PP][NRT_MAX_PARAMS];
  gboolean         global_spec;

  /* The parameter rows built for a type (-1: none built). */
  int              built_type;
  GPtrArray       *param_rows;    /* of AdwPreferencesRow*, in params_group */
  GPtrArray       *param_entries; /* of NrtNumberEntry*, parallel */
  int              group_built_type;
  GPtrArray       *group_rows;
  GPtrArray       *group_entries;
  GPtrArray       *list_titles;   /* of char*: what group_list shows, to rebuild on change only */
  char            *location_text;

  guint            updating : 1;
  guint            batch : 1;     /* inside a multi-step edit: refresh once at the end */

  /* template children */
  AdwToastOverlay      *toasts;
  AdwViewStack         *stack;
  GtkBox               *shape_box;
  GtkLabel             *hint;
  AdwComboRow          *type_row;
  AdwActionRow         *name_row;
  AdwComboRow          *section_row;
  NrtNumberEntry       *x_entry;
  AdwActionRow         *node_row;
  AdwPreferencesGroup  *params_group;
  AdwPreferencesGroup  *input_group;
  AdwPreferencesGroup  *list_group;
  GtkMenuButton        *new_button;
  GtkListBox           *group_list;
  AdwPreferencesGroup  *group_params_group;

  GtkWidget            *shape;
  GPtrArray            *input_rows;     /* of AdwActionRow*: the synapse's NetCons */
  AdwExpanderRow       *input_new_row;
  NrtNumberEntry       *input_entries[N_INPUT_FIELDS];
};

enum {
  PROP_0,
  PROP_PANEL_STYLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NrtPointManager, nrt_point_manager, ADW_TYPE_WINDOW)

static void nrt_point_manager_refresh (NrtPointManager *self);

/* ---- the node a point process sits on ---------------------------------------------- */

double
nrt_point_location_snap (int     nseg,
                         double  x,
                         int    *segment)
{
  int i;

  g_return_val_if_fail (nseg >= 1, x);

  /* treeset.cpp node_index(): the ends are nodes of their own (zero area); anything inside
   * belongs to the segment int(x·nseg), whose node is at its centre. */
  if (x <= 0.0 || x >= 1.0)
    {
      if (segment != NULL)
        *segment = 0;
      return x <= 0.0 ? 0.0 : 1.0;
    }
  i = MIN ((int) (x * nseg), nseg - 1);
  if (segment != NULL)
    *segment = i + 1;
  return (i + 0.5) / nseg;
}

/* x as NEURON prints locations: up to 4 significant digits, locale-independent. */
static char *
format_x (double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.4g", x));
}

char *
nrt_point_location_describe (const char *section,
                             int         nseg,
                             double      x)
{
  g_autofree char *xs = format_x (x);
  g_autofree char *node = NULL;
  int segment;
  double at;

  g_return_val_if_fail (section != NULL, NULL);

  at = nrt_point_location_snap (MAX (nseg, 1), x, &segment);
  node = format_x (at);
  if (segment == 0)
    /* Translators: a point process at a section's end, "axon(1) — node at the 1 end" */
    return g_strdup_printf (_("%s(%s) — node at the %s end"), section, xs, node);
  /* Translators: "axon(0.5) — node at x = 0.5 (segment 22 of 43)": where the user put it,
   * then the node NEURON really uses. */
  return g_strdup_printf (_("%s(%s) — node at x = %s (segment %d of %d)"), section, xs, node,
                          segment, MAX (nseg, 1));
}

/* ---- small helpers ------------------------------------------------------------------- */

static const NrtPointProcess *
get_pp (NrtPointManager *self,
        int              index)
{
  const NrtModelData *data = nrt_model_get_data (self->model);

  if (index < 0 || (guint) index >= data->point_processes->len)
    return NULL;
  return g_ptr_array_index (data->point_processes, index);
}

static const NrtSection *
get_section (NrtPointManager *self,
             int              index)
{
  const NrtModelData *data = nrt_model_get_data (self->model);

  if (index < 0 || (guint) index >= data->sections->len)
    return NULL;
  return g_ptr_array_index (data->sections, index);
}

static void
toast (NrtPointManager *self,
       const char      *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* "µS" where NEURON writes "uS". */
static char *
param_label (const NrtParamInfo *p)
{
  if (p->units == NULL || *p->units == '\0')
    return g_strdup (p->name);
  if (g_str_equal (p->units, "uS"))
    return g_strdup_printf ("%s (µS)", p->name);
  return g_strdup_printf ("%s (%s)", p->name, p->units);
}

static double
param_step (const NrtParamInfo *p)
{
  if (g_strcmp0 (p->units, "mV") == 0)
    return 1;
  if (g_strcmp0 (p->units, "uS") == 0)
    return 0.001;
  if (g_strcmp0 (p->units, "ms") == 0 || g_strcmp0 (p->units, "nA") == 0)
    return 0.1;
  return 1;
}

/* What a parameter means, for the tooltip; NULL for types the table does not know (their
 * rows still work, from nrt_point_process_info alone). */
static const char *
param_tooltip (const char *type,
               const char *param)
{
  static const struct { const char *type, *param, *text; } tips[] = {
    { "IClamp", "del", N_("Delay: when the pulse starts") },
    { "IClamp", "dur", N_("Duration of the pulse") },
    { "IClamp", "amp", N_("Amplitude; positive current depolarises") },
    { "AlphaSynapse", "onset", N_("When the conductance starts to rise") },
    { "AlphaSynapse", "tau", N_("Time to the peak, gmax at onset + tau") },
    { "AlphaSynapse", "gmax", N_("Peak conductance") },
    { "AlphaSynapse", "e", N_("Reversal potential") },
    { "ExpSyn", "tau", N_("Decay time constant") },
    { "ExpSyn", "e", N_("Reversal potential") },
    { "Exp2Syn", "tau1", N_("Rise time constant") },
    { "Exp2Syn", "tau2", N_("Decay time constant") },
    { "Exp2Syn", "e", N_("Reversal potential") },
    { "SEClamp", "rs", N_("Access resistance") },
    { "APCount", "thresh", N_("A spike is counted when v crosses this upwards") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tips); i++)
    if (g_str_equal (tips[i].type, type) && g_str_equal (tips[i].param, param))
      return _(tips[i].text);
  return NULL;
}

/* The location the selected instance has, or None's. */
static void
current_location (NrtPointManager *self,
                  const char     **section,
                  double          *x)
{
  const NrtPointProcess *pp = get_pp (self, self->selected);

  if (pp != NULL)
    {
      *section = get_section (self, pp->section)->name;
      *x = pp->x;
    }
  else
    {
      *section = self->loc_section;
      *x = self->loc_x;
    }
}

/* None's location must name a section that exists: the first root section (NEURON: the
 * accessed section, soma), at 0.5. */
static void
ensure_location (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const NrtSection *first = NULL;

  if (self->loc_section != NULL && nrt_model_find_section (self->model, self->loc_section) >= 0)
    return;
  for (guint i = 0; i < data->sections->len && first == NULL; i++)
    if (((const NrtSection *) g_ptr_array_index (data->sections, i))->parent < 0)
      first = g_ptr_array_index (data->sections, i);
  g_free (self->loc_section);
  self->loc_section = first != NULL ? g_strdup (first->name) : NULL;
  self->loc_x = 0.5;
}

/* Remembers the values of the selected instance for its type. */
static void
remember_selected (NrtPointManager *self)
{
  const NrtPointProcess *pp = get_pp (self, self->selected);

  if (pp != NULL)
    memcpy (self->remembered[pp->type], pp->p, sizeof pp->p);
}

/* ---- parameter rows ------------------------------------------------------------------ */

static void on_param_committed (NrtNumberEntry *entry, double value, NrtPointManager *self);
static void on_group_param_committed (NrtNumberEntry *entry, double value, NrtPointManager *self);

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows,
            GPtrArray           *entries)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
  g_ptr_array_set_size (entries, 0);
}

/* One NrtNumberEntry per parameter of type, with its units, domain, default and step. */
static void
build_rows (NrtPointManager     *self,
            AdwPreferencesGroup *group,
            GPtrArray           *rows,
            GPtrArray           *entries,
            int                  type,
            GCallback            committed)
{
  const NrtMechanismInfo *info;

  clear_rows (group, rows, entries);
  if (type < 0)
    return;

  info = nrt_point_process_info (type);
  for (guint k = 0; k < info->n_params; k++)
    {
      const NrtParamInfo *p = &info->params[k];
      g_autofree char *label = param_label (p);
      GtkWidget *row = adw_preferences_row_new ();
      GtkWidget *entry = nrt_number_entry_new (label, p->def, p->def);
      const char *tip = param_tooltip (info->name, p->name);

      nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), p->min, p->max, FALSE);
      nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry), param_step (p));
      gtk_widget_add_css_class (entry, "rc-row");
      if (tip != NULL)
        gtk_widget_set_tooltip_text (entry, tip);
      g_object_set_data (G_OBJECT (entry), "nrt-param", (gpointer) p->name);
      g_signal_connect (entry, "value-committed", committed, self);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), entry);
      adw_preferences_group_add (group, row);
      g_ptr_array_add (rows, row);
      g_ptr_array_add (entries, entry);
    }
}

static void
show_values (GPtrArray    *entries,
             const double *values)
{
  for (guint k = 0; k < entries->len; k++)
    nrt_number_entry_set_value (g_ptr_array_index (entries, k), values[k]);
}

static NrtNumberEntry *
find_entry (GPtrArray  *entries,
            const char *param)
{
  for (guint k = 0; k < entries->len; k++)
    {
      NrtNumberEntry *e = g_ptr_array_index (entries, k);
      if (g_strcmp0 (g_object_get_data (G_OBJECT (e), "nrt-param"), param) == 0)
        return e;
    }
  return NULL;
}

/* ---- model → widgets ----------------------------------------------------------------- */

static char *
list_title (NrtPointManager       *self,
            guint                  index,
            const NrtPointProcess *pp)
{
  g_autofree char *name = nrt_model_point_process_name (self->model, index);
  g_autofree char *xs = format_x (pp->x);

  /* Translators: a point process and where it is, "ExpSyn[0] at dend[1](0.8)" */
  return g_strdup_printf (_("%s at %s(%s)"), name, get_section (self, pp->section)->name, xs);
}

static char *
list_subtitle (const NrtPointProcess *pp)
{
  const NrtMechanismInfo *info = nrt_point_process_info (pp->type);
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < info->n_params; k++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (s, "%s%s = %s", k > 0 ? ", " : "", info->params[k].name,
                              g_ascii_formatd (buf, sizeof buf, "%.5g", pp->p[k]));
    }
  return g_string_free (s, FALSE);
}

static void
update_sections (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  GListModel *current = adw_combo_row_get_model (self->section_row);
  gboolean same = current != NULL && g_list_model_get_n_items (current) == data->sections->len;
  g_autoptr(GtkStringList) names = NULL;

  for (guint i = 0; same && i < data->sections->len; i++)
    same = g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (current), i),
                      ((const NrtSection *) g_ptr_array_index (data->sections, i))->name) == 0;
  if (same)
    return;

  names = gtk_string_list_new (NULL);
  for (guint i = 0; i < data->sections->len; i++)
    gtk_string_list_append (names, ((const NrtSection *) g_ptr_array_index (data->sections, i))->name);
  adw_combo_row_set_model (self->section_row, G_LIST_MODEL (names));
}

static void
update_markers (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  guint n = data->point_processes->len;
  g_autofree NrtShapeMarker *markers = g_new0 (NrtShapeMarker, n + 1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint m = 0;

  for (guint i = 0; i < n; i++)
    {
      const NrtPointProcess *pp = g_ptr_array_index (data->point_processes, i);
      const NrtSection *sec = get_section (self, pp->section);
      char *name = nrt_model_point_process_name (self->model, i);

      g_ptr_array_add (names, name);
      markers[m].label = name;
      markers[m].section = sec->name;
      /* Drawn where it acts. */
      markers[m].x = nrt_point_location_snap (sec->nseg, pp->x, NULL);
      markers[m].selected = (int) i == self->selected;
      m++;
    }
  /* Instances on the same node share one label ("IClamp[0], ExpSyn[1]"), drawn by the
   * selected one if it is among them, so that names never overprint each other. */
  for (guint i = 0; i < m; i++)
    {
      g_autoptr(GString) joined = NULL;
      guint owner = i;

      if (markers[i].label == NULL)
        continue;
      for (guint j = i + 1; j < m; j++)
        {
          if (markers[j].label == NULL || markers[j].x != markers[i].x
              || !g_str_equal (markers[j].section, markers[i].section))
            continue;
          if (joined == NULL)
            joined = g_string_new (markers[i].label);
          g_string_append_printf (joined, ", %s", markers[j].label);
          if (markers[j].selected)
            owner = j;
          markers[j].label = NULL;
        }
      if (joined != NULL)
        {
          char *label = g_string_free (g_steal_pointer (&joined), FALSE);

          g_ptr_array_add (names, label);
          markers[i].label = NULL;
          markers[owner].label = label;
        }
    }

  /* None still has a place on the cell (index n), where the next instance goes. */
  if (self->selected < 0 && self->loc_section != NULL)
    {
      int is = nrt_model_find_section (self->model, self->loc_section);

      markers[m].label = _("None");
      markers[m].section = self->loc_section;
      markers[m].x = nrt_point_location_snap (get_section (self, is)->nseg, self->loc_x, NULL);
      markers[m].selected = TRUE;
      m++;
    }
  nrt_shape_view_set_markers (NRT_SHAPE_VIEW (self->shape), markers, m);
}

static void
update_group_list (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) subtitles = g_ptr_array_new_with_free_func (g_free);
  gboolean same;
  GtkWidget *child;

  for (guint i = 0; i < data->point_processes->len; i++)
    {
      const NrtPointProcess *pp = g_ptr_array_index (data->point_processes, i);

      g_ptr_array_add (titles, list_title (self, i, pp));
      g_ptr_array_add (subtitles, list_subtitle (pp));
    }

  same = titles->len == self->list_titles->len;
  for (guint i = 0; same && i < titles->len; i++)
    same = g_str_equal (g_ptr_array_index (titles, i), g_ptr_array_index (self->list_titles, i));

  if (!same)
    {
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->group_list))) != NULL)
        gtk_list_box_remove (self->group_list, child);
      for (guint i = 0; i < titles->len; i++)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (titles, i));
          g_object_set_data (G_OBJECT (row), "nrt-index", GUINT_TO_POINTER (i));
          gtk_list_box_append (self->group_list, row);
        }
      g_ptr_array_set_size (self->list_titles, 0);
      for (guint i = 0; i < titles->len; i++)
        g_ptr_array_add (self->list_titles, g_strdup (g_ptr_array_index (titles, i)));
    }

  for (guint i = 0; i < titles->len; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->group_list, i);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_ptr_array_index (subtitles, i));
      if ((int) i == self->selected)
        gtk_list_box_select_row (self->group_list, row);
    }
  if (self->selected < 0)
    gtk_list_box_unselect_all (self->group_list);
}

static void
update_group_params (NrtPointManager *self)
{
  const NrtPointProcess *pp = get_pp (self, self->selected);
  int type = pp != NULL ? (int) pp->type : -1;
  g_autofree char *name = pp != NULL ? nrt_model_point_process_name (self->model, self->selected)
                                     : NULL;

  if (type != self->group_built_type)
    {
      build_rows (self, self->group_params_group, self->group_rows, self->group_entries, type,
                  G_CALLBACK (on_group_param_committed));
      self->group_built_type = type;
    }

  if (pp == NULL)
    {
      adw_preferences_group_set_title (self->group_params_group, _("Parameters"));
      adw_preferences_group_set_description (self->group_params_group,
                                             _("Select a point process to see its parameters."));
      return;
    }

  show_values (self->group_entries, pp->p);
  if (self->global_spec)
    {
      const NrtModelData *data = nrt_model_get_data (self->model);
      const char *type_name = nrt_point_process_info (pp->type)->name;
      g_autofree char *title = NULL;
      g_autofree char *description = NULL;
      guint n = 0;

      for (guint i = 0; i < data->point_processes->len; i++)
        if (((const NrtPointProcess *) g_ptr_array_index (data->point_processes, i))->type == pp->type)
          n++;
      /* Translators: the title of NEURON's Global Spec panel, "Every ExpSyn" */
      title = g_strdup_printf (_("Every %s"), type_name);
      /* Translators: NEURON's "All PP's set to these values" */
      description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Set to these values: what you enter goes to the %u %s (one undo step).",
                                                  "Set to these values: what you enter goes to all %u %s at once (one undo step).",
                                                  n),
                                     n, type_name);
      adw_preferences_group_set_title (self->group_params_group, title);
      adw_preferences_group_set_description (self->group_params_group, description);
    }
  else
    {
      adw_preferences_group_set_title (self->group_params_group, name);
      adw_preferences_group_set_description (self->group_params_group, NULL);
    }
}

static gboolean
receives_events (const NrtPointProcess *pp)
{
  /* What nrt_model_add_netcon accepts as a target. */
  return pp != NULL && (pp->type == NRT_PP_EXPSYN || pp->type == NRT_PP_EXP2SYN);
}

/* The synapse's inputs: one row per NetCon that targets it, then the form for a new one. */
static void
update_input (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const NrtPointProcess *pp = get_pp (self, self->selected);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) subtitles = g_ptr_array_new_with_free_func (g_free);
  gboolean same;

  gtk_widget_set_visible (GTK_WIDGET (self->input_group), receives_events (pp));
  if (!receives_events (pp))
    return;

  for (guint c = 0; c < data->netcons->len; c++)
    {
      const NrtNetCon *nc = &g_array_index (data->netcons, NrtNetCon, c);
      const NrtNetStim *ns;

      if (nc->target != self->selected || nc->source < 0 || (guint) nc->source >= data->netstims->len)
        continue;
      ns = &g_array_index (data->netstims, NrtNetStim, nc->source);
      /* Translators: a spike source, "NetStim[0]: 10 spikes every 10 ms from 50 ms" */
      g_ptr_array_add (titles, g_strdup_printf (_("NetStim[%d]: %g spikes every %g ms from %g ms"),
                                                nc->source, ns->number, ns->interval, ns->start));
      /* Translators: its connection, "NetCon[0]: weight 0.01 µS, delay 1 ms, threshold 10 mV" */
      g_ptr_array_add (subtitles, g_strdup_printf (_("NetCon[%u]: weight %g µS, delay %g ms, threshold %g mV"),
                                                   c, nc->weight, nc->delay, nc->threshold));
    }

  /* Rebuilt only when the inputs change, so the form keeps what is being typed. */
  same = titles->len == self->input_rows->len;
  for (guint i = 0; same && i < titles->len; i++)
    same = g_str_equal (adw_preferences_row_get_title (g_ptr_array_index (self->input_rows, i)),
                        g_ptr_array_index (titles, i))
           && g_strcmp0 (adw_action_row_get_subtitle (g_ptr_array_index (self->input_rows, i)),
                         g_ptr_array_index (subtitles, i)) == 0;
  if (same)
    return;

  for (guint i = 0; i < self->input_rows->len; i++)
    adw_preferences_group_remove (self->input_group, g_ptr_array_index (self->input_rows, i));
  g_ptr_array_set_size (self->input_rows, 0);
  adw_preferences_group_remove (self->input_group, GTK_WIDGET (self->input_new_row));

  for (guint i = 0; i < titles->len; i++)
    {
      const char *title = g_ptr_array_index (titles, i);
      const char *subtitle = g_ptr_array_index (subtitles, i);
      GtkWidget *row;

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("network-transmit-symbolic"));
      adw_preferences_group_add (self->input_group, row);
      g_ptr_array_add (self->input_rows, row);
    }
  adw_preferences_group_add (self->input_group, GTK_WIDGET (self->input_new_row));
}

static void
update_actions (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  GtkWidget *w = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (w, "pm.undo", nrt_model_can_undo (self->model));
  gtk_widget_action_set_enabled (w, "pm.redo", nrt_model_can_redo (self->model));
  gtk_widget_action_set_enabled (w, "pm.copy", self->selected >= 0);
  gtk_widget_action_set_enabled (w, "pm.remove", self->selected >= 0);
  gtk_widget_action_set_enabled (w, "pm.new", data->sections->len > 0);
  gtk_widget_action_set_enabled (w, "pm.connect-netstim",
                                 receives_events (get_pp (self, self->selected)));
}

static void
nrt_point_manager_refresh (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const NrtPointProcess *pp;
  const char *section;
  double x;
  int type;

  if (self->batch)
    return;

  /* An undo may take the selected instance away: fall back on the last one. */
  if (self->selected >= (int) data->point_processes->len)
    self->selected = (int) data->point_processes->len - 1;
  pp = get_pp (self, self->selected);
  type = pp != NULL ? (int) pp->type : -1;
  if (pp != NULL)
    {
      const NrtSection *sec = get_section (self, pp->section);
      /* None stays where the last instance was, as NEURON's manager keeps its location. */
      if (g_strcmp0 (self->loc_section, sec->name) != 0)
        {
          g_free (self->loc_section);
          self->loc_section = g_strdup (sec->name);
        }
      self->loc_x = pp->x;
      remember_selected (self);
    }
  ensure_location (self);

  self->updating = TRUE;

  update_sections (self);
  adw_combo_row_set_selected (self->type_row, (guint) (type + 1));

  current_location (self, &section, &x);
  if (pp != NULL)
    {
      g_autofree char *name = nrt_model_point_process_name (self->model, self->selected);
      adw_action_row_set_subtitle (self->name_row, name);
    }
  else
    adw_action_row_set_subtitle (self->name_row, _("None — choose a type to place one here"));

  g_clear_pointer (&self->location_text, g_free);
  if (section != NULL)
    {
      int is = nrt_model_find_section (self->model, section);

      adw_combo_row_set_selected (self->section_row, (guint) is);
      nrt_number_entry_set_value (self->x_entry, x);
      self->location_text = nrt_point_location_describe (section, get_section (self, is)->nseg, x);
    }
  else
    self->location_text = g_strdup (_("The model has no sections"));
  adw_action_row_set_subtitle (self->node_row, self->location_text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->section_row), section != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->x_entry), section != NULL);

  /* The Parameters group of the manager. */
  if (type != self->built_type)
    {
      build_rows (self, self->params_group, self->param_rows, self->param_entries, type,
                  G_CALLBACK (on_param_committed));
      self->built_type = type;
    }
  if (pp != NULL)
    {
      g_autofree char *description = NULL;

      show_values (self->param_entries, pp->p);
      /* Translators: the parameters group's description, "IClamp: values with their units;
       * ⟲ restores NEURON's default" */
      description = g_strdup_printf (_("%s: values with their units; ⟲ restores NEURON’s default"),
                                     nrt_point_process_info (pp->type)->name);
      adw_preferences_group_set_description (self->params_group, description);
    }
  else
    adw_preferences_group_set_description (self->params_group,
                                           _("None: choose a type above to place a point process at this location."));

  update_group_list (self);
  update_group_params (self);
  update_input (self);
  self->updating = FALSE;

  /* The hint under the cell says what a click will do. */
  if (pp != NULL)
    {
      g_autofree char *name = nrt_model_point_process_name (self->model, self->selected);
      g_autofree char *hint = g_strdup_printf (_("Click on the cell to move %s there, or drag a marker. Ctrl-drag rotates, the wheel zooms, Home fits the cell."), name);
      gtk_label_set_text (self->hint, hint);
    }
  else
    gtk_label_set_text (self->hint, _("Click on the cell to choose where the next point process goes. Ctrl-drag rotates, the wheel zooms, Home fits the cell."));

  update_markers (self);
  update_actions (self);
}

/* ---- widgets → model ----------------------------------------------------------------- */

static void
begin_batch (NrtPointManager *self,
             const char      *label)
{
  self->batch = TRUE;
  nrt_model_begin_group (self->model, label);
}

static void
end_batch (NrtPointManager *self)
{
  nrt_model_end_group (self->model);
  self->batch = FALSE;
  nrt_point_manager_refresh (self);
}

/* A new instance of type at section(x) with values: one undo step.  Returns its index. */
static int
add_with_values (NrtPointManager *self,
                 int              type,
                 const char      *section,
                 double           x,
                 const double    *values,
                 GError         **error)
{
  const NrtMechanismInfo *info = nrt_point_process_info (type);
  int index = nrt_model_add_point_process (self->model, info->name, section, x, error);

  if (index < 0)
    return -1;
  for (guint k = 0; k < info->n_params; k++)
    {
      if (get_pp (self, index)->p[k] == values[k])
        continue;
      if (!nrt_model_set_point_process_param (self->model, index, info->params[k].name,
                                              values[k], error))
        return -1;
    }
  return index;
}

gboolean
nrt_point_manager_choose_type (NrtPointManager *self,
                               int              type,
                               GError         **error)
{
  const NrtPointProcess *pp;
  g_autofree char *section = NULL;
  const char *sec;
  double x;
  int index = -1;
  gboolean ok = TRUE, touched = FALSE;

  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), FALSE);
  g_return_val_if_fail (type >= -1 && type < NRT_N_PP, FALSE);

  pp = get_pp (self, self->selected);
  if ((pp == NULL && type < 0) || (pp != NULL && (int) pp->type == type))
    return TRUE;

  current_location (self, &sec, &x);
  if (sec == NULL)
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SECTION,
                           _("The model has no sections to put a point process on"));
      nrt_point_manager_refresh (self);
      return FALSE;
    }
  section = g_strdup (sec);

  /* pointman.hoc: the old instance goes, its values stay with its type; the new one gets
   * what its type had last.  One undo step. */
  begin_batch (self, _("Change Point Process Type"));
  if (pp != NULL)
    {
      remember_selected (self);
      ok = nrt_model_remove_point_process (self->model, self->selected, error);
      touched = ok;
    }
  if (ok && type >= 0)
    {
      guint n_before = nrt_model_get_data (self->model)->point_processes->len;

      index = add_with_values (self, type, section, x, self->remembered[type], error);
      ok = index >= 0;
      /* add_with_values may have added the instance and then been refused a value. */
      touched = touched || nrt_model_get_data (self->model)->point_processes->len != n_before;
    }
  if (ok)
    {
      self->selected = index;
      g_free (self->loc_section);
      self->loc_section = g_steal_pointer (&section);
      self->loc_x = x;
    }
  end_batch (self);
  /* Half done (the old one gone, the new one refused): take the step back. */
  if (!ok && touched)
    nrt_model_undo (self->model, NULL);
  return ok;
}

int
nrt_point_manager_get_type_choice (NrtPointManager *self)
{
  const NrtPointProcess *pp;

  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), -1);

  pp = get_pp (self, self->selected);
  return pp != NULL ? (int) pp->type : -1;
}

const double *
nrt_point_manager_get_remembered (NrtPointManager *self,
                                  int              type)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);
  g_return_val_if_fail (type >= 0 && type < NRT_N_PP, NULL);

  return self->remembered[type];
}

static void
on_type_selected (NrtPointManager *self)
{
  g_autoptr(GError) error = NULL;
  guint selected = adw_combo_row_get_selected (self->type_row);

  if (self->updating || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (!nrt_point_manager_choose_type (self, (int) selected - 1, &error))
    toast (self, error->message);
}

/* Moves the selected instance, or None's location, to section(x). */
static gboolean
move_to (NrtPointManager *self,
         const char      *section,
         double           x,
         GError         **error)
{
  if (self->selected < 0)
    {
      if (nrt_model_find_section (self->model, section) < 0)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SECTION,
                       _("No section named “%s”"), section);
          return FALSE;
        }
      if (!(x >= 0.0 && x <= 1.0))
        {
          g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                               _("x must be between 0 and 1"));
          return FALSE;
        }
      g_free (self->loc_section);
      self->loc_section = g_strdup (section);
      self->loc_x = x;
      nrt_point_manager_refresh (self);
      return TRUE;
    }
  return nrt_model_move_point_process (self->model, self->selected, section, x, error);
}

static void
on_section_selected (NrtPointManager *self)
{
  const NrtSection *sec = get_section (self, (int) adw_combo_row_get_selected (self->section_row));
  const char *current;
  double x;
  g_autoptr(GError) error = NULL;

  if (self->updating || sec == NULL)
    return;
  current_location (self, &current, &x);
  if (g_strcmp0 (current, sec->name) == 0)
    return;
  if (!move_to (self, sec->name, x, &error))
    {
      toast (self, error->message);
      nrt_point_manager_refresh (self);
    }
}

static void
on_x_committed (NrtPointManager *self,
                double           x)
{
  const char *section;
  double old_x;
  g_autoptr(GError) error = NULL;

  current_location (self, &section, &old_x);
  if (section == NULL)
    return;
  if (!move_to (self, section, x, &error))
    nrt_number_entry_reject (self->x_entry, error->message);
}

static void
on_section_picked (NrtPointManager *self,
                   const char      *section,
                   double           x)
{
  g_autoptr(GError) error = NULL;

  if (!move_to (self, section, x, &error))
    toast (self, error->message);
}

static void
on_marker_moved (NrtPointManager *self,
                 guint            index,
                 const char      *section,
                 double           x)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  g_autoptr(GError) error = NULL;

  /* Marker n (one past the instances) is None's location. */
  if (index < data->point_processes->len)
    self->selected = (int) index;
  else if (self->selected >= 0)
    return;
  if (!move_to (self, section, x, &error))
    toast (self, error->message);
  nrt_point_manager_refresh (self);
}

static void
on_param_committed (NrtNumberEntry  *entry,
                    double           value,
                    NrtPointManager *self)
{
  const char *param = g_object_get_data (G_OBJECT (entry), "nrt-param");
  g_autoptr(GError) error = NULL;

  if (get_pp (self, self->selected) == NULL)
    return;
  if (!nrt_model_set_point_process_param (self->model, self->selected, param, value, &error))
    nrt_number_entry_reject (entry, error->message);
}

/* The group's panel: the selection, or (Global Spec) every instance of the selected type,
 * as one undo step. */
static void
on_group_param_committed (NrtNumberEntry  *entry,
                          double           value,
                          NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const char *param = g_object_get_data (G_OBJECT (entry), "nrt-param");
  const NrtPointProcess *pp = get_pp (self, self->selected);
  g_autoptr(GError) error = NULL;
  NrtPointProcessType type;
  gboolean ok = TRUE;

  if (pp == NULL)
    return;
  if (!self->global_spec)
    {
      if (!nrt_model_set_point_process_param (self->model, self->selected, param, value, &error))
        nrt_number_entry_reject (entry, error->message);
      return;
    }

  type = pp->type;
  begin_batch (self, _("Global Spec"));
  for (guint i = 0; ok && i < data->point_processes->len; i++)
    if (((const NrtPointProcess *) g_ptr_array_index (data->point_processes, i))->type == type)
      ok = nrt_model_set_point_process_param (self->model, i, param, value, &error);
  end_batch (self);
  /* Every instance of a type has the same domain, so the first one refuses and nothing
   * changed. */
  if (!ok)
    nrt_number_entry_reject (entry, error->message);
}

static void
on_row_selected (GtkListBox      *box,
                 GtkListBoxRow   *row,
                 NrtPointManager *self)
{
  if (self->updating || row == NULL)
    return;
  nrt_point_manager_select (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "nrt-index")));
}

static void
action_new (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  int type = nrt_point_process_lookup (g_variant_get_string (param, NULL));
  g_autoptr(GError) error = NULL;
  const char *section;
  double x;
  int index;

  current_location (self, &section, &x);
  if (type < 0 || section == NULL)
    return;
  /* pointgrp.hoc New: a fresh instance with the type's defaults, here at the selected one's
   * place (NEURON: the accessed section's middle). */
  index = nrt_model_add_point_process (self->model, nrt_point_process_info (type)->name,
                                       section, x, &error);
  if (index < 0)
    {
      toast (self, error->message);
      return;
    }
  nrt_point_manager_select (self, index);
}

static void
action_copy (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  const NrtPointProcess *pp = get_pp (self, self->selected);
  double values[NRT_MAX_PARAMS];
  g_autofree char *section = NULL;
  g_autoptr(GError) error = NULL;
  int type, index;
  double x;

  if (pp == NULL)
    return;
  memcpy (values, pp->p, sizeof values);
  type = pp->type;
  section = g_strdup (get_section (self, pp->section)->name);
  x = pp->x;

  begin_batch (self, _("Copy Point Process"));
  index = add_with_values (self, type, section, x, values, &error);
  if (index >= 0)
    self->selected = index;
  end_batch (self);
  if (index < 0)
    toast (self, error->message);
}

static void
action_remove (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  g_autoptr(GError) error = NULL;
  int index = self->selected;

  if (get_pp (self, index) == NULL)
    return;
  remember_selected (self);
  /* The next one in the list takes the selection (refresh clamps it to the last). */
  if (!nrt_model_remove_point_process (self->model, index, &error))
    toast (self, error->message);
}

/* A NetStim with the form's values, connected to the selected synapse by a NetCon: one undo
 * step. */
static void
action_connect_netstim (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  g_autoptr(GError) error = NULL;
  double v[N_INPUT_FIELDS];
  int stim = -1, con = -1;

  if (!receives_events (get_pp (self, self->selected)))
    return;
  for (guint f = 0; f < N_INPUT_FIELDS; f++)
    v[f] = nrt_number_entry_get_value (self->input_entries[f]);

  begin_batch (self, _("Connect NetStim"));
  stim = nrt_model_add_netstim (self->model, v[INPUT_START], v[INPUT_INTERVAL], v[INPUT_NUMBER],
                                v[INPUT_NOISE], &error);
  if (stim >= 0)
    con = nrt_model_add_netcon (self->model, stim, self->selected, v[INPUT_WEIGHT],
                                v[INPUT_DELAY], v[INPUT_THRESHOLD], &error);
  end_batch (self);
  if (con < 0)
    {
      if (stim >= 0)
        nrt_model_undo (self->model, NULL);
      toast (self, error->message);
      return;
    }
  adw_expander_row_set_expanded (self->input_new_row, FALSE);
}

static void
action_undo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  g_autoptr(GError) error = NULL;

  if (nrt_model_can_undo (self->model) && !nrt_model_undo (self->model, &error))
    toast (self, error->message);
}

static void
action_redo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  g_autoptr(GError) error = NULL;

  if (nrt_model_can_redo (self->model) && !nrt_model_redo (self->model, &error))
    toast (self, error->message);
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
nrt_point_manager_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  NrtPointManager *self = NRT_POINT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_PANEL_STYLE:
      g_value_set_string (value, self->global_spec ? "global" : "selection");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_point_manager_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  NrtPointManager *self = NRT_POINT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_PANEL_STYLE:
      {
        gboolean global = g_strcmp0 (g_value_get_string (value), "global") == 0;

        if (self->global_spec != global)
          {
            self->global_spec = global;
            if (self->model != NULL)
              update_group_params (self);
            g_object_notify_by_pspec (object, properties[PROP_PANEL_STYLE]);
          }
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_point_manager_dispose (GObject *object)
{
  NrtPointManager *self = NRT_POINT_MANAGER (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_weak_pointer (&self->main_window);
  g_clear_object (&self->input_new_row);

  gtk_widget_dispose_template (GTK_WIDGET (self), NRT_TYPE_POINT_MANAGER);

  G_OBJECT_CLASS (nrt_point_manager_parent_class)->dispose (object);
}

static void
nrt_point_manager_finalize (GObject *object)
{
  NrtPointManager *self = NRT_POINT_MANAGER (object);

  g_free (self->loc_section);
  g_free (self->location_text);
  g_ptr_array_unref (self->param_rows);
  g_ptr_array_unref (self->param_entries);
  g_ptr_array_unref (self->group_rows);
  g_ptr_array_unref (self->group_entries);
  g_ptr_array_unref (self->list_titles);
  g_ptr_array_unref (self->input_rows);

  G_OBJECT_CLASS (nrt_point_manager_parent_class)->finalize (object);
}

static void
nrt_point_manager_class_init (NrtPointManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = nrt_point_manager_get_property;
  object_class->set_property = nrt_point_manager_set_property;
  object_class->dispose = nrt_point_manager_dispose;
  object_class->finalize = nrt_point_manager_finalize;

  /* NEURON's PanelStyle: "selection" (View Selection) or "global" (Global Spec). */
  properties[PROP_PANEL_STYLE] =
    g_param_spec_string ("panel-style", NULL, NULL, "selection",
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NRT_TYPE_NUMBER_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/neurite/Neurite/ui/nrt-point-manager.ui");
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, toasts);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, stack);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, shape_box);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, hint);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, type_row);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, name_row);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, section_row);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, x_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, node_row);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, params_group);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, input_group);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, list_group);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, new_button);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, group_list);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, group_params_group);

  gtk_widget_class_install_action (widget_class, "pm.new", "s", action_new);
  gtk_widget_class_install_action (widget_class, "pm.copy", NULL, action_copy);
  gtk_widget_class_install_action (widget_class, "pm.remove", NULL, action_remove);
  gtk_widget_class_install_action (widget_class, "pm.connect-netstim", NULL, action_connect_netstim);
  gtk_widget_class_install_action (widget_class, "pm.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "pm.redo", NULL, action_redo);
  gtk_widget_class_install_property_action (widget_class, "pm.panel-style", "panel-style");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "pm.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "pm.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
nrt_point_manager_init (NrtPointManager *self)
{
  static gboolean css_loaded;
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GMenu) new_menu = g_menu_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Picks land on nodes such as 10.5/43: enough digits to tell nodes apart, no more. */
  nrt_number_entry_set_digits (self->x_entry, 6);

  if (!css_loaded)
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (css, "/io/github/neurite/Neurite/ui/nrt-point-manager.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      css_loaded = TRUE;
    }

  self->selected = -1;
  self->built_type = -1;
  self->group_built_type = -1;
  self->param_rows = g_ptr_array_new ();
  self->param_entries = g_ptr_array_new ();
  self->group_rows = g_ptr_array_new ();
  self->group_entries = g_ptr_array_new ();
  self->list_titles = g_ptr_array_new_with_free_func (g_free);

  /* The type menu and New: None, then every type the core knows, in its order. */
  gtk_string_list_append (types, _("None"));
  for (int t = 0; t < NRT_N_PP; t++)
    {
      const NrtMechanismInfo *info = nrt_point_process_info (t);
      g_autoptr(GMenuItem) item = g_menu_item_new (info->name, NULL);

      gtk_string_list_append (types, info->name);
      g_menu_item_set_action_and_target_value (item, "pm.new", g_variant_new_string (info->name));
      g_menu_append_item (new_menu, item);
      for (guint k = 0; k < info->n_params; k++)
        self->remembered[t][k] = info->params[k].def;
    }
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));
  gtk_menu_button_set_menu_model (self->new_button, G_MENU_MODEL (new_menu));

  /* The form for a new spike input, folded until asked for; it stays below the inputs. */
  self->input_rows = g_ptr_array_new ();
  /* Owned: it is taken out and put back below the inputs when they change. */
  self->input_new_row = g_object_ref_sink (ADW_EXPANDER_ROW (adw_expander_row_new ()));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->input_new_row), _("New NetStim Input"));
  adw_expander_row_set_subtitle (self->input_new_row,
                                 _("NetStim’s start, interval, number and noise; NetCon’s weight, delay and threshold"));
  for (guint f = 0; f < N_INPUT_FIELDS; f++)
    {
      GtkWidget *row = adw_preferences_row_new ();
      GtkWidget *entry = nrt_number_entry_new (input_fields[f].label, input_fields[f].value,
                                               input_fields[f].def);

      nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), input_fields[f].min,
                                  input_fields[f].max, input_fields[f].exclusive_min);
      nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry), input_fields[f].step);
      gtk_widget_add_css_class (entry, "rc-row");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), input_fields[f].label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), entry);
      adw_expander_row_add_row (self->input_new_row, row);
      self->input_entries[f] = NRT_NUMBER_ENTRY (entry);
    }
  {
    GtkWidget *row = adw_preferences_row_new ();
    GtkWidget *button = gtk_button_new_with_mnemonic (_("_Connect to This Synapse"));

    gtk_widget_set_halign (button, GTK_ALIGN_END);
    gtk_widget_set_margin_top (button, 8);
    gtk_widget_set_margin_bottom (button, 8);
    gtk_widget_set_margin_end (button, 12);
    gtk_widget_add_css_class (button, "suggested-action");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "pm.connect-netstim");
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
    gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), button);
    adw_expander_row_add_row (self->input_new_row, row);
  }
  adw_preferences_group_add (self->input_group, GTK_WIDGET (self->input_new_row));

  gtk_list_box_set_placeholder (self->group_list,
                                g_object_new (GTK_TYPE_LABEL,
                                              "label", _("No point processes yet: add one with New."),
                                              "margin-top", 18, "margin-bottom", 18,
                                              "wrap", TRUE,
                                              "css-classes", (const char *[]) { "dim-label", NULL },
                                              NULL));

  g_signal_connect_swapped (self->type_row, "notify::selected",
                            G_CALLBACK (on_type_selected), self);
  g_signal_connect_swapped (self->section_row, "notify::selected",
                            G_CALLBACK (on_section_selected), self);
  g_signal_connect_swapped (self->x_entry, "value-committed", G_CALLBACK (on_x_committed), self);
  g_signal_connect (self->group_list, "row-selected", G_CALLBACK (on_row_selected), self);
}

GtkWindow *
nrt_point_manager_new (NrtWindow *main_window)
{
  NrtPointManager *self;
  const NrtModelData *data;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);

  self = g_object_new (NRT_TYPE_POINT_MANAGER, NULL);
  g_set_weak_pointer (&self->main_window, main_window);
  self->model = g_object_ref (nrt_window_get_model (main_window));

  self->shape = nrt_shape_view_new (self->model);
  gtk_widget_set_vexpand (self->shape, TRUE);
  gtk_widget_set_hexpand (self->shape, TRUE);
  nrt_shape_view_set_show_diam (NRT_SHAPE_VIEW (self->shape), TRUE);
  gtk_box_prepend (self->shape_box, self->shape);
  g_signal_connect_swapped (self->shape, "section-picked", G_CALLBACK (on_section_picked), self);
  g_signal_connect_swapped (self->shape, "marker-moved", G_CALLBACK (on_marker_moved), self);

  data = nrt_model_get_data (self->model);
  if (data->point_processes->len > 0)
    self->selected = 0;
  self->changed_id = g_signal_connect_swapped (self->model, "changed",
                                               G_CALLBACK (nrt_point_manager_refresh), self);
  nrt_point_manager_refresh (self);
  /* Keys go to the cell first (x, y, z views; arrows rotate; Home fits). */
  gtk_window_set_focus (GTK_WINDOW (self), self->shape);

  nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

void
nrt_point_manager_show_page (NrtPointManager *self,
                             const char      *page)
{
  g_return_if_fail (NRT_IS_POINT_MANAGER (self));
  g_return_if_fail (g_strcmp0 (page, "manager") == 0 || g_strcmp0 (page, "group") == 0);

  adw_view_stack_set_visible_child_name (self->stack, page);
}

const char *
nrt_point_manager_get_page (NrtPointManager *self)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

int
nrt_point_manager_get_selected (NrtPointManager *self)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), -1);

  return self->selected;
}

void
nrt_point_manager_select (NrtPointManager *self,
                          int              point_process)
{
  g_return_if_fail (NRT_IS_POINT_MANAGER (self));

  if (point_process >= 0 && get_pp (self, point_process) == NULL)
    return;
  self->selected = point_process;
  nrt_point_manager_refresh (self);
}

const char *
nrt_point_manager_get_location_section (NrtPointManager *self)
{
  const char *section;
  double x;

  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);

  current_location (self, &section, &x);
  return section;
}

double
nrt_point_manager_get_location_x (NrtPointManager *self)
{
  const char *section;
  double x;

  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NAN);

  current_location (self, &section, &x);
  return x;
}

const char *
nrt_point_manager_get_location_text (NrtPointManager *self)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);

  return self->location_text;
}

NrtNumberEntry *
nrt_point_manager_get_field (NrtPointManager *self,
                             const char      *name)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "x"))
    return self->x_entry;
  if (g_str_has_prefix (name, "input."))
    {
      for (guint f = 0; f < N_INPUT_FIELDS; f++)
        if (g_str_equal (name + strlen ("input."), input_fields[f].name))
          return self->input_entries[f];
      return NULL;
    }
  return find_entry (self->param_entries, name);
}

NrtNumberEntry *
nrt_point_manager_get_group_field (NrtPointManager *self,
                                   const char      *name)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return find_entry (self->group_entries, name);
}

gboolean
nrt_point_manager_choose_section (NrtPointManager *self,
                                  const char      *section)
{
  int index;

  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), FALSE);

  index = nrt_model_find_section (self->model, section);
  if (index < 0)
    return FALSE;
  adw_combo_row_set_selected (self->section_row, (guint) index);
  return g_strcmp0 (nrt_point_manager_get_location_section (self), section) == 0;
}

GtkWidget *
nrt_point_manager_get_shape (NrtPointManager *self)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);

  return self->shape;
}

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
  { "start", N_("start (ms)"), 50, 50, -1e9, 1e9, 1, FALSE },
  { "interval", N_("interval (ms)"), 10, 10, 0, 1e9, 1, TRUE },
  { "number", N_("number"), 10, 10, 0, 1e9, 1, FALSE },
  { "noise", N_("noise (0–1)"), 0, 0, 0, 1, 0.1, FALSE },
  { "weight", N_("weight (µS)"), 0.01, 0, -1e9, 1e9, 0.001, FALSE },
  { "delay", N_("delay (ms)"), 1, 1, 0, 1e9, 0.1, FALSE },
  { "threshold", N_("threshold (mV)"), 10, 10, -1000, 1000, 1, FALSE },
};

/* NetStim as the type menu's last entry (netstim.mod's PARAMETERs, NEURON's defaults, the
 * domains of nrt_model_add_netstim; interval must be > 0). */
#define NETSTIM NRT_POINT_MANAGER_NETSTIM
#define N_TYPES (NRT_N_PP + 1)

static const NrtParamInfo netstim_params[] = {
  { "start", "ms", 50, -1e9, 1e9 },
  { "interval", "ms", 10, 0, 1e9 },
  { "number", "", 10, 0, 1e9 },
  { "noise", "", 0, 0, 1 },
};
static const NrtMechanismInfo netstim_info = { "NetStim", G_N_ELEMENTS (netstim_params), netstim_params };

/* Type choices above NETSTIM are the library's point channels: CHANNEL0 + channel index. */
#define CHANNEL0 NRT_POINT_MANAGER_CHANNEL0

/* A point channel's parameters are NRT_PCHAN_* in p[]; its page shows gmax, e for
 * NonSpecific channels and Nsingle for single-channel ones. */
static const NrtMechanismInfo *
type_info (int type)
{
  return type == NETSTIM ? &netstim_info
         : type >= CHANNEL0 ? nrt_point_process_info (NRT_PP_CHANNEL)
         : nrt_point_process_info (type);
}

/* The type menu's choice for an instance. */
static int
choice_of (const NrtPointProcess *pp)
{
  return pp->type == NRT_PP_CHANNEL ? CHANNEL0 + pp->channel : (int) pp->type;
}

static void
netstim_values (const NrtNetStim *ns,
                double           *v)
{
  v[0] = ns->start;
  v[1] = ns->interval;
  v[2] = ns->number;
  v[3] = ns->noise;
}

/* A NetCon's fields, and a NetStim's as the synapse's input rows show them. */
static const char *const netcon_fields[] = { "weight", "delay", "threshold" };

struct _NrtPointManager
{
  AdwWindow        parent_instance;

  NrtWindow       *main_window;   /* weak */
  NrtModel        *model;
  gulong           changed_id;

  int              selected;      /* model index, or -1: None */
  int              selected_ns;   /* index into netstims when a NetStim is shown, or -1 */
  char            *loc_section;   /* where None sits, and where the next instance goes */
  double           loc_x;
  double           remembered[N_TYPES][NRT_MAX_PARAMS];
  GHashTable      *chan_remembered; /* point channel name → double[NRT_MAX_PARAMS] */
  GArray          *type_choices;    /* of int: the type menu's choice at each position */
  char            *types_key;       /* the point channels the menus were built for */
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
  AdwPreferencesGroup  *location_group;
  AdwPreferencesRow    *x_row;
  AdwPreferencesGroup  *params_group;
  AdwPreferencesGroup  *conn_group;
  GtkMenuButton        *connect_button;
  AdwPreferencesGroup  *input_group;
  AdwPreferencesGroup  *list_group;
  GtkMenuButton        *new_button;
  GtkListBox           *group_list;
  AdwPreferencesGroup  *group_params_group;

  GtkWidget            *shape;
  GPtrArray            *input_rows;     /* of AdwExpanderRow*: the synapse's NetCons */
  GPtrArray            *input_nc_entries; /* of NrtNumberEntry*, in input_rows */
  char                 *input_key;      /* the NetCons input_rows were built for */
  GPtrArray            *conn_rows;      /* of AdwExpanderRow*: the NetStim's NetCons */
  GPtrArray            *conn_entries;   /* of NrtNumberEntry*, in conn_rows */
  char                 *conn_key;
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

static const NrtNetStim *
get_ns (NrtPointManager *self,
        int              index)
{
  const NrtModelData *data = nrt_model_get_data (self->model);

  if (index < 0 || (guint) index >= data->netstims->len)
    return NULL;
  return &g_array_index (data->netstims, NrtNetStim, index);
}

static const NrtNetCon *
get_nc (NrtPointManager *self,
        int              index)
{
  const NrtModelData *data = nrt_model_get_data (self->model);

  if (index < 0 || (guint) index >= data->netcons->len)
    return NULL;
  return &g_array_index (data->netcons, NrtNetCon, index);
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

/* The library's point channel behind a type choice, or NULL. */
static const NrtChannel *
type_channel (NrtPointManager *self,
              int              type)
{
  const NrtModelData *data = nrt_model_get_data (self->model);

  if (type < CHANNEL0 || type - CHANNEL0 >= (int) data->channels->len)
    return NULL;
  return g_ptr_array_index (data->channels, type - CHANNEL0);
}

static const char *
type_name (NrtPointManager *self,
           int              type)
{
  const NrtChannel *ch = type_channel (self, type);

  return ch != NULL ? ch->name : type_info (type)->name;
}

/* Whether parameter k of type has a field: all of them, except a point channel's e
 * (NonSpecific only) and Nsingle (single channels only). */
static gboolean
param_applies (NrtPointManager *self,
               int              type,
               guint            k)
{
  const NrtChannel *ch = type_channel (self, type);

  if (ch == NULL)
    return TRUE;
  if (k == NRT_PCHAN_E)
    return ch->ion == NRT_ION_NONSPECIFIC;
  if (k == NRT_PCHAN_NSINGLE)
    return ch->single;
  return TRUE;
}

/* The values a new instance of type gets (the last ones used), in p[] order. */
static double *
remembered_for (NrtPointManager *self,
                int              type)
{
  const NrtChannel *ch = type_channel (self, type);
  double *values;

  if (ch == NULL)
    return self->remembered[type];
  values = g_hash_table_lookup (self->chan_remembered, ch->name);
  if (values == NULL)
    {
      values = g_new0 (double, NRT_MAX_PARAMS);
      values[NRT_PCHAN_GMAX] = ch->gmax;
      values[NRT_PCHAN_E] = ch->erev;
      values[NRT_PCHAN_NSINGLE] = 1;
      g_hash_table_insert (self->chan_remembered, g_strdup (ch->name), values);
    }
  return values;
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
  if (g_str_equal (p->name, "noise"))
    return 0.1;
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
    { "NetStim", "start", N_("When the first spike is sent") },
    { "NetStim", "interval", N_("Mean time between spikes") },
    { "NetStim", "number", N_("How many spikes are sent") },
    { "NetStim", "noise", N_("Randomness of the intervals: 0 regular, 1 Poisson. Kept with the model, but the simulator runs every NetStim with noise 0 for now") },
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
  const NrtNetStim *ns = get_ns (self, self->selected_ns);

  if (pp != NULL && type_channel (self, choice_of (pp)) != NULL)
    memcpy (remembered_for (self, choice_of (pp)), pp->p, sizeof pp->p);
  else if (pp != NULL && pp->type != NRT_PP_CHANNEL)
    memcpy (self->remembered[pp->type], pp->p, sizeof pp->p);
  else if (ns != NULL)
    netstim_values (ns, self->remembered[NETSTIM]);
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

  info = type_info (type);
  for (guint k = 0; k < info->n_params; k++)
    {
      const NrtParamInfo *p = &info->params[k];
      g_autofree char *label = NULL;
      GtkWidget *row, *entry;
      const char *tip = param_tooltip (info->name, p->name);

      if (!param_applies (self, type, k))
        continue;
      label = param_label (p);
      row = adw_preferences_row_new ();
      entry = nrt_number_entry_new (label, p->def, p->def);
      nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), p->min, p->max,
                                  type == NETSTIM && g_str_equal (p->name, "interval"));
      nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry), param_step (p));
      gtk_widget_add_css_class (entry, "rc-row");
      if (tip != NULL)
        gtk_widget_set_tooltip_text (entry, tip);
      g_object_set_data (G_OBJECT (entry), "nrt-param", (gpointer) p->name);
      g_object_set_data (G_OBJECT (entry), "nrt-param-index", GUINT_TO_POINTER (k + 1));
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
    {
      NrtNumberEntry *entry = g_ptr_array_index (entries, k);
      guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "nrt-param-index"));

      nrt_number_entry_set_value (entry, values[index - 1]);
    }
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

/* ---- NetCon rows: a NetStim's connections, a synapse's inputs ------------------------ */

static void on_netcon_committed (NrtNumberEntry *entry, double value, NrtPointManager *self);

/* One NrtNumberEntry row for field of NetCon c inside an expander row. */
static void
add_netcon_field (NrtPointManager *self,
                  AdwExpanderRow  *expander,
                  GPtrArray       *entries,
                  guint            c,
                  const char      *field)
{
  static const struct {
    const char *field;
    int         input;   /* InputField with the label, default and domain */
  } map[] = {
    { "start", INPUT_START }, { "interval", INPUT_INTERVAL }, { "number", INPUT_NUMBER },
    { "noise", INPUT_NOISE }, { "weight", INPUT_WEIGHT }, { "delay", INPUT_DELAY },
    { "threshold", INPUT_THRESHOLD },
  };
  GtkWidget *row, *entry;
  int f = -1;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (map[i].field, field))
      f = map[i].input;
  g_return_if_fail (f >= 0);

  row = adw_preferences_row_new ();
  entry = nrt_number_entry_new (_(input_fields[f].label), input_fields[f].def, input_fields[f].def);
  nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), input_fields[f].min, input_fields[f].max,
                              input_fields[f].exclusive_min);
  nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry), input_fields[f].step);
  gtk_widget_add_css_class (entry, "rc-row");
  g_object_set_data (G_OBJECT (entry), "nrt-netcon", GUINT_TO_POINTER (c));
  g_object_set_data (G_OBJECT (entry), "nrt-field", (gpointer) input_fields[f].name);
  g_signal_connect (entry, "value-committed", G_CALLBACK (on_netcon_committed), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(input_fields[f].label));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), entry);
  adw_expander_row_add_row (expander, row);
  g_ptr_array_add (entries, entry);
}

/* An expander row for NetCon c: (with_netstim) its NetStim's fields, then its own, and a
 * remove button running action(c). */
static GtkWidget *
netcon_row (NrtPointManager *self,
            guint            c,
            gboolean         with_netstim,
            const char      *action,
            GPtrArray       *entries)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (with_netstim)
    for (guint i = 0; i < G_N_ELEMENTS (netstim_params); i++)
      add_netcon_field (self, ADW_EXPANDER_ROW (row), entries, c, netstim_params[i].name);
  for (guint i = 0; i < G_N_ELEMENTS (netcon_fields); i++)
    add_netcon_field (self, ADW_EXPANDER_ROW (row), entries, c, netcon_fields[i]);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, with_netstim ? _("Remove this input (the NetCon, and its NetStim if it drives nothing else)")
                                                    : _("Remove this connection (the NetCon)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), g_variant_new_int32 ((gint32) c));
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), remove);
  return row;
}

/* Shows the model's values in the entries of NetCon rows. */
static void
show_netcon_values (NrtPointManager *self,
                    GPtrArray       *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      NrtNumberEntry *e = g_ptr_array_index (entries, i);
      const NrtNetCon *nc = get_nc (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (e), "nrt-netcon")));
      const char *field = g_object_get_data (G_OBJECT (e), "nrt-field");
      const NrtNetStim *ns;
      double v[4];

      if (nc == NULL)
        continue;
      ns = get_ns (self, nc->source);
      if (ns != NULL)
        netstim_values (ns, v);
      if (g_str_equal (field, "weight"))
        nrt_number_entry_set_value (e, nc->weight);
      else if (g_str_equal (field, "delay"))
        nrt_number_entry_set_value (e, nc->delay);
      else if (g_str_equal (field, "threshold"))
        nrt_number_entry_set_value (e, nc->threshold);
      else if (ns != NULL)
        for (guint k = 0; k < G_N_ELEMENTS (netstim_params); k++)
          if (g_str_equal (field, netstim_params[k].name))
            nrt_number_entry_set_value (e, v[k]);
    }
}

static NrtNumberEntry *
find_netcon_entry (GPtrArray  *entries,
                   guint       c,
                   const char *field)
{
  for (guint i = 0; i < entries->len; i++)
    {
      NrtNumberEntry *e = g_ptr_array_index (entries, i);

      if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (e), "nrt-netcon")) == c
          && g_strcmp0 (g_object_get_data (G_OBJECT (e), "nrt-field"), field) == 0)
        return e;
    }
  return NULL;
}

static char *
netcon_subtitle (guint            c,
                 const NrtNetCon *nc)
{
  /* Translators: a connection, "NetCon[0]: weight 0.01 µS, delay 1 ms, threshold 10 mV" */
  return g_strdup_printf (_("NetCon[%u]: weight %g µS, delay %g ms, threshold %g mV"),
                          c, nc->weight, nc->delay, nc->threshold);
}

/* "ExpSyn[0] at soma(0.5)" */
static char *
pp_where (NrtPointManager *self,
          int              index)
{
  const NrtPointProcess *pp = get_pp (self, index);
  g_autofree char *name = NULL;
  g_autofree char *xs = NULL;

  if (pp == NULL)
    return g_strdup ("?");
  name = nrt_model_point_process_name (self->model, index);
  xs = format_x (pp->x);
  /* Translators: a point process and where it is, "ExpSyn[0] at dend[1](0.8)" */
  return g_strdup_printf (_("%s at %s(%s)"), name, get_section (self, pp->section)->name, xs);
}

/* The Point Group's title of a NetStim: "NetStim[0] → ExpSyn[0]", "NetStim[1] → ExpSyn[0],
 * Exp2Syn[0]", or "NetStim[2] (not connected)". */
static char *
netstim_title (NrtPointManager *self,
               guint            k)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  GString *targets = g_string_new (NULL);

  for (guint c = 0; c < data->netcons->len; c++)
    {
      const NrtNetCon *nc = &g_array_index (data->netcons, NrtNetCon, c);
      g_autofree char *name = NULL;

      if (nc->source != (int) k || get_pp (self, nc->target) == NULL)
        continue;
      name = nrt_model_point_process_name (self->model, nc->target);
      g_string_append_printf (targets, "%s%s", targets->len > 0 ? ", " : "", name);
    }
  if (targets->len == 0)
    {
      g_string_free (targets, TRUE);
      /* Translators: a NetStim that drives nothing */
      return g_strdup_printf (_("NetStim[%u] (not connected)"), k);
    }
  {
    g_autofree char *t = g_string_free (targets, FALSE);
    /* Translators: a NetStim and the synapses it drives, "NetStim[0] → ExpSyn[0]" */
    return g_strdup_printf (_("NetStim[%u] → %s"), k, t);
  }
}

static char *
netstim_subtitle (const NrtNetStim *ns)
{
  double v[4];
  GString *s = g_string_new (NULL);

  netstim_values (ns, v);
  for (guint k = 0; k < G_N_ELEMENTS (netstim_params); k++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (s, "%s%s = %s", k > 0 ? ", " : "", netstim_params[k].name,
                              g_ascii_formatd (buf, sizeof buf, "%.5g", v[k]));
    }
  return g_string_free (s, FALSE);
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
list_subtitle (NrtPointManager       *self,
               const NrtPointProcess *pp)
{
  const NrtMechanismInfo *info = nrt_point_process_info (pp->type);
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < info->n_params; k++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (!param_applies (self, choice_of (pp), k))
        continue;
      g_string_append_printf (s, "%s%s = %s", s->len > 0 ? ", " : "", info->params[k].name,
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
  if (self->selected < 0 && self->selected_ns < 0 && self->loc_section != NULL)
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
      g_ptr_array_add (subtitles, list_subtitle (self, pp));
    }
  /* Then the NetStims, which have no place on the cell. */
  for (guint k = 0; k < data->netstims->len; k++)
    {
      g_ptr_array_add (titles, netstim_title (self, k));
      g_ptr_array_add (subtitles, netstim_subtitle (&g_array_index (data->netstims, NrtNetStim, k)));
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
          if (i < data->point_processes->len)
            g_object_set_data (G_OBJECT (row), "nrt-index", GUINT_TO_POINTER (i));
          else
            g_object_set_data (G_OBJECT (row), "nrt-netstim",
                               GUINT_TO_POINTER (i - data->point_processes->len + 1));
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
      if ((int) i == self->selected
          || (self->selected_ns >= 0 && i == data->point_processes->len + (guint) self->selected_ns))
        gtk_list_box_select_row (self->group_list, row);
    }
  if (self->selected < 0 && self->selected_ns < 0)
    gtk_list_box_unselect_all (self->group_list);
}

static void
update_group_params (NrtPointManager *self)
{
  const NrtPointProcess *pp = get_pp (self, self->selected);
  const NrtNetStim *ns = get_ns (self, self->selected_ns);
  int type = pp != NULL ? choice_of (pp) : ns != NULL ? NETSTIM : -1;
  g_autofree char *name = pp != NULL ? nrt_model_point_process_name (self->model, self->selected)
                        : ns != NULL ? g_strdup_printf ("NetStim[%d]", self->selected_ns)
                        : NULL;
  double values[NRT_MAX_PARAMS];

  if (type != self->group_built_type)
    {
      build_rows (self, self->group_params_group, self->group_rows, self->group_entries, type,
                  G_CALLBACK (on_group_param_committed));
      self->group_built_type = type;
    }

  if (type < 0)
    {
      adw_preferences_group_set_title (self->group_params_group, _("Parameters"));
      adw_preferences_group_set_description (self->group_params_group,
                                             _("Select a point process to see its parameters."));
      return;
    }

  if (pp != NULL)
    memcpy (values, pp->p, sizeof values);
  else
    netstim_values (ns, values);
  show_values (self->group_entries, values);
  if (self->global_spec)
    {
      const NrtModelData *data = nrt_model_get_data (self->model);
      const char *tname = type_name (self, type);
      g_autofree char *title = NULL;
      g_autofree char *description = NULL;
      guint n = 0;

      if (type == NETSTIM)
        n = data->netstims->len;
      for (guint i = 0; type != NETSTIM && i < data->point_processes->len; i++)
        if (choice_of (g_ptr_array_index (data->point_processes, i)) == type)
          n++;
      /* Translators: the title of NEURON's Global Spec panel, "Every ExpSyn" */
      title = g_strdup_printf (_("Every %s"), tname);
      /* Translators: NEURON's "All PP's set to these values" */
      description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Set to these values: what you enter goes to the %u %s (one undo step).",
                                                  "Set to these values: what you enter goes to all %u %s at once (one undo step).",
                                                  n),
                                     n, tname);
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

/* Rebuilds the expander rows of group for the NetCons in list (of guint, as a key string) when
 * they changed, so that rows being edited stay open; the values are refreshed in place. */
static gboolean
rebuild_netcon_rows (NrtPointManager     *self,
                     AdwPreferencesGroup *group,
                     GPtrArray           *rows,
                     GPtrArray           *entries,
                     char               **key,
                     GArray              *list,
                     gboolean             with_netstim,
                     const char          *action)
{
  GString *k = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      guint c = g_array_index (list, guint, i);
      g_string_append_printf (k, "%u:%d>%d;", c, get_nc (self, c)->source, get_nc (self, c)->target);
    }
  if (*key != NULL && g_str_equal (*key, k->str))
    {
      g_string_free (k, TRUE);
      return FALSE;
    }
  g_free (*key);
  *key = g_string_free (k, FALSE);

  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
  g_ptr_array_set_size (entries, 0);
  for (guint i = 0; i < list->len; i++)
    {
      GtkWidget *row = netcon_row (self, g_array_index (list, guint, i), with_netstim, action, entries);

      adw_preferences_group_add (group, row);
      g_ptr_array_add (rows, row);
    }
  return TRUE;
}

/* The synapse's inputs: one row per NetCon that targets it (its NetStim's and its own fields,
 * editable, and Remove), then the form for a new one. */
static void
update_input (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const NrtPointProcess *pp = get_pp (self, self->selected);
  g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (guint));

  gtk_widget_set_visible (GTK_WIDGET (self->input_group), receives_events (pp));
  if (!receives_events (pp))
    return;

  for (guint c = 0; c < data->netcons->len; c++)
    {
      const NrtNetCon *nc = &g_array_index (data->netcons, NrtNetCon, c);

      if (nc->target == self->selected && get_ns (self, nc->source) != NULL)
        g_array_append_val (list, c);
    }

  if (rebuild_netcon_rows (self, self->input_group, self->input_rows, self->input_nc_entries,
                           &self->input_key, list, TRUE, "pm.remove-input"))
    {
      /* The form stays below the inputs. */
      adw_preferences_group_remove (self->input_group, GTK_WIDGET (self->input_new_row));
      adw_preferences_group_add (self->input_group, GTK_WIDGET (self->input_new_row));
    }

  for (guint i = 0; i < list->len; i++)
    {
      guint c = g_array_index (list, guint, i);
      const NrtNetCon *nc = get_nc (self, c);
      const NrtNetStim *ns = get_ns (self, nc->source);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = netcon_subtitle (c, nc);

      /* Translators: a spike source, "NetStim[0]: 10 spikes every 10 ms from 50 ms" */
      title = g_strdup_printf (_("NetStim[%d]: %g spikes every %g ms from %g ms"),
                               nc->source, ns->number, ns->interval, ns->start);
      adw_preferences_row_set_title (g_ptr_array_index (self->input_rows, i), title);
      adw_expander_row_set_subtitle (g_ptr_array_index (self->input_rows, i), subtitle);
    }
  show_netcon_values (self, self->input_nc_entries);
}

/* The NetStim's connections, and the Connect to… menu of every synapse that takes events. */
static void
update_connections (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GMenu) menu = g_menu_new ();
  gboolean any = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->conn_group), self->selected_ns >= 0);
  if (self->selected_ns < 0)
    return;

  for (guint c = 0; c < data->netcons->len; c++)
    {
      const NrtNetCon *nc = &g_array_index (data->netcons, NrtNetCon, c);

      if (nc->source == self->selected_ns && get_pp (self, nc->target) != NULL)
        g_array_append_val (list, c);
    }
  rebuild_netcon_rows (self, self->conn_group, self->conn_rows, self->conn_entries,
                       &self->conn_key, list, FALSE, "pm.remove-netcon");
  for (guint i = 0; i < list->len; i++)
    {
      guint c = g_array_index (list, guint, i);
      const NrtNetCon *nc = get_nc (self, c);
      g_autofree char *where = pp_where (self, nc->target);
      /* Translators: where a NetCon delivers, "→ ExpSyn[0] at soma(0.5)" */
      g_autofree char *title = g_strdup_printf (_("→ %s"), where);
      g_autofree char *subtitle = netcon_subtitle (c, nc);

      adw_preferences_row_set_title (g_ptr_array_index (self->conn_rows, i), title);
      adw_expander_row_set_subtitle (g_ptr_array_index (self->conn_rows, i), subtitle);
    }
  show_netcon_values (self, self->conn_entries);
  adw_preferences_group_set_description (self->conn_group,
                                         list->len > 0 ? _("The NetCons this NetStim drives: each spike reaches the synapse after the delay and adds the weight to its conductance.")
                                                       : _("Not connected: this NetStim drives nothing yet. Connect it to an ExpSyn or Exp2Syn."));

  for (guint i = 0; i < data->point_processes->len; i++)
    if (receives_events (get_pp (self, i)))
      {
        g_autofree char *where = pp_where (self, i);
        g_autoptr(GMenuItem) item = g_menu_item_new (where, NULL);

        g_menu_item_set_action_and_target_value (item, "pm.connect-to", g_variant_new_int32 ((gint32) i));
        g_menu_append_item (menu, item);
        any = TRUE;
      }
  gtk_menu_button_set_menu_model (self->connect_button, G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button), any);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connect_button),
                               any ? _("A new NetCon from this NetStim to a synapse that takes events (ExpSyn, Exp2Syn)")
                                   : _("There is no ExpSyn or Exp2Syn to connect to: add one first"));
}

static void
update_actions (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  GtkWidget *w = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (w, "pm.undo", nrt_model_can_undo (self->model));
  gtk_widget_action_set_enabled (w, "pm.redo", nrt_model_can_redo (self->model));
  gtk_widget_action_set_enabled (w, "pm.copy", self->selected >= 0 || self->selected_ns >= 0);
  gtk_widget_action_set_enabled (w, "pm.remove", self->selected >= 0 || self->selected_ns >= 0);
  gtk_widget_action_set_enabled (w, "pm.connect-to", self->selected_ns >= 0);
  gtk_widget_action_set_enabled (w, "pm.new", data->sections->len > 0);
  gtk_widget_action_set_enabled (w, "pm.connect-netstim",
                                 receives_events (get_pp (self, self->selected)));
}

/* The type menu and New: None, the built-in types in the core's order, NetStim, then the
 * library's point channels.  Rebuilt when the point channels change. */
static void
update_type_menus (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GtkStringList) types = NULL;
  g_autoptr(GMenu) new_menu = NULL;

  for (guint c = 0; c < data->channels->len; c++)
    {
      const NrtChannel *ch = g_ptr_array_index (data->channels, c);
      if (ch->kind == NRT_CHANNEL_POINT)
        g_string_append_printf (key, "%u:%s:%d:%d;", c, ch->name, ch->ion, ch->single);
    }
  if (self->types_key != NULL && g_str_equal (key->str, self->types_key))
    return;
  g_free (self->types_key);
  self->types_key = g_strdup (key->str);
  /* Which parameters a channel's page shows may have changed. */
  self->built_type = self->group_built_type = -2;

  types = gtk_string_list_new (NULL);
  new_menu = g_menu_new ();
  g_array_set_size (self->type_choices, 0);
  for (int t = -1; t < CHANNEL0 + (int) data->channels->len; t++)
    {
      const char *name;

      if (t >= CHANNEL0
          && ((const NrtChannel *) g_ptr_array_index (data->channels, t - CHANNEL0))->kind
             != NRT_CHANNEL_POINT)
        continue;
      name = t < 0 ? _("None") : type_name (self, t);
      gtk_string_list_append (types, name);
      g_array_append_val (self->type_choices, t);
      if (t >= 0)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

          g_menu_item_set_action_and_target_value (item, "pm.new", g_variant_new_string (name));
          g_menu_append_item (new_menu, item);
        }
    }
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));
  gtk_menu_button_set_menu_model (self->new_button, G_MENU_MODEL (new_menu));
}

static guint
type_position (NrtPointManager *self,
               int              type)
{
  for (guint i = 0; i < self->type_choices->len; i++)
    if (g_array_index (self->type_choices, int, i) == type)
      return i;
  return 0;
}

static void
nrt_point_manager_refresh (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const NrtPointProcess *pp;
  const NrtNetStim *ns;
  const char *section;
  double x;
  int type;

  if (self->batch)
    return;

  /* An undo may take the selected instance away: fall back on the last one. */
  if (self->selected_ns >= (int) data->netstims->len)
    self->selected_ns = (int) data->netstims->len - 1;
  if (self->selected_ns >= 0)
    self->selected = -1;
  if (self->selected >= (int) data->point_processes->len)
    self->selected = (int) data->point_processes->len - 1;
  pp = get_pp (self, self->selected);
  ns = get_ns (self, self->selected_ns);
  type = pp != NULL ? choice_of (pp) : ns != NULL ? NETSTIM : -1;
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
    }
  remember_selected (self);
  ensure_location (self);

  self->updating = TRUE;

  update_sections (self);
  update_type_menus (self);
  adw_combo_row_set_selected (self->type_row, type_position (self, type));

  current_location (self, &section, &x);
  if (pp != NULL)
    {
      g_autofree char *name = nrt_model_point_process_name (self->model, self->selected);
      adw_action_row_set_subtitle (self->name_row, name);
    }
  else if (ns != NULL)
    {
      /* Translators: the NetStim's name, then what it is, "NetStim[0] — an artificial
       * cell: no location" */
      g_autofree char *name = g_strdup_printf (_("NetStim[%d] — an artificial cell: no location"),
                                               self->selected_ns);
      adw_action_row_set_subtitle (self->name_row, name);
    }
  else
    adw_action_row_set_subtitle (self->name_row, _("None — choose a type to place one here"));

  g_clear_pointer (&self->location_text, g_free);
  /* A NetStim is an artificial cell: no section, no x, no node (the Instance row says so). */
  gtk_widget_set_visible (GTK_WIDGET (self->location_group), ns == NULL);
  if (ns != NULL)
    self->location_text = g_strdup (_("An artificial cell: no location"));
  else if (section != NULL)
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
  if (pp != NULL || ns != NULL)
    {
      g_autofree char *description = NULL;
      double values[NRT_MAX_PARAMS];

      if (pp != NULL)
        memcpy (values, pp->p, sizeof values);
      else
        netstim_values (ns, values);
      show_values (self->param_entries, values);
      /* Translators: the parameters group's description, "IClamp: values with their units;
       * ⟲ restores NEURON's default" */
      description = g_strdup_printf (_("%s: values with their units; ⟲ restores NEURON’s default"),
                                     type_name (self, type));
      if (ns != NULL && ns->noise > 0)
        {
          char *with_note = g_strconcat (description, "\n",
                                         _("noise > 0 is kept with the model but not simulated yet: the spikes come at regular intervals."),
                                         NULL);
          g_free (description);
          description = with_note;
        }
      adw_preferences_group_set_description (self->params_group, description);
    }
  else
    adw_preferences_group_set_description (self->params_group,
                                           _("None: choose a type above to place a point process at this location."));

  update_group_list (self);
  update_group_params (self);
  update_input (self);
  update_connections (self);
  self->updating = FALSE;

  /* The hint under the cell says what a click will do. */
  if (pp != NULL)
    {
      g_autofree char *name = nrt_model_point_process_name (self->model, self->selected);
      g_autofree char *hint = g_strdup_printf (_("Click on the cell to move %s there, or drag a marker. Ctrl-drag rotates, the wheel zooms, Home fits the cell."), name);
      gtk_label_set_text (self->hint, hint);
    }
  else if (ns != NULL)
    gtk_label_set_text (self->hint, _("A NetStim has no place on the cell; the markers are the point processes it may drive. Ctrl-drag rotates, the wheel zooms, Home fits the cell."));
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
  const NrtMechanismInfo *info = type_info (type);
  int index = nrt_model_add_point_process (self->model, type_name (self, type), section, x, error);

  if (index < 0)
    return -1;
  for (guint k = 0; k < info->n_params; k++)
    {
      if (get_pp (self, index)->p[k] == values[k] || !param_applies (self, type, k))
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
  const NrtNetStim *ns;
  double x;
  int index = -1, current;
  gboolean ok = TRUE, touched = FALSE;

  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), FALSE);
  g_return_val_if_fail (type >= -1, FALSE);
  if (type >= N_TYPES && type_channel (self, type) == NULL)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                   _("There is no point channel number %d in the library"), type - CHANNEL0);
      return FALSE;
    }

  pp = get_pp (self, self->selected);
  ns = get_ns (self, self->selected_ns);
  current = pp != NULL ? choice_of (pp) : ns != NULL ? NETSTIM : -1;
  if (current == type)
    return TRUE;

  current_location (self, &sec, &x);
  if (sec == NULL && type != NETSTIM)
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SECTION,
                           _("The model has no sections to put a point process on"));
      nrt_point_manager_refresh (self);
      return FALSE;
    }
  section = g_strdup (sec);

  /* pointman.hoc: the old instance goes, its values stay with its type; the new one gets
   * what its type had last.  One undo step.  A NetStim goes with its NetCons, and a new one
   * starts unconnected. */
  begin_batch (self, _("Change Point Process Type"));
  remember_selected (self);
  if (pp != NULL)
    ok = nrt_model_remove_point_process (self->model, self->selected, error);
  else if (ns != NULL)
    ok = nrt_model_remove_netstim (self->model, self->selected_ns, error);
  touched = ok && current >= 0;
  if (ok && type == NETSTIM)
    {
      const double *v = self->remembered[NETSTIM];

      index = nrt_model_add_netstim (self->model, v[0], v[1], v[2], v[3], error);
      ok = index >= 0;
    }
  else if (ok && type >= 0)
    {
      guint n_before = nrt_model_get_data (self->model)->point_processes->len;

      index = add_with_values (self, type, section, x, remembered_for (self, type), error);
      ok = index >= 0;
      /* add_with_values may have added the instance and then been refused a value. */
      touched = touched || nrt_model_get_data (self->model)->point_processes->len != n_before;
    }
  if (ok)
    {
      self->selected = type == NETSTIM ? -1 : index;
      self->selected_ns = type == NETSTIM ? index : -1;
      if (section != NULL)
        {
          g_free (self->loc_section);
          self->loc_section = g_steal_pointer (&section);
          self->loc_x = x;
        }
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
  if (pp == NULL && get_ns (self, self->selected_ns) != NULL)
    return NETSTIM;
  return pp != NULL ? choice_of (pp) : -1;
}

const double *
nrt_point_manager_get_remembered (NrtPointManager *self,
                                  int              type)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);
  g_return_val_if_fail (type >= 0, NULL);
  g_return_val_if_fail (type < N_TYPES || type_channel (self, type) != NULL, NULL);

  return remembered_for (self, type);
}

static void
on_type_selected (NrtPointManager *self)
{
  g_autoptr(GError) error = NULL;
  guint selected = adw_combo_row_get_selected (self->type_row);

  if (self->updating || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (selected >= self->type_choices->len)
    return;
  if (!nrt_point_manager_choose_type (self, g_array_index (self->type_choices, int, selected),
                                      &error))
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
    {
      self->selected = (int) index;
      self->selected_ns = -1;
    }
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

  if (get_ns (self, self->selected_ns) != NULL)
    {
      if (!nrt_model_set_netstim_param (self->model, self->selected_ns, param, value, &error))
        nrt_number_entry_reject (entry, error->message);
      return;
    }
  if (get_pp (self, self->selected) == NULL)
    return;
  if (!nrt_model_set_point_process_param (self->model, self->selected, param, value, &error))
    nrt_number_entry_reject (entry, error->message);
}

/* A field of a NetCon row: the NetCon's own, or (a synapse's input) its NetStim's. */
static void
on_netcon_committed (NrtNumberEntry  *entry,
                     double           value,
                     NrtPointManager *self)
{
  guint c = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "nrt-netcon"));
  const char *field = g_object_get_data (G_OBJECT (entry), "nrt-field");
  const NrtNetCon *nc = get_nc (self, (int) c);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->updating || nc == NULL)
    return;
  if (g_str_equal (field, "weight") || g_str_equal (field, "delay") || g_str_equal (field, "threshold"))
    ok = nrt_model_set_netcon_param (self->model, c, field, value, &error);
  else
    ok = nrt_model_set_netstim_param (self->model, (guint) nc->source, field, value, &error);
  if (!ok)
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
  int type;
  gboolean ok = TRUE;

  if (get_ns (self, self->selected_ns) != NULL)
    {
      if (!self->global_spec)
        {
          if (!nrt_model_set_netstim_param (self->model, self->selected_ns, param, value, &error))
            nrt_number_entry_reject (entry, error->message);
          return;
        }
      begin_batch (self, _("Global Spec"));
      for (guint k = 0; ok && k < data->netstims->len; k++)
        ok = nrt_model_set_netstim_param (self->model, k, param, value, &error);
      end_batch (self);
      if (!ok)
        nrt_number_entry_reject (entry, error->message);
      return;
    }
  if (pp == NULL)
    return;
  if (!self->global_spec)
    {
      if (!nrt_model_set_point_process_param (self->model, self->selected, param, value, &error))
        nrt_number_entry_reject (entry, error->message);
      return;
    }

  type = choice_of (pp);
  begin_batch (self, _("Global Spec"));
  for (guint i = 0; ok && i < data->point_processes->len; i++)
    if (choice_of (g_ptr_array_index (data->point_processes, i)) == type)
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
  gpointer ns;

  if (self->updating || row == NULL)
    return;
  ns = g_object_get_data (G_OBJECT (row), "nrt-netstim");
  if (ns != NULL)
    nrt_point_manager_select_netstim (self, GPOINTER_TO_INT (ns) - 1);
  else
    nrt_point_manager_select (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "nrt-index")));
}

static void
action_new (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  const char *name = g_variant_get_string (param, NULL);
  g_autoptr(GError) error = NULL;
  const char *section;
  double x;
  int index;

  if (g_str_equal (g_variant_get_string (param, NULL), netstim_info.name))
    {
      /* NEURON's defaults, unconnected. */
      index = nrt_model_add_netstim (self->model, netstim_params[0].def, netstim_params[1].def,
                                     netstim_params[2].def, netstim_params[3].def, &error);
      if (index < 0)
        toast (self, error->message);
      else
        nrt_point_manager_select_netstim (self, index);
      return;
    }
  current_location (self, &section, &x);
  if (section == NULL)
    return;
  /* pointgrp.hoc New: a fresh instance with the type's defaults, here at the selected one's
   * place (NEURON: the accessed section's middle).  name is a built-in type or a point
   * channel of the library. */
  index = nrt_model_add_point_process (self->model, name, section, x, &error);
  if (index < 0)
    {
      toast (self, error->message);
      return;
    }
  nrt_point_manager_select (self, index);
}

/* Copy of a NetStim: its values and its connections (the same synapses, weights, delays and
 * thresholds), one undo step. */
static void
copy_netstim (NrtPointManager *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  NrtNetStim ns = *get_ns (self, self->selected_ns);
  g_autoptr(GArray) cons = g_array_new (FALSE, FALSE, sizeof (NrtNetCon));
  g_autoptr(GError) error = NULL;
  int index;

  for (guint c = 0; c < data->netcons->len; c++)
    if (g_array_index (data->netcons, NrtNetCon, c).source == self->selected_ns)
      g_array_append_val (cons, g_array_index (data->netcons, NrtNetCon, c));

  begin_batch (self, _("Copy NetStim"));
  index = nrt_model_add_netstim (self->model, ns.start, ns.interval, ns.number, ns.noise, &error);
  for (guint i = 0; index >= 0 && i < cons->len; i++)
    {
      const NrtNetCon *nc = &g_array_index (cons, NrtNetCon, i);

      if (nrt_model_add_netcon (self->model, (guint) index, (guint) nc->target, nc->weight,
                                nc->delay, nc->threshold, &error) < 0)
        index = -1;
    }
  if (index >= 0)
    {
      self->selected = -1;
      self->selected_ns = index;
    }
  end_batch (self);
  if (index < 0)
    toast (self, error->message);
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

  if (get_ns (self, self->selected_ns) != NULL)
    {
      copy_netstim (self);
      return;
    }
  if (pp == NULL)
    return;
  memcpy (values, pp->p, sizeof values);
  type = choice_of (pp);
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

  if (get_ns (self, self->selected_ns) != NULL)
    {
      remember_selected (self);
      if (!nrt_model_remove_netstim (self->model, self->selected_ns, &error))
        toast (self, error->message);
      return;
    }
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

/* A NetCon from the selected NetStim to synapse param (a point process index). */
static void
action_connect_to (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  g_autoptr(GError) error = NULL;
  int target = g_variant_get_int32 (param);

  if (get_ns (self, self->selected_ns) == NULL || target < 0)
    return;
  if (nrt_model_add_netcon (self->model, (guint) self->selected_ns, (guint) target,
                            input_fields[INPUT_WEIGHT].value, input_fields[INPUT_DELAY].value,
                            input_fields[INPUT_THRESHOLD].value, &error) < 0)
    toast (self, error->message);
}

/* Removes NetCon param. */
static void
action_remove_netcon (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  g_autoptr(GError) error = NULL;
  int c = g_variant_get_int32 (param);

  if (get_nc (self, c) == NULL)
    return;
  if (!nrt_model_remove_netcon (self->model, (guint) c, &error))
    toast (self, error->message);
}

/* Removes a synapse's input: NetCon param, and its NetStim when it drives nothing else (one
 * undo step). */
static void
action_remove_input (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  NrtPointManager *self = NRT_POINT_MANAGER (widget);
  const NrtModelData *data = nrt_model_get_data (self->model);
  g_autoptr(GError) error = NULL;
  int c = g_variant_get_int32 (param);
  const NrtNetCon *nc = get_nc (self, c);
  guint uses = 0;
  int source;
  gboolean ok;

  if (nc == NULL)
    return;
  source = nc->source;
  for (guint j = 0; j < data->netcons->len; j++)
    if (g_array_index (data->netcons, NrtNetCon, j).source == source)
      uses++;
  begin_batch (self, _("Remove Input"));
  if (uses <= 1 && get_ns (self, source) != NULL)
    ok = nrt_model_remove_netstim (self->model, (guint) source, &error);   /* takes the NetCon */
  else
    ok = nrt_model_remove_netcon (self->model, (guint) c, &error);
  end_batch (self);
  if (!ok)
    toast (self, error->message);
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
  g_ptr_array_unref (self->input_nc_entries);
  g_ptr_array_unref (self->conn_rows);
  g_ptr_array_unref (self->conn_entries);
  g_free (self->input_key);
  g_free (self->conn_key);
  g_hash_table_unref (self->chan_remembered);
  g_array_unref (self->type_choices);
  g_free (self->types_key);

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
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, location_group);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, x_row);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, params_group);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, conn_group);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, connect_button);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, input_group);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, list_group);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, new_button);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, group_list);
  gtk_widget_class_bind_template_child (widget_class, NrtPointManager, group_params_group);

  gtk_widget_class_install_action (widget_class, "pm.new", "s", action_new);
  gtk_widget_class_install_action (widget_class, "pm.copy", NULL, action_copy);
  gtk_widget_class_install_action (widget_class, "pm.remove", NULL, action_remove);
  gtk_widget_class_install_action (widget_class, "pm.connect-netstim", NULL, action_connect_netstim);
  gtk_widget_class_install_action (widget_class, "pm.connect-to", "i", action_connect_to);
  gtk_widget_class_install_action (widget_class, "pm.remove-netcon", "i", action_remove_netcon);
  gtk_widget_class_install_action (widget_class, "pm.remove-input", "i", action_remove_input);
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
  self->selected_ns = -1;
  self->built_type = -1;
  self->group_built_type = -1;
  self->param_rows = g_ptr_array_new ();
  self->param_entries = g_ptr_array_new ();
  self->group_rows = g_ptr_array_new ();
  self->group_entries = g_ptr_array_new ();
  self->list_titles = g_ptr_array_new_with_free_func (g_free);

  self->chan_remembered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->type_choices = g_array_new (FALSE, FALSE, sizeof (int));
  for (int t = 0; t < NRT_PP_CHANNEL; t++)
    {
      const NrtMechanismInfo *info = nrt_point_process_info (t);

      for (guint k = 0; k < info->n_params; k++)
        self->remembered[t][k] = info->params[k].def;
    }
  for (guint k = 0; k < netstim_info.n_params; k++)
    self->remembered[NETSTIM][k] = netstim_info.params[k].def;

  /* The form for a new spike input, folded until asked for; it stays below the inputs. */
  self->input_rows = g_ptr_array_new ();
  self->input_nc_entries = g_ptr_array_new ();
  self->conn_rows = g_ptr_array_new ();
  self->conn_entries = g_ptr_array_new ();
  /* Owned: it is taken out and put back below the inputs when they change. */
  self->input_new_row = g_object_ref_sink (ADW_EXPANDER_ROW (adw_expander_row_new ()));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->input_new_row), _("New NetStim Input"));
  adw_expander_row_set_subtitle (self->input_new_row,
                                 _("NetStim’s start, interval, number and noise; NetCon’s weight, delay and threshold"));
  for (guint f = 0; f < N_INPUT_FIELDS; f++)
    {
      GtkWidget *row = adw_preferences_row_new ();
      GtkWidget *entry = nrt_number_entry_new (_(input_fields[f].label), input_fields[f].value,
                                               input_fields[f].def);

      nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), input_fields[f].min,
                                  input_fields[f].max, input_fields[f].exclusive_min);
      nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry), input_fields[f].step);
      gtk_widget_add_css_class (entry, "rc-row");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(input_fields[f].label));
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
  self->selected_ns = -1;
  nrt_point_manager_refresh (self);
}

int
nrt_point_manager_get_selected_netstim (NrtPointManager *self)
{
  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), -1);

  return self->selected_ns;
}

void
nrt_point_manager_select_netstim (NrtPointManager *self,
                                  int              netstim)
{
  g_return_if_fail (NRT_IS_POINT_MANAGER (self));

  if (netstim >= 0 && get_ns (self, netstim) == NULL)
    return;
  self->selected_ns = netstim;
  self->selected = -1;
  nrt_point_manager_refresh (self);
}

NrtNumberEntry *
nrt_point_manager_get_netcon_field (NrtPointManager *self,
                                    guint            netcon,
                                    const char      *name)
{
  NrtNumberEntry *e;

  g_return_val_if_fail (NRT_IS_POINT_MANAGER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->selected_ns >= 0)
    return find_netcon_entry (self->conn_entries, netcon, name);
  e = receives_events (get_pp (self, self->selected))
        ? find_netcon_entry (self->input_nc_entries, netcon, name) : NULL;
  return e;
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

/* nrt-channel-builder.c: NEURON's ChannelBuilder: one window per channel of the library.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window keeps no copy of the channel: every edit copies the model's channel, changes
 * the copy and hands it to nrt_model_replace_channel(), and everything shown is rebuilt from
 * the model on ::changed.  What it keeps is the view: which gate, state or transition is
 * selected, and whether the plots show α/β or inf/τ.
 *
 * The channel is followed by name; when the name vanishes while the library keeps its size,
 * the channel was renamed underneath (an undone rename) and the window follows it by index.
 * When the library shrinks and the name is gone, the channel was removed: the window closes.
 */
#include "nrt-ui-config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "nrt-channel-builder.h"
#include "nrt-plot-render.h"
#include "nrt-rate-fit.h"
#include "nrt-hoc.h"
#include "nrt-neuroml.h"
#include "nrt-nmodl.h"

typedef struct {
  GtkWidget      *box;
  GtkLabel       *formula;
  GtkDropDown    *form;
  NrtNumberEntry *field[6];  /* A (K), k, d (vhalf), and Borg-Graham's z, gam, tau0 */
  GtkEntry       *expr;      /* the expression form's text (a LEMS type's name, read-only) */
  GtkLabel       *expr_error;
  char           *expr_shown; /* the model's text the entry was last filled with */
  guint           n_forms;
  NrtRateForm     forms[8];  /* what the form menu offers, in its order */
  char           *formula_text;
} RateEditor;

struct _NrtChannelBuilder
{
  AdwWindow        parent_instance;

  NrtWindow       *main_window;  /* weak */
  NrtModel        *model;
  gulong           changed_id;

  char            *name;         /* the channel edited */
  int              index;        /* its index in the library at the last look */
  guint            n_channels;   /* the library's size then */

  int              sel_row;      /* gate list row: HH gates then schemes; -1 none */
  int              shown_scheme; /* the scheme on the canvas, -1 */
  NrtKsItem        ks_item;      /* selection inside the shown scheme */
  guint            ks_index;
  gboolean         inf_tau;      /* plots show inf/τ rather than α/β */
  gboolean         run_on_change;
  guint            n_replots;
  guint            shown_key;    /* the selection the fields were last filled for */
  char            *error;
  GPtrArray       *row_texts;    /* of char* */

  RateEditor       rate[2];
  NrtKsCanvas     *canvas;
  NrtPlot         *plot[2];
  GtkStringList   *gate_types;
  GtkStringList   *trans_types;

  guint            updating : 1;
  guint            closing : 1;

  /* The Adjust tool (NEURON's rate editor "Adjust"): drag a curve's square mark at v = d to
   * move d (A solved so the curve follows the pointer), or elsewhere on a curve to solve k. */
  GtkToggleButton *adjust_button;
  GtkLabel        *adjust_hint;
  GtkWidget       *plot_overlay[2];
  GtkWidget       *marks[2];       /* drawing areas over the plots */
  gboolean         adjust;
  struct {
    gboolean       active;
    guint          slot;           /* the rate dragged, 0 or 1 */
    gboolean       mark;           /* dragging the mark (d) rather than the curve (k) */
    guint          plot;           /* the plot it started on */
    double         px0, py0;       /* the press, widget pixels (real gestures) */
    NrtRate        start[2];       /* the model's rates at the press */
    NrtRate        rates[2];       /* the rates as dragged so far */
  } drag;

  /* template children */
  AdwWindowTitle       *window_title;
  GMenu                *open_section;
  GMenu                *copy_section;
  AdwEntryRow          *name_row;
  AdwActionRow         *kind_row;
  AdwComboRow          *ion_row;
  AdwComboRow          *cond_row;
  NrtNumberEntry       *gmax_entry;
  AdwPreferencesRow    *gmax_row;
  NrtNumberEntry       *e_entry;
  AdwPreferencesRow    *e_row;
  NrtNumberEntry       *q10_entry;
  NrtNumberEntry       *q10t_entry;
  AdwActionRow         *single_row;
  GtkSwitch            *single_switch;
  GtkLabel             *props_error;
  GtkLabel             *kind_label;
  GtkLabel             *ion_label;
  GtkLabel             *current_label;
  GtkLabel             *g_label;
  GtkLabel             *default_label;
  GtkListBox           *gate_list;
  GtkLabel             *gates_error;
  GtkStack             *editor_stack;
  GtkEntry             *gate_name_entry;
  NrtNumberEntry       *power_entry;
  GtkLabel             *gate_equation;
  GtkToggleButton      *tool_select;
  GtkToggleButton      *tool_open;
  GtkToggleButton      *tool_closed;
  GtkToggleButton      *tool_connect;
  GtkToggleButton      *tool_delete;
  GtkLabel             *tool_hint;
  GtkFrame             *canvas_frame;
  GtkLabel             *scheme_title;
  NrtNumberEntry       *scheme_power_entry;
  GtkBox               *state_box;
  GtkEntry             *state_name_entry;
  NrtNumberEntry       *fraction_entry;
  GtkScale             *fraction_scale;
  guint                 fraction_timeout;
  GtkBox               *trans_box;
  GtkLabel             *trans_title;
  GtkBox               *ligand_box;
  GtkDropDown          *ligand_dropdown;
  GtkDropDown          *stoich_dropdown;
  GtkLabel             *ks_hint;
  GtkLabel             *editor_error;
  GtkBox               *rates_box;
  GtkLabel             *rates_title;
  GtkDropDown          *type_dropdown;
  GtkToggleButton      *show_ab;
  GtkToggleButton      *show_inftau;
  GtkBox               *rate_editors;
  GtkBox               *plot_box;
};

enum {
  PROP_0,
  PROP_RUN_ON_CHANGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NrtChannelBuilder, nrt_channel_builder, ADW_TYPE_WINDOW)

static void refresh (NrtChannelBuilder *self);
static void replot (NrtChannelBuilder *self);

/* ---- the channel and the selection ------------------------------------------------- */

static const NrtChannel *
channel (NrtChannelBuilder *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);

  if (self->index < 0 || (guint) self->index >= data->channels->len)
    return NULL;
  return data->channels->pdata[self->index];
}

const NrtChannel *
nrt_channel_builder_get_channel (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  return self->closing ? NULL : channel (self);
}

const char *
nrt_channel_builder_get_channel_name (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  return self->name;
}

NrtModel *
nrt_channel_builder_get_model (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  return self->model;
}

static guint
n_rows_of (const NrtChannel *ch)
{
  return ch->gates->len + ch->schemes->len;
}

/* The selected HH gate, or NULL (works on the model's channel and on drafts). */
static NrtGate *
gate_at (const NrtChannel *ch, int row)
{
  if (ch == NULL || row < 0 || (guint) row >= ch->gates->len)
    return NULL;
  return ch->gates->pdata[row];
}

static NrtKsScheme *
scheme_at (const NrtChannel *ch, int row)
{
  if (ch == NULL || row < (int) ch->gates->len || (guint) row >= n_rows_of (ch))
    return NULL;
  return ch->schemes->pdata[row - ch->gates->len];
}

static NrtKsTransition *
trans_at (NrtChannelBuilder *self, const NrtChannel *ch)
{
  NrtKsScheme *scheme = scheme_at (ch, self->sel_row);

  if (scheme == NULL || self->ks_item != NRT_KS_ITEM_TRANSITION
      || self->ks_index >= scheme->transitions->len)
    return NULL;
  return &g_array_index (scheme->transitions, NrtKsTransition, self->ks_index);
}

static NrtKsState *
state_at (NrtChannelBuilder *self, const NrtChannel *ch)
{
  NrtKsScheme *scheme = scheme_at (ch, self->sel_row);

  if (scheme == NULL || self->ks_item != NRT_KS_ITEM_STATE
      || self->ks_index >= scheme->states->len)
    return NULL;
  return scheme->states->pdata[self->ks_index];
}

/* What the rate editors edit: the selected HH gate's or transition's type and rates. */
static gboolean
rate_target (NrtChannelBuilder *self, const NrtChannel *ch, NrtGateType **type,
             NrtRate **rates, NrtKsTransition **transition)
{
  NrtGate *gate = gate_at (ch, self->sel_row);
  NrtKsTransition *tr = trans_at (self, ch);

  if (transition != NULL)
    *transition = tr;
  if (gate != NULL)
    {
      *type = &gate->type;
      *rates = gate->rate;
      return TRUE;
    }
  if (tr != NULL)
    {
      *type = &tr->type;
      *rates = tr->rate;
      return TRUE;
    }
  return FALSE;
}

static gboolean
is_ligand (NrtGateType type)
{
  return type == NRT_TRANS_LIGAND_INSIDE || type == NRT_TRANS_LIGAND_OUTSIDE;
}

/* ---- errors ------------------------------------------------------------------------ */

const char *
nrt_channel_builder_get_error (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  return self->error;
}

static void
clear_errors (NrtChannelBuilder *self)
{
  g_clear_pointer (&self->error, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->props_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->gates_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->editor_error), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->gate_name_entry), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_name_entry), "error");
}

/* Shows message under the part of the window that was edited. */
static void
show_error (NrtChannelBuilder *self, GtkLabel *where, const char *message)
{
  clear_errors (self);
  self->error = g_strdup (message);
  gtk_label_set_text (where, message);
  gtk_widget_set_visible (GTK_WIDGET (where), TRUE);
}

/* ---- committing an edited copy --------------------------------------------------- */

static NrtChannel *
draft (NrtChannelBuilder *self)
{
  const NrtChannel *ch = channel (self);

  return ch != NULL ? nrt_channel_copy (ch) : NULL;
}

static gboolean
no_channel (GError **error)
{
  g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                       _("The channel is no longer in the library"));
  return FALSE;
}

/* Replaces the model's channel by ch (one undo step); on refusal shows the reason at where
 * and changes nothing. */
static gboolean
commit (NrtChannelBuilder *self, const NrtChannel *ch, GtkLabel *where, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *old = g_strdup (self->name);

  /* A new attempt replaces the last message; clearing it first also lets the refresh on
   * ::changed put the model's names back into fields that showed a refused one. */
  clear_errors (self);
  /* Follow a rename before ::changed arrives. */
  g_free (self->name);
  self->name = g_strdup (ch->name);
  if (!nrt_model_replace_channel (self->model, old, ch, &local))
    {
      g_free (self->name);
      self->name = g_steal_pointer (&old);
      show_error (self, where, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* NEURON's rate editor "Run" box: see the edit's effect on the cell at once. */
  if (self->run_on_change && self->main_window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->main_window), "win.init-run", NULL);
  return TRUE;
}

/* ---- text of the equations ------------------------------------------------------- */

static const char *
ion_or (const NrtChannel *ch)
{
  return nrt_ion_name (ch->ion);
}

/* The scheme's conductance expression: "O", "(O1 + 0.5*O2)", "0". */
static char *
scheme_expression (const NrtKsScheme *scheme)
{
  GString *s = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; i < scheme->states->len; i++)
    {
      const NrtKsState *st = scheme->states->pdata[i];
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      if (st->fraction <= 0)
        continue;
      if (n++ > 0)
        g_string_append (s, " + ");
      if (st->fraction != 1)
        g_string_append_printf (s, "%s*", g_ascii_formatd (buf, sizeof buf, "%g", st->fraction));
      g_string_append (s, st->name);
    }
  if (n == 0)
    g_string_append (s, "0");
  else if (n > 1)
    {
      g_string_prepend_c (s, '(');
      g_string_append_c (s, ')');
    }
  return g_string_free (s, FALSE);
}

static char *
scheme_summary (const NrtKsScheme *scheme)
{
  g_autofree char *expr = scheme_expression (scheme);

  if (scheme->power != 1)
    return g_strdup_printf (_("%s^%d: %u states, %u transitions"), expr, scheme->power,
                            scheme->states->len, scheme->transitions->len);
  return g_strdup_printf (_("%s: %u states, %u transitions"), expr, scheme->states->len,
                          scheme->transitions->len);
}

static char *
gate_equation (const NrtGate *gate)
{
  const char *s = gate->name;

  if (gate->type == NRT_GATE_INF_TAU)
    return g_strdup_printf ("%s' = (%sinf - %s)/%stau", s, s, s, s);
  return g_strdup_printf ("%s' = a%s*(1 - %s) - b%s*%s", s, s, s, s, s);
}

static char *
row_text (const NrtChannel *ch, guint row)
{
  if (row < ch->gates->len)
    return gate_equation (ch->gates->pdata[row]);
  return scheme_summary (ch->schemes->pdata[row - ch->gates->len]);
}

static char *
conductance_product (const NrtChannel *ch)
{
  GString *s = g_string_new (ch->conductance == NRT_CONDUCTANCE_GHK ? "p = pmax" : "g = gmax");

  for (guint i = 0; i < ch->gates->len; i++)
    {
      const NrtGate *gate = ch->gates->pdata[i];
      g_string_append_printf (s, " * %s", gate->name);
      if (gate->power != 1)
        g_string_append_printf (s, "^%d", gate->power);
    }
  for (guint i = 0; i < ch->schemes->len; i++)
    {
      const NrtKsScheme *scheme = ch->schemes->pdata[i];
      g_autofree char *expr = scheme_expression (scheme);
      g_string_append_printf (s, " * %s", expr);
      if (scheme->power != 1)
        g_string_append_printf (s, "^%d", scheme->power);
    }
  return g_string_free (s, FALSE);
}

/* NEURON's current relation (chanbild set_useionstr), e.g. "ina (mA/cm2) = g_myNa * (v - ena)". */
static char *
current_relation (const NrtChannel *ch)
{
  const char *ion = ion_or (ch);
  gboolean point = ch->kind == NRT_CHANNEL_POINT;

  if (ch->conductance == NRT_CONDUCTANCE_GHK)
    {
      if (point)
        return g_strdup_printf ("%s.i (nA) = %s.p * ghk(v, %si, %so, %d)", ch->name, ch->name,
                                ion, ion, nrt_ion_charge (ch->ion));
      return g_strdup_printf ("i%s (mA/cm2) = p_%s * ghk(v, %si, %so, %d)", ion, ch->name, ion,
                              ion, nrt_ion_charge (ch->ion));
    }
  if (ch->ion == NRT_ION_NONSPECIFIC)
    {
      if (point)
        return g_strdup_printf ("%s.i (nA) = %s.g * (v - %s.e)", ch->name, ch->name, ch->name);
      return g_strdup_printf ("i_%s (mA/cm2) = g_%s * (v - e_%s)", ch->name, ch->name, ch->name);
    }
  if (point)
    return g_strdup_printf ("%s.i (nA) = %s.g * (v - e%s)", ch->name, ch->name, ion);
  return g_strdup_printf ("i%s (mA/cm2) = g_%s * (v - e%s)", ion, ch->name, ion);
}

static const char *
gmax_units (const NrtChannel *ch)
{
  if (ch->conductance == NRT_CONDUCTANCE_GHK)
    return ch->kind == NRT_CHANNEL_POINT ? "cm³/s" : "cm/s";
  return ch->kind == NRT_CHANNEL_POINT ? "µS" : "S/cm²";
}

static char *
format_number (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", v));
}

/* ---- rates: forms, defaults, names ------------------------------------------------ */

/* What each slot may hold (nrt-channel.c check_rate, KSChan's eqnmenu). */
static guint
allowed_forms (NrtGateType type, guint slot)
{
  const guint ab = 1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_EXP | 1u << NRT_RATE_LINOID
                   | 1u << NRT_RATE_SIGMOID;

  switch (type)
    {
    case NRT_GATE_ALPHA_BETA:
      return ab | 1u << NRT_RATE_EXPRESSION | 1u << NRT_RATE_TABLE;
    case NRT_GATE_INF_TAU:
      /* Borg-Graham τ only ever follows a Borg-Graham inf (see form_mask) */
      return slot == 0 ? (1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_SIGMOID | 1u << NRT_RATE_EXPRESSION
                          | 1u << NRT_RATE_BG_INF | 1u << NRT_RATE_TABLE)
                       : (1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_EXP | 1u << NRT_RATE_EXPRESSION
                          | 1u << NRT_RATE_BG_TAU | 1u << NRT_RATE_TABLE);
    case NRT_TRANS_LIGAND_OUTSIDE:
    case NRT_TRANS_LIGAND_INSIDE:
    default:
      return 1u << NRT_RATE_CONSTANT;
    }
}

/* The form menu of a slot given both rates: KSChan's τ becomes Borg-Graham τ (and nothing
 * else) while the inf is Borg-Graham inf, and is never offered otherwise. */
static guint
form_mask (NrtGateType type, guint slot, const NrtRate *rates)
{
  guint mask = allowed_forms (type, slot);

  if (type == NRT_GATE_INF_TAU && slot == 1)
    mask = rates[0].form == NRT_RATE_BG_INF ? 1u << NRT_RATE_BG_TAU
                                            : mask & ~(1u << NRT_RATE_BG_TAU);
  return mask;
}

/* NEURON's values when a form is chosen in the rate editor (neuron-gui.md §2.4). */
static NrtRate
default_rate (NrtRateForm form)
{
  switch (form)
    {
    case NRT_RATE_EXP:
      return (NrtRate) { NRT_RATE_EXP, 0.5, 0.1, -40 };
    case NRT_RATE_LINOID:
      return (NrtRate) { NRT_RATE_LINOID, 0.5, 0.1, -40 };
    case NRT_RATE_SIGMOID:
      return (NrtRate) { NRT_RATE_SIGMOID, 1, 0.1, -40 };
    case NRT_RATE_CONSTANT:
    default:
      return (NrtRate) { NRT_RATE_CONSTANT, 0.1, 0, 0 };
    }
}

static const char *
form_name (NrtRateForm form)
{
  switch (form)
    {
    case NRT_RATE_EXP:
      return _("Exponential");
    case NRT_RATE_LINOID:
      return _("Linoid (ExpLinear)");
    case NRT_RATE_SIGMOID:
      return _("Sigmoid");
    case NRT_RATE_EXPRESSION:
      return _("Expression");
    case NRT_RATE_LEMS:
      return _("LEMS type (read-only)");
    case NRT_RATE_BG_INF:
      return _("Borg-Graham inf");
    case NRT_RATE_BG_TAU:
      return _("Borg-Graham tau");
    case NRT_RATE_TABLE:
      return _("Table");
    case NRT_RATE_CONSTANT:
    default:
      return _("Constant");
    }
}

static gboolean
is_custom (NrtRateForm form)
{
  return form == NRT_RATE_EXPRESSION || form == NRT_RATE_LEMS;
}

/* A number for an expression: the shortest text that reads back as the same double. */
static void
append_number (GString *out, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 6; digits <= 17; digits++)
    {
      char fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, x);
      if (g_ascii_strtod (buf, NULL) == x)
        break;
    }
  g_string_append (out, buf);
}

/* A table's values as the Table form's text field shows them: "y0, y1, …". */
static char *
table_values_text (const NrtRateFunc *func)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < nrt_rate_func_get_n_params (func); i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_number (out, nrt_rate_func_get_params (func)[i]);
    }
  return g_string_free (out, FALSE);
}

/* A table from the values as typed (numbers separated by commas and/or spaces) on the grid
 * vmin..vmax (mV). */
static NrtRateFunc *
table_from_text (const char *text, double vmin, double vmax, GError **error)
{
  g_auto(GStrv) words = g_strsplit_set (text, ", \t\n;", -1);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (char **w = words; *w != NULL; w++)
    {
      double v;
      if (**w == '\0')
        continue;
      if (!nrt_number_parse (*w, &v))
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                       _("“%s” is not a number"), *w);
          return NULL;
        }
      g_array_append_val (values, v);
    }
  return nrt_rate_func_new_table ((const double *) values->data, values->len, vmin, vmax, error);
}

/* The Table form starts from the rate as it stands, sampled on 21 points from −100 to 50 mV,
 * so that the curve stays where it was. */
#define TABLE_VMIN  -100.0
#define TABLE_VMAX  50.0
#define TABLE_N     21

/* "(v - d)" written without a double minus: "(v + 40)" for d = −40. */
static void
append_v_minus (GString *out, double d)
{
  g_string_append (out, d < 0 ? "(v + " : "(v - ");
  append_number (out, fabs (d));
  g_string_append_c (out, ')');
}

/* The expression equal to a KSChan rate (what "Expression" starts from, so the curves do not
 * jump when the form is changed): A, A*exp(k*(v - d)), A*k*(v - d)/(1 - exp(-k*(v - d))),
 * A/(1 + exp(k*(v - d))). */
static char *
rate_to_expression (const NrtRate *rate)
{
  GString *out = g_string_new (NULL);

  if (is_custom (rate->form) && rate->func != NULL)
    {
      g_string_append (out, nrt_rate_func_get_text (rate->func));
      return g_string_free (out, FALSE);
    }
  if (rate->form == NRT_RATE_TABLE && rate->func != NULL)
    {
      /* y0 + Σ (y[i+1] − y[i])·clamp(x − i, 0, 1), x = (v − vmin)·(n − 1)/(vmax − vmin),
       * clamp(u, 0, 1) = (abs(u) − abs(u − 1) + 1)/2: the same piecewise-linear curve */
      const double *y = nrt_rate_func_get_params (rate->func);
      guint n = nrt_rate_func_get_n_params (rate->func);
      double vmin = 0, vmax = 0;
      g_autoptr(GString) x = g_string_new (NULL);

      nrt_rate_func_get_table_range (rate->func, &vmin, &vmax);
      append_v_minus (x, vmin);
      g_string_append (x, " * ");
      append_number (x, (double) (n - 1) / (vmax - vmin));
      append_number (out, y[0]);
      for (guint i = 0; i + 1 < n; i++)
        {
          g_string_append (out, " + ");
          append_number (out, y[i + 1] - y[i]);
          g_string_append_printf (out, " * (abs(%s - %u) - abs(%s - %u) + 1) / 2", x->str, i,
                                  x->str, i + 1);
        }
      return g_string_free (out, FALSE);
    }
  if (nrt_rate_is_bg (rate))
    {
      /* x = e/(k·T)·z·(v − vhalf); inf = 1/(1 + exp(−x)),
       * τ = 1/(K·exp(gam·x) + K·exp((gam − 1)·x)) + tau0 */
      GString *x = g_string_new ("(");
      append_number (x, NRT_E_OVER_K);
      g_string_append (x, " / (273.15 + celsius) * ");
      append_number (x, rate->z);
      g_string_append (x, " * ");
      append_v_minus (x, rate->d);
      g_string_append_c (x, ')');
      if (rate->form == NRT_RATE_BG_INF)
        g_string_append_printf (out, "1 / (1 + exp(-%s))", x->str);
      else
        {
          g_string_append (out, "1 / (");
          append_number (out, rate->A);
          g_string_append (out, " * exp(");
          append_number (out, rate->gam);
          g_string_append_printf (out, " * %s) + ", x->str);
          append_number (out, rate->A);
          g_string_append (out, " * exp(");
          append_number (out, rate->gam - 1);
          g_string_append_printf (out, " * %s)) + ", x->str);
          append_number (out, rate->tau0);
        }
      g_string_free (x, TRUE);
      return g_string_free (out, FALSE);
    }
  append_number (out, rate->A);
  switch (rate->form)
    {
    case NRT_RATE_EXP:
      g_string_append (out, " * exp(");
      append_number (out, rate->k);
      g_string_append (out, " * ");
      append_v_minus (out, rate->d);
      g_string_append_c (out, ')');
      break;
    case NRT_RATE_LINOID:
      g_string_append (out, " * ");
      append_number (out, rate->k);
      g_string_append (out, " * ");
      append_v_minus (out, rate->d);
      g_string_append (out, " / (1 - exp(-");
      append_number (out, rate->k);
      g_string_append (out, " * ");
      append_v_minus (out, rate->d);
      g_string_append (out, "))");
      break;
    case NRT_RATE_SIGMOID:
      g_string_append (out, " / (1 + exp(");
      append_number (out, rate->k);
      g_string_append (out, " * ");
      append_v_minus (out, rate->d);
      g_string_append (out, "))");
      break;
    default:
      break;
    }
  return g_string_free (out, FALSE);
}

/* The coefficient names NEURON shows: am, bm (α/β of gate m), minf, mtau; aC1C2, bC1C2,
 * infC1C2, tauC1C2 for a transition C1 → C2. */
static char *
coefficient_name (NrtChannelBuilder *self, const NrtChannel *ch, gboolean inf_tau, guint slot)
{
  NrtGate *gate = gate_at (ch, self->sel_row);
  NrtKsTransition *tr = trans_at (self, ch);
  NrtKsScheme *scheme = scheme_at (ch, self->sel_row);

  if (gate != NULL)
    {
      if (inf_tau)
        return g_strdup_printf ("%s%s", gate->name, slot == 0 ? "inf" : "tau");
      return g_strdup_printf ("%s%s", slot == 0 ? "a" : "b", gate->name);
    }
  if (tr != NULL && scheme != NULL)
    {
      const char *from = ((NrtKsState *) scheme->states->pdata[tr->from])->name;
      const char *to = ((NrtKsState *) scheme->states->pdata[tr->to])->name;
      if (inf_tau)
        return g_strdup_printf ("%s%s%s", slot == 0 ? "inf" : "tau", from, to);
      return g_strdup_printf ("%s%s%s", slot == 0 ? "a" : "b", from, to);
    }
  return g_strdup ("");
}

static char *
rate_formula (const char *coef, const NrtRate *rate, NrtGateType type, guint slot,
              const NrtKsTransition *tr)
{
  if (is_ligand (type) && slot == 0 && tr != NULL)
    {
      if (tr->stoichiometry > 1)
        return g_strdup_printf ("%s = A*%s^%d", coef, nrt_ks_transition_ligand_name (tr),
                                tr->stoichiometry);
      return g_strdup_printf ("%s = A*%s", coef, nrt_ks_transition_ligand_name (tr));
    }
  switch (rate->form)
    {
    case NRT_RATE_EXPRESSION:
      return g_strdup_printf (_("%s = f(v, celsius), in v (mV) and celsius (°C)"), coef);
    case NRT_RATE_LEMS:
      {
        guint n = rate->func != NULL ? nrt_rate_func_get_n_params (rate->func) : 0;
        const char *name = rate->func != NULL ? nrt_rate_func_get_text (rate->func) : "?";
        if (n == 0)
          return g_strdup_printf (_("%s = %s(v): a LEMS ComponentType read from NeuroML"), coef, name);
        return g_strdup_printf (ngettext ("%s = %s(v): a LEMS ComponentType read from NeuroML, with %u parameter",
                                          "%s = %s(v): a LEMS ComponentType read from NeuroML, with %u parameters", n),
                                coef, name, n);
      }
    case NRT_RATE_BG_INF:
      return g_strdup_printf ("%s = a'/(a' + b'),  a' = K*exp(gam*x),  b' = K*exp((gam - 1)*x),  "
                              "x = z*e/(k*(273.15 + celsius))*(v - vhalf)", coef);
    case NRT_RATE_BG_TAU:
      return g_strdup_printf (_("%s = 1/(a' + b') + tau0, with the inf’s K, vhalf, z, gam, tau0"),
                              coef);
    case NRT_RATE_TABLE:
      return g_strdup_printf (_("%s = table(v): the values on an even grid from vmin to vmax, "
                                "linear in between, the end values outside"), coef);
    case NRT_RATE_EXP:
      return g_strdup_printf ("%s = A*exp(k*(v - d))", coef);
    case NRT_RATE_LINOID:
      return g_strdup_printf ("%s = A*x/(1 - exp(-x)),  x = k*(v - d)", coef);
    case NRT_RATE_SIGMOID:
      return g_strdup_printf ("%s = A/(1 + exp(k*(v - d)))", coef);
    case NRT_RATE_CONSTANT:
    default:
      return g_strdup_printf ("%s = A", coef);
    }
}

static char *
a_label (NrtGateType type, guint slot, int stoichiometry)
{
  static const char *const power[] = { "", "", "²", "³", "⁴" };

  if (is_ligand (type))
    {
      if (slot == 1)
        return g_strdup ("A (/ms)");
      return g_strdup_printf ("A (/ms-mM%s)", power[CLAMP (stoichiometry, 1, 4)]);
    }
  if (type == NRT_GATE_INF_TAU)
    return g_strdup (slot == 0 ? "A (1)" : "A (ms)");
  return g_strdup ("A (/ms)");
}

/* ---- channel property edits ------------------------------------------------------ */

gboolean
nrt_channel_builder_set_name (NrtChannelBuilder *self, const char *name, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  gboolean ok;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  /* As typed in the row, which keeps a refused name for the user to correct. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), name) != 0)
    {
      self->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
      self->updating = FALSE;
    }
  g_free (ch->name);
  ch->name = g_strdup (name != NULL ? name : "");
  ok = commit (self, ch, self->props_error, error);
  if (!ok)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  return ok;
}

gboolean
nrt_channel_builder_set_ion (NrtChannelBuilder *self, NrtIon ion, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  ch->ion = ion;
  /* KSChan: a NonSpecific current is always ohmic. */
  if (ion == NRT_ION_NONSPECIFIC)
    ch->conductance = NRT_CONDUCTANCE_OHMIC;
  if (!commit (self, ch, self->props_error, error))
    {
      refresh (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_channel_builder_set_conductance (NrtChannelBuilder *self, NrtConductanceForm form,
                                     GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  ch->conductance = form;
  if (!commit (self, ch, self->props_error, error))
    {
      /* Put the menu back where the model is; keep the message. */
      refresh (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_channel_builder_set_single (NrtChannelBuilder *self, gboolean single, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  ch->single = single;
  if (!commit (self, ch, self->props_error, error))
    {
      refresh (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_channel_builder_apply_preset (NrtChannelBuilder *self, const char *preset, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  const NrtChannel *cur;
  int taken;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  g_return_val_if_fail (preset != NULL, FALSE);
  if ((cur = channel (self)) == NULL)
    return no_channel (error);
  if (g_str_equal (preset, "na"))
    ch = nrt_channel_new_hh_na ();
  else if (g_str_equal (preset, "k"))
    ch = nrt_channel_new_hh_k ();
  else
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   _("Unknown preset “%s”"), preset);
      return FALSE;
    }
  /* NEURON names the channel after the preset; keep ours when another channel has it. */
  taken = nrt_model_find_channel (self->model, ch->name);
  if (taken >= 0 && taken != self->index)
    {
      g_free (ch->name);
      ch->name = g_strdup (cur->name);
    }
  ch->kind = cur->kind;
  if (!commit (self, ch, self->props_error, error))
    return FALSE;
  self->sel_row = 0;
  refresh (self);
  return TRUE;
}

static void
on_name_apply (AdwEntryRow *row, NrtChannelBuilder *self)
{
  nrt_channel_builder_set_name (self, gtk_editable_get_text (GTK_EDITABLE (row)), NULL);
}

static void
on_ion_selected (AdwComboRow *row, GParamSpec *pspec, NrtChannelBuilder *self)
{
  const NrtChannel *ch = channel (self);
  guint ion = adw_combo_row_get_selected (row);

  if (self->updating || ch == NULL || ion == GTK_INVALID_LIST_POSITION || ion == ch->ion)
    return;
  nrt_channel_builder_set_ion (self, ion, NULL);
}

static void
on_cond_selected (AdwComboRow *row, GParamSpec *pspec, NrtChannelBuilder *self)
{
  const NrtChannel *ch = channel (self);
  guint form = adw_combo_row_get_selected (row);

  if (self->updating || ch == NULL || form == GTK_INVALID_LIST_POSITION
      || form == ch->conductance)
    return;
  nrt_channel_builder_set_conductance (self, form, NULL);
}

static void
on_single_active (GtkSwitch *sw, GParamSpec *pspec, NrtChannelBuilder *self)
{
  const NrtChannel *ch = channel (self);

  if (self->updating || ch == NULL || gtk_switch_get_active (sw) == ch->single)
    return;
  nrt_channel_builder_set_single (self, gtk_switch_get_active (sw), NULL);
}

/* A field committed a value: apply it to a copy, or reject it with the model's message. */
typedef void (*FieldSetter) (NrtChannelBuilder *self, NrtChannel *ch, double value);

static void
commit_field (NrtChannelBuilder *self, NrtNumberEntry *entry, double value, FieldSetter set,
              GtkLabel *where)
{
  g_autoptr(NrtChannel) ch = draft (self);
  g_autoptr(GError) error = NULL;

  if (ch == NULL)
    return;
  set (self, ch, value);
  if (!commit (self, ch, where, &error))
    nrt_number_entry_reject (entry, error->message);
}

static void
set_gmax (NrtChannelBuilder *self, NrtChannel *ch, double v)
{
  ch->gmax = v;
}

static void
set_erev (NrtChannelBuilder *self, NrtChannel *ch, double v)
{
  ch->erev = v;
}

static void
set_q10 (NrtChannelBuilder *self, NrtChannel *ch, double v)
{
  ch->q10 = v;
}

static void
set_q10t (NrtChannelBuilder *self, NrtChannel *ch, double v)
{
  ch->q10_temperature = v;
}

static void
on_gmax_committed (NrtNumberEntry *e, double v, NrtChannelBuilder *self)
{
  commit_field (self, e, v, set_gmax, self->props_error);
}

static void
on_e_committed (NrtNumberEntry *e, double v, NrtChannelBuilder *self)
{
  commit_field (self, e, v, set_erev, self->props_error);
}

static void
on_q10_committed (NrtNumberEntry *e, double v, NrtChannelBuilder *self)
{
  commit_field (self, e, v, set_q10, self->props_error);
}

static void
on_q10t_committed (NrtNumberEntry *e, double v, NrtChannelBuilder *self)
{
  commit_field (self, e, v, set_q10t, self->props_error);
}

/* Powers are whole numbers; the field's domain has the bounds. */
static gboolean
whole (NrtNumberEntry *entry, double v)
{
  if (v == floor (v))
    return TRUE;
  nrt_number_entry_reject (entry, _("A power is a whole number"));
  return FALSE;
}

static void
set_gate_power (NrtChannelBuilder *self, NrtChannel *ch, double v)
{
  NrtGate *gate = gate_at (ch, self->sel_row);

  if (gate != NULL)
    gate->power = (int) v;
}

static void
set_scheme_power (NrtChannelBuilder *self, NrtChannel *ch, double v)
{
  NrtKsScheme *scheme = scheme_at (ch, self->sel_row);

  if (scheme != NULL)
    scheme->power = (int) v;
}

static void
set_fraction (NrtChannelBuilder *self, NrtChannel *ch, double v)
{
  NrtKsState *st = state_at (self, ch);

  if (st != NULL)
    st->fraction = v;
}

static void
on_power_committed (NrtNumberEntry *e, double v, NrtChannelBuilder *self)
{
  if (whole (e, v))
    commit_field (self, e, v, set_gate_power, self->editor_error);
}

static void
on_scheme_power_committed (NrtNumberEntry *e, double v, NrtChannelBuilder *self)
{
  if (whole (e, v))
    commit_field (self, e, v, set_scheme_power, self->editor_error);
}

static void
on_fraction_committed (NrtNumberEntry *e, double v, NrtChannelBuilder *self)
{
  commit_field (self, e, v, set_fraction, self->editor_error);
}

/* The slider commits once it has rested for a moment: one undo step per movement, not one
 * per pixel. */
static gboolean
commit_fraction_now (gpointer user_data)
{
  NrtChannelBuilder *self = user_data;

  self->fraction_timeout = 0;
  nrt_number_entry_commit_text (self->fraction_entry,
                                gtk_editable_get_text (nrt_number_entry_get_editable (self->fraction_entry)));
  return G_SOURCE_REMOVE;
}

static void
on_fraction_scale (GtkRange *range, NrtChannelBuilder *self)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double v = round (gtk_range_get_value (range) * 100) / 100;

  if (self->updating)
    return;
  gtk_editable_set_text (nrt_number_entry_get_editable (self->fraction_entry),
                         g_ascii_formatd (buf, sizeof buf, "%g", v));
  g_clear_handle_id (&self->fraction_timeout, g_source_remove);
  self->fraction_timeout = g_timeout_add (300, commit_fraction_now, self);
}

/* ---- gates ------------------------------------------------------------------------ */

static gboolean
name_used (const NrtChannel *ch, const char *name)
{
  return nrt_channel_find_gate (ch, name) >= 0 || nrt_channel_find_state (ch, name, NULL, NULL);
}

/* base, or base2, base3 … (NEURON's O, O2 for new states). */
static char *
unique_name (const NrtChannel *ch, const char *base)
{
  if (!name_used (ch, base))
    return g_strdup (base);
  for (guint i = 2;; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u", base, i);
      if (!name_used (ch, name))
        return g_steal_pointer (&name);
    }
}

guint
nrt_channel_builder_get_n_rows (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), 0);
  return self->row_texts->len;
}

const char *
nrt_channel_builder_get_row_text (NrtChannelBuilder *self, guint row)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  return row < self->row_texts->len ? self->row_texts->pdata[row] : NULL;
}

int
nrt_channel_builder_get_selected_row (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), -1);
  return self->sel_row;
}

void
nrt_channel_builder_select_row (NrtChannelBuilder *self, guint row)
{
  const NrtChannel *ch;

  g_return_if_fail (NRT_IS_CHANNEL_BUILDER (self));
  ch = channel (self);
  if (ch == NULL || row >= n_rows_of (ch) || (int) row == self->sel_row)
    return;
  self->sel_row = row;
  self->ks_item = NRT_KS_ITEM_NONE;
  /* A scheme opens on its first transition, so its rates are in view at once. */
  if (scheme_at (ch, row) != NULL)
    {
      self->ks_item = NRT_KS_ITEM_TRANSITION;
      self->ks_index = 0;
    }
  clear_errors (self);
  refresh (self);
}

gboolean
nrt_channel_builder_add_gate (NrtChannelBuilder *self, GError **error)
{
  static const char *const names[] = { "m", "h", "n", "s", "r", "q", "x", "y", "z" };
  g_autoptr(NrtChannel) ch = NULL;
  g_autofree char *name = NULL;
  NrtRate a = default_rate (NRT_RATE_EXP), b = default_rate (NRT_RATE_EXP);

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  for (guint i = 0; i < G_N_ELEMENTS (names) && name == NULL; i++)
    if (!name_used (ch, names[i]))
      name = g_strdup (names[i]);
  if (name == NULL)
    name = unique_name (ch, "g");
  /* An activation gate with its half point at −40 mV: α rises, β falls with v. */
  b.k = -b.k;
  nrt_channel_add_gate (ch, name, 1, NRT_GATE_ALPHA_BETA, &a, &b);
  if (!commit (self, ch, self->gates_error, error))
    return FALSE;
  self->sel_row = ch->gates->len - 1;
  self->ks_item = NRT_KS_ITEM_NONE;
  refresh (self);
  return TRUE;
}

gboolean
nrt_channel_builder_add_scheme (NrtChannelBuilder *self, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  g_autofree char *c = NULL;
  g_autofree char *o = NULL;
  NrtKsScheme *scheme;
  NrtRate zero = { NRT_RATE_CONSTANT, 0, 0, 0 };

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  c = unique_name (ch, "C");
  o = unique_name (ch, "O");
  scheme = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (scheme, c, 0, 0, 0);
  nrt_ks_scheme_add_state (scheme, o, 1, 140, 0);
  /* KSChan's new transitions are constant 0 both ways until forms are chosen. */
  nrt_ks_scheme_add_transition (scheme, 0, 1, NRT_GATE_ALPHA_BETA, &zero, &zero,
                                NRT_ION_CA, 1);
  if (!commit (self, ch, self->gates_error, error))
    return FALSE;
  self->sel_row = n_rows_of (ch) - 1;
  self->ks_item = NRT_KS_ITEM_TRANSITION;
  self->ks_index = 0;
  refresh (self);
  return TRUE;
}

gboolean
nrt_channel_builder_remove_row (NrtChannelBuilder *self, guint row, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  if (row >= n_rows_of (ch))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM, _("No gate %u"), row);
      return FALSE;
    }
  if (row < ch->gates->len)
    g_ptr_array_remove_index (ch->gates, row);
  else
    g_ptr_array_remove_index (ch->schemes, row - ch->gates->len);
  if (!commit (self, ch, self->gates_error, error))
    return FALSE;
  if (self->sel_row >= (int) n_rows_of (ch))
    self->sel_row = (int) n_rows_of (ch) - 1;
  self->ks_item = NRT_KS_ITEM_NONE;
  refresh (self);
  return TRUE;
}

gboolean
nrt_channel_builder_set_item_name (NrtChannelBuilder *self, const char *name, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  NrtGate *gate;
  NrtKsState *st;
  GtkWidget *entry;
  gboolean ok;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  gate = gate_at (ch, self->sel_row);
  st = state_at (self, ch);
  if (gate != NULL)
    {
      g_free (gate->name);
      gate->name = g_strdup (name);
      entry = GTK_WIDGET (self->gate_name_entry);
    }
  else if (st != NULL)
    {
      g_free (st->name);
      st->name = g_strdup (name);
      entry = GTK_WIDGET (self->state_name_entry);
    }
  else
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                           _("Select an HH gate or a state to rename"));
      return FALSE;
    }
  ok = commit (self, ch, self->editor_error, error);
  if (!ok)
    gtk_widget_add_css_class (entry, "error");
  return ok;
}

static void
on_gate_name_activate (GtkEntry *entry, NrtChannelBuilder *self)
{
  nrt_channel_builder_set_item_name (self, gtk_editable_get_text (GTK_EDITABLE (entry)), NULL);
}

/* Makes rates fit type: forms the type does not allow become its fallbacks with NEURON's
 * defaults (inf sigmoid, τ exponential, ligand constants), and values it refuses are
 * replaced (inf ≤ 1, τ > 0). */
static void
convert_rates (NrtRate *rates, NrtGateType type)
{
  for (guint s = 0; s < 2; s++)
    {
      NrtRate *r = &rates[s];
      /* A LEMS type is a rate, a time or a variable: it only fits the type it came with. */
      if (!(allowed_forms (type, s) & (1u << r->form)) || r->form == NRT_RATE_LEMS)
        {
          NrtRateForm fallback = NRT_RATE_CONSTANT;
          if (type == NRT_GATE_INF_TAU)
            fallback = s == 0 ? NRT_RATE_SIGMOID : NRT_RATE_EXP;
          nrt_rate_clear (r);
          *r = default_rate (fallback);
        }
      if (is_custom (r->form))
        continue;
      if (type == NRT_GATE_INF_TAU && s == 0 && r->A > 1)
        r->A = 1;
      if (type == NRT_GATE_INF_TAU && s == 1 && !(r->A >= 1e-9))
        *r = default_rate (r->form);
    }
}

gboolean
nrt_channel_builder_set_rate_type (NrtChannelBuilder *self, NrtGateType type, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  NrtGateType *t;
  NrtRate *rates;
  NrtKsTransition *tr;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  if (!rate_target (self, ch, &t, &rates, &tr))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                           _("Select an HH gate or a transition first"));
      return FALSE;
    }
  if (tr == NULL && is_ligand (type))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           _("Only a transition of a kinetic scheme can be ligand-gated"));
      show_error (self, self->editor_error, (*error)->message);
      return FALSE;
    }
  *t = type;
  convert_rates (rates, type);
  if (tr != NULL && is_ligand (type))
    {
      if (tr->ligand == NRT_ION_NONSPECIFIC || tr->ligand >= NRT_N_ION)
        tr->ligand = NRT_ION_CA;
      tr->stoichiometry = CLAMP (tr->stoichiometry, 1, 4);
    }
  if (!commit (self, ch, self->editor_error, error))
    {
      refresh (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_channel_builder_set_rate_form (NrtChannelBuilder *self, guint slot, NrtRateForm form,
                                   GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  NrtGateType *t;
  NrtRate *rates;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  g_return_val_if_fail (slot < 2, FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  if (!rate_target (self, ch, &t, &rates, NULL))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                           _("Select an HH gate or a transition first"));
      return FALSE;
    }
  if (rates[slot].form == form)
    return TRUE;
  if (form == NRT_RATE_LEMS)
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           _("LEMS rate types come from NeuroML files; they cannot be chosen here"));
      refresh (self);
      return FALSE;
    }
  if (form == NRT_RATE_BG_INF || form == NRT_RATE_BG_TAU)
    {
      if (*t != NRT_GATE_INF_TAU || slot != (form == NRT_RATE_BG_INF ? 0u : 1u)
          || (form == NRT_RATE_BG_TAU && rates[0].form != NRT_RATE_BG_INF))
        {
          g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                               _("Borg-Graham is an inf, τ pair: choose Borg-Graham inf for inf"));
          refresh (self);
          return FALSE;
        }
      /* KSChan's one vector for both, at its defaults K 1 /ms, vhalf −20 mV, z 4, gam 0.5,
       * tau0 0.1 ms */
      nrt_rate_clear (&rates[0]);
      nrt_rate_clear (&rates[1]);
      nrt_rate_set_bg (&rates[0], &rates[1], 1, -20, 4, 0.5, 0.1);
    }
  else if (form == NRT_RATE_TABLE)
    {
      double y[TABLE_N];
      g_autoptr(NrtRateFunc) func = NULL;

      for (int i = 0; i < TABLE_N; i++)
        y[i] = nrt_rate_eval (&rates[slot], TABLE_VMIN + i * (TABLE_VMAX - TABLE_VMIN) / (TABLE_N - 1));
      for (int i = 0; i < TABLE_N; i++)
        if (!isfinite (y[i]))
          y[i] = 0;
      func = nrt_rate_func_new_table (y, TABLE_N, TABLE_VMIN, TABLE_VMAX, error);
      if (func == NULL)
        {
          refresh (self);
          return FALSE;
        }
      nrt_rate_clear (&rates[slot]);
      rates[slot] = nrt_rate_new_func (func);
    }
  else if (form == NRT_RATE_EXPRESSION)
    {
      /* Start from the rate as it stands, written out, so the curve stays where it was. */
      g_autofree char *text = rate_to_expression (&rates[slot]);
      g_autoptr(NrtRateFunc) func = nrt_rate_func_new_expression (text, error);
      if (func == NULL)
        {
          refresh (self);
          return FALSE;
        }
      nrt_rate_clear (&rates[slot]);
      rates[slot] = nrt_rate_new_func (func);
    }
  else
    {
      nrt_rate_clear (&rates[slot]);
      rates[slot] = default_rate (form);
    }
  /* Leaving Borg-Graham inf takes its τ along: τ becomes exponential (KSChan's fallback). */
  if (slot == 0 && rates[0].form != NRT_RATE_BG_INF && rates[1].form == NRT_RATE_BG_TAU)
    rates[1] = default_rate (NRT_RATE_EXP);
  if (!commit (self, ch, self->editor_error, error))
    {
      refresh (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_channel_builder_set_rate_expression (NrtChannelBuilder *self, guint slot, const char *text,
                                         GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  g_autoptr(NrtRateFunc) func = NULL;
  g_autoptr(GError) local = NULL;
  NrtGateType *t;
  NrtRate *rates;
  NrtKsTransition *tr;
  RateEditor *ed;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  g_return_val_if_fail (slot < 2, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  if (!rate_target (self, ch, &t, &rates, &tr) || is_ligand (*t))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           _("Select an HH gate or a voltage-gated transition first"));
      return FALSE;
    }
  ed = &self->rate[slot];
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (ed->expr)), text) != 0)
    {
      gboolean was = self->updating;
      self->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (ed->expr), text);
      self->updating = was;
    }
  if (rates[slot].form == NRT_RATE_TABLE && rates[slot].func != NULL)
    {
      /* The Table form's values field: same grid, new values. */
      double vmin = 0, vmax = 0;
      nrt_rate_func_get_table_range (rates[slot].func, &vmin, &vmax);
      func = table_from_text (text, vmin, vmax, &local);
    }
  else
    func = nrt_rate_func_new_expression (text, &local);
  if (func == NULL)
    {
      /* The message stays beside the column; the model keeps the last good expression. */
      gtk_label_set_text (ed->expr_error, local->message);
      gtk_widget_set_visible (GTK_WIDGET (ed->expr_error), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (ed->expr), "error");
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  nrt_rate_clear (&rates[slot]);
  rates[slot] = nrt_rate_new_func (func);
  if (!commit (self, ch, self->editor_error, &local))
    {
      gtk_label_set_text (ed->expr_error, local->message);
      gtk_widget_set_visible (GTK_WIDGET (ed->expr_error), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (ed->expr), "error");
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

const char *
nrt_channel_builder_get_rate_expression_error (NrtChannelBuilder *self, guint slot)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  g_return_val_if_fail (slot < 2, NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->rate[slot].expr_error)))
    return NULL;
  return gtk_label_get_text (self->rate[slot].expr_error);
}

GtkEditable *
nrt_channel_builder_get_expression_entry (NrtChannelBuilder *self, guint slot)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  g_return_val_if_fail (slot < 2, NULL);
  return GTK_EDITABLE (self->rate[slot].expr);
}

gboolean
nrt_channel_builder_set_ligand (NrtChannelBuilder *self, NrtIon ion, int stoichiometry,
                                GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  NrtKsTransition *tr;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  tr = trans_at (self, ch);
  if (tr == NULL || !is_ligand (tr->type))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           _("Select a ligand-gated transition first"));
      show_error (self, self->editor_error, (*error)->message);
      return FALSE;
    }
  tr->ligand = ion;
  tr->stoichiometry = stoichiometry;
  if (!commit (self, ch, self->editor_error, error))
    {
      refresh (self);
      return FALSE;
    }
  return TRUE;
}

/* ---- rate editors ------------------------------------------------------------------ */

static void
on_rate_committed (NrtNumberEntry *entry, double value, NrtChannelBuilder *self)
{
  g_autoptr(NrtChannel) ch = draft (self);
  g_autoptr(GError) error = NULL;
  guint slot = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "nrt-slot"));
  guint param = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "nrt-param"));
  NrtGateType *t;
  NrtRate *rates;

  if (ch == NULL || !rate_target (self, ch, &t, &rates, NULL))
    return;
  if (rates[slot].form == NRT_RATE_TABLE && rates[slot].func != NULL)
    {
      /* vmin (field A) or vmax (field d): the same values on the new grid */
      double vmin = 0, vmax = 0;
      g_autoptr(NrtRateFunc) func = NULL;

      nrt_rate_func_get_table_range (rates[slot].func, &vmin, &vmax);
      if (param == 0)
        vmin = value;
      else
        vmax = value;
      func = nrt_rate_func_new_table (nrt_rate_func_get_params (rates[slot].func),
                                      nrt_rate_func_get_n_params (rates[slot].func), vmin, vmax,
                                      &error);
      if (func == NULL)
        {
          nrt_number_entry_reject (entry, error->message);
          return;
        }
      nrt_rate_clear (&rates[slot]);
      rates[slot] = nrt_rate_new_func (func);
    }
  else if (param == 0)
    rates[slot].A = value;
  else if (param == 1)
    rates[slot].k = value;
  else if (param == 2)
    rates[slot].d = value;
  else if (param == 3)
    rates[slot].z = value;
  else if (param == 4)
    rates[slot].gam = value;
  else
    rates[slot].tau0 = value;
  /* Borg-Graham: one parameter vector for inf and τ */
  if (rates[0].form == NRT_RATE_BG_INF && rates[1].form == NRT_RATE_BG_TAU)
    {
      NrtRate shared = rates[slot];
      shared.form = NRT_RATE_BG_INF;
      rates[0] = shared;
      shared.form = NRT_RATE_BG_TAU;
      rates[1] = shared;
    }
  if (!commit (self, ch, self->editor_error, &error))
    nrt_number_entry_reject (entry, error->message);
}

/* Every keystroke in a rate field redraws the curves from the text as it stands. */
static void
on_rate_text_changed (GtkEditable *editable, NrtChannelBuilder *self)
{
  if (!self->updating)
    replot (self);
}

static void
on_form_selected (GtkDropDown *dropdown, GParamSpec *pspec, NrtChannelBuilder *self)
{
  guint slot = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dropdown), "nrt-slot"));
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->updating || i == GTK_INVALID_LIST_POSITION || i >= self->rate[slot].n_forms)
    return;
  nrt_channel_builder_set_rate_form (self, slot, self->rate[slot].forms[i], NULL);
}

static void
on_type_selected (GtkDropDown *dropdown, GParamSpec *pspec, NrtChannelBuilder *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  const NrtChannel *ch = channel (self);
  NrtGateType *t;
  NrtRate *rates;

  if (self->updating || i == GTK_INVALID_LIST_POSITION || ch == NULL
      || !rate_target (self, ch, &t, &rates, NULL) || (guint) *t == i)
    return;
  nrt_channel_builder_set_rate_type (self, i, NULL);
}

static void
on_ligand_selected (GtkDropDown *dropdown, GParamSpec *pspec, NrtChannelBuilder *self)
{
  guint ion = gtk_drop_down_get_selected (self->ligand_dropdown);
  guint n = gtk_drop_down_get_selected (self->stoich_dropdown);

  if (self->updating || ion == GTK_INVALID_LIST_POSITION || n == GTK_INVALID_LIST_POSITION)
    return;
  nrt_channel_builder_set_ligand (self, NRT_ION_NA + ion, n + 1, NULL);
}

/* Parses the expression as typed: the message (or none) beside the column, and the curves
 * redrawn from it. */
static void
on_expr_changed (GtkEditable *editable, NrtChannelBuilder *self)
{
  if (!self->updating)
    replot (self);
}

static void
on_expr_activate (GtkEntry *entry, NrtChannelBuilder *self)
{
  guint slot = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "nrt-slot"));

  nrt_channel_builder_set_rate_expression (self, slot,
                                           gtk_editable_get_text (GTK_EDITABLE (entry)), NULL);
}

static void
build_rate_editor (NrtChannelBuilder *self, guint slot)
{
  static const char *const params[] = { "A", "k", "d", "z", "gam", "tau0" };
  RateEditor *ed = &self->rate[slot];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *form = gtk_drop_down_new (NULL, NULL);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "chb-rate");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_box_append (GTK_BOX (box), label);
  g_object_set_data (G_OBJECT (form), "nrt-slot", GUINT_TO_POINTER (slot));
  gtk_widget_set_tooltip_text (form, _("The rate’s form; choosing one starts it at NEURON’s defaults"));
  g_signal_connect (form, "notify::selected", G_CALLBACK (on_form_selected), self);
  gtk_box_append (GTK_BOX (box), form);
  for (guint p = 0; p < G_N_ELEMENTS (params); p++)
    {
      GtkWidget *entry = nrt_number_entry_new (params[p], 0, 0);
      nrt_number_entry_set_digits (NRT_NUMBER_ENTRY (entry), 17);
      nrt_number_entry_set_width_chars (NRT_NUMBER_ENTRY (entry), 20);
      nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry), p == 2 ? 1 : 0.01);
      g_object_set_data (G_OBJECT (entry), "nrt-slot", GUINT_TO_POINTER (slot));
      g_object_set_data (G_OBJECT (entry), "nrt-param", GUINT_TO_POINTER (p));
      g_signal_connect (entry, "value-committed", G_CALLBACK (on_rate_committed), self);
      g_signal_connect (nrt_number_entry_get_editable (NRT_NUMBER_ENTRY (entry)), "changed",
                        G_CALLBACK (on_rate_text_changed), self);
      gtk_box_append (GTK_BOX (box), entry);
      ed->field[p] = NRT_NUMBER_ENTRY (entry);
    }
  nrt_number_entry_set_range (ed->field[0], 0, INFINITY, FALSE);
  {
    GtkWidget *expr = gtk_entry_new ();
    GtkWidget *err = gtk_label_new (NULL);

    gtk_widget_add_css_class (expr, "monospace");
    gtk_entry_set_placeholder_text (GTK_ENTRY (expr), "0.1 * (v + 40) / (1 - exp(-(v + 40) / 10))");
    gtk_widget_set_tooltip_text (expr, _("A LEMS expression in v (mV) and celsius (°C): + - * / ^, exp, log, sqrt, pow, abs, sin … tanh, floor, ceil, H.  The curves follow every keystroke; Enter applies it"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (expr), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Rate expression"), -1);
    g_object_set_data (G_OBJECT (expr), "nrt-slot", GUINT_TO_POINTER (slot));
    g_signal_connect (expr, "changed", G_CALLBACK (on_expr_changed), self);
    g_signal_connect (expr, "activate", G_CALLBACK (on_expr_activate), self);
    gtk_widget_set_visible (expr, FALSE);
    gtk_box_append (GTK_BOX (box), expr);
    gtk_label_set_xalign (GTK_LABEL (err), 0);
    gtk_label_set_wrap (GTK_LABEL (err), TRUE);
    gtk_label_set_wrap_mode (GTK_LABEL (err), PANGO_WRAP_WORD_CHAR);
    gtk_widget_add_css_class (err, "error");
    gtk_widget_add_css_class (err, "caption");
    gtk_widget_set_visible (err, FALSE);
    gtk_box_append (GTK_BOX (box), err);
    ed->expr = GTK_ENTRY (expr);
    ed->expr_error = GTK_LABEL (err);
  }
  ed->box = box;
  ed->formula = GTK_LABEL (label);
  ed->form = GTK_DROP_DOWN (form);
  gtk_box_append (self->rate_editors, box);
}

const char *
nrt_channel_builder_get_rate_formula (NrtChannelBuilder *self, guint slot)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  g_return_val_if_fail (slot < 2, NULL);
  return self->rate[slot].formula_text;
}

/* Shows the model's value in a field, unless the field already holds it: then what the
 * user is typing there (not yet committed) survives edits made elsewhere.  force: the field
 * now stands for something else (another gate or transition). */
static void
show_value (NrtNumberEntry *entry, double value, gboolean force)
{
  if (force || nrt_number_entry_get_value (entry) != value)
    nrt_number_entry_set_value (entry, value);
}

static void
refresh_rate_editors (NrtChannelBuilder *self, const NrtChannel *ch, gboolean force)
{
  NrtGateType *type;
  NrtRate *rates;
  NrtKsTransition *tr;
  gboolean is_gate = gate_at (ch, self->sel_row) != NULL;

  if (!rate_target (self, ch, &type, &rates, &tr))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->rates_box), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rates_box), TRUE);
  /* Say where the curves are taken: at the run's temperature when the channel has a q10,
   * at the run's ligand concentration for a ligand-gated transition. */
  {
    const NrtRunSettings *rs = &nrt_model_get_data (self->model)->settings;
    GString *title = g_string_new (_("Rates"));
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (ch->q10 != 1 || nrt_channel_uses_celsius (ch))
      g_string_append_printf (title, _(" at %s °C"), g_ascii_formatd (buf, sizeof buf, "%g", rs->celsius));
    if (tr != NULL && is_ligand (tr->type) && tr->ligand > NRT_ION_NONSPECIFIC && tr->ligand < NRT_N_ION)
      g_string_append_printf (title, _(", %s = %s mM"), nrt_ks_transition_ligand_name (tr),
                              g_ascii_formatd (buf, sizeof buf, "%g",
                                               tr->type == NRT_TRANS_LIGAND_INSIDE
                                               ? rs->conc_i[tr->ligand] : rs->conc_o[tr->ligand]));
    gtk_label_set_text (self->rates_title, title->str);
    g_string_free (title, TRUE);
  }
  gtk_drop_down_set_model (self->type_dropdown,
                           G_LIST_MODEL (is_gate ? self->gate_types : self->trans_types));
  gtk_drop_down_set_selected (self->type_dropdown, *type);

  for (guint s = 0; s < 2; s++)
    {
      RateEditor *ed = &self->rate[s];
      g_autofree char *coef = coefficient_name (self, ch, *type == NRT_GATE_INF_TAU, s);
      g_autofree char *alabel = a_label (*type, s, tr != NULL ? tr->stoichiometry : 1);
      g_autoptr(GtkStringList) forms = gtk_string_list_new (NULL);
      guint mask = form_mask (*type, s, rates), selected = 0;
      gboolean bg = nrt_rate_is_bg (&rates[s]);

      gboolean custom = is_custom (rates[s].form);
      gboolean tab = rates[s].form == NRT_RATE_TABLE && rates[s].func != NULL;

      /* A LEMS type read from NeuroML is shown (read-only) only where it is. */
      if (rates[s].form == NRT_RATE_LEMS)
        mask |= 1u << NRT_RATE_LEMS;
      ed->n_forms = 0;
      for (NrtRateForm f = NRT_RATE_CONSTANT; f <= NRT_RATE_TABLE; f++)
        if (mask & (1u << f))
          {
            if (f == rates[s].form)
              selected = ed->n_forms;
            ed->forms[ed->n_forms++] = f;
            gtk_string_list_append (forms, form_name (f));
          }
      gtk_drop_down_set_model (ed->form, G_LIST_MODEL (forms));
      gtk_drop_down_set_selected (ed->form, selected);
      gtk_widget_set_sensitive (GTK_WIDGET (ed->form), ed->n_forms > 1);
      g_free (ed->formula_text);
      ed->formula_text = rate_formula (coef, &rates[s], *type, s, tr);
      gtk_label_set_text (ed->formula, ed->formula_text);
      /* KSTransHelper.pname's labels */
      nrt_number_entry_set_label (ed->field[0], bg ? "K (/ms)" : alabel);
      nrt_number_entry_set_label (ed->field[1], "k (/mV)");
      nrt_number_entry_set_label (ed->field[2], bg ? "vhalf (mV)" : "d (mV)");
      nrt_number_entry_set_label (ed->field[3], "z");
      nrt_number_entry_set_label (ed->field[4], "gam");
      nrt_number_entry_set_label (ed->field[5], "tau0 (ms)");
      show_value (ed->field[0], rates[s].A, force);
      show_value (ed->field[1], rates[s].k, force);
      show_value (ed->field[2], rates[s].d, force);
      show_value (ed->field[3], rates[s].z, force);
      show_value (ed->field[4], rates[s].gam, force);
      show_value (ed->field[5], rates[s].tau0, force);
      if (tab)
        {
          /* the Table form: vmin and vmax in A's and d's places */
          double vmin = 0, vmax = 0;
          nrt_rate_func_get_table_range (rates[s].func, &vmin, &vmax);
          nrt_number_entry_set_label (ed->field[0], _("vmin (mV)"));
          nrt_number_entry_set_label (ed->field[2], _("vmax (mV)"));
          show_value (ed->field[0], vmin, force);
          show_value (ed->field[2], vmax, force);
        }
      /* The form menu gives NEURON's defaults back; a reset beside every number that
       * differs from them would only clutter the editor. */
      for (guint p = 0; p < G_N_ELEMENTS (ed->field); p++)
        nrt_number_entry_set_default (ed->field[p], nrt_number_entry_get_value (ed->field[p]));
      /* Borg-Graham's five numbers sit under inf; τ shares them (KSChan's one vector). */
      gtk_widget_set_visible (GTK_WIDGET (ed->field[0]),
                              !custom && rates[s].form != NRT_RATE_BG_TAU);
      gtk_widget_set_visible (GTK_WIDGET (ed->field[1]),
                              !custom && !bg && !tab && rates[s].form != NRT_RATE_CONSTANT);
      gtk_widget_set_visible (GTK_WIDGET (ed->field[2]), !custom && rates[s].form != NRT_RATE_CONSTANT
                                                         && rates[s].form != NRT_RATE_BG_TAU);
      for (guint p = 3; p < G_N_ELEMENTS (ed->field); p++)
        gtk_widget_set_visible (GTK_WIDGET (ed->field[p]), rates[s].form == NRT_RATE_BG_INF);
      gtk_widget_set_visible (GTK_WIDGET (ed->expr), custom || tab);
      gtk_editable_set_editable (GTK_EDITABLE (ed->expr),
                                 rates[s].form == NRT_RATE_EXPRESSION || tab);
      /* A LEMS type's name is shown, not edited: make that visible. */
      if (rates[s].form == NRT_RATE_LEMS)
        gtk_widget_add_css_class (GTK_WIDGET (ed->expr), "dim-label");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (ed->expr), "dim-label");
      if ((custom || tab) && rates[s].func != NULL)
        {
          g_autofree char *values = tab ? table_values_text (rates[s].func) : NULL;
          const char *text = tab ? values : nrt_rate_func_get_text (rates[s].func);
          /* Keep what is being typed unless the model's text changed (or the entry now
           * stands for another rate). */
          if (force || g_strcmp0 (ed->expr_shown, text) != 0)
            {
              gboolean was = self->updating;
              /* refresh() may already be inside an update: keep its flag. */
              self->updating = TRUE;
              gtk_editable_set_text (GTK_EDITABLE (ed->expr), text);
              self->updating = was;
              g_free (ed->expr_shown);
              ed->expr_shown = g_strdup (text);
              gtk_widget_set_visible (GTK_WIDGET (ed->expr_error), FALSE);
              gtk_widget_remove_css_class (GTK_WIDGET (ed->expr), "error");
            }
        }
      else
        {
          g_clear_pointer (&ed->expr_shown, g_free);
          gtk_widget_set_visible (GTK_WIDGET (ed->expr_error), FALSE);
        }
    }
}

/* ---- plots -------------------------------------------------------------------------- */

/* The rates as typed: the model's, with every rate field whose text parses taking its
 * typed value (not yet committed). */
static void
typed_rates (NrtChannelBuilder *self, const NrtRate *model_rates, NrtRate *out)
{
  /* An Adjust drag draws the dragged values themselves, not their rounded text. */
  if (self->drag.active)
    {
      for (guint s = 0; s < 2; s++)
        {
          out[s] = self->drag.rates[s];
          if (out[s].func != NULL)
            nrt_rate_func_ref (out[s].func);
        }
      return;
    }
  for (guint s = 0; s < 2; s++)
    {
      double *dst[6] = { &out[s].A, &out[s].k, &out[s].d, &out[s].z, &out[s].gam,
                         &out[s].tau0 };
      RateEditor *ed = &self->rate[s];

      /* out holds references of its own: release them with nrt_rate_clear(). */
      out[s] = model_rates[s];
      if (out[s].func != NULL)
        nrt_rate_func_ref (out[s].func);
      if (model_rates[s].form == NRT_RATE_EXPRESSION)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(NrtRateFunc) func =
            nrt_rate_func_new_expression (gtk_editable_get_text (GTK_EDITABLE (ed->expr)), &error);
          if (func != NULL)
            {
              nrt_rate_clear (&out[s]);
              out[s] = nrt_rate_new_func (func);
              gtk_widget_remove_css_class (GTK_WIDGET (ed->expr), "error");
              gtk_widget_set_visible (GTK_WIDGET (ed->expr_error), FALSE);
            }
          else
            {
              /* Inline, under the column; the curve stays the last good one. */
              gtk_label_set_text (ed->expr_error, error->message);
              gtk_widget_set_visible (GTK_WIDGET (ed->expr_error), TRUE);
              gtk_widget_add_css_class (GTK_WIDGET (ed->expr), "error");
            }
          continue;
        }
      if (model_rates[s].form == NRT_RATE_TABLE && model_rates[s].func != NULL)
        {
          /* the values and the grid as typed */
          double vmin = 0, vmax = 0, v;
          g_autoptr(GError) error = NULL;
          g_autoptr(NrtRateFunc) func = NULL;

          nrt_rate_func_get_table_range (model_rates[s].func, &vmin, &vmax);
          if (nrt_number_parse (gtk_editable_get_text (nrt_number_entry_get_editable (ed->field[0])), &v))
            vmin = v;
          if (nrt_number_parse (gtk_editable_get_text (nrt_number_entry_get_editable (ed->field[2])), &v))
            vmax = v;
          func = table_from_text (gtk_editable_get_text (GTK_EDITABLE (ed->expr)), vmin, vmax,
                                  &error);
          if (func != NULL)
            {
              nrt_rate_clear (&out[s]);
              out[s] = nrt_rate_new_func (func);
              gtk_widget_remove_css_class (GTK_WIDGET (ed->expr), "error");
              gtk_widget_set_visible (GTK_WIDGET (ed->expr_error), FALSE);
            }
          else
            {
              gtk_label_set_text (ed->expr_error, error->message);
              gtk_widget_set_visible (GTK_WIDGET (ed->expr_error), TRUE);
              gtk_widget_add_css_class (GTK_WIDGET (ed->expr), "error");
            }
          continue;
        }
      if (is_custom (model_rates[s].form) || model_rates[s].form == NRT_RATE_BG_TAU)
        continue;
      for (guint p = 0; p < G_N_ELEMENTS (dst); p++)
        {
          double v;
          if (nrt_number_parse (gtk_editable_get_text (nrt_number_entry_get_editable (self->rate[s].field[p])), &v))
            *dst[p] = v;
        }
    }
  /* Borg-Graham τ follows the inf's typed numbers (one vector). */
  if (out[0].form == NRT_RATE_BG_INF && out[1].form == NRT_RATE_BG_TAU)
    {
      out[1] = out[0];
      out[1].form = NRT_RATE_BG_TAU;
    }
}

/* The two plotted values at v (mV) for rates: α/β or inf/τ as the plots show them. */
static void
curve_at (NrtChannelBuilder *self, const NrtChannel *ch, const NrtKsTransition *tr,
          const NrtRate *rates, double factor, double v, double *out_a, double *out_b)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  double a, b;

  if (tr == NULL)
    {
      NrtGate gate = *gate_at (ch, self->sel_row);
      gate.rate[0] = rates[0];
      gate.rate[1] = rates[1];
      if (self->inf_tau)
        nrt_gate_inf_tau_at (&gate, v, data->settings.celsius, factor, &a, &b);
      else
        nrt_gate_alpha_beta_at (&gate, v, data->settings.celsius, factor, &a, &b);
    }
  else
    {
      NrtKsTransition t = *tr;
      double conc = 0;
      t.rate[0] = rates[0];
      t.rate[1] = rates[1];
      if (is_ligand (t.type) && t.ligand < NRT_N_ION)
        conc = t.type == NRT_TRANS_LIGAND_INSIDE ? data->settings.conc_i[t.ligand]
                                                 : data->settings.conc_o[t.ligand];
      nrt_ks_transition_rates_at (&t, v, data->settings.celsius, conc, factor, &a, &b);
      if (self->inf_tau)
        {
          double sum = a + b;
          a = a / sum;
          b = 1 / sum;
        }
    }
  *out_a = a;
  *out_b = b;
}

static void
replot (NrtChannelBuilder *self)
{
  const NrtChannel *ch = channel (self);
  const NrtModelData *data = nrt_model_get_data (self->model);
  NrtGateType *type;
  NrtRate *model_rates;
  NrtKsTransition *tr;
  NrtRate rates[2];
  double v[NRT_CHB_PLOT_N], y[2][NRT_CHB_PLOT_N];
  double factor;
  double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
  double y0, y1;

  nrt_plot_clear (self->plot[0]);
  nrt_plot_clear (self->plot[1]);
  self->n_replots++;
  for (guint p = 0; p < 2; p++)
    if (self->marks[p] != NULL)
      gtk_widget_queue_draw (self->marks[p]);
  if (ch == NULL || !rate_target (self, ch, &type, &model_rates, &tr))
    return;

  typed_rates (self, model_rates, rates);
  factor = nrt_channel_rate_factor (ch, data->settings.celsius);
  for (guint i = 0; i < NRT_CHB_PLOT_N; i++)
    {
      double a, b;
      v[i] = NRT_CHB_PLOT_V0 + NRT_CHB_PLOT_DV * i;
      curve_at (self, ch, tr, rates, factor, v[i], &a, &b);
      y[0][i] = a;
      y[1][i] = b;
      for (guint c = 0; c < 2; c++)
        if (isfinite (y[c][i]))
          {
            guint p = self->inf_tau ? c : 0;
            lo[p] = MIN (lo[p], y[c][i]);
            hi[p] = MAX (hi[p], y[c][i]);
          }
    }

  nrt_rate_clear (&rates[0]);
  nrt_rate_clear (&rates[1]);
  for (guint c = 0; c < 2; c++)
    {
      g_autofree char *name = coefficient_name (self, ch, self->inf_tau, c);
      nrt_plot_add_samples (self->plot[self->inf_tau ? c : 0], name, v, y[c], NRT_CHB_PLOT_N, 0);
    }
  for (guint p = 0; p < (self->inf_tau ? 2u : 1u); p++)
    {
      if (!isfinite (lo[p]))
        lo[p] = 0, hi[p] = 1;
      lo[p] = MIN (lo[p], 0.0);
      /* Rates of 0 (a new transition) sit on the axis of a 0–1 plot, not mid-way. */
      if (hi[p] - lo[p] < 1e-12)
        hi[p] = lo[p] + 1;
      nrt_plot_fit_range (lo[p], hi[p], &y0, &y1);
      if (self->inf_tau && p == 0)
        y0 = -0.05, y1 = 1.05;
      nrt_plot_set_view (self->plot[p], NRT_CHB_PLOT_V0, NRT_CHB_PLOT_V0 + NRT_CHB_PLOT_DV * (NRT_CHB_PLOT_N - 1),
                         y0, y1);
    }
  nrt_plot_set_axis_titles (self->plot[0], "v (mV)",
                            self->inf_tau ? "inf (1)" : _("rate (/ms)"));
  nrt_plot_set_axis_titles (self->plot[1], "v (mV)", "τ (ms)");
}

void
nrt_channel_builder_set_show_inf_tau (NrtChannelBuilder *self, gboolean inf_tau)
{
  g_return_if_fail (NRT_IS_CHANNEL_BUILDER (self));
  self->inf_tau = inf_tau;
  self->updating = TRUE;
  gtk_toggle_button_set_active (inf_tau ? self->show_inftau : self->show_ab, TRUE);
  self->updating = FALSE;
  gtk_widget_set_visible (self->plot_overlay[1], inf_tau);
  gtk_widget_set_visible (GTK_WIDGET (self->plot[1]), inf_tau);
  replot (self);
}

gboolean
nrt_channel_builder_get_show_inf_tau (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  return self->inf_tau;
}

static void
on_show_toggled (GtkToggleButton *button, NrtChannelBuilder *self)
{
  if (!self->updating && gtk_toggle_button_get_active (button))
    nrt_channel_builder_set_show_inf_tau (self, button == self->show_inftau);
}

double
nrt_channel_builder_get_curve_value (NrtChannelBuilder *self, const char *label, double v)
{
  long i;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NAN);
  i = lround ((v - NRT_CHB_PLOT_V0) / NRT_CHB_PLOT_DV);
  for (guint p = 0; p < 2; p++)
    for (guint t = 0; t < nrt_plot_get_n_traces (self->plot[p]); t++)
      {
        const double *x, *y;
        gsize n;
        if (g_strcmp0 (nrt_plot_get_trace_label (self->plot[p], t), label) != 0)
          continue;
        n = nrt_plot_get_trace_data (self->plot[p], t, &x, &y);
        if (i >= 0 && (gsize) i < n && fabs (x[i] - v) < 1e-9)
          return y[i];
      }
  return NAN;
}

guint
nrt_channel_builder_get_n_replots (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), 0);
  return self->n_replots;
}

NrtPlot *
nrt_channel_builder_get_plot (NrtChannelBuilder *self, guint index)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  g_return_val_if_fail (index < 2, NULL);
  return self->plot[index];
}

/* ---- the Adjust tool ----------------------------------------------------------------- */

/* Adjust edits what is shown: α/β gates and transitions in the α/β view, inf/τ ones in the
 * inf/τ view, and only KSChan's own forms (not LEMS types or expressions). */
static gboolean
adjust_target (NrtChannelBuilder *self, const NrtChannel **out_ch, NrtRate **rates,
               NrtKsTransition **tr)
{
  const NrtChannel *ch = channel (self);
  NrtGateType *type;

  if (ch == NULL || !rate_target (self, ch, &type, rates, tr))
    return FALSE;
  if ((*type == NRT_GATE_INF_TAU) != self->inf_tau)
    return FALSE;
  if (out_ch != NULL)
    *out_ch = ch;
  return TRUE;
}

static gboolean
adjustable_form (NrtRateForm form)
{
  return form != NRT_RATE_LEMS && form != NRT_RATE_EXPRESSION;
}

/* The plot that shows rate slot. */
static guint
slot_plot (NrtChannelBuilder *self, guint slot)
{
  return self->inf_tau ? slot : 0;
}

/* The plotted value of slot at v for rates (NAN without a target). */
static double
plotted_at (NrtChannelBuilder *self, const NrtRate *rates, guint slot, double v)
{
  const NrtChannel *ch;
  NrtRate *model_rates;
  NrtKsTransition *tr;
  double f[2];

  if (!adjust_target (self, &ch, &model_rates, &tr))
    return NAN;
  curve_at (self, ch, tr, rates,
            nrt_channel_rate_factor (ch, nrt_model_get_data (self->model)->settings.celsius),
            v, &f[0], &f[1]);
  return f[slot];
}

/* Plotted values are the rate times a factor that does not depend on the rate's parameters
 * (the temperature factor, a ligand's concentration; 1/factor for τ, 1 for inf): the rate
 * value at v that the plotted value y stands for. */
static double
raw_target (NrtChannelBuilder *self, const NrtRate *rates, guint slot, double v, double y)
{
  double celsius = nrt_model_get_data (self->model)->settings.celsius;
  NrtRate unit[2] = { rates[0], rates[1] };
  double raw = nrt_rate_eval_at (&rates[slot], v, celsius);
  double shown = plotted_at (self, rates, slot, v);

  if (raw != 0.0 && isfinite (raw) && shown != 0.0 && isfinite (shown))
    return y * raw / shown;
  /* A rate of 0 (A = 0) says nothing about the factor: ask with a unit constant. */
  unit[slot] = (NrtRate) { NRT_RATE_CONSTANT, 1.0, 0.0, 0.0 };
  shown = plotted_at (self, unit, slot, v);
  return shown != 0.0 && isfinite (shown) ? y / shown : NAN;
}

static void
show_drag_values (NrtChannelBuilder *self)
{
  self->updating = TRUE;
  for (guint s = 0; s < 2; s++)
    {
      const NrtRate *r = &self->drag.rates[s];
      const double values[6] = { r->A, r->k, r->d, r->z, r->gam, r->tau0 };

      for (guint p = 0; p < 6; p++)
        show_value (self->rate[s].field[p], values[p], FALSE);
    }
  self->updating = FALSE;
}

/* Starts a drag of slot's curve; mark: at its mark (moves d), else on the curve (solves k;
 * A for a constant). */
static gboolean
adjust_begin (NrtChannelBuilder *self, guint slot, gboolean mark)
{
  NrtRate *rates;
  NrtKsTransition *tr;

  if (!adjust_target (self, NULL, &rates, &tr) || slot > 1)
    return FALSE;
  if (!adjustable_form (rates[slot].form))
    return FALSE;
  if (mark && !nrt_rate_fit_mark (&rates[slot], 0, NULL, NULL))
    return FALSE;
  for (guint s = 0; s < 2; s++)
    {
      self->drag.start[s] = rates[s];
      self->drag.rates[s] = rates[s];
    }
  self->drag.slot = slot;
  self->drag.mark = mark;
  self->drag.plot = slot_plot (self, slot);
  self->drag.active = TRUE;
  return TRUE;
}

/* The pointer is at (v mV, y plotted): solve from the rates at the press (so the result
 * depends only on where the pointer is, not on the path).  A refused point (no solution)
 * leaves the last good values. */
static void
adjust_update (NrtChannelBuilder *self, double v, double y)
{
  double celsius = nrt_model_get_data (self->model)->settings.celsius;
  guint s = self->drag.slot;
  NrtRate r = self->drag.start[s];
  double target;
  gboolean ok;

  if (!self->drag.active)
    return;
  target = raw_target (self, self->drag.start, s, v, y);
  if (!isfinite (target))
    return;
  if (self->drag.mark)
    ok = nrt_rate_fit_move_mark (&r, v, target, celsius);
  else if (r.form == NRT_RATE_CONSTANT)
    ok = nrt_rate_fit_scale (&r, v, target, celsius);
  else
    ok = nrt_rate_fit_slope (&r, v, target, celsius);
  if (!ok)
    return;
  self->drag.rates[s] = r;
  /* Borg-Graham: inf and τ share one parameter vector. */
  if (nrt_rate_is_bg (&r))
    {
      NrtRate other = r;
      other.form = s == 0 ? NRT_RATE_BG_TAU : NRT_RATE_BG_INF;
      self->drag.rates[1 - s] = other;
    }
  show_drag_values (self);
  replot (self);
}

static void
adjust_cancel (NrtChannelBuilder *self)
{
  if (!self->drag.active)
    return;
  /* The fields and the curve as at the press (the model never saw the drag). */
  self->drag.rates[0] = self->drag.start[0];
  self->drag.rates[1] = self->drag.start[1];
  show_drag_values (self);
  self->drag.active = FALSE;
  replot (self);
}

/* Release: the whole drag is one edit (one undo step). */
static gboolean
adjust_end (NrtChannelBuilder *self, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  NrtGateType *type;
  NrtRate *rates;
  gboolean changed = FALSE;

  if (!self->drag.active)
    return TRUE;
  self->drag.active = FALSE;
  for (guint s = 0; s < 2; s++)
    changed |= memcmp (&self->drag.rates[s], &self->drag.start[s], sizeof (NrtRate)) != 0;
  if (!changed || (ch = draft (self)) == NULL || !rate_target (self, ch, &type, &rates, NULL))
    {
      adjust_cancel (self);
      self->drag.active = FALSE;
      return ch != NULL || !changed ? TRUE : no_channel (error);
    }
  /* Only KSChan forms are dragged: no NrtRateFunc references to move. */
  rates[0] = self->drag.rates[0];
  rates[1] = self->drag.rates[1];
  if (!commit (self, ch, self->editor_error, error))
    {
      refresh (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_channel_builder_adjust_press (NrtChannelBuilder *self, guint rate_index, double v0,
                                  double y0, GError **error)
{
  NrtRate *rates;
  NrtKsTransition *tr;
  gboolean mark;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  g_return_val_if_fail (rate_index < 2, FALSE);
  (void) y0;  /* the rate is named: no hit test */
  if (!adjust_target (self, NULL, &rates, &tr))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           _("Adjust edits α/β in the α, β view and inf/τ in the inf, τ view"));
      return FALSE;
    }
  /* Pressed at the mark: within 1e-6 mV of d. */
  mark = nrt_rate_fit_mark (&rates[rate_index], 0, NULL, NULL)
         && fabs (v0 - rates[rate_index].d) < 1e-6;
  if (!adjust_begin (self, rate_index, mark))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           _("This rate cannot be adjusted by dragging"));
      return FALSE;
    }
  return TRUE;
}

void
nrt_channel_builder_adjust_motion (NrtChannelBuilder *self, double v, double y)
{
  g_return_if_fail (NRT_IS_CHANNEL_BUILDER (self));
  adjust_update (self, v, y);
}

gboolean
nrt_channel_builder_adjust_release (NrtChannelBuilder *self, GError **error)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  return adjust_end (self, error);
}

gboolean
nrt_channel_builder_adjust_drag (NrtChannelBuilder *self, guint rate_index, double v0, double y0,
                                 double v1, double y1, GError **error)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if (!nrt_channel_builder_adjust_press (self, rate_index, v0, y0, error))
    return FALSE;
  adjust_update (self, 0.5 * (v0 + v1), 0.5 * (y0 + y1));
  adjust_update (self, v1, y1);
  return adjust_end (self, error);
}

gboolean
nrt_channel_builder_get_adjusting (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  return self->drag.active;
}

void
nrt_channel_builder_set_adjust (NrtChannelBuilder *self, gboolean adjust)
{
  g_return_if_fail (NRT_IS_CHANNEL_BUILDER (self));
  if (gtk_toggle_button_get_active (self->adjust_button) != adjust)
    gtk_toggle_button_set_active (self->adjust_button, adjust);
  self->adjust = adjust;
  gtk_widget_set_visible (GTK_WIDGET (self->adjust_hint), adjust);
  for (guint p = 0; p < 2; p++)
    {
      gtk_widget_queue_draw (self->marks[p]);
      if (adjust)
        gtk_widget_set_cursor_from_name (GTK_WIDGET (self->plot[p]), "crosshair");
      else
        gtk_widget_set_cursor (GTK_WIDGET (self->plot[p]), NULL);
    }
}

gboolean
nrt_channel_builder_get_adjust (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  return self->adjust;
}

static void
on_adjust_toggled (GtkToggleButton *button, NrtChannelBuilder *self)
{
  nrt_channel_builder_set_adjust (self, gtk_toggle_button_get_active (button));
}

/* Where plot p puts its plot area now, with the view it shows (as nrt_plot draws it). */
static gboolean
plot_area (NrtChannelBuilder *self, guint p, cairo_t *cr, NrtPlotData *data, NrtPlotArea *area)
{
  GtkWidget *w = GTK_WIDGET (self->plot[p]);
  int width = gtk_widget_get_width (w), height = gtk_widget_get_height (w);
  g_autofree char *font = NULL;

  if (width <= 0 || height <= 0)
    return FALSE;
  memset (data, 0, sizeof *data);
  nrt_plot_get_view (self->plot[p], &data->x0, &data->x1, &data->y0, &data->y1);
  data->x_title = "v (mV)";
  data->y_title = p == 1 ? "τ (ms)" : self->inf_tau ? "inf (1)" : _("rate (/ms)");
  font = pango_font_description_to_string (
    pango_context_get_font_description (gtk_widget_get_pango_context (w)));
  data->font = font;
  nrt_plot_compute_area (cr, width, height, data, area);
  data->font = NULL;
  return TRUE;
}

/* The marks of the curves on plot p, in widget pixels: n of them, slot[i] their rate. */
static guint
plot_marks (NrtChannelBuilder *self, guint p, cairo_t *cr, double *px, double *py, guint *slot)
{
  NrtRate *model_rates;
  NrtKsTransition *tr;
  NrtRate rates[2];
  NrtPlotData data;
  NrtPlotArea area;
  guint n = 0;

  if (!self->adjust || !adjust_target (self, NULL, &model_rates, &tr)
      || !plot_area (self, p, cr, &data, &area))
    return 0;
  typed_rates (self, model_rates, rates);
  for (guint s = 0; s < 2; s++)
    {
      double d;

      if (slot_plot (self, s) != p || !nrt_rate_fit_mark (&rates[s], 0, &d, NULL))
        continue;
      px[n] = nrt_plot_to_px (&data, &area, d);
      py[n] = nrt_plot_to_py (&data, &area, plotted_at (self, rates, s, d));
      slot[n++] = s;
    }
  nrt_rate_clear (&rates[0]);
  nrt_rate_clear (&rates[1]);
  return n;
}

#define NRT_CHB_MARK_HALF 5.0  /* px: half the side of a mark */

static void
draw_marks (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NrtChannelBuilder *self = user_data;
  guint p = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (area), "nrt-plot"));
  double px[2], py[2];
  guint slot[2];
  guint n = plot_marks (self, p, cr, px, py, slot);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  for (guint i = 0; i < n; i++)
    {
      NrtPlotRGBA c;
      double h = NRT_CHB_MARK_HALF;

      if (!isfinite (px[i]) || !isfinite (py[i]))
        continue;
      /* The trace's own colour: α/β share a plot (traces 0 and 1), inf/τ have one each. */
      nrt_plot_palette_color (self->inf_tau ? 0 : slot[i], dark, &c);
      cairo_rectangle (cr, px[i] - h, py[i] - h, 2 * h, 2 * h);
      cairo_set_source_rgba (cr, c.red, c.green, c.blue, 1.0);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.8);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }
}

/* Pixels to data on plot p. */
static gboolean
plot_to_data (NrtChannelBuilder *self, guint p, double x, double y, double *v, double *f)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (s);
  NrtPlotData data;
  NrtPlotArea area;
  gboolean ok = plot_area (self, p, cr, &data, &area);

  cairo_destroy (cr);
  cairo_surface_destroy (s);
  if (!ok || area.width <= 0 || area.height <= 0)
    return FALSE;
  *v = data.x0 + (x - area.x) / area.width * (data.x1 - data.x0);
  *f = data.y1 - (y - area.y) / area.height * (data.y1 - data.y0);
  return TRUE;
}

/* A press at widget pixel (x, y) of plot p: grabs the mark under it, else the curve within
 * 8 px above or below; FALSE when there is nothing to grab. */
static gboolean
adjust_press_px (NrtChannelBuilder *self, guint p, double x, double y)
{
  cairo_surface_t *surf;
  cairo_t *cr;
  double px[2], py[2], v, f;
  guint slot[2], n;
  int best = -1;
  gboolean mark = FALSE;
  double best_dist = 8.0;  /* px: how close a press must be to grab a curve */

  if (!self->adjust || p > 1)
    return FALSE;
  surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surf);
  n = plot_marks (self, p, cr, px, py, slot);
  for (guint i = 0; i < n; i++)
    if (fabs (px[i] - x) <= NRT_CHB_MARK_HALF + 2 && fabs (py[i] - y) <= NRT_CHB_MARK_HALF + 2)
      best = slot[i], mark = TRUE;
  if (best < 0 && plot_to_data (self, p, x, y, &v, &f))
    {
      NrtRate *model_rates;
      NrtKsTransition *tr;
      NrtPlotData data;
      NrtPlotArea area;

      if (adjust_target (self, NULL, &model_rates, &tr) && plot_area (self, p, cr, &data, &area))
        for (guint s = 0; s < 2; s++)
          {
            double dist;

            if (slot_plot (self, s) != p)
              continue;
            dist = fabs (nrt_plot_to_py (&data, &area, plotted_at (self, model_rates, s, v)) - y);
            if (dist < best_dist)
              best_dist = dist, best = s;
          }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surf);
  if (best < 0 || !adjust_begin (self, best, mark))
    return FALSE;
  self->drag.px0 = x;
  self->drag.py0 = y;
  return TRUE;
}

/* The pointer moved to widget pixel (x, y) of the plot the drag started on. */
static void
adjust_motion_px (NrtChannelBuilder *self, double x, double y)
{
  double v, f;

  if (self->drag.active && plot_to_data (self, self->drag.plot, x, y, &v, &f))
    adjust_update (self, v, f);
}

static void
on_adjust_drag_begin (GtkGestureDrag *gesture, double x, double y, NrtChannelBuilder *self)
{
  guint p = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (gesture), "nrt-plot"));

  if (!adjust_press_px (self, p, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  /* The plot's own pan and zoom do not see this drag. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->plot[p]), "grabbing");
}

static void
on_adjust_drag_update (GtkGestureDrag *gesture, double dx, double dy, NrtChannelBuilder *self)
{
  adjust_motion_px (self, self->drag.px0 + dx, self->drag.py0 + dy);
}

gboolean
nrt_channel_builder_adjust_drag_px (NrtChannelBuilder *self, guint plot, double x0, double y0,
                                    double x1, double y1, GError **error)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if (!adjust_press_px (self, plot, x0, y0))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           _("Nothing to adjust there"));
      return FALSE;
    }
  adjust_motion_px (self, 0.5 * (x0 + x1), 0.5 * (y0 + y1));
  adjust_motion_px (self, x1, y1);
  return adjust_end (self, error);
}

gboolean
nrt_channel_builder_adjust_data_to_px (NrtChannelBuilder *self, guint plot, double v, double y,
                                       double *x, double *py)
{
  cairo_surface_t *surf;
  cairo_t *cr;
  NrtPlotData data;
  NrtPlotArea area;
  gboolean ok;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  g_return_val_if_fail (plot < 2, FALSE);
  surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surf);
  ok = plot_area (self, plot, cr, &data, &area);
  cairo_destroy (cr);
  cairo_surface_destroy (surf);
  if (ok)
    {
      *x = nrt_plot_to_px (&data, &area, v);
      *py = nrt_plot_to_py (&data, &area, y);
    }
  return ok;
}

static void
on_adjust_drag_end (GtkGestureDrag *gesture, double dx, double dy, NrtChannelBuilder *self)
{
  g_autoptr(GError) error = NULL;
  guint p = self->drag.plot;

  if (!self->drag.active)
    return;
  adjust_end (self, &error);
  if (self->adjust)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self->plot[p]), "crosshair");
}

/* Cursor feedback: an open hand over a mark, a crosshair elsewhere while Adjust is on. */
static void
on_adjust_motion (GtkEventControllerMotion *motion, double x, double y, NrtChannelBuilder *self)
{
  guint p = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (motion), "nrt-plot"));
  cairo_surface_t *surf;
  cairo_t *cr;
  double px[2], py[2];
  guint slot[2], n;
  const char *cursor = "crosshair";

  if (!self->adjust || self->drag.active)
    return;
  surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surf);
  n = plot_marks (self, p, cr, px, py, slot);
  cairo_destroy (cr);
  cairo_surface_destroy (surf);
  for (guint i = 0; i < n; i++)
    if (fabs (px[i] - x) <= NRT_CHB_MARK_HALF + 2 && fabs (py[i] - y) <= NRT_CHB_MARK_HALF + 2)
      cursor = "grab";
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->plot[p]), cursor);
}

/* Escape while dragging puts the curve back as it was. */
static gboolean
on_adjust_key (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
               NrtChannelBuilder *self)
{
  if (keyval != GDK_KEY_Escape || !self->drag.active)
    return FALSE;
  adjust_cancel (self);
  return TRUE;
}

void
nrt_channel_builder_adjust_cancel (NrtChannelBuilder *self)
{
  g_return_if_fail (NRT_IS_CHANNEL_BUILDER (self));
  adjust_cancel (self);
}

static void
build_adjust (NrtChannelBuilder *self)
{
  GtkWidget *header = gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (self->show_ab)));
  GtkWidget *button = gtk_toggle_button_new_with_label (_("Adjust"));
  GtkWidget *hint;
  GtkEventController *keys;

  gtk_widget_set_tooltip_text (button, _("Drag a curve's square mark to move d (A follows the "
                                         "pointer), or drag the curve elsewhere to change k"));
  gtk_box_append (GTK_BOX (header), button);
  self->adjust_button = GTK_TOGGLE_BUTTON (button);
  g_signal_connect (button, "toggled", G_CALLBACK (on_adjust_toggled), self);

  hint = gtk_label_new (_("Adjust: drag a square mark to move d (vhalf), drag a curve to "
                          "change k (z, K; A of a constant).  α/β gates adjust in the α, β "
                          "view, inf/τ gates in the inf, τ view.  Escape cancels a drag."));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");
  gtk_widget_set_visible (hint, FALSE);
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->plot_box))),
                              hint, GTK_WIDGET (self->plot_box));
  self->adjust_hint = GTK_LABEL (hint);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_adjust_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

/* Wraps plot p in an overlay that draws the marks, with the drag gesture. */
static GtkWidget *
adjust_overlay (NrtChannelBuilder *self, guint p, GtkWidget *plot)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *marks = gtk_drawing_area_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion;

  gtk_overlay_set_child (GTK_OVERLAY (overlay), plot);
  g_object_set_data (G_OBJECT (marks), "nrt-plot", GUINT_TO_POINTER (p));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (marks), draw_marks, self, NULL);
  gtk_widget_set_can_target (marks, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), marks);
  self->marks[p] = marks;

  g_object_set_data (G_OBJECT (drag), "nrt-plot", GUINT_TO_POINTER (p));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_adjust_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_adjust_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_adjust_drag_end), self);
  gtk_widget_add_controller (overlay, GTK_EVENT_CONTROLLER (drag));
  motion = gtk_event_controller_motion_new ();
  g_object_set_data (G_OBJECT (motion), "nrt-plot", GUINT_TO_POINTER (p));
  g_signal_connect (motion, "motion", G_CALLBACK (on_adjust_motion), self);
  gtk_widget_add_controller (overlay, motion);
  self->plot_overlay[p] = overlay;
  return overlay;
}

/* ---- the scheme canvas --------------------------------------------------------------- */

NrtKsCanvas *
nrt_channel_builder_get_canvas (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  return self->canvas;
}

static const char *
tool_hint (NrtKsTool tool)
{
  switch (tool)
    {
    case NRT_KS_TOOL_ADD_OPEN:
      return _("Drag from a state to an empty place to add an open state joined to it");
    case NRT_KS_TOOL_ADD_CLOSED:
      return _("Drag from a state to an empty place to add a closed state joined to it");
    case NRT_KS_TOOL_CONNECT:
      return _("Drag from one state to another to add a transition");
    case NRT_KS_TOOL_DELETE:
      return _("Click a state or a transition to delete it");
    case NRT_KS_TOOL_SELECT:
    default:
      return _("Click a state or a transition to edit it; drag a state to move it");
    }
}

void
nrt_channel_builder_set_tool (NrtChannelBuilder *self, NrtKsTool tool)
{
  GtkToggleButton *buttons[] = { self->tool_select, self->tool_open, self->tool_closed,
                                 self->tool_connect, self->tool_delete };

  g_return_if_fail (NRT_IS_CHANNEL_BUILDER (self));
  g_return_if_fail (tool <= NRT_KS_TOOL_DELETE);
  nrt_ks_canvas_set_tool (self->canvas, tool);
  gtk_label_set_text (self->tool_hint, tool_hint (tool));
  if (!gtk_toggle_button_get_active (buttons[tool]))
    gtk_toggle_button_set_active (buttons[tool], TRUE);
}

static void
on_tool_toggled (GtkToggleButton *button, NrtChannelBuilder *self)
{
  GtkToggleButton *buttons[] = { self->tool_select, self->tool_open, self->tool_closed,
                                 self->tool_connect, self->tool_delete };

  if (!gtk_toggle_button_get_active (button))
    return;
  for (guint t = 0; t < G_N_ELEMENTS (buttons); t++)
    if (buttons[t] == button)
      nrt_channel_builder_set_tool (self, t);
}

void
nrt_channel_builder_select_item (NrtChannelBuilder *self, NrtKsItem item, guint index)
{
  g_return_if_fail (NRT_IS_CHANNEL_BUILDER (self));
  self->ks_item = item;
  self->ks_index = index;
  clear_errors (self);
  refresh (self);
}

NrtKsItem
nrt_channel_builder_get_item (NrtChannelBuilder *self, guint *index)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NRT_KS_ITEM_NONE);
  if (index != NULL)
    *index = self->ks_index;
  return self->ks_item;
}

static double
snap (double x)
{
  return round (x / NRT_KS_GRID) * NRT_KS_GRID;
}

/* The positions the canvas shows (it lays out schemes that have none) become the model's. */
static void
take_display_positions (NrtChannelBuilder *self, NrtKsScheme *scheme)
{
  for (guint i = 0; i < scheme->states->len; i++)
    {
      NrtKsState *st = scheme->states->pdata[i];
      nrt_ks_canvas_get_state_center (self->canvas, i, &st->x, &st->y);
    }
}

static gboolean
refuse (NrtChannelBuilder *self, GError **error, const char *message)
{
  g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE, message);
  show_error (self, self->editor_error, message);
  return FALSE;
}

static gboolean
transition_between (const NrtKsScheme *scheme, guint a, guint b, guint *index)
{
  for (guint t = 0; t < scheme->transitions->len; t++)
    {
      const NrtKsTransition *tr = &g_array_index (scheme->transitions, NrtKsTransition, t);
      if ((tr->from == a && tr->to == b) || (tr->from == b && tr->to == a))
        {
          *index = t;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
add_state (NrtChannelBuilder *self, NrtChannel *ch, NrtKsScheme *scheme, guint from,
           double x, double y, gboolean open, GError **error)
{
  g_autofree char *name = unique_name (ch, open ? "O" : "C");
  NrtRate zero = { NRT_RATE_CONSTANT, 0, 0, 0 };
  guint s;

  take_display_positions (self, scheme);
  s = nrt_ks_scheme_add_state (scheme, name, open ? 1 : 0, snap (x), snap (y));
  nrt_ks_scheme_add_transition (scheme, from, s, NRT_GATE_ALPHA_BETA, &zero, &zero,
                                NRT_ION_CA, 1);
  if (!commit (self, ch, self->editor_error, error))
    return FALSE;
  self->ks_item = NRT_KS_ITEM_STATE;
  self->ks_index = s;
  refresh (self);
  return TRUE;
}

static gboolean
delete_item (NrtChannelBuilder *self, NrtChannel *ch, NrtKsScheme *scheme, NrtKsItem item,
             guint index, GError **error)
{
  if (item == NRT_KS_ITEM_STATE)
    {
      if (scheme->states->len <= 2)
        return refuse (self, error, _("A kinetic scheme needs at least two states: remove the "
                                      "whole scheme from the gate list instead"));
      take_display_positions (self, scheme);
      for (guint t = scheme->transitions->len; t-- > 0;)
        {
          NrtKsTransition *tr = &g_array_index (scheme->transitions, NrtKsTransition, t);
          if (tr->from == index || tr->to == index)
            g_array_remove_index (scheme->transitions, t);
          else
            {
              tr->from -= tr->from > index;
              tr->to -= tr->to > index;
            }
        }
      g_ptr_array_remove_index (scheme->states, index);
    }
  else
    g_array_remove_index (scheme->transitions, index);
  if (!commit (self, ch, self->editor_error, error))
    return FALSE;
  self->ks_item = NRT_KS_ITEM_NONE;
  refresh (self);
  return TRUE;
}

/* Moves state i by (dx, dy) canvas units, snapped to the grid; it becomes the selection. */
static gboolean
move_state (NrtChannelBuilder *self, NrtChannel *ch, NrtKsScheme *scheme, guint i, double dx,
            double dy, GError **error)
{
  NrtKsState *st = scheme->states->pdata[i];
  double cx, cy;

  nrt_ks_canvas_get_state_center (self->canvas, i, &cx, &cy);
  take_display_positions (self, scheme);
  st->x = snap (cx + dx);
  st->y = snap (cy + dy);
  if (!commit (self, ch, self->editor_error, error))
    return FALSE;
  self->ks_item = NRT_KS_ITEM_STATE;
  self->ks_index = i;
  refresh (self);
  return TRUE;
}

gboolean
nrt_channel_builder_canvas_gesture (NrtChannelBuilder *self, double x0, double y0, double x1,
                                    double y1, gboolean is_click, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  NrtKsScheme *scheme;
  NrtKsItem item0, item1;
  guint i0 = 0, i1 = 0;
  NrtKsTool tool;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  if ((scheme = scheme_at (ch, self->sel_row)) == NULL)
    return FALSE;
  item0 = nrt_ks_canvas_pick (self->canvas, x0, y0, &i0);
  item1 = nrt_ks_canvas_pick (self->canvas, x1, y1, &i1);
  tool = nrt_ks_canvas_get_tool (self->canvas);

  switch (tool)
    {
    case NRT_KS_TOOL_SELECT:
      if (is_click || item0 != NRT_KS_ITEM_STATE)
        {
          nrt_channel_builder_select_item (self, item0, i0);
          return item0 != NRT_KS_ITEM_NONE;
        }
      return move_state (self, ch, scheme, i0, x1 - x0, y1 - y0, error);

    case NRT_KS_TOOL_ADD_OPEN:
    case NRT_KS_TOOL_ADD_CLOSED:
      {
        gboolean open = tool == NRT_KS_TOOL_ADD_OPEN;
        if (!is_click && item0 == NRT_KS_ITEM_STATE)
          {
            if (item1 == NRT_KS_ITEM_STATE)
              return refuse (self, error, _("Drop the new state on an empty place"));
            return add_state (self, ch, scheme, i0, x1, y1, open, error);
          }
        if (is_click && item0 == NRT_KS_ITEM_STATE)
          {
            /* Beside the state clicked, below it when that place is taken. */
            double cx, cy, nx, ny;
            guint k;
            nrt_ks_canvas_get_state_center (self->canvas, i0, &cx, &cy);
            nx = cx + 140, ny = cy;
            while (nrt_ks_canvas_pick (self->canvas, nx, ny, &k) == NRT_KS_ITEM_STATE)
              ny += 60;
            return add_state (self, ch, scheme, i0, nx, ny, open, error);
          }
        if (is_click && item0 == NRT_KS_ITEM_NONE)
          {
            /* Joined to the selected state, or to the nearest one. */
            guint from = 0;
            if (self->ks_item == NRT_KS_ITEM_STATE && self->ks_index < scheme->states->len)
              from = self->ks_index;
            else
              {
                double best = INFINITY;
                for (guint i = 0; i < scheme->states->len; i++)
                  {
                    double cx, cy;
                    nrt_ks_canvas_get_state_center (self->canvas, i, &cx, &cy);
                    if (hypot (cx - x0, cy - y0) < best)
                      best = hypot (cx - x0, cy - y0), from = i;
                  }
              }
            return add_state (self, ch, scheme, from, x0, y0, open, error);
          }
        return refuse (self, error, _("Drag from a state to an empty place to add a state"));
      }

    case NRT_KS_TOOL_CONNECT:
      {
        NrtRate zero = { NRT_RATE_CONSTANT, 0, 0, 0 };
        guint existing;
        if (item0 != NRT_KS_ITEM_STATE || item1 != NRT_KS_ITEM_STATE || i0 == i1)
          {
            if (is_click)
              return FALSE;
            return refuse (self, error, _("Drag from one state to another to connect them"));
          }
        if (transition_between (scheme, i0, i1, &existing))
          {
            nrt_channel_builder_select_item (self, NRT_KS_ITEM_TRANSITION, existing);
            return TRUE;
          }
        take_display_positions (self, scheme);
        nrt_ks_scheme_add_transition (scheme, i0, i1, NRT_GATE_ALPHA_BETA, &zero, &zero,
                                      NRT_ION_CA, 1);
        if (!commit (self, ch, self->editor_error, error))
          return FALSE;
        self->ks_item = NRT_KS_ITEM_TRANSITION;
        self->ks_index = scheme->transitions->len - 1;
        refresh (self);
        return TRUE;
      }

    case NRT_KS_TOOL_DELETE:
      if (item0 == NRT_KS_ITEM_NONE)
        return FALSE;
      return delete_item (self, ch, scheme, item0, i0, error);

    default:
      return FALSE;
    }
}

gboolean
nrt_channel_builder_delete_item (NrtChannelBuilder *self, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  NrtKsScheme *scheme;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  if ((scheme = scheme_at (ch, self->sel_row)) == NULL || self->ks_item == NRT_KS_ITEM_NONE)
    return FALSE;
  return delete_item (self, ch, scheme, self->ks_item, self->ks_index, error);
}

/* Delete removes the selected state or transition; Escape selects nothing. */
static gboolean
on_canvas_key (GtkEventControllerKey *keys, guint keyval, guint keycode,
               GdkModifierType state, NrtChannelBuilder *self)
{
  switch (keyval)
    {
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
    case GDK_KEY_BackSpace:
      nrt_channel_builder_delete_item (self, NULL);
      return TRUE;
    case GDK_KEY_Escape:
      nrt_channel_builder_select_item (self, NRT_KS_ITEM_NONE, 0);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_Right:
    case GDK_KEY_Up:
    case GDK_KEY_Down:
      {
        /* Arrows move the selected state one grid step (Shift: five). */
        double step = NRT_KS_GRID * ((state & GDK_SHIFT_MASK) ? 5 : 1);
        g_autoptr(NrtChannel) ch = draft (self);
        NrtKsScheme *scheme = scheme_at (ch, self->sel_row);
        if (scheme == NULL || self->ks_item != NRT_KS_ITEM_STATE)
          return FALSE;
        move_state (self, ch, scheme, self->ks_index,
                    keyval == GDK_KEY_Left ? -step : keyval == GDK_KEY_Right ? step : 0,
                    keyval == GDK_KEY_Up ? -step : keyval == GDK_KEY_Down ? step : 0, NULL);
        return TRUE;
      }
    default:
      return FALSE;
    }
}

static void
on_canvas_gesture (NrtKsCanvas *canvas, double x0, double y0, double x1, double y1,
                   gboolean is_click, NrtChannelBuilder *self)
{
  nrt_channel_builder_canvas_gesture (self, x0, y0, x1, y1, is_click, NULL);
}

/* ---- refreshing from the model ------------------------------------------------------ */

static gboolean
locate (NrtChannelBuilder *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  int c = nrt_model_find_channel (self->model, self->name);

  if (c < 0)
    {
      /* Renamed underneath (an undone rename): same library size, same place. */
      if (data->channels->len != self->n_channels || self->index < 0
          || (guint) self->index >= data->channels->len)
        return FALSE;
      c = self->index;
      g_free (self->name);
      self->name = g_strdup (((NrtChannel *) data->channels->pdata[c])->name);
    }
  self->index = c;
  self->n_channels = data->channels->len;
  return TRUE;
}

static void
on_remove_clicked (GtkButton *button, NrtChannelBuilder *self)
{
  guint row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "nrt-row"));

  nrt_channel_builder_remove_row (self, row, NULL);
}

static void
rebuild_gate_list (NrtChannelBuilder *self, const NrtChannel *ch)
{
  GtkListBoxRow *old;
  guint n = n_rows_of (ch);

  /* Rows only: the placeholder is a child of the list too. */
  while ((old = gtk_list_box_get_row_at_index (self->gate_list, 0)) != NULL)
    gtk_list_box_remove (self->gate_list, GTK_WIDGET (old));
  g_ptr_array_set_size (self->row_texts, 0);
  for (guint r = 0; r < n; r++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      char *text = row_text (ch, r);
      g_autofree char *subtitle = NULL;
      g_autofree char *markup = g_markup_escape_text (text, -1);

      g_ptr_array_add (self->row_texts, text);
      if (r < ch->gates->len)
        subtitle = g_strdup_printf (_("HH gate, power %d"),
                                    ((NrtGate *) ch->gates->pdata[r])->power);
      else
        subtitle = g_strdup_printf (_("Kinetic scheme, power %d"),
                                    ((NrtKsScheme *) ch->schemes->pdata[r - ch->gates->len])->power);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), markup);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (row, "chb-gate-row");
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove this gate"));
      g_object_set_data (G_OBJECT (remove), "nrt-row", GUINT_TO_POINTER (r));
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (self->gate_list, row);
      if ((int) r == self->sel_row)
        gtk_list_box_select_row (self->gate_list, GTK_LIST_BOX_ROW (row));
    }
}

static void
on_row_selected (GtkListBox *box, GtkListBoxRow *row, NrtChannelBuilder *self)
{
  if (self->updating || row == NULL)
    return;
  nrt_channel_builder_select_row (self, gtk_list_box_row_get_index (row));
}

static void
rebuild_open_menu (NrtChannelBuilder *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);

  g_menu_remove_all (self->open_section);
  g_menu_remove_all (self->copy_section);
  for (guint i = 0; i < data->channels->len; i++)
    {
      const NrtChannel *c = data->channels->pdata[i];
      g_autoptr(GMenuItem) item = g_menu_item_new (c->name, NULL);
      g_menu_item_set_action_and_target_value (item, "chb.open-channel",
                                               g_variant_new_string (c->name));
      g_menu_append_item (self->open_section, item);
      if ((int) i != self->index && n_rows_of (c) > 0)
        {
          g_autoptr(GMenuItem) copy = g_menu_item_new (c->name, NULL);
          g_menu_item_set_action_and_target_value (copy, "chb.copy-gates",
                                                   g_variant_new_string (c->name));
          g_menu_append_item (self->copy_section, copy);
        }
    }
}

static gboolean
destroy_later (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

/* The channel has gone: stop following the model at once, and go away from the main loop,
 * not from inside whatever removed it (a menu of this very window, say). */
static void
close_soon (NrtChannelBuilder *self)
{
  self->closing = TRUE;
  g_clear_signal_handler (&self->changed_id, self->model);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, destroy_later, g_object_ref (self), g_object_unref);
}

static void
refresh (NrtChannelBuilder *self)
{
  const NrtChannel *ch;
  NrtKsScheme *scheme;
  NrtKsState *st;
  NrtKsTransition *tr;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  gboolean point, force;

  if (self->closing)
    return;
  if (!locate (self))
    {
      close_soon (self);
      return;
    }
  ch = channel (self);
  point = ch->kind == NRT_CHANNEL_POINT;
  if (self->sel_row >= (int) n_rows_of (ch))
    self->sel_row = (int) n_rows_of (ch) - 1;
  if (self->sel_row < 0 && n_rows_of (ch) > 0)
    self->sel_row = 0;
  scheme = scheme_at (ch, self->sel_row);
  if (scheme == NULL
      || (self->ks_item == NRT_KS_ITEM_STATE && self->ks_index >= scheme->states->len)
      || (self->ks_item == NRT_KS_ITEM_TRANSITION && self->ks_index >= scheme->transitions->len))
    self->ks_item = NRT_KS_ITEM_NONE;

  /* What the editors stand for; when it changes, every field is rewritten. */
  {
    guint key = ((guint) (self->sel_row + 1) << 20) ^ ((guint) self->ks_item << 16) ^ self->ks_index;
    force = key != self->shown_key;
    self->shown_key = key;
  }
  self->updating = TRUE;

  /* header and properties */
  title = g_strdup_printf (_("%s — Channel Builder"), ch->name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, ch->name);
  adw_window_title_set_subtitle (self->window_title,
                                 point ? _("Point Process") : _("Density Mechanism"));
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), ch->name) != 0
      && !gtk_widget_has_css_class (GTK_WIDGET (self->name_row), "error"))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), ch->name);
  adw_action_row_set_subtitle (self->kind_row,
                               point ? _("Point process (gmax µS, i nA)")
                                     : _("Density mechanism (gmax S/cm², i mA/cm²)"));
  adw_combo_row_set_selected (self->ion_row, ch->ion);
  adw_combo_row_set_selected (self->cond_row, ch->conductance);
  text = g_strdup_printf (ch->conductance == NRT_CONDUCTANCE_GHK ? _("Default pmax (%s)")
                                                                 : _("Default gmax (%s)"),
                          gmax_units (ch));
  nrt_number_entry_set_label (self->gmax_entry, text);
  adw_preferences_row_set_title (self->gmax_row, text);
  g_clear_pointer (&text, g_free);
  show_value (self->gmax_entry, ch->gmax, FALSE);
  show_value (self->e_entry, ch->erev, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->e_row), ch->ion == NRT_ION_NONSPECIFIC);
  show_value (self->q10_entry, ch->q10, FALSE);
  show_value (self->q10t_entry, ch->q10_temperature, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->single_row), point);
  gtk_switch_set_active (self->single_switch, ch->single);

  /* the equations NEURON shows */
  text = g_strdup_printf (point ? (ch->single ? _("%s Point Process (Allow Single Channels)")
                                              : _("%s Point Process"))
                                : _("%s Density Mechanism"), ch->name);
  gtk_label_set_text (self->kind_label, text);
  g_clear_pointer (&text, g_free);
  if (ch->ion == NRT_ION_NONSPECIFIC)
    text = g_strdup (_("NonSpecific ohmic current"));
  else
    text = g_strdup_printf (ch->conductance == NRT_CONDUCTANCE_GHK ? _("%s GHK ion current")
                                                                   : _("%s ohmic ion current"),
                            ion_or (ch));
  gtk_label_set_text (self->ion_label, text);
  g_clear_pointer (&text, g_free);
  text = current_relation (ch);
  gtk_label_set_text (self->current_label, text);
  g_clear_pointer (&text, g_free);
  text = conductance_product (ch);
  gtk_label_set_text (self->g_label, text);
  g_clear_pointer (&text, g_free);
  {
    g_autofree char *g = format_number (ch->gmax);
    g_autofree char *e = format_number (ch->erev);
    if (ch->ion == NRT_ION_NONSPECIFIC)
      text = g_strdup_printf ("Default %s = %s (%s)   e = %s (mV)",
                              ch->conductance == NRT_CONDUCTANCE_GHK ? "pmax" : "gmax", g,
                              gmax_units (ch), e);
    else
      text = g_strdup_printf ("Default %s = %s (%s)",
                              ch->conductance == NRT_CONDUCTANCE_GHK ? "pmax" : "gmax", g,
                              gmax_units (ch));
    gtk_label_set_text (self->default_label, text);
    g_clear_pointer (&text, g_free);
  }

  rebuild_gate_list (self, ch);
  rebuild_open_menu (self);

  /* the editor */
  if (gate_at (ch, self->sel_row) != NULL)
    {
      NrtGate *gate = gate_at (ch, self->sel_row);
      g_autofree char *eq = gate_equation (gate);
      gtk_stack_set_visible_child_name (self->editor_stack, "gate");
      if (!gtk_widget_has_css_class (GTK_WIDGET (self->gate_name_entry), "error"))
        gtk_editable_set_text (GTK_EDITABLE (self->gate_name_entry), gate->name);
      show_value (self->power_entry, gate->power, force);
      gtk_label_set_text (self->gate_equation, eq);
      self->shown_scheme = -1;
    }
  else if (scheme != NULL)
    {
      int si = self->sel_row - (int) ch->gates->len;
      g_autofree char *summary = scheme_summary (scheme);
      gtk_stack_set_visible_child_name (self->editor_stack, "scheme");
      nrt_ks_canvas_set_scheme (self->canvas, scheme, si != self->shown_scheme);
      nrt_ks_canvas_set_selection (self->canvas, self->ks_item, self->ks_index);
      self->shown_scheme = si;
      gtk_label_set_text (self->scheme_title, summary);
      show_value (self->scheme_power_entry, scheme->power, force);
      st = state_at (self, ch);
      tr = trans_at (self, ch);
      gtk_widget_set_visible (GTK_WIDGET (self->state_box), st != NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->trans_box), tr != NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->ks_hint), st == NULL && tr == NULL);
      if (st != NULL)
        {
          if (!gtk_widget_has_css_class (GTK_WIDGET (self->state_name_entry), "error"))
            gtk_editable_set_text (GTK_EDITABLE (self->state_name_entry), st->name);
          show_value (self->fraction_entry, st->fraction, force);
          gtk_range_set_value (GTK_RANGE (self->fraction_scale), st->fraction);
        }
      if (tr != NULL)
        {
          g_autofree char *t = g_strdup_printf (_("Transition %s ⇄ %s"),
                                                ((NrtKsState *) scheme->states->pdata[tr->from])->name,
                                                ((NrtKsState *) scheme->states->pdata[tr->to])->name);
          gtk_label_set_text (self->trans_title, t);
          gtk_widget_set_visible (GTK_WIDGET (self->ligand_box), is_ligand (tr->type));
          if (is_ligand (tr->type))
            {
              gtk_drop_down_set_selected (self->ligand_dropdown,
                                          tr->ligand >= NRT_ION_NA && tr->ligand < NRT_N_ION
                                          ? tr->ligand - NRT_ION_NA : 2);
              gtk_drop_down_set_selected (self->stoich_dropdown,
                                          CLAMP (tr->stoichiometry, 1, 4) - 1);
            }
        }
    }
  else
    {
      gtk_stack_set_visible_child_name (self->editor_stack, "empty");
      self->shown_scheme = -1;
    }
  refresh_rate_editors (self, ch, force);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chb.undo", nrt_model_can_undo (self->model));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chb.redo", nrt_model_can_redo (self->model));

  self->updating = FALSE;
  replot (self);
}

static void
on_model_changed (NrtModel *model, const NrtChange *change, NrtChannelBuilder *self)
{
  refresh (self);
}

/* ---- text ---------------------------------------------------------------------------- */

char *
nrt_channel_builder_get_text (NrtChannelBuilder *self)
{
  const NrtChannel *ch;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  ch = channel (self);
  return ch != NULL ? nrt_channel_describe (ch) : NULL;
}

static void
action_text (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (widget);
  g_autofree char *text = nrt_channel_builder_get_text (self);
  GtkWidget *dialog, *scrolled, *label;

  if (text == NULL)
    return;
  /* NEURON's Text to stdout, and the same in a window. */
  g_print ("%s", text);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), self->name, NULL);
  scrolled = gtk_scrolled_window_new ();
  label = gtk_label_new (text);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  /* The dialog is narrower than the longest rate formulas. */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), label);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 260);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 640, -1);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- clone, copy gates --------------------------------------------------------------- */

gboolean
nrt_channel_builder_copy_gates_from (NrtChannelBuilder *self, const char *name, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;
  const NrtChannel *from;
  int c;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = draft (self)) == NULL)
    return no_channel (error);
  if ((c = nrt_model_find_channel (self->model, name)) < 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                   _("There is no channel “%s”"), name);
      show_error (self, self->gates_error, (*error)->message);
      return FALSE;
    }
  /* NEURON's Copy gates from: the other channel's gates and schemes are appended; names
   * must stay distinct, which the model checks. */
  from = nrt_model_get_data (self->model)->channels->pdata[c];
  {
    g_autoptr(NrtChannel) copy = nrt_channel_copy (from);
    for (guint i = 0; i < copy->gates->len; i++)
      g_ptr_array_add (ch->gates, g_steal_pointer (&copy->gates->pdata[i]));
    for (guint i = 0; i < copy->schemes->len; i++)
      g_ptr_array_add (ch->schemes, g_steal_pointer (&copy->schemes->pdata[i]));
  }
  if (!commit (self, ch, self->gates_error, error))
    return FALSE;
  refresh (self);
  return TRUE;
}

GtkWindow *
nrt_channel_builder_clone (NrtChannelBuilder *self, NrtChannelKind kind, GError **error)
{
  g_autoptr(NrtChannel) ch = NULL;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  if ((ch = draft (self)) == NULL)
    {
      no_channel (error);
      return NULL;
    }
  /* KSChan appends an integer to a name that is taken: myNa0, myNa1 … */
  for (guint i = 0; nrt_model_find_channel (self->model, ch->name) >= 0; i++)
    {
      g_free (ch->name);
      ch->name = g_strdup_printf ("%s%u", channel (self)->name, i);
    }
  ch->kind = kind;
  if (kind == NRT_CHANNEL_DENSITY)
    ch->single = FALSE;
  if (!nrt_model_add_channel (self->model, ch, error))
    {
      show_error (self, self->props_error, (*error)->message);
      return NULL;
    }
  if (self->main_window == NULL)
    return NULL;
  return nrt_channel_builder_open (self->main_window, ch->name);
}

static void
action_copy_gates (GtkWidget *widget, const char *action_name, GVariant *param)
{
  nrt_channel_builder_copy_gates_from (NRT_CHANNEL_BUILDER (widget),
                                       g_variant_get_string (param, NULL), NULL);
}

static void
action_clone (GtkWidget *widget, const char *action_name, GVariant *param)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *clone = nrt_channel_builder_clone (NRT_CHANNEL_BUILDER (widget),
                                                g_str_equal (g_variant_get_string (param, NULL), "point")
                                                ? NRT_CHANNEL_POINT : NRT_CHANNEL_DENSITY,
                                                &error);
  if (clone != NULL)
    gtk_window_present (clone);
}

/* ---- actions ------------------------------------------------------------------------- */

static void
action_undo (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (widget);
  g_autoptr(NrtModel) model = g_object_ref (self->model);

  if (nrt_model_can_undo (model))
    nrt_model_undo (model, NULL);
}

static void
action_redo (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (widget);
  g_autoptr(NrtModel) model = g_object_ref (self->model);

  if (nrt_model_can_redo (model))
    nrt_model_redo (model, NULL);
}

static void
action_preset (GtkWidget *widget, const char *action_name, GVariant *param)
{
  nrt_channel_builder_apply_preset (NRT_CHANNEL_BUILDER (widget),
                                    g_variant_get_string (param, NULL), NULL);
}

static void
action_add_gate (GtkWidget *widget, const char *action_name, GVariant *param)
{
  nrt_channel_builder_add_gate (NRT_CHANNEL_BUILDER (widget), NULL);
}

static void
action_add_scheme (GtkWidget *widget, const char *action_name, GVariant *param)
{
  nrt_channel_builder_add_scheme (NRT_CHANNEL_BUILDER (widget), NULL);
}

static void
action_delete (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup (self->name);

  /* The window closes itself when the channel has gone. */
  if (!nrt_model_remove_channel (self->model, name, &error))
    show_error (self, self->props_error, error->message);
}

/* ---- files: NMODL, hoc for KSChan, NeuroML channel files ---------------------------- */

static gboolean
local_path (GFile *file, char **path, GError **error)
{
  *path = g_file_get_path (file);
  if (*path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only local files can be used"));
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_channel_builder_export_nmodl (NrtChannelBuilder *self, GFile *file, GError **error)
{
  const NrtChannel *ch;
  g_autofree char *path = NULL;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = channel (self)) == NULL)
    return no_channel (error);
  return local_path (file, &path, error) && nrt_nmodl_write_channel_file (ch, path, error);
}

gboolean
nrt_channel_builder_save_hoc (NrtChannelBuilder *self, GFile *file, GError **error)
{
  const NrtChannel *ch;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = channel (self)) == NULL)
    return no_channel (error);
  if (!local_path (file, &path, error))
    return FALSE;
  /* KSChan has no q10: the factor at the run's temperature is folded into the rates. */
  text = nrt_hoc_write_kschan (ch, nrt_model_get_data (self->model)->settings.celsius, error);
  return text != NULL && g_file_set_contents (path, text, -1, error);
}

gboolean
nrt_channel_builder_export_neuroml (NrtChannelBuilder *self, GFile *file, GError **error)
{
  const NrtChannel *ch;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if ((ch = channel (self)) == NULL)
    return no_channel (error);
  if (!local_path (file, &path, error))
    return FALSE;
  text = nrt_neuroml_write_channels_string (&ch, 1, error);
  return text != NULL && g_file_set_contents (path, text, -1, error);
}

gboolean
nrt_channel_builder_import_neuroml (NrtChannelBuilder *self, GFile *file, char **first_name,
                                    GError **error)
{
  g_autoptr(GPtrArray) channels = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local = NULL;
  guint added = 0;

  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  if (!local_path (file, &path, error))
    return FALSE;
  if ((channels = nrt_neuroml_read_channels (path, error)) == NULL)
    return FALSE;
  if (channels->len == 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   _("%s holds no ion channel"), path);
      return FALSE;
    }
  /* Check everything before changing anything: all the channels go in, or none. */
  for (guint i = 0; i < channels->len; i++)
    {
      const NrtChannel *ch = channels->pdata[i];
      if (nrt_model_find_channel (self->model, ch->name) >= 0)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                       _("The library already has a channel named “%s”; rename or delete it first"),
                       ch->name);
          return FALSE;
        }
      if (!nrt_channel_validate (ch, error))
        return FALSE;
    }
  nrt_model_begin_group (self->model, _("Import NeuroML channels"));
  for (guint i = 0; i < channels->len && local == NULL; i++)
    if (nrt_model_add_channel (self->model, channels->pdata[i], &local))
      added++;
  nrt_model_end_group (self->model);
  if (local != NULL)
    {
      /* Take back the part that went in (one undo step). */
      if (added > 0)
        nrt_model_undo (self->model, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (first_name != NULL)
    *first_name = g_strdup (((NrtChannel *) channels->pdata[0])->name);
  return TRUE;
}

static void
show_file_error (NrtChannelBuilder *self, const char *heading, const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef enum { FILE_NMODL, FILE_HOC, FILE_NEUROML_OUT, FILE_NEUROML_IN } FileJob;

static void
on_file_response (GtkNativeDialog *native, int response, NrtChannelBuilder *self)
{
  FileJob job = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "nrt-job"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(GError) error = NULL;
      g_autofree char *first = NULL;
      gboolean ok = FALSE;

      switch (job)
        {
        case FILE_NMODL:
          ok = nrt_channel_builder_export_nmodl (self, file, &error);
          break;
        case FILE_HOC:
          ok = nrt_channel_builder_save_hoc (self, file, &error);
          break;
        case FILE_NEUROML_OUT:
          ok = nrt_channel_builder_export_neuroml (self, file, &error);
          break;
        case FILE_NEUROML_IN:
          ok = nrt_channel_builder_import_neuroml (self, file, &first, &error);
          if (ok && self->main_window != NULL)
            {
              GtkWindow *w = nrt_channel_builder_open (self->main_window, first);
              if (w != NULL)
                gtk_window_present (w);
            }
          break;
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        show_file_error (self, job == FILE_NEUROML_IN ? _("Could Not Import")
                                                      : _("Could Not Export"), error);
    }
  g_object_unref (native);
  g_object_unref (self);
}

static void
choose_file (NrtChannelBuilder *self, FileJob job)
{
  static const struct { const char *title, *suffix, *filter; } jobs[] = {
    [FILE_NMODL] = { N_("Export NMODL"), "mod", N_("NMODL Files") },
    [FILE_HOC] = { N_("Save Hoc File for KSChan"), "hoc", N_("Hoc Files") },
    [FILE_NEUROML_OUT] = { N_("Export NeuroML Channel"), "channel.nml", N_("NeuroML Files") },
    [FILE_NEUROML_IN] = { N_("Import NeuroML Channel"), "nml", N_("NeuroML Files") },
  };
  gboolean save = job != FILE_NEUROML_IN;
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (channel (self) == NULL)
    return;
  native = gtk_file_chooser_native_new (_(jobs[job].title), GTK_WINDOW (self),
                                        save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        save ? _("_Save") : _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (filter, _(jobs[job].filter));
  gtk_file_filter_add_suffix (filter, job == FILE_NEUROML_OUT ? "nml" : jobs[job].suffix);
  if (job == FILE_NEUROML_IN)
    gtk_file_filter_add_suffix (filter, "xml");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  if (save)
    {
      g_autofree char *name = g_strdup_printf ("%s.%s", self->name, jobs[job].suffix);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
    }
  g_object_set_data (G_OBJECT (native), "nrt-job", GINT_TO_POINTER (job));
  g_signal_connect (native, "response", G_CALLBACK (on_file_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
action_file (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (widget);

  if (g_str_equal (action_name, "chb.export-nmodl"))
    choose_file (self, FILE_NMODL);
  else if (g_str_equal (action_name, "chb.save-hoc"))
    choose_file (self, FILE_HOC);
  else if (g_str_equal (action_name, "chb.export-neuroml"))
    choose_file (self, FILE_NEUROML_OUT);
  else
    choose_file (self, FILE_NEUROML_IN);
}

static void
action_open_channel (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (widget);
  GtkWindow *other;

  if (self->main_window == NULL)
    return;
  other = nrt_channel_builder_open (self->main_window, g_variant_get_string (param, NULL));
  if (other != NULL)
    gtk_window_present (other);
}

void
nrt_channel_builder_set_run_on_change (NrtChannelBuilder *self, gboolean run)
{
  g_return_if_fail (NRT_IS_CHANNEL_BUILDER (self));
  if (self->run_on_change == !!run)
    return;
  self->run_on_change = !!run;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN_ON_CHANGE]);
}

gboolean
nrt_channel_builder_get_run_on_change (NrtChannelBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), FALSE);
  return self->run_on_change;
}

static void
nrt_channel_builder_get_property (GObject *object, guint prop_id, GValue *value,
                                  GParamSpec *pspec)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (object);

  switch (prop_id)
    {
    case PROP_RUN_ON_CHANGE:
      g_value_set_boolean (value, self->run_on_change);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_channel_builder_set_property (GObject *object, guint prop_id, const GValue *value,
                                  GParamSpec *pspec)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (object);

  switch (prop_id)
    {
    case PROP_RUN_ON_CHANGE:
      nrt_channel_builder_set_run_on_change (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- GObject ----------------------------------------------------------------------- */

static void
nrt_channel_builder_dispose (GObject *object)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (object);

  g_clear_handle_id (&self->fraction_timeout, g_source_remove);
  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_weak_pointer (&self->main_window);
  gtk_widget_dispose_template (GTK_WIDGET (self), NRT_TYPE_CHANNEL_BUILDER);
  G_OBJECT_CLASS (nrt_channel_builder_parent_class)->dispose (object);
}

static void
nrt_channel_builder_finalize (GObject *object)
{
  NrtChannelBuilder *self = NRT_CHANNEL_BUILDER (object);

  g_free (self->name);
  g_free (self->error);
  g_ptr_array_unref (self->row_texts);
  g_clear_object (&self->gate_types);
  g_clear_object (&self->trans_types);
  for (guint s = 0; s < 2; s++)
    {
      g_free (self->rate[s].formula_text);
      g_free (self->rate[s].expr_shown);
    }
  G_OBJECT_CLASS (nrt_channel_builder_parent_class)->finalize (object);
}

static void
nrt_channel_builder_class_init (NrtChannelBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_channel_builder_dispose;
  object_class->finalize = nrt_channel_builder_finalize;
  object_class->get_property = nrt_channel_builder_get_property;
  object_class->set_property = nrt_channel_builder_set_property;

  /* Init & Run after every accepted edit (NEURON's rate editor Run box); chb.run-on-change. */
  properties[PROP_RUN_ON_CHANGE] =
    g_param_spec_boolean ("run-on-change", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NRT_TYPE_NUMBER_ENTRY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/neurite/Neurite/ui/nrt-channel-builder.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NrtChannelBuilder, name)
  BIND (window_title);
  BIND (open_section);
  BIND (copy_section);
  BIND (name_row);
  BIND (kind_row);
  BIND (ion_row);
  BIND (cond_row);
  BIND (gmax_entry);
  BIND (gmax_row);
  BIND (e_entry);
  BIND (e_row);
  BIND (q10_entry);
  BIND (q10t_entry);
  BIND (single_row);
  BIND (single_switch);
  BIND (props_error);
  BIND (kind_label);
  BIND (ion_label);
  BIND (current_label);
  BIND (g_label);
  BIND (default_label);
  BIND (gate_list);
  BIND (gates_error);
  BIND (editor_stack);
  BIND (gate_name_entry);
  BIND (power_entry);
  BIND (gate_equation);
  BIND (tool_select);
  BIND (tool_open);
  BIND (tool_closed);
  BIND (tool_connect);
  BIND (tool_delete);
  BIND (tool_hint);
  BIND (canvas_frame);
  BIND (scheme_title);
  BIND (scheme_power_entry);
  BIND (state_box);
  BIND (state_name_entry);
  BIND (fraction_entry);
  BIND (fraction_scale);
  BIND (trans_box);
  BIND (trans_title);
  BIND (ligand_box);
  BIND (ligand_dropdown);
  BIND (stoich_dropdown);
  BIND (ks_hint);
  BIND (editor_error);
  BIND (rates_box);
  BIND (rates_title);
  BIND (type_dropdown);
  BIND (show_ab);
  BIND (show_inftau);
  BIND (rate_editors);
  BIND (plot_box);
#undef BIND

  gtk_widget_class_install_action (widget_class, "chb.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "chb.redo", NULL, action_redo);
  gtk_widget_class_install_action (widget_class, "chb.preset", "s", action_preset);
  gtk_widget_class_install_action (widget_class, "chb.text", NULL, action_text);
  gtk_widget_class_install_action (widget_class, "chb.add-gate", NULL, action_add_gate);
  gtk_widget_class_install_action (widget_class, "chb.add-scheme", NULL, action_add_scheme);
  gtk_widget_class_install_action (widget_class, "chb.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "chb.open-channel", "s", action_open_channel);
  gtk_widget_class_install_action (widget_class, "chb.copy-gates", "s", action_copy_gates);
  gtk_widget_class_install_action (widget_class, "chb.clone", "s", action_clone);
  gtk_widget_class_install_action (widget_class, "chb.export-nmodl", NULL, action_file);
  gtk_widget_class_install_action (widget_class, "chb.save-hoc", NULL, action_file);
  gtk_widget_class_install_action (widget_class, "chb.export-neuroml", NULL, action_file);
  gtk_widget_class_install_action (widget_class, "chb.import-neuroml", NULL, action_file);
  gtk_widget_class_install_property_action (widget_class, "chb.run-on-change", "run-on-change");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "chb.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "chb.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
nrt_channel_builder_init (NrtChannelBuilder *self)
{
  static gboolean css_loaded;
  GtkToggleButton *tools[5];

  gtk_widget_init_template (GTK_WIDGET (self));
  if (!css_loaded)
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (css, "/io/github/neurite/Neurite/ui/nrt-channel-builder.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      css_loaded = TRUE;
    }

  self->index = -1;
  self->sel_row = -1;
  self->shown_scheme = -1;
  self->shown_key = G_MAXUINT;
  self->row_texts = g_ptr_array_new_with_free_func (g_free);
  self->gate_types = gtk_string_list_new ((const char *[]) { _("α and β"), _("inf and τ"), NULL });
  self->trans_types = gtk_string_list_new ((const char *[]) { _("Voltage: α, β"), _("Voltage: inf, τ"),
                                                              _("Ligand outside"), _("Ligand inside"),
                                                              NULL });
  {
    GtkWidget *none = gtk_label_new (_("No gates: the conductance is gmax"));
    gtk_widget_set_margin_top (none, 12);
    gtk_widget_set_margin_bottom (none, 12);
    gtk_widget_add_css_class (none, "dim-label");
    gtk_list_box_set_placeholder (self->gate_list, none);
  }
  nrt_number_entry_set_range (self->q10_entry, 0, INFINITY, TRUE);
  nrt_number_entry_set_digits (self->gmax_entry, 17);
  nrt_number_entry_set_digits (self->e_entry, 17);

  for (guint s = 0; s < 2; s++)
    build_rate_editor (self, s);
  for (guint p = 0; p < 2; p++)
    {
      GtkWidget *plot = nrt_plot_new ();
      gtk_widget_set_hexpand (plot, TRUE);
      gtk_widget_set_vexpand (plot, TRUE);
      gtk_widget_set_size_request (plot, 240, 240);
      gtk_widget_add_css_class (plot, "card");
      nrt_plot_set_placeholder (NRT_PLOT (plot), _("Select an HH gate or a transition"));
      self->plot[p] = NRT_PLOT (plot);
      gtk_box_append (self->plot_box, adjust_overlay (self, p, plot));
    }
  gtk_widget_set_visible (self->plot_overlay[1], FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->plot[1]), FALSE);
  build_adjust (self);

  self->canvas = NRT_KS_CANVAS (nrt_ks_canvas_new ());
  gtk_frame_set_child (self->canvas_frame, GTK_WIDGET (self->canvas));
  g_signal_connect (self->canvas, "gesture", G_CALLBACK (on_canvas_gesture), self);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();
    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_canvas_key), self);
    gtk_widget_add_controller (GTK_WIDGET (self->canvas), keys);
  }
  gtk_label_set_text (self->tool_hint, tool_hint (NRT_KS_TOOL_SELECT));
  tools[0] = self->tool_select, tools[1] = self->tool_open, tools[2] = self->tool_closed;
  tools[3] = self->tool_connect, tools[4] = self->tool_delete;
  for (guint t = 0; t < G_N_ELEMENTS (tools); t++)
    g_signal_connect (tools[t], "toggled", G_CALLBACK (on_tool_toggled), self);

  g_signal_connect (self->name_row, "apply", G_CALLBACK (on_name_apply), self);
  g_signal_connect (self->ion_row, "notify::selected", G_CALLBACK (on_ion_selected), self);
  g_signal_connect (self->cond_row, "notify::selected", G_CALLBACK (on_cond_selected), self);
  g_signal_connect (self->single_switch, "notify::active", G_CALLBACK (on_single_active), self);
  g_signal_connect (self->gmax_entry, "value-committed", G_CALLBACK (on_gmax_committed), self);
  g_signal_connect (self->e_entry, "value-committed", G_CALLBACK (on_e_committed), self);
  g_signal_connect (self->q10_entry, "value-committed", G_CALLBACK (on_q10_committed), self);
  g_signal_connect (self->q10t_entry, "value-committed", G_CALLBACK (on_q10t_committed), self);
  g_signal_connect (self->power_entry, "value-committed", G_CALLBACK (on_power_committed), self);
  g_signal_connect (self->scheme_power_entry, "value-committed",
                    G_CALLBACK (on_scheme_power_committed), self);
  g_signal_connect (self->fraction_entry, "value-committed", G_CALLBACK (on_fraction_committed), self);
  g_signal_connect (self->fraction_scale, "value-changed", G_CALLBACK (on_fraction_scale), self);
  g_signal_connect (self->gate_name_entry, "activate", G_CALLBACK (on_gate_name_activate), self);
  g_signal_connect (self->state_name_entry, "activate", G_CALLBACK (on_gate_name_activate), self);
  g_signal_connect (self->gate_list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect (self->type_dropdown, "notify::selected", G_CALLBACK (on_type_selected), self);
  g_signal_connect (self->ligand_dropdown, "notify::selected", G_CALLBACK (on_ligand_selected), self);
  g_signal_connect (self->stoich_dropdown, "notify::selected", G_CALLBACK (on_ligand_selected), self);
  g_signal_connect (self->show_ab, "toggled", G_CALLBACK (on_show_toggled), self);
  g_signal_connect (self->show_inftau, "toggled", G_CALLBACK (on_show_toggled), self);
}

/* A window on library channel index of main_window's model. */
static GtkWindow *
builder_on (NrtWindow *main_window, int index)
{
  NrtChannelBuilder *self = g_object_new (NRT_TYPE_CHANNEL_BUILDER, NULL);
  const NrtModelData *data;

  g_set_weak_pointer (&self->main_window, main_window);
  self->model = g_object_ref (nrt_window_get_model (main_window));
  data = nrt_model_get_data (self->model);
  self->index = index;
  self->n_channels = data->channels->len;
  self->name = g_strdup (((NrtChannel *) data->channels->pdata[index])->name);
  self->changed_id = g_signal_connect (self->model, "changed", G_CALLBACK (on_model_changed), self);
  refresh (self);
  nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

GtkWindow *
nrt_channel_builder_new (NrtWindow *main_window, NrtChannelKind kind)
{
  g_autoptr(NrtChannel) ch = NULL;
  g_autoptr(GError) error = NULL;
  NrtModel *model;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);
  model = nrt_window_get_model (main_window);
  /* NEURON's new ChannelBuilder: a NonSpecific "leak"; KSChan appends an integer when the
   * name is taken (leak0, leak1 …). */
  ch = nrt_channel_new ("leak");
  ch->kind = kind;
  for (guint i = 0; nrt_model_find_channel (model, ch->name) >= 0
       || nrt_mechanism_lookup (ch->name) >= 0; i++)
    {
      g_free (ch->name);
      ch->name = g_strdup_printf ("leak%u", i);
    }
  if (!nrt_model_add_channel (model, ch, &error))
    {
      /* A point process type of that name, say: try the next one. */
      for (guint i = 100; error != NULL && i < 200; i++)
        {
          g_clear_error (&error);
          g_free (ch->name);
          ch->name = g_strdup_printf ("chan%u", i);
          nrt_model_add_channel (model, ch, &error);
        }
      if (error != NULL)
        {
          nrt_window_show_error (main_window, error->message);
          return NULL;
        }
    }
  return builder_on (main_window, nrt_model_find_channel (model, ch->name));
}

GtkWindow *
nrt_channel_builder_open (NrtWindow *main_window, const char *name)
{
  NrtModel *model;
  int index;
  GList *tools;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);
  model = nrt_window_get_model (main_window);
  if (name == NULL || (index = nrt_model_find_channel (model, name)) < 0)
    return NULL;
  tools = nrt_window_list_tools (main_window);
  for (GList *l = tools; l != NULL; l = l->next)
    if (NRT_IS_CHANNEL_BUILDER (l->data)
        && g_strcmp0 (NRT_CHANNEL_BUILDER (l->data)->name, name) == 0
        && !NRT_CHANNEL_BUILDER (l->data)->closing)
      {
        GtkWindow *found = l->data;
        g_list_free (tools);
        return found;
      }
  g_list_free (tools);
  return builder_on (main_window, index);
}

NrtNumberEntry *
nrt_channel_builder_get_field (NrtChannelBuilder *self, const char *name)
{
  g_return_val_if_fail (NRT_IS_CHANNEL_BUILDER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  if (g_str_equal (name, "gmax"))
    return self->gmax_entry;
  if (g_str_equal (name, "e"))
    return self->e_entry;
  if (g_str_equal (name, "q10"))
    return self->q10_entry;
  if (g_str_equal (name, "q10-temperature"))
    return self->q10t_entry;
  if (g_str_equal (name, "power"))
    return self->power_entry;
  if (g_str_equal (name, "scheme-power"))
    return self->scheme_power_entry;
  if (g_str_equal (name, "fraction"))
    return self->fraction_entry;
  if (g_str_has_prefix (name, "rate") && strlen (name) > 6 && name[5] == '.'
      && (name[4] == '0' || name[4] == '1'))
    {
      /* Borg-Graham's names: K and vhalf are A and d's fields */
      static const char *const bg[] = { "K", "", "vhalf", "z", "gam", "tau0" };
      for (guint p = 0; p < G_N_ELEMENTS (bg); p++)
        if (bg[p][0] != '\0' && g_str_equal (name + 6, bg[p]))
          return self->rate[name[4] - '0'].field[p];
    }
  if (g_str_has_prefix (name, "rate") && strlen (name) == 7 && name[5] == '.'
      && (name[4] == '0' || name[4] == '1'))
    {
      const char *p = strchr ("Akd", name[6]);
      if (p != NULL && name[6] != '\0')
        return self->rate[name[4] - '0'].field[p - "Akd"];
    }
  return NULL;
}

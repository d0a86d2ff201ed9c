/* nrt-channel.c: ChannelBuilder channel types: construction, presets, validation, rates.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-channel.h"
#include "nrt-model.h"
#include "nrt-expr.h"
#include "nrt-lems-types.h"

#include <math.h>
#include <string.h>

#define BIG 1e9

static const char *const ion_names[NRT_N_ION] = {
  [NRT_ION_NONSPECIFIC] = "NonSpecific",
  [NRT_ION_NA] = "na",
  [NRT_ION_K] = "k",
  [NRT_ION_CA] = "ca",
};

const char *
nrt_ion_name (NrtIon ion)
{
  g_return_val_if_fail (ion < NRT_N_ION, NULL);
  return ion_names[ion];
}

int
nrt_ion_lookup (const char *name)
{
  for (int i = 0; name != NULL && i < NRT_N_ION; i++)
    if (strcmp (name, ion_names[i]) == 0)
      return i;
  return -1;
}

int
nrt_ion_charge (NrtIon ion)
{
  return ion == NRT_ION_CA ? 2 : ion == NRT_ION_NA || ion == NRT_ION_K ? 1 : 0;
}

double
nrt_ion_default_e (NrtIon ion)
{
  switch (ion)
    {
    case NRT_ION_NA:
      return 50.0;
    case NRT_ION_K:
      return -77.0;
    case NRT_ION_CA:
      return 12.5 * log (2.0 / 5e-5);
    case NRT_ION_NONSPECIFIC:
    case NRT_N_ION:
    default:
      return 0.0;
    }
}

/* ---- custom rate functions ---- */

struct _NrtRateFunc {
  gint             ref_count;
  NrtRateForm      form;
  char            *text;      /* expression, or the type's name */
  /* NRT_RATE_LEMS */
  char            *type_xml;
  NrtLemsRateType *type;
  NrtLemsRateKind  kind;
  guint            n_params;
  double          *params;    /* SI */
  /* NRT_RATE_EXPRESSION */
  NrtExpr         *expr;      /* slot 0 v (mV), slot 1 celsius (°C) */
  gboolean         celsius;
  /* NRT_RATE_TABLE: the values are params[0..n_params−1] */
  double           vmin, vmax;  /* mV */
  double           dvinv;       /* (n − 1)/(vmax − vmin) /mV, computed once as KSChanTable */
};

NrtRateFunc *
nrt_rate_func_new_lems (const char *component_type_xml, const double *params, guint n_params,
                        GError **error)
{
  g_autoptr (NrtLemsRateType) type = NULL;
  NrtRateFunc *f;

  g_return_val_if_fail (component_type_xml != NULL, NULL);
  type = nrt_lems_rate_type_new_from_string (component_type_xml, error);
  if (type == NULL)
    return NULL;
  if (nrt_lems_rate_type_uses_conc (type))
    {
      g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_UNSUPPORTED,
                   "rate type '%s' depends on a concentration (%s): Neurite's channels "
                   "simulate voltage-dependent rates only", nrt_lems_rate_type_get_name (type),
                   nrt_lems_rate_type_get_extends (type));
      return NULL;
    }
  if (n_params != nrt_lems_rate_type_get_n_params (type) || (n_params > 0 && params == NULL))
    {
      g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                   "rate type '%s' has %u parameters, not %u",
                   nrt_lems_rate_type_get_name (type), nrt_lems_rate_type_get_n_params (type),
                   n_params);
      return NULL;
    }
  f = g_new0 (NrtRateFunc, 1);
  f->ref_count = 1;
  f->form = NRT_RATE_LEMS;
  f->text = g_strdup (nrt_lems_rate_type_get_name (type));
  f->type_xml = g_strdup (component_type_xml);
  f->kind = nrt_lems_rate_type_get_kind (type);
  f->celsius = nrt_lems_rate_type_uses_temperature (type);
  f->n_params = n_params;
  f->params = n_params ? g_memdup2 (params, n_params * sizeof (double)) : NULL;
  f->type = g_steal_pointer (&type);
  return f;
}

NrtRateFunc *
nrt_rate_func_new_expression (const char *text, GError **error)
{
  g_autoptr (NrtExprSymbols) symbols = nrt_expr_symbols_new ();
  NrtExpr *expr;
  NrtRateFunc *f;

  g_return_val_if_fail (text != NULL, NULL);
  /* Plain numbers in the ChannelBuilder's units: no dimensions to check. */
  nrt_expr_symbols_add (symbols, "v", NRT_EXPR_DIM_NONE, 1.0);
  nrt_expr_symbols_add (symbols, "celsius", NRT_EXPR_DIM_NONE, 1.0);
  expr = nrt_expr_parse (text, symbols, error);
  if (expr == NULL)
    return NULL;
  if (nrt_expr_is_condition (expr))
    {
      g_set_error (error, NRT_EXPR_ERROR, NRT_EXPR_ERROR_TYPE,
                   "“%s” is a condition, not a rate", text);
      nrt_expr_free (expr);
      return NULL;
    }
  f = g_new0 (NrtRateFunc, 1);
  f->ref_count = 1;
  f->form = NRT_RATE_EXPRESSION;
  f->text = g_strdup (text);
  f->expr = expr;
  f->celsius = nrt_expr_uses_slot (expr, 1);
  return f;
}

NrtRateFunc *
nrt_rate_func_new_table (const double *values, guint n, double vmin, double vmax,
                         GError **error)
{
  NrtRateFunc *f;

  g_return_val_if_fail (values != NULL || n == 0, NULL);
  if (n < 2)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "a rate table needs at least 2 values, not %u", n);
      return NULL;
    }
  if (!isfinite (vmin) || !isfinite (vmax) || !(vmax > vmin))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "a rate table needs finite vmin < vmax, not %g and %g mV", vmin, vmax);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    if (!isfinite (values[i]))
      {
        g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                     "value %u of a rate table is not a finite number", i + 1);
        return NULL;
      }
  f = g_new0 (NrtRateFunc, 1);
  f->ref_count = 1;
  f->form = NRT_RATE_TABLE;
  f->n_params = n;
  f->params = g_memdup2 (values, n * sizeof (double));
  f->vmin = vmin;
  f->vmax = vmax;
  f->dvinv = (double) (n - 1) / (vmax - vmin);
  return f;
}

gboolean
nrt_rate_func_get_table_range (const NrtRateFunc *func, double *vmin, double *vmax)
{
  g_return_val_if_fail (func != NULL, FALSE);
  if (func->form != NRT_RATE_TABLE)
    return FALSE;
  if (vmin != NULL)
    *vmin = func->vmin;
  if (vmax != NULL)
    *vmax = func->vmax;
  return TRUE;
}

NrtRateFunc *
nrt_rate_func_ref (NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, NULL);
  g_atomic_int_inc (&func->ref_count);
  return func;
}

void
nrt_rate_func_unref (NrtRateFunc *func)
{
  if (func == NULL || !g_atomic_int_dec_and_test (&func->ref_count))
    return;
  g_free (func->text);
  g_free (func->type_xml);
  nrt_lems_rate_type_free (func->type);
  g_free (func->params);
  nrt_expr_free (func->expr);
  g_free (func);
}

NrtRateForm
nrt_rate_func_get_form (const NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, NRT_RATE_CONSTANT);
  return func->form;
}

gboolean
nrt_rate_func_equal (const NrtRateFunc *a, const NrtRateFunc *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || a->form != b->form || g_strcmp0 (a->text, b->text) != 0
      || g_strcmp0 (a->type_xml, b->type_xml) != 0 || a->n_params != b->n_params
      || a->vmin != b->vmin || a->vmax != b->vmax)
    return FALSE;
  for (guint i = 0; i < a->n_params; i++)
    if (!(a->params[i] == b->params[i] || (isnan (a->params[i]) && isnan (b->params[i]))))
      return FALSE;
  return TRUE;
}

const char *
nrt_rate_func_get_text (const NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, NULL);
  return func->text;
}

const char *
nrt_rate_func_get_type_xml (const NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, NULL);
  return func->type_xml;
}

const NrtLemsRateType *
nrt_rate_func_get_lems_type (const NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, NULL);
  return func->type;
}

guint
nrt_rate_func_get_n_params (const NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, 0);
  return func->n_params;
}

const double *
nrt_rate_func_get_params (const NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, NULL);
  return func->params;
}

const NrtExpr *
nrt_rate_func_get_expr (const NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, NULL);
  return func->expr;
}

gboolean
nrt_rate_func_uses_celsius (const NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, FALSE);
  return func->celsius;
}

double
nrt_rate_func_eval (const NrtRateFunc *func, double v, double celsius)
{
  double x;

  if (func->form == NRT_RATE_EXPRESSION)
    {
      const double values[2] = { v, celsius };
      return nrt_expr_eval (func->expr, values);
    }
  if (func->form == NRT_RATE_TABLE)
    {
      /* KSChanTable::f, operation for operation: clamped outside [vmin, vmax]. */
      const double *y = func->params;
      guint i;

      if (v <= func->vmin)
        return y[0];
      if (v >= func->vmax)
        return y[func->n_params - 1];
      x = (v - func->vmin) * func->dvinv;
      i = (guint) x;
      x -= floor (x);
      return y[i] + (y[i + 1] - y[i]) * x;
    }
  /* LEMS works in SI: v in volts; r comes back in 1/s, t in s. */
  x = nrt_lems_rate_eval (func->type, func->params, v / 1000.0, celsius);
  switch (func->kind)
    {
    case NRT_LEMS_RATE:
      return x / 1000.0;
    case NRT_LEMS_TIME:
      return x * 1000.0;
    case NRT_LEMS_VARIABLE:
    default:
      return x;
    }
}

NrtRate
nrt_rate_new_func (NrtRateFunc *func)
{
  g_return_val_if_fail (func != NULL, ((NrtRate) { NRT_RATE_CONSTANT, 0, 0, 0, NULL }));
  return (NrtRate) { func->form, 0, 0, 0, nrt_rate_func_ref (func) };
}

void
nrt_rate_clear (NrtRate *rate)
{
  g_return_if_fail (rate != NULL);
  nrt_rate_func_unref (rate->func);
  *rate = (NrtRate) { NRT_RATE_CONSTANT, 0, 0, 0, NULL };
}

void
nrt_rate_set_bg (NrtRate *inf, NrtRate *tau, double K, double vhalf, double z, double gam,
                 double tau0)
{
  g_return_if_fail (inf != NULL && tau != NULL);
  g_return_if_fail (inf->func == NULL && tau->func == NULL);
  *inf = (NrtRate) { NRT_RATE_BG_INF, K, 0, vhalf, NULL, z, gam, tau0 };
  *tau = *inf;
  tau->form = NRT_RATE_BG_TAU;
}

gboolean
nrt_rate_is_bg (const NrtRate *rate)
{
  g_return_val_if_fail (rate != NULL, FALSE);
  return rate->form == NRT_RATE_BG_INF || rate->form == NRT_RATE_BG_TAU;
}

static inline gboolean
is_custom (NrtRateForm form)
{
  return form == NRT_RATE_LEMS || form == NRT_RATE_EXPRESSION;
}

/* Forms whose rate holds an NrtRateFunc: the custom ones and KSChan's table. */
static inline gboolean
uses_func (NrtRateForm form)
{
  return is_custom (form) || form == NRT_RATE_TABLE;
}

/* A rate as a channel stores it: a reference to its function if its form uses one, no
 * function otherwise (a stale pointer left by an edit of the form is dropped). */
static NrtRate
rate_take (const NrtRate *src)
{
  NrtRate r = *src;

  r.func = uses_func (r.form) && r.func ? nrt_rate_func_ref (r.func) : NULL;
  return r;
}

static void
rate_release (NrtRate *rate)
{
  nrt_rate_func_unref (rate->func);
  rate->func = NULL;
}

static void
gate_free (NrtGate *gate)
{
  if (gate == NULL)
    return;
  rate_release (&gate->rate[0]);
  rate_release (&gate->rate[1]);
  g_free (gate->name);
  g_free (gate);
}

static void
ks_state_free (NrtKsState *state)
{
  if (state == NULL)
    return;
  g_free (state->name);
  g_free (state);
}

static NrtKsScheme *
ks_scheme_new (int power)
{
  NrtKsScheme *scheme = g_new0 (NrtKsScheme, 1);

  scheme->power = power;
  scheme->states = g_ptr_array_new_with_free_func ((GDestroyNotify) ks_state_free);
  scheme->transitions = g_array_new (FALSE, TRUE, sizeof (NrtKsTransition));
  return scheme;
}

static void
ks_scheme_free (NrtKsScheme *scheme)
{
  if (scheme == NULL)
    return;
  for (guint t = 0; t < scheme->transitions->len; t++)
    {
      NrtKsTransition *tr = &g_array_index (scheme->transitions, NrtKsTransition, t);
      rate_release (&tr->rate[0]);
      rate_release (&tr->rate[1]);
    }
  g_ptr_array_unref (scheme->states);
  g_array_unref (scheme->transitions);
  g_free (scheme);
}

NrtChannel *
nrt_channel_new (const char *name)
{
  NrtChannel *ch = g_new0 (NrtChannel, 1);

  ch->name = g_strdup (name);
  ch->kind = NRT_CHANNEL_DENSITY;
  ch->ion = NRT_ION_NONSPECIFIC;
  ch->conductance = NRT_CONDUCTANCE_OHMIC;
  ch->gmax = 0.0;
  ch->erev = 0.0;
  ch->q10 = 1.0;
  ch->q10_temperature = 6.3;
  ch->gates = g_ptr_array_new_with_free_func ((GDestroyNotify) gate_free);
  ch->schemes = g_ptr_array_new_with_free_func ((GDestroyNotify) ks_scheme_free);
  return ch;
}

NrtGate *
nrt_channel_add_gate (NrtChannel *channel, const char *name, int power, NrtGateType type,
                      const NrtRate *rate0, const NrtRate *rate1)
{
  NrtGate *gate;

  g_return_val_if_fail (channel != NULL && rate0 != NULL && rate1 != NULL, NULL);
  gate = g_new0 (NrtGate, 1);
  gate->name = g_strdup (name);
  gate->power = power;
  gate->type = type;
  gate->rate[0] = rate_take (rate0);
  gate->rate[1] = rate_take (rate1);
  g_ptr_array_add (channel->gates, gate);
  return gate;
}

int
nrt_channel_find_gate (const NrtChannel *channel, const char *name)
{
  g_return_val_if_fail (channel != NULL, -1);
  for (guint i = 0; name != NULL && i < channel->gates->len; i++)
    if (strcmp (((NrtGate *) channel->gates->pdata[i])->name, name) == 0)
      return (int) i;
  return -1;
}

NrtKsScheme *
nrt_channel_add_scheme (NrtChannel *channel, int power)
{
  g_return_val_if_fail (channel != NULL, NULL);
  g_ptr_array_add (channel->schemes, ks_scheme_new (power));
  return g_ptr_array_index (channel->schemes, channel->schemes->len - 1);
}

guint
nrt_ks_scheme_add_state (NrtKsScheme *scheme, const char *name, double fraction, double x,
                         double y)
{
  NrtKsState *state;

  g_return_val_if_fail (scheme != NULL, 0);
  state = g_new0 (NrtKsState, 1);
  state->name = g_strdup (name);
  state->fraction = fraction;
  state->x = x;
  state->y = y;
  g_ptr_array_add (scheme->states, state);
  return scheme->states->len - 1;
}

NrtKsTransition *
nrt_ks_scheme_add_transition (NrtKsScheme *scheme, guint from, guint to, NrtGateType type,
                              const NrtRate *forward, const NrtRate *backward, NrtIon ligand,
                              int stoichiometry)
{
  NrtKsTransition t = { 0 };

  g_return_val_if_fail (scheme != NULL && forward != NULL && backward != NULL, NULL);
  t.from = from;
  t.to = to;
  t.type = type;
  t.rate[0] = rate_take (forward);
  t.rate[1] = rate_take (backward);
  t.ligand = ligand;
  t.stoichiometry = stoichiometry;
  g_array_append_val (scheme->transitions, t);
  return &g_array_index (scheme->transitions, NrtKsTransition, scheme->transitions->len - 1);
}

gboolean
nrt_channel_find_state (const NrtChannel *channel, const char *name, guint *scheme,
                        guint *state)
{
  g_return_val_if_fail (channel != NULL, FALSE);
  for (guint i = 0; name != NULL && i < channel->schemes->len; i++)
    {
      const NrtKsScheme *ks = channel->schemes->pdata[i];
      for (guint j = 0; j < ks->states->len; j++)
        if (strcmp (((NrtKsState *) ks->states->pdata[j])->name, name) == 0)
          {
            if (scheme)
              *scheme = i;
            if (state)
              *state = j;
            return TRUE;
          }
    }
  return FALSE;
}

guint
nrt_channel_n_states (const NrtChannel *channel)
{
  guint n;

  g_return_val_if_fail (channel != NULL, 0);
  n = channel->gates->len;
  for (guint i = 0; i < channel->schemes->len; i++)
    n += ((NrtKsScheme *) channel->schemes->pdata[i])->states->len;
  return n;
}

const char *
nrt_ks_transition_ligand_name (const NrtKsTransition *t)
{
  static const char *const names[NRT_N_ION][2] = {
    [NRT_ION_NONSPECIFIC] = { "", "" },
    [NRT_ION_NA] = { "nao", "nai" },
    [NRT_ION_K] = { "ko", "ki" },
    [NRT_ION_CA] = { "cao", "cai" },
  };

  g_return_val_if_fail (t != NULL, "");
  if (t->type != NRT_TRANS_LIGAND_OUTSIDE && t->type != NRT_TRANS_LIGAND_INSIDE)
    return "";
  if (t->ligand >= NRT_N_ION)
    return "";
  return names[t->ligand][t->type == NRT_TRANS_LIGAND_INSIDE];
}

/* chanbild.hoc nahh: am = linoid(1, 0.1, −40), bm = exp(4, −1/18, −65), ah = exp(0.07,
 * −1/20, −65), bh = sigmoid(1, −1/10, −35); m^3 h.  hh.mod's rates at 6.3 °C. */
NrtChannel *
nrt_channel_new_hh_na (void)
{
  NrtChannel *ch = nrt_channel_new ("nahh");

  ch->ion = NRT_ION_NA;
  nrt_channel_add_gate (ch, "m", 3, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_LINOID, 1.0, 0.1, -40.0 },
                        &(NrtRate) { NRT_RATE_EXP, 4.0, -1.0 / 18.0, -65.0 });
  nrt_channel_add_gate (ch, "h", 1, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_EXP, 0.07, -1.0 / 20.0, -65.0 },
                        &(NrtRate) { NRT_RATE_SIGMOID, 1.0, -1.0 / 10.0, -35.0 });
  return ch;
}

/* chanbild.hoc khh: an = linoid(0.1, 0.1, −55), bn = exp(0.125, −1/80, −65); n^4. */
NrtChannel *
nrt_channel_new_hh_k (void)
{
  NrtChannel *ch = nrt_channel_new ("khh");

  ch->ion = NRT_ION_K;
  nrt_channel_add_gate (ch, "n", 4, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_LINOID, 0.1, 0.1, -55.0 },
                        &(NrtRate) { NRT_RATE_EXP, 0.125, -1.0 / 80.0, -65.0 });
  return ch;
}

NrtChannel *
nrt_channel_copy (const NrtChannel *channel)
{
  NrtChannel *ch;

  g_return_val_if_fail (channel != NULL, NULL);
  ch = g_memdup2 (channel, sizeof *ch);
  ch->name = g_strdup (channel->name);
  ch->gates = g_ptr_array_new_full (channel->gates->len, (GDestroyNotify) gate_free);
  for (guint i = 0; i < channel->gates->len; i++)
    {
      const NrtGate *g = channel->gates->pdata[i];
      nrt_channel_add_gate (ch, g->name, g->power, g->type, &g->rate[0], &g->rate[1]);
    }
  ch->schemes = g_ptr_array_new_full (channel->schemes->len, (GDestroyNotify) ks_scheme_free);
  for (guint i = 0; i < channel->schemes->len; i++)
    {
      const NrtKsScheme *src = channel->schemes->pdata[i];
      NrtKsScheme *dst = nrt_channel_add_scheme (ch, src->power);
      for (guint j = 0; j < src->states->len; j++)
        {
          const NrtKsState *st = src->states->pdata[j];
          nrt_ks_scheme_add_state (dst, st->name, st->fraction, st->x, st->y);
        }
      for (guint t = 0; t < src->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (src->transitions, NrtKsTransition, t);
          nrt_ks_scheme_add_transition (dst, tr->from, tr->to, tr->type, &tr->rate[0],
                                        &tr->rate[1], tr->ligand, tr->stoichiometry);
        }
    }
  return ch;
}

void
nrt_channel_free (NrtChannel *channel)
{
  if (channel == NULL)
    return;
  g_free (channel->name);
  g_ptr_array_unref (channel->gates);
  g_ptr_array_unref (channel->schemes);
  g_free (channel);
}

/* Bitwise-equal or both NaN, as the model compares doubles. */
static gboolean
same_double (double a, double b)
{
  return a == b || (isnan (a) && isnan (b));
}

static gboolean
rate_equal (const NrtRate *a, const NrtRate *b)
{
  if (a->form != b->form)
    return FALSE;
  if (uses_func (a->form))
    return nrt_rate_func_equal (a->func, b->func);
  return same_double (a->A, b->A) && same_double (a->k, b->k) && same_double (a->d, b->d)
         && (!nrt_rate_is_bg (a)
             || (same_double (a->z, b->z) && same_double (a->gam, b->gam)
                 && same_double (a->tau0, b->tau0)));
}

static gboolean
scheme_equal (const NrtKsScheme *a, const NrtKsScheme *b)
{
  if (a->power != b->power || a->states->len != b->states->len
      || a->transitions->len != b->transitions->len)
    return FALSE;
  for (guint j = 0; j < a->states->len; j++)
    {
      const NrtKsState *x = a->states->pdata[j], *y = b->states->pdata[j];
      if (g_strcmp0 (x->name, y->name) != 0 || !same_double (x->fraction, y->fraction)
          || !same_double (x->x, y->x) || !same_double (x->y, y->y))
        return FALSE;
    }
  for (guint j = 0; j < a->transitions->len; j++)
    {
      const NrtKsTransition *x = &g_array_index (a->transitions, NrtKsTransition, j);
      const NrtKsTransition *y = &g_array_index (b->transitions, NrtKsTransition, j);
      gboolean ligand = x->type == NRT_TRANS_LIGAND_OUTSIDE || x->type == NRT_TRANS_LIGAND_INSIDE;
      if (x->from != y->from || x->to != y->to || x->type != y->type
          || !rate_equal (&x->rate[0], &y->rate[0]) || !rate_equal (&x->rate[1], &y->rate[1])
          || (ligand && (x->ligand != y->ligand || x->stoichiometry != y->stoichiometry)))
        return FALSE;
    }
  return TRUE;
}

gboolean
nrt_channel_equal (const NrtChannel *a, const NrtChannel *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  if (g_strcmp0 (a->name, b->name) != 0 || a->kind != b->kind || a->ion != b->ion
      || a->conductance != b->conductance || !same_double (a->gmax, b->gmax)
      || !same_double (a->erev, b->erev) || !same_double (a->q10, b->q10)
      || !same_double (a->q10_temperature, b->q10_temperature)
      || a->gates->len != b->gates->len || a->schemes->len != b->schemes->len
      || !a->single != !b->single)
    return FALSE;
  for (guint i = 0; i < a->schemes->len; i++)
    if (!scheme_equal (a->schemes->pdata[i], b->schemes->pdata[i]))
      return FALSE;
  for (guint i = 0; i < a->gates->len; i++)
    {
      const NrtGate *x = a->gates->pdata[i], *y = b->gates->pdata[i];
      if (g_strcmp0 (x->name, y->name) != 0 || x->power != y->power || x->type != y->type
          || !rate_equal (&x->rate[0], &y->rate[0]) || !rate_equal (&x->rate[1], &y->rate[1]))
        return FALSE;
    }
  return TRUE;
}

/* ---- validation ---- */

static gboolean
is_identifier (const char *name)
{
  const char *p = name;

  if (name == NULL || !(g_ascii_isalpha (*p) || *p == '_'))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  return *p == '\0' && p - name <= 200;
}

static gboolean
check_value (double value, double min, double max, const char *chan, const char *what,
             GError **error)
{
  if (isfinite (value) && value >= min && value <= max)
    return TRUE;
  g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
               "Channel “%s”: %s = %g is outside its domain [%g, %g]", chan, what, value, min,
               max);
  return FALSE;
}

static const char *
rate_label (NrtGateType type, int r)
{
  static const char *const labels[4][2] = {
    { "alpha", "beta" }, { "inf", "tau" }, { "forward", "backward" }, { "forward", "backward" },
  };
  return labels[type <= NRT_TRANS_LIGAND_INSIDE ? type : 0][r];
}

static gboolean
set_invalid (GError **error, const NrtChannel *ch, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* One rate of a gate or transition called owner with the given type. */
static gboolean
check_rate (const NrtChannel *ch, const char *owner, NrtGateType type, const NrtRate *rate,
            int r, GError **error)
{
  g_autofree char *what = NULL;
  /* KSChan's editor offers a,b ∈ {constant, exp, linoid, sigmoid}, inf ∈ {constant, sigmoid},
   * tau ∈ {constant, exp} (kstgui.hoc eqnmenu), constants only for ligand transitions, and
   * clamps A ≥ 0, inf ≤ 1 (chk). */
  static const guint ab = 1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_EXP | 1u << NRT_RATE_LINOID
                          | 1u << NRT_RATE_SIGMOID;
  static const guint allowed[4][2] = {
    { ab, ab },
    { 1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_SIGMOID,
      1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_EXP },
    { 1u << NRT_RATE_CONSTANT, 1u << NRT_RATE_CONSTANT },
    { 1u << NRT_RATE_CONSTANT, 1u << NRT_RATE_CONSTANT },
  };
  gboolean inf_tau = type == NRT_GATE_INF_TAU;

  if (rate->form == NRT_RATE_TABLE && type <= NRT_GATE_INF_TAU)
    {
      /* KSChan takes any values (no chk clamp); the function checked them finite. */
      if (rate->func == NULL || rate->func->form != NRT_RATE_TABLE)
        return set_invalid (error, ch, "%s of %s has no table", rate_label (type, r), owner);
      return TRUE;
    }
  if (is_custom (rate->form) && type <= NRT_GATE_INF_TAU)
    {
      /* A LEMS type must be of the slot's kind: a rate for α, β; a variable for inf; a time
       * for τ.  Expressions are plain numbers in the slot's units. */
      static const NrtLemsRateKind kinds[2][2] = {
        { NRT_LEMS_RATE, NRT_LEMS_RATE }, { NRT_LEMS_VARIABLE, NRT_LEMS_TIME },
      };
      static const char *const kind_names[] = {
        [NRT_LEMS_RATE] = "baseVoltageDepRate", [NRT_LEMS_TIME] = "baseVoltageDepTime",
        [NRT_LEMS_VARIABLE] = "baseVoltageDepVariable",
      };
      if (rate->func == NULL || rate->func->form != rate->form)
        return set_invalid (error, ch, "%s of %s has no function", rate_label (type, r), owner);
      if (rate->form == NRT_RATE_LEMS && rate->func->kind != kinds[type][r])
        return set_invalid (error, ch, "%s of %s is the LEMS type %s, which does not extend %s",
                            rate_label (type, r), owner, rate->func->text,
                            kind_names[kinds[type][r]]);
      return TRUE;
    }
  if (nrt_rate_is_bg (rate) && inf_tau)
    {
      /* KSChan's chk: K ≥ 1e-9, 0 ≤ gam ≤ 1, tau0 ≥ 0.  The pair check is the caller's. */
      if (rate->form != (r == 0 ? NRT_RATE_BG_INF : NRT_RATE_BG_TAU))
        return set_invalid (error, ch, "%s of %s cannot be Borg-Graham %s", rate_label (type, r),
                            owner, r == 0 ? "tau" : "inf");
      what = g_strdup_printf ("%s of %s, K", rate_label (type, r), owner);
      if (!check_value (rate->A, 1e-9, BIG, ch->name, what, error))
        return FALSE;
      g_free (what);
      what = g_strdup_printf ("%s of %s, vhalf", rate_label (type, r), owner);
      if (!check_value (rate->d, -BIG, BIG, ch->name, what, error))
        return FALSE;
      g_free (what);
      what = g_strdup_printf ("%s of %s, z", rate_label (type, r), owner);
      if (!check_value (rate->z, -BIG, BIG, ch->name, what, error))
        return FALSE;
      g_free (what);
      what = g_strdup_printf ("%s of %s, gam", rate_label (type, r), owner);
      if (!check_value (rate->gam, 0.0, 1.0, ch->name, what, error))
        return FALSE;
      g_free (what);
      what = g_strdup_printf ("%s of %s, tau0", rate_label (type, r), owner);
      return check_value (rate->tau0, 0.0, BIG, ch->name, what, error);
    }
  if (rate->form < NRT_RATE_CONSTANT || rate->form > NRT_RATE_SIGMOID
      || !(allowed[type][r] & (1u << rate->form)))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "Channel “%s”: %s cannot have rate form %d for %s", ch->name, owner,
                   (int) rate->form, rate_label (type, r));
      return FALSE;
    }
  what = g_strdup_printf ("%s of %s, A", rate_label (type, r), owner);
  if (!check_value (rate->A, inf_tau && r == 1 ? 1e-9 : 0.0, inf_tau && r == 0 ? 1.0 : BIG,
                    ch->name, what, error))
    return FALSE;
  if (rate->form == NRT_RATE_CONSTANT)
    return TRUE;
  what[strlen (what) - 1] = 'k';
  if (!check_value (rate->k, -BIG, BIG, ch->name, what, error))
    return FALSE;
  what[strlen (what) - 1] = 'd';
  return check_value (rate->d, -BIG, BIG, ch->name, what, error);
}

/* Both rates of a gate or transition: a Borg-Graham inf needs the Borg-Graham tau with the
 * same parameters and the other way round (KSChan's one shared vector). */
static gboolean
check_rates (const NrtChannel *ch, const char *owner, NrtGateType type, const NrtRate *rate,
             GError **error)
{
  for (int r = 0; r < 2; r++)
    if (!check_rate (ch, owner, type, &rate[r], r, error))
      return FALSE;
  if (!nrt_rate_is_bg (&rate[0]) && !nrt_rate_is_bg (&rate[1]))
    return TRUE;
  if (rate[0].form != NRT_RATE_BG_INF || rate[1].form != NRT_RATE_BG_TAU)
    return set_invalid (error, ch, "%s: a Borg-Graham inf needs a Borg-Graham tau and the "
                        "other way round", owner);
  if (rate[0].A != rate[1].A || rate[0].d != rate[1].d || rate[0].z != rate[1].z
      || rate[0].gam != rate[1].gam || rate[0].tau0 != rate[1].tau0)
    return set_invalid (error, ch, "%s: the Borg-Graham inf and tau must share their "
                        "parameters", owner);
  return TRUE;
}

static gboolean
set_invalid (GError **error, const NrtChannel *ch, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE, "Channel “%s”: %s",
               ch->name, msg);
  return FALSE;
}

/* Whether name is used by a gate or a state other than the one at (scheme, state), where
 * scheme = -1 means HH gate `state`. */
static gboolean
name_taken (const NrtChannel *ch, const char *name, int scheme, guint state)
{
  for (guint i = 0; i < ch->gates->len; i++)
    if (!(scheme < 0 && i == state)
        && strcmp (((NrtGate *) ch->gates->pdata[i])->name, name) == 0)
      return TRUE;
  for (guint i = 0; i < ch->schemes->len; i++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[i];
      for (guint j = 0; j < ks->states->len; j++)
        if (!(scheme == (int) i && j == state)
            && strcmp (((NrtKsState *) ks->states->pdata[j])->name, name) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
check_state_name (const NrtChannel *ch, const char *name, int scheme, guint state,
                  GError **error)
{
  if (!is_identifier (name))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_NAME,
                   "Channel “%s”: “%s” is not a valid gate or state name", ch->name,
                   name ? name : "(null)");
      return FALSE;
    }
  if (name_taken (ch, name, scheme, state))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_DUPLICATE_NAME,
                   "Channel “%s” has two gates or states called “%s”", ch->name, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_scheme (const NrtChannel *ch, guint index, GError **error)
{
  const NrtKsScheme *ks = ch->schemes->pdata[index];
  guint n = ks->states->len;
  g_autofree guint *component = NULL;
  gboolean merged;

  if (ks->power < 1 || ks->power > 100)
    return set_invalid (error, ch, "the power of kinetic scheme %u must be from 1 to 100, not %d",
                        index + 1, ks->power);
  if (n < 2 || ks->transitions->len < 1)
    return set_invalid (error, ch, "kinetic scheme %u needs at least two states and one "
                        "transition", index + 1);
  for (guint j = 0; j < n; j++)
    {
      const NrtKsState *st = ks->states->pdata[j];
      if (!check_state_name (ch, st->name, (int) index, j, error))
        return FALSE;
      if (!(st->fraction >= 0.0 && st->fraction <= 1.0))
        return set_invalid (error, ch, "the conductance fraction of state %s must be from 0 "
                            "to 1, not %g", st->name, st->fraction);
      if (!isfinite (st->x) || !isfinite (st->y))
        return set_invalid (error, ch, "state %s has no finite position", st->name);
    }
  component = g_new (guint, n);
  for (guint j = 0; j < n; j++)
    component[j] = j;
  for (guint t = 0; t < ks->transitions->len; t++)
    {
      const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
      g_autofree char *owner = NULL;
      if (tr->from >= n || tr->to >= n || tr->from == tr->to)
        return set_invalid (error, ch, "transition %u of kinetic scheme %u must join two "
                            "different states of that scheme", t + 1, index + 1);
      owner = g_strdup_printf ("transition %s <-> %s",
                               ((NrtKsState *) ks->states->pdata[tr->from])->name,
                               ((NrtKsState *) ks->states->pdata[tr->to])->name);
      for (guint u = 0; u < t; u++)
        {
          const NrtKsTransition *o = &g_array_index (ks->transitions, NrtKsTransition, u);
          if ((o->from == tr->from && o->to == tr->to) || (o->from == tr->to && o->to == tr->from))
            return set_invalid (error, ch, "%s is given twice", owner);
        }
      if (tr->type > NRT_TRANS_LIGAND_INSIDE)
        return set_invalid (error, ch, "%s has an unknown type %d", owner, (int) tr->type);
      if ((tr->type == NRT_TRANS_LIGAND_OUTSIDE || tr->type == NRT_TRANS_LIGAND_INSIDE)
          && (tr->ligand == NRT_ION_NONSPECIFIC || tr->ligand >= NRT_N_ION
              || tr->stoichiometry < 1 || tr->stoichiometry > 4))
        return set_invalid (error, ch, "%s needs a ligand (na, k or ca) and a stoichiometry "
                            "from 1 to 4", owner);
      if (!check_rates (ch, owner, tr->type, tr->rate, error))
        return FALSE;
      /* union the two components */
      guint a = component[tr->from], b = component[tr->to];
      for (guint j = 0; j < n; j++)
        if (component[j] == b)
          component[j] = a;
    }
  merged = TRUE;
  for (guint j = 1; j < n; j++)
    merged = merged && component[j] == component[0];
  if (!merged)
    return set_invalid (error, ch, "kinetic scheme %u falls apart: connect every state by "
                        "transitions", index + 1);
  return TRUE;
}

gboolean
nrt_channel_validate (const NrtChannel *ch, GError **error)
{
  g_return_val_if_fail (ch != NULL, FALSE);

  if (!is_identifier (ch->name))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_NAME,
                   "“%s” is not a valid channel name: use letters, digits and _, starting "
                   "with a letter", ch->name ? ch->name : "(null)");
      return FALSE;
    }
  if (nrt_mechanism_lookup (ch->name) >= 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_DUPLICATE_NAME,
                   "“%s” is a built-in mechanism: choose another channel name", ch->name);
      return FALSE;
    }
  if ((ch->kind != NRT_CHANNEL_DENSITY && ch->kind != NRT_CHANNEL_POINT)
      || ch->ion >= NRT_N_ION
      || (ch->conductance != NRT_CONDUCTANCE_OHMIC && ch->conductance != NRT_CONDUCTANCE_GHK))
    return set_invalid (error, ch, "unknown kind, ion or conductance form");
  if (ch->conductance == NRT_CONDUCTANCE_GHK && ch->ion == NRT_ION_NONSPECIFIC)
    return set_invalid (error, ch, "a Goldman-Hodgkin-Katz current needs an ion (na, k or "
                        "ca), not NonSpecific");
  if (ch->single
      && (ch->kind != NRT_CHANNEL_POINT || ch->gates->len != 0 || ch->schemes->len != 1
          || ((NrtKsScheme *) ch->schemes->pdata[0])->power != 1))
    return set_invalid (error, ch, "single channels need a point process with one kinetic "
                        "scheme of power 1 and no HH gates");
  if (!check_value (ch->gmax, 0.0, BIG, ch->name, "gmax", error)
      || !check_value (ch->erev, -1000.0, 1000.0, ch->name, "e", error)
      || !check_value (ch->q10, 1e-9, BIG, ch->name, "q10", error)
      || !check_value (ch->q10_temperature, -273.15, 1000.0, ch->name, "q10 temperature",
                       error))
    return FALSE;
  for (guint i = 0; i < ch->gates->len; i++)
    {
      const NrtGate *gate = ch->gates->pdata[i];
      g_autofree char *owner = NULL;
      if (!check_state_name (ch, gate->name, -1, i, error))
        return FALSE;
      if (gate->power < 1 || gate->power > 100)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                       "Channel “%s”: the power of gate %s must be from 1 to 100, not %d",
                       ch->name, gate->name, gate->power);
          return FALSE;
        }
      if (gate->type != NRT_GATE_ALPHA_BETA && gate->type != NRT_GATE_INF_TAU)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                       "Channel “%s”: gate %s has an unknown rate type", ch->name, gate->name);
          return FALSE;
        }
      owner = g_strdup_printf ("gate %s", gate->name);
      if (!check_rates (ch, owner, gate->type, gate->rate, error))
        return FALSE;
    }
  for (guint i = 0; i < ch->schemes->len; i++)
    if (!check_scheme (ch, i, error))
      return FALSE;
  return TRUE;
}

/* ---- rates ---- */

/* KSChanFunction::Exp: exp with its argument clamped to ±700. */
static inline double
ks_exp (double x)
{
  return exp (x > 700.0 ? 700.0 : x < -700.0 ? -700.0 : x);
}

double
nrt_rate_eval_at (const NrtRate *rate, double v, double celsius)
{
  double x;

  g_return_val_if_fail (rate != NULL, NAN);
  switch (rate->form)
    {
    case NRT_RATE_CONSTANT:
      return rate->A;
    case NRT_RATE_EXP:
      return rate->A * ks_exp (rate->k * (v - rate->d));
    case NRT_RATE_LINOID:
      x = rate->k * (v - rate->d);
      if (fabs (x) > 1e-6)
        return rate->A * x / (1.0 - ks_exp (-x));
      return rate->A * (1.0 + x / 2.0);
    case NRT_RATE_SIGMOID:
      return rate->A / (1.0 + ks_exp (rate->k * (v - rate->d)));
    case NRT_RATE_BG_INF:
    case NRT_RATE_BG_TAU:
      {
        /* KSChanBGinf/KSChanBGtau, operation for operation. */
        double ap, bp, tau;

        x = NRT_E_OVER_K / (273.15 + celsius) * rate->z * (v - rate->d);
        ap = rate->A * ks_exp (rate->gam * x);
        bp = rate->A * ks_exp ((rate->gam - 1.0) * x);
        tau = 1.0 / (ap + bp);
        if (rate->form == NRT_RATE_BG_INF)
          return ap * tau;
        return tau + rate->tau0;
      }
    case NRT_RATE_LEMS:
    case NRT_RATE_EXPRESSION:
    case NRT_RATE_TABLE:
      g_return_val_if_fail (rate->func != NULL, NAN);
      return nrt_rate_func_eval (rate->func, v, celsius);
    default:
      g_return_val_if_reached (NAN);
    }
}

double
nrt_rate_eval (const NrtRate *rate, double v)
{
  return nrt_rate_eval_at (rate, v, 6.3);
}

static gboolean
rates_any (const NrtChannel *ch, gboolean (*pred) (const NrtRate *))
{
  for (guint i = 0; i < ch->gates->len; i++)
    {
      const NrtGate *g = ch->gates->pdata[i];
      if (pred (&g->rate[0]) || pred (&g->rate[1]))
        return TRUE;
    }
  for (guint i = 0; i < ch->schemes->len; i++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[i];
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          if (pred (&tr->rate[0]) || pred (&tr->rate[1]))
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
rate_is_custom (const NrtRate *r)
{
  return is_custom (r->form) && r->func != NULL;
}

static gboolean
rate_uses_celsius (const NrtRate *r)
{
  return nrt_rate_is_bg (r) || (rate_is_custom (r) && r->func->celsius);
}

gboolean
nrt_channel_uses_celsius (const NrtChannel *channel)
{
  g_return_val_if_fail (channel != NULL, FALSE);
  return rates_any (channel, rate_uses_celsius);
}

gboolean
nrt_channel_has_custom_rates (const NrtChannel *channel)
{
  g_return_val_if_fail (channel != NULL, FALSE);
  return rates_any (channel, rate_is_custom);
}

double
nrt_channel_rate_factor (const NrtChannel *channel, double celsius)
{
  g_return_val_if_fail (channel != NULL, 1.0);
  if (channel->q10 == 1.0)
    return 1.0;
  return pow (channel->q10, (celsius - channel->q10_temperature) / 10.0);
}

void
nrt_gate_alpha_beta (const NrtGate *gate, double v, double factor, double *alpha, double *beta)
{
  nrt_gate_alpha_beta_at (gate, v, 6.3, factor, alpha, beta);
}

void
nrt_gate_alpha_beta_at (const NrtGate *gate, double v, double celsius, double factor,
                        double *alpha, double *beta)
{
  double f0, f1;

  g_return_if_fail (gate != NULL && alpha != NULL && beta != NULL);
  f0 = nrt_rate_eval_at (&gate->rate[0], v, celsius);
  f1 = nrt_rate_eval_at (&gate->rate[1], v, celsius);
  if (gate->type == NRT_GATE_ALPHA_BETA)
    {
      *alpha = f0 * factor;
      *beta = f1 * factor;
    }
  else
    {
      *alpha = f0 / f1 * factor;
      *beta = (1.0 - f0) / f1 * factor;
    }
}

void
nrt_ks_transition_rates (const NrtKsTransition *t, double v, double conc, double factor,
                         double *forward, double *backward)
{
  nrt_ks_transition_rates_at (t, v, 6.3, conc, factor, forward, backward);
}

void
nrt_ks_transition_rates_at (const NrtKsTransition *t, double v, double celsius, double conc,
                            double factor, double *forward, double *backward)
{
  double f0, f1;

  g_return_if_fail (t != NULL && forward != NULL && backward != NULL);
  f0 = nrt_rate_eval_at (&t->rate[0], v, celsius);
  f1 = nrt_rate_eval_at (&t->rate[1], v, celsius);
  switch (t->type)
    {
    case NRT_GATE_ALPHA_BETA:
      *forward = f0;
      *backward = f1;
      break;
    case NRT_GATE_INF_TAU:
      *forward = f0 / f1;
      *backward = (1.0 - f0) / f1;
      break;
    case NRT_TRANS_LIGAND_OUTSIDE:
    case NRT_TRANS_LIGAND_INSIDE:
    default:
      {
        /* KSTransition::alpha for ligand types: [L]^n·A, the power formed as KSChan forms it
         * (x, x·x, x·x·x, (x·x)·(x·x)) so that the rounding is the same. */
        double c = conc;
        if (t->stoichiometry == 4)
          {
            c = conc * conc;
            c = c * c;
          }
        else
          for (int q = 1; q < t->stoichiometry; q++)
            c *= conc;
        *forward = c * f0;
        *backward = f1;
      }
      break;
    }
  *forward *= factor;
  *backward *= factor;
}

/* NEURON 8.2.2's constants (nrnunits, CODATA 2018), read from h.FARADAY and h.R. */
#define NRT_FARADAY 96485.33212331001
#define NRT_GAS_R 8.31446261815324

static double
ghk_efun (double x)
{
  if (fabs (x) < 1e-4)
    return 1.0 - x / 2.0;
  return x / (exp (x) - 1.0);
}

double
nrt_ghk (double v, double ci, double co, int z, double celsius)
{
  double ktf = 1000.0 * NRT_GAS_R * (celsius + 273.15) / NRT_FARADAY;
  double x = z * v / ktf;
  double eco = co * ghk_efun (x);
  double eci = ci * ghk_efun (-x);

  return .001 * z * NRT_FARADAY * (eci - eco);
}

void
nrt_gate_inf_tau (const NrtGate *gate, double v, double factor, double *inf, double *tau)
{
  nrt_gate_inf_tau_at (gate, v, 6.3, factor, inf, tau);
}

void
nrt_gate_inf_tau_at (const NrtGate *gate, double v, double celsius, double factor, double *inf,
                     double *tau)
{
  double f0, f1;

  g_return_if_fail (gate != NULL && inf != NULL && tau != NULL);
  f0 = nrt_rate_eval_at (&gate->rate[0], v, celsius);
  f1 = nrt_rate_eval_at (&gate->rate[1], v, celsius);
  if (gate->type == NRT_GATE_INF_TAU)
    {
      *inf = f0;
      *tau = f1 / factor;
    }
  else
    {
      double sum = (f0 + f1) * factor;
      *tau = 1.0 / sum;
      *inf = f0 * factor * *tau;
    }
}

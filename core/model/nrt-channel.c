/* nrt-channel.c: ChannelBuilder channel types: construction, presets, validation, rates.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-channel.h"
#include "nrt-model.h"

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

static void
gate_free (NrtGate *gate)
{
  if (gate == NULL)
    return;
  g_free (gate->name);
  g_free (gate);
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
  gate->rate[0] = *rate0;
  gate->rate[1] = *rate1;
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
  return ch;
}

void
nrt_channel_free (NrtChannel *channel)
{
  if (channel == NULL)
    return;
  g_free (channel->name);
  g_ptr_array_unref (channel->gates);
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
  return a->form == b->form && same_double (a->A, b->A) && same_double (a->k, b->k)
         && same_double (a->d, b->d);
}

gboolean
nrt_channel_equal (const NrtChannel *a, const NrtChannel *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  if (g_strcmp0 (a->name, b->name) != 0 || a->kind != b->kind || a->ion != b->ion
      || a->conductance != b->conductance || !same_double (a->gmax, b->gmax)
      || !same_double (a->erev, b->erev) || !same_double (a->q10, b->q10)
      || !same_double (a->q10_temperature, b->q10_temperature)
      || a->gates->len != b->gates->len)
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
rate_label (const NrtGate *gate, int r)
{
  static const char *const labels[2][2] = { { "alpha", "beta" }, { "inf", "tau" } };
  return labels[gate->type == NRT_GATE_INF_TAU][r];
}

static gboolean
check_rate (const NrtChannel *ch, const NrtGate *gate, int r, GError **error)
{
  const NrtRate *rate = &gate->rate[r];
  g_autofree char *what = NULL;
  /* KSChan's editor offers a,b ∈ {constant, exp, linoid, sigmoid}, inf ∈ {constant, sigmoid},
   * tau ∈ {constant, exp} (kstgui.hoc eqnmenu), and clamps A ≥ 0, inf ≤ 1 (chk). */
  static const guint allowed[2][2] = {
    { 1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_EXP | 1u << NRT_RATE_LINOID | 1u << NRT_RATE_SIGMOID,
      1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_EXP | 1u << NRT_RATE_LINOID | 1u << NRT_RATE_SIGMOID },
    { 1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_SIGMOID,
      1u << NRT_RATE_CONSTANT | 1u << NRT_RATE_EXP },
  };
  gboolean inf_tau = gate->type == NRT_GATE_INF_TAU;

  if (rate->form < NRT_RATE_CONSTANT || rate->form > NRT_RATE_SIGMOID
      || !(allowed[inf_tau][r] & (1u << rate->form)))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "Channel “%s”: gate %s cannot have rate form %d for %s", ch->name,
                   gate->name, (int) rate->form, rate_label (gate, r));
      return FALSE;
    }
  what = g_strdup_printf ("%s of gate %s, A", rate_label (gate, r), gate->name);
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
  if (ch->kind != NRT_CHANNEL_DENSITY || ch->conductance != NRT_CONDUCTANCE_OHMIC
      || ch->ion >= NRT_N_ION)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "Channel “%s”: only ohmic density channels of NonSpecific, na, k or ca "
                   "are supported", ch->name);
      return FALSE;
    }
  if (!check_value (ch->gmax, 0.0, BIG, ch->name, "gmax", error)
      || !check_value (ch->erev, -1000.0, 1000.0, ch->name, "e", error)
      || !check_value (ch->q10, 1e-9, BIG, ch->name, "q10", error)
      || !check_value (ch->q10_temperature, -273.15, 1000.0, ch->name, "q10 temperature",
                       error))
    return FALSE;
  for (guint i = 0; i < ch->gates->len; i++)
    {
      const NrtGate *gate = ch->gates->pdata[i];
      if (!is_identifier (gate->name))
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_NAME,
                       "Channel “%s”: “%s” is not a valid gate name", ch->name,
                       gate->name ? gate->name : "(null)");
          return FALSE;
        }
      if (nrt_channel_find_gate (ch, gate->name) != (int) i)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_DUPLICATE_NAME,
                       "Channel “%s” has two gates called “%s”", ch->name, gate->name);
          return FALSE;
        }
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
      for (int r = 0; r < 2; r++)
        if (!check_rate (ch, gate, r, error))
          return FALSE;
    }
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
nrt_rate_eval (const NrtRate *rate, double v)
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
    default:
      g_return_val_if_reached (NAN);
    }
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
  double f0, f1;

  g_return_if_fail (gate != NULL && alpha != NULL && beta != NULL);
  f0 = nrt_rate_eval (&gate->rate[0], v);
  f1 = nrt_rate_eval (&gate->rate[1], v);
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
nrt_gate_inf_tau (const NrtGate *gate, double v, double factor, double *inf, double *tau)
{
  double f0, f1;

  g_return_if_fail (gate != NULL && inf != NULL && tau != NULL);
  f0 = nrt_rate_eval (&gate->rate[0], v);
  f1 = nrt_rate_eval (&gate->rate[1], v);
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

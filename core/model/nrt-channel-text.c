/* nrt-channel-text.c: the ChannelBuilder's "Text to stdout" summary of a channel.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first lines are the labels of NEURON 8.2.2's ChannelBuilder window, worded as KSChan's
 * GUI words them (chanbild/properties.hoc set_useionstr, set_defstr; ksgate.hoc set_basic):
 * the name and kind, the current relation, the conductance product and the defaults.  Then
 * each gate follows with its rate functions written out as formulas with their numbers, in a
 * form of our own that reads as plain algebra (KSChan's own printout leaves a stray ')' and
 * uses 4 significant digits; we use %g, 6 digits).
 */
#include "nrt-channel.h"

#include <math.h>
#include <string.h>

/* %g, C locale, never "-0". */
static void
append_num (GString *s, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (x == 0.0)
    x = 0.0;
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%g", x));
}

/* "v - d", "v + |d|" or "v". */
static void
append_v_minus (GString *s, double d)
{
  g_string_append (s, "v");
  if (d == 0.0)
    return;
  g_string_append (s, d < 0 ? " + " : " - ");
  append_num (s, fabs (d));
}

/* k*(v - d) */
static void
append_kx (GString *s, double k, double d)
{
  append_num (s, k);
  g_string_append (s, "*(");
  append_v_minus (s, d);
  g_string_append (s, ")");
}

/* KSChan's rate function with its numbers: constant A; A*exp(k*(v - d));
 * A*(v - d)*k/(1 - exp(-k*(v - d))) (linoid, A*x/(1 - exp(-x)) with x = k*(v - d));
 * A/(1 + exp(k*(v - d))). */
static void
append_rate (GString *s, const NrtRate *r)
{
  switch (r->form)
    {
    case NRT_RATE_CONSTANT:
      append_num (s, r->A);
      break;
    case NRT_RATE_EXP:
      append_num (s, r->A);
      g_string_append (s, "*exp(");
      append_kx (s, r->k, r->d);
      g_string_append (s, ")");
      break;
    case NRT_RATE_LINOID:
      append_num (s, r->A);
      g_string_append (s, "*(");
      append_v_minus (s, r->d);
      g_string_append (s, ")*");
      if (r->k < 0)
        g_string_append_c (s, '(');
      append_num (s, r->k);
      if (r->k < 0)
        g_string_append_c (s, ')');
      g_string_append (s, "/(1 - exp(");
      append_kx (s, -r->k, r->d);
      g_string_append (s, "))");
      break;
    case NRT_RATE_SIGMOID:
      append_num (s, r->A);
      g_string_append (s, "/(1 + exp(");
      append_kx (s, r->k, r->d);
      g_string_append (s, "))");
      break;
    case NRT_RATE_BG_INF:
    case NRT_RATE_BG_TAU:
      /* KSChan's class names with the shared parameter vector, named. */
      g_string_append (s, r->form == NRT_RATE_BG_INF ? "KSChanBGinf(K=" : "KSChanBGtau(K=");
      append_num (s, r->A);
      g_string_append (s, ", vhalf=");
      append_num (s, r->d);
      g_string_append (s, ", z=");
      append_num (s, r->z);
      g_string_append (s, ", gam=");
      append_num (s, r->gam);
      g_string_append (s, ", tau0=");
      append_num (s, r->tau0);
      g_string_append_c (s, ')');
      break;
    case NRT_RATE_TABLE:
      /* KSChan's class name with the grid and every value. */
      {
        double vmin = 0, vmax = 0;

        if (r->func == NULL || !nrt_rate_func_get_table_range (r->func, &vmin, &vmax))
          {
            g_string_append (s, "?");
            break;
          }
        g_string_append (s, "KSChanTable(vmin=");
        append_num (s, vmin);
        g_string_append (s, ", vmax=");
        append_num (s, vmax);
        g_string_append (s, ", [");
        for (guint i = 0; i < nrt_rate_func_get_n_params (r->func); i++)
          {
            if (i > 0)
              g_string_append (s, ", ");
            append_num (s, nrt_rate_func_get_params (r->func)[i]);
          }
        g_string_append (s, "])");
      }
      break;
    case NRT_RATE_EXPRESSION:
      /* The user's own text, as typed. */
      g_string_append (s, r->func ? nrt_rate_func_get_text (r->func) : "?");
      break;
    case NRT_RATE_LEMS:
      /* The LEMS type by name with its parameters in SI, as a call. */
      if (r->func == NULL)
        {
          g_string_append (s, "?");
          break;
        }
      g_string_append (s, nrt_rate_func_get_text (r->func));
      g_string_append_c (s, '(');
      for (guint i = 0; i < nrt_rate_func_get_n_params (r->func); i++)
        {
          if (i > 0)
            g_string_append (s, ", ");
          append_num (s, nrt_rate_func_get_params (r->func)[i]);
        }
      g_string_append_c (s, ')');
      break;
    default:
      g_string_append (s, "?");
      break;
    }
}

/* KSChan's gate expression (ksgate.hoc set_basic): the states with fraction 1 by name, the
 * others with a fraction > 0 as "f*name" (%.4g), "0" when none conducts, parenthesised when
 * more than a lone fully conducting state. */
static char *
scheme_basic (const NrtKsScheme *ks)
{
  GString *s = g_string_new (NULL);
  gboolean enclose = FALSE;

  for (guint i = 0; i < ks->states->len; i++)
    {
      const NrtKsState *st = ks->states->pdata[i];
      if (st->fraction <= 0.0)
        continue;
      if (s->len > 0)
        {
          g_string_append (s, " + ");
          enclose = TRUE;
        }
      if (st->fraction != 1.0)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_printf (s, "%s*", g_ascii_formatd (buf, sizeof buf, "%.4g",
                                                              st->fraction));
          enclose = TRUE;
        }
      g_string_append (s, st->name);
    }
  if (s->len == 0)
    g_string_append (s, "0");
  if (enclose)
    {
      g_string_prepend_c (s, '(');
      g_string_append_c (s, ')');
    }
  return g_string_free (s, FALSE);
}

static void
append_power (GString *s, int power)
{
  if (power != 1)
    g_string_append_printf (s, "^%d", power);
}

/* The current relation's two lines (properties.hoc set_useionstr). */
static void
append_current (GString *s, const NrtChannel *ch)
{
  const char *n = ch->name;
  const char *ion = nrt_ion_name (ch->ion);
  gboolean point = ch->kind == NRT_CHANNEL_POINT;

  if (ch->conductance == NRT_CONDUCTANCE_GHK && ch->ion != NRT_ION_NONSPECIFIC)
    {
      int z = nrt_ion_charge (ch->ion);
      g_string_append_printf (s, "  %s Goldman-Hodgkin-Katz ion current\n", ion);
      if (point)
        g_string_append_printf (s, "  i%s (mA/cm2) = (1e6)*%s.p * ghk(v, %si, %so, %d)"
                                "*(0.01/area)\n", ion, n, ion, ion, z);
      else
        g_string_append_printf (s, "  i%s (mA/cm2) = p_%s * ghk(v, %si, %so, %d)\n", ion, n,
                                ion, ion, z);
      return;
    }
  g_string_append_printf (s, "  %s ohmic ion current\n", ion);
  if (ch->ion == NRT_ION_NONSPECIFIC)
    {
      if (point)
        g_string_append_printf (s, "  %s.i (nA) = %s.g * (v - %s.e)\n", n, n, n);
      else
        g_string_append_printf (s, "  i_%s (mA/cm2) = g_%s * (v - e_%s)\n", n, n, n);
    }
  else if (point)
    g_string_append_printf (s, "  i%s (mA/cm2) = %s.g * (v - e%s)*(0.01/area)\n", ion, n, ion);
  else
    g_string_append_printf (s, "  i%s (mA/cm2) = g_%s * (v - e%s)\n", ion, n, ion);
}

/* One rate line of an HH gate: "    am = …". */
static void
append_coef (GString *s, const char *indent, const char *coef, const NrtRate *r)
{
  g_string_append_printf (s, "%s%s = ", indent, coef);
  append_rate (s, r);
  g_string_append_c (s, '\n');
}

static void
append_transition (GString *s, const NrtKsScheme *ks, const NrtKsTransition *t)
{
  const char *from = ((NrtKsState *) ks->states->pdata[t->from])->name;
  const char *to = ((NrtKsState *) ks->states->pdata[t->to])->name;
  gboolean ligand = t->type == NRT_TRANS_LIGAND_OUTSIDE || t->type == NRT_TRANS_LIGAND_INSIDE;
  const char *lname = nrt_ks_transition_ligand_name (t);

  g_string_append_printf (s, "    %s", from);
  if (ligand)
    {
      g_string_append (s, " + ");
      if (t->stoichiometry != 1)
        g_string_append_printf (s, "%d", t->stoichiometry);
      g_string_append (s, lname);
    }
  g_string_append_printf (s, " <-> %s  %s%s%s = ", to, t->type == NRT_GATE_INF_TAU ? "inf" : "a",
                          from, to);
  append_rate (s, &t->rate[0]);
  if (ligand)
    {
      g_string_append_printf (s, "*%s", lname);
      append_power (s, t->stoichiometry);
    }
  g_string_append_printf (s, "  %s%s%s = ", t->type == NRT_GATE_INF_TAU ? "tau" : "b", from, to);
  append_rate (s, &t->rate[1]);
  g_string_append_c (s, '\n');
}

char *
nrt_channel_describe (const NrtChannel *ch)
{
  GString *s;
  gboolean ghk;
  const char *gp;

  g_return_val_if_fail (ch != NULL, NULL);
  s = g_string_new (NULL);
  ghk = ch->conductance == NRT_CONDUCTANCE_GHK && ch->ion != NRT_ION_NONSPECIFIC;
  gp = ghk ? "p" : "g";

  if (ch->kind == NRT_CHANNEL_POINT)
    g_string_append_printf (s, "%s Point Process%s\n", ch->name,
                            ch->single ? " (Allow Single Channels)" : "");
  else
    g_string_append_printf (s, "%s Density Mechanism\n", ch->name);
  append_current (s, ch);

  /* chanbild1.hoc set_gatestr: g = gmax * each gate's expression. */
  g_string_append_printf (s, "  %s = %smax", gp, gp);
  for (guint i = 0; i < ch->gates->len; i++)
    {
      const NrtGate *g = ch->gates->pdata[i];
      g_string_append_printf (s, " * %s", g->name);
      append_power (s, g->power);
    }
  for (guint i = 0; i < ch->schemes->len; i++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[i];
      g_autofree char *basic = scheme_basic (ks);
      g_string_append_printf (s, " * %s", basic);
      append_power (s, ks->power);
    }
  g_string_append_c (s, '\n');

  g_string_append_printf (s, "  Default %smax = ", gp);
  append_num (s, ch->gmax);
  g_string_append_printf (s, " (%s)", ghk ? (ch->kind == NRT_CHANNEL_POINT ? "cm3/s" : "cm/s")
                                          : (ch->kind == NRT_CHANNEL_POINT ? "uS" : "S/cm2"));
  if (ch->ion == NRT_ION_NONSPECIFIC)
    {
      g_string_append (s, "   e = ");
      append_num (s, ch->erev);
      g_string_append (s, " (mV)");
    }
  g_string_append_c (s, '\n');

  if (ch->q10 != 1.0)
    {
      g_string_append (s, "  q10 = ");
      append_num (s, ch->q10);
      g_string_append (s, " at ");
      append_num (s, ch->q10_temperature);
      g_string_append (s, " degC: rates times ");
      append_num (s, ch->q10);
      g_string_append (s, "^((celsius - ");
      append_num (s, ch->q10_temperature);
      g_string_append (s, ")/10)\n");
    }

  for (guint i = 0; i < ch->gates->len; i++)
    {
      const NrtGate *g = ch->gates->pdata[i];
      const char *n = g->name;
      g_autofree char *c0 = NULL, *c1 = NULL;

      /* ksgate.hoc hh_displaystr and kstgui.hoc coef. */
      if (g->type == NRT_GATE_INF_TAU)
        {
          g_string_append_printf (s, "  %s' = (%sinf - %s)/%stau\n", n, n, n, n);
          c0 = g_strdup_printf ("%sinf", n);
          c1 = g_strdup_printf ("%stau", n);
        }
      else
        {
          g_string_append_printf (s, "  %s' = a%s*(1 - %s) - b%s*%s\n", n, n, n, n, n);
          c0 = g_strdup_printf ("a%s", n);
          c1 = g_strdup_printf ("b%s", n);
        }
      append_coef (s, "    ", c0, &g->rate[0]);
      append_coef (s, "    ", c1, &g->rate[1]);
    }
  for (guint i = 0; i < ch->schemes->len; i++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[i];
      g_autofree char *basic = scheme_basic (ks);

      /* ksgate.hoc set_displaystr, then the states and each transition. */
      g_string_append_printf (s, "  %s: %u state, %u transitions\n", basic, ks->states->len,
                              ks->transitions->len);
      g_string_append (s, "    states:");
      for (guint j = 0; j < ks->states->len; j++)
        g_string_append_printf (s, "%s %s", j ? "," : "",
                                ((NrtKsState *) ks->states->pdata[j])->name);
      g_string_append_c (s, '\n');
      for (guint j = 0; j < ks->transitions->len; j++)
        append_transition (s, ks, &g_array_index (ks->transitions, NrtKsTransition, j));
    }
  return g_string_free (s, FALSE);
}

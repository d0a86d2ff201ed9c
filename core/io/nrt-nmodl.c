/* nrt-nmodl.c: a ChannelBuilder channel as an NMODL .mod file (nrt-nmodl.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nrt-nmodl.h"
#include "nrt-lems-types.h"
#include "nrt-expr.h"
#include "nrt-neuroml.h"

/* Names a gate may not take: the file's own variables, locals and functions, NEURON's, and
 * NMODL, C and C++ words (nocmodl makes C++ macros and identifiers of the state names). */
static const char *const reserved[] = {
  "v", "g", "gmax", "e", "i", "celsius", "dt", "t", "area", "diam", "q10", "q10_temperature",
  "ena", "ina", "ek", "ik", "eca", "ica", "nai", "nao", "ki", "ko", "cai", "cao",
  "rates", "states", "ks_exp", "ks_linoid", "ks_sigmoid", "ks_a", "ks_b", "ks_f", "ks_x",
  "ks_v", "ks_A", "ks_k", "ks_d", "kin", "ks_rates", "ks_ghk", "ks_efun", "ks_ci", "ks_co",
  "ks_z", "ks_bg_inf", "ks_bg_tau", "ks_K", "ks_vh", "ks_gam", "ks_t0", "ks_ap", "ks_bp", "ks_ramp", "ks_ktf", "ks_eci", "ks_eco", "ks_c", "pmax", "p", "Nsingle", "mM", "nA", "uS",
  "exp", "log", "log10", "fabs", "sqrt", "sin", "cos", "tan", "pow", "floor", "ceil", "fmod",
  "tanh", "atan", "atan2", "asin", "acos", "sinh", "cosh", "erf", "erfc",
  "PI", "FARADAY", "R", "DEG", "E", "GAMMA",
  "NEURON", "PARAMETER", "ASSIGNED", "STATE", "BREAKPOINT", "DERIVATIVE", "INITIAL",
  "PROCEDURE", "FUNCTION", "LOCAL", "SOLVE", "METHOD", "UNITS", "UNITSON", "UNITSOFF", "TABLE",
  "DEPEND", "FROM", "TO", "WITH", "SUFFIX", "USEION", "READ", "WRITE", "VALENCE", "RANGE",
  "GLOBAL", "POINTER", "BBCOREPOINTER", "NONSPECIFIC_CURRENT", "ELECTRODE_CURRENT",
  "THREADSAFE", "KINETIC", "CONSERVE", "COMPARTMENT", "LONGITUDINAL_DIFFUSION", "LINEAR",
  "NONLINEAR", "EQUATION", "VERBATIM", "ENDVERBATIM", "COMMENT", "ENDCOMMENT", "TITLE",
  "INDEPENDENT", "CONSTANT", "CONSTRUCTOR", "DESTRUCTOR", "POINT_PROCESS",
  "ARTIFICIAL_CELL", "NET_RECEIVE", "FUNCTION_TABLE", "PROTECT", "MUTEXLOCK", "MUTEXUNLOCK",
  "BEFORE", "AFTER", "STEP", "SENS", "LAG", "PUTQ", "GETQ", "RESET", "TERMINAL", "MATCH",
  "PARTIAL", "DISCRETE", "FORALL", "PLOT", "VS", "SWEEP", "STEADYSTATE", "WATCH", "FOR_NETCONS",
  "IFERROR", "INCLUDE", "REPRESENTS", "RANDOM", "if", "else", "while", "for", "and", "or",
  "not", "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
  "enum", "extern", "float", "goto", "inline", "int", "long", "register", "restrict",
  "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
  "unsigned", "void", "volatile", "bool", "true", "false", "class", "new", "delete", "this",
  "template", "typename", "namespace", "using", "private", "public", "protected", "virtual",
  "operator", "friend", "try", "catch", "throw", "nullptr", "NULL",
};

/* %.17g, locale-independent: reads back as the same double. */
static const char *
num (char buf[G_ASCII_DTOSTR_BUF_SIZE], double x)
{
  return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.17g", x);
}

static const char *
state_name (const NrtKsScheme *ks, guint j)
{
  return ((const NrtKsState *) ks->states->pdata[j])->name;
}

static gboolean
check_names (const NrtChannel *ch, GError **error)
{
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    g_hash_table_add (taken, g_strdup (reserved[i]));
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      g_hash_table_add (taken, g_strdup_printf ("inf_%s", gate->name));
      g_hash_table_add (taken, g_strdup_printf ("tau_%s", gate->name));
      g_ptr_array_add (names, gate->name);
    }
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          g_hash_table_add (taken, g_strdup_printf ("kf_%s_%s", state_name (ks, tr->from),
                                                    state_name (ks, tr->to)));
          g_hash_table_add (taken, g_strdup_printf ("kb_%s_%s", state_name (ks, tr->from),
                                                    state_name (ks, tr->to)));
        }
      for (guint j = 0; j < ks->states->len; j++)
        g_ptr_array_add (names, (char *) state_name (ks, j));
    }
  for (guint j = 0; j < names->len; j++)
    {
      const char *name = names->pdata[j];
      if (name[0] == '_' || g_hash_table_contains (taken, name))
        {
          g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED,
                       "Channel “%s”: the gate or state name “%s” cannot be used in an NMODL "
                       "file (a name the file or NMODL needs): rename it", ch->name, name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
pair_uses_bg (const NrtRate *rate)
{
  return nrt_rate_is_bg (&rate[0]) || nrt_rate_is_bg (&rate[1]);
}

static gboolean
pair_uses_table (const NrtRate *rate)
{
  return rate[0].form == NRT_RATE_TABLE || rate[1].form == NRT_RATE_TABLE;
}

/* TRUE when pred holds for the rate pair of some gate or transition. */
static gboolean
any_pair (const NrtChannel *ch, gboolean (*pred) (const NrtRate *))
{
  for (guint j = 0; j < ch->gates->len; j++)
    if (pred (((const NrtGate *) ch->gates->pdata[j])->rate))
      return TRUE;
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      for (guint t = 0; t < ks->transitions->len; t++)
        if (pred (g_array_index (ks->transitions, NrtKsTransition, t).rate))
          return TRUE;
    }
  return FALSE;
}

/* TRUE when some gate or transition has the Borg-Graham pair (ks_bg_inf/tau are needed). */
static gboolean
uses_bg (const NrtChannel *ch)
{
  return any_pair (ch, pair_uses_bg);
}

/* TRUE when some rate is a table (ks_ramp is needed). */
static gboolean
uses_table (const NrtChannel *ch)
{
  return any_pair (ch, pair_uses_table);
}

/* KSChan's rate function as an NMODL expression of v. */
static void
append_rate (GString *out, const NrtRate *rate)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], k[G_ASCII_DTOSTR_BUF_SIZE], d[G_ASCII_DTOSTR_BUF_SIZE];

  num (a, rate->A);
  num (k, rate->k);
  num (d, rate->d);
  switch (rate->form)
    {
    case NRT_RATE_CONSTANT:
      g_string_append (out, a);
      break;
    case NRT_RATE_EXP:
      g_string_append_printf (out, "%s*ks_exp(%s*(v - (%s)))", a, k, d);
      break;
    case NRT_RATE_LINOID:
      g_string_append_printf (out, "ks_linoid(v, %s, %s, %s)", a, k, d);
      break;
    case NRT_RATE_SIGMOID:
      g_string_append_printf (out, "%s/(1 + ks_exp(%s*(v - (%s))))", a, k, d);
      break;
    case NRT_RATE_BG_INF:
    case NRT_RATE_BG_TAU:
      {
        char z[G_ASCII_DTOSTR_BUF_SIZE], gam[G_ASCII_DTOSTR_BUF_SIZE];
        char t0[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append_printf (out, "%s(v, %s, %s, %s, %s, %s)",
                                rate->form == NRT_RATE_BG_INF ? "ks_bg_inf" : "ks_bg_tau", a, d,
                                num (z, rate->z), num (gam, rate->gam), num (t0, rate->tau0));
      }
      break;
    case NRT_RATE_EXPRESSION:
      {
        /* Already in v (mV) and celsius and the slot's units. */
        g_autofree char *e = nrt_expr_to_nmodl (nrt_rate_func_get_expr (rate->func), NULL);
        g_string_append_printf (out, "(%s)", e);
      }
      break;
    case NRT_RATE_TABLE:
      {
        /* KSChanTable as a sum of clamped ramps: with x = (v − vmin)·(n − 1)/(vmax − vmin),
         * y0 + Σ (y[i+1] − y[i])·ks_ramp(x − i) is y[i] + (y[i+1] − y[i])·(x − i) on
         * [i, i + 1], y0 below vmin and y[n−1] above vmax (to rounding: one FUNCTION serves
         * every table, no per-rate arrays). */
        const double *y = nrt_rate_func_get_params (rate->func);
        guint n = nrt_rate_func_get_n_params (rate->func);
        double vmin = 0, vmax = 0;
        char b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];

        nrt_rate_func_get_table_range (rate->func, &vmin, &vmax);
        num (b, vmin);
        num (c, (double) (n - 1) / (vmax - vmin));
        g_string_append_printf (out, "(%s", num (a, y[0]));
        for (guint i = 0; i + 1 < n; i++)
          /* one term a line: nocmodl limits the length of a line, not of a statement */
          g_string_append_printf (out, "\n    + (%s)*ks_ramp((v - (%s))*%s - %u)",
                                  num (d, y[i + 1] - y[i]), b, c, i);
        g_string_append_c (out, ')');
      }
      break;
    case NRT_RATE_LEMS:
      /* The type's FUNCTION (written once at the end) with the parameters in SI. */
      g_string_append_printf (out, "lems_%s(v", nrt_rate_func_get_text (rate->func));
      for (guint i = 0; i < nrt_rate_func_get_n_params (rate->func); i++)
        g_string_append_printf (out, ", %s", num (a, nrt_rate_func_get_params (rate->func)[i]));
      g_string_append_c (out, ')');
      break;
    default:
      g_assert_not_reached ();
    }
}

static const char *const form_names[] = {
  [NRT_RATE_CONSTANT] = "constant", [NRT_RATE_EXP] = "exp", [NRT_RATE_LINOID] = "linoid",
  [NRT_RATE_SIGMOID] = "sigmoid", [NRT_RATE_LEMS] = "LEMS type",
  [NRT_RATE_EXPRESSION] = "expression", [NRT_RATE_BG_INF] = "Borg-Graham inf",
  [NRT_RATE_BG_TAU] = "Borg-Graham tau", [NRT_RATE_TABLE] = "table",
};

static void
add_lems_function (GString *out, GHashTable *done, const NrtRate *rate)
{
  const char *name;

  if (rate->form != NRT_RATE_LEMS || rate->func == NULL)
    return;
  name = nrt_rate_func_get_text (rate->func);
  if (g_hash_table_contains (done, name))
    return;
  g_hash_table_add (done, (gpointer) name);
  {
    g_autofree char *fn = g_strdup_printf ("lems_%s", name);
    g_autofree char *text = nrt_lems_rate_type_to_nmodl (nrt_rate_func_get_lems_type (rate->func),
                                                        fn);
    g_string_append_printf (out, ": The LEMS ComponentType %s, in NEURON's units.\n%s\n", name,
                            text);
  }
}

/* The FUNCTIONs of the channel's custom rates: one per LEMS type, and H (the Heaviside step
 * as jNeuroML writes it) for them and for expressions. */
static void
append_custom_functions (GString *out, const NrtChannel *ch)
{
  g_autoptr (GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);

  if (!nrt_channel_has_custom_rates (ch))
    return;
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *g = ch->gates->pdata[j];
      add_lems_function (out, done, &g->rate[0]);
      add_lems_function (out, done, &g->rate[1]);
    }
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          add_lems_function (out, done, &tr->rate[0]);
          add_lems_function (out, done, &tr->rate[1]);
        }
    }
  g_string_append (out, "FUNCTION H(ks_x) {\n"
                        "  if (ks_x < 0) {\n    H = 0\n  } else if (ks_x > 0) {\n    H = 1\n"
                        "  } else {\n    H = 0.5\n  }\n}\n\n");
}

/* "cai*cai*A": KSTransition::alpha's [L]^n·A, multiplied in its order. */
static void
append_ligand_rate (GString *out, const NrtKsTransition *t)
{
  const char *c = nrt_ks_transition_ligand_name (t);
  char a[G_ASCII_DTOSTR_BUF_SIZE];

  num (a, t->rate[0].A);
  switch (t->stoichiometry)
    {
    case 1:
      g_string_append_printf (out, "%s*%s", c, a);
      break;
    case 2:
      g_string_append_printf (out, "%s*%s*%s", c, c, a);
      break;
    case 3:
      g_string_append_printf (out, "%s*%s*%s*%s", c, c, c, a);
      break;
    default:
      g_string_append_printf (out, "(%s*%s)*(%s*%s)*%s", c, c, c, c, a);
      break;
    }
}

/* A scheme's conductance sum: the states with a fraction > 0, "O" or "O2*0.5". */
static void
append_scheme_sum (GString *out, const NrtKsScheme *ks)
{
  gboolean any = FALSE;

  g_string_append_c (out, '(');
  for (guint j = 0; j < ks->states->len; j++)
    {
      const NrtKsState *st = ks->states->pdata[j];
      char f[G_ASCII_DTOSTR_BUF_SIZE];
      if (st->fraction <= 0.0)
        continue;
      g_string_append_printf (out, "%s%s", any ? " + " : "", st->name);
      if (st->fraction != 1.0)
        g_string_append_printf (out, "*%s", num (f, st->fraction));
      any = TRUE;
    }
  g_string_append (out, any ? ")" : "0)");
}

char *
nrt_nmodl_write_channel (const NrtChannel *ch, GError **error)
{
  GString *out;
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean nonspecific, point, ghk, hh, kinetic;
  gboolean conc[NRT_N_ION][2] = { { FALSE } };  /* [ion][inside]: read by ligand transitions */
  const char *ion, *gmax, *g, *gunit, *iunit;

  g_return_val_if_fail (ch != NULL, NULL);
  if (!nrt_channel_validate (ch, error) || !check_names (ch, error))
    return NULL;
  nonspecific = ch->ion == NRT_ION_NONSPECIFIC;
  point = ch->kind == NRT_CHANNEL_POINT;
  ghk = ch->conductance == NRT_CONDUCTANCE_GHK;
  hh = ch->gates->len > 0;
  kinetic = ch->schemes->len > 0;
  ion = nrt_ion_name (ch->ion);
  /* KSChan's names and units: pmax and p for GHK; µS / cm³/s and nA for point processes. */
  gmax = ghk ? "pmax" : "gmax";
  g = ghk ? "p" : "g";
  gunit = ghk ? (point ? "cm3/s" : "cm/s") : (point ? "uS" : "S/cm2");
  iunit = point ? "nA" : "mA/cm2";
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          if (tr->type == NRT_TRANS_LIGAND_OUTSIDE || tr->type == NRT_TRANS_LIGAND_INSIDE)
            conc[tr->ligand][tr->type == NRT_TRANS_LIGAND_INSIDE] = TRUE;
        }
    }
  if (ghk)
    conc[ch->ion][0] = conc[ch->ion][1] = TRUE;
  out = g_string_new (NULL);

  g_string_append_printf (out,
    ": %s.mod: the ChannelBuilder channel %s, exported by Neurite (ASCII only: nocmodl\n"
    ": refuses anything else).\n"
    ": A %s channel, %s = %s*(product of gate^power)%s, with NEURON 8.2.2\n"
    ": KSChan's rate functions (kschan.h): Exp clamps its argument to +-700, linoid is\n"
    ": A*x/(1 - Exp(-x)) with x = k*(v - d), or A*(1 + x/2) when |x| <= 1e-6.  Rates are scaled\n"
    ": by q10^((celsius - q10_temperature)/10).  Numbers are written with 17 significant digits.\n",
    ch->name, ch->name, point ? "point-process" : "density", g, gmax,
    ghk ? ", i = p*ghk(v, ci, co, z)" : ", i = g*(v - e)");
  if (kinetic)
    g_string_append (out,
      ": Kinetic schemes advance by backward Euler (METHOD sparse, as KSChan) and start in\n"
      ": their steady state at v (STEADYSTATE sparse; KSChan takes one step of 1e9 ms).\n"
      ": A ligand-gated transition's forward rate is A*[L]^n.\n");
  if (ghk)
    g_string_append (out,
      ": The GHK current is NEURON's nrn_ghk (eion.cpp) with FARADAY and R of NEURON 8.2.2\n"
      ": (CODATA 2018)");
  if (ghk && point)
    g_string_append (out, ", times 1e6 for nA.\n");
  else if (ghk)
    g_string_append (out, ".\n");
  if (ch->single)
    g_string_append (out,
      ": The channel allows single channels, but NMODL has no equivalent of KSChan's\n"
      ": stochastic mode: this file is the deterministic channel, and Nsingle is ignored.\n");
  g_string_append_printf (out, "\nTITLE ChannelBuilder channel %s\n\n", ch->name);

  g_string_append_printf (out, "NEURON {\n  %s %s\n", point ? "POINT_PROCESS" : "SUFFIX",
                          ch->name);
  if (nonspecific)
    g_string_append_printf (out, "  NONSPECIFIC_CURRENT i\n  RANGE %s, %s, e\n", gmax, g);
  else
    {
      g_string_append_printf (out, "  USEION %s READ ", ion);
      if (ghk)
        g_string_append_printf (out, "%si, %so", ion, ion);
      else
        {
          g_string_append_printf (out, "e%s", ion);
          for (int side = 1; side >= 0; side--)
            if (conc[ch->ion][side])
              g_string_append_printf (out, ", %s%s", ion, side ? "i" : "o");
        }
      g_string_append_printf (out, " WRITE i%s\n  RANGE %s, %s, i\n", ion, gmax, g);
    }
  for (int l = NRT_ION_NA; l < NRT_N_ION; l++)
    if (l != (int) ch->ion && (conc[l][0] || conc[l][1]))
      {
        const char *ln = nrt_ion_name (l);
        g_string_append_printf (out, "  USEION %s READ ", ln);
        if (conc[l][1])
          g_string_append_printf (out, "%si%s", ln, conc[l][0] ? ", " : "");
        if (conc[l][0])
          g_string_append_printf (out, "%so", ln);
        g_string_append (out, "\n");
      }
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      g_string_append_printf (out, "  RANGE inf_%s, tau_%s\n", gate->name, gate->name);
    }
  if (ch->single)
    g_string_append (out, "  RANGE Nsingle\n");
  g_string_append (out, "  GLOBAL q10, q10_temperature\n  THREADSAFE\n}\n\n");

  g_string_append (out, "UNITS {\n  (mA) = (milliamp)\n  (mV) = (millivolt)\n"
                        "  (S) = (siemens)\n");
  if (point)
    g_string_append (out, "  (nA) = (nanoamp)\n  (uS) = (microsiemens)\n");
  for (int l = NRT_ION_NA; l < NRT_N_ION; l++)
    if (conc[l][0] || conc[l][1])
      {
        g_string_append (out, "  (mM) = (milli/liter)\n");
        break;
      }
  g_string_append (out, "}\n\n");

  g_string_append_printf (out, "PARAMETER {\n  %s = %s (%s)\n", gmax, num (b1, ch->gmax), gunit);
  if (nonspecific)
    g_string_append_printf (out, "  e = %s (mV)\n", num (b1, ch->erev));
  g_string_append_printf (out, "  q10 = %s (1)\n  q10_temperature = %s (degC)\n",
                          num (b1, ch->q10), num (b2, ch->q10_temperature));
  if (ch->single)
    g_string_append (out, "  Nsingle = 1 (1)\n");
  g_string_append (out, "}\n\n");

  g_string_append_printf (out, "ASSIGNED {\n  v (mV)\n  celsius (degC)\n  %s (%s)\n"
                          "  i (%s)\n", g, gunit, iunit);
  if (!nonspecific)
    {
      if (!ghk)
        g_string_append_printf (out, "  e%s (mV)\n", ion);
      g_string_append_printf (out, "  i%s (%s)\n", ion, iunit);
    }
  for (int l = NRT_ION_NA; l < NRT_N_ION; l++)
    for (int side = 1; side >= 0; side--)
      if (conc[l][side])
        g_string_append_printf (out, "  %s%s (mM)\n", nrt_ion_name (l), side ? "i" : "o");
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      g_string_append_printf (out, "  inf_%s (1)\n  tau_%s (ms)\n", gate->name, gate->name);
    }
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          const char *f = state_name (ks, tr->from), *to = state_name (ks, tr->to);
          g_string_append_printf (out, "  kf_%s_%s (/ms)\n  kb_%s_%s (/ms)\n", f, to, f, to);
        }
    }
  g_string_append (out, "}\n\n");

  if (hh || kinetic)
    {
      g_string_append (out, "STATE {");
      for (guint j = 0; j < ch->gates->len; j++)
        g_string_append_printf (out, " %s", ((const NrtGate *) ch->gates->pdata[j])->name);
      for (guint k = 0; k < ch->schemes->len; k++)
        {
          const NrtKsScheme *ks = ch->schemes->pdata[k];
          for (guint j = 0; j < ks->states->len; j++)
            g_string_append_printf (out, " %s", state_name (ks, j));
        }
      g_string_append (out, " }\n\n");
    }

  /* Formulas mix units freely (as KSChan's do): unit checking off from here on. */
  g_string_append (out, "UNITSOFF\n\n");

  /* g as KSChan multiplies it: gmax, then each gate's power as repeated products. */
  g_string_append (out, "BREAKPOINT {\n");
  if (hh)
    g_string_append (out, "  SOLVE states METHOD cnexp\n");
  if (kinetic)
    g_string_append (out, "  SOLVE kin METHOD sparse\n");
  g_string_append_printf (out, "  %s = %s", g, gmax);
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      g_string_append (out, "*(");
      for (int q = 0; q < gate->power; q++)
        g_string_append_printf (out, "%s%s", q ? "*" : "", gate->name);
      g_string_append (out, ")");
    }
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      g_string_append (out, "*(");
      for (int q = 0; q < ks->power; q++)
        {
          if (q)
            g_string_append_c (out, '*');
          append_scheme_sum (out, ks);
        }
      g_string_append (out, ")");
    }
  if (ghk)
    g_string_append_printf (out, "\n  i = p*ks_ghk(v, %si, %so, %d)%s\n  i%s = i\n}\n\n", ion,
                            ion, nrt_ion_charge (ch->ion), point ? "*1e6" : "", ion);
  else if (nonspecific)
    g_string_append (out, "\n  i = g*(v - e)\n}\n\n");
  else
    g_string_append_printf (out, "\n  i = g*(v - e%s)\n  i%s = i\n}\n\n", ion, ion);

  if (hh || kinetic)
    {
      g_string_append (out, "INITIAL {\n");
      if (hh)
        g_string_append (out, "  rates(v)\n");
      for (guint j = 0; j < ch->gates->len; j++)
        {
          const NrtGate *gate = ch->gates->pdata[j];
          g_string_append_printf (out, "  %s = inf_%s\n", gate->name, gate->name);
        }
      /* KSChan::init starts each scheme in its first state, then solves for the steady
       * state. */
      for (guint k = 0; k < ch->schemes->len; k++)
        {
          const NrtKsScheme *ks = ch->schemes->pdata[k];
          for (guint j = 0; j < ks->states->len; j++)
            g_string_append_printf (out, "  %s = %d\n", state_name (ks, j), j == 0);
        }
      if (kinetic)
        g_string_append (out, "  SOLVE kin STEADYSTATE sparse\n");
      g_string_append (out, "}\n\n");
    }
  if (hh)
    {
      g_string_append (out, "DERIVATIVE states {\n  rates(v)\n");
      for (guint j = 0; j < ch->gates->len; j++)
        {
          const NrtGate *gate = ch->gates->pdata[j];
          g_string_append_printf (out, "  %s' = (inf_%s - %s)/tau_%s\n", gate->name, gate->name,
                                  gate->name, gate->name);
        }
      g_string_append (out, "}\n\n");
    }
  if (kinetic)
    {
      g_string_append (out, "KINETIC kin {\n  ks_rates(v)\n");
      for (guint k = 0; k < ch->schemes->len; k++)
        {
          const NrtKsScheme *ks = ch->schemes->pdata[k];
          for (guint t = 0; t < ks->transitions->len; t++)
            {
              const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
              const char *f = state_name (ks, tr->from), *to = state_name (ks, tr->to);
              g_string_append_printf (out, "  ~ %s <-> %s (kf_%s_%s, kb_%s_%s)\n", f, to, f,
                                      to, f, to);
            }
          g_string_append (out, "  CONSERVE ");
          for (guint j = 0; j < ks->states->len; j++)
            g_string_append_printf (out, "%s%s", j ? " + " : "", state_name (ks, j));
          g_string_append (out, " = 1\n");
        }
      g_string_append (out, "}\n\n");
    }

  if (hh)
    {
      /* KSTransition::inftau, as nrt_gate_inf_tau computes it. */
      g_string_append (out, "PROCEDURE rates(v (mV)) {\n  LOCAL ks_a, ks_b, ks_f\n"
                            "  ks_f = q10^((celsius - q10_temperature)/10)\n");
      for (guint j = 0; j < ch->gates->len; j++)
        {
          const NrtGate *gate = ch->gates->pdata[j];
          const char *n = gate->name;
          if (gate->type == NRT_GATE_ALPHA_BETA)
            {
              g_string_append_printf (out, "  : %s: alpha %s, beta %s\n  ks_a = ", n,
                                      form_names[gate->rate[0].form],
                                      form_names[gate->rate[1].form]);
              append_rate (out, &gate->rate[0]);
              g_string_append (out, "\n  ks_b = ");
              append_rate (out, &gate->rate[1]);
              g_string_append_printf (out, "\n  tau_%s = 1/((ks_a + ks_b)*ks_f)\n"
                                      "  inf_%s = ks_a*ks_f*tau_%s\n", n, n, n);
            }
          else
            {
              g_string_append_printf (out, "  : %s: inf %s, tau %s\n  inf_%s = ", n,
                                      form_names[gate->rate[0].form],
                                      form_names[gate->rate[1].form], n);
              append_rate (out, &gate->rate[0]);
              g_string_append_printf (out, "\n  tau_%s = (", n);
              append_rate (out, &gate->rate[1]);
              g_string_append (out, ")/ks_f\n");
            }
        }
      g_string_append (out, "}\n\n");
    }
  if (kinetic)
    {
      /* KSTransition::ab and alpha/beta for ligands, times the q10 factor. */
      g_string_append (out, "PROCEDURE ks_rates(v (mV)) {\n  LOCAL ks_a, ks_b, ks_f\n"
                            "  ks_f = q10^((celsius - q10_temperature)/10)\n");
      for (guint k = 0; k < ch->schemes->len; k++)
        {
          const NrtKsScheme *ks = ch->schemes->pdata[k];
          for (guint t = 0; t < ks->transitions->len; t++)
            {
              const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
              const char *f = state_name (ks, tr->from), *to = state_name (ks, tr->to);
              switch (tr->type)
                {
                case NRT_GATE_ALPHA_BETA:
                  g_string_append_printf (out, "  : %s <-> %s: a %s, b %s\n  kf_%s_%s = (", f,
                                          to, form_names[tr->rate[0].form],
                                          form_names[tr->rate[1].form], f, to);
                  append_rate (out, &tr->rate[0]);
                  g_string_append_printf (out, ")*ks_f\n  kb_%s_%s = (", f, to);
                  append_rate (out, &tr->rate[1]);
                  g_string_append (out, ")*ks_f\n");
                  break;
                case NRT_GATE_INF_TAU:
                  g_string_append_printf (out, "  : %s <-> %s: inf %s, tau %s\n  ks_a = ", f, to,
                                          form_names[tr->rate[0].form],
                                          form_names[tr->rate[1].form]);
                  append_rate (out, &tr->rate[0]);
                  g_string_append (out, "\n  ks_b = ");
                  append_rate (out, &tr->rate[1]);
                  g_string_append_printf (out, "\n  kf_%s_%s = ks_a/ks_b*ks_f\n"
                                          "  kb_%s_%s = (1 - ks_a)/ks_b*ks_f\n", f, to, f, to);
                  break;
                case NRT_TRANS_LIGAND_OUTSIDE:
                case NRT_TRANS_LIGAND_INSIDE:
                default:
                  g_string_append_printf (out, "  : %s <-> %s: ligand %s, stoichiometry %d\n"
                                          "  kf_%s_%s = ", f, to,
                                          nrt_ks_transition_ligand_name (tr), tr->stoichiometry,
                                          f, to);
                  append_ligand_rate (out, tr);
                  g_string_append_printf (out, "*ks_f\n  kb_%s_%s = %s*ks_f\n", f, to,
                                          num (b1, tr->rate[1].A));
                  break;
                }
            }
        }
      g_string_append (out, "}\n\n");
    }
  if (hh || kinetic)
    g_string_append (out,
      ": KSChanFunction::Exp: exp with its argument clamped to [-700, 700].\n"
      "FUNCTION ks_exp(ks_x) {\n"
      "  if (ks_x > 700) {\n    ks_exp = exp(700)\n"
      "  } else if (ks_x < -700) {\n    ks_exp = exp(-700)\n"
      "  } else {\n    ks_exp = exp(ks_x)\n  }\n}\n\n"
      ": KSChan's linoid: A*x/(1 - Exp(-x)), x = k*(v - d); A*(1 + x/2) when |x| <= 1e-6.\n"
      "FUNCTION ks_linoid(ks_v, ks_A, ks_k, ks_d) {\n  LOCAL ks_x\n"
      "  ks_x = ks_k*(ks_v - ks_d)\n"
      "  if (fabs(ks_x) > 1e-6) {\n    ks_linoid = ks_A*ks_x/(1 - ks_exp(-ks_x))\n"
      "  } else {\n    ks_linoid = ks_A*(1 + ks_x/2)\n  }\n}\n\n");
  if (uses_table (ch))
    g_string_append (out,
      ": KSChanTable's interpolation weight: x clamped to [0, 1].\n"
      "FUNCTION ks_ramp(ks_x) {\n"
      "  if (ks_x < 0) {\n    ks_ramp = 0\n"
      "  } else if (ks_x > 1) {\n    ks_ramp = 1\n"
      "  } else {\n    ks_ramp = ks_x\n  }\n}\n\n");
  if (uses_bg (ch))
    {
      /* KSChanBGinf/KSChanBGtau with e/k of CODATA 2018 (NEURON 8.2.2's default units). */
      char ek[G_ASCII_DTOSTR_BUF_SIZE];
      num (ek, NRT_E_OVER_K);
      g_string_append_printf (out,
        ": Borg-Graham (KSChanBGinf, KSChanBGtau): x = e/(k*(273.15 + celsius))*z*(v - vhalf),\n"
        ": a' = K*Exp(gam*x), b' = K*Exp((gam - 1)*x); inf = a'/(a' + b'), tau = 1/(a' + b') + tau0.\n"
        "FUNCTION ks_bg_inf(ks_v, ks_K, ks_vh, ks_z, ks_gam, ks_t0) {\n  LOCAL ks_x, ks_ap, ks_bp\n"
        "  ks_x = %s/(273.15 + celsius)*ks_z*(ks_v - ks_vh)\n"
        "  ks_ap = ks_K*ks_exp(ks_gam*ks_x)\n  ks_bp = ks_K*ks_exp((ks_gam - 1)*ks_x)\n"
        "  ks_bg_inf = ks_ap*(1/(ks_ap + ks_bp))\n}\n\n"
        "FUNCTION ks_bg_tau(ks_v, ks_K, ks_vh, ks_z, ks_gam, ks_t0) {\n  LOCAL ks_x, ks_ap, ks_bp\n"
        "  ks_x = %s/(273.15 + celsius)*ks_z*(ks_v - ks_vh)\n"
        "  ks_ap = ks_K*ks_exp(ks_gam*ks_x)\n  ks_bp = ks_K*ks_exp((ks_gam - 1)*ks_x)\n"
        "  ks_bg_tau = 1/(ks_ap + ks_bp) + ks_t0\n}\n\n", ek, ek);
    }
  if (ghk)
    g_string_append (out,
      ": nrn_ghk: mA/cm2 per cm/s; ktf = 1000*R*(celsius + 273.15)/FARADAY (mV).\n"
      "FUNCTION ks_ghk(ks_v, ks_ci, ks_co, ks_z) {\n  LOCAL ks_ktf, ks_x, ks_eci, ks_eco\n"
      "  ks_ktf = 1000*8.3144626181532395*(celsius + 273.15)/96485.33212331001\n"
      "  ks_x = ks_z*ks_v/ks_ktf\n"
      "  ks_eco = ks_co*ks_efun(ks_x)\n"
      "  ks_eci = ks_ci*ks_efun(-ks_x)\n"
      "  ks_ghk = 0.001*ks_z*96485.33212331001*(ks_eci - ks_eco)\n}\n\n"
      "FUNCTION ks_efun(ks_x) {\n"
      "  if (fabs(ks_x) < 1e-4) {\n    ks_efun = 1 - ks_x/2\n"
      "  } else {\n    ks_efun = ks_x/(exp(ks_x) - 1)\n  }\n}\n\n");
  append_custom_functions (out, ch);
  g_string_append (out, "UNITSON\n");
  return g_string_free (out, FALSE);
}

gboolean
nrt_nmodl_write_channel_file (const NrtChannel *channel, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  text = nrt_nmodl_write_channel (channel, error);
  if (text == NULL)
    return FALSE;
  if (!g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local))
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_nmodl_write_model_channels (NrtModel *model, const char *folder, GError **error)
{
  const NrtModelData *data;

  g_return_val_if_fail (model != NULL && folder != NULL, FALSE);
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int err = errno;
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE, "Cannot create folder “%s”: %s",
                   folder, g_strerror (err));
      return FALSE;
    }
  data = nrt_model_get_data (model);
  for (guint c = 0; c < data->channels->len; c++)
    {
      const NrtChannel *ch = data->channels->pdata[c];
      g_autofree char *file = g_strdup_printf ("%s.mod", ch->name);
      g_autofree char *path = g_build_filename (folder, file, NULL);
      if (!nrt_nmodl_write_channel_file (ch, path, error))
        return FALSE;
    }
  return TRUE;
}

/* nrt-nmodl.c: a ChannelBuilder channel as an NMODL .mod file (nrt-nmodl.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nrt-nmodl.h"
#include "nrt-neuroml.h"

/* Names a gate may not take: the file's own variables, locals and functions, NEURON's, and
 * NMODL, C and C++ words (nocmodl makes C++ macros and identifiers of the state names). */
static const char *const reserved[] = {
  "v", "g", "gmax", "e", "i", "celsius", "dt", "t", "area", "diam", "q10", "q10_temperature",
  "ena", "ina", "ek", "ik", "eca", "ica", "nai", "nao", "ki", "ko", "cai", "cao",
  "rates", "states", "ks_exp", "ks_linoid", "ks_sigmoid", "ks_a", "ks_b", "ks_f", "ks_x",
  "ks_v", "ks_A", "ks_k", "ks_d",
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

static gboolean
check_names (const NrtChannel *ch, GError **error)
{
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    g_hash_table_add (taken, g_strdup (reserved[i]));
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      g_hash_table_add (taken, g_strdup_printf ("inf_%s", gate->name));
      g_hash_table_add (taken, g_strdup_printf ("tau_%s", gate->name));
    }
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      if (gate->name[0] == '_' || g_hash_table_contains (taken, gate->name))
        {
          g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED,
                       "Channel “%s”: the gate name “%s” cannot be used in an NMODL file "
                       "(a name the file or NMODL needs): rename the gate", ch->name,
                       gate->name);
          return FALSE;
        }
    }
  return TRUE;
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
    default:
      g_assert_not_reached ();
    }
}

static const char *const form_names[] = {
  [NRT_RATE_CONSTANT] = "constant", [NRT_RATE_EXP] = "exp", [NRT_RATE_LINOID] = "linoid",
  [NRT_RATE_SIGMOID] = "sigmoid",
};

char *
nrt_nmodl_write_channel (const NrtChannel *ch, GError **error)
{
  GString *out;
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean nonspecific;
  const char *ion;

  g_return_val_if_fail (ch != NULL, NULL);
  if (!nrt_channel_validate (ch, error) || !check_names (ch, error))
    return NULL;
  nonspecific = ch->ion == NRT_ION_NONSPECIFIC;
  ion = nrt_ion_name (ch->ion);
  out = g_string_new (NULL);

  g_string_append_printf (out,
    ": %s.mod: the ChannelBuilder channel %s, exported by Neurite (ASCII only: nocmodl\n"
    ": refuses anything else).\n"
    ": An ohmic density channel, i = gmax*(product of gate^power)*(v - e), with NEURON 8.2.2\n"
    ": KSChan's rate functions (kschan.h): Exp clamps its argument to +-700, linoid is\n"
    ": A*x/(1 - Exp(-x)) with x = k*(v - d), or A*(1 + x/2) when |x| <= 1e-6.  Rates are scaled\n"
    ": by q10^((celsius - q10_temperature)/10).  Numbers are written with 17 significant digits.\n\n",
    ch->name, ch->name);
  g_string_append_printf (out, "TITLE ChannelBuilder channel %s\n\n", ch->name);

  g_string_append_printf (out, "NEURON {\n  SUFFIX %s\n", ch->name);
  if (nonspecific)
    g_string_append (out, "  NONSPECIFIC_CURRENT i\n  RANGE gmax, g, e\n");
  else
    g_string_append_printf (out, "  USEION %s READ e%s WRITE i%s\n  RANGE gmax, g, i\n", ion,
                            ion, ion);
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      g_string_append_printf (out, "  RANGE inf_%s, tau_%s\n", gate->name, gate->name);
    }
  g_string_append (out, "  GLOBAL q10, q10_temperature\n  THREADSAFE\n}\n\n");

  g_string_append (out, "UNITS {\n  (mA) = (milliamp)\n  (mV) = (millivolt)\n"
                        "  (S) = (siemens)\n}\n\n");

  g_string_append_printf (out, "PARAMETER {\n  gmax = %s (S/cm2)\n", num (b1, ch->gmax));
  if (nonspecific)
    g_string_append_printf (out, "  e = %s (mV)\n", num (b1, ch->erev));
  g_string_append_printf (out, "  q10 = %s (1)\n  q10_temperature = %s (degC)\n}\n\n",
                          num (b1, ch->q10), num (b2, ch->q10_temperature));

  g_string_append (out, "ASSIGNED {\n  v (mV)\n  celsius (degC)\n  g (S/cm2)\n"
                        "  i (mA/cm2)\n");
  if (!nonspecific)
    g_string_append_printf (out, "  e%s (mV)\n  i%s (mA/cm2)\n", ion, ion);
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      g_string_append_printf (out, "  inf_%s (1)\n  tau_%s (ms)\n", gate->name, gate->name);
    }
  g_string_append (out, "}\n\n");

  if (ch->gates->len > 0)
    {
      g_string_append (out, "STATE {");
      for (guint j = 0; j < ch->gates->len; j++)
        g_string_append_printf (out, " %s", ((const NrtGate *) ch->gates->pdata[j])->name);
      g_string_append (out, " }\n\n");
    }

  /* g as KSChan multiplies it: gmax, then each gate's power as repeated products. */
  g_string_append (out, "BREAKPOINT {\n");
  if (ch->gates->len > 0)
    g_string_append (out, "  SOLVE states METHOD cnexp\n");
  g_string_append (out, "  g = gmax");
  for (guint j = 0; j < ch->gates->len; j++)
    {
      const NrtGate *gate = ch->gates->pdata[j];
      g_string_append (out, "*(");
      for (int q = 0; q < gate->power; q++)
        g_string_append_printf (out, "%s%s", q ? "*" : "", gate->name);
      g_string_append (out, ")");
    }
  if (nonspecific)
    g_string_append (out, "\n  i = g*(v - e)\n}\n\n");
  else
    g_string_append_printf (out, "\n  i = g*(v - e%s)\n  i%s = i\n}\n\n", ion, ion);

  if (ch->gates->len > 0)
    {
      g_string_append (out, "INITIAL {\n  rates(v)\n");
      for (guint j = 0; j < ch->gates->len; j++)
        {
          const NrtGate *gate = ch->gates->pdata[j];
          g_string_append_printf (out, "  %s = inf_%s\n", gate->name, gate->name);
        }
      g_string_append (out, "}\n\nDERIVATIVE states {\n  rates(v)\n");
      for (guint j = 0; j < ch->gates->len; j++)
        {
          const NrtGate *gate = ch->gates->pdata[j];
          g_string_append_printf (out, "  %s' = (inf_%s - %s)/tau_%s\n", gate->name, gate->name,
                                  gate->name, gate->name);
        }
      g_string_append (out, "}\n\nUNITSOFF\n\n");

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
        "  } else {\n    ks_linoid = ks_A*(1 + ks_x/2)\n  }\n}\n\n"
        "UNITSON\n");
    }
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

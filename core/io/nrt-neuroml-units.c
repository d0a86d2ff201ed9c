/* nrt-neuroml-units.c: NeuroML quantities ("120 mS_per_cm2") to and from Neurite's units.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include "nrt-neuroml-private.h"

typedef struct {
  NrtDimension dim;
  const char  *unit;
  int          shift;  /* power of ten from the unit to Neurite's unit */
} NrtUnit;

/* neuroml.md §7: the unit strings the v2.3.1 schema accepts. */
static const NrtUnit units[] = {
  { NRT_DIM_VOLTAGE, "mV", 0 }, { NRT_DIM_VOLTAGE, "V", 3 },
  { NRT_DIM_TIME, "ms", 0 }, { NRT_DIM_TIME, "s", 3 },
  { NRT_DIM_PER_TIME, "per_ms", 0 }, { NRT_DIM_PER_TIME, "per_s", -3 },
  { NRT_DIM_PER_TIME, "Hz", -3 },
  { NRT_DIM_CONDUCTANCE, "S", 6 }, { NRT_DIM_CONDUCTANCE, "mS", 3 },
  { NRT_DIM_CONDUCTANCE, "uS", 0 }, { NRT_DIM_CONDUCTANCE, "nS", -3 },
  { NRT_DIM_CONDUCTANCE, "pS", -6 },
  { NRT_DIM_COND_DENSITY, "S_per_cm2", 0 }, { NRT_DIM_COND_DENSITY, "mS_per_cm2", -3 },
  { NRT_DIM_COND_DENSITY, "S_per_m2", -4 },
  { NRT_DIM_CAPACITANCE_DENSITY, "uF_per_cm2", 0 },
  { NRT_DIM_CAPACITANCE_DENSITY, "F_per_m2", 2 },
  { NRT_DIM_RESISTIVITY, "ohm_cm", 0 }, { NRT_DIM_RESISTIVITY, "kohm_cm", 3 },
  { NRT_DIM_RESISTIVITY, "ohm_m", 2 },
  { NRT_DIM_CURRENT, "nA", 0 }, { NRT_DIM_CURRENT, "pA", -3 }, { NRT_DIM_CURRENT, "uA", 3 },
  { NRT_DIM_CURRENT, "A", 9 },
  { NRT_DIM_TEMPERATURE, "degC", 0 },
  { NRT_DIM_LENGTH, "um", 0 }, { NRT_DIM_LENGTH, "cm", 4 }, { NRT_DIM_LENGTH, "m", 6 },
  { NRT_DIM_CONCENTRATION, "mM", 0 }, { NRT_DIM_CONCENTRATION, "mol_per_m3", 0 },
  { NRT_DIM_CONCENTRATION, "M", 3 }, { NRT_DIM_CONCENTRATION, "mol_per_cm3", 6 },
  { NRT_DIM_PERMEABILITY, "cm_per_s", 0 }, { NRT_DIM_PERMEABILITY, "m_per_s", 2 },
  { NRT_DIM_PERMEABILITY, "um_per_ms", -1 }, { NRT_DIM_PERMEABILITY, "cm_per_ms", 3 },
};

static const char *
dim_name (NrtDimension dim)
{
  switch (dim)
    {
    case NRT_DIM_NONE: return "a dimensionless number";
    case NRT_DIM_VOLTAGE: return "a voltage (mV, V)";
    case NRT_DIM_TIME: return "a time (ms, s)";
    case NRT_DIM_PER_TIME: return "a rate (per_ms, per_s, Hz)";
    case NRT_DIM_CONDUCTANCE: return "a conductance (S, mS, uS, nS, pS)";
    case NRT_DIM_COND_DENSITY: return "a conductance density (S_per_cm2, mS_per_cm2, S_per_m2)";
    case NRT_DIM_CAPACITANCE_DENSITY: return "a specific capacitance (uF_per_cm2, F_per_m2)";
    case NRT_DIM_RESISTIVITY: return "a resistivity (ohm_cm, kohm_cm, ohm_m)";
    case NRT_DIM_CURRENT: return "a current (nA, pA, uA, A)";
    case NRT_DIM_TEMPERATURE: return "a temperature (degC)";
    case NRT_DIM_LENGTH: return "a length (um, cm, m)";
    case NRT_DIM_CONCENTRATION: return "a concentration (mM, M, mol_per_m3, mol_per_cm3)";
    case NRT_DIM_PERMEABILITY: return "a permeability (cm_per_s, m_per_s, um_per_ms, cm_per_ms)";
    default: return "a quantity";
    }
}

/* Splits the NeuroML number pattern -?([0-9]*(\.[0-9]+)?)([eE]-?[0-9]+)? off the front of s.
 * Returns the length of the mantissa and sets *exp and *end. */
static gboolean
scan_number (const char *s, gsize *mant_len, long *exp, const char **end)
{
  const char *p = s;
  gboolean digits = FALSE;

  if (*p == '-')
    p++;
  while (g_ascii_isdigit (*p))
    p++, digits = TRUE;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++, digits = TRUE;
    }
  if (!digits)
    return FALSE;
  *mant_len = p - s;
  *exp = 0;
  if (*p == 'e' || *p == 'E')
    {
      const char *q = p + 1;
      char *qend;
      if (*q == '+')
        return FALSE;
      if (*q == '-')
        q++;
      if (!g_ascii_isdigit (*q))
        return FALSE;
      *exp = strtol (p + 1, &qend, 10);
      if (labs (*exp) > 400)
        return FALSE;
      p = qend;
    }
  *end = p;
  return TRUE;
}

gboolean
nrt_nml_parse_quantity (const char *text, NrtDimension dim, double *value, char **why)
{
  gsize mant_len;
  long exp;
  const char *end;
  const char *unit;
  int shift = 0;
  gboolean found = FALSE;

  if (text == NULL)
    {
      *why = g_strdup ("missing value");
      return FALSE;
    }
  if (g_ascii_strncasecmp (text, "nan", 3) == 0 || g_ascii_strncasecmp (text, "-nan", 4) == 0
      || g_ascii_strncasecmp (text, "inf", 3) == 0 || g_ascii_strncasecmp (text, "-inf", 4) == 0)
    {
      *why = g_strdup_printf ("\"%s\" is not a finite number", text);
      return FALSE;
    }
  if (!scan_number (text, &mant_len, &exp, &end))
    {
      *why = g_strdup_printf ("\"%s\" is not a number with a unit", text);
      return FALSE;
    }
  unit = end;
  while (*unit == ' ')
    unit++;
  if (dim == NRT_DIM_NONE)
    found = (*unit == '\0');
  else
    for (guint i = 0; i < G_N_ELEMENTS (units); i++)
      if (units[i].dim == dim && strcmp (units[i].unit, unit) == 0)
        {
          shift = units[i].shift;
          found = TRUE;
          break;
        }
  if (!found)
    {
      if (*unit == '\0')
        *why = g_strdup_printf ("\"%s\" has no unit: expected %s", text, dim_name (dim));
      else
        *why = g_strdup_printf ("bad unit \"%s\" in \"%s\": expected %s", unit, text,
                                dim_name (dim));
      return FALSE;
    }
  {
    g_autofree char *mant = g_strndup (text, mant_len);
    g_autofree char *num = g_strdup_printf ("%se%ld", mant, exp + shift);
    char *nend;
    double v = g_ascii_strtod (num, &nend);
    if (*nend != '\0' || !isfinite (v))
      {
        *why = g_strdup_printf ("\"%s\" is not a finite number", text);
        return FALSE;
      }
    *value = v;
  }
  return TRUE;
}

gboolean
nrt_nml_parse_number (const char *text, double *value)
{
  char *end;
  double v;

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0' || !isfinite (v))
    return FALSE;
  *value = v;
  return TRUE;
}

char *
nrt_nml_format_number (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  GString *s;

  if (v == 0)
    return g_strdup ("0");  /* also folds -0 */
  /* The shortest of %.15g..%.17g that reads back to the same double. */
  for (int prec = 15; prec <= 17; prec++)
    {
      char fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  s = g_string_new (NULL);
  for (const char *p = buf; *p; p++)
    if (*p != '+')
      g_string_append_c (s, *p);
  /* "1." is not a NeuroML number; g_ascii_dtostr does not produce it, but be safe. */
  if (s->len > 0 && s->str[s->len - 1] == '.')
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

gboolean
nrt_nml_is_nml_id (const char *s)
{
  if (s == NULL || !(g_ascii_isalpha (*s) || *s == '_'))
    return FALSE;
  for (s++; *s; s++)
    if (!(g_ascii_isalnum (*s) || *s == '_'))
      return FALSE;
  return TRUE;
}

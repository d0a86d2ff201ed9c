/* nrt-lems-types.c: custom LEMS rate types (ComponentType extends baseVoltageDep…) read into
 * expressions of nrt-expr and evaluated in SI.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include "nrt-lems-types.h"

G_DEFINE_QUARK (nrt-lems-error-quark, nrt_lems_error)

/* ---- units ---- */

typedef struct {
  const char *unit;
  const char *dimension;
  int         p10;     /* SI value = number · 10^p10 (+ offset) */
  double      offset;
} LemsUnit;

/* The units of NeuroMLCoreDimensions.xml that channel files use. */
static const LemsUnit lems_units[] = {
  { "V", "voltage", 0, 0 }, { "mV", "voltage", -3, 0 },
  { "s", "time", 0, 0 }, { "ms", "time", -3, 0 }, { "us", "time", -6, 0 },
  { "per_s", "per_time", 0, 0 }, { "per_ms", "per_time", 3, 0 }, { "Hz", "per_time", 0, 0 },
  { "kHz", "per_time", 3, 0 },
  { "K", "temperature", 0, 0 }, { "degC", "temperature", 0, 273.15 },
  { "S", "conductance", 0, 0 }, { "mS", "conductance", -3, 0 },
  { "uS", "conductance", -6, 0 }, { "nS", "conductance", -9, 0 },
  { "pS", "conductance", -12, 0 },
  { "F", "capacitance", 0, 0 }, { "uF", "capacitance", -6, 0 },
  { "nF", "capacitance", -9, 0 }, { "pF", "capacitance", -12, 0 },
  { "F_per_m2", "specificCapacitance", 0, 0 }, { "uF_per_cm2", "specificCapacitance", -2, 0 },
  { "S_per_m2", "conductanceDensity", 0, 0 }, { "mS_per_cm2", "conductanceDensity", 1, 0 },
  { "S_per_cm2", "conductanceDensity", 4, 0 },
  { "A", "current", 0, 0 }, { "uA", "current", -6, 0 }, { "nA", "current", -9, 0 },
  { "pA", "current", -12, 0 },
  { "A_per_m2", "currentDensity", 0, 0 }, { "uA_per_cm2", "currentDensity", -2, 0 },
  { "mA_per_cm2", "currentDensity", 1, 0 },
  { "m", "length", 0, 0 }, { "cm", "length", -2, 0 }, { "um", "length", -6, 0 },
  { "m2", "area", 0, 0 }, { "cm2", "area", -4, 0 }, { "um2", "area", -12, 0 },
  { "m3", "volume", 0, 0 }, { "cm3", "volume", -6, 0 }, { "um3", "volume", -18, 0 },
  { "litre", "volume", -3, 0 },
  { "mol_per_m3", "concentration", 0, 0 }, { "mol_per_cm3", "concentration", 6, 0 },
  { "M", "concentration", 3, 0 }, { "mM", "concentration", 0, 0 },
  { "mol", "substance", 0, 0 },
  { "per_V", "per_voltage", 0, 0 }, { "per_mV", "per_voltage", 3, 0 },
  { "ohm", "resistance", 0, 0 }, { "kohm", "resistance", 3, 0 },
  { "Mohm", "resistance", 6, 0 },
  { "ohm_m", "resistivity", 0, 0 }, { "ohm_cm", "resistivity", -2, 0 },
  { "kohm_cm", "resistivity", 1, 0 },
  { "C", "charge", 0, 0 }, { "C_per_mol", "charge_per_mole", 0, 0 },
  { "J_per_K_per_mol", "idealGasConstantDims", 0, 0 },
  { "m_per_s", "permeability", 0, 0 }, { "cm_per_s", "permeability", -2, 0 },
  { "um_per_ms", "permeability", -3, 0 }, { "cm_per_ms", "permeability", 1, 0 },
};

gboolean
nrt_lems_parse_quantity (const char *text, const char *dimension, double *si, GError **error)
{
  const char *s = text, *num_start, *mant_end;
  long expo = 0;
  const LemsUnit *unit = NULL;
  g_autofree char *unit_text = NULL, *mantissa = NULL, *shifted = NULL;
  NrtExprDim dim;

  if (!nrt_expr_dim_from_name (dimension, &dim))
    {
      g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID, "unknown dimension '%s'",
                   dimension);
      return FALSE;
    }
  while (g_ascii_isspace (*s))
    s++;
  num_start = s;
  if (*s == '+' || *s == '-')
    s++;
  {
    int digits = 0, dots = 0;
    while (g_ascii_isdigit (*s) || *s == '.')
      {
        digits += g_ascii_isdigit (*s);
        dots += *s == '.';
        s++;
      }
    if (digits == 0 || dots > 1)
      {
        g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID, "'%s' is not a number",
                     text);
        return FALSE;
      }
  }
  mant_end = s;
  if ((*s == 'e' || *s == 'E')
      && (g_ascii_isdigit (s[1]) || ((s[1] == '+' || s[1] == '-') && g_ascii_isdigit (s[2]))))
    {
      char *after;
      expo = strtol (s + 1, &after, 10);
      s = after;
    }
  while (g_ascii_isspace (*s))
    s++;
  unit_text = g_strchomp (g_strdup (s));
  if (unit_text[0] != '\0')
    {
      for (gsize i = 0; i < G_N_ELEMENTS (lems_units); i++)
        if (strcmp (lems_units[i].unit, unit_text) == 0)
          unit = &lems_units[i];
      if (!unit)
        {
          g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID, "unknown unit '%s' in '%s'",
                       unit_text, text);
          return FALSE;
        }
      if (strcmp (unit->dimension, dimension) != 0)
        {
          g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                       "'%s' is %s, not %s", text, unit->dimension, dimension);
          return FALSE;
        }
    }
  else if (strcmp (dimension, "none") != 0)
    {
      g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                   "'%s' needs a unit of %s", text, dimension);
      return FALSE;
    }
  /* shift the decimal exponent of the text, then one correctly rounded conversion: "0.07 ms"
   * is the double nearest 7e-5, not 0.07 · 1e-3 */
  mantissa = g_strndup (num_start, mant_end - num_start);
  shifted = g_strdup_printf ("%se%ld", mantissa, expo + (unit ? unit->p10 : 0));
  *si = g_ascii_strtod (shifted, NULL);
  if (unit && unit->offset != 0)
    *si += unit->offset;
  if (!isfinite (*si))
    {
      g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID, "'%s' is out of range", text);
      return FALSE;
    }
  return TRUE;
}

/* ---- types ---- */

typedef struct {
  char      *name;
  int        line;
  gboolean   has_dim;
  NrtExprDim dim;
  guint      slot;
  gboolean   conditional;
  /* DerivedVariable: one value, no condition; ConditionalDerivedVariable: the cases in order,
   * conds[i] NULL for the default case */
  GPtrArray *conds;    /* of NrtExpr* or NULL */
  GPtrArray *values;   /* of NrtExpr* */
  GPtrArray *cond_texts;
  GPtrArray *value_texts;
  GArray    *case_lines;  /* of int */
  int        mark;        /* dependency sort: 0 new, 1 visiting, 2 done */
} Derived;

static void
derived_free (gpointer p)
{
  Derived *d = p;

  g_free (d->name);
  g_ptr_array_unref (d->conds);
  g_ptr_array_unref (d->values);
  g_ptr_array_unref (d->cond_texts);
  g_ptr_array_unref (d->value_texts);
  g_array_unref (d->case_lines);
  g_free (d);
}

static void
free_expr (gpointer p)
{
  nrt_expr_free (p);
}

/* One step of the evaluation: a derived variable, flattened. */
typedef struct {
  guint           slot;
  guint           n_cases;
  const NrtExpr **conds;   /* n_cases, NULL entries for the default */
  const NrtExpr **values;  /* n_cases */
} Step;

struct _NrtLemsRateType {
  char            *name;
  char            *extends;
  NrtLemsRateKind  kind;
  gboolean         conc;
  gboolean         temperature;
  NrtExprSymbols  *symbols;
  GPtrArray       *params;   /* of char*, slots 0 … n-1 */
  GArray          *param_dims;
  GPtrArray       *param_dim_names;  /* of char*: "voltage" */
  int              slot_v, slot_temperature, slot_conc;
  guint            n_slots;
  GPtrArray       *derived;  /* of Derived* */
  Step            *steps;
  guint            n_steps;
  GPtrArray       *inlined;  /* of NrtExpr*: expressions made by inline_steps() */
  guint            result_slot;
};

static const struct {
  const char     *name;
  NrtLemsRateKind kind;
  gboolean        conc;
} bases[] = {
  { "baseVoltageDepRate", NRT_LEMS_RATE, FALSE },
  { "baseVoltageDepTime", NRT_LEMS_TIME, FALSE },
  { "baseVoltageDepVariable", NRT_LEMS_VARIABLE, FALSE },
  { "baseVoltageConcDepRate", NRT_LEMS_RATE, TRUE },
  { "baseVoltageConcDepTime", NRT_LEMS_TIME, TRUE },
  { "baseVoltageConcDepVariable", NRT_LEMS_VARIABLE, TRUE },
};

static const char *const exposed_name[] = { "r", "t", "x" };
static const char *const exposed_dim[] = { "per_time", "time", "none" };

void
nrt_lems_rate_type_free (NrtLemsRateType *type)
{
  if (!type)
    return;
  g_free (type->name);
  g_free (type->extends);
  nrt_expr_symbols_free (type->symbols);
  if (type->params)
    g_ptr_array_unref (type->params);
  if (type->param_dims)
    g_array_unref (type->param_dims);
  if (type->param_dim_names)
    g_ptr_array_unref (type->param_dim_names);
  if (type->derived)
    g_ptr_array_unref (type->derived);
  for (guint i = 0; i < type->n_steps; i++)
    {
      g_free (type->steps[i].conds);
      g_free (type->steps[i].values);
    }
  g_free (type->steps);
  if (type->inlined)
    g_ptr_array_unref (type->inlined);
  g_free (type);
}

static void
set_error (GError **error, NrtLemsError code, xmlNodePtr node, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static void
set_error (GError **error, NrtLemsError code, xmlNodePtr node, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, NRT_LEMS_ERROR, code, "line %ld: %s", xmlGetLineNo (node), msg);
}

static char *
get (xmlNodePtr node, const char *attr)
{
  xmlChar *v = xmlGetProp (node, BAD_CAST attr);
  char *s = v ? g_strdup ((const char *) v) : NULL;

  xmlFree (v);
  return s;
}

static gboolean
is (xmlNodePtr node, const char *name)
{
  return node->type == XML_ELEMENT_NODE && xmlStrcmp (node->name, BAD_CAST name) == 0;
}

/* A name and a known dimension, both required. */
static gboolean
name_and_dim (xmlNodePtr node, char **name, NrtExprDim *dim, GError **error)
{
  g_autofree char *d = get (node, "dimension");

  *name = get (node, "name");
  if (!*name || !**name)
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "%s without a name",
                 (const char *) node->name);
      return FALSE;
    }
  if (!d)
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "%s '%s' has no dimension",
                 (const char *) node->name, *name);
      return FALSE;
    }
  if (!nrt_expr_dim_from_name (d, dim))
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "%s '%s': unknown dimension '%s'",
                 (const char *) node->name, *name, d);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_declared (NrtLemsRateType *t, const char *name)
{
  return nrt_expr_symbols_lookup (t->symbols, name) >= 0;
}

static gboolean
read_requirement (NrtLemsRateType *t, xmlNodePtr node, GError **error)
{
  g_autofree char *name = NULL;
  NrtExprDim dim, want;
  const char *want_dim;

  if (!name_and_dim (node, &name, &dim, error))
    return FALSE;
  if (strcmp (name, "v") == 0)
    want_dim = "voltage";
  else if (strcmp (name, "temperature") == 0)
    want_dim = "temperature";
  else if (strcmp (name, "caConc") == 0 && t->conc)
    want_dim = "concentration";
  else
    {
      set_error (error, NRT_LEMS_ERROR_UNSUPPORTED, node,
                 "requirement '%s' is not available to %s (only v, temperature%s)", name,
                 t->extends, t->conc ? " and caConc" : "");
      return FALSE;
    }
  nrt_expr_dim_from_name (want_dim, &want);
  if (!nrt_expr_dim_equal (dim, want))
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "requirement '%s' must be %s", name,
                 want_dim);
      return FALSE;
    }
  if (strcmp (name, "temperature") == 0 && !t->temperature)
    {
      t->temperature = TRUE;
      t->slot_temperature = nrt_expr_symbols_add (t->symbols, "temperature", want, 1.0);
    }
  return TRUE;
}

static gboolean
read_derived (NrtLemsRateType *t, xmlNodePtr node, gboolean conditional, GError **error)
{
  Derived *d = g_new0 (Derived, 1);
  g_autofree char *dim = get (node, "dimension");

  d->conds = g_ptr_array_new_with_free_func (free_expr);
  d->values = g_ptr_array_new_with_free_func (free_expr);
  d->cond_texts = g_ptr_array_new_with_free_func (g_free);
  d->value_texts = g_ptr_array_new_with_free_func (g_free);
  d->case_lines = g_array_new (FALSE, FALSE, sizeof (int));
  d->conditional = conditional;
  d->line = xmlGetLineNo (node);
  g_ptr_array_add (t->derived, d);
  d->name = get (node, "name");
  if (!d->name || !*d->name)
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "%s without a name",
                 (const char *) node->name);
      return FALSE;
    }
  if (is_declared (t, d->name))
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "'%s' is declared twice", d->name);
      return FALSE;
    }
  if (dim)
    {
      if (!nrt_expr_dim_from_name (dim, &d->dim))
        {
          set_error (error, NRT_LEMS_ERROR_INVALID, node, "%s '%s': unknown dimension '%s'",
                     (const char *) node->name, d->name, dim);
          return FALSE;
        }
      d->has_dim = TRUE;
    }
  d->slot = nrt_expr_symbols_add (t->symbols, d->name, d->dim, 1.0);
  if (!conditional)
    {
      char *value = get (node, "value");
      if (!value)
        {
          set_error (error, NRT_LEMS_ERROR_INVALID, node, "%s '%s' has no value",
                     (const char *) node->name, d->name);
          return FALSE;
        }
      g_ptr_array_add (d->cond_texts, NULL);
      g_ptr_array_add (d->value_texts, value);
      g_array_append_val (d->case_lines, d->line);
      return TRUE;
    }
  for (xmlNodePtr c = node->children; c; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (!is (c, "Case"))
        {
          set_error (error, NRT_LEMS_ERROR_UNSUPPORTED, c, "unexpected <%s> in "
                     "ConditionalDerivedVariable '%s'", (const char *) c->name, d->name);
          return FALSE;
        }
      char *value = get (c, "value");
      int line = xmlGetLineNo (c);
      if (!value)
        {
          set_error (error, NRT_LEMS_ERROR_INVALID, c, "Case of '%s' has no value", d->name);
          return FALSE;
        }
      g_ptr_array_add (d->cond_texts, get (c, "condition"));
      g_ptr_array_add (d->value_texts, value);
      g_array_append_val (d->case_lines, line);
    }
  if (d->value_texts->len == 0)
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "ConditionalDerivedVariable '%s' has "
                 "no Case", d->name);
      return FALSE;
    }
  return TRUE;
}

/* Parses the expressions of d with the current symbol dimensions; checks dimensions when
 * check is set. */
static gboolean
parse_derived (NrtLemsRateType *t, Derived *d, gboolean check, GError **error)
{
  g_ptr_array_set_size (d->conds, 0);
  g_ptr_array_set_size (d->values, 0);
  for (guint i = 0; i < d->value_texts->len; i++)
    {
      const char *ct = g_ptr_array_index (d->cond_texts, i);
      const char *vt = g_ptr_array_index (d->value_texts, i);
      int line = g_array_index (d->case_lines, int, i);
      g_autoptr (GError) local = NULL;
      NrtExpr *cond = NULL, *value;
      NrtExprDim dim;

      if (ct)
        {
          cond = nrt_expr_parse (ct, t->symbols, &local);
          if (cond && !nrt_expr_is_condition (cond))
            {
              g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                           "line %d: condition \"%s\" of '%s' is not a comparison", line, ct,
                           d->name);
              nrt_expr_free (cond);
              return FALSE;
            }
          if (cond && check && !nrt_expr_check_dimensions (cond, NULL, &local))
            g_clear_pointer (&cond, nrt_expr_free);
          if (!cond)
            {
              g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                           "line %d: condition \"%s\" of '%s': %s", line, ct, d->name,
                           local->message);
              return FALSE;
            }
        }
      g_ptr_array_add (d->conds, cond);
      value = nrt_expr_parse (vt, t->symbols, &local);
      if (value && nrt_expr_is_condition (value))
        {
          g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                       "line %d: value \"%s\" of '%s' is a condition, not a number", line, vt,
                       d->name);
          nrt_expr_free (value);
          return FALSE;
        }
      if (value && check && !nrt_expr_check_dimensions (value, &dim, &local))
        g_clear_pointer (&value, nrt_expr_free);
      if (!value)
        {
          g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                       "line %d: value \"%s\" of '%s': %s", line, vt, d->name, local->message);
          return FALSE;
        }
      g_ptr_array_add (d->values, value);
      if (check)
        {
          if (!d->has_dim && i == 0)
            {
              /* an undeclared dimension is the first value's */
              d->dim = dim;
              d->has_dim = TRUE;
              nrt_expr_symbols_add (t->symbols, d->name, dim, 1.0);
            }
          else if (!nrt_expr_dim_equal (dim, d->dim) && !nrt_expr_is_zero_literal (value))
            {
              g_autofree char *got = nrt_expr_dim_to_string (dim);
              g_autofree char *want = nrt_expr_dim_to_string (d->dim);
              g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                           "line %d: '%s' is declared %s but \"%s\" is %s", line, d->name,
                           want, vt, got);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static Derived *
find_derived (NrtLemsRateType *t, guint slot)
{
  for (guint i = 0; i < t->derived->len; i++)
    {
      Derived *d = g_ptr_array_index (t->derived, i);
      if (d->slot == slot)
        return d;
    }
  return NULL;
}

static gboolean
uses (Derived *d, guint slot)
{
  for (guint i = 0; i < d->values->len; i++)
    if (nrt_expr_uses_slot (g_ptr_array_index (d->values, i), slot)
        || (g_ptr_array_index (d->conds, i)
            && nrt_expr_uses_slot (g_ptr_array_index (d->conds, i), slot)))
      return TRUE;
  return FALSE;
}

/* Depth-first: the derived variables d needs, then d. */
static gboolean
order (NrtLemsRateType *t, Derived *d, GPtrArray *out, GError **error)
{
  if (d->mark == 2)
    return TRUE;
  if (d->mark == 1)
    {
      g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                   "line %d: '%s' depends on itself", d->line, d->name);
      return FALSE;
    }
  d->mark = 1;
  for (guint i = 0; i < t->derived->len; i++)
    {
      Derived *dep = g_ptr_array_index (t->derived, i);
      if (uses (d, dep->slot) && !order (t, dep, out, error))
        return FALSE;
    }
  d->mark = 2;
  g_ptr_array_add (out, d);
  return TRUE;
}

/* Longest program an inlined expression may grow to: shared sub-expressions are evaluated
 * once per use, so chains of variables used several times could grow exponentially. */
#define MAX_INLINED_PROGRAM 512

static void
replace_inlined (NrtLemsRateType *t, const NrtExpr **slot_expr, const Step *def)
{
  NrtExpr *x;

  if (!*slot_expr || !nrt_expr_uses_slot (*slot_expr, def->slot))
    return;
  x = nrt_expr_inline (*slot_expr, def->slot, def->values[0]);
  if (nrt_expr_program_size (x) > MAX_INLINED_PROGRAM)
    {
      nrt_expr_free (x);
      return;
    }
  g_ptr_array_add (t->inlined, x);
  *slot_expr = x;
}

/* Plain DerivedVariables (one value, no condition) are substituted into the expressions that
 * read them, which gives the same bits with fewer evaluations (V = v / VOLT_SCALE is folded
 * into r); then the steps no longer read are dropped.  Conditional variables stay steps. */
static void
inline_steps (NrtLemsRateType *t)
{
  g_autofree gboolean *keep = g_new0 (gboolean, t->n_steps);
  guint n = 0;

  t->inlined = g_ptr_array_new_with_free_func (free_expr);
  for (guint i = 0; i < t->n_steps; i++)
    {
      const Step *def = &t->steps[i];
      if (def->n_cases != 1 || def->conds[0] || def->slot == t->result_slot)
        continue;
      for (guint j = i + 1; j < t->n_steps; j++)
        for (guint k = 0; k < t->steps[j].n_cases; k++)
          {
            replace_inlined (t, &t->steps[j].conds[k], def);
            replace_inlined (t, &t->steps[j].values[k], def);
          }
    }
  /* the result is the last step; a step is kept when a kept later step reads it */
  for (int i = (int) t->n_steps - 1; i >= 0; i--)
    {
      keep[i] = (guint) i == t->n_steps - 1;
      for (guint j = i + 1; j < t->n_steps && !keep[i]; j++)
        for (guint k = 0; keep[j] && k < t->steps[j].n_cases; k++)
          if ((t->steps[j].conds[k]
               && nrt_expr_uses_slot (t->steps[j].conds[k], t->steps[i].slot))
              || nrt_expr_uses_slot (t->steps[j].values[k], t->steps[i].slot))
            keep[i] = TRUE;
    }
  for (guint i = 0; i < t->n_steps; i++)
    {
      if (keep[i])
        t->steps[n++] = t->steps[i];
      else
        {
          g_free (t->steps[i].conds);
          g_free (t->steps[i].values);
        }
    }
  t->n_steps = n;
}

/* The number of evaluation steps left after inlining (for tests). */
guint
nrt_lems_rate_type_get_n_steps (const NrtLemsRateType *type)
{
  return type->n_steps;
}

NrtLemsRateType *
nrt_lems_rate_type_new (xmlNodePtr node, GError **error)
{
  g_autoptr (NrtLemsRateType) t = g_new0 (NrtLemsRateType, 1);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  xmlNodePtr dynamics = NULL;
  NrtExprDim dim;
  gboolean base_found = FALSE;
  Derived *result;

  if (!is (node, "ComponentType"))
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "<%s> is not a ComponentType",
                 (const char *) node->name);
      return NULL;
    }
  t->name = get (node, "name");
  t->extends = get (node, "extends");
  t->symbols = nrt_expr_symbols_new ();
  t->params = g_ptr_array_new_with_free_func (g_free);
  t->param_dims = g_array_new (FALSE, FALSE, sizeof (NrtExprDim));
  t->param_dim_names = g_ptr_array_new_with_free_func (g_free);
  t->derived = g_ptr_array_new_with_free_func (derived_free);
  t->slot_temperature = t->slot_conc = -1;
  if (!t->name)
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "ComponentType without a name");
      return NULL;
    }
  for (gsize i = 0; t->extends && i < G_N_ELEMENTS (bases); i++)
    if (strcmp (bases[i].name, t->extends) == 0)
      {
        t->kind = bases[i].kind;
        t->conc = bases[i].conc;
        base_found = TRUE;
      }
  if (!base_found)
    {
      set_error (error, NRT_LEMS_ERROR_UNSUPPORTED, node,
                 "ComponentType '%s' extends '%s': only baseVoltageDepRate, baseVoltageDepTime, "
                 "baseVoltageDepVariable and their baseVoltageConcDep… forms are evaluated",
                 t->name, t->extends ? t->extends : "nothing");
      return NULL;
    }

  /* Parameters first: their slots are the params array. */
  for (xmlNodePtr c = node->children; c; c = c->next)
    if (is (c, "Parameter"))
      {
        char *name;
        if (!name_and_dim (c, &name, &dim, error))
          return NULL;
        if (is_declared (t, name))
          {
            set_error (error, NRT_LEMS_ERROR_INVALID, c, "'%s' is declared twice", name);
            g_free (name);
            return NULL;
          }
        nrt_expr_symbols_add (t->symbols, name, dim, 1.0);
        g_ptr_array_add (t->params, name);
        g_array_append_val (t->param_dims, dim);
        g_ptr_array_add (t->param_dim_names, get (c, "dimension"));
      }
  /* The base types provide v (and caConc); temperature only when required. */
  nrt_expr_dim_from_name ("voltage", &dim);
  t->slot_v = nrt_expr_symbols_add (t->symbols, "v", dim, 1.0);
  if (t->conc)
    {
      nrt_expr_dim_from_name ("concentration", &dim);
      t->slot_conc = nrt_expr_symbols_add (t->symbols, "caConc", dim, 1.0);
    }

  for (xmlNodePtr c = node->children; c; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE || is (c, "Parameter"))
        continue;
      if (is (c, "Constant"))
        {
          g_autofree char *name = NULL, *value = NULL, *dname = get (c, "dimension");
          g_autoptr (GError) local = NULL;
          double si;
          if (!name_and_dim (c, &name, &dim, error))
            return NULL;
          value = get (c, "value");
          if (!value)
            {
              set_error (error, NRT_LEMS_ERROR_INVALID, c, "Constant '%s' has no value", name);
              return NULL;
            }
          if (!nrt_lems_parse_quantity (value, dname, &si, &local))
            {
              set_error (error, NRT_LEMS_ERROR_INVALID, c, "Constant '%s': %s", name,
                         local->message);
              return NULL;
            }
          if (is_declared (t, name))
            {
              set_error (error, NRT_LEMS_ERROR_INVALID, c, "'%s' is declared twice", name);
              return NULL;
            }
          nrt_expr_symbols_add_constant (t->symbols, name, dim, si);
        }
      else if (is (c, "Requirement"))
        {
          if (!read_requirement (t, c, error))
            return NULL;
        }
      else if (is (c, "Exposure"))
        {
          g_autofree char *name = NULL;
          if (!name_and_dim (c, &name, &dim, error))
            return NULL;
        }
      else if (is (c, "Dynamics"))
        dynamics = c;
      else if (is (c, "DerivedParameter"))
        {
          if (!read_derived (t, c, FALSE, error))
            return NULL;
        }
      else if (!is (c, "notes") && !is (c, "annotation"))
        {
          set_error (error, NRT_LEMS_ERROR_UNSUPPORTED, c,
                     "<%s> in ComponentType '%s' is not supported for a custom rate type",
                     (const char *) c->name, t->name);
          return NULL;
        }
    }
  if (!dynamics)
    {
      set_error (error, NRT_LEMS_ERROR_INVALID, node, "ComponentType '%s' has no Dynamics",
                 t->name);
      return NULL;
    }
  for (xmlNodePtr c = dynamics->children; c; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (is (c, "DerivedVariable") || is (c, "ConditionalDerivedVariable"))
        {
          if (!read_derived (t, c, is (c, "ConditionalDerivedVariable"), error))
            return NULL;
        }
      else
        {
          set_error (error, NRT_LEMS_ERROR_UNSUPPORTED, c,
                     "<%s> in the Dynamics of '%s': a custom rate type must be a function of "
                     "v (only DerivedVariable and ConditionalDerivedVariable)",
                     (const char *) c->name, t->name);
          return NULL;
        }
    }

  /* Parse once for the dependencies, then again in dependency order with the dimensions of
   * the variables that declare none inferred, checking every expression. */
  for (guint i = 0; i < t->derived->len; i++)
    if (!parse_derived (t, g_ptr_array_index (t->derived, i), FALSE, error))
      return NULL;
  for (guint i = 0; i < t->derived->len; i++)
    if (!order (t, g_ptr_array_index (t->derived, i), sorted, error))
      return NULL;
  for (guint i = 0; i < sorted->len; i++)
    if (!parse_derived (t, g_ptr_array_index (sorted, i), TRUE, error))
      return NULL;

  /* the exposed variable */
  {
    int slot = nrt_expr_symbols_lookup (t->symbols, exposed_name[t->kind]);
    NrtExprDim want;
    result = slot >= 0 ? find_derived (t, slot) : NULL;
    if (!result)
      {
        set_error (error, NRT_LEMS_ERROR_INVALID, node,
                   "ComponentType '%s' (%s) defines no DerivedVariable '%s'", t->name,
                   t->extends, exposed_name[t->kind]);
        return NULL;
      }
    nrt_expr_dim_from_name (exposed_dim[t->kind], &want);
    if (!nrt_expr_dim_equal (result->dim, want))
      {
        g_autofree char *got = nrt_expr_dim_to_string (result->dim);
        g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID,
                     "line %d: '%s' of %s must be %s, not %s", result->line, result->name,
                     t->extends, exposed_dim[t->kind], got);
        return NULL;
      }
    t->result_slot = result->slot;
  }

  /* the steps: only what the result needs, in order */
  g_ptr_array_set_size (sorted, 0);
  for (guint i = 0; i < t->derived->len; i++)
    ((Derived *) g_ptr_array_index (t->derived, i))->mark = 0;
  if (!order (t, result, sorted, error))
    return NULL;
  t->n_steps = sorted->len;
  t->steps = g_new0 (Step, t->n_steps);
  for (guint i = 0; i < sorted->len; i++)
    {
      Derived *d = g_ptr_array_index (sorted, i);
      Step *s = &t->steps[i];
      s->slot = d->slot;
      s->n_cases = d->values->len;
      s->conds = g_new (const NrtExpr *, s->n_cases);
      s->values = g_new (const NrtExpr *, s->n_cases);
      for (guint k = 0; k < s->n_cases; k++)
        {
          s->conds[k] = g_ptr_array_index (d->conds, k);
          s->values[k] = g_ptr_array_index (d->values, k);
        }
    }
  t->n_slots = nrt_expr_symbols_count (t->symbols);
  inline_steps (t);
  return g_steal_pointer (&t);
}

NrtLemsRateType *
nrt_lems_rate_type_new_from_string (const char *xml, GError **error)
{
  xmlDocPtr doc = xmlReadMemory (xml, strlen (xml), "lems.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  NrtLemsRateType *t = NULL;
  xmlNodePtr found = NULL;

  if (!doc)
    {
      g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID, "not well-formed XML");
      return NULL;
    }
  for (xmlNodePtr n = xmlDocGetRootElement (doc); n && !found; )
    {
      if (is (n, "ComponentType"))
        found = n;
      else if (n->children)
        n = n->children;
      else
        {
          while (n && !n->next)
            n = n->parent;
          n = n ? n->next : NULL;
        }
    }
  if (found)
    t = nrt_lems_rate_type_new (found, error);
  else
    g_set_error (error, NRT_LEMS_ERROR, NRT_LEMS_ERROR_INVALID, "no <ComponentType>");
  xmlFreeDoc (doc);
  return t;
}

const char *
nrt_lems_rate_type_get_name (const NrtLemsRateType *type)
{
  return type->name;
}

const char *
nrt_lems_rate_type_get_extends (const NrtLemsRateType *type)
{
  return type->extends;
}

NrtLemsRateKind
nrt_lems_rate_type_get_kind (const NrtLemsRateType *type)
{
  return type->kind;
}

gboolean
nrt_lems_rate_type_uses_conc (const NrtLemsRateType *type)
{
  return type->conc;
}

gboolean
nrt_lems_rate_type_uses_temperature (const NrtLemsRateType *type)
{
  return type->temperature;
}

guint
nrt_lems_rate_type_get_n_params (const NrtLemsRateType *type)
{
  return type->params->len;
}

const char *
nrt_lems_rate_type_get_param_name (const NrtLemsRateType *type, guint i)
{
  g_return_val_if_fail (i < type->params->len, NULL);
  return g_ptr_array_index (type->params, i);
}

NrtExprDim
nrt_lems_rate_type_get_param_dim (const NrtLemsRateType *type, guint i)
{
  g_return_val_if_fail (i < type->params->len, NRT_EXPR_DIM_NONE);
  return g_array_index (type->param_dims, NrtExprDim, i);
}

int
nrt_lems_rate_type_find_param (const NrtLemsRateType *type, const char *name)
{
  for (guint i = 0; i < type->params->len; i++)
    if (strcmp (g_ptr_array_index (type->params, i), name) == 0)
      return (int) i;
  return -1;
}

#define SMALL_SLOTS 32

static double
run (const NrtLemsRateType *t, double *vals)
{
  for (guint i = 0; i < t->n_steps; i++)
    {
      const Step *s = &t->steps[i];
      double r = 0;  /* no Case applies: 0, as jLEMS's ConditionalDBase */
      for (guint k = 0; k < s->n_cases; k++)
        if (!s->conds[k] || nrt_expr_eval (s->conds[k], vals) != 0)
          {
            r = nrt_expr_eval (s->values[k], vals);
            break;
          }
      vals[s->slot] = r;
    }
  return vals[t->result_slot];
}

double
nrt_lems_rate_eval_conc (const NrtLemsRateType *type, const double *params, double v,
                         double celsius, double ca_conc)
{
  double small[SMALL_SLOTS];
  g_autofree double *big = NULL;
  double *vals = small;

  if (type->n_slots > SMALL_SLOTS)
    vals = big = g_new (double, type->n_slots);
  if (type->params->len > 0)
    memcpy (vals, params, type->params->len * sizeof (double));
  vals[type->slot_v] = v;
  if (type->slot_temperature >= 0)
    vals[type->slot_temperature] = celsius + 273.15;
  if (type->slot_conc >= 0)
    vals[type->slot_conc] = ca_conc;
  return run (type, vals);
}

double
nrt_lems_rate_eval (const NrtLemsRateType *type, const double *params, double v,
                    double celsius)
{
  return nrt_lems_rate_eval_conc (type, params, v, celsius, 0);
}

gboolean
nrt_lems_rate_type_read_params (const NrtLemsRateType *type, xmlNodePtr element,
                                double *params, GError **error)
{
  for (guint i = 0; i < type->params->len; i++)
    {
      const char *name = g_ptr_array_index (type->params, i);
      const char *dim = g_ptr_array_index (type->param_dim_names, i);
      g_autofree char *value = get (element, name);
      g_autoptr (GError) local = NULL;

      if (!value)
        {
          set_error (error, NRT_LEMS_ERROR_INVALID, element,
                     "<%s> of type '%s' needs the parameter %s (%s)",
                     (const char *) element->name, type->name, name, dim);
          return FALSE;
        }
      if (!nrt_lems_parse_quantity (value, dim, &params[i], &local))
        {
          set_error (error, NRT_LEMS_ERROR_INVALID, element, "<%s> %s=\"%s\": %s",
                     (const char *) element->name, name, value, local->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- library ---- */

struct _NrtLemsTypeLibrary {
  GHashTable *types;  /* name → NrtLemsRateType* (owned) */
};

NrtLemsTypeLibrary *
nrt_lems_type_library_new (void)
{
  NrtLemsTypeLibrary *lib = g_new0 (NrtLemsTypeLibrary, 1);

  lib->types = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) nrt_lems_rate_type_free);
  return lib;
}

void
nrt_lems_type_library_free (NrtLemsTypeLibrary *library)
{
  if (!library)
    return;
  g_hash_table_unref (library->types);
  g_free (library);
}

gboolean
nrt_lems_is_rate_base (const char *extends)
{
  for (gsize i = 0; extends && i < G_N_ELEMENTS (bases); i++)
    if (strcmp (bases[i].name, extends) == 0)
      return TRUE;
  return FALSE;
}

gboolean
nrt_lems_type_library_add (NrtLemsTypeLibrary *library, xmlNodePtr root, GError **error)
{
  for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next)
    {
      g_autofree char *extends = NULL;
      NrtLemsRateType *t;

      if (!is (c, "ComponentType"))
        continue;
      extends = get (c, "extends");
      if (!nrt_lems_is_rate_base (extends))
        continue;
      t = nrt_lems_rate_type_new (c, error);
      if (!t)
        return FALSE;
      if (g_hash_table_contains (library->types, t->name))
        {
          set_error (error, NRT_LEMS_ERROR_INVALID, c, "ComponentType '%s' is defined twice",
                     t->name);
          nrt_lems_rate_type_free (t);
          return FALSE;
        }
      g_hash_table_insert (library->types, t->name, t);
    }
  return TRUE;
}

const NrtLemsRateType *
nrt_lems_type_library_lookup (const NrtLemsTypeLibrary *library, const char *name)
{
  return g_hash_table_lookup (library->types, name);
}

guint
nrt_lems_type_library_get_n_types (const NrtLemsTypeLibrary *library)
{
  return g_hash_table_size (library->types);
}

/* ---- NMODL ---- */

char *
nrt_lems_rate_type_to_nmodl (const NrtLemsRateType *type, const char *fn_name)
{
  g_autoptr (GHashTable) rename = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         g_free);
  g_autoptr (GString) s = g_string_new (NULL);
  guint n = nrt_expr_symbols_count (type->symbols);

  /* NMODL names: parameters p_<name>, variables d_<name> (LEMS's t would be NEURON's time),
   * constants as numbers */
  for (guint slot = 0; slot < n; slot++)
    {
      const char *name = nrt_expr_symbols_name (type->symbols, slot);
      double value;
      if (nrt_expr_symbols_get_constant (type->symbols, slot, &value))
        {
          g_autoptr (NrtExpr) num = NULL;
          g_autofree char *text = g_strdup_printf ("%.17g", value);
          /* the shortest text that reads back the same: the canonical printer's */
          num = nrt_expr_parse (text, NULL, NULL);
          g_free (text);
          text = nrt_expr_to_string (num);
          g_hash_table_insert (rename, (gpointer) name,
                               value < 0 ? g_strdup_printf ("(%s)", text) : g_strdup (text));
        }
      else if ((int) slot == type->slot_v)
        g_hash_table_insert (rename, (gpointer) name, g_strdup ("v_si"));
      else if ((int) slot == type->slot_temperature)
        g_hash_table_insert (rename, (gpointer) name, g_strdup ("(celsius + 273.15)"));
      else if ((int) slot == type->slot_conc)
        g_hash_table_insert (rename, (gpointer) name, g_strdup ("cai"));
      else if (slot < type->params->len)
        g_hash_table_insert (rename, (gpointer) name, g_strdup_printf ("p_%s", name));
      else
        g_hash_table_insert (rename, (gpointer) name, g_strdup_printf ("d_%s", name));
    }

  g_string_append_printf (s, "FUNCTION %s(v", fn_name);
  for (guint i = 0; i < type->params->len; i++)
    g_string_append_printf (s, ", p_%s", (const char *) g_ptr_array_index (type->params, i));
  if (type->conc)
    g_string_append (s, ", cai");
  g_string_append (s, ") {\n  LOCAL v_si");
  for (guint i = 0; i < type->n_steps; i++)
    {
      g_string_append_printf (s, ", d_%s",
                              nrt_expr_symbols_name (type->symbols, type->steps[i].slot));
    }
  g_string_append (s, "\n  v_si = v / 1000\n");
  for (guint i = 0; i < type->n_steps; i++)
    {
      const Step *st = &type->steps[i];
      const char *name = g_hash_table_lookup (rename,
                                              nrt_expr_symbols_name (type->symbols, st->slot));
      gboolean has_default = FALSE;

      if (st->n_cases == 1 && !st->conds[0])
        {
          g_autofree char *v = nrt_expr_to_nmodl (st->values[0], rename);
          g_string_append_printf (s, "  %s = %s\n", name, v);
          continue;
        }
      g_string_append (s, "  ");
      for (guint k = 0; k < st->n_cases; k++)
        {
          g_autofree char *v = nrt_expr_to_nmodl (st->values[k], rename);
          if (st->conds[k])
            {
              g_autofree char *c = nrt_expr_to_nmodl (st->conds[k], rename);
              g_string_append_printf (s, "%sif (%s) {\n    %s = %s\n  }", k ? " else " : "",
                                      c, name, v);
            }
          else
            {
              if (k == 0)
                g_string_append_printf (s, "%s = %s", name, v);
              else
                g_string_append_printf (s, " else {\n    %s = %s\n  }", name, v);
              has_default = TRUE;
              break;
            }
        }
      if (!has_default)
        g_string_append_printf (s, " else {\n    %s = 0\n  }", name);
      g_string_append_c (s, '\n');
    }
  {
    const char *result = g_hash_table_lookup (rename, nrt_expr_symbols_name (type->symbols,
                                                                             type->result_slot));
    switch (type->kind)
      {
      case NRT_LEMS_RATE:
        g_string_append_printf (s, "  %s = %s / 1000\n", fn_name, result);
        break;
      case NRT_LEMS_TIME:
        g_string_append_printf (s, "  %s = %s * 1000\n", fn_name, result);
        break;
      default:
        g_string_append_printf (s, "  %s = %s\n", fn_name, result);
        break;
      }
  }
  g_string_append (s, "}\n");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

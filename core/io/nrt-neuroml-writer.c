/* nrt-neuroml-writer.c: the whole model as one NeuroML v2.3.1 document.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout (neuroml.md §2.4, §5, §6, §11): one segment group per section (neuroLexId
 * sao864921383 with numberInternalDivisions), hh as the three standard HH channels with the
 * exact hh.mod rate forms and a q10 of 3 at 6.3 °C, pas as a passive channel, IClamps as
 * pulseGenerators fed through inputLists, synapses as the matching NeuroML synapse types, and
 * a networkWithTemperature.  What NeuroML cannot hold (section names, L/diam geometry, exact
 * parent_x, nseg strategy, subsets, run settings, mechanism identity, point-process placement,
 * NetStim/NetCon, the exact ChannelBuilder channels) goes into a Neurite-namespace <annotation> of the cell, which the reader
 * treats as authoritative for those items.
 *
 * Sections without 3-D points get a synthetic stick layout whose straight segments keep L
 * and diam; a section is split into several segments where children attach at
 * 0 < parent_x < 1, so every child starts at a segment boundary with fractionAlong 1.
 * Sections with 3-D points get one segment per pair of points and are never split (that
 * would add a point): a child attached between two points gets a fractionAlong inside that
 * segment, which the XSD accepts but NetPyNE and jNeuroML's multi-segment export refuse
 * (neuroml.md §2.4 rule 3).  The exact parent_x is in the annotation either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include "nrt-neuroml-private.h"
#include "nrt-lems-types.h"
#include "nrt-neuroml-lems-rates.h"

typedef struct {
  double x, y, z, d;
} Pt;

typedef struct {
  int     index;       /* model section index */
  char   *group;       /* NmlId of its segment group */
  GArray *pts;         /* of Pt: proximal of the first segment, then each distal */
  GArray *bounds;      /* of double: normalized position of each point, 0 … 1 */
  int     first_seg;   /* id of its first segment */
  double  dir[3];
} SecLayout;

typedef struct {
  NrtModel           *model;
  const NrtModelData *data;
  SecLayout          *lay;        /* by model section index */
  GArray             *order;      /* of int: sections, parents first */
  GHashTable         *used_ids;
  GString            *out;
  char               *cell_id;
  char               *pop_id;
  gboolean            pop_is_list;
  gboolean            own_population;
} Writer;

static void
fmt (GString *s, double v)
{
  g_autofree char *t = nrt_nml_format_number (v);
  g_string_append (s, t);
}

static void
attr_num (GString *s, const char *name, double v, const char *unit)
{
  g_string_append_printf (s, " %s=\"", name);
  fmt (s, v);
  if (unit)
    g_string_append_printf (s, " %s", unit);
  g_string_append_c (s, '"');
}

static void
attr_str (GString *s, const char *name, const char *v)
{
  g_autofree char *e = g_markup_escape_text (v, -1);
  g_string_append_printf (s, " %s=\"%s\"", name, e);
}

/* A unique NmlId derived from name ("ap[0]" → "ap_0"). */
static char *
make_id (Writer *w, const char *name)
{
  GString *s = g_string_new (NULL);
  g_autofree char *base = NULL;
  char *id;

  for (const char *p = name; *p; p++)
    {
      char c = *p;
      if (g_ascii_isalnum (c) || c == '_')
        g_string_append_c (s, c);
      else if (s->len > 0 && s->str[s->len - 1] != '_')
        g_string_append_c (s, '_');
    }
  while (s->len > 1 && s->str[s->len - 1] == '_')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0 || g_ascii_isdigit (s->str[0]) || (s->str[0] == '_' && s->len == 1))
    g_string_prepend (s, "sec_");
  base = g_string_free (s, FALSE);
  id = g_strdup (base);
  for (int n = 2; g_hash_table_contains (w->used_ids, id); n++)
    {
      g_free (id);
      id = g_strdup_printf ("%s_%d", base, n);
    }
  g_hash_table_add (w->used_ids, id);
  return g_strdup (id);
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The point at normalized position x along a laid-out section. */
static Pt
point_at (const SecLayout *l, double x)
{
  const Pt *p = (const Pt *) l->pts->data;
  const double *b = (const double *) l->bounds->data;
  guint n = l->pts->len;

  if (x <= 0)
    return p[0];
  for (guint k = 1; k < n; k++)
    if (x <= b[k] || k == n - 1)
      {
        double span = b[k] - b[k - 1];
        double f = span > 0 ? (x - b[k - 1]) / span : 1;
        Pt r;
        if (f > 1)
          f = 1;
        r.x = p[k - 1].x + f * (p[k].x - p[k - 1].x);
        r.y = p[k - 1].y + f * (p[k].y - p[k - 1].y);
        r.z = p[k - 1].z + f * (p[k].z - p[k - 1].z);
        r.d = p[k - 1].d + f * (p[k].d - p[k - 1].d);
        return r;
      }
  return p[n - 1];
}

/* Which segment of a laid-out section holds x, and where along it. */
static void
segment_at (const SecLayout *l, double x, int *seg, double *frac)
{
  const double *b = (const double *) l->bounds->data;
  guint nseg = l->pts->len - 1;

  if (x <= 0)
    {
      *seg = l->first_seg;
      *frac = 0;
      return;
    }
  for (guint k = 1; k <= nseg; k++)
    {
      if (fabs (b[k] - x) <= 1e-12)
        {
          *seg = l->first_seg + k - 1;
          *frac = 1;
          return;
        }
      if (x < b[k])
        {
          double span = b[k] - b[k - 1];
          *seg = l->first_seg + k - 1;
          *frac = span > 0 ? (x - b[k - 1]) / span : 1;
          return;
        }
    }
  *seg = l->first_seg + nseg - 1;
  *frac = 1;
}

static const double directions[][3] = {
  { 0, 1, 0 }, { 1, 0, 0 }, { -1, 0, 0 }, { 0, 0, 1 }, { 0, 0, -1 }, { 0, -1, 0 },
};

static void
lay_out_section (Writer *w, int isec, int child_rank, int *next_seg)
{
  const NrtSection *sec = w->data->sections->pdata[isec];
  SecLayout *l = &w->lay[isec];

  l->index = isec;
  l->pts = g_array_new (FALSE, FALSE, sizeof (Pt));
  l->bounds = g_array_new (FALSE, FALSE, sizeof (double));
  if (sec->pt3d != NULL && sec->pt3d->len >= 2)
    {
      double total = 0, acc = 0;
      const NrtPt3d *p = (const NrtPt3d *) sec->pt3d->data;
      for (guint k = 0; k < sec->pt3d->len; k++)
        {
          Pt q = { p[k].x, p[k].y, p[k].z, p[k].d };
          g_array_append_val (l->pts, q);
          if (k > 0)
            total += sqrt (pow (q.x - p[k - 1].x, 2) + pow (q.y - p[k - 1].y, 2)
                           + pow (q.z - p[k - 1].z, 2));
        }
      for (guint k = 0; k < sec->pt3d->len; k++)
        {
          double b;
          if (k > 0)
            acc += sqrt (pow ((double) p[k].x - p[k - 1].x, 2) + pow ((double) p[k].y - p[k - 1].y, 2)
                         + pow ((double) p[k].z - p[k - 1].z, 2));
          b = k == sec->pt3d->len - 1 ? 1.0 : (total > 0 ? acc / total : (double) k / (sec->pt3d->len - 1));
          g_array_append_val (l->bounds, b);
        }
    }
  else
    {
      g_autoptr (GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
      Pt start = { 0, 0, 0, sec->diam };
      double zero = 0, one = 1;
      const double *dir = directions[child_rank % G_N_ELEMENTS (directions)];

      if (sec->parent >= 0)
        start = point_at (&w->lay[sec->parent], sec->parent_x);
      start.d = sec->diam;
      memcpy (l->dir, dir, sizeof l->dir);
      /* Split where children attach inside the section. */
      for (guint j = 0; j < w->data->sections->len; j++)
        {
          const NrtSection *c = w->data->sections->pdata[j];
          if (c->parent == isec && c->parent_x > 0 && c->parent_x < 1)
            g_array_append_val (xs, c->parent_x);
        }
      g_array_sort (xs, cmp_double);
      g_array_append_val (l->bounds, zero);
      for (guint k = 0; k < xs->len; k++)
        {
          double x = g_array_index (xs, double, k);
          if (x > g_array_index (l->bounds, double, l->bounds->len - 1))
            g_array_append_val (l->bounds, x);
        }
      g_array_append_val (l->bounds, one);
      for (guint k = 0; k < l->bounds->len; k++)
        {
          double s = sec->L * g_array_index (l->bounds, double, k);
          Pt q = { start.x + dir[0] * s, start.y + dir[1] * s, start.z + dir[2] * s, sec->diam };
          g_array_append_val (l->pts, q);
        }
    }
  l->first_seg = *next_seg;
  *next_seg += l->pts->len - 1;
}

static void
write_point (GString *s, const char *tag, const Pt *p)
{
  g_string_append_printf (s, "<%s", tag);
  attr_num (s, "x", p->x, NULL);
  attr_num (s, "y", p->y, NULL);
  attr_num (s, "z", p->z, NULL);
  attr_num (s, "diameter", p->d, NULL);
  g_string_append (s, "/>");
}

static double
param (const NrtSection *sec, NrtMechType type, const char *name)
{
  int i = nrt_param_lookup (nrt_mechanism_info (type), name);
  g_assert (i >= 0);
  return sec->mech[type].p[i];
}

static double
pp_param (const NrtPointProcess *pp, const char *name)
{
  int i = nrt_param_lookup (nrt_point_process_info (pp->type), name);
  g_assert (i >= 0);
  return pp->p[i];
}

static gboolean
any_mech (const NrtModelData *d, NrtMechType t)
{
  for (guint i = 0; i < d->sections->len; i++)
    if (((NrtSection *) d->sections->pdata[i])->mech[t].inserted)
      return TRUE;
  return FALSE;
}

static const char *const hh_gates_na =
  "    <gateHHrates id=\"m\" instances=\"3\">\n"
  "      <q10Settings type=\"q10ExpTemp\" q10Factor=\"3\" experimentalTemp=\"6.3 degC\"/>\n"
  "      <forwardRate type=\"HHExpLinearRate\" rate=\"1per_ms\" midpoint=\"-40mV\" scale=\"10mV\"/>\n"
  "      <reverseRate type=\"HHExpRate\" rate=\"4per_ms\" midpoint=\"-65mV\" scale=\"-18mV\"/>\n"
  "    </gateHHrates>\n"
  "    <gateHHrates id=\"h\" instances=\"1\">\n"
  "      <q10Settings type=\"q10ExpTemp\" q10Factor=\"3\" experimentalTemp=\"6.3 degC\"/>\n"
  "      <forwardRate type=\"HHExpRate\" rate=\"0.07per_ms\" midpoint=\"-65mV\" scale=\"-20mV\"/>\n"
  "      <reverseRate type=\"HHSigmoidRate\" rate=\"1per_ms\" midpoint=\"-35mV\" scale=\"10mV\"/>\n"
  "    </gateHHrates>\n";
static const char *const hh_gates_k =
  "    <gateHHrates id=\"n\" instances=\"4\">\n"
  "      <q10Settings type=\"q10ExpTemp\" q10Factor=\"3\" experimentalTemp=\"6.3 degC\"/>\n"
  "      <forwardRate type=\"HHExpLinearRate\" rate=\"0.1per_ms\" midpoint=\"-55mV\" scale=\"10mV\"/>\n"
  "      <reverseRate type=\"HHExpRate\" rate=\"0.125per_ms\" midpoint=\"-65mV\" scale=\"-80mV\"/>\n"
  "    </gateHHrates>\n";

/* ---- ChannelBuilder channels (neuroml.md §4) ----
 *
 * Each channel becomes an ionChannelHH for other tools (an ionChannelKS when it has kinetic
 * schemes, see write_channel_ks), with the standard forms that equal KSChan's (x = k·(v − d),
 * NeuroML's x = (v − midpoint)/scale):
 *   exp     A·exp(k(v − d))        → HHExpRate        rate A, midpoint d, scale 1/k
 *   linoid  A·x/(1 − exp(−x))      → HHExpLinearRate  rate A, midpoint d, scale 1/k
 *   sigmoid A/(1 + exp(k(v − d)))  → HHSigmoidRate    rate A, midpoint d, scale −1/k
 * and for inf/τ gates steadyState HHSigmoidVariable / HHExpVariable and a constant τ as
 * fixedTimeCourse.  NeuroML has no constant rate, no k = 0 and no exponential τ: a constant
 * (or k = 0) is written as the exp form with scale 1e9 mV (within 1e-7 of constant over
 * ±100 mV), and an exponential τ as timeCourse type "neurite_expTime" (rate A ms, midpoint d,
 * scale 1/k), which only Neurite reads.  1/k is not always exactly invertible in doubles, so
 * the exact KSChan parameters travel in the Neurite annotation (neurite:channelType), which
 * the reader prefers; so do what NeuroML lacks altogether: fractional conductances, ligand
 * transitions (a "neurite_ligandRate" in NeuroML), point channels and their instances (the
 * types are written, the instances only in the annotation: NeuroML places no conductance at a
 * point of a section), single channels, GHK currents (channelDensityGHK, NeuroML's form
 * for calcium), ion concentrations and the stochastic seed. */

#define NO_SCALE 1e9

static void
attr_scale (GString *s, double k, double sign)
{
  attr_num (s, "scale", k == 0.0 ? NO_SCALE : sign / k, "mV");
}

/* The SI unit NeuroML spells for a LEMS dimension; "" for dimensionless. */
static const char *
si_unit (NrtExprDim dim)
{
  static const char *const table[][2] = {
    { "voltage", "V" }, { "time", "s" }, { "per_time", "per_s" }, { "temperature", "K" },
    { "conductance", "S" }, { "capacitance", "F" }, { "current", "A" }, { "length", "m" },
    { "concentration", "mol_per_m3" }, { "per_voltage", "per_V" },
    { "conductanceDensity", "S_per_m2" }, { "resistance", "ohm" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      NrtExprDim d;
      if (nrt_expr_dim_from_name (table[i][0], &d) && nrt_expr_dim_equal (d, dim))
        return table[i][1];
    }
  return "";
}

/* A custom LEMS rate: <tag type="T" param="value unit" …/> with each Parameter in SI, the
 * number shortest round-trip so that reading it back gives the same bits. */
static void
write_lems_rate (GString *s, const char *indent, const char *tag, const NrtRate *r)
{
  const NrtLemsRateType *type = nrt_rate_func_get_lems_type (r->func);
  const double *params = nrt_rate_func_get_params (r->func);

  g_string_append_printf (s, "%s<%s", indent, tag);
  attr_str (s, "type", nrt_rate_func_get_text (r->func));
  for (guint i = 0; i < nrt_rate_func_get_n_params (r->func); i++)
    {
      const char *unit = si_unit (nrt_lems_rate_type_get_param_dim (type, i));
      attr_num (s, nrt_lems_rate_type_get_param_name (type, i), params[i],
                *unit ? unit : NULL);
    }
  g_string_append (s, "/>\n");
}

/* ---- expression rates as ComponentTypes ----
 *
 * An NRT_RATE_EXPRESSION rate is written as a ComponentType of its own, so that other
 * NeuroML tools can simulate it: v in mV is (v / MV), celsius is (temperature / KELVIN −
 * 273.15), and the value is scaled to the slot's dimension.  Its description carries the
 * expression as typed, which Neurite's reader restores exactly. */


/* The expression with v and celsius replaced by their SI readings (identifiers only: numbers
 * such as 1e-3 and operators such as .gt. are copied as they are). */
static char *
expr_in_si (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      if (g_ascii_isdigit (*p) || (*p == '.' && g_ascii_isdigit (p[1])))
        {
          const char *q = p;
          while (g_ascii_isdigit (*q) || *q == '.')
            q++;
          if ((*q == 'e' || *q == 'E')
              && (g_ascii_isdigit (q[1]) || ((q[1] == '+' || q[1] == '-') && g_ascii_isdigit (q[2]))))
            {
              q += 2;
              while (g_ascii_isdigit (*q))
                q++;
            }
          g_string_append_len (out, p, q - p);
          p = q;
        }
      else if (*p == '.' && g_ascii_isalpha (p[1]))
        {
          const char *q = strchr (p + 1, '.');
          q = q ? q + 1 : p + strlen (p);
          g_string_append_len (out, p, q - p);
          p = q;
        }
      else if (g_ascii_isalpha (*p) || *p == '_')
        {
          const char *q = p;
          while (g_ascii_isalnum (*q) || *q == '_')
            q++;
          if (q - p == 1 && *p == 'v')
            g_string_append (out, "(v / MV)");
          else if (q - p == 7 && strncmp (p, "celsius", 7) == 0)
            g_string_append (out, "(temperature / KELVIN - 273.15)");
          else
            g_string_append_len (out, p, q - p);
          p = q;
        }
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

/* The ComponentType text of an expression rate called name, for slot 0 α/β (rate), 1 τ
 * (time) or 2 inf (variable). */
static char *
expression_component_type (const NrtRateFunc *func, const char *name, int slot)
{
  static const char *const bases[] = { "baseVoltageDepRate", "baseVoltageDepTime",
                                       "baseVoltageDepVariable" };
  static const char *const exposures[][2] = { { "r", "per_time" }, { "t", "time" },
                                              { "x", "none" } };
  static const char *const scale[] = { " / MS", " * MS", "" };
  GString *s = g_string_new (NULL);
  g_autofree char *si = expr_in_si (nrt_rate_func_get_text (func));
  g_autofree char *value = g_strdup_printf ("(%s)%s", si, scale[slot]);
  g_autofree char *desc = g_strconcat (NRT_NML_EXPRESSION_DESCRIPTION, nrt_rate_func_get_text (func), NULL);

  g_string_append (s, "<ComponentType");
  attr_str (s, "name", name);
  attr_str (s, "extends", bases[slot]);
  attr_str (s, "description", desc);
  g_string_append (s, ">\n"
                      "    <Constant name=\"MV\" dimension=\"voltage\" value=\"1mV\"/>\n");
  if (slot < 2)
    g_string_append (s, "    <Constant name=\"MS\" dimension=\"time\" value=\"1ms\"/>\n");
  if (nrt_rate_func_uses_celsius (func))
    g_string_append (s, "    <Constant name=\"KELVIN\" dimension=\"temperature\" value=\"1K\"/>\n"
                        "    <Requirement name=\"temperature\" dimension=\"temperature\"/>\n");
  g_string_append (s, "    <Dynamics>\n      <DerivedVariable");
  attr_str (s, "name", exposures[slot][0]);
  attr_str (s, "dimension", exposures[slot][1]);
  attr_str (s, "exposure", exposures[slot][0]);
  attr_str (s, "value", value);
  g_string_append (s, "/>\n    </Dynamics>\n  </ComponentType>");
  return g_string_free (s, FALSE);
}

/* The type name of an expression rate: prefix names its gate or transition
 * ("neurite_CHANNEL_GATE"), r its index for the gate's type. */
static char *
expression_type_name (const char *prefix, NrtGateType type, int r)
{
  static const char *const labels[2][2] = { { "alpha", "beta" }, { "inf", "tau" } };
  return g_strdup_printf ("%s_%s", prefix, labels[type == NRT_GATE_INF_TAU][r]);
}

static char *
gate_prefix (const NrtChannel *ch, const char *gate)
{
  return g_strdup_printf ("neurite_%s_%s", ch->name, gate);
}

static char *
transition_prefix (const NrtChannel *ch, const char *from, const char *to)
{
  return g_strdup_printf ("neurite_%s_%s_%s", ch->name, from, to);
}

/* KSChan's Borg-Graham pair has no NeuroML form: other tools get each rate as a generated
 * ComponentType, made through the expression path from the same formula in v (mV) and
 * celsius (°C), algebraically KSChanBGinf/KSChanBGtau (inf = 1/(1 + exp(−x)); without
 * KSChan's ±700 clamp of Exp).  Neurite itself reads the annotation, which is exact, and
 * drops these types (the reader skips ComponentTypes named neurite_…_bg_inf/_bg_tau). */
static char *
bg_type_name (const char *prefix, NrtRateForm form)
{
  return g_strdup_printf ("%s_%s", prefix, form == NRT_RATE_BG_INF ? "bg_inf" : "bg_tau");
}

static NrtRateFunc *
bg_expression (const NrtRate *r)
{
  char ek[G_ASCII_DTOSTR_BUF_SIZE], z[G_ASCII_DTOSTR_BUF_SIZE], vh[G_ASCII_DTOSTR_BUF_SIZE];
  char K[G_ASCII_DTOSTR_BUF_SIZE], gam[G_ASCII_DTOSTR_BUF_SIZE], t0[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *x = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  NrtRateFunc *f;

  g_ascii_formatd (ek, sizeof ek, "%.17g", NRT_E_OVER_K);
  g_ascii_formatd (z, sizeof z, "%.17g", r->z);
  g_ascii_formatd (vh, sizeof vh, "%.17g", r->d);
  g_ascii_formatd (K, sizeof K, "%.17g", r->A);
  g_ascii_formatd (gam, sizeof gam, "%.17g", r->gam);
  g_ascii_formatd (t0, sizeof t0, "%.17g", r->tau0);
  x = g_strdup_printf ("%s/(273.15 + celsius)*(%s)*(v - (%s))", ek, z, vh);
  if (r->form == NRT_RATE_BG_INF)
    text = g_strdup_printf ("1/(1 + exp(-(%s)))", x);
  else
    text = g_strdup_printf ("1/((%s)*exp((%s)*(%s)) + (%s)*exp(((%s) - 1)*(%s))) + (%s)", K, gam,
                            x, K, gam, x, t0);
  f = nrt_rate_func_new_expression (text, &error);
  g_assert_no_error (error);
  return f;
}

/* KSChan's table (ftype 7) has no NeuroML form either: other tools get it as a generated
 * ComponentType through the expression path, y0 + Σ (y[i+1] − y[i])·clamp(x − i, 0, 1) with
 * x = (v − vmin)·(n − 1)/(vmax − vmin) and clamp(u, 0, 1) = (abs(u) − abs(u − 1) + 1)/2: the
 * same piecewise-linear function, clamped outside [vmin, vmax], to rounding.  Neurite reads
 * the exact values from the annotation and drops these types (neurite_…_table). */
static char *
table_type_name (const char *prefix, NrtGateType type, int r)
{
  static const char *const labels[2][2] = { { "alpha", "beta" }, { "inf", "tau" } };
  return g_strdup_printf ("%s_%s_table", prefix, labels[type == NRT_GATE_INF_TAU][r]);
}

static NrtRateFunc *
table_expression (const NrtRate *r)
{
  const double *y = nrt_rate_func_get_params (r->func);
  guint n = nrt_rate_func_get_n_params (r->func);
  double vmin = 0, vmax = 0;
  char b[3][G_ASCII_DTOSTR_BUF_SIZE];
  g_autoptr (GError) error = NULL;
  GString *text = g_string_new (NULL);
  NrtRateFunc *f;

  nrt_rate_func_get_table_range (r->func, &vmin, &vmax);
  g_ascii_formatd (b[0], sizeof b[0], "%.17g", vmin);
  g_ascii_formatd (b[1], sizeof b[1], "%.17g", (double) (n - 1) / (vmax - vmin));
  g_string_append (text, g_ascii_formatd (b[2], sizeof b[2], "%.17g", y[0]));
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autofree char *x = g_strdup_printf ("(v - (%s))*%s - %u", b[0], b[1], i);
      g_ascii_formatd (b[2], sizeof b[2], "%.17g", y[i + 1] - y[i]);
      g_string_append_printf (text, " + (%s)*(abs(%s) - abs(%s - 1) + 1)/2", b[2], x, x);
    }
  f = nrt_rate_func_new_expression (text->str, &error);
  g_assert_no_error (error);
  g_string_free (text, TRUE);
  return f;
}

static void
write_expression_rate (GString *s, const char *indent, const char *tag, const char *type_name)
{
  g_string_append_printf (s, "%s<%s", indent, tag);
  attr_str (s, "type", type_name);
  g_string_append (s, "/>\n");
}

/* One rate; prefix (see expression_type_name) names its expression type, index r of an α/β
 * pair. */
static void
write_rate (GString *s, const char *indent, const char *tag, const NrtRate *r,
            const char *prefix, int index)
{
  static const char *const names[] = {
    [NRT_RATE_CONSTANT] = "HHExpRate", [NRT_RATE_EXP] = "HHExpRate",
    [NRT_RATE_LINOID] = "HHExpLinearRate", [NRT_RATE_SIGMOID] = "HHSigmoidRate",
  };
  if (r->form == NRT_RATE_LEMS)
    {
      write_lems_rate (s, indent, tag, r);
      return;
    }
  if (r->form == NRT_RATE_EXPRESSION)
    {
      g_autofree char *name = expression_type_name (prefix, NRT_GATE_ALPHA_BETA, index);
      write_expression_rate (s, indent, tag, name);
      return;
    }
  if (r->form == NRT_RATE_TABLE)
    {
      g_autofree char *name = table_type_name (prefix, NRT_GATE_ALPHA_BETA, index);
      write_expression_rate (s, indent, tag, name);
      return;
    }
  g_string_append_printf (s, "%s<%s type=\"%s\"", indent, tag, names[r->form]);
  attr_num (s, "rate", r->A, "per_ms");
  attr_num (s, "midpoint", r->form == NRT_RATE_CONSTANT ? 0.0 : r->d, "mV");
  attr_scale (s, r->form == NRT_RATE_CONSTANT ? 0.0 : r->k,
              r->form == NRT_RATE_SIGMOID ? -1.0 : 1.0);
  g_string_append (s, "/>\n");
}

/* timeCourse then steadyState of an inf/τ gate or transition (rate[0] inf, rate[1] τ). */
static void
write_inf_tau (GString *s, const char *indent, const NrtRate *inf, const NrtRate *tau,
               const char *prefix)
{
  if (nrt_rate_is_bg (inf))
    {
      g_autofree char *tname = bg_type_name (prefix, NRT_RATE_BG_TAU);
      g_autofree char *iname = bg_type_name (prefix, NRT_RATE_BG_INF);
      write_expression_rate (s, indent, "timeCourse", tname);
      write_expression_rate (s, indent, "steadyState", iname);
      return;
    }
  if (tau->form == NRT_RATE_LEMS)
    write_lems_rate (s, indent, "timeCourse", tau);
  else if (tau->form == NRT_RATE_EXPRESSION)
    {
      g_autofree char *name = expression_type_name (prefix, NRT_GATE_INF_TAU, 1);
      write_expression_rate (s, indent, "timeCourse", name);
    }
  else if (tau->form == NRT_RATE_TABLE)
    {
      g_autofree char *name = table_type_name (prefix, NRT_GATE_INF_TAU, 1);
      write_expression_rate (s, indent, "timeCourse", name);
    }
  else if (tau->form == NRT_RATE_CONSTANT)
    {
      g_string_append_printf (s, "%s<timeCourse type=\"fixedTimeCourse\"", indent);
      attr_num (s, "tau", tau->A, "ms");
    }
  else
    {
      g_string_append_printf (s, "%s<timeCourse type=\"neurite_expTime\"", indent);
      attr_num (s, "rate", tau->A, "ms");
      attr_num (s, "midpoint", tau->d, "mV");
      attr_scale (s, tau->k, 1.0);
    }
  if (tau->form != NRT_RATE_LEMS && tau->form != NRT_RATE_EXPRESSION
      && tau->form != NRT_RATE_TABLE)
    g_string_append (s, "/>\n");
  if (inf->form == NRT_RATE_LEMS)
    {
      write_lems_rate (s, indent, "steadyState", inf);
      return;
    }
  if (inf->form == NRT_RATE_EXPRESSION)
    {
      g_autofree char *name = expression_type_name (prefix, NRT_GATE_INF_TAU, 0);
      write_expression_rate (s, indent, "steadyState", name);
      return;
    }
  if (inf->form == NRT_RATE_TABLE)
    {
      g_autofree char *name = table_type_name (prefix, NRT_GATE_INF_TAU, 0);
      write_expression_rate (s, indent, "steadyState", name);
      return;
    }
  g_string_append_printf (s, "%s<steadyState type=\"%s\"", indent,
                          inf->form == NRT_RATE_SIGMOID ? "HHSigmoidVariable" : "HHExpVariable");
  attr_num (s, "rate", inf->A, NULL);
  attr_num (s, "midpoint", inf->form == NRT_RATE_SIGMOID ? inf->d : 0.0, "mV");
  attr_scale (s, inf->form == NRT_RATE_SIGMOID ? inf->k : 0.0,
              inf->form == NRT_RATE_SIGMOID ? -1.0 : 1.0);
  g_string_append (s, "/>\n");
}

static void
write_q10 (GString *s, const char *indent, const NrtChannel *ch)
{
  if (ch->q10 == 1.0)
    return;
  g_string_append_printf (s, "%s<q10Settings type=\"q10ExpTemp\"", indent);
  attr_num (s, "q10Factor", ch->q10, NULL);
  attr_num (s, "experimentalTemp", ch->q10_temperature, "degC");
  g_string_append (s, "/>\n");
}

static void
write_gate (GString *s, const NrtChannel *ch, const NrtGate *g, gboolean generic)
{
  const char *kind = g->type == NRT_GATE_INF_TAU ? "gateHHtauInf" : "gateHHrates";
  g_autofree char *prefix = gate_prefix (ch, g->name);

  if (generic)
    g_string_append_printf (s, "    <gate id=\"%s\" type=\"%s\"", g->name, kind);
  else
    g_string_append_printf (s, "    <%s id=\"%s\"", kind, g->name);
  g_string_append_printf (s, " instances=\"%d\">\n", g->power);
  write_q10 (s, "      ", ch);
  if (g->type == NRT_GATE_ALPHA_BETA)
    {
      write_rate (s, "      ", "forwardRate", &g->rate[0], prefix, 0);
      write_rate (s, "      ", "reverseRate", &g->rate[1], prefix, 1);
    }
  else
    write_inf_tau (s, "      ", &g->rate[0], &g->rate[1], prefix);
  g_string_append_printf (s, "    </%s>\n", generic ? "gate" : kind);
}

/* One reversible transition of a gateKS: α/β as a forwardTransition/reverseTransition pair
 * (NeuroML's reverseTransition has the same from and to as its forward partner), inf/τ as a
 * tauInfTransition, a ligand transition's forward rate A·[L]^n as a rate of type
 * "neurite_ligandRate" (the transitions' content is not checked by the XSD; only Neurite
 * reads that type). */
static void
write_ks_transition (GString *s, NrtGateType type, const NrtRate *rate, NrtIon ligand_ion,
                     const char *ligand, int stoichiometry, const char *from, const char *to,
                     const char *prefix)
{
  if (type == NRT_GATE_INF_TAU)
    {
      g_string_append_printf (s, "      <tauInfTransition id=\"tauinf_%s_%s\" from=\"%s\" "
                              "to=\"%s\">\n", from, to, from, to);
      write_inf_tau (s, "        ", &rate[0], &rate[1], prefix);
      g_string_append (s, "      </tauInfTransition>\n");
      return;
    }
  g_string_append_printf (s, "      <forwardTransition id=\"fwd_%s_%s\" from=\"%s\" to=\"%s\">\n",
                          from, to, from, to);
  if (type == NRT_TRANS_LIGAND_OUTSIDE || type == NRT_TRANS_LIGAND_INSIDE)
    {
      g_string_append (s, "        <rate type=\"neurite_ligandRate\"");
      attr_num (s, "rate", rate[0].A, "per_ms");
      attr_str (s, "ligand", ligand);
      attr_str (s, "species", nrt_ion_name (ligand_ion));
      attr_num (s, "stoichiometry", stoichiometry, NULL);
      g_string_append (s, "/>\n");
    }
  else
    write_rate (s, "        ", "rate", &rate[0], prefix, 0);
  g_string_append (s, "      </forwardTransition>\n");
  g_string_append_printf (s, "      <reverseTransition id=\"rev_%s_%s\" from=\"%s\" to=\"%s\">\n",
                          from, to, from, to);
  write_rate (s, "        ", "rate", &rate[1], prefix, 1);
  g_string_append (s, "      </reverseTransition>\n");
}

/* Whether id names an HH gate or a scheme state of ch. */
static gboolean
channel_uses_name (const NrtChannel *ch, const char *id)
{
  return nrt_channel_find_gate (ch, id) >= 0 || nrt_channel_find_state (ch, id, NULL, NULL);
}

/* A channel with kinetic schemes as an ionChannelKS (neuroml.md §4.5): each HH gate becomes
 * a two-state gateKS named after it (closedState C, openState O, its α/β or inf/τ as the
 * transition C → O), each scheme a gateKS "scheme<N>" whose states with a conductance
 * fraction > 0 are openStates and the others closedStates, closed first as the XSD orders
 * them.  NeuroML's states conduct 0 or 1: fractions between travel in the annotation, as
 * does a scheme where no state (or every state) conducts, written with its last (first)
 * state open (closed) to satisfy the schema's one of each. */
static void
write_channel_ks (GString *s, const NrtChannel *ch)
{
  g_string_append_printf (s, "  <ionChannelKS id=\"%s\"", ch->name);
  if (ch->ion != NRT_ION_NONSPECIFIC)
    attr_str (s, "species", nrt_ion_name (ch->ion));
  g_string_append (s, " conductance=\"10pS\">\n");
  for (guint g = 0; g < ch->gates->len; g++)
    {
      const NrtGate *gate = ch->gates->pdata[g];
      g_string_append_printf (s, "    <gateKS id=\"%s\" instances=\"%d\">\n", gate->name,
                              gate->power);
      write_q10 (s, "      ", ch);
      g_string_append (s, "      <closedState id=\"C\"/>\n      <openState id=\"O\"/>\n");
      {
        g_autofree char *prefix = gate_prefix (ch, gate->name);
        write_ks_transition (s, gate->type, gate->rate, NRT_ION_NONSPECIFIC, "", 0, "C", "O",
                             prefix);
      }
      g_string_append (s, "    </gateKS>\n");
    }
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      guint n = ks->states->len, n_open = 0;
      g_autofree gboolean *open = g_new0 (gboolean, n);
      g_autofree char *id = g_strdup_printf ("scheme%u", k + 1);

      while (channel_uses_name (ch, id))
        {
          char *longer = g_strconcat (id, "_", NULL);
          g_free (id);
          id = longer;
        }
      for (guint j = 0; j < n; j++)
        n_open += open[j] = ((NrtKsState *) ks->states->pdata[j])->fraction > 0.0;
      if (n_open == 0)
        open[n - 1] = TRUE;
      else if (n_open == n)
        open[0] = FALSE;
      g_string_append_printf (s, "    <gateKS id=\"%s\" instances=\"%d\">\n", id, ks->power);
      write_q10 (s, "      ", ch);
      for (int pass = 0; pass < 2; pass++)
        for (guint j = 0; j < n; j++)
          if (open[j] == pass)
            g_string_append_printf (s, "      <%s id=\"%s\"/>\n",
                                    pass ? "openState" : "closedState",
                                    ((NrtKsState *) ks->states->pdata[j])->name);
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          const char *from = ((NrtKsState *) ks->states->pdata[tr->from])->name;
          const char *to = ((NrtKsState *) ks->states->pdata[tr->to])->name;
          g_autofree char *prefix = transition_prefix (ch, from, to);
          write_ks_transition (s, tr->type, tr->rate, tr->ligand,
                               nrt_ks_transition_ligand_name (tr), tr->stoichiometry, from, to,
                               prefix);
        }
      g_string_append (s, "    </gateKS>\n");
    }
  g_string_append (s, "  </ionChannelKS>\n");
}

static char *foreign_name (const char *xml);

/* The name attribute of a verbatim element's start tag, or NULL. */
static char *
start_tag_name (const char *xml)
{
  const char *end = strchr (xml, '>');
  const char *p = xml;

  while ((p = strstr (p, " name=\"")) != NULL && (end == NULL || p < end))
    {
      const char *q = strchr (p + 7, '"');
      return q ? g_strndup (p + 7, q - p - 7) : NULL;
    }
  return NULL;
}

static void
add_type (GPtrArray *names, GPtrArray *texts, char *name, char *text)
{
  for (guint i = 0; i < names->len; i++)
    if (strcmp (names->pdata[i], name) == 0)
      {
        g_free (name);
        g_free (text);
        return;
      }
  g_ptr_array_add (names, name);
  g_ptr_array_add (texts, text);
}

static void
collect_rate_types (GPtrArray *names, GPtrArray *texts, const NrtRate *rate, NrtGateType type,
                    const char *prefix)
{
  if (type == NRT_GATE_INF_TAU && nrt_rate_is_bg (&rate[0]))
    {
      /* τ first, as write_inf_tau refers to them (timeCourse, steadyState) */
      for (int r = 1; r >= 0; r--)
        {
          g_autoptr (NrtRateFunc) f = bg_expression (&rate[r]);
          char *name = bg_type_name (prefix, rate[r].form);
          add_type (names, texts, name, expression_component_type (f, name, r == 0 ? 2 : 1));
        }
      return;
    }
  for (int r = 0; r < 2; r++)
    {
      const NrtRateFunc *f = rate[r].func;
      if (rate[r].form == NRT_RATE_LEMS && f)
        add_type (names, texts, g_strdup (nrt_rate_func_get_text (f)),
                  g_strdup (nrt_rate_func_get_type_xml (f)));
      else if (rate[r].form == NRT_RATE_EXPRESSION && f)
        {
          char *name = expression_type_name (prefix, type, r);
          int slot = type == NRT_GATE_INF_TAU ? (r == 0 ? 2 : 1) : 0;
          add_type (names, texts, name, expression_component_type (f, name, slot));
        }
      else if (rate[r].form == NRT_RATE_TABLE && f)
        {
          g_autoptr (NrtRateFunc) e = table_expression (&rate[r]);
          char *name = table_type_name (prefix, type, r);
          int slot = type == NRT_GATE_INF_TAU ? (r == 0 ? 2 : 1) : 0;
          add_type (names, texts, name, expression_component_type (e, name, slot));
        }
    }
}

/* The ComponentTypes of the channels' custom rates, each once, in the order of first use,
 * except those the model keeps verbatim among its foreign elements (written there). */
static void
write_component_types (Writer *w)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) foreign = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; w->data->foreign_xml && i < w->data->foreign_xml->len; i++)
    {
      const char *xml = w->data->foreign_xml->pdata[i];
      g_autofree char *kind = foreign_name (xml);
      if (strcmp (kind, "ComponentType") == 0)
        {
          char *name = start_tag_name (xml);
          if (name)
            g_hash_table_add (foreign, name);
        }
    }
  for (guint c = 0; c < w->data->channels->len; c++)
    {
      const NrtChannel *ch = w->data->channels->pdata[c];
      for (guint g = 0; g < ch->gates->len; g++)
        {
          const NrtGate *gate = ch->gates->pdata[g];
          g_autofree char *prefix = gate_prefix (ch, gate->name);
          collect_rate_types (names, texts, gate->rate, gate->type, prefix);
        }
      for (guint k = 0; k < ch->schemes->len; k++)
        {
          const NrtKsScheme *ks = ch->schemes->pdata[k];
          for (guint t = 0; t < ks->transitions->len; t++)
            {
              const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
              g_autofree char *prefix =
                transition_prefix (ch, ((NrtKsState *) ks->states->pdata[tr->from])->name,
                                   ((NrtKsState *) ks->states->pdata[tr->to])->name);
              collect_rate_types (names, texts, tr->rate, tr->type, prefix);
            }
        }
    }
  for (guint i = 0; i < names->len; i++)
    if (!g_hash_table_contains (foreign, names->pdata[i]))
      g_string_append_printf (w->out, "  %s\n", (const char *) texts->pdata[i]);
}

/* The library's channels: without kinetic schemes as ionChannelHH (ks FALSE), with them as
 * ionChannelKS (ks TRUE), each in its place in the document's order. */
static void
write_channel_types (Writer *w, gboolean ks)
{
  GString *s = w->out;

  for (guint c = 0; c < w->data->channels->len; c++)
    {
      const NrtChannel *ch = w->data->channels->pdata[c];
      gboolean generic = FALSE;

      if ((ch->schemes->len > 0) != ks)
        continue;
      if (ks)
        {
          write_channel_ks (s, ch);
          continue;
        }
      for (guint g = 1; g < ch->gates->len; g++)
        if (((NrtGate *) ch->gates->pdata[g])->type != ((NrtGate *) ch->gates->pdata[0])->type)
          generic = TRUE;
      g_string_append_printf (s, "  <ionChannelHH id=\"%s\"", ch->name);
      if (ch->ion != NRT_ION_NONSPECIFIC)
        attr_str (s, "species", nrt_ion_name (ch->ion));
      g_string_append (s, " conductance=\"10pS\"");
      if (ch->gates->len == 0)
        {
          g_string_append (s, "/>\n");
          continue;
        }
      g_string_append (s, ">\n");
      for (guint g = 0; g < ch->gates->len; g++)
        write_gate (s, ch, ch->gates->pdata[g], generic);
      g_string_append (s, "  </ionChannelHH>\n");
    }
}

static const char *const gate_type_names[] = {
  [NRT_GATE_ALPHA_BETA] = "alpha_beta", [NRT_GATE_INF_TAU] = "inf_tau",
  [NRT_TRANS_LIGAND_OUTSIDE] = "ligand_outside", [NRT_TRANS_LIGAND_INSIDE] = "ligand_inside",
};

/* The two rates as form0 A0 k0 d0 form1 A1 k1 d1 attributes, and z0 gam0 tau0_0 (z1 gam1
 * tau0_1) for a Borg-Graham rate. */
static void
attr_rates (GString *s, const NrtRate *rate)
{
  for (int r = 0; r < 2; r++)
    {
      char key[8];
      g_snprintf (key, sizeof key, "form%d", r);
      attr_num (s, key, rate[r].form, NULL);
      g_snprintf (key, sizeof key, "A%d", r);
      attr_num (s, key, rate[r].A, NULL);
      g_snprintf (key, sizeof key, "k%d", r);
      attr_num (s, key, rate[r].k, NULL);
      g_snprintf (key, sizeof key, "d%d", r);
      attr_num (s, key, rate[r].d, NULL);
      if (rate[r].form == NRT_RATE_TABLE && rate[r].func)
        {
          /* KSChan's table exactly: the grid and every value */
          double vmin = 0, vmax = 0;
          const double *y = nrt_rate_func_get_params (rate[r].func);

          nrt_rate_func_get_table_range (rate[r].func, &vmin, &vmax);
          g_snprintf (key, sizeof key, "vmin%d", r);
          attr_num (s, key, vmin, NULL);
          g_snprintf (key, sizeof key, "vmax%d", r);
          attr_num (s, key, vmax, NULL);
          g_string_append_printf (s, " values%d=\"", r);
          for (guint i = 0; i < nrt_rate_func_get_n_params (rate[r].func); i++)
            {
              if (i > 0)
                g_string_append_c (s, ' ');
              fmt (s, y[i]);
            }
          g_string_append_c (s, '"');
        }
      if (nrt_rate_is_bg (&rate[r]))
        {
          /* only then, so that files without Borg-Graham rates are as before */
          g_snprintf (key, sizeof key, "z%d", r);
          attr_num (s, key, rate[r].z, NULL);
          g_snprintf (key, sizeof key, "gam%d", r);
          attr_num (s, key, rate[r].gam, NULL);
          g_snprintf (key, sizeof key, "tau0_%d", r);
          attr_num (s, key, rate[r].tau0, NULL);
        }
    }
}

/* The exact definitions, for the reader.  kind, conductance and single are written only
 * when they differ from a new channel's (density, ohmic, no single channels). */
static void
write_channel_annotation (Writer *w)
{
  GString *s = w->out;

  for (guint c = 0; c < w->data->channels->len; c++)
    {
      const NrtChannel *ch = w->data->channels->pdata[c];
      gboolean empty = ch->gates->len == 0 && ch->schemes->len == 0;
      /* Channels with custom rates are read back from their NeuroML elements and
       * ComponentTypes, which hold them exactly: the entry says so (rates="neuroml") and
       * keeps the rest (defaults, kind, q10), and the channel even when no section uses it. */
      gboolean custom = nrt_channel_has_custom_rates (ch);
      g_string_append (s, "        <neurite:channelType");
      attr_str (s, "name", ch->name);
      attr_str (s, "ion", nrt_ion_name (ch->ion));
      if (ch->kind == NRT_CHANNEL_POINT)
        attr_str (s, "kind", "point");
      if (ch->conductance == NRT_CONDUCTANCE_GHK)
        attr_str (s, "conductance", "ghk");
      if (ch->single)
        attr_str (s, "single", "true");
      attr_num (s, "gmax", ch->gmax, NULL);
      attr_num (s, "erev", ch->erev, NULL);
      attr_num (s, "q10", ch->q10, NULL);
      attr_num (s, "q10Temperature", ch->q10_temperature, NULL);
      if (custom)
        {
          attr_str (s, "rates", "neuroml");
          g_string_append (s, "/>\n");
          continue;
        }
      g_string_append (s, empty ? "/>\n" : ">\n");
      for (guint g = 0; g < ch->gates->len; g++)
        {
          const NrtGate *gate = ch->gates->pdata[g];
          g_string_append (s, "          <neurite:gate");
          attr_str (s, "name", gate->name);
          attr_num (s, "power", gate->power, NULL);
          attr_str (s, "type", gate->type == NRT_GATE_INF_TAU ? "inf_tau" : "alpha_beta");
          attr_rates (s, gate->rate);
          g_string_append (s, "/>\n");
        }
      for (guint k = 0; k < ch->schemes->len; k++)
        {
          const NrtKsScheme *ks = ch->schemes->pdata[k];
          g_string_append (s, "          <neurite:scheme");
          attr_num (s, "power", ks->power, NULL);
          g_string_append (s, ">\n");
          for (guint j = 0; j < ks->states->len; j++)
            {
              const NrtKsState *st = ks->states->pdata[j];
              g_string_append (s, "            <neurite:state");
              attr_str (s, "name", st->name);
              attr_num (s, "fraction", st->fraction, NULL);
              attr_num (s, "x", st->x, NULL);
              attr_num (s, "y", st->y, NULL);
              g_string_append (s, "/>\n");
            }
          for (guint t = 0; t < ks->transitions->len; t++)
            {
              const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
              g_string_append (s, "            <neurite:transition");
              attr_str (s, "from", ((NrtKsState *) ks->states->pdata[tr->from])->name);
              attr_str (s, "to", ((NrtKsState *) ks->states->pdata[tr->to])->name);
              attr_str (s, "type", gate_type_names[tr->type]);
              if (tr->type == NRT_TRANS_LIGAND_OUTSIDE || tr->type == NRT_TRANS_LIGAND_INSIDE)
                {
                  attr_str (s, "ligand", nrt_ion_name (tr->ligand));
                  attr_num (s, "stoichiometry", tr->stoichiometry, NULL);
                }
              attr_rates (s, tr->rate);
              g_string_append (s, "/>\n");
            }
          g_string_append (s, "          </neurite:scheme>\n");
        }
      if (!empty)
        g_string_append (s, "        </neurite:channelType>\n");
    }
}

/* Root children in schema order (NeuroMLDocument's xs:sequence). */
static const char *const root_order[] = {
  "include", "extracellularProperties", "intracellularProperties", "morphology", "ionChannel",
  "ionChannelHH", "ionChannelVShift", "ionChannelKS", "decayingPoolConcentrationModel",
  "fixedFactorConcentrationModel", "alphaCurrentSynapse", "alphaSynapse", "expOneSynapse",
  "expTwoSynapse", "expThreeSynapse", "blockingPlasticSynapse", "doubleSynapse", "gapJunction",
  "silentSynapse", "linearGradedSynapse", "gradedSynapse", "biophysicalProperties", "cell",
  "cell2CaPools", "baseCell", "iafTauCell", "iafTauRefCell", "iafCell", "iafRefCell",
  "izhikevichCell", "izhikevich2007Cell", "adExIaFCell", "fitzHughNagumoCell",
  "fitzHughNagumo1969Cell", "pinskyRinzelCA3Cell", "hindmarshRose1984Cell", "pulseGenerator",
  "pulseGeneratorDL", "sineGenerator", "sineGeneratorDL", "rampGenerator", "rampGeneratorDL",
  "compoundInput", "compoundInputDL", "voltageClamp", "voltageClampTriple", "spikeArray",
  "timedSynapticInput", "spikeGenerator", "spikeGeneratorRandom", "spikeGeneratorPoisson",
  "spikeGeneratorRefPoisson", "poissonFiringSynapse", "transientPoissonFiringSynapse",
  "IF_curr_alpha", "IF_curr_exp", "IF_cond_alpha", "IF_cond_exp", "EIF_cond_exp_isfa_ista",
  "EIF_cond_alpha_isfa_ista", "HH_cond_exp", "expCondSynapse", "alphaCondSynapse",
  "expCurrSynapse", "alphaCurrSynapse", "SpikeSourcePoisson", "network", "ComponentType",
  NULL,
};

static const char *const network_order[] = {
  "space", "region", "population", "cellSet", "synapticConnection", "projection",
  "electricalProjection", "continuousProjection", "explicitInput", "inputList", NULL,
};

/* (transfer full) The element name a verbatim XML string starts with. */
static char *
foreign_name (const char *xml)
{
  const char *p = strchr (xml, '<');
  const char *e;

  while (p && (p[1] == '!' || p[1] == '?'))
    p = strchr (p + 1, '<');
  if (p == NULL)
    return g_strdup ("");
  p++;
  for (e = p; *e && !g_ascii_isspace (*e) && *e != '>' && *e != '/'; e++)
    ;
  return g_strndup (p, e - p);
}

gboolean
nrt_nml_foreign_is_network_child (const char *xml)
{
  g_autofree char *name = foreign_name (xml);
  return g_strv_contains (network_order, name);
}

static void
write_foreign (Writer *w, const char *kind, gboolean network_children, const char *indent)
{
  for (guint i = 0; i < w->data->foreign_xml->len; i++)
    {
      const char *xml = w->data->foreign_xml->pdata[i];
      g_autofree char *name = foreign_name (xml);
      if (strcmp (name, kind) != 0 || nrt_nml_foreign_is_network_child (xml) != network_children)
        continue;
      g_string_append_printf (w->out, "%s%s\n", indent, xml);
    }
}

static void
write_unknown_foreign (Writer *w)
{
  for (guint i = 0; i < w->data->foreign_xml->len; i++)
    {
      const char *xml = w->data->foreign_xml->pdata[i];
      g_autofree char *name = foreign_name (xml);
      if (!g_strv_contains (root_order, name) && !g_strv_contains (network_order, name))
        g_string_append_printf (w->out, "  %s\n", xml);
    }
}

/* A foreign population of our cell (e.g. a populationList) replaces the one we write. */
static void
find_population (Writer *w)
{
  for (guint i = 0; i < w->data->foreign_xml->len; i++)
    {
      const char *xml = w->data->foreign_xml->pdata[i];
      g_autofree char *name = foreign_name (xml);
      xmlDocPtr doc;
      xmlNodePtr n;
      if (strcmp (name, "population") != 0)
        continue;
      doc = xmlReadMemory (xml, strlen (xml), NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER);
      n = doc ? xmlDocGetRootElement (doc) : NULL;
      if (n)
        {
          g_autofree char *comp = nrt_nml_get (n, "component");
          g_autofree char *type = nrt_nml_get (n, "type");
          if (g_strcmp0 (comp, w->cell_id) == 0)
            {
              g_free (w->pop_id);
              w->pop_id = nrt_nml_get (n, "id");
              w->pop_is_list = g_strcmp0 (type, "populationList") == 0;
              w->own_population = FALSE;
            }
        }
      if (doc)
        xmlFreeDoc (doc);
      if (!w->own_population)
        break;
    }
}

static void
attr_numbers (GString *s, const char *name, const GArray *values)
{
  g_string_append_printf (s, " %s=\"", name);
  for (guint i = 0; i < values->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      fmt (s, g_array_index (values, double, i));
    }
  g_string_append_c (s, '"');
}

/* The CellBuilder's specs, in order (only when the CellBuilder manages the model, so files
 * of models it never touched stay as they were). */
static void
write_cell_builder (Writer *w)
{
  GString *s = w->out;
  const NrtModelData *d = w->data;
  static const struct { guint kind; const char *name; } kinds[] = {
    { NRT_GEO_L, "L" }, { NRT_GEO_DIAM, "diam" }, { NRT_GEO_DISTINCT_L, "distinctL" },
    { NRT_GEO_DISTINCT_DIAM, "distinctDiam" }, { NRT_GEO_AREA, "area" },
    { NRT_GEO_CIRCUIT, "circuit" }, { NRT_GEO_NSEG, "nseg" }, { NRT_GEO_D_LAMBDA, "dLambda" },
    { NRT_GEO_D_X, "dX" },
  };

  if (d->geometry_specs->len == 0 && d->biophysics_specs->len == 0
      && g_strcmp0 (d->class_name, "Cell") == 0 && d->output_section == NULL
      && d->output_x == 1.0 && d->threshold == 10.0)
    return;
  g_string_append (s, "        <neurite:cellBuilder");
  attr_str (s, "className", d->class_name);
  if (d->output_section != NULL)
    attr_str (s, "outputSection", d->output_section);
  attr_num (s, "outputX", d->output_x, NULL);
  attr_num (s, "threshold", d->threshold, NULL);
  g_string_append (s, ">\n");
  for (guint k = 0; k < d->geometry_specs->len; k++)
    {
      const NrtGeometrySpec *g = d->geometry_specs->pdata[k];
      g_autoptr(GString) names = g_string_new (NULL);
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (g->kinds & kinds[i].kind)
          g_string_append_printf (names, "%s%s", names->len ? " " : "", kinds[i].name);
      g_string_append (s, "          <neurite:geometrySpec");
      attr_str (s, "target", g->target);
      attr_str (s, "kinds", names->str);
      attr_num (s, "L", g->L, NULL);
      attr_num (s, "diam", g->diam, NULL);
      attr_num (s, "area", g->area, NULL);
      attr_num (s, "nseg", g->nseg, NULL);
      attr_num (s, "dLambda", g->d_lambda, NULL);
      attr_num (s, "dX", g->d_X, NULL);
      if (g->distinct_L != NULL)
        attr_numbers (s, "distinctL", g->distinct_L);
      if (g->distinct_diam != NULL)
        attr_numbers (s, "distinctDiam", g->distinct_diam);
      g_string_append (s, "/>\n");
    }
  for (guint k = 0; k < d->biophysics_specs->len; k++)
    {
      const NrtBiophysicsSpec *b = d->biophysics_specs->pdata[k];
      g_string_append (s, "          <neurite:biophysicsSpec");
      attr_str (s, "target", b->target);
      if (b->has_Ra)
        attr_num (s, "Ra", b->Ra, NULL);
      if (b->has_cm)
        attr_num (s, "cm", b->cm, NULL);
      g_string_append (s, ">");
      for (int m = 0; m < NRT_N_MECH; m++)
        {
          const NrtMechanismInfo *info = nrt_mechanism_info (m);
          if (!b->mech[m].inserted)
            continue;
          g_string_append (s, "<neurite:mechanism");
          attr_str (s, "name", info->name);
          for (guint p = 0; p < info->n_params; p++)
            attr_num (s, info->params[p].name, b->mech[m].p[p], NULL);
          g_string_append (s, "/>");
        }
      for (guint c = 0; b->channels != NULL && c < b->channels->len; c++)
        {
          const NrtBiophysicsChannel *bc = &g_array_index (b->channels, NrtBiophysicsChannel, c);
          g_string_append (s, "<neurite:insertedChannel");
          attr_str (s, "name", bc->name);
          attr_num (s, "gmax", bc->gmax, NULL);
          attr_num (s, "e", bc->e, NULL);
          g_string_append (s, "/>");
        }
      g_string_append (s, "</neurite:biophysicsSpec>\n");
    }
  g_string_append (s, "        </neurite:cellBuilder>\n");
}

static void
write_annotation (Writer *w)
{
  GString *s = w->out;
  const NrtRunSettings *st = &w->data->settings;

  g_string_append (s, "    <annotation>\n");
  g_string_append (s, "      <neurite:model xmlns:neurite=\"" NRT_NEURITE_NS "\" version=\"1\">\n");
  for (guint k = 0; k < w->order->len; k++)
    {
      int i = g_array_index (w->order, int, k);
      const NrtSection *sec = w->data->sections->pdata[i];
      gboolean has_pt3d = sec->pt3d != NULL && sec->pt3d->len >= 2;
      const char *strategy = sec->nseg_strategy == NRT_NSEG_D_LAMBDA ? "d_lambda"
                             : sec->nseg_strategy == NRT_NSEG_D_X ? "d_X" : "fixed";

      g_string_append (s, "        <neurite:section");
      attr_str (s, "name", sec->name);
      attr_str (s, "group", w->lay[i].group);
      if (sec->parent >= 0)
        {
          attr_str (s, "parent", ((NrtSection *) w->data->sections->pdata[sec->parent])->name);
          attr_num (s, "parentX", sec->parent_x, NULL);
        }
      attr_str (s, "geometry", has_pt3d ? "pt3d" : "L_diam");
      if (!has_pt3d)
        attr_num (s, "L", sec->L, NULL);
      /* With 3-D points, diam is unused but kept, so that the document round-trips. */
      attr_num (s, "diam", sec->diam, NULL);
      attr_str (s, "nsegStrategy", strategy);
      attr_num (s, "nseg", sec->nseg, NULL);
      attr_num (s, "dLambda", sec->d_lambda, NULL);
      attr_num (s, "dX", sec->d_X, NULL);
      /* GHK channels are written after the others (channelDensityGHK follows every
       * channelDensity): their insertion order, when it matters, is kept here. */
      if (sec->channels->len > 1)
        {
          gboolean ghk = FALSE;
          g_autoptr (GString) names = g_string_new (NULL);
          for (guint c = 0; c < sec->channels->len; c++)
            {
              const NrtChannel *ch = w->data->channels->pdata[
                g_array_index (sec->channels, NrtChannelInstance, c).channel];
              ghk = ghk || ch->conductance == NRT_CONDUCTANCE_GHK;
              g_string_append_printf (names, "%s%s", c ? " " : "", ch->name);
            }
          if (ghk)
            attr_str (s, "channelOrder", names->str);
        }
      g_string_append (s, "/>\n");
    }
  for (guint i = 1; i < w->data->subsets->len; i++)
    {
      const NrtSubset *sub = w->data->subsets->pdata[i];
      g_string_append (s, "        <neurite:subset");
      attr_str (s, "name", sub->name);
      g_string_append (s, ">");
      for (guint m = 0; m < sub->members->len; m++)
        {
          int si = g_array_index (sub->members, int, m);
          g_string_append (s, "<neurite:member");
          attr_str (s, "section", ((NrtSection *) w->data->sections->pdata[si])->name);
          g_string_append (s, "/>");
        }
      g_string_append (s, "</neurite:subset>\n");
    }
  if (any_mech (w->data, NRT_MECH_HH))
    g_string_append (s, "        <neurite:channel id=\"hh_na\" mechanism=\"hh\"/>\n"
                        "        <neurite:channel id=\"hh_k\" mechanism=\"hh\"/>\n"
                        "        <neurite:channel id=\"hh_leak\" mechanism=\"hh\"/>\n");
  if (any_mech (w->data, NRT_MECH_PAS))
    g_string_append (s, "        <neurite:channel id=\"pas\" mechanism=\"pas\"/>\n");
  g_string_append (s, "        <neurite:settings");
  attr_num (s, "tstop", st->tstop, NULL);
  attr_num (s, "dt", st->dt, NULL);
  attr_num (s, "vInit", st->v_init, NULL);
  attr_num (s, "celsius", st->celsius, NULL);
  attr_num (s, "pointsPerMs", st->points_per_ms, NULL);
  attr_str (s, "method", st->method == NRT_METHOD_CN ? "cn" : "implicit");
  attr_str (s, "hhUseTable", st->hh_use_table ? "true" : "false");
  /* Ion concentrations and the stochastic seed only when not NEURON's defaults, so files of
   * models without ChannelBuilder channels keep their old text. */
  {
    g_autoptr (NrtModel) fresh = nrt_model_new ();
    const NrtRunSettings *def = &nrt_model_get_data (fresh)->settings;
    for (int ion = NRT_ION_NA; ion < NRT_N_ION; ion++)
      for (int side = 0; side < 2; side++)
        {
          double v = side ? st->conc_o[ion] : st->conc_i[ion];
          double d = side ? def->conc_o[ion] : def->conc_i[ion];
          g_autofree char *name = g_strdup_printf ("%s%s0", nrt_ion_name (ion), side ? "o" : "i");
          if (v != d)
            attr_num (s, name, v, NULL);
        }
    if (st->seed != def->seed)
      g_string_append_printf (s, " seed=\"%u\"", (unsigned) st->seed);
  }
  g_string_append (s, "/>\n");
  for (guint i = 0; i < w->data->point_processes->len; i++)
    {
      const NrtPointProcess *pp = w->data->point_processes->pdata[i];
      const NrtMechanismInfo *info = nrt_point_process_info (pp->type);
      const NrtChannel *ch = pp->type == NRT_PP_CHANNEL ? w->data->channels->pdata[pp->channel]
                                                        : NULL;
      g_string_append (s, "        <neurite:pointProcess");
      /* A point channel by its channel's name, with the parameters it has (e for NonSpecific
       * channels, Nsingle with single channels), as nrt_model_add_point_process takes it. */
      attr_str (s, "type", ch ? ch->name : info->name);
      attr_str (s, "section", ((NrtSection *) w->data->sections->pdata[pp->section])->name);
      attr_num (s, "x", pp->x, NULL);
      g_string_append (s, ">");
      for (guint p = 0; p < info->n_params; p++)
        {
          if (ch && ((p == NRT_PCHAN_E && ch->ion != NRT_ION_NONSPECIFIC)
                     || (p == NRT_PCHAN_NSINGLE && !ch->single)))
            continue;
          g_string_append (s, "<neurite:param");
          attr_str (s, "name", info->params[p].name);
          attr_num (s, "value", pp->p[p], NULL);
          g_string_append (s, "/>");
        }
      g_string_append (s, "</neurite:pointProcess>\n");
    }
  for (guint i = 0; i < w->data->netstims->len; i++)
    {
      const NrtNetStim *ns = &g_array_index (w->data->netstims, NrtNetStim, i);
      g_string_append (s, "        <neurite:netStim");
      attr_num (s, "start", ns->start, NULL);
      attr_num (s, "interval", ns->interval, NULL);
      attr_num (s, "number", ns->number, NULL);
      attr_num (s, "noise", ns->noise, NULL);
      g_string_append (s, "/>\n");
    }
  for (guint i = 0; i < w->data->netcons->len; i++)
    {
      const NrtNetCon *nc = &g_array_index (w->data->netcons, NrtNetCon, i);
      g_string_append (s, "        <neurite:netCon");
      attr_num (s, "source", nc->source, NULL);
      attr_num (s, "target", nc->target, NULL);
      attr_num (s, "weight", nc->weight, NULL);
      attr_num (s, "delay", nc->delay, NULL);
      attr_num (s, "threshold", nc->threshold, NULL);
      g_string_append (s, "/>\n");
    }
  write_channel_annotation (w);
  write_cell_builder (w);
  if (w->data->view_state != NULL)
    {
      g_autofree char *text = g_markup_escape_text (w->data->view_state, -1);
      g_string_append_printf (s, "        <neurite:views>%s</neurite:views>\n", text);
    }
  g_string_append (s, "      </neurite:model>\n    </annotation>\n");
}

static void
write_morphology (Writer *w)
{
  GString *s = w->out;

  g_string_append (s, "    <morphology id=\"morphology\">\n");
  for (guint k = 0; k < w->order->len; k++)
    {
      int i = g_array_index (w->order, int, k);
      const NrtSection *sec = w->data->sections->pdata[i];
      SecLayout *l = &w->lay[i];
      const Pt *p = (const Pt *) l->pts->data;

      for (guint j = 0; j + 1 < l->pts->len; j++)
        {
          g_string_append_printf (s, "      <segment id=\"%d\" name=\"Seg%u_%s\">", l->first_seg + j, j, l->group);
          if (j == 0 && sec->parent >= 0)
            {
              int pseg;
              double frac;
              segment_at (&w->lay[sec->parent], sec->parent_x, &pseg, &frac);
              g_string_append_printf (s, "<parent segment=\"%d\"", pseg);
              attr_num (s, "fractionAlong", frac, NULL);
              g_string_append (s, "/>");
            }
          else if (j > 0)
            g_string_append_printf (s, "<parent segment=\"%d\"/>", l->first_seg + j - 1);
          if (j == 0)
            write_point (s, "proximal", &p[0]);
          write_point (s, "distal", &p[j + 1]);
          g_string_append (s, "</segment>\n");
        }
    }
  for (guint k = 0; k < w->order->len; k++)
    {
      int i = g_array_index (w->order, int, k);
      const NrtSection *sec = w->data->sections->pdata[i];
      SecLayout *l = &w->lay[i];
      g_string_append_printf (s, "      <segmentGroup id=\"%s\" neuroLexId=\"" NRT_SECTION_NEUROLEX "\">", l->group);
      g_string_append_printf (s, "<property tag=\"numberInternalDivisions\" value=\"%d\"/>", sec->nseg);
      for (guint j = 0; j + 1 < l->pts->len; j++)
        g_string_append_printf (s, "<member segment=\"%d\"/>", l->first_seg + j);
      g_string_append (s, "</segmentGroup>\n");
    }
  for (guint i = 1; i < w->data->subsets->len; i++)
    {
      const NrtSubset *sub = w->data->subsets->pdata[i];
      g_autofree char *gid = make_id (w, sub->name);
      g_string_append_printf (s, "      <segmentGroup id=\"%s\">", gid);
      for (guint m = 0; m < sub->members->len; m++)
        g_string_append_printf (s, "<include segmentGroup=\"%s\"/>",
                                w->lay[g_array_index (sub->members, int, m)].group);
      g_string_append (s, "</segmentGroup>\n");
    }
  g_string_append (s, "      <segmentGroup id=\"all\">");
  for (guint k = 0; k < w->order->len; k++)
    g_string_append_printf (s, "<include segmentGroup=\"%s\"/>",
                            w->lay[g_array_index (w->order, int, k)].group);
  g_string_append (s, "</segmentGroup>\n    </morphology>\n");
}

static void
density (GString *s, const char *chan, const char *group, double g, double e, const char *ion)
{
  g_string_append_printf (s, "        <channelDensity id=\"%s_%s\" ionChannel=\"%s\"", chan, group, chan);
  attr_num (s, "condDensity", g, "S_per_cm2");
  attr_num (s, "erev", e, "mV");
  g_string_append_printf (s, " segmentGroup=\"%s\" ion=\"%s\"/>\n", group, ion);
}

static void
write_biophysics (Writer *w)
{
  GString *s = w->out;

  g_string_append (s, "    <biophysicalProperties id=\"biophys\">\n      <membraneProperties>\n");
  for (guint k = 0; k < w->order->len; k++)
    {
      int i = g_array_index (w->order, int, k);
      const NrtSection *sec = w->data->sections->pdata[i];
      const char *g = w->lay[i].group;
      if (sec->mech[NRT_MECH_HH].inserted)
        {
          density (s, "hh_na", g, param (sec, NRT_MECH_HH, "gnabar_hh"), param (sec, NRT_MECH_HH, "ena"), "na");
          density (s, "hh_k", g, param (sec, NRT_MECH_HH, "gkbar_hh"), param (sec, NRT_MECH_HH, "ek"), "k");
          density (s, "hh_leak", g, param (sec, NRT_MECH_HH, "gl_hh"), param (sec, NRT_MECH_HH, "el_hh"), "non_specific");
        }
      if (sec->mech[NRT_MECH_PAS].inserted)
        density (s, "pas", g, param (sec, NRT_MECH_PAS, "g_pas"), param (sec, NRT_MECH_PAS, "e_pas"), "non_specific");
      for (guint c = 0; c < sec->channels->len; c++)
        {
          const NrtChannelInstance *inst = &g_array_index (sec->channels, NrtChannelInstance, c);
          const NrtChannel *ch = w->data->channels->pdata[inst->channel];
          gboolean ns = ch->ion == NRT_ION_NONSPECIFIC;
          if (ch->conductance == NRT_CONDUCTANCE_GHK)
            continue;
          density (s, ch->name, g, inst->gmax, ns ? inst->e : sec->e_ion[ch->ion],
                   ns ? "non_specific" : nrt_ion_name (ch->ion));
        }
    }
  /* GHK channels, after every channelDensity as the schema orders them: pmax in cm/s. */
  for (guint k = 0; k < w->order->len; k++)
    {
      int i = g_array_index (w->order, int, k);
      const NrtSection *sec = w->data->sections->pdata[i];
      for (guint c = 0; c < sec->channels->len; c++)
        {
          const NrtChannelInstance *inst = &g_array_index (sec->channels, NrtChannelInstance, c);
          const NrtChannel *ch = w->data->channels->pdata[inst->channel];
          if (ch->conductance != NRT_CONDUCTANCE_GHK)
            continue;
          g_string_append_printf (s, "        <channelDensityGHK id=\"%s_%s\" ionChannel=\"%s\"",
                                  ch->name, w->lay[i].group, ch->name);
          attr_num (s, "permeability", inst->gmax, "cm_per_s");
          g_string_append_printf (s, " segmentGroup=\"%s\" ion=\"%s\"/>\n", w->lay[i].group,
                                  nrt_ion_name (ch->ion));
        }
    }
  g_string_append (s, "        <spikeThresh value=\"0mV\"/>\n");
  for (guint k = 0; k < w->order->len; k++)
    {
      int i = g_array_index (w->order, int, k);
      const NrtSection *sec = w->data->sections->pdata[i];
      g_string_append (s, "        <specificCapacitance");
      attr_num (s, "value", sec->cm, "uF_per_cm2");
      g_string_append_printf (s, " segmentGroup=\"%s\"/>\n", w->lay[i].group);
    }
  g_string_append (s, "        <initMembPotential");
  attr_num (s, "value", w->data->settings.v_init, "mV");
  g_string_append (s, "/>\n      </membraneProperties>\n      <intracellularProperties>\n");
  for (guint k = 0; k < w->order->len; k++)
    {
      int i = g_array_index (w->order, int, k);
      const NrtSection *sec = w->data->sections->pdata[i];
      g_string_append (s, "        <resistivity");
      attr_num (s, "value", sec->Ra, "ohm_cm");
      g_string_append_printf (s, " segmentGroup=\"%s\"/>\n", w->lay[i].group);
    }
  g_string_append (s, "      </intracellularProperties>\n    </biophysicalProperties>\n");
}

static void
write_point_process_elements (Writer *w, NrtPointProcessType type)
{
  GString *s = w->out;

  for (guint i = 0; i < w->data->point_processes->len; i++)
    {
      const NrtPointProcess *pp = w->data->point_processes->pdata[i];
      if (pp->type != type)
        continue;
      switch (type)
        {
        case NRT_PP_ICLAMP:
          g_string_append_printf (s, "  <pulseGenerator id=\"pp%u_IClamp\"", i);
          attr_num (s, "delay", pp_param (pp, "del"), "ms");
          attr_num (s, "duration", pp_param (pp, "dur"), "ms");
          attr_num (s, "amplitude", pp_param (pp, "amp"), "nA");
          g_string_append (s, "/>\n");
          break;
        case NRT_PP_ALPHA_SYNAPSE:
          /* NeuroML's alphaSynapse is event driven; NEURON's onset lives in the annotation. */
          g_string_append_printf (s, "  <alphaSynapse id=\"pp%u_AlphaSynapse\"", i);
          attr_num (s, "gbase", pp_param (pp, "gmax"), "uS");
          attr_num (s, "tau", pp_param (pp, "tau"), "ms");
          attr_num (s, "erev", pp_param (pp, "e"), "mV");
          g_string_append (s, "/>\n");
          break;
        case NRT_PP_EXPSYN:
          g_string_append_printf (s, "  <expOneSynapse id=\"pp%u_ExpSyn\" gbase=\"1uS\"", i);
          attr_num (s, "erev", pp_param (pp, "e"), "mV");
          attr_num (s, "tauDecay", pp_param (pp, "tau"), "ms");
          g_string_append (s, "/>\n");
          break;
        case NRT_PP_EXP2SYN:
          g_string_append_printf (s, "  <expTwoSynapse id=\"pp%u_Exp2Syn\" gbase=\"1uS\"", i);
          attr_num (s, "erev", pp_param (pp, "e"), "mV");
          attr_num (s, "tauDecay", pp_param (pp, "tau2"), "ms");
          attr_num (s, "tauRise", pp_param (pp, "tau1"), "ms");
          g_string_append (s, "/>\n");
          break;
        default:
          break;
        }
    }
}

static void
write_network (Writer *w)
{
  GString *s = w->out;

  g_string_append_printf (s, "  <network id=\"%s_network\" type=\"networkWithTemperature\"", w->cell_id);
  attr_num (s, "temperature", w->data->settings.celsius, "degC");
  g_string_append (s, ">\n");
  for (const char *const *kind = network_order; *kind; kind++)
    {
      if (strcmp (*kind, "population") == 0 && w->own_population)
        g_string_append_printf (s, "    <population id=\"%s\" component=\"%s\" size=\"1\"/>\n",
                                w->pop_id, w->cell_id);
      write_foreign (w, *kind, TRUE, "    ");
      if (strcmp (*kind, "inputList") == 0)
        for (guint i = 0; i < w->data->point_processes->len; i++)
          {
            const NrtPointProcess *pp = w->data->point_processes->pdata[i];
            int seg;
            double frac;
            g_autofree char *target = NULL;
            if (pp->type != NRT_PP_ICLAMP)
              continue;
            segment_at (&w->lay[pp->section], pp->x, &seg, &frac);
            target = w->pop_is_list ? g_strdup_printf ("../%s/0/%s", w->pop_id, w->cell_id)
                                    : g_strdup_printf ("../%s[0]", w->pop_id);
            g_string_append_printf (s, "    <inputList id=\"pp%u_input\" population=\"%s\" component=\"pp%u_IClamp\">"
                                    "<input id=\"0\" target=\"%s\" destination=\"synapses\" segmentId=\"%d\"",
                                    i, w->pop_id, i, target, seg);
            attr_num (s, "fractionAlong", frac, NULL);
            g_string_append (s, "/></inputList>\n");
          }
    }
  g_string_append (s, "  </network>\n");
}

static void
visit (Writer *w, int isec, int rank, int *next_seg)
{
  int child_rank = 0;

  g_array_append_val (w->order, isec);
  lay_out_section (w, isec, rank, next_seg);
  for (guint j = 0; j < w->data->sections->len; j++)
    if (((NrtSection *) w->data->sections->pdata[j])->parent == isec)
      visit (w, j, child_rank++, next_seg);
}

char *
nrt_neuroml_write_string (NrtModel *model, GError **error)
{
  Writer w = { 0 };
  int roots = 0, root = -1, next_seg = 0;
  char *result;

  g_return_val_if_fail (NRT_IS_MODEL (model), NULL);

  w.model = model;
  w.data = nrt_model_get_data (model);
  for (guint i = 0; i < w.data->sections->len; i++)
    if (((NrtSection *) w.data->sections->pdata[i])->parent < 0)
      roots++, root = root < 0 ? (int) i : root;
  if (roots != 1)
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED,
                   "the model has %d root sections; a NeuroML cell needs exactly one", roots);
      return NULL;
    }
  w.used_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (w.used_ids, g_strdup ("all"));
  w.lay = g_new0 (SecLayout, w.data->sections->len);
  w.order = g_array_new (FALSE, FALSE, sizeof (int));
  visit (&w, root, 0, &next_seg);
  for (guint k = 0; k < w.order->len; k++)
    {
      int i = g_array_index (w.order, int, k);
      w.lay[i].group = make_id (&w, ((NrtSection *) w.data->sections->pdata[i])->name);
    }
  w.cell_id = g_strdup (nrt_nml_is_nml_id (w.data->name) ? w.data->name : "cell");
  w.pop_id = g_strdup ("pop0");
  w.own_population = TRUE;
  find_population (&w);

  w.out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append_printf (w.out,
    "<neuroml xmlns=\"" NRT_NML_NS "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xsi:schemaLocation=\"" NRT_NML_NS " https://raw.github.com/NeuroML/NeuroML2/development/Schemas/NeuroML2/NeuroML_v2.3.1.xsd\" "
    "id=\"%s_doc\">\n", w.cell_id);
  g_string_append (w.out, "  <notes>Written by Neurite.</notes>\n");
  for (const char *const *kind = root_order; *kind; kind++)
    {
      if (strcmp (*kind, "ionChannel") == 0 && any_mech (w.data, NRT_MECH_PAS))
        g_string_append (w.out, "  <ionChannel id=\"pas\" type=\"ionChannelPassive\" conductance=\"10pS\"/>\n");
      if (strcmp (*kind, "ionChannelHH") == 0 && any_mech (w.data, NRT_MECH_HH))
        g_string_append_printf (w.out,
                                "  <ionChannelHH id=\"hh_na\" species=\"na\" conductance=\"10pS\">\n%s  </ionChannelHH>\n"
                                "  <ionChannelHH id=\"hh_k\" species=\"k\" conductance=\"10pS\">\n%s  </ionChannelHH>\n"
                                "  <ionChannelHH id=\"hh_leak\" conductance=\"10pS\"/>\n",
                                hh_gates_na, hh_gates_k);
      if (strcmp (*kind, "ionChannelHH") == 0)
        write_channel_types (&w, FALSE);
      if (strcmp (*kind, "ionChannelKS") == 0)
        write_channel_types (&w, TRUE);
      if (strcmp (*kind, "alphaSynapse") == 0)
        write_point_process_elements (&w, NRT_PP_ALPHA_SYNAPSE);
      if (strcmp (*kind, "expOneSynapse") == 0)
        write_point_process_elements (&w, NRT_PP_EXPSYN);
      if (strcmp (*kind, "expTwoSynapse") == 0)
        write_point_process_elements (&w, NRT_PP_EXP2SYN);
      if (strcmp (*kind, "cell") == 0)
        {
          g_string_append_printf (w.out, "  <cell id=\"%s\">\n", w.cell_id);
          if (w.data->notes && *w.data->notes)
            {
              g_autofree char *e = g_markup_escape_text (w.data->notes, -1);
              g_string_append_printf (w.out, "    <notes>%s</notes>\n", e);
            }
          write_annotation (&w);
          write_morphology (&w);
          write_biophysics (&w);
          g_string_append (w.out, "  </cell>\n");
        }
      if (strcmp (*kind, "pulseGenerator") == 0)
        write_point_process_elements (&w, NRT_PP_ICLAMP);
      if (strcmp (*kind, "network") == 0)
        write_network (&w);
      if (strcmp (*kind, "ComponentType") == 0)
        write_component_types (&w);
      write_foreign (&w, *kind, FALSE, "  ");
    }
  write_unknown_foreign (&w);
  g_string_append (w.out, "</neuroml>\n");

  for (guint i = 0; i < w.data->sections->len; i++)
    {
      g_free (w.lay[i].group);
      if (w.lay[i].pts)
        g_array_unref (w.lay[i].pts);
      if (w.lay[i].bounds)
        g_array_unref (w.lay[i].bounds);
    }
  g_free (w.lay);
  g_array_unref (w.order);
  g_hash_table_unref (w.used_ids);
  g_free (w.cell_id);
  g_free (w.pop_id);
  result = g_string_free (w.out, FALSE);
  return result;
}

char *
nrt_neuroml_write_channels_string (const NrtChannel *const *channels, guint n, GError **error)
{
  g_autoptr (NrtModel) scratch = nrt_model_new ();
  Writer w = { 0 };

  g_return_val_if_fail (channels != NULL || n == 0, NULL);
  for (guint c = 0; c < n; c++)
    if (!nrt_model_add_channel (scratch, channels[c], error))
      return NULL;
  w.model = scratch;
  w.data = nrt_model_get_data (scratch);
  w.out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append_printf (w.out,
    "<neuroml xmlns=\"" NRT_NML_NS "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xsi:schemaLocation=\"" NRT_NML_NS " https://raw.github.com/NeuroML/NeuroML2/development/Schemas/NeuroML2/NeuroML_v2.3.1.xsd\" "
    "id=\"%s\">\n", n > 0 ? channels[0]->name : "channels");
  g_string_append (w.out, "  <notes>ChannelBuilder channels written by Neurite.</notes>\n");
  g_string_append (w.out, "  <annotation>\n"
                          "      <neurite:model xmlns:neurite=\"" NRT_NEURITE_NS "\" version=\"1\">\n");
  write_channel_annotation (&w);
  g_string_append (w.out, "      </neurite:model>\n  </annotation>\n");
  write_channel_types (&w, FALSE);
  write_channel_types (&w, TRUE);
  write_component_types (&w);
  g_string_append (w.out, "</neuroml>\n");
  return g_string_free (w.out, FALSE);
}

gboolean
nrt_neuroml_write_file (NrtModel *model, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmpl = NULL;
  gsize len, done = 0;
  int fd;

  g_return_val_if_fail (NRT_IS_MODEL (model), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = nrt_neuroml_write_string (model, error);
  if (text == NULL)
    return FALSE;
  len = strlen (text);
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmpl = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (tmpl, O_WRONLY, 0644);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE, "%s: cannot create a temporary file: %s",
                   path, g_strerror (e));
      return FALSE;
    }
  while (done < len)
    {
      ssize_t n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int e = errno;
          close (fd);
          g_unlink (tmpl);
          g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE, "%s: %s", path, g_strerror (e));
          return FALSE;
        }
      done += n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int e = errno;
      g_unlink (tmpl);
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE, "%s: %s", path, g_strerror (e));
      return FALSE;
    }
  if (g_rename (tmpl, path) != 0)
    {
      int e = errno;
      g_unlink (tmpl);
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE, "%s: cannot rename: %s", path, g_strerror (e));
      return FALSE;
    }
  /* Make the rename itself durable. */
  fd = open (dir, O_RDONLY | O_DIRECTORY);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  return TRUE;
}

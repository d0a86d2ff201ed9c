/* nrt-hoc.c: the CellBuilder's hoc template, laid out as NEURON 8.2's celmang.hoc writes it
 * (save_class → save_classbody → topol.pr, subsets.pr, geom.pr, memb.pr).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Numbers are written with the shortest text that reads back to the same double (where
 * NEURON uses %g), so that the cell NEURON builds from the file is the model, bit for bit.
 */
#include <math.h>
#include <string.h>

#include "nrt-hoc.h"
#include "nrt-hoc-private.h"
#include "nrt-nmodl.h"
#include "nrt-neuroml.h"

/* hoc's per-procedure size limits, as celbild writes them. */
#define TOPOL_LINES 200
#define SHAPE_LINES 100
#define SUBSET_LINES 200
#define GEOM_LINES 200
#define NSEG_LINES 100
#define BIOPHYS_LINES 200

typedef NrtExportWriter Writer;
/* Short names for the shared helpers (nrt-hoc-private.h), which this file defines. */
#define num nrt_export_num
#define hoc_name nrt_export_hoc_name
#define writer_init nrt_export_writer_init
#define writer_clear nrt_export_writer_clear
typedef NrtExportName SecName;

/* The shortest of %.15g…%.17g that reads back to v: "0.036", not "0.035999999999999997". */
const char *
nrt_export_num (char *buf, double v)
{
  for (int prec = 15; prec <= 17; prec++)
    {
      char fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, fmt, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  return buf;
}

/* Members of subset s in member order; "all" is every section, whatever it stores. */
static GArray *
subset_members (Writer *w, int s)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));

  if (s == 0)
    for (int i = 0; i < (int) w->n; i++)
      g_array_append_val (out, i);
  else
    {
      GArray *m = ((NrtSubset *) g_ptr_array_index (w->data->subsets, s))->members;
      g_array_append_vals (out, m->data, m->len);
    }
  return out;
}

/* The name hoc uses for section i: "ap" for ap[0], as CellBuild's validname() does. */
char *
nrt_export_hoc_name (Writer *w, int i)
{
  if (w->names[i].id == 0)
    return g_strdup (w->names[i].base);
  return g_strdup_printf ("%s[%d]", w->names[i].base, w->names[i].id);
}

static void
parse_name (const char *name, SecName *out)
{
  const char *br = strchr (name, '[');

  if (br != NULL && g_str_has_suffix (name, "]"))
    {
      out->base = g_strndup (name, br - name);
      out->id = atoi (br + 1);
    }
  else
    {
      out->base = g_strdup (name);
      out->id = 0;
    }
}

static void
visit (Writer *w, int i, int *k, gboolean *seen)
{
  if (seen[i])
    return;
  seen[i] = TRUE;
  w->order[(*k)++] = i;
  for (guint c = 0; c < w->n; c++)
    {
      const NrtSection *s = g_ptr_array_index (w->data->sections, c);
      if (s->parent == i)
        visit (w, c, k, seen);
    }
}

void
nrt_export_writer_init (Writer *w, NrtModel *model)
{
  g_autofree gboolean *seen = NULL;
  int k = 0;

  w->model = model;
  w->data = nrt_model_get_data (model);
  w->out = g_string_new (NULL);
  w->toplevel = FALSE;
  w->n = w->data->sections->len;
  w->names = g_new0 (SecName, w->n);
  w->order = g_new0 (int, w->n);
  w->bases = g_ptr_array_new ();
  w->base_max = g_array_new (FALSE, TRUE, sizeof (int));
  w->indexed = g_array_new (FALSE, TRUE, sizeof (gboolean));
  seen = g_new0 (gboolean, w->n);

  for (guint i = 0; i < w->n; i++)
    {
      const NrtSection *s = g_ptr_array_index (w->data->sections, i);
      if (s->parent < 0)
        visit (w, i, &k, seen);
    }
  for (guint i = 0; i < w->n; i++)
    visit (w, i, &k, seen);

  for (guint r = 0; r < w->n; r++)
    {
      int i = w->order[r];
      const NrtSection *s = g_ptr_array_index (w->data->sections, i);
      guint u;

      parse_name (s->name, &w->names[i]);
      w->names[i].rank = r;
      for (u = 0; u < w->bases->len; u++)
        if (g_strcmp0 (g_ptr_array_index (w->bases, u), w->names[i].base) == 0)
          break;
      if (u == w->bases->len)
        {
          int zero = 0;
          g_ptr_array_add (w->bases, w->names[i].base);
          g_array_append_val (w->base_max, zero);
          g_array_set_size (w->indexed, u + 1);
        }
      w->names[i].uniq = u;
      if (strchr (s->name, '[') != NULL)
        g_array_index (w->indexed, gboolean, u) = TRUE;
      g_array_index (w->base_max, int, u) = MAX (g_array_index (w->base_max, int, u),
                                                 w->names[i].id);
    }
}

void
nrt_export_writer_clear (Writer *w)
{
  for (guint i = 0; i < w->n; i++)
    g_free (w->names[i].base);
  g_free (w->names);
  g_free (w->order);
  g_ptr_array_unref (w->bases);
  g_array_unref (w->base_max);
  g_array_unref (w->indexed);
  if (w->out != NULL)
    g_string_free (w->out, TRUE);
}

/* Sorts section indices by (base, id), as CellBuild's smap/imap do. */
static int
cmp_uniq_id (gconstpointer a, gconstpointer b, gpointer user_data)
{
  Writer *w = user_data;
  const SecName *x = &w->names[*(const int *) a];
  const SecName *y = &w->names[*(const int *) b];

  if (x->uniq != y->uniq)
    return x->uniq < y->uniq ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

static void
pr_list (GString *out, const char *keyword, const char *indent, GPtrArray *names)
{
  for (guint i = 0; i < names->len; i++)
    {
      if (i % 7 == 0)
        g_string_append_printf (out, "\n%s%s %s", indent, keyword,
                                (const char *) g_ptr_array_index (names, i));
      else
        g_string_append_printf (out, ", %s", (const char *) g_ptr_array_index (names, i));
    }
}

static GPtrArray *
subset_names (Writer *w)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < w->data->subsets->len; i++)
    g_ptr_array_add (names, ((NrtSubset *) g_ptr_array_index (w->data->subsets, i))->name);
  return names;
}

/* ---- topology --------------------------------------------------------------------- */

static void
pr_topol (Writer *w)
{
  g_autoptr(GPtrArray) creates = g_ptr_array_new_with_free_func (g_free);
  g_autofree int *sorted = g_new (int, w->n);
  g_autofree double *px0 = g_new0 (double, w->n);
  g_autofree double *py0 = g_new0 (double, w->n);
  g_autofree double *px1 = g_new0 (double, w->n);
  g_autofree double *py1 = g_new0 (double, w->n);
  g_autofree double *ang = g_new0 (double, w->n);
  char b[4][G_ASCII_DTOSTR_BUF_SIZE];
  int lcnt = 0, pcnt = 0, is3d = 0, nline = 0, isba = 0;

  for (guint u = 0; u < w->bases->len; u++)
    {
      int max = g_array_index (w->base_max, int, u);
      const char *base = g_ptr_array_index (w->bases, u);
      g_ptr_array_add (creates, max == 0 && !g_array_index (w->indexed, gboolean, u)
                                ? g_strdup (base) : g_strdup_printf ("%s[%d]", base, max + 1));
    }
  pr_list (w->out, "create", "", creates);
  g_string_append (w->out, "\n\nproc topol() { local i\n");

  memcpy (sorted, w->order, sizeof (int) * w->n);
  g_qsort_with_data (sorted, w->n, sizeof (int), cmp_uniq_id, w);
  for (guint k = 0; k < w->n; k++)
    {
      int i = sorted[k];
      const NrtSection *s = g_ptr_array_index (w->data->sections, i);
      g_autofree char *child = NULL, *parent = NULL;

      if (s->parent < 0)
        continue;
      child = hoc_name (w, i);
      parent = hoc_name (w, s->parent);
      g_string_append_printf (w->out, "  connect %s(0), %s(%s)\n", child, parent,
                              num (b[0], s->parent_x));
      lcnt = (lcnt + 1) % TOPOL_LINES;
      if (lcnt == 0)
        {
          pcnt++;
          g_string_append_printf (w->out, "  topol_%d()\n}\nproc topol_%d() {\n", pcnt, pcnt);
        }
    }
  g_string_append (w->out, "  basic_shape()\n}\n");

  /* Imported 3-D sections keep their points. */
  for (guint r = 0; r < w->n; r++)
    {
      int i = w->order[r];
      const NrtSection *s = g_ptr_array_index (w->data->sections, i);
      g_autofree char *name = NULL;

      if (s->pt3d == NULL || s->pt3d->len < 2)
        continue;
      name = hoc_name (w, i);
      if (nline == 0)
        g_string_append_printf (w->out, "proc shape3d_%d() {\n", ++is3d);
      g_string_append_printf (w->out, "  %s {pt3dclear()\n", name);
      for (guint j = 0; j < s->pt3d->len; j++)
        {
          const NrtPt3d *p = &g_array_index (s->pt3d, NrtPt3d, j);
          g_string_append_printf (w->out, "\tpt3dadd(%.9g, %.9g, %.9g, %.9g)\n",
                                  p->x, p->y, p->z, p->d);
          if (++nline > 200)
            {
              nline = 1;
              is3d++;
              g_string_append_printf (w->out, "  }\n}\nproc shape3d_%d() {\n  %s {", is3d, name);
            }
        }
      g_string_append (w->out, "  }\n");
    }
  if (is3d)
    g_string_append (w->out, "}\n");

  /* The stick figure: 15-unit sections fanned out from their parents; geom() then rescales
   * them to L and diam, as in NEURON. */
  nline = 0;
  g_string_append (w->out, "proc basic_shape() {\n");
  for (int i = 1; i <= is3d; i++)
    {
      g_string_append_printf (w->out, "  shape3d_%d()\n", i);
      if (++nline % SHAPE_LINES == 0)
        {
          isba++;
          g_string_append_printf (w->out, "  basic_shape_%d()\n}\nproc basic_shape_%d() {\n",
                                  isba, isba);
        }
    }
  for (guint r = 0; r < w->n; r++)
    {
      int i = w->order[r];
      const NrtSection *s = g_ptr_array_index (w->data->sections, i);
      g_autofree char *name = NULL;
      double len = s->parent < 0 ? 15 : 30;
      double x0, y0, x1, y1;

      if (s->parent < 0)
        {
          px0[i] = 0; py0[i] = 0; ang[i] = 0;
        }
      else
        {
          int p = s->parent, k = 0, n = 0;
          for (guint r2 = 0; r2 < w->n; r2++)
            {
              const NrtSection *t = g_ptr_array_index (w->data->sections, w->order[r2]);
              if (t->parent == p && (t->parent_x < 0.5) == (s->parent_x < 0.5))
                {
                  if ((int) r2 < (int) r)
                    k++;
                  n++;
                }
            }
          px0[i] = px0[p] + s->parent_x * (px1[p] - px0[p]);
          py0[i] = py0[p] + s->parent_x * (py1[p] - py0[p]);
          ang[i] = ang[p] + (s->parent_x < 0.5 ? G_PI : 0) + (k - (n - 1) / 2.0) * G_PI / 4;
        }
      px1[i] = px0[i] + len * cos (ang[i]);
      py1[i] = py0[i] + len * sin (ang[i]);
      if (s->pt3d != NULL && s->pt3d->len >= 2)
        continue;
      name = hoc_name (w, i);
      x0 = floor (px0[i] + .5); y0 = floor (py0[i] + .5);
      x1 = floor (px1[i] + .5); y1 = floor (py1[i] + .5);
      g_string_append_printf (w->out, "  %s {pt3dclear() pt3dadd(%s, %s, 0, 1) pt3dadd(%s, %s, 0, 1)}\n",
                              name, num (b[0], x0), num (b[1], y0), num (b[2], x1), num (b[3], y1));
      if (++nline % SHAPE_LINES == 0)
        {
          isba++;
          g_string_append_printf (w->out, "  basic_shape_%d()\n}\nproc basic_shape_%d() {\n",
                                  isba, isba);
        }
    }
  g_string_append (w->out, "}\n");
}

/* ---- subsets ---------------------------------------------------------------------- */

static void
pr_subsets (Writer *w)
{
  g_autoptr(GPtrArray) names = subset_names (w);
  int nline = 0, isss = 0;

  pr_list (w->out, "objref", "", names);
  g_string_append (w->out, "\nproc subsets() { local i");
  pr_list (w->out, "objref", "  ", names);
  g_string_append (w->out, "\n");
  for (guint s = 0; s < w->data->subsets->len; s++)
    {
      const NrtSubset *ss = g_ptr_array_index (w->data->subsets, s);
      g_autoptr(GArray) members = subset_members (w, s);
      guint n = members->len;
      g_autofree int *m = g_new (int, MAX (n, 1));

      g_string_append_printf (w->out, "  %s = new SectionList()\n", ss->name);
      if (++nline % SUBSET_LINES == 0)
        {
          isss++;
          g_string_append_printf (w->out, "  subsets_%d()\n}\nproc subsets_%d(){\n", isss, isss);
        }
      for (guint j = 0; j < n; j++)
        m[j] = g_array_index (members, int, j);
      g_qsort_with_data (m, n, sizeof (int), cmp_uniq_id, w);
      for (guint j = 0; j < n; j++)
        {
          const SecName *a = &w->names[m[j]];
          int id2 = a->id;
          guint k = j;

          while (k + 1 < n && w->names[m[k + 1]].uniq == a->uniq && w->names[m[k + 1]].id == id2 + 1)
            id2 = w->names[m[++k]].id;
          if (id2 > a->id)
            g_string_append_printf (w->out, "    for i=%d, %d %s[i] %s.append()\n",
                                    a->id, id2, a->base, ss->name);
          else if (a->id > 0)
            g_string_append_printf (w->out, "    %s[%d] %s.append()\n", a->base, a->id, ss->name);
          else
            g_string_append_printf (w->out, "    %s %s.append()\n", a->base, ss->name);
          j = k;
          if (++nline % SUBSET_LINES == 0)
            {
              isss++;
              g_string_append_printf (w->out, "  subsets_%d()\n}\nproc subsets_%d(){\n", isss, isss);
            }
        }
      g_string_append (w->out, "\n");
    }
  g_string_append (w->out, "}\n");
}

/* ---- geometry --------------------------------------------------------------------- */

/* "  forsec all {" or "  soma {" (without trailing text). */
static char *
target_open (Writer *w, const char *target)
{
  int sec = nrt_model_find_subset (w->model, target) >= 0 ? -1
          : nrt_model_find_section (w->model, target);
  g_autofree char *name = NULL;

  if (sec < 0)
    return g_strdup_printf ("  forsec %s {", target);
  name = hoc_name (w, sec);
  return g_strdup_printf ("  %s {", name);
}

static void
geom_break (Writer *w, int *nline, int *isg)
{
  if (++(*nline) % GEOM_LINES == 0)
    {
      (*isg)++;
      g_string_append_printf (w->out, " geom_%d()\n}\nproc geom_%d() {\n", *isg, *isg);
    }
}

static void
pr_geom (Writer *w)
{
  GPtrArray *specs = w->data->geometry_specs;
  char b[2][G_ASCII_DTOSTR_BUF_SIZE];
  int nline = 0, isg = 0, isa = 0;

  g_string_append (w->out, "proc geom() {\n");
  if (specs != NULL && specs->len > 0)
    {
      for (guint i = 0; i < specs->len; i++)
        {
          const NrtGeometrySpec *g = g_ptr_array_index (specs, i);
          g_autofree char *open = target_open (w, g->target);
          int ss = nrt_model_find_subset (w->model, g->target);

          g_string_append_printf (w->out, "%s ", open);
          if (g->kinds & NRT_GEO_L)
            g_string_append_printf (w->out, " L = %s ", num (b[0], g->L));
          if (g->kinds & NRT_GEO_DIAM)
            g_string_append_printf (w->out, " diam = %s ", num (b[0], g->diam));
          if (g->kinds & NRT_GEO_AREA)
            g_string_append_printf (w->out, " /*area = %s */ L = diam = %s ", num (b[0], g->area),
                                    num (b[1], sqrt (g->area / G_PI)));
          if (g->kinds & NRT_GEO_CIRCUIT)
            g_string_append (w->out, " /*circuit*/ L= 43.0127  diam=100/L/PI ");
          g_string_append (w->out, " }\n");
          geom_break (w, &nline, &isg);
          for (int k = 0; k < 2 && ss >= 0; k++)
            {
              GArray *vals = k == 0 ? g->distinct_L : g->distinct_diam;
              g_autoptr(GArray) members = NULL;

              if (!(g->kinds & (k == 0 ? NRT_GEO_DISTINCT_L : NRT_GEO_DISTINCT_DIAM)) || vals == NULL)
                continue;
              members = subset_members (w, ss);
              for (guint j = 0; j < members->len && j < vals->len; j++)
                {
                  g_autofree char *name = hoc_name (w, g_array_index (members, int, j));
                  g_string_append_printf (w->out, "   %s.%s = %s\n", name, k == 0 ? "L" : "diam",
                                          num (b[0], g_array_index (vals, double, j)));
                  geom_break (w, &nline, &isg);
                }
            }
        }
    }
  else
    {
      /* A cell the CellBuilder did not build: each section's own values. */
      for (guint r = 0; r < w->n; r++)
        {
          int i = w->order[r];
          const NrtSection *s = g_ptr_array_index (w->data->sections, i);
          g_autofree char *name = NULL;

          if (s->pt3d != NULL && s->pt3d->len >= 2)
            continue;
          name = hoc_name (w, i);
          g_string_append_printf (w->out, "  %s {  L = %s  diam = %s  }\n", name,
                                  num (b[0], s->L), num (b[1], s->diam));
          geom_break (w, &nline, &isg);
        }
    }
  g_string_append (w->out, "}\n");

  if (!w->toplevel)
    g_string_append (w->out, "external lambda_f\n");
  g_string_append (w->out, "proc geom_nseg() {\n");
  nline = 0;
  for (guint i = 0; i < (specs != NULL && specs->len > 0 ? specs->len : w->n); i++)
    {
      g_autofree char *open = NULL;
      NrtNsegStrategy strategy;
      double value;

      if (specs != NULL && specs->len > 0)
        {
          const NrtGeometrySpec *g = g_ptr_array_index (specs, i);
          if (g->kinds & NRT_GEO_D_LAMBDA)
            strategy = NRT_NSEG_D_LAMBDA, value = g->d_lambda;
          else if (g->kinds & NRT_GEO_D_X)
            strategy = NRT_NSEG_D_X, value = g->d_X;
          else if (g->kinds & NRT_GEO_NSEG)
            strategy = NRT_NSEG_FIXED, value = g->nseg;
          else
            continue;
          open = target_open (w, g->target);
        }
      else
        {
          int sec = w->order[i];
          const NrtSection *s = g_ptr_array_index (w->data->sections, sec);
          g_autofree char *name = hoc_name (w, sec);

          strategy = s->nseg_strategy;
          value = strategy == NRT_NSEG_D_LAMBDA ? s->d_lambda
                : strategy == NRT_NSEG_D_X ? s->d_X : s->nseg;
          open = g_strdup_printf ("  %s {", name);
        }
      if (strategy == NRT_NSEG_D_LAMBDA)
        g_string_append_printf (w->out, "%s nseg = int((L/(%s*lambda_f(100))+.999)/2)*2 + 1  }\n",
                                open, num (b[0], value));
      else if (strategy == NRT_NSEG_D_X)
        g_string_append_printf (w->out, " %s nseg = int((L/%s + .999)/2)*2 + 1  }\n", open,
                                num (b[0], value));
      else
        g_string_append_printf (w->out, " %s nseg = %d  }\n", open, (int) value);
      if (++nline % NSEG_LINES == 0)
        {
          isa++;
          g_string_append_printf (w->out, "  geom_nseg_%d()\n}\nproc geom_nseg_%d() {\n", isa, isa);
        }
    }
  g_string_append (w->out, "}\n");
}

/* ---- ChannelBuilder channels as KSChan ---------------------------------------------- */

/* One rate as set_f's vector: ftype and the parameters, A scaled by scale. */
static void
pr_set_f (GString *out, int dir, const NrtRate *r, double scale)
{
  char b[3][G_ASCII_DTOSTR_BUF_SIZE];

  num (b[0], r->A * scale);
  if (nrt_rate_is_bg (r))
    {
      /* ftype 5 and 6 on the same five numbers (KSChan's vector K, vhalf, z, gam, tau0). */
      char c[2][G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (out, "  tobj_.set_f(%d, %d, ksvec_.c.append(%s, %s, %s, %s, %s))\n",
                              dir, r->form == NRT_RATE_BG_INF ? 5 : 6, b[0], num (b[1], r->d),
                              num (b[2], r->z), num (c[0], r->gam), num (c[1], r->tau0));
    }
  else if (r->form == NRT_RATE_TABLE)
    {
      /* ftype 7: the values (times scale) on KSChan's even grid from vmin to vmax. */
      double vmin = 0, vmax = 0;
      const double *y = nrt_rate_func_get_params (r->func);

      nrt_rate_func_get_table_range (r->func, &vmin, &vmax);
      g_string_append_printf (out, "  tobj_.set_f(%d, 7, ksvec_.c.append(", dir);
      for (guint i = 0; i < nrt_rate_func_get_n_params (r->func); i++)
        g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", num (b[0], y[i] * scale));
      g_string_append_printf (out, "), %s, %s)\n", num (b[1], vmin), num (b[2], vmax));
    }
  else if (r->form == NRT_RATE_CONSTANT)
    g_string_append_printf (out, "  tobj_.set_f(%d, 1, ksvec_.c.append(%s))\n", dir, b[0]);
  else
    g_string_append_printf (out, "  tobj_.set_f(%d, %d, ksvec_.c.append(%s, %s, %s))\n", dir,
                            (int) r->form, b[0], num (b[1], r->k), num (b[2], r->d));
}

/* A gate's or transition's two rates with the q10 factor f baked in: α, β and ligand rates
 * scale by f, τ by 1/f, inf not at all (all of KSChan's forms are proportional to A). */
static void
pr_rates (GString *out, NrtGateType type, const NrtRate *rate, double f)
{
  if (nrt_rate_is_bg (&rate[0]))
    {
      /* q10 on a Borg-Graham pair: K·f makes τ's 1/(a' + b') shrink by f and leaves inf;
       * tau0/f does the rest. */
      NrtRate r = rate[0];
      r.A *= f;
      r.tau0 /= f;
      pr_set_f (out, 0, &r, 1.0);
      r.form = NRT_RATE_BG_TAU;
      pr_set_f (out, 1, &r, 1.0);
      return;
    }
  pr_set_f (out, 0, &rate[0], type == NRT_GATE_INF_TAU ? 1.0 : f);
  pr_set_f (out, 1, &rate[1], type == NRT_GATE_INF_TAU ? 1.0 / f : f);
}

char *
nrt_hoc_write_kschan (const NrtChannel *ch, double celsius, GError **error)
{
  GString *out;
  char b[3][G_ASCII_DTOSTR_BUF_SIZE];
  double f;
  guint n_states = 0;
  gboolean ions[NRT_N_ION] = { FALSE };

  g_return_val_if_fail (ch != NULL, NULL);
  if (!nrt_channel_validate (ch, error))
    return NULL;
  if (nrt_channel_has_custom_rates (ch))
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED,
                   "the channel “%s” has LEMS or expression rates, which a KSChan cannot "
                   "express: export the channels as NMODL", ch->name);
      return NULL;
    }
  f = nrt_channel_rate_factor (ch, celsius);
  out = g_string_new (NULL);
  g_string_append_printf (out, "// ChannelBuilder channel %s as a KSChan (\"Hoc file for KSChan\")",
                          ch->name);
  if (ch->q10 != 1.0)
    g_string_append_printf (out, ",\n// its q10 %s from %s degC applied for celsius = %s",
                            num (b[0], ch->q10), num (b[1], ch->q10_temperature),
                            g_ascii_formatd (b[2], sizeof b[2], "%g", celsius));
  g_string_append (out, "\n");
  ions[ch->ion] = TRUE;
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          if (tr->type == NRT_TRANS_LIGAND_OUTSIDE || tr->type == NRT_TRANS_LIGAND_INSIDE)
            ions[tr->ligand] = TRUE;
        }
    }
  for (int i = NRT_ION_NA; i < NRT_N_ION; i++)
    if (ions[i])
      g_string_append_printf (out, "{ ion_register(\"%s\", %d) }\n", nrt_ion_name (i),
                              nrt_ion_charge (i));
  /* ks_ is an alias of the channel's own objref ksc_<name>, which keeps the KSChan alive. */
  g_string_append_printf (out, "objref ksc_%s, ks_, ksvec_, ksgate_, ksstates_, tobj_, nil_\n"
                          "{ ksvec_ = new Vector()  ksstates_ = new List() }\n", ch->name);
  g_string_append_printf (out, "{ ksc_%s = new KSChan(%d)  ks_ = ksc_%s\n"
                          "  ks_.name(\"%s\")  ks_.ion(\"%s\")  "
                          "ks_.iv_type(%d)  ks_.gmax(%s)  ks_.erev(%s) }\n", ch->name,
                          ch->kind == NRT_CHANNEL_POINT, ch->name, ch->name,
                          nrt_ion_name (ch->ion),
                          ch->conductance == NRT_CONDUCTANCE_GHK ? 2 : 0,
                          num (b[0], ch->gmax), num (b[1], ch->erev));
  for (guint i = 0; i < ch->gates->len; i++, n_states++)
    {
      const NrtGate *g = ch->gates->pdata[i];
      g_string_append_printf (out, "{ ksstates_.append(ks_.add_hhstate(\"%s\"))\n"
                              "  ksstates_.object(%u).gate.power(%d)\n"
                              "  tobj_ = ks_.trans(ksstates_.object(%u), ksstates_.object(%u))\n"
                              "  tobj_.type(%d)\n", g->name, n_states, g->power, n_states,
                              n_states, (int) g->type);
      pr_rates (out, g->type, g->rate, f);
      g_string_append (out, "}\n");
    }
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *ks = ch->schemes->pdata[k];
      guint first = n_states;
      g_string_append (out, "{ ksgate_ = nil_\n");
      for (guint j = 0; j < ks->states->len; j++, n_states++)
        {
          const NrtKsState *st = ks->states->pdata[j];
          g_string_append_printf (out, "  ksstates_.append(ks_.add_ksstate(ksgate_, \"%s\"))  "
                                  "ksgate_ = ksstates_.object(%u).gate  "
                                  "ksstates_.object(%u).frac(%s)\n", st->name, n_states,
                                  n_states, num (b[0], st->fraction));
        }
      g_string_append_printf (out, "  ksgate_.power(%d)\n}\n", ks->power);
      /* Every transition first, then their types: KSChan moves ligand transitions last, so
       * each is looked up again by its states. */
      g_string_append (out, "{");
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          g_string_append_printf (out, "%sks_.add_transition(ksstates_.object(%u), "
                                  "ksstates_.object(%u))\n", t ? "  " : " ", first + tr->from,
                                  first + tr->to);
        }
      g_string_append (out, "}\n");
      for (guint t = 0; t < ks->transitions->len; t++)
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
          const char *find = "ks_.trans(ksstates_.object(%u), ksstates_.object(%u))";
          g_autofree char *lookup = g_strdup_printf (find, first + tr->from, first + tr->to);
          g_string_append_printf (out, "{ tobj_ = %s\n", lookup);
          if (tr->type == NRT_TRANS_LIGAND_OUTSIDE || tr->type == NRT_TRANS_LIGAND_INSIDE)
            g_string_append_printf (out, "  tobj_.type(%d, \"%s\")\n  tobj_ = %s\n"
                                    "  tobj_.stoichiometry(%d)\n", (int) tr->type,
                                    nrt_ks_transition_ligand_name (tr), lookup,
                                    tr->stoichiometry);
          else
            g_string_append_printf (out, "  tobj_.type(%d)\n", (int) tr->type);
          pr_rates (out, tr->type, tr->rate, f);
          g_string_append (out, "}\n");
        }
    }
  if (ch->single)
    g_string_append (out, "{ ks_.single(1) }\n");
  g_string_append (out, "objref ks_, ksvec_, ksgate_, ksstates_, tobj_\n");
  return g_string_free (out, FALSE);
}

/* ---- biophysics ------------------------------------------------------------------- */

/* One inserted ChannelBuilder channel: gmax (pmax for GHK, KSChan's name) and e. */
typedef struct {
  const NrtChannel *ch;
  double            gmax, e;
} HocChan;

static void
item_clear (gpointer p)
{
  g_free (((NrtExportItem *) p)->name);
}

GArray *
nrt_export_items_new (void)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (NrtExportItem));

  g_array_set_clear_func (items, item_clear);
  return items;
}

static void
add_item (GArray *items, NrtExportStep step, char *name, double value)
{
  NrtExportItem it = { step, name, value };

  g_array_append_val (items, it);
}

/* The steps of one membrane specification (a section's own values, or a biophysics spec
 * when e_ion is NULL). */
static GArray *
membrane_items (gboolean has_Ra, double Ra, gboolean has_cm, double cm,
                const NrtMechInstance *mech, const HocChan *chans, guint n_chans,
                const double *e_ion)
{
  GArray *items = nrt_export_items_new ();
  gboolean ions[NRT_N_ION] = { FALSE };

  if (has_Ra)
    add_item (items, NRT_EXPORT_SET, g_strdup ("Ra"), Ra);
  if (has_cm)
    add_item (items, NRT_EXPORT_SET, g_strdup ("cm"), cm);
  for (int m = 0; m < NRT_N_MECH; m++)
    {
      const NrtMechanismInfo *info = nrt_mechanism_info (m);

      if (!mech[m].inserted)
        continue;
      add_item (items, NRT_EXPORT_INSERT, g_strdup (info->name), 0);
      for (guint p = 0; p < info->n_params; p++)
        {
          /* The ions' reversal potentials are not the mechanism's parameters in NEURON;
           * they are written only when they differ from the ions' defaults. */
          gboolean ion = !g_str_has_suffix (info->params[p].name, info->name);
          if (ion && mech[m].p[p] == info->params[p].def)
            continue;
          add_item (items, NRT_EXPORT_PARAM, g_strdup (info->params[p].name), mech[m].p[p]);
        }
    }
  for (guint c = 0; c < n_chans; c++)
    {
      const NrtChannel *ch = chans[c].ch;
      gboolean ghk = ch->conductance == NRT_CONDUCTANCE_GHK;

      add_item (items, NRT_EXPORT_INSERT, g_strdup (ch->name), 0);
      add_item (items, NRT_EXPORT_PARAM,
                g_strdup_printf ("%s_%s", ghk ? "pmax" : "gmax", ch->name), chans[c].gmax);
      if (ch->ion == NRT_ION_NONSPECIFIC)
        add_item (items, NRT_EXPORT_PARAM, g_strdup_printf ("e_%s", ch->name), chans[c].e);
      else if (!ghk)
        ions[ch->ion] = TRUE;
    }
  /* The reversal potentials the ohmic ion channels use, when not NEURON's defaults (hh
   * writes ena and ek itself). */
  for (int i = NRT_ION_NA; e_ion != NULL && i < NRT_N_ION; i++)
    if (ions[i] && e_ion[i] != nrt_ion_default_e (i)
        && !(mech[NRT_MECH_HH].inserted && (i == NRT_ION_NA || i == NRT_ION_K)))
      add_item (items, NRT_EXPORT_SET, g_strdup_printf ("e%s", nrt_ion_name (i)), e_ion[i]);
  return items;
}

/* Section i's channel instances as HocChans.  (transfer full) */
static GArray *
section_chans (Writer *w, const NrtSection *s)
{
  GArray *chans = g_array_new (FALSE, FALSE, sizeof (HocChan));

  for (guint c = 0; c < s->channels->len; c++)
    {
      const NrtChannelInstance *in = &g_array_index (s->channels, NrtChannelInstance, c);
      HocChan hc = { w->data->channels->pdata[in->channel], in->gmax, in->e };
      g_array_append_val (chans, hc);
    }
  return chans;
}

GArray *
nrt_export_section_membrane (Writer *w, int i)
{
  const NrtSection *s = g_ptr_array_index (w->data->sections, i);
  g_autoptr(GArray) chans = section_chans (w, s);

  return membrane_items (TRUE, s->Ra, TRUE, s->cm, s->mech, (HocChan *) chans->data,
                         chans->len, s->e_ion);
}

static void
pr_membrane (Writer *w, const char *open, GArray *items, int *nline)
{
  char b[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (w->out, "%s\n", open);
  for (guint k = 0; k < items->len; k++)
    {
      const NrtExportItem *it = &g_array_index (items, NrtExportItem, k);

      if (it->step == NRT_EXPORT_INSERT)
        g_string_append_printf (w->out, "    insert %s\n", it->name);
      else
        g_string_append_printf (w->out, "%s%s = %s\n",
                                it->step == NRT_EXPORT_PARAM ? "      " : "    ", it->name,
                                num (b, it->value));
    }
  g_string_append (w->out, "  }\n");
  /* NEURON counts the open line, each parameter and the close, not the inserts. */
  *nline += 2;
  for (guint k = 0; k < items->len; k++)
    *nline += g_array_index (items, NrtExportItem, k).step != NRT_EXPORT_INSERT;
}

static void
pr_biophys (Writer *w)
{
  GPtrArray *specs = w->data->biophysics_specs;
  int nline = 0, isb = 0;

  g_string_append (w->out, "proc biophys() {\n");
  for (guint i = 0; i < (specs != NULL && specs->len > 0 ? specs->len : w->n); i++)
    {
      g_autofree char *open = NULL;
      g_autoptr(GArray) items = NULL;

      if (specs != NULL && specs->len > 0)
        {
          const NrtBiophysicsSpec *bs = g_ptr_array_index (specs, i);
          gboolean any = bs->has_Ra || bs->has_cm;
          g_autoptr(GArray) chans = g_array_new (FALSE, FALSE, sizeof (HocChan));

          for (int m = 0; m < NRT_N_MECH; m++)
            any = any || bs->mech[m].inserted;
          for (guint c = 0; bs->channels != NULL && c < bs->channels->len; c++)
            {
              const NrtBiophysicsChannel *bc = &g_array_index (bs->channels,
                                                               NrtBiophysicsChannel, c);
              int index = nrt_model_find_channel (w->model, bc->name);
              HocChan hc = { index >= 0 ? w->data->channels->pdata[index] : NULL, bc->gmax,
                             bc->e };
              if (hc.ch != NULL)
                g_array_append_val (chans, hc), any = TRUE;
            }
          if (!any)
            continue;
          open = target_open (w, bs->target);
          items = membrane_items (bs->has_Ra, bs->Ra, bs->has_cm, bs->cm, bs->mech,
                                  (HocChan *) chans->data, chans->len, NULL);
        }
      else
        {
          int sec = w->order[i];
          g_autofree char *name = hoc_name (w, sec);

          open = g_strdup_printf ("  %s {", name);
          items = nrt_export_section_membrane (w, sec);
        }
      pr_membrane (w, open, items, &nline);
      if (nline > BIOPHYS_LINES)
        {
          nline = 0;
          isb++;
          g_string_append_printf (w->out, "  biophys_%d()\n}\nproc biophys_%d() {\n", isb, isb);
        }
    }
  g_string_append (w->out, "}\n");
}

/* ---- point processes and run settings -------------------------------------------- */

GArray *
nrt_export_point_process (Writer *w, guint i, const char **klass)
{
  const NrtPointProcess *pp = g_ptr_array_index (w->data->point_processes, i);
  const NrtMechanismInfo *info = nrt_point_process_info (pp->type);
  GArray *items = nrt_export_items_new ();

  if (pp->type == NRT_PP_CHANNEL)
    {
      const NrtChannel *ch = w->data->channels->pdata[pp->channel];

      *klass = ch->name;
      /* Always gmax: KSChan(1) does not start at the channel's. */
      add_item (items, NRT_EXPORT_SET,
                g_strdup (ch->conductance == NRT_CONDUCTANCE_GHK ? "pmax" : "gmax"),
                pp->p[NRT_PCHAN_GMAX]);
      if (ch->ion == NRT_ION_NONSPECIFIC)
        add_item (items, NRT_EXPORT_SET, g_strdup ("e"), pp->p[NRT_PCHAN_E]);
      if (ch->single)
        add_item (items, NRT_EXPORT_SET, g_strdup ("Nsingle"), pp->p[NRT_PCHAN_NSINGLE]);
      return items;
    }
  *klass = info->name;
  for (guint p = 0; p < info->n_params; p++)
    {
      const char *name = info->params[p].name;

      if (pp->type == NRT_PP_VCLAMP)
        {
          /* INITIAL sets e0, vo0 and vi0; dur0 is hoc's dur[0]. */
          if (strcmp (name, "e0") == 0 || strcmp (name, "vo0") == 0 || strcmp (name, "vi0") == 0)
            continue;
          if (g_str_has_prefix (name, "dur") || g_str_has_prefix (name, "amp"))
            {
              add_item (items, NRT_EXPORT_SET, g_strdup_printf ("%.3s[%s]", name, name + 3),
                        pp->p[p]);
              continue;
            }
        }
      add_item (items, NRT_EXPORT_SET, g_strdup (name), pp->p[p]);
    }
  return items;
}

gboolean
nrt_export_ion_used (Writer *w, NrtIon ion)
{
  /* hh makes NEURON define na and k at start; other ions exist once a channel uses them. */
  if (ion == NRT_ION_NA || ion == NRT_ION_K)
    return TRUE;
  for (guint c = 0; c < w->data->channels->len; c++)
    {
      const NrtChannel *ch = w->data->channels->pdata[c];
      if (ch->ion == ion)
        return TRUE;
      for (guint k = 0; k < ch->schemes->len; k++)
        {
          const NrtKsScheme *ks = ch->schemes->pdata[k];
          for (guint t = 0; t < ks->transitions->len; t++)
            {
              const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, t);
              if ((tr->type == NRT_TRANS_LIGAND_OUTSIDE || tr->type == NRT_TRANS_LIGAND_INSIDE)
                  && tr->ligand == ion)
                return TRUE;
            }
        }
    }
  return FALSE;
}

GArray *
nrt_export_settings (Writer *w)
{
  const NrtRunSettings *st = &w->data->settings;
  GArray *items = nrt_export_items_new ();

  add_item (items, NRT_EXPORT_SET, g_strdup ("tstop"), st->tstop);
  add_item (items, NRT_EXPORT_SET, g_strdup ("dt"), st->dt);
  add_item (items, NRT_EXPORT_SET, g_strdup ("steps_per_ms"), st->points_per_ms);
  add_item (items, NRT_EXPORT_SET, g_strdup ("v_init"), st->v_init);
  add_item (items, NRT_EXPORT_SET, g_strdup ("celsius"), st->celsius);
  add_item (items, NRT_EXPORT_SET, g_strdup ("secondorder"),
            st->method == NRT_METHOD_CN ? 2 : 0);
  add_item (items, NRT_EXPORT_SET, g_strdup ("usetable_hh"), st->hh_use_table ? 1 : 0);
  for (int i = NRT_ION_NA; i < NRT_N_ION; i++)
    {
      const char *ion = nrt_ion_name (i);
      if (!nrt_export_ion_used (w, i))
        continue;
      add_item (items, NRT_EXPORT_SET, g_strdup_printf ("%si0_%s_ion", ion, ion), st->conc_i[i]);
      add_item (items, NRT_EXPORT_SET, g_strdup_printf ("%so0_%s_ion", ion, ion), st->conc_o[i]);
    }
  return items;
}

char *
nrt_export_free_name (Writer *w, const char *name, const char *const *avoid)
{
  GString *s = g_string_new (name);
  gboolean clash = TRUE;

  while (clash)
    {
      clash = FALSE;
      for (guint u = 0; u < w->bases->len && !clash; u++)
        clash = strcmp (g_ptr_array_index (w->bases, u), s->str) == 0;
      clash = clash || nrt_model_find_subset (w->model, s->str) >= 0;
      for (guint k = 0; avoid != NULL && avoid[k] != NULL && !clash; k++)
        clash = strcmp (avoid[k], s->str) == 0;
      if (clash)
        g_string_append_c (s, '_');
    }
  return g_string_free (s, FALSE);
}

/* The session part (NrtHocSession): the stimuli and settings of Neurite's run.  cell is the
 * instance's name (class form) or NULL (top-level sections). */
static void
pr_session (Writer *w, const char *classname, NrtHocSession session)
{
  const NrtModelData *d = w->data;
  const char *const avoid[] = { classname, NULL };
  g_autofree char *cell = NULL;
  g_autofree char *pp = nrt_export_free_name (w, "pp", avoid);
  g_autofree char *ns = nrt_export_free_name (w, "netstim", avoid);
  g_autofree char *nc = nrt_export_free_name (w, "netcon", avoid);
  g_autoptr(GArray) settings = nrt_export_settings (w);
  char b[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (w->out, "\n// Neurite's stimuli and run settings\n"
                   "load_file(\"stdrun.hoc\")\n");
  if (classname != NULL)
    {
      cell = nrt_export_free_name (w, "cell", avoid);
      g_string_append_printf (w->out, "objref %s\n", cell);
    }
  if (d->point_processes->len > 0)
    g_string_append_printf (w->out, "objref %s[%u]\n", pp, d->point_processes->len);
  if (d->netstims->len > 0)
    g_string_append_printf (w->out, "objref %s[%u]\n", ns, d->netstims->len);
  if (d->netcons->len > 0)
    g_string_append_printf (w->out, "objref %s[%u]\n", nc, d->netcons->len);
  g_string_append (w->out, "proc session() {\n");
  if (cell != NULL)
    g_string_append_printf (w->out, "  %s = new %s()\n", cell, classname);
  for (guint i = 0; i < d->point_processes->len; i++)
    {
      const NrtPointProcess *p = g_ptr_array_index (d->point_processes, i);
      const char *klass;
      g_autoptr(GArray) items = nrt_export_point_process (w, i, &klass);
      g_autofree char *sec = hoc_name (w, p->section);
      g_autofree char *label = nrt_model_point_process_name (w->model, i);

      g_string_append_printf (w->out, "  %s%s%s %s[%u] = new %s(%s)  // %s\n",
                              cell ? cell : "", cell ? "." : "", sec, pp, i, klass,
                              num (b, p->x), label);
      for (guint k = 0; k < items->len; k++)
        {
          const NrtExportItem *it = &g_array_index (items, NrtExportItem, k);
          g_string_append_printf (w->out, "  %s[%u].%s = %s\n", pp, i, it->name,
                                  num (b, it->value));
        }
    }
  for (guint i = 0; i < d->netstims->len; i++)
    {
      const NrtNetStim *s = &g_array_index (d->netstims, NrtNetStim, i);
      char b2[3][G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (w->out, "  %s[%u] = new NetStim()\n"
                              "  %s[%u].start = %s  %s[%u].interval = %s  %s[%u].number = %s"
                              "  %s[%u].noise = %s\n", ns, i, ns, i, num (b, s->start), ns, i,
                              num (b2[0], s->interval), ns, i, num (b2[1], s->number), ns, i,
                              num (b2[2], s->noise));
    }
  for (guint i = 0; i < d->netcons->len; i++)
    {
      const NrtNetCon *c = &g_array_index (d->netcons, NrtNetCon, i);
      char b2[2][G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (w->out, "  %s[%u] = new NetCon(%s[%d], %s[%d])\n"
                              "  %s[%u].weight = %s  %s[%u].delay = %s  %s[%u].threshold = %s\n",
                              nc, i, ns, c->source, pp, c->target, nc, i, num (b, c->weight),
                              nc, i, num (b2[0], c->delay), nc, i, num (b2[1], c->threshold));
    }
  for (guint k = 0; k < settings->len; k++)
    {
      const NrtExportItem *it = &g_array_index (settings, NrtExportItem, k);
      g_string_append_printf (w->out, "  %s = %s\n", it->name, num (b, it->value));
    }
  /* An ion only read keeps the concentrations it had when inserted: set them now. */
  g_string_append (w->out, "  forall {\n");
  for (int i = NRT_ION_NA; i < NRT_N_ION; i++)
    {
      const char *ion = nrt_ion_name (i);
      if (!nrt_export_ion_used (w, i))
        continue;
      g_string_append_printf (w->out, "    if (ismembrane(\"%s_ion\")) { %si = %si0_%s_ion  "
                              "%so = %so0_%s_ion }\n", ion, ion, ion, ion, ion, ion, ion);
    }
  g_string_append (w->out, "  }\n}\nsession()\n");
  if (session == NRT_HOC_SESSION_RUN)
    g_string_append (w->out, "run()\n");
}

/* ---- the two forms ---------------------------------------------------------------- */

/* Whether geom_nseg() calls lambda_f. */
static gboolean
uses_d_lambda (Writer *w)
{
  GPtrArray *specs = w->data->geometry_specs;

  if (specs != NULL && specs->len > 0)
    {
      for (guint i = 0; i < specs->len; i++)
        if (((NrtGeometrySpec *) specs->pdata[i])->kinds & NRT_GEO_D_LAMBDA)
          return TRUE;
      return FALSE;
    }
  for (guint i = 0; i < w->n; i++)
    if (((NrtSection *) w->data->sections->pdata[i])->nseg_strategy == NRT_NSEG_D_LAMBDA)
      return TRUE;
  return FALSE;
}

/* The channels before the cell: KSChans, or a note on the NMODL files. */
static gboolean
pr_channels (Writer *w, NrtHocChannels channels, GError **error)
{
  const NrtModelData *d = w->data;

  if (d->channels->len == 0)
    return TRUE;
  if (channels == NRT_HOC_CHANNELS_NMODL)
    {
      g_string_append (w->out, "// ChannelBuilder channels, as NMODL files beside this one; "
                       "compile them first with\n//   nrnivmodl");
      for (guint c = 0; c < d->channels->len; c++)
        g_string_append_printf (w->out, " %s.mod", ((NrtChannel *) d->channels->pdata[c])->name);
      g_string_append (w->out, "\n\n");
      return TRUE;
    }
  for (guint c = 0; c < d->channels->len; c++)
    {
      g_autofree char *ks = nrt_hoc_write_kschan (d->channels->pdata[c], d->settings.celsius,
                                                  error);
      if (ks == NULL)
        return FALSE;
      g_string_append_printf (w->out, "%s\n", ks);
    }
  return TRUE;
}

/* celmang.hoc's save_class(): the Cell Type card. */
static void
pr_class (Writer *w, const char *classname, int out_sec, double out_x, double thresh)
{
  g_autoptr(GPtrArray) subsets = subset_names (w);
  g_autofree char *first = hoc_name (w, w->order[0]);
  g_autofree char *output = hoc_name (w, out_sec);
  char b[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (w->out, "//execute1(\"celltypes.element(\\\"%s\\\")\")\n\n", classname);
  g_string_append_printf (w->out, "begintemplate %s\n", classname);
  g_string_append (w->out, "public init, topol, basic_shape, subsets, geom, biophys, geom_nseg, biophys_inhomo\n");
  g_string_append (w->out, "public synlist, x, y, z, position, connect2target\n");
  pr_list (w->out, "public", "", w->bases);
  pr_list (w->out, "public", "", subsets);
  g_string_append (w->out, "\n\nobjref synlist\n\n");
  g_string_append (w->out,
                   "proc init() {\n"
                   "  topol()\n"
                   "  subsets()\n"
                   "  geom()\n"
                   "  biophys()\n"
                   "  geom_nseg()\n"
                   "  synlist = new List()\n"
                   "  synapses()\n"
                   "  x = y = z = 0 // only change via position\n"
                   "}\n");
  pr_topol (w);
  pr_subsets (w);
  pr_geom (w);
  pr_biophys (w);
  g_string_append (w->out, "proc biophys_inhomo(){}\n");
  g_string_append_printf (w->out,
                          "proc position() { local i\n"
                          "  %s for i = 0, n3d()-1 {\n"
                          "    pt3dchange(i, $1-x+x3d(i), $2-y+y3d(i), $3-z+z3d(i), diam3d(i))\n  }\n"
                          "  x = $1  y = $2  z = $3\n"
                          "}\n", first);
  g_string_append (w->out, "obfunc connect2target() { localobj nc //$o1 target point process, optional $o2 returned NetCon\n");
  g_string_append_printf (w->out, "  %s nc = new NetCon(&v(%s), $o1)\n", output, num (b, out_x));
  g_string_append_printf (w->out, "  nc.threshold = %s\n", num (b, thresh));
  g_string_append (w->out,
                   "  if (numarg() == 2) { $o2 = nc } // for backward compatibility\n"
                   "  return nc\n"
                   "}\n");
  g_string_append (w->out, "proc synapses() {}\n");
  g_string_append_printf (w->out, "endtemplate %s\n", classname);
}

/* celmang.hoc's xport(): the Export card, every part checked, at top level. */
static void
pr_celldef (Writer *w)
{
  g_autofree char *first = hoc_name (w, w->order[0]);

  w->toplevel = TRUE;
  g_string_append (w->out,
                   "proc celldef() {\n"
                   "  topol()\n"
                   "  subsets()\n"
                   "  geom()\n"
                   "  biophys()\n"
                   "  geom_nseg()\n"
                   "}\n");
  pr_topol (w);
  pr_subsets (w);
  pr_geom (w);
  pr_biophys (w);
  g_string_append_printf (w->out, "access %s\n\ncelldef()\n", first);
}

char *
nrt_hoc_write_cellbuilder_full (NrtModel                *model,
                                const NrtHocCellOptions *options,
                                GError                 **error)
{
  static const NrtHocCellOptions defaults = { NULL, 1.0, 10.0, NRT_HOC_FORM_CLASS,
                                              NRT_HOC_CHANNELS_KSCHAN, NRT_HOC_SESSION_NONE };
  const NrtHocCellOptions *o = options != NULL ? options : &defaults;
  Writer w = { 0 };
  const char *classname;
  int out_sec = -1;
  char *text;

  g_return_val_if_fail (NRT_IS_MODEL (model), NULL);

  writer_init (&w, model);
  if (w.n == 0)
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID,
                   "the cell has no sections to write");
      writer_clear (&w);
      return NULL;
    }
  if (o->output_section != NULL)
    {
      out_sec = nrt_model_find_section (model, o->output_section);
      if (out_sec < 0)
        {
          g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID,
                       "the output section “%s” does not exist", o->output_section);
          writer_clear (&w);
          return NULL;
        }
    }
  if (out_sec < 0)
    out_sec = w.order[0];
  if (!(o->output_x >= 0 && o->output_x <= 1) || !isfinite (o->threshold))
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID,
                   "the output location must be within 0…1 and the threshold finite");
      writer_clear (&w);
      return NULL;
    }

  classname = w.data->class_name != NULL && *w.data->class_name ? w.data->class_name : "Cell";
  /* The CellBuilder's code runs where nrngui has loaded stdlib.hoc; nrniv and Python's
   * h.load_file() alone have no lambda_f, which the template always declares external. */
  if (o->form == NRT_HOC_FORM_CLASS || uses_d_lambda (&w))
    g_string_append (w.out, "load_file(\"stdlib.hoc\")  // lambda_f, for the d_lambda rule\n\n");
  if (!pr_channels (&w, o->channels, error))
    {
      writer_clear (&w);
      return NULL;
    }
  if (o->form == NRT_HOC_FORM_CELLDEF)
    pr_celldef (&w);
  else
    pr_class (&w, classname, out_sec, o->output_x, o->threshold);
  if (o->session != NRT_HOC_SESSION_NONE)
    pr_session (&w, o->form == NRT_HOC_FORM_CELLDEF ? NULL : classname, o->session);

  text = g_string_free (w.out, FALSE);
  w.out = NULL;
  writer_clear (&w);
  return text;
}

char *
nrt_hoc_write_cellbuilder (NrtModel *model, GError **error)
{
  return nrt_hoc_write_cellbuilder_full (model, NULL, error);
}

gboolean
nrt_export_write_text_file (NrtModel   *model,
                            char       *text,
                            gboolean    mods,
                            const char *path,
                            GError    **error)
{
  g_autofree char *owned = text;
  g_autoptr(GError) local = NULL;

  if (owned == NULL)
    return FALSE;
  if (mods)
    {
      g_autofree char *folder = g_path_get_dirname (path);
      if (!nrt_nmodl_write_model_channels (model, folder, error))
        return FALSE;
    }
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
nrt_hoc_write_file_full (NrtModel                *model,
                         const NrtHocCellOptions *options,
                         const char              *path,
                         GError                 **error)
{
  gboolean mods = options != NULL && options->channels == NRT_HOC_CHANNELS_NMODL;

  g_return_val_if_fail (path != NULL, FALSE);
  return nrt_export_write_text_file (model, nrt_hoc_write_cellbuilder_full (model, options, error),
                                     mods, path, error);
}

gboolean
nrt_hoc_write_file (NrtModel *model, const char *path, GError **error)
{
  return nrt_hoc_write_file_full (model, NULL, path, error);
}

/* nrt-python-export.c: the model as a `from neuron import h` script (nrt-python-export.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cell is written from the sections' own values (not the CellBuilder specs), so that the
 * numbers NEURON gets are Neurite's to the bit: L and diam (or the 3-D points, as floats),
 * the nseg Neurite computed, Ra, cm, and each parameter; sections with the same membrane
 * share one loop.  nseg is set before the membrane, so every segment gets the values.
 */
#include <string.h>

#include "nrt-python-export.h"
#include "nrt-hoc.h"
#include "nrt-hoc-private.h"
#include "nrt-neuroml.h"

/* Python's keywords and the names the script itself defines. */
static const char *const reserved[] = {
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
  "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
  "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
  "while", "with", "yield", "h", "os", "sys", "sec", "ion", "run", "write_csv", "RECORDS",
  NULL
};

typedef struct {
  NrtExportWriter w;
  char          **var;  /* per unique base: the Python variable */
  char           *pp, *ns, *nc;
} PyWriter;

static gboolean
is_reserved (const char *name)
{
  return g_strv_contains (reserved, name);
}

/* The Python expression of section i: "soma" or "ap[2]". */
static char *
py_section (PyWriter *p, int i)
{
  const NrtExportName *n = &p->w.names[i];

  if (g_array_index (p->w.indexed, gboolean, n->uniq))
    return g_strdup_printf ("%s[%d]", p->var[n->uniq], n->id);
  return g_strdup (p->var[n->uniq]);
}

static void
py_sections (PyWriter *p)
{
  NrtExportWriter *w = &p->w;
  guint nb = w->bases->len;

  p->var = g_new0 (char *, nb + 1);
  g_string_append (w->out, "# ---- sections, named as in Neurite\n");
  for (guint u = 0; u < nb; u++)
    {
      const char *base = g_ptr_array_index (w->bases, u);
      int max = g_array_index (w->base_max, int, u);
      gboolean full = TRUE;

      p->var[u] = is_reserved (base) ? g_strconcat (base, "_", NULL) : g_strdup (base);
      if (!g_array_index (w->indexed, gboolean, u))
        {
          g_string_append_printf (w->out, "%s = h.Section(name=\"%s\")\n", p->var[u], base);
          continue;
        }
      /* Every index 0..max present: one comprehension; else the present ones only. */
      for (int id = 0; id <= max && full; id++)
        {
          gboolean found = FALSE;
          for (guint i = 0; i < w->n && !found; i++)
            found = w->names[i].uniq == (int) u && w->names[i].id == id;
          full = found;
        }
      if (full)
        {
          g_string_append_printf (w->out, "%s = [h.Section(name=\"%s[%%d]\" %% i) "
                                  "for i in range(%d)]\n", p->var[u], base, max + 1);
          continue;
        }
      g_string_append_printf (w->out, "%s = [None] * %d\n", p->var[u], max + 1);
      for (guint r = 0; r < w->n; r++)
        {
          int i = w->order[r];
          if (w->names[i].uniq == (int) u)
            g_string_append_printf (w->out, "%s[%d] = h.Section(name=\"%s[%d]\")\n", p->var[u],
                                    w->names[i].id, base, w->names[i].id);
        }
    }
}

static void
py_topology_geometry (PyWriter *p)
{
  NrtExportWriter *w = &p->w;
  char b[4][G_ASCII_DTOSTR_BUF_SIZE];

  /* (child, parent, x) triples in one loop of the script. */
  if (w->n > 1)
    {
      g_string_append (w->out, "\n# ---- topology: each child's 0 end at parent(x)\n"
                       "for child, parent, x in [\n");
      for (guint r = 1; r < w->n; r++)
        {
          const NrtSection *s = g_ptr_array_index (w->data->sections, w->order[r]);
          g_autofree char *child = py_section (p, w->order[r]);
          g_autofree char *parent = s->parent >= 0 ? py_section (p, s->parent) : NULL;

          if (parent != NULL)
            g_string_append_printf (w->out, "    (%s, %s, %s),\n", child, parent,
                                    nrt_export_num (b[0], s->parent_x));
        }
      g_string_append (w->out, "]:\n    child.connect(parent(x), 0)\n");
    }
  g_string_append (w->out, "\n# ---- geometry (um): L and diam, or the 3-D points; nseg\n");
  for (guint r = 0; r < w->n; r++)
    {
      int i = w->order[r];
      const NrtSection *s = g_ptr_array_index (w->data->sections, i);
      g_autofree char *sec = py_section (p, i);

      if (s->pt3d != NULL && s->pt3d->len >= 2)
        {
          g_string_append_printf (w->out, "%s.pt3dclear()\nfor x, y, z, d in [\n", sec);
          for (guint j = 0; j < s->pt3d->len; j++)
            {
              const NrtPt3d *q = &g_array_index (s->pt3d, NrtPt3d, j);
              g_string_append_printf (w->out, "    (%.9g, %.9g, %.9g, %.9g),\n", q->x, q->y,
                                      q->z, q->d);
            }
          g_string_append_printf (w->out, "]:\n    %s.pt3dadd(x, y, z, d)\n", sec);
        }
      else
        g_string_append_printf (w->out, "%s.L = %s\n%s.diam = %s\n", sec,
                                nrt_export_num (b[0], s->L), sec,
                                nrt_export_num (b[1], s->diam));
      g_string_append_printf (w->out, "%s.nseg = %d\n", sec, s->nseg);
    }
}

/* The membrane steps of one section as the body of "for sec in (...):". */
static char *
membrane_body (PyWriter *p, int i)
{
  g_autoptr(GArray) items = nrt_export_section_membrane (&p->w, i);
  GString *body = g_string_new (NULL);
  char b[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint k = 0; k < items->len; k++)
    {
      const NrtExportItem *it = &g_array_index (items, NrtExportItem, k);

      if (it->step == NRT_EXPORT_INSERT)
        g_string_append_printf (body, "    sec.insert(\"%s\")\n", it->name);
      else
        g_string_append_printf (body, "    sec.%s = %s\n", it->name,
                                nrt_export_num (b, it->value));
    }
  return g_string_free (body, FALSE);
}

static void
py_membrane (PyWriter *p)
{
  NrtExportWriter *w = &p->w;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  /* Sections with the same steps in one loop, in the order of their first section. */
  for (guint r = 0; r < w->n; r++)
    {
      int i = w->order[r];
      char *body = membrane_body (p, i);
      guint g;

      for (g = 0; g < bodies->len; g++)
        if (strcmp (bodies->pdata[g], body) == 0)
          break;
      if (g == bodies->len)
        {
          g_ptr_array_add (bodies, body);
          g_ptr_array_add (groups, g_ptr_array_new_with_free_func (g_free));
        }
      else
        g_free (body);
      g_ptr_array_add (groups->pdata[g], py_section (p, i));
    }
  g_string_append (w->out, "\n# ---- membrane: Ra (ohm cm), cm (uF/cm2), mechanisms and "
                   "their parameters,\n# the ions' reversal potentials (mV)\n");
  for (guint g = 0; g < groups->len; g++)
    {
      GPtrArray *secs = groups->pdata[g];

      g_string_append (w->out, "for sec in (");
      for (guint k = 0; k < secs->len; k++)
        g_string_append_printf (w->out, "%s%s", k ? ", " : "", (char *) secs->pdata[k]);
      g_string_append_printf (w->out, "%s):\n%s", secs->len == 1 ? "," : "",
                              (char *) bodies->pdata[g]);
    }
}

static void
py_stimuli (PyWriter *p)
{
  NrtExportWriter *w = &p->w;
  const NrtModelData *d = w->data;
  char b[G_ASCII_DTOSTR_BUF_SIZE];

  if (d->point_processes->len == 0 && d->netstims->len == 0)
    return;
  g_string_append (w->out, "\n# ---- point processes (named as in Neurite when nothing else "
                   "made one), NetStims and NetCons\n");
  if (d->point_processes->len > 0)
    g_string_append_printf (w->out, "%s = [None] * %u\n", p->pp, d->point_processes->len);
  for (guint i = 0; i < d->point_processes->len; i++)
    {
      const NrtPointProcess *pp = g_ptr_array_index (d->point_processes, i);
      const char *klass;
      g_autoptr(GArray) items = nrt_export_point_process (w, i, &klass);
      g_autofree char *sec = py_section (p, pp->section);
      g_autofree char *label = nrt_model_point_process_name (w->model, i);

      g_string_append_printf (w->out, "%s[%u] = h.%s(%s(%s))  # %s\n", p->pp, i, klass, sec,
                              nrt_export_num (b, pp->x), label);
      for (guint k = 0; k < items->len; k++)
        {
          const NrtExportItem *it = &g_array_index (items, NrtExportItem, k);
          /* hoc's IClamp.del is .delay in Python, del being a keyword. */
          const char *attr = strcmp (it->name, "del") == 0 ? "delay" : it->name;
          g_string_append_printf (w->out, "%s[%u].%s = %s\n", p->pp, i, attr,
                                  nrt_export_num (b, it->value));
        }
    }
  if (d->netstims->len > 0)
    g_string_append_printf (w->out, "%s = [h.NetStim() for i in range(%u)]\n", p->ns,
                            d->netstims->len);
  for (guint i = 0; i < d->netstims->len; i++)
    {
      const NrtNetStim *s = &g_array_index (d->netstims, NrtNetStim, i);
      const struct { const char *name; double v; } f[] = {
        { "start", s->start }, { "interval", s->interval }, { "number", s->number },
        { "noise", s->noise },
      };
      for (guint k = 0; k < G_N_ELEMENTS (f); k++)
        g_string_append_printf (w->out, "%s[%u].%s = %s\n", p->ns, i, f[k].name,
                                nrt_export_num (b, f[k].v));
    }
  if (d->netcons->len > 0)
    g_string_append_printf (w->out, "%s = [None] * %u\n", p->nc, d->netcons->len);
  for (guint i = 0; i < d->netcons->len; i++)
    {
      const NrtNetCon *c = &g_array_index (d->netcons, NrtNetCon, i);
      char b2[2][G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (w->out, "%s[%u] = h.NetCon(%s[%d], %s[%d])\n"
                              "%s[%u].weight[0] = %s\n%s[%u].delay = %s\n"
                              "%s[%u].threshold = %s\n", p->nc, i, p->ns, c->source, p->pp,
                              c->target, p->nc, i, nrt_export_num (b, c->weight), p->nc, i,
                              nrt_export_num (b2[0], c->delay), p->nc, i,
                              nrt_export_num (b2[1], c->threshold));
    }
}

static void
py_settings (PyWriter *p)
{
  NrtExportWriter *w = &p->w;
  g_autoptr(GArray) items = nrt_export_settings (w);
  char b[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (w->out, "\n# ---- run settings (ms, mV, degC; secondorder 2 is "
                   "Crank-Nicolson) and ion concentrations (mM)\n");
  for (guint k = 0; k < items->len; k++)
    {
      const NrtExportItem *it = &g_array_index (items, NrtExportItem, k);
      g_string_append_printf (w->out, "h.%s = %s\n", it->name, nrt_export_num (b, it->value));
    }
  /* An ion only read keeps the concentrations it had when inserted: set them now. */
  g_string_append (w->out, "for sec in h.allsec():\n    for ion in (\"na\", \"k\"");
  for (int i = NRT_ION_CA; i < NRT_N_ION; i++)  /* na and k always */
    if (nrt_export_ion_used (w, i))
      g_string_append_printf (w->out, ", \"%s\"", nrt_ion_name (i));
  g_string_append (w->out, "):\n"
                   "        if h.ismembrane(ion + \"_ion\", sec=sec):\n"
                   "            setattr(sec, ion + \"i\", getattr(h, ion + \"i0_\" + ion + \"_ion\"))\n"
                   "            setattr(sec, ion + \"o\", getattr(h, ion + \"o0_\" + ion + \"_ion\"))\n");
}

/* One Neurite record expression as (label, Python reference). */
static gboolean
py_record (PyWriter *p, const char *expr, GString *out, GError **error)
{
  NrtExportWriter *w = &p->w;
  const char *dot = strrchr (expr, '.');
  const char *open = strchr (expr, '(');
  g_autofree char *var = NULL, *head = NULL;

  if (dot == NULL || dot[1] == '\0')
    goto bad;
  var = g_strdup (dot + 1);
  head = g_strndup (expr, dot - expr);
  if (strcmp (var, "i_membrane") == 0)
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED,
                   "the record “%s”: i_membrane has no plain NEURON range variable", expr);
      return FALSE;
    }
  if (open != NULL && open < dot && g_str_has_suffix (head, ")"))
    {
      g_autofree char *name = g_strndup (expr, open - expr);
      g_autofree char *x = g_strndup (open + 1, strlen (open + 1) - strlen (dot) - 1);
      int sec = nrt_model_find_section (w->model, name);
      char *end = NULL;
      double xv = g_ascii_strtod (x, &end);
      g_autofree char *ref = NULL;
      char b[G_ASCII_DTOSTR_BUF_SIZE];

      if (sec < 0 || end == x || *end != '\0' || !(xv >= 0 && xv <= 1))
        goto bad;
      ref = py_section (p, sec);
      g_string_append_printf (out, "    (\"%s\", %s(%s)._ref_%s),\n", expr, ref,
                              nrt_export_num (b, xv), var);
      return TRUE;
    }
  else
    {
      int pp = nrt_model_find_point_process (w->model, head);
      if (pp < 0)
        goto bad;
      g_string_append_printf (out, "    (\"%s\", %s[%d]._ref_%s),\n", expr, p->pp, pp, var);
      return TRUE;
    }
bad:
  g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID,
               "the record “%s” names no section(x).var or point process .var of the model",
               expr);
  return FALSE;
}

static gboolean
py_run (PyWriter *p, const NrtPythonExportOptions *o, GError **error)
{
  NrtExportWriter *w = &p->w;
  g_autoptr(GString) recs = g_string_new (NULL);

  if (o != NULL && o->records != NULL && o->records[0] != NULL)
    {
      for (guint k = 0; o->records[k] != NULL; k++)
        if (!py_record (p, o->records[k], recs, error))
          return FALSE;
    }
  else
    {
      g_autofree char *root = py_section (p, w->order[0]);
      const NrtSection *s = g_ptr_array_index (w->data->sections, w->order[0]);
      g_string_append_printf (recs, "    (\"%s(0.5).v\", %s(0.5)._ref_v),\n", s->name, root);
    }
  g_string_append_printf (w->out,
    "\n# ---- what the run records: (Neurite's name, NEURON's pointer)\n"
    "RECORDS = [\n%s]\n"
    "\n\n"
    "def run():\n"
    "    \"\"\"Neurite's run: finitialize(v_init), then fixed steps of dt while\n"
    "    t < tstop - dt/2 (stdrun's rule); returns [t, records...] at t = 0 and after\n"
    "    every step.\"\"\"\n"
    "    h.finitialize(h.v_init)\n"
    "    rows = [[h.t] + [ref[0] for _, ref in RECORDS]]\n"
    "    while h.t < h.tstop - h.dt / 2:\n"
    "        h.fadvance()\n"
    "        rows.append([h.t] + [ref[0] for _, ref in RECORDS])\n"
    "    return rows\n"
    "\n\n"
    "def write_csv(path, rows):\n"
    "    \"\"\"The rows as CSV: a header t,<record>..., then full-precision numbers.\"\"\"\n"
    "    with open(path, \"w\") as f:\n"
    "        f.write(\",\".join([\"t\"] + [name for name, _ in RECORDS]) + \"\\n\")\n"
    "        for row in rows:\n"
    "            f.write(\",\".join(repr(x) for x in row) + \"\\n\")\n"
    "\n\n"
    "if __name__ == \"__main__\":\n"
    "    write_csv(sys.argv[1] if len(sys.argv) > 1\n"
    "              else os.path.splitext(os.path.abspath(__file__))[0] + \".csv\", run())\n",
    recs->str);
  return TRUE;
}

static gboolean
py_channels (PyWriter *p, const NrtPythonExportOptions *o, GError **error)
{
  NrtExportWriter *w = &p->w;
  const NrtModelData *d = w->data;

  if (d->channels->len == 0)
    return TRUE;
  if (o == NULL || o->channels == NRT_PYTHON_CHANNELS_NMODL)
    return TRUE;  /* said in the header; NEURON loads ./x86_64 itself */
  g_string_append (w->out, "# ---- ChannelBuilder channels as KSChans (the ChannelBuilder's "
                   "hoc)\n");
  for (guint c = 0; c < d->channels->len; c++)
    {
      g_autofree char *ks = nrt_hoc_write_kschan (d->channels->pdata[c], d->settings.celsius,
                                                  error);
      if (ks == NULL)
        return FALSE;
      g_string_append_printf (w->out, "h(\"\"\"\n%s\"\"\")\n", ks);
    }
  g_string_append (w->out, "\n");
  return TRUE;
}

static void
py_header (PyWriter *p, const NrtPythonExportOptions *o)
{
  NrtExportWriter *w = &p->w;
  const NrtModelData *d = w->data;

  g_string_append_printf (w->out,
                          "#!/usr/bin/env python3\n"
                          "# %s, exported from Neurite for NEURON.  Importing this file builds "
                          "the cell, its\n"
                          "# stimuli and run settings; running it (python3 FILE.py [OUT.csv]) "
                          "also runs and writes\n"
                          "# the records to OUT.csv (default: FILE.csv beside it).\n",
                          d->name != NULL ? d->name : "cell");
  if (d->channels->len > 0 && (o == NULL || o->channels == NRT_PYTHON_CHANNELS_NMODL))
    {
      g_string_append (w->out, "# Its ChannelBuilder channels are the NMODL files beside it: "
                       "compile them there first,\n#   nrnivmodl");
      for (guint c = 0; c < d->channels->len; c++)
        g_string_append_printf (w->out, " %s.mod", ((NrtChannel *) d->channels->pdata[c])->name);
      g_string_append (w->out, "\n# and run the script in that folder.\n");
    }
  g_string_append (w->out, "import os\nimport sys\n\nfrom neuron import h\n\n"
                   "h.load_file(\"stdrun.hoc\")\n\n");
}

static void
py_writer_clear (PyWriter *p)
{
  g_strfreev (p->var);
  g_free (p->pp);
  g_free (p->ns);
  g_free (p->nc);
  nrt_export_writer_clear (&p->w);
}

char *
nrt_python_export_write (NrtModel                     *model,
                         const NrtPythonExportOptions *options,
                         GError                      **error)
{
  PyWriter p = { { 0 } };
  char *text = NULL;

  g_return_val_if_fail (NRT_IS_MODEL (model), NULL);

  nrt_export_writer_init (&p.w, model);
  if (p.w.n == 0)
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID,
                   "the cell has no sections to write");
      nrt_export_writer_clear (&p.w);
      return NULL;
    }
  p.pp = nrt_export_free_name (&p.w, "pp", reserved);
  p.ns = nrt_export_free_name (&p.w, "netstim", reserved);
  p.nc = nrt_export_free_name (&p.w, "netcon", reserved);
  py_header (&p, options);
  if (py_channels (&p, options, error))
    {
      py_sections (&p);
      py_topology_geometry (&p);
      py_membrane (&p);
      py_stimuli (&p);
      py_settings (&p);
      if (py_run (&p, options, error))
        {
          text = g_string_free (p.w.out, FALSE);
          p.w.out = NULL;
        }
    }
  py_writer_clear (&p);
  return text;
}

gboolean
nrt_python_export_write_file (NrtModel                     *model,
                              const NrtPythonExportOptions *options,
                              const char                   *path,
                              GError                      **error)
{
  gboolean mods = options == NULL || options->channels == NRT_PYTHON_CHANNELS_NMODL;

  g_return_val_if_fail (path != NULL, FALSE);
  return nrt_export_write_text_file (model, nrt_python_export_write (model, options, error),
                                     mods, path, error);
}

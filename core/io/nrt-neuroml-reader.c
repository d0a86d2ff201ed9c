/* nrt-neuroml-reader.c: builds an NrtModel from NeuroML (and LEMS) documents.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sections are named as NEURON's converters name them (neuroml.md §2.4): section segment
 * groups (neuroLexId sao864921383) by their id, otherwise one section per segment, named after
 * the segment.  The standard HH Na/K channels (hh.mod's rate forms, §5) map onto hh, passive
 * channels onto pas (or hh's leak next to the HH channels); other channels built of the
 * standard rate forms (gateHHrates, gateHHtauInf, gateKS) become ChannelBuilder channels, and
 * anything else is refused with NRT_IO_ERROR_UNSUPPORTED.  A Neurite <annotation> (written by nrt-neuroml-writer.c) restores
 * what NeuroML cannot hold.  Whatever of the main file is not modelled is kept verbatim.
 */
#include <math.h>
#include <string.h>
#include "nrt-neuroml-private.h"
#include "nrt-lems.h"

typedef struct {
  double x, y, z, d;
  gboolean given;
} RPt;

typedef struct {
  int        id;
  xmlNodePtr node;
  int        parent;       /* segment id or -1 */
  double     frac;         /* fractionAlong on the parent */
  RPt        prox, dist;
  int        section;      /* index into Reader.secs */
  int        pos;          /* position within its section */
} RSeg;

typedef struct {
  char      *name;
  char      *group;        /* segment group id or NULL */
  xmlNodePtr node;         /* group or segment element */
  GArray    *segs;         /* of int: segment ids, proximal to distal */
  int        parent;       /* index into secs or -1 */
  double     parent_x;
  int        nseg;
  /* biophysics gathered from the densities */
  gboolean   has_na, has_k, has_leak, has_pas;
  double     gna, ena, gk, ek, gl, el, gpas, epas;
  double     cm, Ra;
  GArray    *chans;        /* of RChan: ChannelBuilder channels, or NULL */
  /* annotation */
  xmlNodePtr ann;
  int        model_index;
} RSec;

typedef struct {
  NrtNmlDocSet *set;
  GHashTable   *top;        /* id -> top-level element (all NeuroML files) */
  GHashTable   *consumed;   /* top-level elements of the main file that are modelled */
  xmlNodePtr    cell, morph, bio, net, ann, sim;
  GHashTable   *segs;       /* id -> RSeg* */
  GPtrArray    *seg_list;   /* of RSeg*, document order */
  GPtrArray    *secs;       /* of RSec* */
  GHashTable   *group_nodes; /* group id -> node */
  NrtModel     *model;
  gboolean      hh_from_foreign;
  gboolean      hh_has_q10;
  xmlNodePtr    hh_node;
  double        v_init;
  xmlNodePtr    v_init_node;
  gboolean      have_v_init;
  double        celsius;
  gboolean      have_celsius;
} Reader;

/* A channelDensity of a ChannelBuilder channel: its index, conductance and reversal. */
typedef struct {
  int    channel;
  double g, e;
} RChan;

static void
rsec_free (RSec *s)
{
  g_clear_pointer (&s->chans, g_array_unref);
  g_free (s->name);
  g_free (s->group);
  g_array_unref (s->segs);
  g_free (s);
}

/* A model-API error as FILE:LINE: message. */
static gboolean
model_ok (Reader *r, gboolean ok, GError *merr, xmlNodePtr node, GError **error)
{
  if (ok)
    return TRUE;
  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, node, "%s",
                     merr ? merr->message : "rejected by the model");
  g_clear_error (&merr);
  return FALSE;
}

static gboolean
get_quantity (Reader *r, xmlNodePtr node, const char *attr, NrtDimension dim, gboolean required,
              double *value, GError **error)
{
  g_autofree char *text = nrt_nml_get (node, attr);
  g_autofree char *why = NULL;

  if (text == NULL)
    {
      if (!required)
        return TRUE;
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, node, "<%s> lacks the %s attribute",
                         node->name, attr);
      return FALSE;
    }
  if (!nrt_nml_parse_quantity (text, dim, value, &why))
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, node, "<%s %s>: %s", node->name,
                         attr, why);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_number (Reader *r, xmlNodePtr node, const char *attr, gboolean required, double *value,
            GError **error)
{
  g_autofree char *text = nrt_nml_get (node, attr);

  if (text == NULL)
    {
      if (!required)
        return TRUE;
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, node, "<%s> lacks the %s attribute",
                         node->name, attr);
      return FALSE;
    }
  if (!nrt_nml_parse_number (text, value))
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, node,
                         "<%s %s=\"%s\">: not a finite number", node->name, attr, text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_neurite (xmlNodePtr n, const char *name)
{
  return nrt_nml_is (n, name) && n->ns && strcmp ((const char *) n->ns->href, NRT_NEURITE_NS) == 0;
}

/* ---------------------------------------------------------------- finding things */

static xmlNodePtr
main_root (Reader *r)
{
  return xmlDocGetRootElement (((NrtNmlFile *) r->set->files->pdata[0])->doc);
}

static void
index_top (Reader *r)
{
  for (guint i = 0; i < r->set->files->len; i++)
    {
      NrtNmlFile *f = r->set->files->pdata[i];
      xmlNodePtr root = xmlDocGetRootElement (f->doc);
      for (xmlNodePtr n = nrt_nml_first_child (root, NULL); n; n = nrt_nml_next (n, NULL))
        {
          char *id = nrt_nml_get (n, "id");
          if (f->is_lems)
            {
              if (nrt_nml_is (n, "Simulation") && r->sim == NULL)
                r->sim = n;
              g_free (id);
              continue;
            }
          if (id && !g_hash_table_contains (r->top, id))
            g_hash_table_insert (r->top, id, n);
          else
            g_free (id);
        }
    }
}

static gboolean
is_other_cell_type (xmlNodePtr n)
{
  static const char *const types[] = {
    "cell2CaPools", "baseCell", "iafTauCell", "iafTauRefCell", "iafCell", "iafRefCell",
    "izhikevichCell", "izhikevich2007Cell", "adExIaFCell", "fitzHughNagumoCell",
    "fitzHughNagumo1969Cell", "pinskyRinzelCA3Cell", "hindmarshRose1984Cell", "IF_curr_alpha",
    "IF_curr_exp", "IF_cond_alpha", "IF_cond_exp", "EIF_cond_exp_isfa_ista",
    "EIF_cond_alpha_isfa_ista", "HH_cond_exp", NULL,
  };
  return n && n->type == XML_ELEMENT_NODE && g_strv_contains (types, (const char *) n->name);
}

static gboolean
find_cell (Reader *r, GError **error)
{
  g_autofree char *target = NULL;
  xmlNodePtr other = NULL;

  if (r->sim)
    {
      target = nrt_nml_get (r->sim, "target");
      r->net = target ? g_hash_table_lookup (r->top, target) : NULL;
      if (r->net == NULL || !nrt_nml_is (r->net, "network"))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, r->sim,
                             "Simulation target \"%s\" is not a network", target ? target : "");
          return FALSE;
        }
    }
  /* The main file's network, else any. */
  for (guint i = 0; r->net == NULL && i < r->set->files->len; i++)
    {
      NrtNmlFile *f = r->set->files->pdata[i];
      if (!f->is_lems)
        r->net = nrt_nml_first_child (xmlDocGetRootElement (f->doc), "network");
    }
  if (r->net)
    for (xmlNodePtr p = nrt_nml_first_child (r->net, "population"); p && !r->cell;
         p = nrt_nml_next (p, "population"))
      {
        g_autofree char *comp = nrt_nml_get (p, "component");
        xmlNodePtr c = comp ? g_hash_table_lookup (r->top, comp) : NULL;
        if (nrt_nml_is (c, "cell"))
          r->cell = c;
        else if (is_other_cell_type (c) && other == NULL)
          other = c;
      }
  for (guint i = 0; r->cell == NULL && i < r->set->files->len; i++)
    {
      NrtNmlFile *f = r->set->files->pdata[i];
      if (f->is_lems)
        continue;
      r->cell = nrt_nml_first_child (xmlDocGetRootElement (f->doc), "cell");
      for (xmlNodePtr n = nrt_nml_first_child (xmlDocGetRootElement (f->doc), NULL); n && !other;
           n = nrt_nml_next (n, NULL))
        if (is_other_cell_type (n))
          other = n;
    }
  if (r->cell == NULL)
    {
      if (other)
        nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, other,
                           "cell type <%s> is not supported (only multi-compartment <cell>)",
                           other->name);
      else
        nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, main_root (r),
                           "no <cell> found");
      return FALSE;
    }
  r->morph = nrt_nml_first_child (r->cell, "morphology");
  if (r->morph == NULL)
    {
      g_autofree char *m = nrt_nml_get (r->cell, "morphology");
      r->morph = m ? g_hash_table_lookup (r->top, m) : NULL;
    }
  r->bio = nrt_nml_first_child (r->cell, "biophysicalProperties");
  if (r->bio == NULL)
    {
      g_autofree char *b = nrt_nml_get (r->cell, "biophysicalProperties");
      r->bio = b ? g_hash_table_lookup (r->top, b) : NULL;
    }
  if (r->morph == NULL)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, r->cell, "cell has no morphology");
      return FALSE;
    }
  {
    xmlNodePtr a = nrt_nml_first_child (r->cell, "annotation");
    for (xmlNodePtr n = a ? a->children : NULL; n; n = n->next)
      if (is_neurite (n, "model"))
        r->ann = n;
  }
  return TRUE;
}

/* ---------------------------------------------------------------- morphology */

static gboolean
read_point (Reader *r, xmlNodePtr n, RPt *p, GError **error)
{
  if (!get_number (r, n, "x", TRUE, &p->x, error) || !get_number (r, n, "y", TRUE, &p->y, error)
      || !get_number (r, n, "z", TRUE, &p->z, error)
      || !get_number (r, n, "diameter", TRUE, &p->d, error))
    return FALSE;
  if (!(p->d > 0))
    {
      g_autofree char *t = nrt_nml_get (n, "diameter");
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                         "diameter %s must be positive", t);
      return FALSE;
    }
  p->given = TRUE;
  return TRUE;
}

static gboolean
read_segments (Reader *r, GError **error)
{
  for (xmlNodePtr s = nrt_nml_first_child (r->morph, "segment"); s; s = nrt_nml_next (s, "segment"))
    {
      RSeg *seg = g_new0 (RSeg, 1);
      g_autofree char *ids = nrt_nml_get (s, "id");
      xmlNodePtr p = nrt_nml_first_child (s, "parent");
      xmlNodePtr prox = nrt_nml_first_child (s, "proximal");
      xmlNodePtr dist = nrt_nml_first_child (s, "distal");

      g_ptr_array_add (r->seg_list, seg);
      seg->id = atoi (ids);
      seg->node = s;
      seg->parent = -1;
      seg->frac = 1;
      seg->section = -1;
      g_hash_table_insert (r->segs, GINT_TO_POINTER (seg->id), seg);
      if (p)
        {
          g_autofree char *ps = nrt_nml_get (p, "segment");
          seg->parent = atoi (ps);
          if (!get_number (r, p, "fractionAlong", FALSE, &seg->frac, error))
            return FALSE;
          if (seg->frac < 0 || seg->frac > 1)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, p,
                                 "fractionAlong must lie in [0, 1]");
              return FALSE;
            }
        }
      if (dist == NULL)
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, s, "segment %d has no <distal>", seg->id);
          return FALSE;
        }
      if (prox && !read_point (r, prox, &seg->prox, error))
        return FALSE;
      if (!read_point (r, dist, &seg->dist, error))
        return FALSE;
      if (!prox && seg->parent < 0)
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, s,
                             "root segment %d has no <proximal>", seg->id);
          return FALSE;
        }
    }
  return TRUE;
}

static RSeg *
seg_get (Reader *r, int id)
{
  return g_hash_table_lookup (r->segs, GINT_TO_POINTER (id));
}

/* Fills in omitted proximal points from the parent (neuroml.md §2.1). */
static void
resolve_proximal (Reader *r, RSeg *s, int depth)
{
  RSeg *p;

  if (s->prox.given || depth > 100000)
    return;
  p = seg_get (r, s->parent);
  resolve_proximal (r, p, depth + 1);
  s->prox.x = p->prox.x + s->frac * (p->dist.x - p->prox.x);
  s->prox.y = p->prox.y + s->frac * (p->dist.y - p->prox.y);
  s->prox.z = p->prox.z + s->frac * (p->dist.z - p->prox.z);
  s->prox.d = p->prox.d + s->frac * (p->dist.d - p->prox.d);
  s->prox.given = TRUE;
}

static double
seg_length (const RSeg *s)
{
  return sqrt ((s->dist.x - s->prox.x) * (s->dist.x - s->prox.x)
               + (s->dist.y - s->prox.y) * (s->dist.y - s->prox.y)
               + (s->dist.z - s->prox.z) * (s->dist.z - s->prox.z));
}

static gboolean
is_valid_section_name (const char *name)
{
  /* hoc names, optionally with an index: soma, dend[3] */
  const char *b = strchr (name, '[');
  g_autofree char *base = b ? g_strndup (name, b - name) : g_strdup (name);
  if (!nrt_nml_is_nml_id (base))
    return FALSE;
  if (b)
    {
      const char *p = b + 1;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
      return p[0] == ']' && p[1] == '\0';
    }
  return TRUE;
}

static gboolean
build_sections (Reader *r, GError **error)
{
  gboolean any_group = FALSE;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (xmlNodePtr g = nrt_nml_first_child (r->morph, "segmentGroup"); g; g = nrt_nml_next (g, "segmentGroup"))
    {
      g_autofree char *lex = nrt_nml_get (g, "neuroLexId");
      char *gid = nrt_nml_get (g, "id");
      g_hash_table_insert (r->group_nodes, gid, g);
      if (lex && strcmp (lex, NRT_SECTION_NEUROLEX) == 0)
        {
          RSec *sec = g_new0 (RSec, 1);
          sec->group = g_strdup (gid);
          sec->name = g_strdup (gid);
          sec->node = g;
          sec->nseg = 1;
          sec->segs = g_array_new (FALSE, FALSE, sizeof (int));
          for (xmlNodePtr m = nrt_nml_first_child (g, NULL); m; m = nrt_nml_next (m, NULL))
            if (nrt_nml_is (m, "member"))
              {
                g_autofree char *ms = nrt_nml_get (m, "segment");
                int id = atoi (ms);
                RSeg *s = seg_get (r, id);
                s->section = r->secs->len;
                s->pos = sec->segs->len;
                g_array_append_val (sec->segs, id);
              }
            else if (nrt_nml_is (m, "property"))
              {
                g_autofree char *tag = nrt_nml_get (m, "tag");
                g_autofree char *val = nrt_nml_get (m, "value");
                if (g_strcmp0 (tag, "numberInternalDivisions") == 0)
                  sec->nseg = atoi (val);
              }
            else if (nrt_nml_is (m, "include") || nrt_nml_is (m, "path") || nrt_nml_is (m, "subTree"))
              {
                nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, m,
                                   "section group \"%s\" must list its segments as <member>s", gid);
                return FALSE;
              }
          if (sec->segs->len == 0)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, g,
                                 "section group \"%s\" has no member segments", gid);
              rsec_free (sec);
              return FALSE;
            }
          g_ptr_array_add (r->secs, sec);
          any_group = TRUE;
        }
    }
  if (!any_group)
    for (guint i = 0; i < r->seg_list->len; i++)
      {
        RSeg *s = r->seg_list->pdata[i];
        RSec *sec = g_new0 (RSec, 1);
        g_autofree char *nm = nrt_nml_get (s->node, "name");
        sec->name = (nm && is_valid_section_name (nm) && !g_hash_table_contains (names, nm))
                    ? g_strdup (nm) : g_strdup_printf ("section_%d", s->id);
        g_hash_table_add (names, sec->name);
        sec->node = s->node;
        sec->nseg = 1;
        sec->segs = g_array_new (FALSE, FALSE, sizeof (int));
        g_array_append_val (sec->segs, s->id);
        s->section = r->secs->len;
        s->pos = 0;
        g_ptr_array_add (r->secs, sec);
      }
  for (guint i = 0; i < r->seg_list->len; i++)
    resolve_proximal (r, r->seg_list->pdata[i], 0);
  /* Parents and attachment points. */
  for (guint i = 0; i < r->secs->len; i++)
    {
      RSec *sec = r->secs->pdata[i];
      RSeg *first = seg_get (r, g_array_index (sec->segs, int, 0));
      RSeg *pseg;
      RSec *psec;
      double before = 0, total = 0;

      sec->parent = -1;
      if (first->parent < 0)
        continue;
      pseg = seg_get (r, first->parent);
      sec->parent = pseg->section;
      psec = r->secs->pdata[pseg->section];
      for (guint k = 0; k < psec->segs->len; k++)
        {
          RSeg *q = seg_get (r, g_array_index (psec->segs, int, k));
          if (q->pos < pseg->pos)
            before += seg_length (q);
          total += seg_length (q);
        }
      if (total > 0)
        sec->parent_x = (before + first->frac * seg_length (pseg)) / total;
      else
        sec->parent_x = first->frac;
      if (sec->parent_x > 1)
        sec->parent_x = 1;
      if (pseg->pos == (int) psec->segs->len - 1 && first->frac == 1)
        sec->parent_x = 1;
      if (pseg->pos == 0 && first->frac == 0)
        sec->parent_x = 0;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- annotation */

static RSec *
sec_by_group (Reader *r, const char *group)
{
  for (guint i = 0; i < r->secs->len; i++)
    {
      RSec *s = r->secs->pdata[i];
      if (g_strcmp0 (s->group, group) == 0)
        return s;
    }
  return NULL;
}

static gboolean
apply_section_annotations (Reader *r, GError **error)
{
  if (r->ann == NULL)
    return TRUE;
  for (xmlNodePtr n = nrt_nml_first_child (r->ann, NULL); n; n = nrt_nml_next (n, NULL))
    {
      g_autofree char *group = NULL;
      g_autofree char *name = NULL;
      RSec *s;
      if (!is_neurite (n, "section"))
        continue;
      group = nrt_nml_get (n, "group");
      name = nrt_nml_get (n, "name");
      s = sec_by_group (r, group);
      if (s == NULL || name == NULL)
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                             "Neurite annotation refers to unknown section group \"%s\"",
                             group ? group : "");
          return FALSE;
        }
      g_free (s->name);
      s->name = g_steal_pointer (&name);
      s->ann = n;
      if (s->parent >= 0 && !get_number (r, n, "parentX", FALSE, &s->parent_x, error))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- channels */

typedef enum { CH_NA, CH_K, CH_LEAK } ChanKind;

static gboolean
close_to (double a, double b)
{
  return fabs (a - b) <= 1e-9 * fmax (1.0, fabs (b));
}

typedef struct {
  const char *fwd_type; double fwd_rate, fwd_mid, fwd_scale;
  const char *rev_type; double rev_rate, rev_mid, rev_scale;
  int instances;
} HHGateForm;

/* hh.mod's rates in NeuroML form (neuroml.md §5). */
static const HHGateForm hh_m = { "HHExpLinearRate", 1, -40, 10, "HHExpRate", 4, -65, -18, 3 };
static const HHGateForm hh_h = { "HHExpRate", 0.07, -65, -20, "HHSigmoidRate", 1, -35, 10, 1 };
static const HHGateForm hh_n = { "HHExpLinearRate", 0.1, -55, 10, "HHExpRate", 0.125, -65, -80, 4 };

static gboolean
rate_matches (Reader *r, xmlNodePtr rate, const char *type, double k, double mid, double scale)
{
  g_autofree char *t = nrt_nml_get (rate, "type");
  double a = NAN, b = NAN, c = NAN;
  g_autoptr (GError) e = NULL;

  if (g_strcmp0 (t, type) != 0)
    return FALSE;
  if (!get_quantity (r, rate, "rate", NRT_DIM_PER_TIME, TRUE, &a, &e)
      || !get_quantity (r, rate, "midpoint", NRT_DIM_VOLTAGE, TRUE, &b, &e)
      || !get_quantity (r, rate, "scale", NRT_DIM_VOLTAGE, TRUE, &c, &e))
    return FALSE;
  return close_to (a, k) && close_to (b, mid) && close_to (c, scale);
}

/* 1: no q10 (hh only at 6.3 °C); 2: hh's q10 of 3 at 6.3 °C; 0: no match. */
static int
gate_matches (Reader *r, xmlNodePtr gate, const HHGateForm *f)
{
  g_autofree char *inst = nrt_nml_get (gate, "instances");
  g_autofree char *type = nrt_nml_get (gate, "type");
  xmlNodePtr fwd = nrt_nml_first_child (gate, "forwardRate");
  xmlNodePtr rev = nrt_nml_first_child (gate, "reverseRate");
  xmlNodePtr q10 = nrt_nml_first_child (gate, "q10Settings");
  int q = 1;

  if (nrt_nml_is (gate, "gate") && g_strcmp0 (type, "gateHHrates") != 0)
    return 0;
  if (inst == NULL || atoi (inst) != f->instances || !fwd || !rev)
    return 0;
  if (nrt_nml_first_child (gate, "timeCourse") || nrt_nml_first_child (gate, "steadyState"))
    return 0;
  if (!rate_matches (r, fwd, f->fwd_type, f->fwd_rate, f->fwd_mid, f->fwd_scale)
      || !rate_matches (r, rev, f->rev_type, f->rev_rate, f->rev_mid, f->rev_scale))
    return 0;
  if (q10)
    {
      g_autofree char *qt = nrt_nml_get (q10, "type");
      double factor = NAN, temp = NAN;
      g_autoptr (GError) e = NULL;
      if (g_strcmp0 (qt, "q10ExpTemp") != 0
          || !get_quantity (r, q10, "q10Factor", NRT_DIM_NONE, TRUE, &factor, &e)
          || !get_quantity (r, q10, "experimentalTemp", NRT_DIM_TEMPERATURE, TRUE, &temp, &e)
          || !close_to (factor, 3) || !close_to (temp, 6.3))
        return 0;
      q = 2;
    }
  return q;
}

static gboolean
classify_channel (Reader *r, xmlNodePtr ch, ChanKind *kind, GError **error)
{
  g_autoptr (GPtrArray) gates = g_ptr_array_new ();
  g_autofree char *species = nrt_nml_get (ch, "species");
  g_autofree char *type = nrt_nml_get (ch, "type");
  g_autofree char *id = nrt_nml_get (ch, "id");
  int q = 0;

  if (!nrt_nml_is (ch, "ionChannel") && !nrt_nml_is (ch, "ionChannelHH"))
    goto unsupported;
  for (xmlNodePtr n = nrt_nml_first_child (ch, NULL); n; n = nrt_nml_next (n, NULL))
    {
      if (nrt_nml_is (n, "notes") || nrt_nml_is (n, "annotation") || nrt_nml_is (n, "property"))
        continue;
      if (nrt_nml_is (n, "gateHHrates") || nrt_nml_is (n, "gate"))
        g_ptr_array_add (gates, n);
      else
        goto unsupported;
    }
  if (gates->len == 0)
    {
      if (type && strcmp (type, "ionChannelPassive") != 0 && strcmp (type, "ionChannelHH") != 0)
        goto unsupported;
      *kind = CH_LEAK;
      return TRUE;
    }
  if (g_strcmp0 (species, "na") == 0 && gates->len == 2)
    {
      int qm = 0, qh = 0;
      for (guint i = 0; i < 2; i++)
        {
          int a = gate_matches (r, gates->pdata[i], &hh_m);
          int b = gate_matches (r, gates->pdata[i], &hh_h);
          if (a) qm = a;
          if (b) qh = b;
        }
      if (qm && qh && qm == qh)
        {
          *kind = CH_NA;
          q = qm;
        }
    }
  else if (g_strcmp0 (species, "k") == 0 && gates->len == 1)
    {
      q = gate_matches (r, gates->pdata[0], &hh_n);
      *kind = CH_K;
    }
  if (q == 0)
    goto unsupported;
  if (r->hh_node && (q == 2) != r->hh_has_q10)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, ch,
                         "ion channel \"%s\": the HH channels disagree on q10 settings", id);
      return FALSE;
    }
  r->hh_has_q10 = (q == 2);
  r->hh_node = ch;
  return TRUE;

unsupported:
  nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, ch,
                     "unknown ion channel \"%s\": Neurite simulates only the standard HH Na and K "
                     "channels (hh) and passive channels (pas)", id ? id : "");
  return FALSE;
}

/* ---------------------------------------------------------------- foreign channels
 *
 * An ionChannel/ionChannelHH whose gates are gateHHrates or gateHHtauInf (directly or as
 * generic <gate type=…>) with the standard forms, or an ionChannelKS of gateKS with standard
 * transitions, and that is not hh's, becomes a ChannelBuilder channel of the model's library
 * (editable like one made in Neurite).  The forms map onto KSChan's exactly (x = (v −
 * midpoint)/scale, so k = 1/scale, or −1/scale for the sigmoid):
 *   HHExpRate / HHExpVariable        → exp      A = rate, k = 1/scale, d = midpoint
 *   HHExpLinearRate                  → linoid   A = rate, k = 1/scale, d = midpoint
 *   HHSigmoidRate / HHSigmoidVariable → sigmoid A = rate, k = −1/scale, d = midpoint
 *   fixedTimeCourse                  → constant τ
 * An exp form with |scale| ≥ 1e9 mV is read as a constant (Neurite writes constants so), as
 * are Neurite's own neurite_expTime τ and neurite_ligandRate ligand rates.  One q10Settings
 * (q10ExpTemp) shared by every gate becomes the channel's q10 and its temperature. */

#define IMPORT_NO_SCALE 1e9

typedef enum { SLOT_RATE, SLOT_INF, SLOT_TAU } RateSlot;

static gboolean
import_unsupported (Reader *r, xmlNodePtr at, const char *chan, GError **error,
                    const char *what)
{
  nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, at, "ion channel \"%s\": %s",
                     chan, what);
  return FALSE;
}

#include "nrt-neuroml-lems-rates.h"

/* One rate, steady state or time course element as a KSChan rate, or as a custom LEMS rate
 * when its type is a ComponentType of the documents (nrt-neuroml-lems-rates.c). */
static gboolean
import_rate (Reader *r, xmlNodePtr n, RateSlot slot, const char *chan, NrtRate *out,
             GError **error)
{
  g_autofree char *type = n ? nrt_nml_get (n, "type") : NULL;
  int custom = nrt_nml_import_lems_rate (r->set, n, out, error);
  double A = 0, mid = 0, scale = 0;
  gboolean exp_form, lin_form, sig_form;

  if (custom >= 0)
    return custom == 1;

  if (n == NULL || type == NULL)
    return import_unsupported (r, n, chan, error, "a gate lacks a rate or its type");
  if (slot == SLOT_TAU)
    {
      if (strcmp (type, "fixedTimeCourse") == 0)
        {
          if (!get_quantity (r, n, "tau", NRT_DIM_TIME, TRUE, &A, error))
            return FALSE;
          *out = (NrtRate) { NRT_RATE_CONSTANT, A, 0, 0 };
          return TRUE;
        }
      if (strcmp (type, "neurite_expTime") != 0)
        {
          g_autofree char *why = g_strdup_printf ("timeCourse type \"%s\" is not "
                                                  "fixedTimeCourse", type);
          return import_unsupported (r, n, chan, error, why);
        }
      if (!get_quantity (r, n, "rate", NRT_DIM_TIME, TRUE, &A, error))
        return FALSE;
      exp_form = TRUE, lin_form = sig_form = FALSE;
    }
  else
    {
      const char *suffix = slot == SLOT_INF ? "Variable" : "Rate";
      exp_form = g_str_has_prefix (type, "HHExp") && strcmp (type + 5, suffix) == 0;
      lin_form = slot == SLOT_RATE && strcmp (type, "HHExpLinearRate") == 0;
      sig_form = g_str_has_prefix (type, "HHSigmoid") && strcmp (type + 9, suffix) == 0;
      if (!exp_form && !lin_form && !sig_form)
        {
          g_autofree char *why = g_strdup_printf (
            "%s type \"%s\" is not one of the standard forms Neurite simulates (%s)",
            n->name, type, slot == SLOT_INF ? "HHSigmoidVariable, or HHExpVariable as a constant"
                                            : "HHExpRate, HHExpLinearRate, HHSigmoidRate");
          return import_unsupported (r, n, chan, error, why);
        }
      if (slot == SLOT_INF ? !get_number (r, n, "rate", TRUE, &A, error)
                           : !get_quantity (r, n, "rate", NRT_DIM_PER_TIME, TRUE, &A, error))
        return FALSE;
    }
  if (!get_quantity (r, n, "midpoint", NRT_DIM_VOLTAGE, TRUE, &mid, error)
      || !get_quantity (r, n, "scale", NRT_DIM_VOLTAGE, TRUE, &scale, error))
    return FALSE;
  if (scale == 0)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n, "<%s scale> must not be 0",
                         n->name);
      return FALSE;
    }
  if (exp_form && fabs (scale) >= IMPORT_NO_SCALE)
    *out = (NrtRate) { NRT_RATE_CONSTANT, A, 0, 0 };
  else if (exp_form)
    *out = (NrtRate) { NRT_RATE_EXP, A, 1.0 / scale, mid };
  else if (lin_form)
    *out = (NrtRate) { NRT_RATE_LINOID, A, 1.0 / scale, mid };
  else
    *out = (NrtRate) { NRT_RATE_SIGMOID, A, -1.0 / scale, mid };
  if (slot == SLOT_INF && out->form == NRT_RATE_EXP)
    return import_unsupported (r, n, chan, error, "an HHExpVariable steady state varies with "
                               "v: KSChan's inf is a constant or a sigmoid");
  return TRUE;
}

/* The gate's q10Settings; all gates of a channel must agree (*seen tracks the first). */
static gboolean
import_q10 (Reader *r, xmlNodePtr gate, NrtChannel *ch, int *seen, GError **error)
{
  xmlNodePtr q = nrt_nml_first_child (gate, "q10Settings");
  double factor = 1, temp = 6.3;
  int has = q != NULL;

  if (q)
    {
      g_autofree char *type = nrt_nml_get (q, "type");
      if (g_strcmp0 (type, "q10ExpTemp") != 0)
        return import_unsupported (r, q, ch->name, error, "only q10Settings of type "
                                   "q10ExpTemp can be simulated");
      if (!get_quantity (r, q, "q10Factor", NRT_DIM_NONE, TRUE, &factor, error)
          || !get_quantity (r, q, "experimentalTemp", NRT_DIM_TEMPERATURE, TRUE, &temp, error))
        return FALSE;
    }
  if (*seen < 0)
    {
      *seen = has;
      if (has)
        {
          ch->q10 = factor;
          ch->q10_temperature = temp;
        }
      return TRUE;
    }
  if (*seen != has || (has && (ch->q10 != factor || ch->q10_temperature != temp)))
    return import_unsupported (r, q ? q : gate, ch->name, error,
                               "its gates have different q10Settings (Neurite has one q10 per "
                               "channel)");
  return TRUE;
}

/* A name unused by ch's gates and states: want, else gate_want, gate_want_2 … */
static char *
unique_state_name (const NrtChannel *ch, const char *gate, const char *want)
{
  char *name = g_strdup (want);

  for (int n = 1; nrt_channel_find_gate (ch, name) >= 0
                  || nrt_channel_find_state (ch, name, NULL, NULL); n++)
    {
      g_free (name);
      name = n == 1 ? g_strdup_printf ("%s_%s", gate, want)
                    : g_strdup_printf ("%s_%s_%d", gate, want, n);
    }
  return name;
}

/* A transition's rate element: the first element child of forward/reverseTransition. */
static gboolean
import_ks_rate (Reader *r, xmlNodePtr tr, const char *chan, NrtRate *rate, NrtGateType *type,
                NrtIon *ligand, int *stoich, GError **error)
{
  xmlNodePtr n = nrt_nml_first_child (tr, NULL);
  g_autofree char *t = n ? nrt_nml_get (n, "type") : NULL;

  if (n == NULL)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, tr, "<%s> has no rate", tr->name);
      return FALSE;
    }
  if (g_strcmp0 (t, "neurite_ligandRate") == 0)
    {
      g_autofree char *lig = nrt_nml_get (n, "ligand");
      g_autofree char *species = nrt_nml_get (n, "species");
      int ion = nrt_ion_lookup (species);
      double st = 1;
      gsize len = lig ? strlen (lig) : 0;
      if (!nrt_nml_is (tr, "forwardTransition") || ion <= NRT_ION_NONSPECIFIC || len < 2
          || (lig[len - 1] != 'i' && lig[len - 1] != 'o')
          || strncmp (lig, species, len - 1) != 0 || species[len - 1] != '\0')
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                             "a ligand rate needs a forward transition, a species (na, k, ca) "
                             "and a ligand <species>i or <species>o");
          return FALSE;
        }
      if (!get_quantity (r, n, "rate", NRT_DIM_PER_TIME, TRUE, &rate->A, error)
          || !get_number (r, n, "stoichiometry", TRUE, &st, error))
        return FALSE;
      rate->form = NRT_RATE_CONSTANT;
      rate->k = rate->d = 0;
      *type = lig[len - 1] == 'i' ? NRT_TRANS_LIGAND_INSIDE : NRT_TRANS_LIGAND_OUTSIDE;
      *ligand = (NrtIon) ion;
      *stoich = (int) st;
      return TRUE;
    }
  return import_rate (r, n, SLOT_RATE, chan, rate, error);
}

static void
clear_transition_rates (NrtKsTransition *t)
{
  nrt_rate_clear (&t->rate[0]);
  nrt_rate_clear (&t->rate[1]);
}

static gboolean
import_gate_ks (Reader *r, xmlNodePtr gate, NrtChannel *ch, guint index, int *q10_seen,
                GError **error)
{
  g_autofree char *gid = nrt_nml_get (gate, "id");
  g_autofree char *inst = nrt_nml_get (gate, "instances");
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) trans = g_array_new (FALSE, TRUE, sizeof (NrtKsTransition));
  /* The channel takes its own references to custom rate functions: drop ours. */
  g_array_set_clear_func (trans, (GDestroyNotify) clear_transition_rates);
  g_autoptr (GArray) closed = g_array_new (FALSE, FALSE, sizeof (gboolean));
  int power = inst ? atoi (inst) : 0;
  guint n_closed = 0;

  if (power < 1 || power > 100)
    return import_unsupported (r, gate, ch->name, error, "gateKS instances must be from 1 "
                               "to 100");
  if (!import_q10 (r, gate, ch, q10_seen, error))
    return FALSE;
  for (xmlNodePtr n = nrt_nml_first_child (gate, NULL); n; n = nrt_nml_next (n, NULL))
    {
      if (nrt_nml_is (n, "closedState") || nrt_nml_is (n, "openState"))
        {
          gboolean c = nrt_nml_is (n, "closedState");
          g_ptr_array_add (ids, nrt_nml_get (n, "id"));
          g_array_append_val (closed, c);
          n_closed += c;
        }
    }
  for (xmlNodePtr n = nrt_nml_first_child (gate, NULL); n; n = nrt_nml_next (n, NULL))
    {
      NrtKsTransition t = { 0 };
      g_autofree char *from = NULL, *to = NULL, *tid = NULL;
      gboolean found_from = FALSE, found_to = FALSE;

      if (!nrt_nml_is (n, "forwardTransition") && !nrt_nml_is (n, "tauInfTransition"))
        {
          if (nrt_nml_is (n, "reverseTransition") || nrt_nml_is (n, "closedState")
              || nrt_nml_is (n, "openState") || nrt_nml_is (n, "notes")
              || nrt_nml_is (n, "q10Settings"))
            continue;
          {
            g_autofree char *why = g_strdup_printf ("<%s> in a gateKS is not supported",
                                                    n->name);
            return import_unsupported (r, n, ch->name, error, why);
          }
        }
      from = nrt_nml_get (n, "from");
      to = nrt_nml_get (n, "to");
      tid = nrt_nml_get (n, "id");
      for (guint j = 0; j < ids->len; j++)
        {
          if (g_strcmp0 (ids->pdata[j], from) == 0)
            t.from = j, found_from = TRUE;
          if (g_strcmp0 (ids->pdata[j], to) == 0)
            t.to = j, found_to = TRUE;
        }
      if (!found_from || !found_to)
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                             "transition \"%s\" of gate \"%s\" refers to unknown state \"%s\"",
                             tid ? tid : "", gid ? gid : "", found_from ? to : from);
          return FALSE;
        }
      t.ligand = NRT_ION_NONSPECIFIC;
      t.stoichiometry = 1;
      if (nrt_nml_is (n, "tauInfTransition"))
        {
          t.type = NRT_GATE_INF_TAU;
          if (!import_rate (r, nrt_nml_first_child (n, "steadyState"), SLOT_INF, ch->name,
                            &t.rate[0], error)
              || !import_rate (r, nrt_nml_first_child (n, "timeCourse"), SLOT_TAU, ch->name,
                               &t.rate[1], error))
            return FALSE;
        }
      else
        {
          xmlNodePtr rev = nrt_nml_next (n, NULL);
          g_autofree char *rfrom = rev ? nrt_nml_get (rev, "from") : NULL;
          g_autofree char *rto = rev ? nrt_nml_get (rev, "to") : NULL;
          NrtGateType rtype = NRT_GATE_ALPHA_BETA;
          NrtIon rlig = NRT_ION_NONSPECIFIC;
          int rst = 1;
          /* NeuroML's reverseTransition repeats its forward partner's from and to. */
          if (!nrt_nml_is (rev, "reverseTransition") || g_strcmp0 (rfrom, from) != 0
              || g_strcmp0 (rto, to) != 0)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, rev ? rev : n,
                                 "forwardTransition \"%s\" (%s to %s) must be followed by a "
                                 "reverseTransition with the same from and to", tid ? tid : "",
                                 from, to);
              return FALSE;
            }
          t.type = NRT_GATE_ALPHA_BETA;
          if (!import_ks_rate (r, n, ch->name, &t.rate[0], &t.type, &t.ligand,
                               &t.stoichiometry, error)
              || !import_ks_rate (r, rev, ch->name, &t.rate[1], &rtype, &rlig, &rst, error))
            return FALSE;
          if (t.type != NRT_GATE_ALPHA_BETA && t.rate[1].form != NRT_RATE_CONSTANT)
            return import_unsupported (r, rev, ch->name, error, "the backward rate of a "
                                       "ligand transition must be a constant");
        }
      g_array_append_val (trans, t);
    }
  if (trans->len == 0)
    return import_unsupported (r, gate, ch->name, error, "a gateKS without transitions");
  /* A closed and an open state joined by one voltage-gated transition is an HH gate. */
  if (ids->len == 2 && n_closed == 1 && trans->len == 1
      && g_array_index (trans, NrtKsTransition, 0).type <= NRT_GATE_INF_TAU
      && g_array_index (closed, gboolean, g_array_index (trans, NrtKsTransition, 0).from)
      && nrt_channel_find_gate (ch, gid) < 0 && !nrt_channel_find_state (ch, gid, NULL, NULL))
    {
      const NrtKsTransition *t = &g_array_index (trans, NrtKsTransition, 0);
      nrt_channel_add_gate (ch, gid, power, t->type, &t->rate[0], &t->rate[1]);
      return TRUE;
    }
  {
    NrtKsScheme *ks = nrt_channel_add_scheme (ch, power);
    for (guint j = 0; j < ids->len; j++)
      {
        g_autofree char *name = unique_state_name (ch, gid ? gid : "ks", ids->pdata[j]);
        nrt_ks_scheme_add_state (ks, name, g_array_index (closed, gboolean, j) ? 0.0 : 1.0,
                                 60.0 * j, 60.0 * index);
      }
    g_array_append_vals (ks->transitions, trans->data, trans->len);
  }
  return TRUE;
}

/* The foreign channel node as a ChannelBuilder channel (not yet in the library), or NULL. */
static NrtChannel *
build_channel (Reader *r, xmlNodePtr node, GError **error)
{
  g_autofree char *id = nrt_nml_get (node, "id");
  g_autofree char *species = nrt_nml_get (node, "species");
  g_autoptr (NrtChannel) ch = nrt_channel_new (id ? id : "");
  gboolean ks = nrt_nml_is (node, "ionChannelKS");
  int q10_seen = -1;
  guint n_gate = 0;

  if (species == NULL)
    ch->ion = NRT_ION_NONSPECIFIC;
  else if (nrt_ion_lookup (species) > NRT_ION_NONSPECIFIC)
    ch->ion = nrt_ion_lookup (species);
  else
    {
      g_autofree char *why = g_strdup_printf ("species \"%s\" is not na, k or ca", species);
      import_unsupported (r, node, ch->name, error, why);
      return NULL;
    }
  for (xmlNodePtr n = nrt_nml_first_child (node, NULL); n; n = nrt_nml_next (n, NULL))
    {
      g_autofree char *type = nrt_nml_get (n, "type");
      g_autofree char *gid = nrt_nml_get (n, "id");
      g_autofree char *inst = nrt_nml_get (n, "instances");
      const char *kind = NULL;

      if (nrt_nml_is (n, "notes") || nrt_nml_is (n, "annotation") || nrt_nml_is (n, "property"))
        continue;
      if (ks && nrt_nml_is (n, "gateKS"))
        {
          if (!import_gate_ks (r, n, ch, n_gate++, &q10_seen, error))
            return NULL;
          continue;
        }
      if (!ks && nrt_nml_is (n, "gate"))
        kind = type;
      else if (!ks && (nrt_nml_is (n, "gateHHrates") || nrt_nml_is (n, "gateHHtauInf")))
        kind = (const char *) n->name;
      if (g_strcmp0 (kind, "gateHHrates") != 0 && g_strcmp0 (kind, "gateHHtauInf") != 0)
        {
          g_autofree char *why = g_strdup_printf ("<%s%s%s> cannot be simulated (Neurite reads "
                                                  "gateHHrates, gateHHtauInf and gateKS)",
                                                  n->name, kind ? " type=" : "",
                                                  kind ? kind : "");
          import_unsupported (r, n, ch->name, error, why);
          return NULL;
        }
      {
        gboolean rates = strcmp (kind, "gateHHrates") == 0;
        int power = inst ? atoi (inst) : 0;
        NrtRate r0 = { 0 }, r1 = { 0 };
        gboolean ok;
        if (power < 1 || power > 100)
          {
            import_unsupported (r, n, ch->name, error, "gate instances must be from 1 to 100");
            return NULL;
          }
        if (!import_q10 (r, n, ch, &q10_seen, error))
          return NULL;
        ok = rates ? (import_rate (r, nrt_nml_first_child (n, "forwardRate"), SLOT_RATE,
                                   ch->name, &r0, error)
                      && import_rate (r, nrt_nml_first_child (n, "reverseRate"), SLOT_RATE,
                                      ch->name, &r1, error))
                   : (import_rate (r, nrt_nml_first_child (n, "steadyState"), SLOT_INF,
                                   ch->name, &r0, error)
                      && import_rate (r, nrt_nml_first_child (n, "timeCourse"), SLOT_TAU,
                                      ch->name, &r1, error));
        if (ok)
          nrt_channel_add_gate (ch, gid ? gid : "", power,
                                rates ? NRT_GATE_ALPHA_BETA : NRT_GATE_INF_TAU, &r0, &r1);
        /* The channel holds its own references to custom rate functions. */
        nrt_rate_clear (&r0);
        nrt_rate_clear (&r1);
        if (!ok)
          return NULL;
      }
    }
  return g_steal_pointer (&ch);
}

/* Imports the foreign channel node into the library; *index is its place there. */
static gboolean
import_channel (Reader *r, xmlNodePtr node, int *index, GError **error)
{
  g_autoptr (NrtChannel) ch = build_channel (r, node, error);
  GError *e = NULL;

  if (ch == NULL)
    return FALSE;
  if (!model_ok (r, nrt_model_add_channel (r->model, ch, &e), e, node, error))
    return FALSE;
  *index = nrt_model_find_channel (r->model, ch->name);
  return TRUE;
}

/* ---------------------------------------------------------------- groups → sections */

static gboolean
collect_group_segments (Reader *r, const char *gid, GHashTable *out, int depth, xmlNodePtr at,
                        GError **error)
{
  xmlNodePtr g;

  if (strcmp (gid, "all") == 0 && !g_hash_table_contains (r->group_nodes, "all"))
    {
      for (guint i = 0; i < r->seg_list->len; i++)
        g_hash_table_add (out, GINT_TO_POINTER (((RSeg *) r->seg_list->pdata[i])->id));
      return TRUE;
    }
  g = g_hash_table_lookup (r->group_nodes, gid);
  if (g == NULL)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, at, "unknown segment group \"%s\"", gid);
      return FALSE;
    }
  if (depth > 64)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, g,
                         "segment group \"%s\" includes itself", gid);
      return FALSE;
    }
  for (xmlNodePtr m = nrt_nml_first_child (g, NULL); m; m = nrt_nml_next (m, NULL))
    {
      if (nrt_nml_is (m, "member"))
        {
          g_autofree char *s = nrt_nml_get (m, "segment");
          g_hash_table_add (out, GINT_TO_POINTER (atoi (s)));
        }
      else if (nrt_nml_is (m, "include"))
        {
          g_autofree char *inc = nrt_nml_get (m, "segmentGroup");
          if (!collect_group_segments (r, inc, out, depth + 1, m, error))
            return FALSE;
        }
      else if (nrt_nml_is (m, "path") || nrt_nml_is (m, "subTree"))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, m,
                             "<%s> in segment groups is not supported", m->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* (transfer full) Section indices covered by a group; FALSE when a section is only partly in it. */
static GArray *
group_sections (Reader *r, const char *gid, xmlNodePtr at, gboolean allow_partial, GError **error)
{
  g_autoptr (GHashTable) segs = g_hash_table_new (g_direct_hash, g_direct_equal);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));

  if (!collect_group_segments (r, gid ? gid : "all", segs, 0, at, error))
    {
      g_array_unref (out);
      return NULL;
    }
  for (guint i = 0; i < r->secs->len; i++)
    {
      RSec *s = r->secs->pdata[i];
      guint in = 0;
      for (guint k = 0; k < s->segs->len; k++)
        in += g_hash_table_contains (segs, GINT_TO_POINTER (g_array_index (s->segs, int, k)));
      if (in == s->segs->len)
        g_array_append_val (out, i);
      else if (in > 0 && !allow_partial)
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, at,
                             "segment group \"%s\" covers only part of section \"%s\" "
                             "(non-uniform properties within a section are not supported)",
                             gid, s->name);
          g_array_unref (out);
          return NULL;
        }
    }
  return out;
}

static gboolean
read_biophysics (Reader *r, GError **error)
{
  xmlNodePtr mp, ip;
  g_autoptr (GHashTable) chan_kind = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < r->secs->len; i++)
    {
      RSec *s = r->secs->pdata[i];
      s->cm = 1;
      s->Ra = 35.4;
    }
  if (r->bio == NULL)
    return TRUE;
  mp = nrt_nml_first_child (r->bio, "membraneProperties");
  for (xmlNodePtr d = mp ? nrt_nml_first_child (mp, NULL) : NULL; d; d = nrt_nml_next (d, NULL))
    {
      g_autofree char *gid = nrt_nml_get (d, "segmentGroup");
      g_autoptr (GArray) secs = NULL;

      if (nrt_nml_is (d, "channelDensity"))
        {
          g_autofree char *chan = nrt_nml_get (d, "ionChannel");
          g_autofree char *ion = nrt_nml_get (d, "ion");
          g_autofree char *mech = NULL;
          xmlNodePtr ch = g_hash_table_lookup (r->top, chan);
          ChanKind kind;
          double g = 0, e = 0;

          if (xmlHasProp (d, (const xmlChar *) "segment") != NULL)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, d,
                                 "channelDensity on a single segment is not supported");
              return FALSE;
            }
          int cb = chan ? nrt_model_find_channel (r->model, chan) : -1;
          if (cb < 0 && ch != NULL)
            {
              /* hh's channels stay hh; any other standard channel joins the library. */
              g_autoptr (GError) local = NULL;
              if (nrt_nml_is (ch, "ionChannelKS") || !classify_channel (r, ch, &kind, &local))
                if (!import_channel (r, ch, &cb, error))
                  return FALSE;
            }
          if (cb >= 0)
            {
              const NrtChannel *cdef = nrt_model_get_data (r->model)->channels->pdata[cb];
              const char *want = cdef->ion == NRT_ION_NONSPECIFIC ? "non_specific"
                                                                   : nrt_ion_name (cdef->ion);
              RChan rc = { cb, 0, 0 };
              if (g_strcmp0 (ion, want) != 0)
                {
                  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, d,
                                     "ion \"%s\" does not match the species of channel \"%s\"",
                                     ion, chan);
                  return FALSE;
                }
              if (!get_quantity (r, d, "condDensity", NRT_DIM_COND_DENSITY, TRUE, &rc.g, error)
                  || !get_quantity (r, d, "erev", NRT_DIM_VOLTAGE, TRUE, &rc.e, error)
                  || (secs = group_sections (r, gid, d, FALSE, error)) == NULL)
                return FALSE;
              for (guint k = 0; k < secs->len; k++)
                {
                  RSec *s = r->secs->pdata[g_array_index (secs, int, k)];
                  if (s->chans == NULL)
                    s->chans = g_array_new (FALSE, FALSE, sizeof (RChan));
                  g_array_append_val (s->chans, rc);
                }
              continue;
            }
          if (!classify_channel (r, ch, &kind, error))
            return FALSE;
          if ((kind == CH_NA && g_strcmp0 (ion, "na") != 0) || (kind == CH_K && g_strcmp0 (ion, "k") != 0))
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, d,
                                 "ion \"%s\" does not match the species of channel \"%s\"", ion, chan);
              return FALSE;
            }
          if (!get_quantity (r, d, "condDensity", NRT_DIM_COND_DENSITY, TRUE, &g, error)
              || !get_quantity (r, d, "erev", NRT_DIM_VOLTAGE, TRUE, &e, error))
            return FALSE;
          if (g < 0)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, d,
                                 "condDensity must not be negative");
              return FALSE;
            }
          if (kind == CH_LEAK && r->ann)
            for (xmlNodePtr a = nrt_nml_first_child (r->ann, NULL); a; a = nrt_nml_next (a, NULL))
              if (is_neurite (a, "channel"))
                {
                  g_autofree char *aid = nrt_nml_get (a, "id");
                  if (g_strcmp0 (aid, chan) == 0)
                    mech = nrt_nml_get (a, "mechanism");
                }
          secs = group_sections (r, gid, d, FALSE, error);
          if (secs == NULL)
            return FALSE;
          for (guint k = 0; k < secs->len; k++)
            {
              RSec *s = r->secs->pdata[g_array_index (secs, int, k)];
              if (kind == CH_NA)
                s->has_na = TRUE, s->gna = g, s->ena = e;
              else if (kind == CH_K)
                s->has_k = TRUE, s->gk = g, s->ek = e;
              else if (g_strcmp0 (mech, "pas") == 0)
                s->has_pas = TRUE, s->gpas = g, s->epas = e;
              else if (g_strcmp0 (mech, "hh") == 0)
                s->has_leak = TRUE, s->gl = g, s->el = e;
              else if (s->has_leak)  /* a second leak without annotation: pas */
                s->has_pas = TRUE, s->gpas = g, s->epas = e;
              else
                s->has_leak = TRUE, s->gl = g, s->el = e;
            }
        }
      else if (nrt_nml_is (d, "channelDensityGHK"))
        {
          /* A GHK ChannelBuilder channel: permeability = pmax (cm/s). */
          g_autofree char *chan = nrt_nml_get (d, "ionChannel");
          g_autofree char *ion = nrt_nml_get (d, "ion");
          int cb = chan ? nrt_model_find_channel (r->model, chan) : -1;
          const NrtChannel *cdef = cb >= 0 ? nrt_model_get_data (r->model)->channels->pdata[cb]
                                           : NULL;
          RChan rc = { cb, 0, 0 };

          if (cdef == NULL || cdef->conductance != NRT_CONDUCTANCE_GHK)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, d,
                                 "channelDensityGHK of \"%s\": Neurite simulates GHK currents "
                                 "only of its own channels defined with conductance=\"ghk\"",
                                 chan ? chan : "");
              return FALSE;
            }
          if (g_strcmp0 (ion, nrt_ion_name (cdef->ion)) != 0)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, d,
                                 "ion \"%s\" does not match the species of channel \"%s\"",
                                 ion ? ion : "", chan);
              return FALSE;
            }
          if (!get_quantity (r, d, "permeability", NRT_DIM_PERMEABILITY, TRUE, &rc.g, error)
              || (secs = group_sections (r, gid, d, FALSE, error)) == NULL)
            return FALSE;
          for (guint k = 0; k < secs->len; k++)
            {
              RSec *s = r->secs->pdata[g_array_index (secs, int, k)];
              if (s->chans == NULL)
                s->chans = g_array_new (FALSE, FALSE, sizeof (RChan));
              g_array_append_val (s->chans, rc);
            }
        }
      else if (nrt_nml_is (d, "specificCapacitance"))
        {
          double cm;
          if (!get_quantity (r, d, "value", NRT_DIM_CAPACITANCE_DENSITY, TRUE, &cm, error))
            return FALSE;
          if ((secs = group_sections (r, gid, d, FALSE, error)) == NULL)
            return FALSE;
          for (guint k = 0; k < secs->len; k++)
            ((RSec *) r->secs->pdata[g_array_index (secs, int, k)])->cm = cm;
        }
      else if (nrt_nml_is (d, "initMembPotential"))
        {
          double v;
          if (!get_quantity (r, d, "value", NRT_DIM_VOLTAGE, TRUE, &v, error))
            return FALSE;
          if (r->have_v_init && v != r->v_init)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, d,
                                 "different initial potentials per group are not supported");
              return FALSE;
            }
          r->have_v_init = TRUE;
          r->v_init = v;
          r->v_init_node = d;
        }
      else if (nrt_nml_is (d, "spikeThresh"))
        {
          double v;
          if (!get_quantity (r, d, "value", NRT_DIM_VOLTAGE, TRUE, &v, error))
            return FALSE;
        }
      else
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, d,
                             "<%s> is not supported", d->name);
          return FALSE;
        }
    }
  ip = nrt_nml_first_child (r->bio, "intracellularProperties");
  for (xmlNodePtr d = ip ? nrt_nml_first_child (ip, NULL) : NULL; d; d = nrt_nml_next (d, NULL))
    {
      g_autofree char *gid = nrt_nml_get (d, "segmentGroup");
      g_autoptr (GArray) secs = NULL;
      double Ra;
      if (nrt_nml_is (d, "species"))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, d,
                             "ion species and concentration models are not supported");
          return FALSE;
        }
      if (!nrt_nml_is (d, "resistivity"))
        continue;
      if (!get_quantity (r, d, "value", NRT_DIM_RESISTIVITY, TRUE, &Ra, error))
        return FALSE;
      if ((secs = group_sections (r, gid, d, FALSE, error)) == NULL)
        return FALSE;
      for (guint k = 0; k < secs->len; k++)
        ((RSec *) r->secs->pdata[g_array_index (secs, int, k)])->Ra = Ra;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- model */

static gboolean
set_param (Reader *r, RSec *s, const char *param, double v, xmlNodePtr at, GError **error)
{
  GError *e = NULL;
  return model_ok (r, nrt_model_set_mechanism_param (r->model, s->name, param, v, &e), e, at, error);
}

static gboolean
add_sections (Reader *r, GError **error)
{
  guint added = 0;
  gboolean progress = TRUE;

  for (guint i = 0; i < r->secs->len; i++)
    ((RSec *) r->secs->pdata[i])->model_index = -1;
  while (added < r->secs->len && progress)
    {
      progress = FALSE;
      for (guint i = 0; i < r->secs->len; i++)
        {
          RSec *s = r->secs->pdata[i];
          RSec *p = s->parent >= 0 ? r->secs->pdata[s->parent] : NULL;
          GError *e = NULL;
          xmlNodePtr at = s->ann ? s->ann : s->node;
          double L = 0, diam = 0;
          gboolean lpt3d = TRUE;

          if (s->model_index >= 0 || (p && p->model_index < 0))
            continue;
          if (s->ann)
            {
              g_autofree char *geom = nrt_nml_get (s->ann, "geometry");
              if (g_strcmp0 (geom, "L_diam") == 0)
                {
                  if (!get_number (r, s->ann, "L", TRUE, &L, error)
                      || !get_number (r, s->ann, "diam", TRUE, &diam, error))
                    return FALSE;
                  lpt3d = FALSE;
                }
            }
          if (lpt3d && s->segs->len == 1)
            {
              RSeg *q = seg_get (r, g_array_index (s->segs, int, 0));
              if (seg_length (q) == 0)
                {
                  /* A sphere: jNeuroML's NEURON export makes it a cylinder with L = diam. */
                  if (q->prox.d != q->dist.d)
                    {
                      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, q->node,
                                         "spherical segment %d has unequal diameters", q->id);
                      return FALSE;
                    }
                  L = diam = q->dist.d;
                  lpt3d = FALSE;
                }
            }
          if (lpt3d)
            {
              double total = 0;
              for (guint k = 0; k < s->segs->len; k++)
                {
                  RSeg *q = seg_get (r, g_array_index (s->segs, int, k));
                  if (seg_length (q) == 0)
                    {
                      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, q->node,
                                         "segment %d has zero length", q->id);
                      return FALSE;
                    }
                  total += seg_length (q);
                }
              L = total;
              diam = seg_get (r, g_array_index (s->segs, int, 0))->prox.d;
              if (s->ann && !get_number (r, s->ann, "diam", FALSE, &diam, error))
                return FALSE;
            }
          s->model_index = nrt_model_add_section (r->model, s->name, p ? p->name : NULL,
                                                  s->parent_x, L, diam, &e);
          if (!model_ok (r, s->model_index >= 0, e, at, error))
            return FALSE;
          if (lpt3d)
            {
              g_autoptr (GArray) pts = g_array_new (FALSE, FALSE, sizeof (NrtPt3d));
              RSeg *q0 = seg_get (r, g_array_index (s->segs, int, 0));
              NrtPt3d pt = { q0->prox.x, q0->prox.y, q0->prox.z, q0->prox.d };
              g_array_append_val (pts, pt);
              for (guint k = 0; k < s->segs->len; k++)
                {
                  RSeg *q = seg_get (r, g_array_index (s->segs, int, k));
                  NrtPt3d d = { q->dist.x, q->dist.y, q->dist.z, q->dist.d };
                  g_array_append_val (pts, d);
                }
              if (!model_ok (r, nrt_model_set_section_pt3d (r->model, s->name, (NrtPt3d *) pts->data,
                                                            pts->len, &e), e, at, error))
                return FALSE;
            }
          added++;
          progress = TRUE;
        }
    }
  if (added < r->secs->len)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, r->morph,
                         "the sections do not form a tree");
      return FALSE;
    }
  return TRUE;
}

static gboolean get_numbers (Reader *r, xmlNodePtr n, const char *attr, GArray **out,
                             GError **error);

/* KSChan's table of rate i: vmin<i>, vmax<i> and values<i> (a new reference in rate->func,
 * which the caller drops once the channel holds its own). */
static gboolean
read_table (Reader *r, xmlNodePtr n, int i, NrtRate *rate, GError **error)
{
  char key[3][12];
  double vmin = 0, vmax = 0;
  g_autoptr (GArray) values = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (NrtRateFunc) f = NULL;

  g_snprintf (key[0], sizeof key[0], "vmin%d", i);
  g_snprintf (key[1], sizeof key[1], "vmax%d", i);
  g_snprintf (key[2], sizeof key[2], "values%d", i);
  if (!get_number (r, n, key[0], TRUE, &vmin, error)
      || !get_number (r, n, key[1], TRUE, &vmax, error)
      || !get_numbers (r, n, key[2], &values, error))
    return FALSE;
  f = nrt_rate_func_new_table (values ? (const double *) values->data : NULL,
                               values ? values->len : 0, vmin, vmax, &local);
  if (f == NULL)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n, "<%s>: %s", n->name,
                         local->message);
      return FALSE;
    }
  *rate = nrt_rate_new_func (f);
  return TRUE;
}

/* form0 A0 k0 d0 form1 A1 k1 d1 of a neurite:gate or neurite:transition. */
static gboolean
read_rates (Reader *r, xmlNodePtr n, NrtRate *rate, GError **error)
{
  static const char *const keys[8] = { "form0", "A0", "k0", "d0", "form1", "A1", "k1", "d1" };
  double v[8];

  for (int k = 0; k < 8; k++)
    if (!get_number (r, n, keys[k], TRUE, &v[k], error))
      return FALSE;
  for (int i = 0; i < 2; i++)
    {
      gboolean bg = v[4 * i] == NRT_RATE_BG_INF || v[4 * i] == NRT_RATE_BG_TAU;
      if (v[4 * i] == NRT_RATE_TABLE)
        {
          if (!read_table (r, n, i, &rate[i], error))
            {
              if (i == 1)
                nrt_rate_clear (&rate[0]);
              return FALSE;
            }
          continue;
        }
      if (!bg && (v[4 * i] < NRT_RATE_CONSTANT || v[4 * i] > NRT_RATE_SIGMOID
                  || v[4 * i] != (int) v[4 * i]))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                             "<%s form%d=\"%g\">: not a rate form (1 to 4, 7, 8 or 9)", n->name, i,
                             v[4 * i]);
          return FALSE;
        }
      rate[i] = (NrtRate) { (NrtRateForm) (int) v[4 * i], v[4 * i + 1], v[4 * i + 2],
                            v[4 * i + 3] };
      if (bg)
        {
          /* Borg-Graham: z, gam and tau0 as well (the model checks their domains) */
          char key[3][8];
          g_snprintf (key[0], sizeof key[0], "z%d", i);
          g_snprintf (key[1], sizeof key[1], "gam%d", i);
          g_snprintf (key[2], sizeof key[2], "tau0_%d", i);
          if (!get_number (r, n, key[0], TRUE, &rate[i].z, error)
              || !get_number (r, n, key[1], TRUE, &rate[i].gam, error)
              || !get_number (r, n, key[2], TRUE, &rate[i].tau0, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* An integer attribute in [min, max]. */
static gboolean
get_int (Reader *r, xmlNodePtr n, const char *attr, int min, int max, int *value, GError **error)
{
  double v = 0;

  if (!get_number (r, n, attr, TRUE, &v, error))
    return FALSE;
  if (v != floor (v) || v < min || v > max)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                         "<%s %s=\"%g\">: not an integer from %d to %d", n->name, attr, v, min, max);
      return FALSE;
    }
  *value = (int) v;
  return TRUE;
}

/* A state index of ks by name (a neurite:transition's from or to). */
static gboolean
scheme_state (Reader *r, const NrtKsScheme *ks, xmlNodePtr n, const char *attr, guint *index,
              GError **error)
{
  g_autofree char *name = nrt_nml_get (n, attr);

  for (guint j = 0; name != NULL && j < ks->states->len; j++)
    if (strcmp (((NrtKsState *) ks->states->pdata[j])->name, name) == 0)
      {
        *index = j;
        return TRUE;
      }
  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                     "<%s %s=\"%s\">: no such state in this scheme", n->name, attr,
                     name ? name : "");
  return FALSE;
}

static gboolean
read_scheme (Reader *r, NrtChannel *ch, xmlNodePtr n, GError **error)
{
  int power = 1;
  NrtKsScheme *ks;

  if (!get_int (r, n, "power", 1, 100, &power, error))
    return FALSE;
  ks = nrt_channel_add_scheme (ch, power);
  for (xmlNodePtr m = nrt_nml_first_child (n, NULL); m; m = nrt_nml_next (m, NULL))
    if (is_neurite (m, "state"))
      {
        g_autofree char *name = nrt_nml_get (m, "name");
        double frac = 0, x = 0, y = 0;
        if (!get_number (r, m, "fraction", TRUE, &frac, error)
            || !get_number (r, m, "x", TRUE, &x, error)
            || !get_number (r, m, "y", TRUE, &y, error))
          return FALSE;
        nrt_ks_scheme_add_state (ks, name ? name : "", frac, x, y);
      }
  for (xmlNodePtr m = nrt_nml_first_child (n, NULL); m; m = nrt_nml_next (m, NULL))
    if (is_neurite (m, "transition"))
      {
        static const char *const types[] = { "alpha_beta", "inf_tau", "ligand_outside",
                                             "ligand_inside" };
        g_autofree char *type = nrt_nml_get (m, "type");
        g_autofree char *ligand = nrt_nml_get (m, "ligand");
        NrtRate rate[2];
        guint from = 0, to = 0;
        int t = -1, lig = NRT_ION_NONSPECIFIC, stoich = 1;

        for (guint i = 0; type != NULL && i < G_N_ELEMENTS (types); i++)
          if (strcmp (type, types[i]) == 0)
            t = (int) i;
        if (t < 0)
          {
            nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, m,
                               "unknown transition type \"%s\"", type ? type : "");
            return FALSE;
          }
        if (t == NRT_TRANS_LIGAND_OUTSIDE || t == NRT_TRANS_LIGAND_INSIDE)
          {
            lig = nrt_ion_lookup (ligand);
            if (lig <= NRT_ION_NONSPECIFIC)
              {
                nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, m,
                                   "unknown ligand ion \"%s\"", ligand ? ligand : "");
                return FALSE;
              }
            if (!get_int (r, m, "stoichiometry", 1, 4, &stoich, error))
              return FALSE;
          }
        if (!scheme_state (r, ks, m, "from", &from, error)
            || !scheme_state (r, ks, m, "to", &to, error) || !read_rates (r, m, rate, error))
          return FALSE;
        nrt_ks_scheme_add_transition (ks, from, to, (NrtGateType) t, &rate[0], &rate[1],
                                      (NrtIon) lig, stoich);
        nrt_rate_clear (&rate[0]);  /* table functions: the scheme holds its own */
        nrt_rate_clear (&rate[1]);
      }
  return TRUE;
}

/* ChannelBuilder channels from the annotation (neurite:channelType), exact as written. */
static gboolean
read_channel_types (Reader *r, GError **error)
{
  for (xmlNodePtr a = r->ann ? nrt_nml_first_child (r->ann, NULL) : NULL; a;
       a = nrt_nml_next (a, NULL))
    {
      if (!is_neurite (a, "channelType"))
        continue;
      g_autofree char *name = nrt_nml_get (a, "name");
      g_autofree char *ion = nrt_nml_get (a, "ion");
      g_autofree char *kind = nrt_nml_get (a, "kind");
      g_autofree char *cond = nrt_nml_get (a, "conductance");
      g_autofree char *single = nrt_nml_get (a, "single");
      g_autoptr (NrtChannel) ch = nrt_channel_new (name);
      GError *e = NULL;
      int ion_index = nrt_ion_lookup (ion);

      if (ion_index < 0)
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, a, "unknown ion \"%s\"",
                             ion ? ion : "");
          return FALSE;
        }
      if ((kind && strcmp (kind, "point") != 0 && strcmp (kind, "density") != 0)
          || (cond && strcmp (cond, "ghk") != 0 && strcmp (cond, "ohmic") != 0)
          || (single && strcmp (single, "true") != 0 && strcmp (single, "false") != 0))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, a,
                             "channel \"%s\": kind must be density or point, conductance ohmic "
                             "or ghk, single true or false", name ? name : "");
          return FALSE;
        }
      ch->ion = ion_index;
      ch->kind = g_strcmp0 (kind, "point") == 0 ? NRT_CHANNEL_POINT : NRT_CHANNEL_DENSITY;
      ch->conductance = g_strcmp0 (cond, "ghk") == 0 ? NRT_CONDUCTANCE_GHK : NRT_CONDUCTANCE_OHMIC;
      ch->single = g_strcmp0 (single, "true") == 0;
      if (!get_number (r, a, "gmax", TRUE, &ch->gmax, error)
          || !get_number (r, a, "erev", TRUE, &ch->erev, error)
          || !get_number (r, a, "q10", TRUE, &ch->q10, error)
          || !get_number (r, a, "q10Temperature", TRUE, &ch->q10_temperature, error))
        return FALSE;
      {
        /* A channel with LEMS or expression rates: its gates are the NeuroML channel element
         * of the same id (whose rates name their ComponentTypes); the entry adds what NeuroML
         * does not hold (defaults, kind, GHK, single channels, q10). */
        g_autofree char *rates = nrt_nml_get (a, "rates");
        if (rates != NULL)
          {
            xmlNodePtr node = name ? g_hash_table_lookup (r->top, name) : NULL;
            g_autoptr (NrtChannel) imp = NULL;
            if (strcmp (rates, "neuroml") != 0 || node == NULL
                || !(nrt_nml_is (node, "ionChannelHH") || nrt_nml_is (node, "ionChannelKS")
                     || nrt_nml_is (node, "ionChannel")))
              {
                nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, a,
                                   "channel \"%s\": rates=\"neuroml\" needs an ion channel "
                                   "element of that id", name ? name : "");
                return FALSE;
              }
            if ((imp = build_channel (r, node, error)) == NULL)
              return FALSE;
            imp->ion = ch->ion;
            imp->kind = ch->kind;
            imp->conductance = ch->conductance;
            imp->single = ch->single;
            imp->gmax = ch->gmax;
            imp->erev = ch->erev;
            imp->q10 = ch->q10;
            imp->q10_temperature = ch->q10_temperature;
            if (!model_ok (r, nrt_model_add_channel (r->model, imp, &e), e, a, error))
              return FALSE;
            continue;
          }
      }
      for (xmlNodePtr g = nrt_nml_first_child (a, NULL); g; g = nrt_nml_next (g, NULL))
        {
          if (is_neurite (g, "scheme"))
            {
              if (!read_scheme (r, ch, g, error))
                return FALSE;
              continue;
            }
          if (!is_neurite (g, "gate"))
            continue;
          g_autofree char *gname = nrt_nml_get (g, "name");
          g_autofree char *type = nrt_nml_get (g, "type");
          int power = 1;
          NrtRate rate[2];
          if (!get_int (r, g, "power", 1, 100, &power, error) || !read_rates (r, g, rate, error))
            return FALSE;
          nrt_channel_add_gate (ch, gname, power,
                                g_strcmp0 (type, "inf_tau") == 0 ? NRT_GATE_INF_TAU
                                                                 : NRT_GATE_ALPHA_BETA,
                                &rate[0], &rate[1]);
          nrt_rate_clear (&rate[0]);  /* table functions: the channel holds its own */
          nrt_rate_clear (&rate[1]);
        }
      if (!model_ok (r, nrt_model_add_channel (r->model, ch, &e), e, a, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_biophysics (Reader *r, GError **error)
{
  for (guint i = 0; i < r->secs->len; i++)
    {
      RSec *s = r->secs->pdata[i];
      GError *e = NULL;
      xmlNodePtr at = r->bio ? r->bio : s->node;

      if (!model_ok (r, nrt_model_set_Ra (r->model, s->name, s->Ra, &e), e, at, error)
          || !model_ok (r, nrt_model_set_cm (r->model, s->name, s->cm, &e), e, at, error))
        return FALSE;
      if (s->has_na || s->has_k)
        {
          if (!model_ok (r, nrt_model_insert_mechanism (r->model, s->name, "hh", &e), e, at, error))
            return FALSE;
          if (!set_param (r, s, "gnabar_hh", s->has_na ? s->gna : 0, at, error)
              || !set_param (r, s, "gkbar_hh", s->has_k ? s->gk : 0, at, error)
              || !set_param (r, s, "gl_hh", s->has_leak ? s->gl : 0, at, error)
              || (s->has_na && !set_param (r, s, "ena", s->ena, at, error))
              || (s->has_k && !set_param (r, s, "ek", s->ek, at, error))
              || (s->has_leak && !set_param (r, s, "el_hh", s->el, at, error)))
            return FALSE;
        }
      else if (s->has_leak)
        {
          s->has_pas = TRUE;
          s->gpas = s->gl;
          s->epas = s->el;
        }
      if (s->has_pas)
        {
          if (!model_ok (r, nrt_model_insert_mechanism (r->model, s->name, "pas", &e), e, at, error)
              || !set_param (r, s, "g_pas", s->gpas, at, error)
              || !set_param (r, s, "e_pas", s->epas, at, error))
            return FALSE;
        }
      if (s->ann != NULL && s->chans != NULL)
        {
          /* The written insertion order of a section with GHK channels. */
          g_autofree char *order = nrt_nml_get (s->ann, "channelOrder");
          g_auto (GStrv) names = order ? g_strsplit (order, " ", -1) : NULL;
          guint done = 0;
          for (guint q = 0; names != NULL && names[q] != NULL; q++)
            {
              int want = nrt_model_find_channel (r->model, names[q]);
              for (guint c = done; c < s->chans->len; c++)
                if (g_array_index (s->chans, RChan, c).channel == want)
                  {
                    RChan tmp = g_array_index (s->chans, RChan, c);
                    g_array_remove_index (s->chans, c);
                    g_array_insert_val (s->chans, done, tmp);
                    done++;
                    break;
                  }
            }
        }
      for (guint c = 0; s->chans != NULL && c < s->chans->len; c++)
        {
          const RChan *rc = &g_array_index (s->chans, RChan, c);
          const NrtChannel *ch = nrt_model_get_data (r->model)->channels->pdata[rc->channel];
          g_autofree char *gname = g_strdup_printf ("gmax_%s", ch->name);
          g_autofree char *ename = ch->ion == NRT_ION_NONSPECIFIC
                                     ? g_strdup_printf ("e_%s", ch->name)
                                     : g_strdup_printf ("e%s", nrt_ion_name (ch->ion));
          if (!model_ok (r, nrt_model_insert_mechanism (r->model, s->name, ch->name, &e), e, at,
                         error)
              || !set_param (r, s, gname, rc->g, at, error)
              || (ch->conductance != NRT_CONDUCTANCE_GHK
                  && !set_param (r, s, ename, rc->e, at, error)))
            return FALSE;
        }
    }
  return TRUE;
}

/* Section and x of a point given as segment id + fractionAlong. */
static gboolean
locate (Reader *r, int segid, double frac, xmlNodePtr at, RSec **sec, double *x, GError **error)
{
  RSeg *q = seg_get (r, segid);
  RSec *s;
  double before = 0, total = 0;

  if (q == NULL)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, at, "unknown segment %d", segid);
      return FALSE;
    }
  s = r->secs->pdata[q->section];
  for (guint k = 0; k < s->segs->len; k++)
    {
      RSeg *o = seg_get (r, g_array_index (s->segs, int, k));
      if (o->pos < q->pos)
        before += seg_length (o);
      total += seg_length (o);
    }
  *sec = s;
  *x = total > 0 ? (before + frac * seg_length (q)) / total : frac;
  if (s->segs->len == 1)
    *x = frac;
  return TRUE;
}

static gboolean
is_neurite_own_id (const char *id)
{
  /* ids the writer gives its own elements: ppN_... */
  if (id == NULL || strncmp (id, "pp", 2) != 0 || !g_ascii_isdigit (id[2]))
    return FALSE;
  for (id += 2; g_ascii_isdigit (*id); id++)
    ;
  return *id == '_';
}

/* Parses an input target "pop[0]", "../pop[0]", "pop/0/cell", "../pop/0/cell". */
static gboolean
parse_target (const char *t, char **pop, int *index)
{
  const char *p = t;
  const char *e;

  if (t == NULL)
    return FALSE;
  if (g_str_has_prefix (p, "../"))
    p += 3;
  e = p;
  while (*e && *e != '[' && *e != '/')
    e++;
  *pop = g_strndup (p, e - p);
  *index = *e ? atoi (e + 1) : 0;
  return TRUE;
}

static gboolean
add_iclamp (Reader *r, xmlNodePtr gen, RSec *s, double x, xmlNodePtr at, GError **error)
{
  double del = 0, dur = 0, amp = 0;
  GError *e = NULL;
  int pp;

  if (!get_quantity (r, gen, "delay", NRT_DIM_TIME, TRUE, &del, error)
      || !get_quantity (r, gen, "duration", NRT_DIM_TIME, TRUE, &dur, error)
      || !get_quantity (r, gen, "amplitude", NRT_DIM_CURRENT, TRUE, &amp, error))
    return FALSE;
  pp = nrt_model_add_point_process (r->model, "IClamp", s->name, x, &e);
  if (!model_ok (r, pp >= 0, e, at, error)
      || !model_ok (r, nrt_model_set_point_process_param (r->model, pp, "del", del, &e), e, gen, error)
      || !model_ok (r, nrt_model_set_point_process_param (r->model, pp, "dur", dur, &e), e, gen, error)
      || !model_ok (r, nrt_model_set_point_process_param (r->model, pp, "amp", amp, &e), e, gen, error))
    return FALSE;
  g_hash_table_add (r->consumed, gen);
  return TRUE;
}

static gboolean
read_network (Reader *r, GPtrArray *foreign_net, GError **error)
{
  g_autofree char *cell_id = nrt_nml_get (r->cell, "id");
  g_autoptr (GHashTable) pops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (r->net == NULL)
    return TRUE;
  {
    g_autofree char *type = nrt_nml_get (r->net, "type");
    if (g_strcmp0 (type, "networkWithTemperature") == 0)
      {
        if (!get_quantity (r, r->net, "temperature", NRT_DIM_TEMPERATURE, TRUE, &r->celsius, error))
          return FALSE;
        r->have_celsius = TRUE;
      }
  }
  for (xmlNodePtr n = nrt_nml_first_child (r->net, NULL); n; n = nrt_nml_next (n, NULL))
    {
      gboolean keep = TRUE;

      if (nrt_nml_is (n, "notes") || nrt_nml_is (n, "property") || nrt_nml_is (n, "annotation"))
        continue;
      if (nrt_nml_is (n, "population"))
        {
          g_autofree char *comp = nrt_nml_get (n, "component");
          g_autofree char *type = nrt_nml_get (n, "type");
          g_autofree char *size = nrt_nml_get (n, "size");
          if (g_strcmp0 (comp, cell_id) == 0)
            {
              g_hash_table_add (pops, nrt_nml_get (n, "id"));
              if (g_strcmp0 (type, "populationList") != 0 && g_strcmp0 (size, "1") == 0)
                keep = FALSE;
            }
        }
      else if (nrt_nml_is (n, "explicitInput"))
        {
          g_autofree char *target = nrt_nml_get (n, "target");
          g_autofree char *input = nrt_nml_get (n, "input");
          g_autofree char *pop = NULL;
          xmlNodePtr gen = input ? g_hash_table_lookup (r->top, input) : NULL;
          int index = -1;
          if (parse_target (target, &pop, &index) && g_hash_table_contains (pops, pop) && index == 0
              && nrt_nml_is (gen, "pulseGenerator"))
            {
              RSec *s;
              double x;
              int seg0 = ((RSeg *) r->seg_list->pdata[0])->id;
              /* jNeuroML: segment 0 (the first listed), fractionAlong 0.5 */
              if (!locate (r, seg_get (r, 0) ? 0 : seg0, 0.5, n, &s, &x, error)
                  || !add_iclamp (r, gen, s, x, n, error))
                return FALSE;
              keep = FALSE;
            }
        }
      else if (nrt_nml_is (n, "inputList"))
        {
          g_autofree char *id = nrt_nml_get (n, "id");
          g_autofree char *pop = nrt_nml_get (n, "population");
          g_autofree char *comp = nrt_nml_get (n, "component");
          xmlNodePtr gen = comp ? g_hash_table_lookup (r->top, comp) : NULL;
          gboolean ours = nrt_nml_is (gen, "pulseGenerator") && g_hash_table_contains (pops, pop);

          if (r->ann && is_neurite_own_id (id))
            {
              g_hash_table_add (r->consumed, gen);
              continue;
            }
          for (xmlNodePtr in = nrt_nml_first_child (n, "input"); ours && in; in = nrt_nml_next (in, "input"))
            {
              g_autofree char *t = nrt_nml_get (in, "target");
              g_autofree char *tp = NULL;
              int index = -1;
              if (!parse_target (t, &tp, &index) || index != 0)
                ours = FALSE;
            }
          if (ours)
            {
              for (xmlNodePtr in = nrt_nml_first_child (n, "input"); in; in = nrt_nml_next (in, "input"))
                {
                  double segid = 0, frac = 0.5, x;
                  RSec *s;
                  if (!get_number (r, in, "segmentId", FALSE, &segid, error)
                      || !get_number (r, in, "fractionAlong", FALSE, &frac, error)
                      || !locate (r, (int) segid, frac, in, &s, &x, error)
                      || !add_iclamp (r, gen, s, x, in, error))
                    return FALSE;
                }
              keep = FALSE;
            }
        }
      if (keep)
        g_ptr_array_add (foreign_net, nrt_nml_node_dump (n));
    }
  return TRUE;
}

static gboolean
read_annotation_rest (Reader *r, GError **error)
{
  for (xmlNodePtr n = r->ann ? nrt_nml_first_child (r->ann, NULL) : NULL; n; n = nrt_nml_next (n, NULL))
    {
      GError *e = NULL;
      if (is_neurite (n, "subset"))
        {
          g_autofree char *name = nrt_nml_get (n, "name");
          if (!model_ok (r, nrt_model_add_subset (r->model, name, &e), e, n, error))
            return FALSE;
          for (xmlNodePtr m = nrt_nml_first_child (n, NULL); m; m = nrt_nml_next (m, NULL))
            {
              g_autofree char *sec = nrt_nml_get (m, "section");
              if (!model_ok (r, nrt_model_subset_add_section (r->model, name, sec, &e), e, m, error))
                return FALSE;
            }
        }
      else if (is_neurite (n, "pointProcess"))
        {
          g_autofree char *type = nrt_nml_get (n, "type");
          g_autofree char *sec = nrt_nml_get (n, "section");
          double x = 0.5;
          int pp;
          if (!get_number (r, n, "x", TRUE, &x, error))
            return FALSE;
          pp = nrt_model_add_point_process (r->model, type, sec, x, &e);
          if (!model_ok (r, pp >= 0, e, n, error))
            return FALSE;
          for (xmlNodePtr m = nrt_nml_first_child (n, NULL); m; m = nrt_nml_next (m, NULL))
            {
              g_autofree char *pname = nrt_nml_get (m, "name");
              double v;
              if (!get_number (r, m, "value", TRUE, &v, error))
                return FALSE;
              if (!model_ok (r, nrt_model_set_point_process_param (r->model, pp, pname, v, &e), e, m, error))
                return FALSE;
            }
        }
      else if (is_neurite (n, "netStim"))
        {
          double start = 50, interval = 10, number = 10, noise = 0;
          if (!get_number (r, n, "start", FALSE, &start, error)
              || !get_number (r, n, "interval", FALSE, &interval, error)
              || !get_number (r, n, "number", FALSE, &number, error)
              || !get_number (r, n, "noise", FALSE, &noise, error))
            return FALSE;
          if (!model_ok (r, nrt_model_add_netstim (r->model, start, interval, number, noise, &e) >= 0, e, n, error))
            return FALSE;
        }
      else if (is_neurite (n, "netCon"))
        {
          double src = 0, tgt = 0, w = 0, delay = 1, thr = 10;
          if (!get_number (r, n, "source", TRUE, &src, error)
              || !get_number (r, n, "target", TRUE, &tgt, error)
              || !get_number (r, n, "weight", FALSE, &w, error)
              || !get_number (r, n, "delay", FALSE, &delay, error)
              || !get_number (r, n, "threshold", FALSE, &thr, error))
            return FALSE;
          if (src < 0 || tgt < 0)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n, "negative NetCon index");
              return FALSE;
            }
          if (!model_ok (r, nrt_model_add_netcon (r->model, (guint) src, (guint) tgt, w, delay, thr, &e) >= 0,
                         e, n, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Groups of whole sections in foreign files become subsets (soma_group, dendrite_group...). */
static gboolean
read_foreign_subsets (Reader *r, GError **error)
{
  for (xmlNodePtr g = nrt_nml_first_child (r->morph, "segmentGroup"); g; g = nrt_nml_next (g, "segmentGroup"))
    {
      g_autofree char *gid = nrt_nml_get (g, "id");
      g_autofree char *lex = nrt_nml_get (g, "neuroLexId");
      g_autoptr (GArray) secs = NULL;
      g_autoptr (GError) local = NULL;
      if (g_strcmp0 (lex, NRT_SECTION_NEUROLEX) == 0 || g_strcmp0 (gid, "all") == 0)
        continue;
      secs = group_sections (r, gid, g, TRUE, &local);
      if (secs == NULL || secs->len == 0 || nrt_model_find_subset (r->model, gid) >= 0)
        continue;
      if (!nrt_model_add_subset (r->model, gid, NULL))
        continue;
      for (guint k = 0; k < secs->len; k++)
        {
          GError *e = NULL;
          RSec *s = r->secs->pdata[g_array_index (secs, int, k)];
          if (!model_ok (r, nrt_model_subset_add_section (r->model, gid, s->name, &e), e, g, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_settings (Reader *r, GError **error)
{
  NrtRunSettings st = nrt_model_get_data (r->model)->settings;
  xmlNodePtr at = r->cell;
  GError *e = NULL;

  if (r->have_v_init)
    st.v_init = r->v_init;
  if (r->have_celsius)
    st.celsius = r->celsius;
  if (r->hh_from_foreign)
    st.hh_use_table = FALSE;  /* NEURON runs converted NeuroML channels without tables */
  for (xmlNodePtr n = r->ann ? nrt_nml_first_child (r->ann, NULL) : NULL; n; n = nrt_nml_next (n, NULL))
    if (is_neurite (n, "settings"))
      {
        g_autofree char *method = nrt_nml_get (n, "method");
        g_autofree char *table = nrt_nml_get (n, "hhUseTable");
        at = n;
        if (!get_number (r, n, "tstop", FALSE, &st.tstop, error)
            || !get_number (r, n, "dt", FALSE, &st.dt, error)
            || !get_number (r, n, "vInit", FALSE, &st.v_init, error)
            || !get_number (r, n, "celsius", FALSE, &st.celsius, error)
            || !get_number (r, n, "pointsPerMs", FALSE, &st.points_per_ms, error))
          return FALSE;
        if (method)
          st.method = strcmp (method, "cn") == 0 ? NRT_METHOD_CN : NRT_METHOD_IMPLICIT;
        if (table)
          st.hh_use_table = strcmp (table, "true") == 0;
        for (int ion = NRT_ION_NA; ion < NRT_N_ION; ion++)
          {
            g_autofree char *ci = g_strdup_printf ("%si0", nrt_ion_name (ion));
            g_autofree char *co = g_strdup_printf ("%so0", nrt_ion_name (ion));
            if (!get_number (r, n, ci, FALSE, &st.conc_i[ion], error)
                || !get_number (r, n, co, FALSE, &st.conc_o[ion], error))
              return FALSE;
          }
        {
          double seed = st.seed;
          if (!get_number (r, n, "seed", FALSE, &seed, error))
            return FALSE;
          if (seed != floor (seed) || seed < 0 || seed > G_MAXUINT32)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                                 "seed %g is not an integer from 0 to %u", seed, G_MAXUINT32);
              return FALSE;
            }
          st.seed = (guint32) seed;
        }
      }
  if (r->sim)
    {
      double dt_before = st.dt;
      at = r->sim;
      if (!get_quantity (r, r->sim, "length", NRT_DIM_TIME, TRUE, &st.tstop, error)
          || !get_quantity (r, r->sim, "step", NRT_DIM_TIME, TRUE, &st.dt, error))
        return FALSE;
      /* A Neurite folder's LEMS file repeats the annotation's tstop and dt: then the
       * annotation's plotting rate stands; a new step records every step. */
      if (st.dt > 0 && st.dt != dt_before)
        st.points_per_ms = 1.0 / st.dt;
    }
  if (r->hh_node && !r->hh_has_q10 && st.celsius != 6.3)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, r->set, r->hh_node,
                         "HH channels without q10Settings match hh only at 6.3 degC, not at %g degC",
                         st.celsius);
      return FALSE;
    }
  return model_ok (r, nrt_model_set_settings (r->model, &st, &e), e, at, error);
}

/* ---------------------------------------------------------------- LEMS plots */

/* The recordable state of gate `gate` of the channel of density `density` (a LEMS path
 * BIO/membraneProperties/DENSITY/CHANNEL/GATE/q): m_hh, h_hh, n_hh for the HH channels read
 * as hh, GATE_CHANNEL for a ChannelBuilder channel; NULL otherwise. */
static char *
gate_state_name (Reader *r, const char *bio, const char *density, const char *chan,
                 const char *gate)
{
  g_autofree char *bio_id = r->bio ? nrt_nml_get (r->bio, "id") : NULL;
  xmlNodePtr mp = r->bio ? nrt_nml_first_child (r->bio, "membraneProperties") : NULL;
  xmlNodePtr ch = g_hash_table_lookup (r->top, chan);
  gboolean found = FALSE;
  ChanKind kind;
  g_autoptr (GError) e = NULL;

  if (g_strcmp0 (bio_id, bio) != 0)
    return NULL;
  for (xmlNodePtr d = nrt_nml_first_child (mp, NULL); d && !found; d = nrt_nml_next (d, NULL))
    {
      g_autofree char *id = nrt_nml_get (d, "id");
      g_autofree char *ic = nrt_nml_get (d, "ionChannel");
      found = g_strcmp0 (id, density) == 0 && g_strcmp0 (ic, chan) == 0;
    }
  if (!found || ch == NULL)
    return NULL;
  if (nrt_model_find_channel (r->model, chan) >= 0)
    return g_strdup_printf ("%s_%s", gate, chan);
  if (!classify_channel (r, ch, &kind, &e) || kind == CH_LEAK)
    return NULL;
  for (xmlNodePtr g = nrt_nml_first_child (ch, NULL); g; g = nrt_nml_next (g, NULL))
    {
      g_autofree char *id = nrt_nml_get (g, "id");
      if (g_strcmp0 (id, gate) != 0)
        continue;
      if (kind == CH_K)
        return g_strdup ("n_hh");
      if (gate_matches (r, g, &hh_m))
        return g_strdup ("m_hh");
      if (gate_matches (r, g, &hh_h))
        return g_strdup ("h_hh");
    }
  return NULL;
}

/* The recordable expression of a LEMS quantity of our cell, or NULL when Neurite cannot plot
 * it.  "POP[0]/v", "POP/0/CELL/v" (segment 0) and "POP/0/CELL/SEG/v" are v at the middle of
 * a segment, where jNeuroML's NEURON export records them. */
static char *
quantity_expr (Reader *r, GHashTable *pops, const char *cell_id, const char *quantity)
{
  g_autofree char *q = g_strdup (quantity);
  g_auto (GStrv) parts = NULL;
  g_autofree char *pop = NULL;
  guint n, k = 1;
  int index = -1, seg = -1;
  RSec *s;
  double x;
  g_autofree char *xs = NULL;
  g_autofree char *var = NULL;
  GError *e = NULL;

  g_strstrip (q);
  while (g_str_has_suffix (q, "/"))
    q[strlen (q) - 1] = '\0';
  parts = g_strsplit (q, "/", -1);
  n = g_strv_length (parts);
  if (n < 2)
    return NULL;
  {
    char *br = strchr (parts[0], '[');
    if (br)
      {
        char *end;
        pop = g_strndup (parts[0], br - parts[0]);
        index = (int) strtol (br + 1, &end, 10);
        if (end == br + 1 || strcmp (end, "]") != 0)
          return NULL;
      }
    else
      {
        char *end;
        pop = g_strdup (parts[0]);
        index = (int) strtol (parts[1], &end, 10);
        if (end == parts[1] || *end != '\0')
          return NULL;
        k = 2;
        if (k < n && g_strcmp0 (parts[k], cell_id) == 0)
          k++;
      }
  }
  if (!g_hash_table_contains (pops, pop) || index != 0)
    return NULL;
  if (k < n && g_ascii_isdigit (parts[k][0]))
    {
      char *end;
      seg = (int) strtol (parts[k], &end, 10);
      if (*end != '\0')
        return NULL;
      k++;
    }
  if (k + 1 == n && strcmp (parts[k], "v") == 0)
    var = g_strdup ("v");
  else if (k + 6 == n && strcmp (parts[k + 1], "membraneProperties") == 0
           && strcmp (parts[k + 5], "q") == 0)
    var = gate_state_name (r, parts[k], parts[k + 2], parts[k + 3], parts[k + 4]);
  if (var == NULL)
    return NULL;
  if (seg < 0)  /* jNeuroML: the first segment listed */
    seg = seg_get (r, 0) ? 0 : ((RSeg *) r->seg_list->pdata[0])->id;
  if (seg_get (r, seg) == NULL || !locate (r, seg, 0.5, NULL, &s, &x, &e))
    {
      g_clear_error (&e);
      return NULL;
    }
  xs = nrt_nml_format_number (x);
  return g_strdup_printf ("%s(%s).%s", s->name, xs, var);
}

/* Adds expr (transfer full) unless already there; returns the graph's copy. */
static const char *
graph_add (NrtLemsGraph *g, char *expr)
{
  for (guint i = 0; i < g->exprs->len; i++)
    if (strcmp (g->exprs->pdata[i], expr) == 0)
      {
        g_free (expr);
        return g->exprs->pdata[i];
      }
  g_ptr_array_add (g->exprs, expr);
  return expr;
}

/* A LEMS file's Displays, and OutputFiles of what no Display shows, as Graph windows (the
 * model's view_state).  A Neurite file keeps its own layout from the annotation. */
static gboolean
read_lems_graphs (Reader *r, GError **error)
{
  g_autoptr (GHashTable) pops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) graphs = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_lems_graph_free);
  g_autofree char *cell_id = nrt_nml_get (r->cell, "id");
  g_autofree char *text = NULL;

  if (r->sim == NULL || r->ann != NULL || r->net == NULL)
    return TRUE;
  for (xmlNodePtr p = nrt_nml_first_child (r->net, "population"); p; p = nrt_nml_next (p, "population"))
    {
      g_autofree char *comp = nrt_nml_get (p, "component");
      if (g_strcmp0 (comp, cell_id) == 0)
        g_hash_table_add (pops, nrt_nml_get (p, "id"));
    }
  for (xmlNodePtr d = nrt_nml_first_child (r->sim, "Display"); d; d = nrt_nml_next (d, "Display"))
    {
      g_autofree char *title = nrt_nml_get (d, "title");
      NrtLemsGraph *g = nrt_lems_graph_new (title, 0);
      gboolean mv = TRUE;
      for (xmlNodePtr l = nrt_nml_first_child (d, "Line"); l; l = nrt_nml_next (l, "Line"))
        {
          g_autofree char *quantity = nrt_nml_get (l, "quantity");
          g_autofree char *scale = nrt_nml_get (l, "scale");
          char *expr = quantity ? quantity_expr (r, pops, cell_id, quantity) : NULL;
          double sc = 0;
          g_autofree char *why = NULL;
          if (expr == NULL)
            continue;
          if (scale == NULL || !nrt_nml_parse_quantity (scale, NRT_DIM_VOLTAGE, &sc, &why) || sc != 1)
            mv = FALSE;  /* the axis is not in mV: keep Neurite's default range */
          g_hash_table_add (shown, (gpointer) graph_add (g, expr));
        }
      if (g->exprs->len == 0)
        {
          nrt_lems_graph_free (g);
          continue;
        }
      {
        gboolean any_v = FALSE;
        for (guint k = 0; k < g->exprs->len; k++)
          any_v |= g_str_has_suffix (g->exprs->pdata[k], ").v");
        if (!any_v)
          {
            /* gate states only: a State graph, whose y range is the Display's when every
             * Line has scale 1 */
            g->kind = 2;
            mv = TRUE;
            for (xmlNodePtr l = nrt_nml_first_child (d, "Line"); l && mv; l = nrt_nml_next (l, "Line"))
              {
                g_autofree char *scale = nrt_nml_get (l, "scale");
                double sc;
                mv = scale && nrt_nml_parse_number (scale, &sc) && sc == 1;
              }
          }
      }
      {
        /* xmin..ymax are in the Display's units: time in timeScale, v in the lines' scale */
        g_autofree char *ts = nrt_nml_get (d, "timeScale");
        static const char *const keys[] = { "xmin", "xmax", "ymin", "ymax" };
        double v[4], tscale = 1;
        g_autofree char *why = NULL;
        gboolean ok = mv && (ts == NULL || nrt_nml_parse_quantity (ts, NRT_DIM_TIME, &tscale, &why));
        for (guint k = 0; k < 4 && ok; k++)
          {
            g_autofree char *t = nrt_nml_get (d, keys[k]);
            ok = t && nrt_nml_parse_number (t, &v[k]);
          }
        if (ok && v[1] > v[0] && v[3] > v[2])
          {
            g->has_view = TRUE;
            g->x0 = v[0] * tscale, g->x1 = v[1] * tscale, g->y0 = v[2], g->y1 = v[3];
          }
      }
      g_ptr_array_add (graphs, g);
    }
  for (xmlNodePtr o = nrt_nml_first_child (r->sim, "OutputFile"); o; o = nrt_nml_next (o, "OutputFile"))
    {
      g_autofree char *id = nrt_nml_get (o, "fileName");
      NrtLemsGraph *g = nrt_lems_graph_new (id, 0);
      for (xmlNodePtr c = nrt_nml_first_child (o, "OutputColumn"); c; c = nrt_nml_next (c, "OutputColumn"))
        {
          g_autofree char *quantity = nrt_nml_get (c, "quantity");
          char *expr = quantity ? quantity_expr (r, pops, cell_id, quantity) : NULL;
          if (expr == NULL)
            continue;
          if (g_hash_table_contains (shown, expr))
            g_free (expr);
          else
            graph_add (g, expr);
        }
      if (g->exprs->len == 0)
        nrt_lems_graph_free (g);
      else
        g_ptr_array_add (graphs, g);
    }
  text = nrt_lems_graphs_to_view_state (graphs);
  (void) error;
  if (text)
    nrt_model_set_view_state (r->model, text);
  return TRUE;
}

static gboolean
get_numbers (Reader *r, xmlNodePtr n, const char *attr, GArray **out, GError **error)
{
  g_autofree char *text = nrt_nml_get (n, attr);
  g_auto (GStrv) words = NULL;

  if (text == NULL)
    return TRUE;
  *out = g_array_new (FALSE, FALSE, sizeof (double));
  words = g_strsplit_set (text, " \t\n", -1);
  for (char **w = words; *w; w++)
    {
      double v;
      if (**w == '\0')
        continue;
      if (!nrt_nml_parse_number (*w, &v))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                             "<%s %s>: “%s” is not a number", n->name, attr, *w);
          return FALSE;
        }
      g_array_append_val (*out, v);
    }
  return TRUE;
}

static gboolean
read_geometry_spec (Reader *r, xmlNodePtr n, NrtGeometrySpec *g, GError **error)
{
  static const struct { guint kind; const char *name; } kinds[] = {
    { NRT_GEO_L, "L" }, { NRT_GEO_DIAM, "diam" }, { NRT_GEO_DISTINCT_L, "distinctL" },
    { NRT_GEO_DISTINCT_DIAM, "distinctDiam" }, { NRT_GEO_AREA, "area" },
    { NRT_GEO_CIRCUIT, "circuit" }, { NRT_GEO_NSEG, "nseg" }, { NRT_GEO_D_LAMBDA, "dLambda" },
    { NRT_GEO_D_X, "dX" },
  };
  g_autofree char *names = nrt_nml_get (n, "kinds");
  g_auto (GStrv) words = g_strsplit (names ? names : "", " ", -1);

  for (char **w = words; *w; w++)
    {
      guint i = 0;
      while (i < G_N_ELEMENTS (kinds) && strcmp (kinds[i].name, *w) != 0)
        i++;
      if (i == G_N_ELEMENTS (kinds))
        {
          if (**w == '\0')
            continue;
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, n,
                             "unknown geometry kind “%s”", *w);
          return FALSE;
        }
      g->kinds |= kinds[i].kind;
    }
  return get_number (r, n, "L", FALSE, &g->L, error)
         && get_number (r, n, "diam", FALSE, &g->diam, error)
         && get_number (r, n, "area", FALSE, &g->area, error)
         && get_number (r, n, "nseg", FALSE, &g->nseg, error)
         && get_number (r, n, "dLambda", FALSE, &g->d_lambda, error)
         && get_number (r, n, "dX", FALSE, &g->d_X, error)
         && get_numbers (r, n, "distinctL", &g->distinct_L, error)
         && get_numbers (r, n, "distinctDiam", &g->distinct_diam, error);
}

static gboolean
read_biophysics_spec (Reader *r, xmlNodePtr n, NrtBiophysicsSpec *b, GError **error)
{
  b->has_Ra = xmlHasProp (n, (const xmlChar *) "Ra") != NULL;
  b->has_cm = xmlHasProp (n, (const xmlChar *) "cm") != NULL;
  if (!get_number (r, n, "Ra", FALSE, &b->Ra, error)
      || !get_number (r, n, "cm", FALSE, &b->cm, error))
    return FALSE;
  for (xmlNodePtr m = nrt_nml_first_child (n, NULL); m; m = nrt_nml_next (m, NULL))
    {
      g_autofree char *name = nrt_nml_get (m, "name");
      int mech = name ? nrt_mechanism_lookup (name) : -1;
      if (is_neurite (m, "insertedChannel"))
        {
          /* A ChannelBuilder channel by name (read before the specs); the model checks that
           * it exists when the specs are set. */
          double gmax = 0.0, e = 0.0;
          if (name == NULL)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, m,
                                 "<neurite:insertedChannel> lacks a name");
              return FALSE;
            }
          if (!get_number (r, m, "gmax", TRUE, &gmax, error)
              || !get_number (r, m, "e", FALSE, &e, error))
            return FALSE;
          if (nrt_biophysics_spec_find_channel (b, name) != NULL)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, m,
                                 "channel “%s” is listed twice", name);
              return FALSE;
            }
          nrt_biophysics_spec_set_channel (b, name, gmax, e);
          continue;
        }
      if (mech < 0)
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, m, "unknown mechanism “%s”",
                             name ? name : "");
          return FALSE;
        }
      const NrtMechanismInfo *info = nrt_mechanism_info (mech);
      b->mech[mech].inserted = TRUE;
      for (guint p = 0; p < info->n_params; p++)
        if (!get_number (r, m, info->params[p].name, FALSE, &b->mech[mech].p[p], error))
          return FALSE;
    }
  return TRUE;
}

/* The CellBuilder's specs and the GUI's layout, last: applying the specs must reproduce the
 * values already read, which the writer guarantees for its own files. */
static gboolean
read_cell_builder (Reader *r, GError **error)
{
  for (xmlNodePtr n = r->ann ? nrt_nml_first_child (r->ann, NULL) : NULL; n; n = nrt_nml_next (n, NULL))
    {
      GError *e = NULL;
      if (is_neurite (n, "views"))
        {
          g_autofree char *text = (char *) xmlNodeGetContent (n);
          nrt_model_set_view_state (r->model, text);
          continue;
        }
      if (!is_neurite (n, "cellBuilder"))
        continue;
      g_autofree char *cls = nrt_nml_get (n, "className");
      g_autofree char *out = nrt_nml_get (n, "outputSection");
      double out_x = 1.0, threshold = 10.0;
      if (cls && !model_ok (r, nrt_model_set_class_name (r->model, cls, &e), e, n, error))
        return FALSE;
      if (!get_number (r, n, "outputX", FALSE, &out_x, error)
          || !get_number (r, n, "threshold", FALSE, &threshold, error)
          || !model_ok (r, nrt_model_set_cell_output (r->model, out, out_x, threshold, &e), e, n,
                        error))
        return FALSE;
      g_autoptr (GPtrArray) geo = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_geometry_spec_free);
      g_autoptr (GPtrArray) bio = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_biophysics_spec_free);
      for (xmlNodePtr c = nrt_nml_first_child (n, NULL); c; c = nrt_nml_next (c, NULL))
        {
          g_autofree char *target = nrt_nml_get (c, "target");
          if (target == NULL)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, r->set, c, "<%s> lacks a target",
                                 c->name);
              return FALSE;
            }
          if (is_neurite (c, "geometrySpec"))
            {
              NrtGeometrySpec *g = nrt_geometry_spec_new (target);
              g_ptr_array_add (geo, g);
              if (!read_geometry_spec (r, c, g, error))
                return FALSE;
            }
          else if (is_neurite (c, "biophysicsSpec"))
            {
              NrtBiophysicsSpec *b = nrt_biophysics_spec_new (target);
              g_ptr_array_add (bio, b);
              if (!read_biophysics_spec (r, c, b, error))
                return FALSE;
            }
        }
      if (!model_ok (r, nrt_model_set_geometry_specs (r->model, (NrtGeometrySpec **) geo->pdata,
                                                      geo->len, &e), e, n, error)
          || !model_ok (r, nrt_model_set_biophysics_specs (r->model,
                                                           (NrtBiophysicsSpec **) bio->pdata,
                                                           bio->len, &e), e, n, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_nseg (Reader *r, GError **error)
{
  for (guint i = 0; i < r->secs->len; i++)
    {
      RSec *s = r->secs->pdata[i];
      GError *e = NULL;
      NrtNsegStrategy strat = NRT_NSEG_FIXED;
      double value = s->nseg, dl = 0.1, dx = 50;
      xmlNodePtr at = s->ann ? s->ann : s->node;

      if (s->ann)
        {
          g_autofree char *st = nrt_nml_get (s->ann, "nsegStrategy");
          if (!get_number (r, s->ann, "dLambda", FALSE, &dl, error)
              || !get_number (r, s->ann, "dX", FALSE, &dx, error))
            return FALSE;
          /* Store both values: set the other strategy first, then the real one. */
          if (!model_ok (r, nrt_model_set_nseg_strategy (r->model, s->name, NRT_NSEG_D_X, dx, &e), e, at, error)
              || !model_ok (r, nrt_model_set_nseg_strategy (r->model, s->name, NRT_NSEG_D_LAMBDA, dl, &e), e, at, error))
            return FALSE;
          if (g_strcmp0 (st, "d_lambda") == 0)
            strat = NRT_NSEG_D_LAMBDA, value = dl;
          else if (g_strcmp0 (st, "d_X") == 0)
            strat = NRT_NSEG_D_X, value = dx;
        }
      if (!model_ok (r, nrt_model_set_nseg_strategy (r->model, s->name, strat, value, &e), e, at, error))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
nrt_nml_read_channels (NrtNmlDocSet *set, GError **error)
{
  Reader r = { 0 };
  GPtrArray *result = NULL;
  xmlNodePtr root;

  r.set = set;
  r.top = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r.model = nrt_model_new ();
  index_top (&r);
  root = main_root (&r);
  /* A channel file's exact definitions sit in the document's own annotation. */
  for (xmlNodePtr a = nrt_nml_first_child (nrt_nml_first_child (root, "annotation"), NULL); a;
       a = nrt_nml_next (a, NULL))
    if (is_neurite (a, "model"))
      r.ann = a;
  if (read_channel_types (&r, error))
    {
      gboolean ok = TRUE;
      for (xmlNodePtr n = nrt_nml_first_child (root, NULL); ok && n; n = nrt_nml_next (n, NULL))
        {
          g_autofree char *id = nrt_nml_get (n, "id");
          int index;
          if ((nrt_nml_is (n, "ionChannel") || nrt_nml_is (n, "ionChannelHH")
               || nrt_nml_is (n, "ionChannelKS"))
              && id != NULL && nrt_model_find_channel (r.model, id) < 0)
            ok = import_channel (&r, n, &index, error);
        }
      if (ok)
        {
          const NrtModelData *d = nrt_model_get_data (r.model);
          result = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_channel_free);
          for (guint c = 0; c < d->channels->len; c++)
            g_ptr_array_add (result, nrt_channel_copy (d->channels->pdata[c]));
        }
    }
  g_object_unref (r.model);
  g_hash_table_unref (r.top);
  return result;
}

/* TRUE when name is the ComponentType of an expression rate of some library channel (named
 * neurite_<channel>_… by the writer, which writes it again from the expression).  LEMS types
 * read from other files stay among the foreign elements, as when first read. */
static gboolean
rate_uses_type (const NrtRate *rate, const char *chan, const char *name)
{
  for (int i = 0; i < 2; i++)
    {
      const NrtRateFunc *f = rate[i].func;
      if (f == NULL)
        continue;
      if (rate[i].form == NRT_RATE_EXPRESSION)
        {
          g_autofree char *prefix = g_strdup_printf ("neurite_%s_", chan);
          if (g_str_has_prefix (name, prefix))
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
expression_type_in_library (NrtModel *model, const char *name)
{
  const NrtModelData *d = nrt_model_get_data (model);

  for (guint c = 0; c < d->channels->len; c++)
    {
      const NrtChannel *ch = d->channels->pdata[c];
      for (guint g = 0; g < ch->gates->len; g++)
        if (rate_uses_type (((const NrtGate *) ch->gates->pdata[g])->rate, ch->name, name))
          return TRUE;
      for (guint k = 0; k < ch->schemes->len; k++)
        {
          const NrtKsScheme *ks = ch->schemes->pdata[k];
          for (guint t = 0; t < ks->transitions->len; t++)
            if (rate_uses_type (g_array_index (ks->transitions, NrtKsTransition, t).rate,
                                ch->name, name))
              return TRUE;
        }
    }
  return FALSE;
}

NrtModel *
nrt_nml_build_model (NrtNmlDocSet *set, GError **error)
{
  Reader r = { 0 };
  g_autoptr (GPtrArray) foreign_net = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) foreign_top = g_ptr_array_new_with_free_func (g_free);
  NrtModel *result = NULL;
  GError *e = NULL;
  g_autofree char *cell_id = NULL;

  r.set = set;
  r.top = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r.consumed = g_hash_table_new (g_direct_hash, g_direct_equal);
  r.segs = g_hash_table_new (g_direct_hash, g_direct_equal);
  r.seg_list = g_ptr_array_new_with_free_func (g_free);
  r.secs = g_ptr_array_new_with_free_func ((GDestroyNotify) rsec_free);
  r.group_nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r.model = nrt_model_new ();
  /* One undo step for the whole read (the history is cleared at the end): no snapshot per
   * edit. */
  nrt_model_begin_group (r.model, "Read");

  index_top (&r);
  if (!find_cell (&r, error) || !read_segments (&r, error) || !build_sections (&r, error)
      || !apply_section_annotations (&r, error) || !read_channel_types (&r, error))
    goto out;
  r.hh_from_foreign = (r.ann == NULL);
  cell_id = nrt_nml_get (r.cell, "id");
  if (!model_ok (&r, nrt_model_set_name (r.model, cell_id, &e), e, r.cell, error))
    goto out;
  {
    xmlNodePtr notes = nrt_nml_first_child (r.cell, "notes");
    if (notes)
      {
        xmlChar *t = xmlNodeGetContent (notes);
        gboolean ok = nrt_model_set_notes (r.model, (const char *) t, &e);
        xmlFree (t);
        if (!model_ok (&r, ok, e, notes, error))
          goto out;
      }
  }
  if (!read_biophysics (&r, error) || !add_sections (&r, error) || !apply_biophysics (&r, error))
    goto out;
  if (r.hh_node == NULL)
    r.hh_from_foreign = FALSE;
  if (!read_network (&r, foreign_net, error) || !read_annotation_rest (&r, error))
    goto out;
  if (r.ann == NULL && !read_foreign_subsets (&r, error))
    goto out;
  if (!read_settings (&r, error) || !apply_nseg (&r, error) || !read_cell_builder (&r, error))
    goto out;

  if (!read_lems_graphs (&r, error))
    goto out;

  /* Keep the main file's unmodelled top-level elements verbatim: of a LEMS file, the file of
   * its network; of a Neurite folder (its cell file has the annotation), every file. */
  g_hash_table_add (r.consumed, r.cell);
  if (r.net)
    g_hash_table_add (r.consumed, r.net);
  for (guint fi = 0; fi < set->files->len; fi++)
    {
      NrtNmlFile *f = set->files->pdata[fi];
      xmlNodePtr froot = xmlDocGetRootElement (f->doc);
      gboolean own;
      if (f->is_lems)
        continue;
      if (r.ann != NULL)
        own = TRUE;
      else if (!((NrtNmlFile *) set->files->pdata[0])->is_lems)
        own = fi == 0;
      else
        own = f->doc == (r.net ? r.net->doc : r.cell->doc);
      if (!own)
        continue;
      for (xmlNodePtr n = nrt_nml_first_child (froot, NULL); n; n = nrt_nml_next (n, NULL))
        {
          g_autofree char *id = nrt_nml_get (n, "id");
          if (g_hash_table_contains (r.consumed, n) || nrt_nml_is (n, "include") || nrt_nml_is (n, "notes")
              || nrt_nml_is (n, "annotation") || nrt_nml_is (n, "property"))
            continue;
          if ((nrt_nml_is (n, "ionChannelHH") || nrt_nml_is (n, "ionChannel")
               || nrt_nml_is (n, "ionChannelKS"))
              && id && nrt_model_find_channel (r.model, id) >= 0)
            continue;  /* a ChannelBuilder channel (defined exactly in the annotation) */
          if (nrt_nml_is (n, "ionChannel") || nrt_nml_is (n, "ionChannelHH"))
            {
              ChanKind k;
              g_autoptr (GError) local = NULL;
              if (classify_channel (&r, n, &k, &local))
                continue;  /* modelled as hh/pas */
            }
          if (r.ann && is_neurite_own_id (id))
            continue;
          if (r.ann && nrt_nml_is (n, "ComponentType"))
            {
              /* The writer's own types: stand-ins for Borg-Graham rates (exact in the
               * annotation) and the types of the library's expression rates, which the
               * writer writes again from the channels. */
              g_autofree char *ct = nrt_nml_get (n, "name");
              if (ct && ((g_str_has_prefix (ct, "neurite_")
                          && (g_str_has_suffix (ct, "_bg_inf") || g_str_has_suffix (ct, "_bg_tau")
                              || g_str_has_suffix (ct, "_table")))
                         || expression_type_in_library (r.model, ct)))
                continue;
            }
          g_ptr_array_add (foreign_top, nrt_nml_node_dump (n));
        }
    }
  for (guint i = 0; i < foreign_top->len; i++)
    nrt_model_add_foreign_xml (r.model, foreign_top->pdata[i]);
  for (guint i = 0; i < foreign_net->len; i++)
    nrt_model_add_foreign_xml (r.model, foreign_net->pdata[i]);
  nrt_model_end_group (r.model);
  nrt_model_clear_history (r.model);
  nrt_model_mark_saved (r.model);
  result = g_steal_pointer (&r.model);

out:
  g_clear_object (&r.model);
  g_hash_table_unref (r.top);
  g_hash_table_unref (r.consumed);
  g_hash_table_unref (r.segs);
  g_ptr_array_unref (r.seg_list);
  g_ptr_array_unref (r.secs);
  g_hash_table_unref (r.group_nodes);
  return result;
}

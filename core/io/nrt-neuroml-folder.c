/* nrt-neuroml-folder.c: the NeuroML folder export.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The single-file document of nrt_neuroml_write_string() is the one definition of what Neurite
 * writes; the folder is that document split by element kind, so both forms read back as the
 * same model.  Each file keeps the document's schema order, and includes come first.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include "nrt-neuroml-folder.h"
#include "nrt-neuroml-private.h"
#include "nrt-lems.h"

typedef struct {
  char    *file;      /* base name */
  char    *root_id;
  GString *includes;
  GString *body;
} OutFile;

static OutFile *
out_file_new (const char *file, const char *root_id)
{
  OutFile *f = g_new0 (OutFile, 1);
  f->file = g_strdup (file);
  f->root_id = g_strdup (root_id);
  f->includes = g_string_new (NULL);
  f->body = g_string_new (NULL);
  return f;
}

static void
out_file_free (OutFile *f)
{
  g_free (f->file);
  g_free (f->root_id);
  g_string_free (f->includes, TRUE);
  g_string_free (f->body, TRUE);
  g_free (f);
}

static void
add_include (OutFile *f, const char *file)
{
  g_autofree char *e = g_markup_escape_text (file, -1);
  g_string_append_printf (f->includes, "  <include href=\"%s\"/>\n", e);
}

static void
add_node (OutFile *f, xmlNodePtr n)
{
  xmlBufferPtr buf = xmlBufferCreate ();
  xmlNodeDump (buf, n->doc, n, 1, 0);
  g_string_append_printf (f->body, "  %s\n", (const char *) xmlBufferContent (buf));
  xmlBufferFree (buf);
}

static char *
out_file_text (OutFile *f)
{
  g_autofree char *id = g_markup_escape_text (f->root_id, -1);
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<neuroml xmlns=\"" NRT_NML_NS "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xsi:schemaLocation=\"" NRT_NML_NS " https://raw.github.com/NeuroML/NeuroML2/development/Schemas/NeuroML2/NeuroML_v2.3.1.xsd\" "
    "id=\"%s\">\n  <notes>Written by Neurite.</notes>\n%s%s</neuroml>\n",
    id, f->includes->str, f->body->str);
}

static gboolean
is_channel (xmlNodePtr n)
{
  return nrt_nml_is (n, "ionChannel") || nrt_nml_is (n, "ionChannelHH")
         || nrt_nml_is (n, "ionChannelKS") || nrt_nml_is (n, "ionChannelVShift");
}

static gboolean
is_cell_part (xmlNodePtr n)
{
  return nrt_nml_is (n, "cell") || nrt_nml_is (n, "decayingPoolConcentrationModel")
         || nrt_nml_is (n, "fixedFactorConcentrationModel") || nrt_nml_is (n, "morphology")
         || nrt_nml_is (n, "biophysicalProperties") || nrt_nml_is (n, "intracellularProperties")
         || nrt_nml_is (n, "extracellularProperties");
}

static gboolean
safe_stem (const char *name)
{
  if (name == NULL || *name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (*p == '/' || *p == '\\' || (guchar) *p < 0x20)
      return FALSE;
  return TRUE;
}

/* ---------------------------------------------------------------- recorded voltages */

typedef struct {
  double x, y, z;
} P3;

typedef struct {
  P3       prox, dist;
  gboolean has_prox;
  int      parent;
} Seg;

/* The LEMS path of the segment at section(x) ("POP[0]" or "POP/0/CELL/SEG"), or NULL when the
 * section is unknown; *group is the section's segment group. */
static char *
location (xmlNodePtr cell, GHashTable *groups_by_section, GHashTable *segs, const char *pop,
          gboolean pop_list, const char *cell_id, const char *section, double x,
          const char **group)
{
  const char *gid = g_hash_table_lookup (groups_by_section, section);
  xmlNodePtr morph = nrt_nml_first_child (cell, "morphology");
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) len = g_array_new (FALSE, FALSE, sizeof (double));
  double total = 0, acc = 0;
  int chosen = -1;

  if (gid == NULL)
    gid = section;
  for (xmlNodePtr g = nrt_nml_first_child (morph, "segmentGroup"); g; g = nrt_nml_next (g, "segmentGroup"))
    {
      g_autofree char *id = nrt_nml_get (g, "id");
      if (g_strcmp0 (id, gid) != 0)
        continue;
      for (xmlNodePtr m = nrt_nml_first_child (g, "member"); m; m = nrt_nml_next (m, "member"))
        {
          g_autofree char *sid = nrt_nml_get (m, "segment");
          int s = atoi (sid);
          Seg *sg = g_hash_table_lookup (segs, GINT_TO_POINTER (s));
          double l = 0;
          if (sg)
            {
              P3 a = sg->prox;
              if (!sg->has_prox)
                {
                  Seg *pa = g_hash_table_lookup (segs, GINT_TO_POINTER (sg->parent));
                  a = pa ? pa->dist : sg->dist;
                }
              l = sqrt ((sg->dist.x - a.x) * (sg->dist.x - a.x) + (sg->dist.y - a.y) * (sg->dist.y - a.y)
                        + (sg->dist.z - a.z) * (sg->dist.z - a.z));
            }
          g_array_append_val (ids, s);
          g_array_append_val (len, l);
          total += l;
        }
    }
  if (ids->len == 0)
    return NULL;
  *group = gid;
  for (guint k = 0; k < ids->len && chosen < 0; k++)
    {
      acc += g_array_index (len, double, k);
      if (acc >= x * total || k + 1 == ids->len)
        chosen = g_array_index (ids, int, k);
    }
  if (chosen == 0 && !pop_list)
    return g_strdup_printf ("%s[0]", pop);
  return g_strdup_printf ("%s/0/%s/%d", pop, cell_id, chosen);
}

/* The path below a cell of gate state var ("m_hh", or STATE_CHANNEL of a ChannelBuilder
 * channel whose state is a gate) in the section of segment group `group`:
 * "BIO/membraneProperties/DENSITY/CHANNEL/GATE/q"; NULL when NeuroML has no such path. */
static char *
state_path (xmlNodePtr root, xmlNodePtr cell, const char *group, const char *var)
{
  xmlNodePtr bio = nrt_nml_first_child (cell, "biophysicalProperties");
  xmlNodePtr mp = bio ? nrt_nml_first_child (bio, "membraneProperties") : NULL;
  g_autofree char *bio_id = bio ? nrt_nml_get (bio, "id") : NULL;
  g_autofree char *chan = NULL;
  g_autofree char *gate = NULL;
  xmlNodePtr ch = NULL;

  if (strcmp (var, "m_hh") == 0 || strcmp (var, "h_hh") == 0)
    chan = g_strdup ("hh_na"), gate = g_strndup (var, 1);
  else if (strcmp (var, "n_hh") == 0)
    chan = g_strdup ("hh_k"), gate = g_strdup ("n");
  for (const char *u = strchr (var, '_'); chan == NULL && u; u = strchr (u + 1, '_'))
    for (xmlNodePtr c = nrt_nml_first_child (root, NULL); c; c = nrt_nml_next (c, NULL))
      {
        g_autofree char *id = nrt_nml_get (c, "id");
        if (g_strcmp0 (id, u + 1) == 0)
          {
            chan = g_strdup (u + 1);
            gate = g_strndup (var, u - var);
            break;
          }
      }
  if (chan == NULL)
    return NULL;
  for (xmlNodePtr c = nrt_nml_first_child (root, NULL); c && !ch; c = nrt_nml_next (c, NULL))
    {
      g_autofree char *id = nrt_nml_get (c, "id");
      if (g_strcmp0 (id, chan) == 0)
        ch = c;
    }
  if (ch == NULL)
    return NULL;
  {
    gboolean is_gate = FALSE;
    for (xmlNodePtr g = nrt_nml_first_child (ch, NULL); g && !is_gate; g = nrt_nml_next (g, NULL))
      {
        g_autofree char *id = nrt_nml_get (g, "id");
        is_gate = g_str_has_prefix ((const char *) g->name, "gate") && g_strcmp0 (id, gate) == 0;
      }
    if (!is_gate)
      return NULL;
  }
  for (xmlNodePtr d = nrt_nml_first_child (mp, NULL); d; d = nrt_nml_next (d, NULL))
    {
      g_autofree char *ic = nrt_nml_get (d, "ionChannel");
      g_autofree char *sg = nrt_nml_get (d, "segmentGroup");
      g_autofree char *id = nrt_nml_get (d, "id");
      if (g_strcmp0 (ic, chan) == 0 && (sg == NULL || strcmp (sg, "all") == 0 || g_strcmp0 (sg, group) == 0))
        return g_strdup_printf ("%s/membraneProperties/%s/%s/%s/q", bio_id, id, chan, gate);
    }
  return NULL;
}

static void
read_point (xmlNodePtr n, P3 *p)
{
  g_autofree char *x = nrt_nml_get (n, "x");
  g_autofree char *y = nrt_nml_get (n, "y");
  g_autofree char *z = nrt_nml_get (n, "z");
  p->x = x ? g_ascii_strtod (x, NULL) : 0;
  p->y = y ? g_ascii_strtod (y, NULL) : 0;
  p->z = z ? g_ascii_strtod (z, NULL) : 0;
}

static GPtrArray *
lems_displays (NrtModel *model, xmlNodePtr root, xmlNodePtr cell, xmlNodePtr net)
{
  const NrtModelData *d = nrt_model_get_data (model);
  g_autoptr (GPtrArray) graphs = nrt_lems_graphs_from_view_state (d->view_state);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_lems_graph_free);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) segs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autofree char *cell_id = nrt_nml_get (cell, "id");
  g_autofree char *pop = NULL;
  gboolean pop_list = FALSE;
  xmlNodePtr ann = nrt_nml_first_child (cell, "annotation");
  xmlNodePtr morph = nrt_nml_first_child (cell, "morphology");

  for (xmlNodePtr p = nrt_nml_first_child (net, "population"); p && !pop; p = nrt_nml_next (p, "population"))
    {
      g_autofree char *comp = nrt_nml_get (p, "component");
      g_autofree char *type = nrt_nml_get (p, "type");
      if (g_strcmp0 (comp, cell_id) == 0)
        {
          pop = nrt_nml_get (p, "id");
          pop_list = g_strcmp0 (type, "populationList") == 0;
        }
    }
  if (pop == NULL)
    return out;
  /* section name -> group id, from the annotation (the group may be a sanitised name) */
  for (xmlNodePtr m = ann ? ann->children : NULL; m; m = m->next)
    for (xmlNodePtr s = nrt_nml_first_child (m, "section"); s; s = nrt_nml_next (s, "section"))
      {
        char *name = nrt_nml_get (s, "name");
        char *group = nrt_nml_get (s, "group");
        if (name && group)
          g_hash_table_insert (groups, name, group);
        else
          g_free (name), g_free (group);
      }
  for (xmlNodePtr s = nrt_nml_first_child (morph, "segment"); s; s = nrt_nml_next (s, "segment"))
    {
      g_autofree char *id = nrt_nml_get (s, "id");
      xmlNodePtr par = nrt_nml_first_child (s, "parent");
      xmlNodePtr prox = nrt_nml_first_child (s, "proximal");
      xmlNodePtr dist = nrt_nml_first_child (s, "distal");
      Seg *sg = g_new0 (Seg, 1);
      g_autofree char *pid = par ? nrt_nml_get (par, "segment") : NULL;
      sg->parent = pid ? atoi (pid) : -1;
      sg->has_prox = prox != NULL;
      if (prox)
        read_point (prox, &sg->prox);
      if (dist)
        read_point (dist, &sg->dist);
      g_hash_table_insert (segs, GINT_TO_POINTER (atoi (id)), sg);
    }

  for (guint i = 0; i < graphs->len; i++)
    {
      NrtLemsGraph *g = graphs->pdata[i];
      /* a graph's voltages and gate states go to two Displays (their units differ) */
      NrtLemsGraph *o = nrt_lems_graph_new ("Membrane potential", 0);
      NrtLemsGraph *st = nrt_lems_graph_new ("Gate states", 2);
      o->has_view = g->has_view && g->kind == 0;
      st->has_view = g->has_view && g->kind == 2;
      o->x0 = st->x0 = g->x0, o->x1 = st->x1 = g->x1;
      o->y0 = st->y0 = g->y0, o->y1 = st->y1 = g->y1;
      for (guint k = 0; k < g->exprs->len; k++)
        {
          g_autofree char *sec = NULL;
          g_autofree char *var = NULL;
          g_autofree char *loc = NULL;
          g_autofree char *tail = NULL;
          const char *group = NULL;
          double x;
          if (!nrt_lems_split_expr (g->exprs->pdata[k], &sec, &x, &var))
            continue;
          loc = location (cell, groups, segs, pop, pop_list, cell_id, sec, x, &group);
          if (loc == NULL)
            continue;
          if (strcmp (var, "v") == 0)
            g_ptr_array_add (o->exprs, g_strdup_printf ("%s/v", loc));
          else if ((tail = state_path (root, cell, group, var)) != NULL)
            g_ptr_array_add (st->exprs, g_strdup_printf ("%s/%s", loc, tail));
        }
      if (o->exprs->len > 0)
        g_ptr_array_add (out, o);
      else
        nrt_lems_graph_free (o);
      if (st->exprs->len > 0)
        g_ptr_array_add (out, st);
      else
        nrt_lems_graph_free (st);
    }
  if (out->len == 0)
    {
      /* NEURON's Voltage graph: v(0.5) of the root section */
      NrtLemsGraph *o = nrt_lems_graph_new ("Membrane potential", 0);
      for (guint i = 0; i < d->sections->len; i++)
        {
          const NrtSection *s = d->sections->pdata[i];
          g_autofree char *loc = NULL;
          const char *group = NULL;
          if (s->parent >= 0)
            continue;
          loc = location (cell, groups, segs, pop, pop_list, cell_id, s->name, 0.5, &group);
          if (loc)
            g_ptr_array_add (o->exprs, g_strdup_printf ("%s/v", loc));
          break;
        }
      g_ptr_array_add (out, o);
    }
  return out;
}

/* ---------------------------------------------------------------- the folder */

char *
nrt_neuroml_folder_lems_path (const char *dir, const char *name)
{
  g_autofree char *base = g_strdup_printf ("LEMS_%s.xml", name);
  return g_build_filename (dir, base, NULL);
}

static gboolean
write_text (const char *dir, const char *file, const char *text, GError **error)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr (GError) e = NULL;
  if (!g_file_set_contents (path, text, -1, &e))
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE, "%s: %s", path, e->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_neuroml_write_folder (NrtModel *model, const char *dir, const char *name, GError **error)
{
  const NrtModelData *data;
  g_autofree char *text = NULL;
  g_autofree char *cell_file = NULL;
  g_autofree char *net_file = NULL;
  g_autofree char *lems_file = NULL;
  g_autofree char *net_id = NULL;
  g_autofree char *cell_id = NULL;
  g_autofree char *sim_id = NULL;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) out_file_free);
  g_autoptr (GPtrArray) channels = g_ptr_array_new ();  /* OutFile*, with their dumps */
  g_autoptr (GPtrArray) channel_xml = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) includes = g_ptr_array_new ();
  g_autoptr (GPtrArray) displays = NULL;
  OutFile *cell_out, *net_out;
  xmlDocPtr doc;
  xmlNodePtr root, cell = NULL, net = NULL;
  gboolean ok = FALSE;
  NrtLemsSpec spec = { 0 };

  g_return_val_if_fail (NRT_IS_MODEL (model), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  data = nrt_model_get_data (model);
  if (name == NULL)
    name = data->name;
  if (!safe_stem (name))
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE,
                   "\"%s\" cannot name files (empty, or contains a slash)", name ? name : "");
      return FALSE;
    }
  text = nrt_neuroml_write_string (model, error);
  if (text == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE, "%s: cannot create the folder: %s",
                   dir, g_strerror (errno));
      return FALSE;
    }
  doc = xmlReadMemory (text, strlen (text), "model.nml", NULL, XML_PARSE_NONET);
  g_assert (doc != NULL);  /* the writer's own output */
  root = xmlDocGetRootElement (doc);
  cell = nrt_nml_first_child (root, "cell");
  net = nrt_nml_first_child (root, "network");
  g_assert (cell != NULL && net != NULL);
  cell_id = nrt_nml_get (cell, "id");
  net_id = nrt_nml_get (net, "id");

  cell_file = g_strdup_printf ("%s.cell.nml", name);
  net_file = g_strdup_printf ("%s.net.nml", name);
  lems_file = g_strdup_printf ("LEMS_%s.xml", name);
  cell_out = out_file_new (cell_file, cell_id);
  net_out = out_file_new (net_file, net_id);
  g_ptr_array_add (files, cell_out);
  g_ptr_array_add (files, net_out);
  add_include (net_out, cell_file);

  for (xmlNodePtr n = nrt_nml_first_child (root, NULL); n; n = nrt_nml_next (n, NULL))
    {
      if (nrt_nml_is (n, "notes") || nrt_nml_is (n, "include"))
        continue;
      if (is_channel (n))
        {
          g_autofree char *id = nrt_nml_get (n, "id");
          g_autofree char *file = g_strdup_printf ("%s.channel.nml", id);
          OutFile *f = out_file_new (file, id);
          add_node (f, n);
          g_ptr_array_add (files, f);
          g_ptr_array_add (channels, f);
          g_ptr_array_add (channel_xml, nrt_nml_node_dump (n));
          add_include (cell_out, file);
        }
      else if (nrt_nml_is (n, "ComponentType"))
        {
          /* with the first channel that uses it (type="NAME"), so that file stands alone */
          g_autofree char *tname = nrt_nml_get (n, "name");
          g_autofree char *use = g_strdup_printf ("type=\"%s\"", tname ? tname : "");
          OutFile *home = cell_out;
          for (guint i = 0; i < channels->len; i++)
            if (strstr (channel_xml->pdata[i], use))
              {
                home = channels->pdata[i];
                break;
              }
          add_node (home, n);
        }
      else if (is_cell_part (n))
        add_node (cell_out, n);
      else
        add_node (net_out, n);
    }

  /* LEMS */
  displays = lems_displays (model, root, cell, net);
  sim_id = g_strdup_printf ("sim_%s", cell_id);
  g_ptr_array_add (includes, net_file);
  g_ptr_array_add (includes, cell_file);
  for (guint i = 0; i < channels->len; i++)
    g_ptr_array_add (includes, ((OutFile *) channels->pdata[i])->file);
  g_ptr_array_add (includes, NULL);
  spec.sim_id = sim_id;
  spec.network_id = net_id;
  spec.includes = (const char *const *) includes->pdata;
  spec.output_stem = name;
  spec.tstop = data->settings.tstop;
  spec.dt = data->settings.dt;
  spec.seed = data->settings.seed;
  spec.displays = displays;

  for (guint i = 0; i < files->len; i++)
    {
      OutFile *f = files->pdata[i];
      g_autofree char *t = out_file_text (f);
      if (!write_text (dir, f->file, t, error))
        goto out;
    }
  {
    g_autofree char *t = nrt_lems_write_string (&spec);
    if (!write_text (dir, lems_file, t, error))
      goto out;
  }
  ok = TRUE;
out:
  xmlFreeDoc (doc);
  return ok;
}

/* nrt-lems.c: LEMS simulation files and the graphs of view_state.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include "nrt-lems.h"
#include "nrt-neuroml-private.h"

NrtLemsGraph *
nrt_lems_graph_new (const char *title, int kind)
{
  NrtLemsGraph *g = g_new0 (NrtLemsGraph, 1);
  g->title = g_strdup (title);
  g->kind = kind;
  g->exprs = g_ptr_array_new_with_free_func (g_free);
  return g;
}

void
nrt_lems_graph_free (NrtLemsGraph *g)
{
  if (g == NULL)
    return;
  g_free (g->title);
  g_ptr_array_unref (g->exprs);
  g_free (g);
}

/* ---------------------------------------------------------------- view_state */

static const char *const view_keys[] = { "x0", "x1", "y0", "y1" };

GPtrArray *
nrt_lems_graphs_from_view_state (const char *view_state)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_lems_graph_free);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_auto (GStrv) groups = NULL;

  if (view_state == NULL || !g_key_file_load_from_data (kf, view_state, -1, G_KEY_FILE_NONE, NULL))
    return out;
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      g_autofree char *type = g_key_file_get_string (kf, groups[i], "type", NULL);
      g_auto (GStrv) plot = NULL;
      NrtLemsGraph *g;
      double v[4];
      gboolean ok = TRUE;

      if (!g_str_has_prefix (groups[i], "tool") || g_strcmp0 (type, "graph") != 0)
        continue;
      g = nrt_lems_graph_new (NULL, g_key_file_get_integer (kf, groups[i], "kind", NULL));
      plot = g_key_file_get_string_list (kf, groups[i], "plot", NULL, NULL);
      for (guint k = 0; plot && plot[k]; k++)
        g_ptr_array_add (g->exprs, g_strdup (plot[k]));
      for (guint k = 0; k < 4 && ok; k++)
        {
          g_autoptr (GError) e = NULL;
          v[k] = g_key_file_get_double (kf, groups[i], view_keys[k], &e);
          ok = e == NULL;
        }
      if (ok)
        {
          g->has_view = TRUE;
          g->x0 = v[0], g->x1 = v[1], g->y0 = v[2], g->y1 = v[3];
        }
      g_ptr_array_add (out, g);
    }
  return out;
}

char *
nrt_lems_graphs_to_view_state (GPtrArray *graphs)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();

  if (graphs == NULL || graphs->len == 0)
    return NULL;
  for (guint i = 0; i < graphs->len; i++)
    {
      NrtLemsGraph *g = graphs->pdata[i];
      g_autofree char *group = g_strdup_printf ("tool%u", i);
      g_key_file_set_string (kf, group, "type", "graph");
      g_key_file_set_integer (kf, group, "kind", g->kind);
      g_key_file_set_string_list (kf, group, "plot", (const char *const *) g->exprs->pdata,
                                  g->exprs->len);
      if (g->has_view)
        {
          double v[4] = { g->x0, g->x1, g->y0, g->y1 };
          for (guint k = 0; k < 4; k++)
            g_key_file_set_double (kf, group, view_keys[k], v[k]);
        }
      g_key_file_set_boolean (kf, group, "keep-lines", FALSE);
      /* the Graph window's default size (resources/ui/nrt-graph-window.ui) */
      g_key_file_set_integer (kf, group, "width", 720);
      g_key_file_set_integer (kf, group, "height", 460);
    }
  return g_key_file_to_data (kf, NULL, NULL);
}

gboolean
nrt_lems_split_expr (const char *expr, char **section, double *x, char **var)
{
  const char *open, *close;
  g_autofree char *num = NULL;
  char *end;

  if (expr == NULL)
    return FALSE;
  /* the section name may hold brackets, "dend[3]": the location is the last "(" */
  open = strrchr (expr, '(');
  close = open ? strchr (open, ')') : NULL;
  if (open == NULL || close == NULL || open == expr || close[1] != '.' || close[2] == '\0')
    return FALSE;
  num = g_strndup (open + 1, close - open - 1);
  *x = g_ascii_strtod (num, &end);
  if (end == num || *end != '\0' || !(*x >= 0 && *x <= 1))
    return FALSE;
  *section = g_strndup (expr, open - expr);
  *var = g_strdup (close + 2);
  return TRUE;
}

/* ---------------------------------------------------------------- writing */

static const char *const palette[] = {
  "#000000", "#ff0000", "#0000ff", "#009900", "#ff9900", "#9900cc", "#00cccc", "#996633",
};

static void
append_attr (GString *s, const char *name, const char *value)
{
  g_autofree char *e = g_markup_escape_text (value, -1);
  g_string_append_printf (s, " %s=\"%s\"", name, e);
}

static void
append_number (GString *s, const char *name, double v, const char *unit)
{
  g_autofree char *t = nrt_nml_format_number (v);
  g_string_append_printf (s, " %s=\"%s%s\"", name, t, unit);
}

char *
nrt_lems_write_string (const NrtLemsSpec *spec)
{
  GString *s = g_string_new (NULL);
  g_autofree char *sim_id = g_markup_escape_text (spec->sim_id, -1);
  guint n_lines = 0;

  g_string_append (s, "<Lems>\n\n");
  g_string_append (s, "    <!-- Written by Neurite. Run with: jnml LEMS_FILE.xml -neuron -->\n\n");
  g_string_append_printf (s, "    <!-- Specify which component to run -->\n"
                             "    <Target component=\"%s\"/>\n\n", sim_id);
  g_string_append (s, "    <!-- Include core NeuroML2 ComponentType definitions -->\n"
                      "    <Include file=\"Cells.xml\"/>\n"
                      "    <Include file=\"Networks.xml\"/>\n"
                      "    <Include file=\"Simulation.xml\"/>\n\n");
  for (guint i = 0; spec->includes && spec->includes[i]; i++)
    {
      g_string_append (s, "    <Include");
      append_attr (s, "file", spec->includes[i]);
      g_string_append (s, "/>\n");
    }
  g_string_append (s, "\n    <Simulation");
  append_attr (s, "id", spec->sim_id);
  append_number (s, "length", spec->tstop, "ms");
  append_number (s, "step", spec->dt, "ms");
  append_attr (s, "target", spec->network_id);
  g_string_append_printf (s, " seed=\"%u\">\n", spec->seed);
  for (guint i = 0; spec->displays && i < spec->displays->len; i++)
    {
      NrtLemsGraph *g = spec->displays->pdata[i];
      g_autofree char *id = g_strdup_printf ("d%u", i + 1);
      double x0 = g->has_view ? g->x0 : 0, x1 = g->has_view ? g->x1 : spec->tstop;
      double y0 = g->has_view ? g->y0 : g->kind == 2 ? 0 : -80;
      double y1 = g->has_view ? g->y1 : g->kind == 2 ? 1 : 40;

      if (g->exprs->len == 0)
        continue;
      g_string_append (s, "        <Display");
      append_attr (s, "id", id);
      append_attr (s, "title", g->title ? g->title : "Membrane potential");
      g_string_append (s, " timeScale=\"1ms\"");
      append_number (s, "xmin", x0, "");
      append_number (s, "xmax", x1, "");
      append_number (s, "ymin", y0, "");
      append_number (s, "ymax", y1, "");
      g_string_append (s, ">\n");
      for (guint k = 0; k < g->exprs->len; k++)
        {
          g_autofree char *lid = g_strdup_printf ("%s_%u", id, k);
          g_string_append (s, "            <Line");
          append_attr (s, "id", lid);
          append_attr (s, "quantity", g->exprs->pdata[k]);
          /* voltages shown in mV, states as they are */
          g_string_append_printf (s, " scale=\"%s\" color=\"%s\" timeScale=\"1ms\"/>\n",
                                  g->kind == 2 ? "1" : "1mV", palette[k % G_N_ELEMENTS (palette)]);
          n_lines++;
        }
      g_string_append (s, "        </Display>\n");
    }
  if (n_lines > 0)
    {
      g_autofree char *file = g_strdup_printf ("%s.dat", spec->output_stem);
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      guint col = 0;
      g_string_append (s, "        <OutputFile id=\"of0\"");
      append_attr (s, "fileName", file);
      g_string_append (s, ">\n");
      for (guint i = 0; i < spec->displays->len; i++)
        {
          NrtLemsGraph *g = spec->displays->pdata[i];
          for (guint k = 0; k < g->exprs->len; k++)
            {
              g_autofree char *cid = NULL;
              if (!g_hash_table_add (seen, g->exprs->pdata[k]))
                continue;
              cid = g_strdup_printf ("c%u", col++);
              g_string_append (s, "            <OutputColumn");
              append_attr (s, "id", cid);
              append_attr (s, "quantity", g->exprs->pdata[k]);
              g_string_append (s, "/>\n");
            }
        }
      g_string_append (s, "        </OutputFile>\n");
    }
  g_string_append (s, "    </Simulation>\n\n</Lems>\n");
  return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------- checking */

typedef struct {
  const char *path;
  GError    **error;
} Check;

static gboolean
fail (Check *c, xmlNodePtr n, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (Check *c, xmlNodePtr n, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (c->error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID, "%s:%ld: %s", c->path,
               n ? xmlGetLineNo (n) : 1, msg);
  return FALSE;
}

static gboolean
need (Check *c, xmlNodePtr n, const char *attr, NrtDimension dim, gboolean number)
{
  g_autofree char *v = nrt_nml_get (n, attr);
  double d;
  g_autofree char *why = NULL;

  if (v == NULL || *v == '\0')
    return fail (c, n, "<%s> has no %s", n->name, attr);
  if (dim != NRT_DIM_NONE && !nrt_nml_parse_quantity (v, dim, &d, &why))
    return fail (c, n, "<%s> %s=\"%s\": %s", n->name, attr, v, why);
  if (number && !nrt_nml_parse_number (v, &d))
    return fail (c, n, "<%s> %s=\"%s\" is not a number", n->name, attr, v);
  return TRUE;
}

static gboolean
unique_id (Check *c, GHashTable *ids, xmlNodePtr n)
{
  g_autofree char *id = nrt_nml_get (n, "id");
  if (!need (c, n, "id", NRT_DIM_NONE, FALSE))
    return FALSE;
  if (!g_hash_table_add (ids, g_steal_pointer (&id)))
    return fail (c, n, "two <%s> elements have the same id", n->name);
  return TRUE;
}

gboolean
nrt_lems_check_file (const char *path, GError **error)
{
  Check c = { path, error };
  g_autoptr (GHashTable) top = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xmlDocPtr doc;
  xmlNodePtr root, target = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *want = NULL;
  gboolean ok = FALSE, found = FALSE;

  doc = xmlReadFile (path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_PARSE, "%s:1: not well-formed XML", path);
      return FALSE;
    }
  root = xmlDocGetRootElement (doc);
  if (root == NULL || !nrt_nml_is (root, "Lems"))
    {
      fail (&c, root, "root element is not <Lems>");
      goto out;
    }
  for (xmlNodePtr n = nrt_nml_first_child (root, NULL); n; n = nrt_nml_next (n, NULL))
    if (nrt_nml_is (n, "Target"))
      {
        if (target)
          {
            fail (&c, n, "a second <Target>");
            goto out;
          }
        target = n;
        if (!need (&c, n, "component", NRT_DIM_NONE, FALSE))
          goto out;
      }
    else if (nrt_nml_is (n, "Include"))
      {
        g_autofree char *file = nrt_nml_get (n, "file");
        g_autofree char *full = NULL;
        if (!need (&c, n, "file", NRT_DIM_NONE, FALSE))
          goto out;
        full = g_path_is_absolute (file) ? g_strdup (file) : g_build_filename (dir, file, NULL);
        if (!g_file_test (full, G_FILE_TEST_EXISTS)
            && !g_str_has_suffix (file, "Cells.xml") && !g_str_has_suffix (file, "Networks.xml")
            && !g_str_has_suffix (file, "Simulation.xml"))
          {
            fail (&c, n, "included file \"%s\" not found", file);
            goto out;
          }
      }
    else if (nrt_nml_is (n, "Simulation"))
      {
        g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
        if (!unique_id (&c, top, n)
            || !need (&c, n, "length", NRT_DIM_TIME, FALSE)
            || !need (&c, n, "step", NRT_DIM_TIME, FALSE)
            || !need (&c, n, "target", NRT_DIM_NONE, FALSE))
          goto out;
        for (xmlNodePtr d = nrt_nml_first_child (n, NULL); d; d = nrt_nml_next (d, NULL))
          {
            g_autoptr (GHashTable) cols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
            if (nrt_nml_is (d, "Display"))
              {
                static const char *const nums[] = { "xmin", "xmax", "ymin", "ymax" };
                if (!unique_id (&c, ids, d) || !need (&c, d, "title", NRT_DIM_NONE, FALSE)
                    || !need (&c, d, "timeScale", NRT_DIM_TIME, FALSE))
                  goto out;
                for (guint k = 0; k < G_N_ELEMENTS (nums); k++)
                  if (!need (&c, d, nums[k], NRT_DIM_NONE, TRUE))
                    goto out;
                for (xmlNodePtr l = nrt_nml_first_child (d, NULL); l; l = nrt_nml_next (l, NULL))
                  if (!nrt_nml_is (l, "Line"))
                    {
                      fail (&c, l, "<%s> inside <Display>", l->name);
                      goto out;
                    }
                  else if (!unique_id (&c, cols, l) || !need (&c, l, "quantity", NRT_DIM_NONE, FALSE)
                           || !need (&c, l, "scale", NRT_DIM_NONE, FALSE)
                           || !need (&c, l, "color", NRT_DIM_NONE, FALSE))
                    goto out;
              }
            else if (nrt_nml_is (d, "OutputFile"))
              {
                if (!unique_id (&c, ids, d) || !need (&c, d, "fileName", NRT_DIM_NONE, FALSE))
                  goto out;
                for (xmlNodePtr l = nrt_nml_first_child (d, NULL); l; l = nrt_nml_next (l, NULL))
                  if (!nrt_nml_is (l, "OutputColumn"))
                    {
                      fail (&c, l, "<%s> inside <OutputFile>", l->name);
                      goto out;
                    }
                  else if (!unique_id (&c, cols, l) || !need (&c, l, "quantity", NRT_DIM_NONE, FALSE))
                    goto out;
              }
          }
      }
  if (target == NULL)
    {
      fail (&c, root, "no <Target>");
      goto out;
    }
  want = nrt_nml_get (target, "component");
  for (xmlNodePtr n = nrt_nml_first_child (root, "Simulation"); n; n = nrt_nml_next (n, "Simulation"))
    {
      g_autofree char *id = nrt_nml_get (n, "id");
      found |= g_strcmp0 (id, want) == 0;
    }
  if (!found)
    {
      fail (&c, target, "Target component \"%s\" is not a Simulation of this file", want);
      goto out;
    }
  {
    /* every Simulation's target is a network of the included NeuroML files */
    g_autoptr (NrtNmlDocSet) set = nrt_nml_doc_set_load (path, error);
    if (set == NULL)
      goto out;
    for (xmlNodePtr n = nrt_nml_first_child (root, "Simulation"); n; n = nrt_nml_next (n, "Simulation"))
      {
        g_autofree char *net = nrt_nml_get (n, "target");
        gboolean have = FALSE;
        for (guint i = 0; i < set->files->len && !have; i++)
          {
            NrtNmlFile *f = set->files->pdata[i];
            if (f->is_lems)
              continue;
            for (xmlNodePtr t = nrt_nml_first_child (xmlDocGetRootElement (f->doc), "network");
                 t && !have; t = nrt_nml_next (t, "network"))
              {
                g_autofree char *id = nrt_nml_get (t, "id");
                have = g_strcmp0 (id, net) == 0;
              }
          }
        if (!have)
          {
            fail (&c, n, "Simulation target \"%s\" is not a network of the included files", net);
            goto out;
          }
      }
  }
  ok = TRUE;
out:
  xmlFreeDoc (doc);
  return ok;
}

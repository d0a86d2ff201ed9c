/* nrt-neuroml-loader.c: NeuroML documents with their includes, errors with line numbers, and
 * validation (the XSD plus the checks NeuroML's own validators make, neuroml.md §10).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include "nrt-neuroml-private.h"

G_DEFINE_QUARK (nrt-io-error-quark, nrt_io_error)

/* ---------------------------------------------------------------- helpers */

gboolean
nrt_nml_is (xmlNodePtr node, const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE
         && strcmp ((const char *) node->name, name) == 0;
}

char *
nrt_nml_node_dump (xmlNodePtr node)
{
  xmlBufferPtr buf = xmlBufferCreate ();
  char *s;

  xmlNodeDump (buf, node->doc, node, 0, 0);
  s = g_strdup ((const char *) xmlBufferContent (buf));
  xmlBufferFree (buf);
  return s;
}

static xmlNodePtr
next_element (xmlNodePtr node)
{
  for (; node != NULL; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      return node;
  return NULL;
}

xmlNodePtr
nrt_nml_next (xmlNodePtr node, const char *name)
{
  for (node = node ? node->next : NULL; node != NULL; node = node->next)
    if (node->type == XML_ELEMENT_NODE && (name == NULL || nrt_nml_is (node, name)))
      return node;
  return NULL;
}

xmlNodePtr
nrt_nml_first_child (xmlNodePtr node, const char *name)
{
  for (node = node ? node->children : NULL; node != NULL; node = node->next)
    if (node->type == XML_ELEMENT_NODE && (name == NULL || nrt_nml_is (node, name)))
      return node;
  return NULL;
}

char *
nrt_nml_get (xmlNodePtr node, const char *attr)
{
  xmlChar *v = xmlGetProp (node, (const xmlChar *) attr);
  char *r;

  if (v == NULL)
    return NULL;
  r = g_strdup ((const char *) v);
  xmlFree (v);
  return r;
}

const char *
nrt_nml_doc_set_path_of (NrtNmlDocSet *set, xmlNodePtr node)
{
  if (node != NULL && node->doc != NULL && node->doc->URL != NULL)
    return (const char *) node->doc->URL;
  if (set != NULL && set->files->len > 0)
    return ((NrtNmlFile *) set->files->pdata[0])->path;
  return "?";
}

static char *
one_line (const char *msg)
{
  char *s = g_strstrip (g_strdup (msg ? msg : "unknown error"));
  for (char *p = s; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  return s;
}

void
nrt_nml_set_error (GError **error, NrtIoError code, NrtNmlDocSet *set, xmlNodePtr node,
                   const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;
  g_autofree char *line = NULL;
  long lineno = node ? xmlGetLineNo (node) : 1;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  line = one_line (msg);
  g_set_error (error, NRT_IO_ERROR, code, "%s:%ld: %s", nrt_nml_doc_set_path_of (set, node),
               lineno > 0 ? lineno : 1, line);
}

/* ---------------------------------------------------------------- loading */

static void
nrt_nml_file_free (NrtNmlFile *f)
{
  g_free (f->path);
  if (f->doc)
    xmlFreeDoc (f->doc);
  g_free (f);
}

void
nrt_nml_doc_set_free (NrtNmlDocSet *set)
{
  if (set == NULL)
    return;
  g_ptr_array_unref (set->files);
  g_free (set);
}

static void
silent_structured_error (void *data, xmlErrorPtr err)
{
}

static xmlDocPtr
parse_file (const char *path, GError **error)
{
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt ();
  xmlDocPtr doc;

  doc = xmlCtxtReadFile (ctxt, path, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL || !ctxt->wellFormed)
    {
      xmlErrorPtr err = xmlCtxtGetLastError (ctxt);
      g_autofree char *msg = one_line (err ? err->message : "not well-formed XML");
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_PARSE, "%s:%d: not well-formed XML: %s",
                   path, err && err->line > 0 ? err->line : 1, msg);
      if (doc)
        xmlFreeDoc (doc);
      doc = NULL;
    }
  xmlFreeParserCtxt (ctxt);
  return doc;
}

static const char *const lems_core_files[] = {
  "Cells.xml", "Networks.xml", "Simulation.xml", "NeuroMLCoreDimensions.xml",
  "NeuroMLCoreCompTypes.xml", "Channels.xml", "Synapses.xml", "Inputs.xml", "PyNN.xml",
};

/* The include chain as "a.nml -> b.nml -> a.nml" (base names). */
static char *
chain_text (GPtrArray *stack, const char *again)
{
  GString *s = g_string_new (NULL);
  gboolean on = FALSE;
  for (guint i = 0; i < stack->len; i++)
    {
      g_autofree char *b = NULL;
      on |= strcmp (stack->pdata[i], again) == 0;
      if (!on)
        continue;
      b = g_path_get_basename (stack->pdata[i]);
      g_string_append_printf (s, "%s -> ", b);
    }
  {
    g_autofree char *b = g_path_get_basename (again);
    g_string_append (s, b);
  }
  return g_string_free (s, FALSE);
}

static gboolean
load_recursive (NrtNmlDocSet *set, GHashTable *seen, GPtrArray *stack, const char *path,
                xmlNodePtr from, int depth, GError **error)
{
  g_autofree char *canon = NULL;
  NrtNmlFile *file;
  xmlNodePtr root;
  g_autofree char *dir = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      if (from != NULL)
        nrt_nml_set_error (error, NRT_IO_ERROR_NOT_FOUND, set, from,
                           "included file \"%s\" not found", path);
      else
        g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_NOT_FOUND, "%s:1: no such file", path);
      return FALSE;
    }
  canon = realpath (path, NULL);
  if (canon == NULL)
    canon = g_strdup (path);
  for (guint i = 0; i < stack->len; i++)
    if (strcmp (stack->pdata[i], canon) == 0)
      {
        /* A file that includes itself, directly or not: jNeuroML would recurse without end. */
        g_autofree char *chain = chain_text (stack, canon);
        nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, from, "include cycle: %s", chain);
        return FALSE;
      }
  if (g_hash_table_contains (seen, canon))
    return TRUE;  /* included twice (not in a cycle): read once, as jNeuroML does */
  if (depth > 32)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, from, "includes nested too deeply");
      return FALSE;
    }
  g_hash_table_add (seen, g_strdup (canon));

  file = g_new0 (NrtNmlFile, 1);
  file->path = g_strdup (path);
  g_ptr_array_add (set->files, file);
  file->doc = parse_file (path, error);
  if (file->doc == NULL)
    return FALSE;
  root = xmlDocGetRootElement (file->doc);
  if (root == NULL)
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_PARSE, "%s:1: empty document", path);
      return FALSE;
    }
  if (nrt_nml_is (root, "Lems"))
    file->is_lems = TRUE;
  else if (!nrt_nml_is (root, "neuroml"))
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, root,
                         "root element is <%s>, expected <neuroml> (or <Lems>)", root->name);
      return FALSE;
    }
  else if (root->ns == NULL || strcmp ((const char *) root->ns->href, NRT_NML_NS) != 0)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, root,
                         "<neuroml> is not in the NeuroML v2 namespace " NRT_NML_NS);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  g_ptr_array_add (stack, g_strdup (canon));
  for (xmlNodePtr n = root->children; n != NULL; n = n->next)
    {
      g_autofree char *href = NULL;
      g_autofree char *full = NULL;

      if (file->is_lems && nrt_nml_is (n, "Include"))
        href = nrt_nml_get (n, "file");
      else if (!file->is_lems && nrt_nml_is (n, "include"))
        href = nrt_nml_get (n, "href");
      else
        continue;
      if (href == NULL || *href == '\0')
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, n, "include without a file name");
          return FALSE;
        }
      if (g_str_has_prefix (href, "http:") || g_str_has_prefix (href, "https:"))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, set, n,
                             "remote include \"%s\" is not fetched", href);
          return FALSE;
        }
      full = g_path_is_absolute (href) ? g_strdup (href) : g_build_filename (dir, href, NULL);
      if (file->is_lems && !g_file_test (full, G_FILE_TEST_EXISTS))
        {
          gboolean core = FALSE;
          for (guint i = 0; i < G_N_ELEMENTS (lems_core_files); i++)
            core |= strcmp (href, lems_core_files[i]) == 0;
          if (core)
            continue;
        }
      if (!load_recursive (set, seen, stack, full, n, depth + 1, error))
        return FALSE;
    }
  g_ptr_array_remove_index (stack, stack->len - 1);
  return TRUE;
}

/* ---------------------------------------------------------------- path and subTree */

/* Segment id of a <from>/<to> child of el, or -1 when absent; FALSE on a bad reference. */
static gboolean
end_point (NrtNmlDocSet *set, xmlNodePtr el, const char *which, GHashTable *parent, int *id,
           GError **error)
{
  xmlNodePtr n = nrt_nml_first_child (el, which);
  g_autofree char *s = NULL;
  char *end;
  long v;

  *id = -1;
  if (n == NULL)
    return TRUE;
  s = nrt_nml_get (n, "segment");
  v = s ? strtol (s, &end, 10) : -1;
  if (s == NULL || end == s || *end != '\0' || v < 0 || v > G_MAXINT
      || !g_hash_table_contains (parent, GINT_TO_POINTER ((int) v)))
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, n,
                         "<%s> segment \"%s\" does not exist", which, s ? s : "");
      return FALSE;
    }
  *id = (int) v;
  return TRUE;
}

/* TRUE when a is b or one of b's ancestors. */
static gboolean
is_ancestor (GHashTable *parent, int a, int b, guint n_segs)
{
  for (guint steps = 0; b >= 0 && steps <= n_segs; steps++)
    {
      if (a == b)
        return TRUE;
      b = GPOINTER_TO_INT (g_hash_table_lookup (parent, GINT_TO_POINTER (b))) - 1;
    }
  return FALSE;
}

/* Replaces the path and subTree children of a morphology's segment groups by the members they
 * stand for (neuroml.md §2.2: jNeuroML, libNeuroML and NetPyNE read members and includes
 * only).  Members come in document order of the segments, so a section given as a path keeps
 * its proximal-to-distal order. */
static gboolean
expand_morphology (NrtNmlDocSet *set, xmlNodePtr morph, GError **error)
{
  /* segment id -> parent id + 1 (0: root) */
  g_autoptr (GHashTable) parent = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean any = FALSE;

  for (xmlNodePtr g = nrt_nml_first_child (morph, "segmentGroup"); g && !any; g = nrt_nml_next (g, "segmentGroup"))
    any = nrt_nml_first_child (g, "path") || nrt_nml_first_child (g, "subTree");
  if (!any)
    return TRUE;
  for (xmlNodePtr s = nrt_nml_first_child (morph, "segment"); s; s = nrt_nml_next (s, "segment"))
    {
      g_autofree char *id = nrt_nml_get (s, "id");
      xmlNodePtr p = nrt_nml_first_child (s, "parent");
      g_autofree char *pid = p ? nrt_nml_get (p, "segment") : NULL;
      int i = id ? atoi (id) : 0;
      g_hash_table_insert (parent, GINT_TO_POINTER (i), GINT_TO_POINTER (pid ? atoi (pid) + 1 : 0));
      g_array_append_val (order, i);
    }
  for (xmlNodePtr g = nrt_nml_first_child (morph, "segmentGroup"); g; g = nrt_nml_next (g, "segmentGroup"))
    {
      g_autoptr (GHashTable) have = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_autoptr (GHashTable) add = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_autoptr (GPtrArray) drop = g_ptr_array_new ();
      g_autofree char *gid = nrt_nml_get (g, "id");
      xmlNodePtr before = NULL, first_drop = NULL;

      for (xmlNodePtr m = nrt_nml_first_child (g, NULL); m; m = nrt_nml_next (m, NULL))
        {
          int from, to;
          if (nrt_nml_is (m, "member"))
            {
              g_autofree char *s = nrt_nml_get (m, "segment");
              if (s)
                g_hash_table_add (have, GINT_TO_POINTER (atoi (s)));
              continue;
            }
          if (before == NULL && (nrt_nml_is (m, "include") || nrt_nml_is (m, "path")
                                 || nrt_nml_is (m, "subTree") || nrt_nml_is (m, "inhomogeneousParameter")))
            before = m;
          if (!nrt_nml_is (m, "path") && !nrt_nml_is (m, "subTree"))
            continue;
          if (first_drop == NULL)
            first_drop = m;
          g_ptr_array_add (drop, m);
          if (!end_point (set, m, "from", parent, &from, error)
              || !end_point (set, m, "to", parent, &to, error))
            return FALSE;
          if (nrt_nml_is (m, "subTree"))
            {
              /* from: the segment and all distal to it; to: the segment and all proximal */
              for (guint k = 0; k < order->len; k++)
                {
                  int s = g_array_index (order, int, k);
                  if (from >= 0 ? is_ancestor (parent, from, s, order->len)
                                : to >= 0 && is_ancestor (parent, s, to, order->len))
                    g_hash_table_add (add, GINT_TO_POINTER (s));
                }
              if (from < 0 && to < 0)
                {
                  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, m,
                                     "segment group \"%s\": <subTree> without <from> or <to>", gid);
                  return FALSE;
                }
              continue;
            }
          if (from < 0 && to < 0)
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, m,
                                 "segment group \"%s\": <path> without <from> or <to>", gid);
              return FALSE;
            }
          if (from >= 0 && to >= 0 && !is_ancestor (parent, from, to, order->len))
            {
              if (!is_ancestor (parent, to, from, order->len))
                {
                  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, m,
                                     "segment group \"%s\": no path from segment %d to segment %d "
                                     "(neither is proximal to the other)", gid, from, to);
                  return FALSE;
                }
              int t = from;
              from = to, to = t;
            }
          for (guint k = 0; k < order->len; k++)
            {
              int s = g_array_index (order, int, k);
              gboolean in;
              if (to < 0)  /* from a segment to every tip: its subtree */
                in = is_ancestor (parent, from, s, order->len);
              else if (from < 0)  /* from the root */
                in = is_ancestor (parent, s, to, order->len);
              else
                in = is_ancestor (parent, s, to, order->len) && is_ancestor (parent, from, s, order->len);
              if (in)
                g_hash_table_add (add, GINT_TO_POINTER (s));
            }
        }
      if (drop->len == 0)
        continue;
      for (guint k = 0; k < order->len; k++)
        {
          int s = g_array_index (order, int, k);
          xmlNodePtr mem;
          char num[16];
          if (!g_hash_table_contains (add, GINT_TO_POINTER (s)) || g_hash_table_contains (have, GINT_TO_POINTER (s)))
            continue;
          g_hash_table_add (have, GINT_TO_POINTER (s));
          mem = xmlNewDocNode (g->doc, g->ns, (const xmlChar *) "member", NULL);
          g_snprintf (num, sizeof num, "%d", s);
          xmlNewProp (mem, (const xmlChar *) "segment", (const xmlChar *) num);
          mem->line = first_drop->line;  /* messages about it point at the path/subTree */
          xmlAddPrevSibling (before, mem);
        }
      for (guint k = 0; k < drop->len; k++)
        {
          xmlUnlinkNode (drop->pdata[k]);
          xmlFreeNode (drop->pdata[k]);
        }
    }
  return TRUE;
}

static gboolean
expand_paths (NrtNmlDocSet *set, GError **error)
{
  for (guint i = 0; i < set->files->len; i++)
    {
      NrtNmlFile *f = set->files->pdata[i];
      xmlNodePtr root = xmlDocGetRootElement (f->doc);
      if (f->is_lems)
        continue;
      for (xmlNodePtr n = nrt_nml_first_child (root, NULL); n; n = nrt_nml_next (n, NULL))
        {
          xmlNodePtr morph = nrt_nml_is (n, "morphology") ? n
                             : nrt_nml_is (n, "cell") ? nrt_nml_first_child (n, "morphology") : NULL;
          if (morph && !expand_morphology (set, morph, error))
            return FALSE;
        }
    }
  return TRUE;
}

NrtNmlDocSet *
nrt_nml_doc_set_load (const char *path, GError **error)
{
  g_autoptr (NrtNmlDocSet) set = g_new0 (NrtNmlDocSet, 1);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  xmlSetStructuredErrorFunc (NULL, silent_structured_error);
  g_autoptr (GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);

  set->files = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_nml_file_free);
  if (!load_recursive (set, seen, stack, path, NULL, 0, error) || !expand_paths (set, error))
    return NULL;
  return g_steal_pointer (&set);
}

/* ---------------------------------------------------------------- §10 checks */

static gboolean
parse_index (const char *s, long *out)
{
  char *end;
  long v;

  if (s == NULL || !g_ascii_isdigit (*s))
    return FALSE;
  errno = 0;
  v = strtol (s, &end, 10);
  if (*end != '\0' || errno != 0 || v < 0 || v > G_MAXINT)
    return FALSE;
  *out = v;
  return TRUE;
}

typedef struct {
  NrtNmlDocSet *set;
  GHashTable   *top_ids;   /* id -> xmlNodePtr of every top-level element */
  GHashTable   *cells;     /* cell id -> cell node */
} Checker;

static gboolean
check_segment_group_refs (Checker *c, xmlNodePtr morph, GHashTable *segs, GHashTable *groups,
                          GError **error)
{
  gboolean any_section = FALSE;
  g_autoptr (GHashTable) owner = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (xmlNodePtr g = nrt_nml_first_child (morph, "segmentGroup"); g; g = nrt_nml_next (g, "segmentGroup"))
    {
      g_autofree char *gid = nrt_nml_get (g, "id");
      g_autofree char *lex = nrt_nml_get (g, "neuroLexId");
      gboolean is_section = lex && strcmp (lex, NRT_SECTION_NEUROLEX) == 0;
      long prev = -1;

      any_section |= is_section;
      for (xmlNodePtr m = g->children; m; m = m->next)
        {
          if (nrt_nml_is (m, "member"))
            {
              g_autofree char *s = nrt_nml_get (m, "segment");
              long id;
              xmlNodePtr seg;
              if (!parse_index (s, &id) || !(seg = g_hash_table_lookup (segs, GINT_TO_POINTER (id))))
                {
                  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, m,
                                     "segment group \"%s\": member segment \"%s\" does not exist",
                                     gid, s ? s : "");
                  return FALSE;
                }
              if (is_section)
                {
                  if (g_hash_table_contains (owner, GINT_TO_POINTER (id)))
                    {
                      g_autofree char *other = nrt_nml_get (g_hash_table_lookup (owner, GINT_TO_POINTER (id)), "id");
                      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, m,
                                         "segment %ld is in two section groups (\"%s\" and \"%s\")",
                                         id, other, gid);
                      return FALSE;
                    }
                  g_hash_table_insert (owner, GINT_TO_POINTER (id), g);
                  if (prev >= 0)
                    {
                      xmlNodePtr par = nrt_nml_first_child (seg, "parent");
                      g_autofree char *ps = par ? nrt_nml_get (par, "segment") : NULL;
                      long pid = -1;
                      if (ps == NULL || !parse_index (ps, &pid) || pid != prev)
                        {
                          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, m,
                                             "section group \"%s\" is not an unbranched chain: "
                                             "segment %ld does not follow segment %ld", gid, id, prev);
                          return FALSE;
                        }
                    }
                  prev = id;
                }
            }
          else if (nrt_nml_is (m, "include"))
            {
              g_autofree char *inc = nrt_nml_get (m, "segmentGroup");
              if (inc == NULL || (!g_hash_table_contains (groups, inc) && strcmp (inc, "all") != 0))
                {
                  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, m,
                                     "segment group \"%s\" includes unknown segment group \"%s\"",
                                     gid, inc ? inc : "");
                  return FALSE;
                }
            }
          else if (nrt_nml_is (m, "property"))
            {
              g_autofree char *tag = nrt_nml_get (m, "tag");
              g_autofree char *val = nrt_nml_get (m, "value");
              long n;
              if (tag && strcmp (tag, "numberInternalDivisions") == 0
                  && (!parse_index (val, &n) || n < 1))
                {
                  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, m,
                                     "segment group \"%s\": numberInternalDivisions \"%s\" is not "
                                     "a positive integer (nseg must be at least 1)", gid, val ? val : "");
                  return FALSE;
                }
            }
        }
    }
  if (any_section)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, segs);
      while (g_hash_table_iter_next (&it, &k, &v))
        if (!g_hash_table_contains (owner, k))
          {
            nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, v,
                               "segment %d is in no section group (neuroLexId " NRT_SECTION_NEUROLEX
                               "), but other segments are", GPOINTER_TO_INT (k));
            return FALSE;
          }
    }
  return TRUE;
}

static gboolean
check_morphology (Checker *c, xmlNodePtr morph, GHashTable *groups, GError **error)
{
  g_autoptr (GHashTable) segs = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GHashTable) parent = g_hash_table_new (g_direct_hash, g_direct_equal);
  xmlNodePtr root = NULL;

  for (xmlNodePtr s = nrt_nml_first_child (morph, "segment"); s; s = nrt_nml_next (s, "segment"))
    {
      g_autofree char *ids = nrt_nml_get (s, "id");
      long id;
      if (!parse_index (ids, &id))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, s,
                             "segment id \"%s\" is not a non-negative integer", ids ? ids : "");
          return FALSE;
        }
      if (g_hash_table_contains (segs, GINT_TO_POINTER (id)))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, s,
                             "duplicate segment id %ld", id);
          return FALSE;
        }
      g_hash_table_insert (segs, GINT_TO_POINTER (id), s);
    }
  for (xmlNodePtr s = nrt_nml_first_child (morph, "segment"); s; s = nrt_nml_next (s, "segment"))
    {
      g_autofree char *ids = nrt_nml_get (s, "id");
      xmlNodePtr p = nrt_nml_first_child (s, "parent");
      long id = 0, pid;
      parse_index (ids, &id);
      if (p == NULL)
        {
          if (root != NULL)
            {
              g_autofree char *rid = nrt_nml_get (root, "id");
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, s,
                                 "segment %ld has no parent, but segment %s is already the root "
                                 "(exactly one segment may lack a parent)", id, rid);
              return FALSE;
            }
          root = s;
          continue;
        }
      {
        g_autofree char *ps = nrt_nml_get (p, "segment");
        if (!parse_index (ps, &pid) || !g_hash_table_contains (segs, GINT_TO_POINTER (pid)))
          {
            nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, p,
                               "segment %ld: unknown parent segment \"%s\"", id, ps ? ps : "");
            return FALSE;
          }
        if (pid == id)
          {
            nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, p,
                               "segment %ld is its own parent (cycle)", id);
            return FALSE;
          }
        g_hash_table_insert (parent, GINT_TO_POINTER (id), GINT_TO_POINTER (pid));
      }
    }
  if (g_hash_table_size (segs) == 0)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, morph, "morphology has no segments");
      return FALSE;
    }
  /* With every parent present, a segment that never reaches a root lies on a cycle. */
  {
    guint n = g_hash_table_size (segs);
    for (xmlNodePtr s = nrt_nml_first_child (morph, "segment"); s; s = nrt_nml_next (s, "segment"))
      {
        g_autofree char *ids = nrt_nml_get (s, "id");
        long id = 0;
        guint steps = 0;
        gpointer pv;
        parse_index (ids, &id);
        long cur = id;
        while (g_hash_table_lookup_extended (parent, GINT_TO_POINTER (cur), NULL, &pv))
          {
            cur = GPOINTER_TO_INT (pv);
            if (++steps > n)
              {
                nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, s,
                                   "segment %ld: the parent chain forms a cycle", id);
                return FALSE;
              }
          }
      }
  }
  if (root == NULL)
    {
      nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, morph,
                         "no root segment (every segment has a parent)");
      return FALSE;
    }
  for (xmlNodePtr g = nrt_nml_first_child (morph, "segmentGroup"); g; g = nrt_nml_next (g, "segmentGroup"))
    {
      g_autofree char *gid = nrt_nml_get (g, "id");
      if (gid == NULL)
        continue;
      if (g_hash_table_contains (groups, gid))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, g,
                             "duplicate segment group id \"%s\"", gid);
          return FALSE;
        }
      g_hash_table_insert (groups, g_steal_pointer (&gid), g);
    }
  return check_segment_group_refs (c, morph, segs, groups, error);
}

static gboolean
is_channel_element (xmlNodePtr n)
{
  return nrt_nml_is (n, "ionChannel") || nrt_nml_is (n, "ionChannelHH")
         || nrt_nml_is (n, "ionChannelKS") || nrt_nml_is (n, "ionChannelVShift");
}

static gboolean
check_biophysics (Checker *c, xmlNodePtr bio, GHashTable *groups, GError **error)
{
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xmlNodePtr mp = nrt_nml_first_child (bio, "membraneProperties");

  for (xmlNodePtr d = mp ? mp->children : NULL; d; d = d->next)
    {
      g_autofree char *chan = NULL;
      g_autofree char *group = NULL;
      g_autofree char *id = NULL;
      xmlNodePtr ch;

      if (d->type != XML_ELEMENT_NODE)
        continue;
      group = nrt_nml_get (d, "segmentGroup");
      if (group && strcmp (group, "all") != 0 && !g_hash_table_contains (groups, group))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, d,
                             "<%s> refers to unknown segment group \"%s\"", d->name, group);
          return FALSE;
        }
      if (!g_str_has_prefix ((const char *) d->name, "channel"))
        continue;
      id = nrt_nml_get (d, "id");
      if (id && !g_hash_table_add (ids, g_strdup (id)))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, d,
                             "duplicate channel density id \"%s\"", id);
          return FALSE;
        }
      chan = nrt_nml_get (d, "ionChannel");
      ch = chan ? g_hash_table_lookup (c->top_ids, chan) : NULL;
      if (ch == NULL || !is_channel_element (ch))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, d,
                             "<%s id=\"%s\"> refers to unknown ion channel \"%s\"", d->name,
                             id ? id : "", chan ? chan : "");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_cell (Checker *c, xmlNodePtr cell, GError **error)
{
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xmlNodePtr morph = nrt_nml_first_child (cell, "morphology");
  xmlNodePtr bio = nrt_nml_first_child (cell, "biophysicalProperties");
  g_autofree char *mref = nrt_nml_get (cell, "morphology");
  g_autofree char *bref = nrt_nml_get (cell, "biophysicalProperties");

  if (morph == NULL && mref != NULL)
    {
      morph = g_hash_table_lookup (c->top_ids, mref);
      if (morph == NULL || !nrt_nml_is (morph, "morphology"))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, cell,
                             "cell refers to unknown morphology \"%s\"", mref);
          return FALSE;
        }
    }
  if (bio == NULL && bref != NULL)
    {
      bio = g_hash_table_lookup (c->top_ids, bref);
      if (bio == NULL || !nrt_nml_is (bio, "biophysicalProperties"))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, cell,
                             "cell refers to unknown biophysicalProperties \"%s\"", bref);
          return FALSE;
        }
    }
  if (morph != NULL && !check_morphology (c, morph, groups, error))
    return FALSE;
  if (bio != NULL && !check_biophysics (c, bio, groups, error))
    return FALSE;
  return TRUE;
}

static gboolean
check_network (Checker *c, xmlNodePtr net, GError **error)
{
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) sizes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

  for (xmlNodePtr n = net->children; n; n = n->next)
    {
      char *id;
      if (n->type != XML_ELEMENT_NODE)
        continue;
      id = nrt_nml_get (n, "id");
      if (id == NULL)
        continue;
      g_ptr_array_add (strings, id);
      if ((nrt_nml_is (n, "population") || nrt_nml_is (n, "projection")
           || nrt_nml_is (n, "inputList") || nrt_nml_is (n, "electricalProjection")
           || nrt_nml_is (n, "continuousProjection"))
          && !g_hash_table_add (ids, id))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                             "duplicate id \"%s\" in network", id);
          return FALSE;
        }
      if (nrt_nml_is (n, "population"))
        {
          g_autofree char *comp = nrt_nml_get (n, "component");
          g_autofree char *type = nrt_nml_get (n, "type");
          g_autofree char *size_s = nrt_nml_get (n, "size");
          long size = -1;
          if (comp == NULL || !g_hash_table_contains (c->top_ids, comp))
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                                 "population \"%s\" refers to unknown component \"%s\"", id,
                                 comp ? comp : "");
              return FALSE;
            }
          if (type && strcmp (type, "populationList") == 0)
            {
              long count = 0;
              for (xmlNodePtr i = nrt_nml_first_child (n, "instance"); i; i = nrt_nml_next (i, "instance"))
                count++;
              if (size_s && (!parse_index (size_s, &size) || size != count))
                {
                  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                                     "population \"%s\": size %s but %ld instances", id, size_s, count);
                  return FALSE;
                }
              size = count;
            }
          else if (size_s && !parse_index (size_s, &size))
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                                 "population \"%s\": bad size \"%s\"", id, size_s);
              return FALSE;
            }
          g_hash_table_insert (sizes, id, GINT_TO_POINTER ((int) size));
        }
      else if (nrt_nml_is (n, "projection") || nrt_nml_is (n, "electricalProjection")
               || nrt_nml_is (n, "continuousProjection"))
        {
          g_autofree char *pre = nrt_nml_get (n, "presynapticPopulation");
          g_autofree char *post = nrt_nml_get (n, "postsynapticPopulation");
          g_autofree char *syn = nrt_nml_get (n, "synapse");
          if (!pre || !post || !g_hash_table_contains (sizes, pre)
              || !g_hash_table_contains (sizes, post))
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                                 "projection \"%s\" refers to an unknown population", id);
              return FALSE;
            }
          if (syn && !g_hash_table_contains (c->top_ids, syn))
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                                 "projection \"%s\" refers to unknown synapse \"%s\"", id, syn);
              return FALSE;
            }
        }
      else if (nrt_nml_is (n, "inputList"))
        {
          g_autofree char *pop = nrt_nml_get (n, "population");
          g_autofree char *comp = nrt_nml_get (n, "component");
          if (!pop || !g_hash_table_contains (sizes, pop))
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                                 "input list \"%s\" refers to unknown population \"%s\"", id,
                                 pop ? pop : "");
              return FALSE;
            }
          if (!comp || !g_hash_table_contains (c->top_ids, comp))
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                                 "input list \"%s\" refers to unknown input \"%s\"", id,
                                 comp ? comp : "");
              return FALSE;
            }
        }
    }
  for (xmlNodePtr n = nrt_nml_first_child (net, "explicitInput"); n; n = nrt_nml_next (n, "explicitInput"))
    {
      g_autofree char *input = nrt_nml_get (n, "input");
      if (!input || !g_hash_table_contains (c->top_ids, input))
        {
          nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, c->set, n,
                             "explicit input refers to unknown input \"%s\"", input ? input : "");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
nrt_nml_check_consistency (NrtNmlDocSet *set, GError **error)
{
  Checker c = { set, NULL, NULL };
  g_autoptr (GHashTable) top = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok = TRUE;

  c.top_ids = top;
  for (guint i = 0; i < set->files->len; i++)
    {
      NrtNmlFile *f = set->files->pdata[i];
      if (f->is_lems)
        continue;
      for (xmlNodePtr n = next_element (xmlDocGetRootElement (f->doc)->children); n;
           n = nrt_nml_next (n, NULL))
        {
          g_autofree char *id = nrt_nml_get (n, "id");
          if (id == NULL || nrt_nml_is (n, "include"))
            continue;
          if (g_hash_table_contains (top, id))
            {
              nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, n,
                                 "duplicate id \"%s\" (already used at line %ld of %s)", id,
                                 xmlGetLineNo (g_hash_table_lookup (top, id)),
                                 nrt_nml_doc_set_path_of (set, g_hash_table_lookup (top, id)));
              return FALSE;
            }
          g_hash_table_insert (top, g_steal_pointer (&id), n);
        }
    }
  for (guint i = 0; ok && i < set->files->len; i++)
    {
      NrtNmlFile *f = set->files->pdata[i];
      if (f->is_lems)
        continue;
      for (xmlNodePtr n = next_element (xmlDocGetRootElement (f->doc)->children); ok && n;
           n = nrt_nml_next (n, NULL))
        {
          if (nrt_nml_is (n, "cell"))
            ok = check_cell (&c, n, error);
          else if (nrt_nml_is (n, "network"))
            ok = check_network (&c, n, error);
        }
    }
  return ok;
}

/* ---------------------------------------------------------------- XSD */

char *
nrt_nml_find_schema (void)
{
  const char *env = g_getenv ("NEURITE_NEUROML_XSD");
  g_autofree char *def = g_build_filename (NRT_SHARED_DIR, "neuroml", "NeuroML_v2.3.1.xsd", NULL);

  if (env != NULL && *env != '\0')
    return g_file_test (env, G_FILE_TEST_IS_REGULAR) ? g_strdup (env) : NULL;
  if (g_file_test (def, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&def);
  return NULL;
}

typedef struct {
  char *msg;
  int   line;
} FirstError;

static void
first_error_cb (void *data, xmlErrorPtr err)
{
  FirstError *fe = data;
  if (fe->msg == NULL && err != NULL && err->level >= XML_ERR_ERROR)
    {
      fe->msg = one_line (err->message);
      fe->line = err->line;
    }
}

static xmlSchemaPtr cached_schema;
static char *cached_schema_path;
G_LOCK_DEFINE_STATIC (schema);

gboolean
nrt_nml_check_schema (NrtNmlDocSet *set, gboolean *skipped, GError **error)
{
  g_autofree char *xsd = nrt_nml_find_schema ();
  gboolean ok = TRUE;

  *skipped = (xsd == NULL);
  if (xsd == NULL)
    return TRUE;

  G_LOCK (schema);
  if (cached_schema == NULL || g_strcmp0 (cached_schema_path, xsd) != 0)
    {
      xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt (xsd);
      g_clear_pointer (&cached_schema, xmlSchemaFree);
      g_free (cached_schema_path);
      cached_schema_path = g_strdup (xsd);
      cached_schema = xmlSchemaParse (pctxt);
      xmlSchemaFreeParserCtxt (pctxt);
    }
  if (cached_schema == NULL)
    {
      G_UNLOCK (schema);
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_SCHEMA, "%s:1: the schema cannot be read", xsd);
      return FALSE;
    }
  for (guint i = 0; ok && i < set->files->len; i++)
    {
      NrtNmlFile *f = set->files->pdata[i];
      xmlSchemaValidCtxtPtr vctxt;
      FirstError fe = { NULL, 0 };

      if (f->is_lems)
        continue;
      vctxt = xmlSchemaNewValidCtxt (cached_schema);
      xmlSchemaSetValidStructuredErrors (vctxt, first_error_cb, &fe);
      if (xmlSchemaValidateDoc (vctxt, f->doc) != 0)
        {
          g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_SCHEMA,
                       "%s:%d: does not validate against NeuroML v2.3.1: %s", f->path,
                       fe.line > 0 ? fe.line : 1, fe.msg ? fe.msg : "schema validation failed");
          ok = FALSE;
        }
      g_free (fe.msg);
      xmlSchemaFreeValidCtxt (vctxt);
    }
  G_UNLOCK (schema);
  return ok;
}

/* ---------------------------------------------------------------- public */

NrtModel *
nrt_neuroml_read_file (const char *path, GError **error)
{
  g_autoptr (NrtNmlDocSet) set = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  set = nrt_nml_doc_set_load (path, error);
  if (set == NULL || !nrt_nml_check_consistency (set, error))
    return NULL;
  return nrt_nml_build_model (set, error);
}

GPtrArray *
nrt_neuroml_read_channels (const char *path, GError **error)
{
  g_autoptr (NrtNmlDocSet) set = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  set = nrt_nml_doc_set_load (path, error);
  if (set == NULL || !nrt_nml_check_consistency (set, error))
    return NULL;
  return nrt_nml_read_channels (set, error);
}

gboolean
nrt_neuroml_validate_file_full (const char *path, gboolean *schema_skipped, GError **error)
{
  g_autoptr (NrtNmlDocSet) set = NULL;
  g_autoptr (NrtModel) model = NULL;
  gboolean skipped = TRUE;

  g_return_val_if_fail (path != NULL, FALSE);
  if (schema_skipped)
    *schema_skipped = TRUE;
  set = nrt_nml_doc_set_load (path, error);
  if (set == NULL || !nrt_nml_check_consistency (set, error))
    return FALSE;
  /* Neurite's own reading first, so that validate and run report the same first problem. */
  model = nrt_nml_build_model (set, error);
  if (model == NULL)
    return FALSE;
  if (!nrt_nml_check_schema (set, &skipped, error))
    return FALSE;
  if (schema_skipped)
    *schema_skipped = skipped;
  return TRUE;
}

gboolean
nrt_neuroml_validate_file (const char *path, GError **error)
{
  return nrt_neuroml_validate_file_full (path, NULL, error);
}

gboolean
nrt_neuroml_validate_string (const char *xml, gboolean *schema_skipped, GError **error)
{
  g_autoptr (NrtNmlDocSet) set = g_new0 (NrtNmlDocSet, 1);
  NrtNmlFile *f = g_new0 (NrtNmlFile, 1);
  gboolean skipped = TRUE;

  g_return_val_if_fail (xml != NULL, FALSE);
  set->files = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_nml_file_free);
  g_ptr_array_add (set->files, f);
  f->path = g_strdup ("(string)");
  f->doc = xmlReadMemory (xml, strlen (xml), "(string)", NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (f->doc == NULL)
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_PARSE, "(string):1: not well-formed XML");
      return FALSE;
    }
  if (!nrt_nml_check_schema (set, &skipped, error))
    return FALSE;
  if (schema_skipped)
    *schema_skipped = skipped;
  return TRUE;
}

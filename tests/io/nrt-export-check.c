/* nrt-export-check.c: see nrt-export-check.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nrt-export-check.h"
#include "nrt-neuroml.h"
#include "nrt-sim.h"

GArray *
nrt_check_neurite_trace (NrtModel *model, const char *record)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtNetwork) net = nrt_network_compile (model, &error);
  g_autoptr(NrtSim) sim = NULL;
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));
  double tstop = nrt_model_get_data (model)->settings.tstop, x;
  int rec;

  g_assert_no_error (error);
  sim = nrt_sim_new (net);
  rec = nrt_sim_add_record (sim, record, &error);
  g_assert_no_error (error);
  nrt_sim_init (sim);
  x = nrt_sim_record_value (sim, (guint) rec);
  g_array_append_val (v, x);
  while (!nrt_sim_reached (sim, tstop))
    {
      g_assert_true (nrt_sim_step (sim, &error));
      x = nrt_sim_record_value (sim, (guint) rec);
      g_array_append_val (v, x);
    }
  return v;
}

double
nrt_check_max_diff (GArray *a, GArray *b)
{
  double worst = 0;

  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    worst = MAX (worst, fabs (g_array_index (a, double, i) - g_array_index (b, double, i)));
  return worst;
}

char *
nrt_check_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("nrt-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
nrt_check_rm_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", path, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, NULL, NULL));
}

char *
nrt_check_spawn (const char *const *argv, const char *cwd)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip_printf ("no %s", argv[0]);
      return NULL;
    }
  g_assert_true (g_spawn_sync (cwd, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    {
      g_test_skip_printf ("NEURON is not usable: %s", err);
      g_free (out);
      return NULL;
    }
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", argv[1], error->message, err);
  return out;
}

/* ---- trees ---------------------------------------------------------------------- */

typedef struct {
  char *name;
  char *parent;   /* NULL for a root */
  int   nseg;
  int   column;   /* h.topology(): where the line starts */
  int   offset;   /* h.topology(): columns right of the parent's start; info: the same,
                   * computed from parent_x and the parent's nseg */
  double parent_x;
} Node;

static void
node_clear (gpointer p)
{
  Node *n = p;
  g_free (n->name);
  g_free (n->parent);
}

static GArray *
nodes_new (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (Node));
  g_array_set_clear_func (a, node_clear);
  return a;
}

static Node *
find_node (GArray *nodes, const char *name)
{
  for (guint i = 0; i < nodes->len; i++)
    if (strcmp (g_array_index (nodes, Node, i).name, name) == 0)
      return &g_array_index (nodes, Node, i);
  return NULL;
}

/* h.topology(): "|---|       soma(0-1)", "   `--|       dend[0](0-1)".  A root prints a '|'
 * for its 0 end and nseg dashes; a child starts with '`' and nseg − 1 dashes. */
static GArray *
parse_topology (const char *text, const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GArray *nodes = nodes_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      const char *start = l + strspn (l, " ");
      const char *name = strrchr (l, ' ');
      const char *dir;
      Node n = { 0 };
      int dashes = 0;

      if (*start != '|' && *start != '`')
        continue;
      g_assert_nonnull (name);
      name++;
      dir = strstr (name, "(0-1)");
      g_assert_nonnull (dir);  /* every section's 0 end towards the root */
      if (prefix != NULL && g_str_has_prefix (name, prefix))
        name += strlen (prefix);
      for (const char *c = start + 1; *c == '-'; c++)
        dashes++;
      n.column = start - l;
      n.name = g_strndup (name, strstr (name, "(0-1)") - name);
      n.nseg = *start == '|' ? dashes : dashes + 1;
      for (int k = (int) nodes->len - 1; k >= 0 && *start == '`'; k--)
        {
          const Node *above = &g_array_index (nodes, Node, k);
          if (above->column < n.column)
            {
              n.parent = g_strdup (above->name);
              n.offset = n.column - above->column;
              break;
            }
        }
      g_assert_true (*start == '|' || n.parent != NULL);
      g_array_append_val (nodes, n);
    }
  return nodes;
}

/* neurite-cli info: "soma  L=20 um … nseg=1 …" and, 3 columns deeper per level,
 * "`-ap[0](0) -> soma(1)  L=… nseg=13 …"; segment lines (area=) and the rest are skipped. */
static GArray *
parse_info (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GArray *nodes = nodes_new ();
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      int indent = strspn (l, " ");
      const char *s = l + indent;
      const char *nseg = strstr (l, " nseg=");
      const char *arrow = strstr (l, " -> ");
      Node n = { 0 };
      int depth;

      if (nseg == NULL || strstr (l, " L=") == NULL || strstr (l, "area=") != NULL)
        continue;
      if (g_str_has_prefix (s, "`-"))
        s += 2;
      depth = indent == 0 ? 0 : (indent + 2) / 3;
      n.name = g_strndup (s, strcspn (s, arrow != NULL ? "(" : " "));
      n.nseg = atoi (nseg + 6);
      g_ptr_array_set_size (stack, depth);
      if (depth > 0)
        {
          g_assert_nonnull (arrow);
          n.parent = g_strdup (stack->pdata[depth - 1]);
          /* the explicit "-> parent(x)" agrees with the indentation */
          g_assert_cmpint (strncmp (arrow + 4, n.parent, strlen (n.parent)), ==, 0);
          n.parent_x = g_ascii_strtod (strchr (arrow, '(') + 1, NULL);
        }
      g_ptr_array_add (stack, g_strdup (n.name));
      g_array_append_val (nodes, n);
    }
  /* Where h.topology() would start each child: past the parent's 0-end mark for a root
   * parent, then the node of parent_x (0 end, the segment's centre, or the 1 end). */
  for (guint i = 0; i < nodes->len; i++)
    {
      Node *n = &g_array_index (nodes, Node, i);
      Node *p = n->parent != NULL ? find_node (nodes, n->parent) : NULL;
      int node;

      if (p == NULL)
        continue;
      node = n->parent_x == 0 ? 0 : n->parent_x == 1 ? p->nseg + 1
           : (int) (n->parent_x * p->nseg) + 1;
      n->offset = (p->parent == NULL ? 1 : 0) + node;
    }
  return nodes;
}

guint
nrt_check_topology (NrtModel *model, const char *topology, const char *prefix)
{
  const char *cli = g_getenv ("NEURITE_CLI");
  g_autofree char *dir = NULL, *nml = NULL, *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) neuron = NULL, neurite = NULL;

  if (cli == NULL)
    {
      g_test_skip ("NEURITE_CLI is not set: h.topology() not compared with neurite-cli info");
      return 0;
    }
  dir = nrt_check_tmpdir ();
  nml = g_build_filename (dir, "model.nml", NULL);
  g_assert_true (nrt_neuroml_write_file (model, nml, &error));
  g_assert_no_error (error);
  {
    const char *argv[] = { cli, "info", nml, NULL };
    out = nrt_check_spawn (argv, dir);
  }
  nrt_check_rm_tree (dir);
  g_assert_nonnull (out);

  neuron = parse_topology (topology, prefix);
  neurite = parse_info (out);
  g_assert_cmpuint (neuron->len, ==, nrt_model_get_n_sections (model));
  g_assert_cmpuint (neurite->len, ==, neuron->len);
  for (guint i = 0; i < neurite->len; i++)
    {
      const Node *a = &g_array_index (neurite, Node, i);
      const Node *b = find_node (neuron, a->name);

      if (b == NULL)
        g_error ("%s is not in h.topology():\n%s", a->name, topology);
      g_assert_cmpstr (a->parent, ==, b->parent);
      g_assert_cmpint (a->nseg, ==, b->nseg);
      g_assert_cmpint (a->offset, ==, b->offset);
    }
  return neurite->len;
}

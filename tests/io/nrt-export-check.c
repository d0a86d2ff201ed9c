/* nrt-export-check.c: see nrt-export-check.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nrt-export-check.h"
#include "nrt-neuroml.h"
#include "nrt-sim.h"
#include "nrt-io-models.h"
#include "nrt-cases.h"
#include "nrt-nmodl.h"

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

NrtModel *
nrt_check_read_model (const char *file)
{
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", file, NULL);
  g_autoptr(GError) error = NULL;
  NrtModel *model = nrt_neuroml_read_file (path, &error);

  g_assert_no_error (error);
  return model;
}


void
nrt_check_cell_free (NrtCheckCell *c)
{
  g_hash_table_unref (c->sec);
  g_hash_table_unref (c->mech);
  g_array_unref (c->v);
  g_free (c->topology);
  g_free (c);
}


/* hoc-roundtrip.py's (and python-roundtrip.py's) output. */
NrtCheckCell *
nrt_check_parse_output (const char *out)
{
  NrtCheckCell *c = g_new0 (NrtCheckCell, 1);
  const char *topo = strstr (out, "\ntopology\n");
  g_autofree char *head = g_strndup (out, topo != NULL ? (gsize) (topo - out) : strlen (out));
  g_auto(GStrv) lines = g_strsplit (head, "\n", -1);

  c->sec = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  c->mech = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->v = g_array_new (FALSE, FALSE, sizeof (double));
  c->topology = topo != NULL ? g_strdup (topo + strlen ("\ntopology\n")) : NULL;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (f);

      if (n == 9 && strcmp (f[0], "sec") == 0)
        {
          char *key = g_strdup (f[1]);
          g_hash_table_insert (c->sec, key, g_steal_pointer (&f));
        }
      else if (n == 4 && strcmp (f[0], "mech") == 0)
        {
          double *val = g_new (double, 1);
          *val = g_ascii_strtod (f[3], NULL);
          g_hash_table_insert (c->mech, g_strdup_printf ("%s %s", f[1], f[2]), val);
        }
      else if (n == 2 && strcmp (f[0], "v") == 0)
        {
          double val = g_ascii_strtod (f[1], NULL);
          g_array_append_val (c->v, val);
        }
      else if (n == 2 && strcmp (f[0], "allsec") == 0)
        c->n_allsec = atoi (f[1]);
    }
  return c;
}

/* NEURON's cell equals the model: names, parents, nseg, L, diam, Ra, cm, mechanisms. */
void
nrt_check_same_cell (NrtModel *model, NrtCheckCell *c)
{
  const NrtModelData *d = nrt_model_get_data (model);

  g_assert_cmpuint (g_hash_table_size (c->sec), ==, d->sections->len);
  g_assert_cmpint (c->n_allsec, ==, d->sections->len);
  for (guint i = 0; i < d->sections->len; i++)
    {
      const NrtSection *s = g_ptr_array_index (d->sections, i);
      char **f = g_hash_table_lookup (c->sec, s->name);
      const char *parent = s->parent < 0 ? "-"
                         : ((NrtSection *) g_ptr_array_index (d->sections, s->parent))->name;
      guint n_mech = 0;

      g_assert_nonnull (f);
      g_assert_cmpstr (f[2], ==, parent);
      if (s->parent >= 0)
        g_assert_cmpfloat (g_ascii_strtod (f[3], NULL), ==, s->parent_x);
      g_assert_cmpint (atoi (f[4]), ==, s->nseg);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[5], NULL), s->L, 1e-9 * s->L);
      if (s->pt3d == NULL || s->pt3d->len == 0)  /* else diam varies along the section */
        g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[6], NULL), s->diam, 1e-6 * s->diam);
      g_assert_cmpfloat (g_ascii_strtod (f[7], NULL), ==, s->Ra);
      g_assert_cmpfloat (g_ascii_strtod (f[8], NULL), ==, s->cm);
      for (int m = 0; m < NRT_N_MECH; m++)
        {
          const NrtMechanismInfo *info = nrt_mechanism_info (m);
          if (!s->mech[m].inserted)
            continue;
          for (guint p = 0; p < info->n_params; p++)
            {
              g_autofree char *key = g_strdup_printf ("%s %s", s->name, info->params[p].name);
              double *val = g_hash_table_lookup (c->mech, key);
              g_assert_nonnull (val);
              g_assert_cmpfloat (*val, ==, s->mech[m].p[p]);
              n_mech++;
            }
        }
      {
        /* nothing inserted in NEURON that the model lacks */
        GHashTableIter it;
        gpointer key;
        guint n_neuron = 0;
        g_autofree char *prefix = g_strdup_printf ("%s ", s->name);
        g_hash_table_iter_init (&it, c->mech);
        while (g_hash_table_iter_next (&it, &key, NULL))
          n_neuron += g_str_has_prefix (key, prefix);
        g_assert_cmpuint (n_neuron, ==, n_mech);
      }
    }
}

#define RATE(form, A, k, d) (&(NrtRate) { (form), (A), (k), (d) })

/* A soma and a dendrite with ChannelBuilder channels only: nahh with a q10 of 3 from 16.3 degC
 * (so a third of its rates at 6.3), khh, a NonSpecific leak, kca (nrt_case_channel_kca: three
 * states, a cai^2 ligand transition, an inf/tau transition), cag (GHK); the dendrite's ek -80 mV; an IClamp
 * as hoc-roundtrip.py places it (1 ms, 0.1 ms, 10 nA). */
NrtModel *
nrt_check_channel_cell (void)
{
  NrtModel *m = nrt_model_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) na = nrt_channel_new_hh_na ();
  g_autoptr(NrtChannel) k = nrt_channel_new_hh_k ();
  g_autoptr(NrtChannel) leak = nrt_channel_new ("leak");
  g_autoptr(NrtChannel) kca = nrt_case_channel_kca ();
  g_autoptr(NrtChannel) cag = nrt_channel_new ("cag");
  NrtRunSettings st;
  int pp;

  na->gmax = 0.36;
  na->q10 = 3;
  na->q10_temperature = 16.3;
  k->gmax = 0.036;
  leak->gmax = 0.0003;
  leak->erev = -54.3;
  cag->ion = NRT_ION_CA;
  cag->conductance = NRT_CONDUCTANCE_GHK;
  cag->gmax = 2e-5;
  nrt_channel_add_gate (cag, "m", 2, NRT_GATE_ALPHA_BETA, RATE (NRT_RATE_SIGMOID, 1, -0.1, -30),
                        RATE (NRT_RATE_EXP, 0.2, -1.0 / 20, -65));

  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 20, 20, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_section (m, "dend", "soma", 1, 200, 2, &error), ==, 1);
  g_assert_true (nrt_model_set_section_nseg (m, "dend", 5, &error));
  g_assert_true (nrt_model_add_channel (m, na, &error));
  g_assert_true (nrt_model_add_channel (m, k, &error));
  g_assert_true (nrt_model_add_channel (m, leak, &error));
  g_assert_true (nrt_model_add_channel (m, kca, &error));
  g_assert_true (nrt_model_add_channel (m, cag, &error));
  for (int i = 0; i < 2; i++)
    {
      const char *sec = i ? "dend" : "soma";
      g_assert_true (nrt_model_insert_mechanism (m, sec, "nahh", &error));
      g_assert_true (nrt_model_insert_mechanism (m, sec, "khh", &error));
      g_assert_true (nrt_model_insert_mechanism (m, sec, "leak", &error));
    }
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "kca", &error));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "cag", &error));
  g_assert_true (nrt_model_set_mechanism_param (m, "dend", "gmax_nahh", 0.12, &error));
  g_assert_true (nrt_model_set_mechanism_param (m, "dend", "ek", -80, &error));
  g_assert_true (nrt_model_set_mechanism_param (m, "dend", "e_leak", -65, &error));
  pp = nrt_model_add_point_process (m, "IClamp", "soma", 0.5, &error);
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "del", 1, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "dur", 0.1, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "amp", 10, &error));
  st = nrt_model_get_data (m)->settings;
  st.tstop = 10;
  st.dt = 0.025;
  st.celsius = 6.3;
  st.v_init = -65;
  g_assert_true (nrt_model_set_settings (m, &st, &error));
  g_assert_no_error (error);
  return m;
}

/* The channel cell with point processes of every other kind: a point channel kpt (k, ohmic,
 * 0.002 uS, one HH gate n^2), an SEClamp holding the dendrite's end at -70 mV for 3 ms, and
 * an APCount at the soma. */
static NrtModel *
channel_cell_points (void)
{
  NrtModel *m = nrt_check_channel_cell ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) kpt = nrt_channel_new ("kpt");
  int pp;

  kpt->kind = NRT_CHANNEL_POINT;
  kpt->ion = NRT_ION_K;
  kpt->gmax = 0.002;
  nrt_channel_add_gate (kpt, "n", 2, NRT_GATE_ALPHA_BETA, RATE (NRT_RATE_LINOID, 0.1, 0.1, -55),
                        RATE (NRT_RATE_EXP, 0.125, -1.0 / 80, -65));
  g_assert_true (nrt_model_add_channel (m, kpt, &error));
  pp = nrt_model_add_point_process (m, "kpt", "soma", 0.5, &error);
  g_assert_no_error (error);
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "gmax", 0.002, &error));
  pp = nrt_model_add_point_process (m, "SEClamp", "dend", 1, &error);
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "dur1", 3, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "amp1", -70, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "rs", 10, &error));
  g_assert_cmpint (nrt_model_add_point_process (m, "APCount", "soma", 0.5, &error), >=, 0);
  g_assert_no_error (error);
  return m;
}

/* The kitchen sink (ExpSyn, Exp2Syn and AlphaSynapse, a NetStim driving two NetCons, 3-D
 * points, mid-section branches, Crank-Nicolson at 16.3 degC without hh tables) and a VClamp
 * stepping the axon's end to -60 mV for 2 ms. */
static NrtModel *
synapse_cell (void)
{
  NrtModel *m = nrt_io_build_kitchen_sink ();
  g_autoptr(GError) error = NULL;
  int pp = nrt_model_add_point_process (m, "VClamp", "axon", 0.9, &error);

  g_assert_no_error (error);
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "dur0", 2, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "amp0", -60, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "dur1", 1, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "amp1", -65, &error));
  g_assert_no_error (error);
  return m;
}

static NrtModel *
stylized_cell (void)
{
  return nrt_check_read_model ("stylized-cell.nml");
}

static NrtModel *
squid_axon (void)
{
  return nrt_check_read_model ("squid-axon.nml");
}

static NrtModel *
ca1_cell (void)
{
  return nrt_check_read_model ("ca1-pyramidal.nml");
}

/* The channel cell with nahh's alpha_m written as the ChannelBuilder's expression rate (hh's
 * own formula, a third as fast as nahh's q10 makes it at 6.3 degC). */
NrtModel *
nrt_check_expression_cell (void)
{
  NrtModel *m = nrt_check_channel_cell ();
  g_autoptr(GError) error = NULL;
  int index = nrt_model_find_channel (m, "nahh");
  g_autoptr(NrtChannel) na = nrt_channel_copy (nrt_model_get_data (m)->channels->pdata[index]);
  g_autoptr(NrtRateFunc) f = nrt_rate_func_new_expression ("0.1 * (v + 40) / (1 - exp(-(v + 40) / 10))",
                                                           &error);
  NrtGate *gate = na->gates->pdata[nrt_channel_find_gate (na, "m")];
  NrtRate r;

  g_assert_no_error (error);
  r = nrt_rate_new_func (f);
  nrt_rate_clear (&gate->rate[0]);
  gate->rate[0] = r;
  g_assert_true (nrt_model_replace_channel (m, "nahh", na, &error));
  g_assert_no_error (error);
  return m;
}

const NrtCheckModel nrt_check_models[] = {
  { "stylized-cell", stylized_cell, NRT_CHECK_NO_CHANNELS },
  { "ca1-pyramidal", ca1_cell, NRT_CHECK_NO_CHANNELS },
  { "squid-axon", squid_axon, NRT_CHECK_NO_CHANNELS },
  { "synapses", synapse_cell, NRT_CHECK_NO_CHANNELS },
  { "channels", channel_cell_points, NRT_CHECK_CHANNELS },
  { "expression-rate", nrt_check_expression_cell, NRT_CHECK_CHANNELS_NMODL },
  { NULL, NULL, NRT_CHECK_NO_CHANNELS },
};

void
nrt_check_mods_beside (NrtModel *model, const char *dir)
{
  const NrtModelData *d = nrt_model_get_data (model);

  for (guint c = 0; c < d->channels->len; c++)
    {
      const NrtChannel *ch = d->channels->pdata[c];
      g_autoptr(GError) error = NULL;
      g_autofree char *file = g_strdup_printf ("%s.mod", ch->name);
      g_autofree char *mod = g_build_filename (dir, file, NULL);
      g_autofree char *want = nrt_nmodl_write_channel (ch, &error);
      g_autofree char *got = NULL;

      g_assert_true (g_file_get_contents (mod, &got, NULL, &error));
      g_assert_cmpstr (got, ==, want);
    }
}

/* test-hoc.c: the CellBuilder's hoc template (core/io/nrt-hoc.c): its layout, and, where
 * /usr/bin/python3 imports NEURON, the cell NEURON builds from it and the trace it gives.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nrt-hoc.h"
#include "nrt-neuroml.h"
#include "nrt-sim.h"

#define PYTHON "/usr/bin/python3"

static NrtModel *
read_model (const char *file)
{
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", file, NULL);
  g_autoptr(GError) error = NULL;
  NrtModel *model = nrt_neuroml_read_file (path, &error);

  g_assert_no_error (error);
  return model;
}

/* The lab's Part 3 cell as the CellBuilder makes it: topology, an "apical" subset, and
 * geometry and biophysics specifications (later entries override earlier ones). */
static NrtModel *
part3_with_specs (void)
{
  g_autoptr(GError) e = NULL;
  NrtModel *m = nrt_model_new_default ();
  g_autoptr(NrtGeometrySpec) g_all = nrt_geometry_spec_new ("all");
  g_autoptr(NrtGeometrySpec) g_ap = nrt_geometry_spec_new ("apical");
  g_autoptr(NrtGeometrySpec) g_soma = nrt_geometry_spec_new ("soma");
  g_autoptr(NrtGeometrySpec) g_bas = nrt_geometry_spec_new ("bas");
  g_autoptr(NrtGeometrySpec) g_axon = nrt_geometry_spec_new ("axon");
  g_autoptr(NrtBiophysicsSpec) b_all = nrt_biophysics_spec_new ("all");
  g_autoptr(NrtBiophysicsSpec) b_soma = nrt_biophysics_spec_new ("soma");
  g_autoptr(NrtBiophysicsSpec) b_ap = nrt_biophysics_spec_new ("apical");
  g_autoptr(NrtBiophysicsSpec) b_bas = nrt_biophysics_spec_new ("bas");
  g_autoptr(NrtBiophysicsSpec) b_axon = nrt_biophysics_spec_new ("axon");
  const double apL[] = { 400, 300, 500 }, apd[] = { 2, 1, 1 };
  const NrtMechanismInfo *hh = nrt_mechanism_info (NRT_MECH_HH);
  const NrtMechanismInfo *pas = nrt_mechanism_info (NRT_MECH_PAS);

  g_assert_cmpint (nrt_model_add_section (m, "ap[0]", "soma", 1, 100, 1, &e), >=, 0);
  g_assert_cmpint (nrt_model_add_section (m, "ap[1]", "ap[0]", 1, 100, 1, &e), >=, 0);
  g_assert_cmpint (nrt_model_add_section (m, "ap[2]", "ap[0]", 1, 100, 1, &e), >=, 0);
  g_assert_cmpint (nrt_model_add_section (m, "bas", "soma", 0, 100, 1, &e), >=, 0);
  g_assert_cmpint (nrt_model_add_section (m, "axon", "soma", 0, 100, 1, &e), >=, 0);
  g_assert_true (nrt_model_add_subset (m, "apical", &e));
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("ap[%d]", i);
      g_assert_true (nrt_model_subset_add_section (m, "apical", name, &e));
    }

  g_all->kinds = NRT_GEO_D_LAMBDA;
  g_all->d_lambda = 0.1;
  g_ap->kinds = NRT_GEO_DISTINCT_L | NRT_GEO_DISTINCT_DIAM;
  g_ap->distinct_L = g_array_new (FALSE, FALSE, sizeof (double));
  g_ap->distinct_diam = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_vals (g_ap->distinct_L, apL, 3);
  g_array_append_vals (g_ap->distinct_diam, apd, 3);
  g_soma->kinds = g_bas->kinds = g_axon->kinds = NRT_GEO_L | NRT_GEO_DIAM;
  g_soma->L = 20, g_soma->diam = 20;
  g_bas->L = 200, g_bas->diam = 3;
  g_axon->L = 800, g_axon->diam = 1;
  {
    NrtGeometrySpec *specs[] = { g_all, g_ap, g_soma, g_bas, g_axon };
    g_assert_true (nrt_model_set_geometry_specs (m, specs, G_N_ELEMENTS (specs), &e));
  }

  b_all->has_Ra = b_all->has_cm = TRUE;
  b_all->Ra = 160, b_all->cm = 1;
  for (guint p = 0; p < hh->n_params; p++)
    b_soma->mech[NRT_MECH_HH].p[p] = b_ap->mech[NRT_MECH_HH].p[p] = b_axon->mech[NRT_MECH_HH].p[p]
      = hh->params[p].def;
  for (guint p = 0; p < pas->n_params; p++)
    b_bas->mech[NRT_MECH_PAS].p[p] = pas->params[p].def;
  b_soma->mech[NRT_MECH_HH].inserted = b_ap->mech[NRT_MECH_HH].inserted = TRUE;
  b_axon->mech[NRT_MECH_HH].inserted = b_bas->mech[NRT_MECH_PAS].inserted = TRUE;
  b_ap->mech[NRT_MECH_HH].p[nrt_param_lookup (hh, "gnabar_hh")] = 0.012;
  b_ap->mech[NRT_MECH_HH].p[nrt_param_lookup (hh, "gkbar_hh")] = 0.0036;
  b_ap->mech[NRT_MECH_HH].p[nrt_param_lookup (hh, "el_hh")] = -64;
  b_bas->mech[NRT_MECH_PAS].p[nrt_param_lookup (pas, "e_pas")] = -65;
  {
    NrtBiophysicsSpec *specs[] = { b_all, b_soma, b_ap, b_bas, b_axon };
    g_assert_true (nrt_model_set_biophysics_specs (m, specs, G_N_ELEMENTS (specs), &e));
  }
  g_assert_true (nrt_model_set_class_name (m, "BCell", &e));
  g_assert_no_error (e);
  return m;
}

/* Every needle occurs in text, in this order. */
static void
assert_in_order (const char *text, const char *const *needles)
{
  const char *at = text;

  for (guint i = 0; needles[i] != NULL; i++)
    {
      const char *hit = strstr (at, needles[i]);
      if (hit == NULL)
        g_error ("“%s” missing (or out of order) in:\n%s", needles[i], text);
      at = hit + strlen (needles[i]);
    }
}

static void
test_structure_stylized (void)
{
  g_autoptr(NrtModel) model = read_model ("stylized-cell.nml");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *const needles[] = {
    "begintemplate Cell\n",
    "public init, topol, basic_shape, subsets, geom, biophys, geom_nseg, biophys_inhomo\n",
    "public synlist, x, y, z, position, connect2target\n",
    "\npublic soma, ap, bas, axon\npublic all\n\nobjref synlist\n\n",
    "proc init() {\n  topol()\n  subsets()\n  geom()\n  biophys()\n  geom_nseg()\n"
      "  synlist = new List()\n  synapses()\n  x = y = z = 0 // only change via position\n}\n",
    "\ncreate soma, ap[3], bas, axon\n",
    "\nproc topol() { local i\n  connect ap(0), soma(1)\n  connect ap[1](0), ap(1)\n",
    "  basic_shape()\n}\n",
    "proc basic_shape() {\n  soma {pt3dclear() pt3dadd(0, 0, 0, 1) pt3dadd(15, 0, 0, 1)}\n",
    "\nobjref all\nproc subsets() { local i\n  objref all\n  all = new SectionList()\n"
      "    soma all.append()\n    for i=0, 2 ap[i] all.append()\n",
    "proc geom() {\n  soma {  L = 20  diam = 20  }\n",
    "external lambda_f\nproc geom_nseg() {\n"
      "  soma { nseg = int((L/(0.1*lambda_f(100))+.999)/2)*2 + 1  }\n",
    "proc biophys() {\n  soma {\n    Ra = 160\n    cm = 1\n    insert hh\n      gnabar_hh = 0.12\n"
      "      gkbar_hh = 0.036\n      gl_hh = 0.0003\n      el_hh = -54.3\n  }\n",
    "  bas {\n    Ra = 160\n    cm = 1\n    insert pas\n      g_pas = 0.001\n      e_pas = -65\n  }\n",
    "proc biophys_inhomo(){}\n",
    "proc position() { local i\n  soma for i = 0, n3d()-1 {\n",
    "obfunc connect2target() { localobj nc //$o1 target point process, optional $o2 returned NetCon\n"
      "  soma nc = new NetCon(&v(1), $o1)\n  nc.threshold = 10\n",
    "proc synapses() {}\nendtemplate Cell\n",
    NULL
  };

  text = nrt_hoc_write_cellbuilder (model, &error);
  g_assert_no_error (error);
  assert_in_order (text, needles);
  g_assert_null (strstr (text, "ena ="));  /* ions at their defaults are not written */
}

static void
test_structure_soma (void)
{
  g_autoptr(NrtModel) model = read_model ("soma-hh.nml");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  NrtHocCellOptions options = { "soma", 0.5, -20 };
  const char *const needles[] = {
    "begintemplate Cell\n", "\npublic soma\npublic all\n", "\ncreate soma\n",
    "proc topol() { local i\n  basic_shape()\n}\n", "    soma all.append()\n",
    " soma { nseg = 1  }\n", "    insert hh\n",
    "  soma nc = new NetCon(&v(0.5), $o1)\n  nc.threshold = -20\n", "endtemplate Cell\n", NULL
  };

  text = nrt_hoc_write_cellbuilder_full (model, &options, &error);
  g_assert_no_error (error);
  assert_in_order (text, needles);

  options.output_section = "nowhere";
  g_assert_null (nrt_hoc_write_cellbuilder_full (model, &options, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID);
}

static void
test_structure_specs (void)
{
  g_autoptr(NrtModel) model = part3_with_specs ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = nrt_hoc_write_cellbuilder (model, &error);
  const char *const needles[] = {
    "begintemplate BCell\n", "\npublic soma, ap, bas, axon\npublic all, apical\n",
    "\nobjref all, apical\nproc subsets() { local i\n  objref all, apical\n",
    "  apical = new SectionList()\n    for i=0, 2 ap[i] apical.append()\n",
    "proc geom() {\n  forsec all {  }\n  forsec apical {  }\n   ap.L = 400\n   ap[1].L = 300\n"
      "   ap[2].L = 500\n   ap.diam = 2\n   ap[1].diam = 1\n   ap[2].diam = 1\n"
      "  soma {  L = 20  diam = 20  }\n",
    "proc geom_nseg() {\n  forsec all { nseg = int((L/(0.1*lambda_f(100))+.999)/2)*2 + 1  }\n}\n",
    "proc biophys() {\n  forsec all {\n    Ra = 160\n    cm = 1\n  }\n  soma {\n    insert hh\n",
    "  forsec apical {\n    insert hh\n      gnabar_hh = 0.012\n      gkbar_hh = 0.0036\n",
    "endtemplate BCell\n", NULL
  };

  g_assert_no_error (error);
  assert_in_order (text, needles);
}

/* ---- NEURON ----------------------------------------------------------------------- */

typedef struct {
  GHashTable *sec;   /* name → line "sec ..." split */
  GHashTable *mech;  /* "name param" → value (double*) */
  GArray     *v;
  int         n_allsec;
} NeuronCell;

static void
neuron_cell_free (NeuronCell *c)
{
  g_hash_table_unref (c->sec);
  g_hash_table_unref (c->mech);
  g_array_unref (c->v);
  g_free (c);
}

/* Runs hoc-roundtrip.py on model's template; NULL (and the test skipped) without NEURON. */
static NeuronCell *
neuron_load (NrtModel *model, const char *classname, gboolean run)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nrt-hoc-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cell.hoc", NULL);
  g_autofree char *script = g_build_filename (NRT_SOURCE_ROOT, "tests", "io", "hoc-roundtrip.py", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { PYTHON, script, path, classname, run ? "--run" : NULL, NULL };
  int status = 0;
  NeuronCell *c;

  g_assert_no_error (error);
  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no " PYTHON);
      return NULL;
    }
  g_assert_true (nrt_hoc_write_file (model, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    {
      g_test_skip ("NEURON is not importable by " PYTHON "; the hoc round trip was not run");
      return NULL;
    }
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("hoc-roundtrip.py failed: %s\n%s", error->message, err);

  c = g_new0 (NeuronCell, 1);
  c->sec = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  c->mech = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->v = g_array_new (FALSE, FALSE, sizeof (double));
  lines = g_strsplit (out, "\n", -1);
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
static void
assert_same_cell (NrtModel *model, NeuronCell *c)
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

static void
test_neuron_topology (gconstpointer file)
{
  g_autoptr(NrtModel) model = read_model (file);
  NeuronCell *c = neuron_load (model, "Cell", FALSE);

  if (c == NULL)
    return;
  assert_same_cell (model, c);
  neuron_cell_free (c);
}

static void
test_neuron_specs (void)
{
  g_autoptr(NrtModel) model = part3_with_specs ();
  g_autoptr(NrtModel) reference = read_model ("stylized-cell.nml");
  NeuronCell *c = neuron_load (model, "BCell", FALSE);

  if (c == NULL)
    return;
  assert_same_cell (model, c);
  assert_same_cell (reference, c);
  neuron_cell_free (c);
}

/* 10 ms of the stylized cell with its IClamp: NEURON from the hoc file vs nrt_sim. */
static void
test_neuron_trace (void)
{
  g_autoptr(NrtModel) model = read_model ("stylized-cell.nml");
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtNetwork) net = NULL;
  g_autoptr(NrtSim) sim = NULL;
  NeuronCell *c = neuron_load (model, "Cell", TRUE);
  double max_diff = 0, peak = -1e9;
  guint n = 0;
  int rec;

  if (c == NULL)
    return;
  assert_same_cell (model, c);

  net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  sim = nrt_sim_new (net);
  rec = nrt_sim_add_record (sim, "soma(0.5).v", &error);
  g_assert_no_error (error);
  nrt_sim_init (sim);
  for (;;)
    {
      double v = nrt_sim_record_value (sim, rec);
      g_assert_cmpuint (n, <, c->v->len);
      max_diff = MAX (max_diff, fabs (v - g_array_index (c->v, double, n)));
      peak = MAX (peak, v);
      n++;
      if (nrt_sim_reached (sim, 10))
        break;
      g_assert_true (nrt_sim_step (sim, &error));
    }
  g_assert_cmpuint (n, ==, c->v->len);
  g_test_message ("stylized cell, hoc in NEURON vs Neurite: %u samples, max |dv| = %.3g mV, "
                  "peak %.3f mV", n, max_diff, peak);
  g_assert_cmpfloat (peak, >, 0);  /* it spiked */
  g_assert_cmpfloat (max_diff, <=, 1e-6);
  neuron_cell_free (c);
}

#define RATE(form, A, k, d) (&(NrtRate) { (form), (A), (k), (d) })

/* A soma and a dendrite with ChannelBuilder channels only: nahh with a q10 of 3 from 16.3 degC
 * (so a third of its rates at 6.3), khh, a NonSpecific leak, kca (three states, a cai^2
 * ligand transition, an inf/tau transition), cag (GHK); the dendrite's ek -80 mV; an IClamp
 * as hoc-roundtrip.py places it (1 ms, 0.1 ms, 10 nA). */
static NrtModel *
channel_cell (void)
{
  NrtModel *m = nrt_model_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) na = nrt_channel_new_hh_na ();
  g_autoptr(NrtChannel) k = nrt_channel_new_hh_k ();
  g_autoptr(NrtChannel) leak = nrt_channel_new ("leak");
  g_autoptr(NrtChannel) kca = nrt_channel_new ("kca");
  g_autoptr(NrtChannel) cag = nrt_channel_new ("cag");
  NrtKsScheme *ks;
  NrtRunSettings st;
  int pp;

  na->gmax = 0.36;
  na->q10 = 3;
  na->q10_temperature = 16.3;
  k->gmax = 0.036;
  leak->gmax = 0.0003;
  leak->erev = -54.3;
  kca->ion = NRT_ION_K;
  kca->gmax = 0.002;
  ks = nrt_channel_add_scheme (kca, 1);
  nrt_ks_scheme_add_state (ks, "C1", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "C2", 0, 50, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 100, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA, RATE (NRT_RATE_LINOID, 0.1, 0.1, -40),
                                RATE (NRT_RATE_EXP, 0.05, -1.0 / 20, -65), NRT_ION_NONSPECIFIC, 1);
  nrt_ks_scheme_add_transition (ks, 1, 2, NRT_TRANS_LIGAND_INSIDE,
                                RATE (NRT_RATE_CONSTANT, 2e7, 0, 0),
                                RATE (NRT_RATE_CONSTANT, 0.1, 0, 0), NRT_ION_CA, 2);
  nrt_ks_scheme_add_transition (ks, 2, 0, NRT_GATE_INF_TAU, RATE (NRT_RATE_SIGMOID, 1, -0.1, -45),
                                RATE (NRT_RATE_EXP, 5, -0.01, -60), NRT_ION_NONSPECIFIC, 1);
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

/* The KSChan text of a channel and the template's insertion of channels. */
static void
test_channels_text (void)
{
  g_autoptr(NrtModel) model = channel_cell ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = nrt_hoc_write_cellbuilder (model, &error);
  g_autoptr(NrtChannel) bad = nrt_channel_new ("bad");

  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "{ ksc_nahh = new KSChan(0)  ks_ = ksc_nahh\n  ks_.name(\"nahh\")  "
                                  "ks_.ion(\"na\")  ks_.iv_type(0)  ks_.gmax(0.36)  ks_.erev(0) }\n"));
  g_assert_nonnull (strstr (text, "// its q10 3 from 16.3 degC applied for celsius = 6.3\n"));
  /* am = linoid(1, 0.1, -40) a third as fast */
  g_assert_nonnull (strstr (text, "tobj_.set_f(0, 3, ksvec_.c.append(0.3333333333333333, 0.1, -40))\n"));
  g_assert_nonnull (strstr (text, "  tobj_.type(3, \"cai\")\n"));
  g_assert_nonnull (strstr (text, "  tobj_.stoichiometry(2)\n"));
  g_assert_nonnull (strstr (text, "ks_.iv_type(2)  ks_.gmax(2e-05)"));
  g_assert_nonnull (strstr (text, "    insert cag\n      pmax_cag = 2e-05\n"));
  g_assert_nonnull (strstr (text, "    insert leak\n      gmax_leak = 0.0003\n      e_leak = -54.3\n"));
  g_assert_nonnull (strstr (text, "    ek = -80\n"));
  g_assert_true (strstr (text, "KSChan(0)") < strstr (text, "begintemplate"));

  bad->gmax = -1;
  g_assert_null (nrt_hoc_write_kschan (bad, 6.3, &error));
  g_assert_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE);
}

/* The channel cell's hoc file run in NEURON (KSChans) against Neurite. */
static void
test_neuron_channels (void)
{
  g_autoptr(NrtModel) model = channel_cell ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtNetwork) net = NULL;
  g_autoptr(NrtSim) sim = NULL;
  NeuronCell *c = neuron_load (model, "Cell", TRUE);
  double max_diff = 0, peak = -1e9;
  guint n = 0;
  int rec;

  if (c == NULL)
    return;
  net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  sim = nrt_sim_new (net);
  rec = nrt_sim_add_record (sim, "soma(0.5).v", &error);
  g_assert_no_error (error);
  nrt_sim_init (sim);
  for (;;)
    {
      double v = nrt_sim_record_value (sim, rec);
      g_assert_cmpuint (n, <, c->v->len);
      max_diff = MAX (max_diff, fabs (v - g_array_index (c->v, double, n)));
      peak = MAX (peak, v);
      n++;
      if (nrt_sim_reached (sim, 10))
        break;
      g_assert_true (nrt_sim_step (sim, &error));
    }
  g_assert_cmpuint (n, ==, c->v->len);
  g_test_message ("channel cell, hoc KSChans in NEURON vs Neurite: %u samples, max |dv| = %.3g mV, "
                  "peak %.3f mV", n, max_diff, peak);
  g_assert_cmpfloat (peak, >, 0);
  g_assert_cmpfloat (max_diff, <=, 1e-6);
  neuron_cell_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/hoc/structure/stylized-cell", test_structure_stylized);
  g_test_add_func ("/io/hoc/structure/soma", test_structure_soma);
  g_test_add_func ("/io/hoc/structure/specs", test_structure_specs);
  g_test_add_func ("/io/hoc/structure/channels", test_channels_text);
  g_test_add_data_func ("/io/hoc/neuron/topology/stylized-cell", "stylized-cell.nml", test_neuron_topology);
  g_test_add_data_func ("/io/hoc/neuron/topology/soma", "soma-hh.nml", test_neuron_topology);
  g_test_add_func ("/io/hoc/neuron/specs", test_neuron_specs);
  g_test_add_func ("/io/hoc/neuron/trace", test_neuron_trace);
  g_test_add_func ("/io/hoc/neuron/channels", test_neuron_channels);
  return g_test_run ();
}

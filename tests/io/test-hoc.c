/* test-hoc.c: the CellBuilder's hoc template (core/io/nrt-hoc.c): its layout, and, where
 * /usr/bin/python3 imports NEURON, the cell NEURON builds from it and the trace it gives.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nrt-hoc.h"
#include "nrt-nmodl.h"
#include "nrt-neuroml.h"
#include "nrt-sim.h"
#include "nrt-export-check.h"
#include "nrt-io-models.h"


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

/* The Export card's form: NEURON 8.2.2's CellBuild "Export" layout (celmang.hoc xport()). */
static void
test_structure_celldef (void)
{
  g_autoptr(NrtModel) model = read_model ("stylized-cell.nml");
  g_autoptr(NrtModel) specs = part3_with_specs ();
  g_autoptr(GError) error = NULL;
  NrtHocCellOptions o = { NULL, 1, 10, NRT_HOC_FORM_CELLDEF, NRT_HOC_CHANNELS_KSCHAN,
                          NRT_HOC_SESSION_NONE };
  g_autofree char *text = nrt_hoc_write_cellbuilder_full (model, &o, &error);
  g_autofree char *text_specs = NULL;
  const char *const needles[] = {
    "proc celldef() {\n  topol()\n  subsets()\n  geom()\n  biophys()\n  geom_nseg()\n}\n"
      "\ncreate soma, ap[3], bas, axon\n",
    "\nproc topol() { local i\n  connect ap(0), soma(1)\n",
    "proc basic_shape() {\n  soma {pt3dclear() pt3dadd(0, 0, 0, 1) pt3dadd(15, 0, 0, 1)}\n",
    "\nobjref all\nproc subsets() { local i\n  objref all\n  all = new SectionList()\n",
    "proc geom() {\n  soma {  L = 20  diam = 20  }\n",
    "}\nproc geom_nseg() {\n  soma { nseg = int((L/(0.1*lambda_f(100))+.999)/2)*2 + 1  }\n",
    "proc biophys() {\n  soma {\n    Ra = 160\n",
    NULL
  };
  const char *const needles_specs[] = {
    "proc celldef() {\n", "\ncreate soma, ap[3], bas, axon\n",
    "\nobjref all, apical\nproc subsets() { local i\n  objref all, apical\n",
    "proc geom() {\n  forsec all {  }\n  forsec apical {  }\n   ap.L = 400\n",
    "}\nproc geom_nseg() {\n  forsec all { nseg = int((L/(0.1*lambda_f(100))+.999)/2)*2 + 1  }\n}\n"
      "proc biophys() {\n  forsec all {\n    Ra = 160\n    cm = 1\n  }\n",
    "  }\n}\naccess soma\n\ncelldef()\n", NULL
  };

  g_assert_no_error (error);
  assert_in_order (text, needles);
  g_assert_true (g_str_has_suffix (text, "  }\n}\naccess soma\n\ncelldef()\n"));
  g_assert_null (strstr (text, "begintemplate"));
  g_assert_null (strstr (text, "external lambda_f"));  /* only inside a template */
  g_assert_null (strstr (text, "biophys_inhomo"));
  g_assert_null (strstr (text, "connect2target"));
  g_assert_null (strstr (text, "session"));
  text_specs = nrt_hoc_write_cellbuilder_full (specs, &o, &error);
  g_assert_no_error (error);
  assert_in_order (text_specs, needles_specs);
}

/* The session part: stimuli, NetStims, NetCons and settings, named clear of the cell's names. */
static void
test_structure_session (void)
{
  g_autoptr(NrtModel) sink = nrt_io_build_kitchen_sink ();
  g_autoptr(NrtModel) clash = nrt_model_new ();
  g_autoptr(GError) error = NULL;
  NrtHocCellOptions o = { NULL, 1, 10, NRT_HOC_FORM_CLASS, NRT_HOC_CHANNELS_KSCHAN,
                          NRT_HOC_SESSION_RUN };
  g_autofree char *text = NULL, *text_clash = NULL;
  int pp;
  const char *const needles[] = {
    "endtemplate Cell\n\n// Neurite's stimuli and run settings\nload_file(\"stdrun.hoc\")\n"
      "objref cell\nobjref pp[6]\nobjref netstim[1]\nobjref netcon[2]\nproc session() {\n"
      "  cell = new Cell()\n  cell.soma pp[0] = new IClamp(0.5)  // IClamp[0]\n"
      "  pp[0].del = 1\n  pp[0].dur = 0.5\n  pp[0].amp = 0.3\n",
    "  cell.dend[1] pp[2] = new ExpSyn(0.25)  // ExpSyn[0]\n  pp[2].tau = 2\n  pp[2].e = 0\n",
    "  cell.axon pp[5] = new VClamp(0.9)  // VClamp[0]\n  pp[5].dur[0] = 2\n",
    "  pp[5].amp[0] = -60\n",
    "  pp[5].fac = 0\n  netstim[0] = new NetStim()\n"
      "  netstim[0].start = 5  netstim[0].interval = 10  netstim[0].number = 3"
      "  netstim[0].noise = 0\n",
    "  netcon[1] = new NetCon(netstim[0], pp[3])\n"
      "  netcon[1].weight = 0.02  netcon[1].delay = 2.5  netcon[1].threshold = 10\n",
    "  tstop = 42.5\n  dt = 0.0125\n  steps_per_ms = 20\n  v_init = -70.25\n  celsius = 16.3\n"
      "  secondorder = 2\n  usetable_hh = 0\n  nai0_na_ion = 10\n",
    "    if (ismembrane(\"ca_ion\")) { cai = cai0_ca_ion  cao = cao0_ca_ion }\n"
      "  }\n}\nsession()\nrun()\n",
    NULL
  };

  pp = nrt_model_add_point_process (sink, "VClamp", "axon", 0.9, &error);
  g_assert_true (nrt_model_set_point_process_param (sink, (guint) pp, "dur0", 2, &error));
  g_assert_true (nrt_model_set_point_process_param (sink, (guint) pp, "amp0", -60, &error));
  text = nrt_hoc_write_cellbuilder_full (sink, &o, &error);
  g_assert_no_error (error);
  assert_in_order (text, needles);
  g_assert_true (g_str_has_suffix (text, "session()\nrun()\n"));
  g_assert_null (strstr (text, "vo0"));  /* VClamp's INITIAL sets e0, vo0, vi0 */

  /* A section called pp, a subset called netstim: the session's arrays move aside. */
  g_assert_cmpint (nrt_model_add_section (clash, "pp", NULL, 0, 10, 10, &error), ==, 0);
  g_assert_true (nrt_model_add_subset (clash, "netstim", &error));
  g_assert_cmpint (nrt_model_add_point_process (clash, "IClamp", "pp", 0.5, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_netstim (clash, 1, 10, 1, 0, &error), ==, 0);
  o.form = NRT_HOC_FORM_CELLDEF;
  o.session = NRT_HOC_SESSION_SETUP;
  text_clash = nrt_hoc_write_cellbuilder_full (clash, &o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text_clash, "objref pp_[1]\nobjref netstim_[1]\nproc session() {\n"
                                        "  pp pp_[0] = new IClamp(0.5)  // IClamp[0]\n"));
  g_assert_true (g_str_has_suffix (text_clash, "}\nsession()\n"));
}

/* The h.topology() check itself: NEURON's text for the stylized cell passes; the same text
 * with ap[2] moved one node along ap[0] does not. */
static const char stylized_topology[] =
  "\n|-|       soma(0-1)\n"
  "   `------------|       ap[0](0-1)\n"
  "                 `--------------|       ap[1](0-1)\n"
  "                 `----------------------|       ap[2](0-1)\n"
  " `------|       bas(0-1)\n"
  " `------------------------------------|       axon(0-1)\n";

static void
test_topology_check (void)
{
  g_autoptr(NrtModel) model = read_model ("stylized-cell.nml");

  if (g_test_subprocess ())
    {
      g_autofree char *moved = g_strdup (stylized_topology);
      char *line = strstr (moved, " `----------------------|       ap[2]");
      line[0] = '`', line[1] = '-';  /* one column left: ap[0]'s last segment, not its 1 end */
      nrt_check_topology (model, moved, NULL);
      return;
    }
  if (g_getenv ("NEURITE_CLI") == NULL)
    {
      g_test_skip ("NEURITE_CLI is not set");
      return;
    }
  g_assert_cmpuint (nrt_check_topology (model, stylized_topology, NULL), ==, 6);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

/* ---- NEURON ----------------------------------------------------------------------- */

typedef struct {
  GHashTable *sec;       /* name → line "sec ..." split */
  GHashTable *mech;      /* "name param" → value (double*) */
  GArray     *v;
  int         n_allsec;
  char       *topology;  /* h.topology()'s text, or NULL */
} NeuronCell;

static void
neuron_cell_free (NeuronCell *c)
{
  g_hash_table_unref (c->sec);
  g_hash_table_unref (c->mech);
  g_array_unref (c->v);
  g_free (c->topology);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NeuronCell, neuron_cell_free)

/* hoc-roundtrip.py's (and python-roundtrip.py's) output. */
static NeuronCell *
parse_neuron (const char *out)
{
  NeuronCell *c = g_new0 (NeuronCell, 1);
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

/* Writes model's hoc file with options into a fresh folder and runs hoc-roundtrip.py on it
 * with args; NULL (and the test skipped) without NEURON. */
static NeuronCell *
neuron_run (NrtModel *model, const NrtHocCellOptions *options, const char *classname,
            const char *const *args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = nrt_check_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cell.hoc", NULL);
  g_autofree char *script = g_build_filename (NRT_SOURCE_ROOT, "tests", "io", "hoc-roundtrip.py", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_assert_true (nrt_hoc_write_file_full (model, options, path, &error));
  g_assert_no_error (error);
  g_ptr_array_add (argv, NRT_CHECK_PYTHON);
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, (char *) classname);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  out = nrt_check_spawn ((const char *const *) argv->pdata, dir);
  nrt_check_rm_tree (dir);
  return out != NULL ? parse_neuron (out) : NULL;
}

/* The template form, instantiated by the script (old interface). */
static NeuronCell *
neuron_load (NrtModel *model, const char *classname, gboolean run)
{
  const char *const args[] = { run ? "--run" : NULL, NULL };

  return neuron_run (model, NULL, classname, args);
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
  g_autoptr(GArray) ours = NULL;
  NeuronCell *c = neuron_load (model, "Cell", TRUE);
  double max_diff;

  if (c == NULL)
    return;
  assert_same_cell (model, c);
  ours = nrt_check_neurite_trace (model, "soma(0.5).v");
  max_diff = nrt_check_max_diff (ours, c->v);
  g_test_message ("stylized cell, hoc in NEURON vs Neurite: %u samples, max |dv| = %.3g mV",
                  ours->len, max_diff);
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

/* Channels as NMODL files: the hoc names them and inserts them; the file writer writes them
 * beside the hoc. */
static void
test_channels_nmodl (void)
{
  g_autoptr(NrtModel) model = channel_cell ();
  g_autoptr(GError) error = NULL;
  NrtHocCellOptions o = { NULL, 1, 10, NRT_HOC_FORM_CELLDEF, NRT_HOC_CHANNELS_NMODL,
                          NRT_HOC_SESSION_NONE };
  g_autofree char *text = nrt_hoc_write_cellbuilder_full (model, &o, &error);
  g_autofree char *dir = nrt_check_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cell.hoc", NULL);
  g_autofree char *bad = g_build_filename (dir, "cell.hoc", "x.hoc", NULL);  /* under a file */
  const NrtModelData *d = nrt_model_get_data (model);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "// ChannelBuilder channels, as NMODL files beside this "
                                         "one; compile them first with\n//   nrnivmodl nahh.mod "
                                         "khh.mod leak.mod kca.mod cag.mod\n\nproc celldef() {\n"));
  g_assert_null (strstr (text, "KSChan"));
  g_assert_nonnull (strstr (text, "    insert cag\n      pmax_cag = 2e-05\n"));
  g_assert_true (nrt_hoc_write_file_full (model, &o, path, &error));
  g_assert_no_error (error);
  for (guint c = 0; c < d->channels->len; c++)
    {
      const NrtChannel *ch = d->channels->pdata[c];
      g_autofree char *file = g_strdup_printf ("%s.mod", ch->name);
      g_autofree char *mod = g_build_filename (dir, file, NULL);
      g_autofree char *want = nrt_nmodl_write_channel (ch, &error);
      g_autofree char *got = NULL;
      g_assert_true (g_file_get_contents (mod, &got, NULL, &error));
      g_assert_cmpstr (got, ==, want);
    }
  {
    g_autofree char *got = NULL;
    g_assert_true (g_file_get_contents (path, &got, NULL, &error));
    g_assert_cmpstr (got, ==, text);
  }
  g_assert_false (nrt_hoc_write_file_full (model, &o, bad, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE);
  nrt_check_rm_tree (dir);
}

/* The channel cell with point processes of every other kind: a point channel kpt (k, ohmic,
 * 0.002 uS, one HH gate n^2), an SEClamp holding the dendrite's end at -70 mV for 3 ms, and
 * an APCount at the soma. */
static NrtModel *
channel_cell_points (void)
{
  NrtModel *m = channel_cell ();
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
  return read_model ("stylized-cell.nml");
}

static NrtModel *
squid_axon (void)
{
  return read_model ("squid-axon.nml");
}

typedef struct {
  NrtModel      *(*build) (void);
  NrtHocForm       form;
  NrtHocChannels   channels;
} SessionCase;

/* A hoc export with its session part run in NEURON (stdrun's run(), the file's own stimuli and
 * settings) against Neurite: the cell, the root's trace and h.topology() vs neurite-cli info. */
static void
test_neuron_session (gconstpointer data)
{
  const SessionCase *sc = data;
  g_autoptr(NrtModel) model = sc->build ();
  const NrtModelData *d = nrt_model_get_data (model);
  NrtHocCellOptions o = { NULL, 1, 10, sc->form, sc->channels, NRT_HOC_SESSION_SETUP };
  const char *root = NULL;
  g_autofree char *record = NULL, *prefix = NULL;
  g_autoptr(NeuronCell) c = NULL;
  g_autoptr(GArray) ours = NULL;
  const char *classname = d->class_name != NULL && *d->class_name ? d->class_name : "Cell";
  double diff, peak = -INFINITY;
  guint n_topo;

  for (guint i = 0; i < d->sections->len && root == NULL; i++)
    if (((NrtSection *) d->sections->pdata[i])->parent < 0)
      root = ((NrtSection *) d->sections->pdata[i])->name;
  {
    const char *const args[] = { "--session", root, "--topology", NULL };
    c = neuron_run (model, &o, sc->form == NRT_HOC_FORM_CELLDEF ? "-" : classname, args);
  }
  if (c == NULL)
    return;
  assert_same_cell (model, c);
  record = g_strdup_printf ("%s(0.5).v", root);
  ours = nrt_check_neurite_trace (model, record);
  diff = nrt_check_max_diff (ours, c->v);
  for (guint i = 0; i < ours->len; i++)
    peak = MAX (peak, g_array_index (ours, double, i));
  g_assert_nonnull (c->topology);
  if (sc->form == NRT_HOC_FORM_CLASS)
    prefix = g_strdup_printf ("%s[0].", classname);
  n_topo = nrt_check_topology (model, c->topology, prefix);
  g_test_message ("%s, %s form%s, run() in NEURON vs Neurite: %u samples of %s, max |dv| = "
                  "%.3g mV (peak %.2f mV); h.topology() = neurite-cli info for %u sections",
                  d->name, sc->form == NRT_HOC_FORM_CELLDEF ? "celldef()" : "class",
                  d->channels->len == 0 ? ""
                  : sc->channels == NRT_HOC_CHANNELS_NMODL ? ", NMODL channels"
                  : ", KSChan channels", ours->len, record, diff, peak, n_topo);
  g_assert_cmpfloat (diff, <=, 1e-6);
}

static void
add_session_tests (void)
{
  static const struct { const char *name; NrtModel *(*build) (void); gboolean chans; } models[] = {
    { "stylized-cell", stylized_cell, FALSE },
    { "squid-axon", squid_axon, FALSE },
    { "synapses", synapse_cell, FALSE },
    { "channels", channel_cell_points, TRUE },
  };
  static SessionCase cases[G_N_ELEMENTS (models) * 4];
  guint k = 0;

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (int f = 0; f < 2; f++)
      for (int ch = 0; ch < (models[m].chans ? 2 : 1); ch++)
        {
          g_autofree char *path = g_strdup_printf ("/io/hoc/neuron/session/%s/%s%s",
                                                   models[m].name, f ? "celldef" : "class",
                                                   !models[m].chans ? "" : ch ? "/nmodl" : "/kschan");
          cases[k] = (SessionCase) { models[m].build, f ? NRT_HOC_FORM_CELLDEF : NRT_HOC_FORM_CLASS,
                                     ch ? NRT_HOC_CHANNELS_NMODL : NRT_HOC_CHANNELS_KSCHAN };
          g_test_add_data_func (path, &cases[k++], test_neuron_session);
        }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/hoc/structure/stylized-cell", test_structure_stylized);
  g_test_add_func ("/io/hoc/structure/soma", test_structure_soma);
  g_test_add_func ("/io/hoc/structure/specs", test_structure_specs);
  g_test_add_func ("/io/hoc/structure/channels", test_channels_text);
  g_test_add_func ("/io/hoc/structure/channels-nmodl", test_channels_nmodl);
  g_test_add_func ("/io/hoc/structure/celldef", test_structure_celldef);
  g_test_add_func ("/io/hoc/structure/session", test_structure_session);
  g_test_add_func ("/io/hoc/structure/topology-check", test_topology_check);
  g_test_add_data_func ("/io/hoc/neuron/topology/stylized-cell", "stylized-cell.nml", test_neuron_topology);
  g_test_add_data_func ("/io/hoc/neuron/topology/soma", "soma-hh.nml", test_neuron_topology);
  g_test_add_func ("/io/hoc/neuron/specs", test_neuron_specs);
  g_test_add_func ("/io/hoc/neuron/trace", test_neuron_trace);
  add_session_tests ();
  return g_test_run ();
}

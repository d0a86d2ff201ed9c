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
  g_autoptr(NrtModel) model = nrt_check_read_model ("stylized-cell.nml");
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
  g_autoptr(NrtModel) model = nrt_check_read_model ("soma-hh.nml");
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
  /* the template declares lambda_f external even without the d_lambda rule */
  g_assert_true (g_str_has_prefix (text, "load_file(\"stdlib.hoc\")"));

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
  g_autoptr(NrtModel) model = nrt_check_read_model ("stylized-cell.nml");
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
  /* nrniv alone has no lambda_f: the file loads it when the d_lambda rule needs it */
  g_assert_true (g_str_has_prefix (text, "load_file(\"stdlib.hoc\")  // lambda_f, for the "
                                         "d_lambda rule\n\nproc celldef() {\n"));
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

/* The session part: stimuli, NetStims, NetCons and settings, named clear of the cell's names;
 * a lone indexed section. */
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
    "  ki0_k_ion = 54.4\n  ko0_k_ion = 2.5\n  forall {\n",
    "    if (ismembrane(\"k_ion\")) { ki = ki0_k_ion  ko = ko0_k_ion }\n"
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
  g_assert_null (strstr (text, "ca_ion"));  /* NEURON has no ca before a channel uses it */

  /* A section called pp, a subset called netstim: the session's arrays move aside. */
  g_assert_cmpint (nrt_model_add_section (clash, "pp", NULL, 0, 10, 10, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_section (clash, "dend[0]", "pp", 1, 10, 1, &error), ==, 1);
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
  /* a lone dend[0] stays an array, so that NEURON calls it dend[0] too */
  g_assert_nonnull (strstr (text_clash, "\ncreate pp, dend[1]\n"));
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
  g_autoptr(NrtModel) model = nrt_check_read_model ("stylized-cell.nml");

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

/* Writes model's hoc file with options into a fresh folder and runs hoc-roundtrip.py on it
 * with args; NULL (and the test skipped) without NEURON. */
static NrtCheckCell *
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
  return out != NULL ? nrt_check_parse_output (out) : NULL;
}

/* The template form, instantiated by the script (old interface). */
static NrtCheckCell *
neuron_load (NrtModel *model, const char *classname, gboolean run)
{
  const char *const args[] = { run ? "--run" : NULL, NULL };

  return neuron_run (model, NULL, classname, args);
}

static void
test_neuron_topology (gconstpointer file)
{
  g_autoptr(NrtModel) model = nrt_check_read_model (file);
  NrtCheckCell *c = neuron_load (model, "Cell", FALSE);

  if (c == NULL)
    return;
  nrt_check_same_cell (model, c);
  nrt_check_cell_free (c);
}

static void
test_neuron_specs (void)
{
  g_autoptr(NrtModel) model = part3_with_specs ();
  g_autoptr(NrtModel) reference = nrt_check_read_model ("stylized-cell.nml");
  NrtCheckCell *c = neuron_load (model, "BCell", FALSE);

  if (c == NULL)
    return;
  nrt_check_same_cell (model, c);
  nrt_check_same_cell (reference, c);
  nrt_check_cell_free (c);
}

/* 10 ms of the stylized cell with its IClamp: NEURON from the hoc file vs nrt_sim. */
static void
test_neuron_trace (void)
{
  g_autoptr(NrtModel) model = nrt_check_read_model ("stylized-cell.nml");
  g_autoptr(GArray) ours = NULL;
  NrtCheckCell *c = neuron_load (model, "Cell", TRUE);
  double max_diff;

  if (c == NULL)
    return;
  nrt_check_same_cell (model, c);
  ours = nrt_check_neurite_trace (model, "soma(0.5).v");
  max_diff = nrt_check_max_diff (ours, c->v);
  g_test_message ("stylized cell, hoc in NEURON vs Neurite: %u samples, max |dv| = %.3g mV",
                  ours->len, max_diff);
  g_assert_cmpfloat (max_diff, <=, 1e-6);
  nrt_check_cell_free (c);
}

/* The KSChan text of a channel and the template's insertion of channels. */
static void
test_channels_text (void)
{
  g_autoptr(NrtModel) model = nrt_check_channel_cell ();
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
  g_clear_error (&error);

  /* A KSChan has no expression rates: the hoc is refused in that form, written as NMODL. */
  {
    g_autoptr(NrtModel) expr = nrt_check_expression_cell ();
    NrtHocCellOptions o = { NULL, 1, 10, NRT_HOC_FORM_CLASS, NRT_HOC_CHANNELS_KSCHAN,
                            NRT_HOC_SESSION_NONE };
    g_autofree char *nmodl = NULL;
    g_assert_null (nrt_hoc_write_cellbuilder_full (expr, &o, &error));
    g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED);
    g_clear_error (&error);
    o.channels = NRT_HOC_CHANNELS_NMODL;
    nmodl = nrt_hoc_write_cellbuilder_full (expr, &o, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (nmodl, "    insert nahh\n"));
  }
}

/* Channels as NMODL files: the hoc names them and inserts them; the file writer writes them
 * beside the hoc. */
static void
test_channels_nmodl (void)
{
  g_autoptr(NrtModel) model = nrt_check_channel_cell ();
  g_autoptr(GError) error = NULL;
  NrtHocCellOptions o = { NULL, 1, 10, NRT_HOC_FORM_CELLDEF, NRT_HOC_CHANNELS_NMODL,
                          NRT_HOC_SESSION_NONE };
  g_autofree char *text = nrt_hoc_write_cellbuilder_full (model, &o, &error);
  g_autofree char *dir = nrt_check_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cell.hoc", NULL);
  g_autofree char *bad = g_build_filename (dir, "cell.hoc", "x.hoc", NULL);  /* under a file */
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "// ChannelBuilder channels, as NMODL files beside this "
                                         "one; compile them first with\n//   nrnivmodl nahh.mod "
                                         "khh.mod leak.mod kca.mod cag.mod\n\nproc celldef() {\n"));
  g_assert_null (strstr (text, "KSChan"));
  g_assert_nonnull (strstr (text, "    insert cag\n      pmax_cag = 2e-05\n"));
  g_assert_true (nrt_hoc_write_file_full (model, &o, path, &error));
  g_assert_no_error (error);
  nrt_check_mods_beside (model, dir);
  {
    g_autofree char *got = NULL;
    g_assert_true (g_file_get_contents (path, &got, NULL, &error));
    g_assert_cmpstr (got, ==, text);
  }
  g_assert_false (nrt_hoc_write_file_full (model, &o, bad, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE);
  nrt_check_rm_tree (dir);
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
  g_autoptr(NrtCheckCell) c = NULL;
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
  nrt_check_same_cell (model, c);
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

/* nrniv itself on the exported file with the RUN session: the file alone (stdlib, stdrun,
 * celldef() or the class, stimuli, settings, run()) ends where Neurite's run ends. */
static void
test_nrniv (gconstpointer data)
{
  NrtHocForm form = GPOINTER_TO_INT (data);
  g_autoptr(NrtModel) model = nrt_check_read_model ("stylized-cell.nml");
  g_autoptr(GError) error = NULL;
  g_autofree char *nrniv = g_find_program_in_path ("nrniv");
  g_autofree char *dir = NULL, *path = NULL, *probe = NULL, *out = NULL;
  g_autoptr(GArray) ours = NULL;
  NrtHocCellOptions o = { NULL, 1, 10, form, NRT_HOC_CHANNELS_KSCHAN, NRT_HOC_SESSION_RUN };
  const char *v = form == NRT_HOC_FORM_CLASS ? "cell.soma.v(0.5)" : "soma.v(0.5)";
  g_autofree char *probe_text = g_strdup_printf ("{ printf(\"t %%.17g v %%.17g\\n\", t, %s) }\n"
                                                 "quit()\n", v);
  g_auto(GStrv) f = NULL;
  double last;

  if (nrniv == NULL)
    {
      g_test_skip ("nrniv is not installed");
      return;
    }
  dir = nrt_check_tmpdir ();
  path = g_build_filename (dir, "cell.hoc", NULL);
  probe = g_build_filename (dir, "probe.hoc", NULL);
  g_assert_true (nrt_hoc_write_file_full (model, &o, path, &error));
  g_assert_true (g_file_set_contents (probe, probe_text, -1, &error));
  g_assert_no_error (error);
  {
    const char *const argv[] = { nrniv, "-nogui", "cell.hoc", "probe.hoc", NULL };
    out = nrt_check_spawn (argv, dir);
  }
  nrt_check_rm_tree (dir);
  g_assert_nonnull (out);
  g_assert_nonnull (strstr (out, "\nt "));
  f = g_strsplit (strstr (out, "\nt ") + 1, " ", -1);
  ours = nrt_check_neurite_trace (model, "soma(0.5).v");
  last = g_array_index (ours, double, ours->len - 1);
  g_test_message ("nrniv cell.hoc (%s form): t = %s ms, v = %.17g mV; Neurite %.17g mV",
                  form == NRT_HOC_FORM_CLASS ? "class" : "celldef()", f[1],
                  g_ascii_strtod (f[3], NULL), last);
  g_assert_cmpfloat (fabs (g_ascii_strtod (f[1], NULL) - 10), <, 1e-9);
  g_assert_cmpfloat (fabs (g_ascii_strtod (f[3], NULL) - last), <=, 1e-6);
}

static void
add_session_tests (void)
{
  static SessionCase cases[24];
  guint k = 0;

  for (const NrtCheckModel *m = nrt_check_models; m->name != NULL; m++)
    for (int f = 0; f < 2; f++)
      for (int ch = m->channels == NRT_CHECK_CHANNELS_NMODL;
           ch < (m->channels != NRT_CHECK_NO_CHANNELS ? 2 : 1); ch++)
        {
          g_autofree char *path = g_strdup_printf ("/io/hoc/neuron/session/%s/%s%s", m->name,
                                                   f ? "celldef" : "class",
                                                   !m->channels ? "" : ch ? "/nmodl" : "/kschan");
          g_assert_cmpuint (k, <, G_N_ELEMENTS (cases));
          cases[k] = (SessionCase) { m->build, f ? NRT_HOC_FORM_CELLDEF : NRT_HOC_FORM_CLASS,
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
  g_test_add_data_func ("/io/hoc/nrniv/class", GINT_TO_POINTER (NRT_HOC_FORM_CLASS), test_nrniv);
  g_test_add_data_func ("/io/hoc/nrniv/celldef", GINT_TO_POINTER (NRT_HOC_FORM_CELLDEF),
                        test_nrniv);
  return g_test_run ();
}

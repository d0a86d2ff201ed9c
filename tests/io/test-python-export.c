/* test-python-export.c: the Python export (core/io/nrt-python-export.c): its layout, names
 * kept clear of Python's, records, the file writer; and, where /usr/bin/python3 imports NEURON,
 * the script run as a user runs it (python3 cell.py, in its folder, after nrnivmodl for NMODL
 * channels): its CSV against Neurite's trace, its cell against the model and h.topology()
 * against neurite-cli info.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "nrt-python-export.h"
#include "nrt-neuroml.h"
#include "nrt-nmodl.h"
#include "nrt-export-check.h"

static void
assert_contains (const char *text, const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, text);
}

static void
test_structure_stylized (void)
{
  g_autoptr(NrtModel) model = nrt_check_read_model ("stylized-cell.nml");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = nrt_python_export_write (model, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "#!/usr/bin/env python3\n# stylized_cell, exported "));
  assert_contains (text, "import os\nimport sys\n\nfrom neuron import h\n\n"
                         "h.load_file(\"stdrun.hoc\")\n\n");
  assert_contains (text, "soma = h.Section(name=\"soma\")\n"
                         "ap = [h.Section(name=\"ap[%d]\" % i) for i in range(3)]\n"
                         "bas = h.Section(name=\"bas\")\naxon = h.Section(name=\"axon\")\n");
  assert_contains (text, "for child, parent, x in [\n    (ap[0], soma, 1),\n"
                         "    (ap[1], ap[0], 1),\n");
  assert_contains (text, "    (axon, soma, 0),\n]:\n    child.connect(parent(x), 0)\n");
  assert_contains (text, "soma.L = 20\nsoma.diam = 20\nsoma.nseg = 1\n");
  assert_contains (text, "ap[2].L = 500\nap[2].diam = 1\nap[2].nseg = 23\n");
  /* soma and axon share their membrane, the three ap theirs */
  assert_contains (text, "for sec in (soma, axon):\n    sec.Ra = 160\n    sec.cm = 1\n"
                         "    sec.insert(\"hh\")\n    sec.gnabar_hh = 0.12\n");
  assert_contains (text, "for sec in (ap[0], ap[1], ap[2]):\n");
  assert_contains (text, "for sec in (bas,):\n    sec.Ra = 160\n    sec.cm = 1\n"
                         "    sec.insert(\"pas\")\n    sec.g_pas = 0.001\n    sec.e_pas = -65\n");
  assert_contains (text, "pp = [None] * 1\npp[0] = h.IClamp(soma(0.5))  # IClamp[0]\n"
                         "pp[0].delay = 1\npp[0].dur = 0.1\npp[0].amp = 10\n");
  assert_contains (text, "h.tstop = 10\nh.dt = 0.025\nh.steps_per_ms = 40\nh.v_init = -65\n"
                         "h.celsius = 6.3\nh.secondorder = 0\nh.usetable_hh = 1\n");
  assert_contains (text, "RECORDS = [\n    (\"soma(0.5).v\", soma(0.5)._ref_v),\n]\n");
  assert_contains (text, "    h.finitialize(h.v_init)\n");
  assert_contains (text, "    while h.t < h.tstop - h.dt / 2:\n        h.fadvance()\n");
  g_assert_true (g_str_has_suffix (text, "if __name__ == \"__main__\":\n"
                                         "    write_csv(sys.argv[1] if len(sys.argv) > 1\n"
                                         "              else os.path.splitext(os.path.abspath("
                                         "__file__))[0] + \".csv\", run())\n"));
  g_assert_null (strstr (text, "nrnivmodl"));  /* no channels, nothing to compile */
}

/* Names: Python keywords and the script's own names move aside; gaps in an array. */
static void
test_names (void)
{
  g_autoptr(NrtModel) m = nrt_model_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (nrt_model_add_section (m, "lambda", NULL, 0, 10, 10, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_section (m, "h", "lambda", 1, 10, 1, &error), ==, 1);
  g_assert_cmpint (nrt_model_add_section (m, "dend[0]", "lambda", 1, 10, 1, &error), ==, 2);
  g_assert_cmpint (nrt_model_add_section (m, "dend[2]", "dend[0]", 0.5, 10, 1, &error), ==, 3);
  g_assert_cmpint (nrt_model_add_section (m, "pp", "lambda", 0, 10, 1, &error), ==, 4);
  g_assert_cmpint (nrt_model_add_point_process (m, "ExpSyn", "dend[2]", 0.5, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_netstim (m, 1, 5, 2, 0, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_netcon (m, 0, 0, 0.001, 1, 10, &error), ==, 0);
  text = nrt_python_export_write (m, NULL, &error);
  g_assert_no_error (error);
  assert_contains (text, "lambda_ = h.Section(name=\"lambda\")\nh_ = h.Section(name=\"h\")\n"
                         "dend = [None] * 3\ndend[0] = h.Section(name=\"dend[0]\")\n"
                         "dend[2] = h.Section(name=\"dend[2]\")\npp = h.Section(name=\"pp\")\n");
  assert_contains (text, "    (dend[2], dend[0], 0.5),\n");
  assert_contains (text, "pp_ = [None] * 1\npp_[0] = h.ExpSyn(dend[2](0.5))  # ExpSyn[0]\n");
  assert_contains (text, "netstim = [h.NetStim() for i in range(1)]\nnetstim[0].start = 1\n");
  assert_contains (text, "netcon = [None] * 1\nnetcon[0] = h.NetCon(netstim[0], pp_[0])\n"
                         "netcon[0].weight[0] = 0.001\nnetcon[0].delay = 1\n");
  assert_contains (text, "RECORDS = [\n    (\"lambda(0.5).v\", lambda_(0.5)._ref_v),\n]\n");
}

static void
test_records (void)
{
  g_autoptr(NrtModel) model = nrt_check_read_model ("stylized-cell.nml");
  g_autoptr(GError) error = NULL;
  const char *const records[] = { "ap[1](0.25).m_hh", "IClamp[0].i", "soma(1).v", NULL };
  const char *const bad[] = { "nowhere(0.5).v", "soma(1.5).v", "ExpSyn[0].g", "soma", NULL };
  NrtPythonExportOptions o = { NRT_PYTHON_CHANNELS_NMODL, records };
  g_autofree char *text = nrt_python_export_write (model, &o, &error);

  g_assert_no_error (error);
  assert_contains (text, "RECORDS = [\n    (\"ap[1](0.25).m_hh\", ap[1](0.25)._ref_m_hh),\n"
                         "    (\"IClamp[0].i\", pp[0]._ref_i),\n"
                         "    (\"soma(1).v\", soma(1)._ref_v),\n]\n");
  for (guint i = 0; bad[i] != NULL; i++)
    {
      const char *one[] = { bad[i], NULL };
      o.records = one;
      g_assert_null (nrt_python_export_write (model, &o, &error));
      g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID);
      g_clear_error (&error);
    }
  {
    const char *one[] = { "soma(0.5).i_membrane", NULL };
    o.records = one;
    g_assert_null (nrt_python_export_write (model, &o, &error));
    g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED);
  }
}

/* Channels: NMODL files beside the script (the default), or KSChans in the script. */
static void
test_channels (void)
{
  g_autoptr(NrtModel) model = nrt_check_channel_cell ();
  g_autoptr(GError) error = NULL;
  NrtPythonExportOptions ks = { NRT_PYTHON_CHANNELS_KSCHAN, NULL };
  g_autofree char *nmodl = nrt_python_export_write (model, NULL, &error);
  g_autofree char *kschan = NULL;
  g_autofree char *dir = nrt_check_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cell.py", NULL);
  g_autofree char *bad = g_build_filename (dir, "cell.py", "x.py", NULL);

  g_assert_no_error (error);
  assert_contains (nmodl, "# Its ChannelBuilder channels are the NMODL files beside it: compile "
                          "them there first,\n#   nrnivmodl nahh.mod khh.mod leak.mod kca.mod "
                          "cag.mod\n");
  assert_contains (nmodl, "    sec.insert(\"cag\")\n    sec.pmax_cag = 2e-05\n");
  assert_contains (nmodl, "    sec.insert(\"leak\")\n    sec.gmax_leak = 0.0003\n"
                          "    sec.e_leak = -54.3\n");
  assert_contains (nmodl, "    sec.ek = -80\n");
  g_assert_null (strstr (nmodl, "KSChan"));
  kschan = nrt_python_export_write (model, &ks, &error);
  g_assert_no_error (error);
  assert_contains (kschan, "h(\"\"\"\n// ChannelBuilder channel nahh as a KSChan");
  assert_contains (kschan, "{ ksc_kca = new KSChan(0)  ks_ = ksc_kca\n");
  g_assert_null (strstr (kschan, "nrnivmodl"));

  g_assert_true (nrt_python_export_write_file (model, NULL, path, &error));
  g_assert_no_error (error);
  nrt_check_mods_beside (model, dir);
  {
    g_autofree char *got = NULL;
    g_assert_true (g_file_get_contents (path, &got, NULL, &error));
    g_assert_cmpstr (got, ==, nmodl);
  }
  g_assert_false (nrt_python_export_write_file (model, NULL, bad, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE);
  g_clear_error (&error);
  {
    g_autoptr(NrtModel) expr = nrt_check_expression_cell ();  /* no KSChan form */
    g_assert_null (nrt_python_export_write (expr, &ks, &error));
    g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED);
  }
  nrt_check_rm_tree (dir);
}

static void
test_empty (void)
{
  g_autoptr(NrtModel) m = nrt_model_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (nrt_python_export_write (m, NULL, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID);
}

/* ---- NEURON ----------------------------------------------------------------------- */

/* The CSV's second column (the first record). */
static GArray *
read_csv (const char *path, char **header)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  *header = g_strdup (lines[0]);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      double x;
      g_assert_cmpuint (g_strv_length (f), >=, 2);
      x = g_ascii_strtod (f[1], NULL);
      g_array_append_val (v, x);
    }
  return v;
}

typedef struct {
  NrtModel       *(*build) (void);
  NrtPythonChannels channels;
} PyCase;

static void
test_neuron (gconstpointer data)
{
  const PyCase *pc = data;
  g_autoptr(NrtModel) model = pc->build ();
  const NrtModelData *d = nrt_model_get_data (model);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = nrt_check_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cell.py", NULL);
  g_autofree char *csv = g_build_filename (dir, "cell.csv", NULL);
  g_autofree char *runner = g_build_filename (NRT_SOURCE_ROOT, "tests", "io",
                                              "python-roundtrip.py", NULL);
  g_autofree char *out = NULL, *header = NULL, *record = NULL, *want = NULL;
  g_autoptr(NrtCheckCell) c = NULL;
  g_autoptr(GArray) theirs = NULL, ours = NULL;
  NrtPythonExportOptions o = { pc->channels, NULL };
  const char *root = NULL;
  double diff, peak = -INFINITY;
  guint n_topo;

  for (guint i = 0; i < d->sections->len && root == NULL; i++)
    if (((NrtSection *) d->sections->pdata[i])->parent < 0)
      root = ((NrtSection *) d->sections->pdata[i])->name;
  g_assert_true (nrt_python_export_write_file (model, &o, path, &error));
  g_assert_no_error (error);
  {
    const char *const argv[] = { NRT_CHECK_PYTHON, runner, path, NULL };
    out = nrt_check_spawn (argv, dir);
  }
  if (out == NULL)
    {
      nrt_check_rm_tree (dir);
      return;
    }
  c = nrt_check_parse_output (out);
  nrt_check_same_cell (model, c);
  record = g_strdup_printf ("%s(0.5).v", root);
  theirs = read_csv (csv, &header);
  nrt_check_rm_tree (dir);
  want = g_strdup_printf ("t,%s", record);
  g_assert_cmpstr (header, ==, want);
  ours = nrt_check_neurite_trace (model, record);
  diff = nrt_check_max_diff (ours, theirs);
  for (guint i = 0; i < ours->len; i++)
    peak = MAX (peak, g_array_index (ours, double, i));
  g_assert_nonnull (c->topology);
  n_topo = nrt_check_topology (model, c->topology, NULL);
  g_test_message ("%s, Python%s, python3 cell.py in NEURON vs Neurite: %u samples of %s, max "
                  "|dv| = %.3g mV (peak %.2f mV); h.topology() = neurite-cli info for %u "
                  "sections", d->name, d->channels->len == 0 ? ""
                  : pc->channels == NRT_PYTHON_CHANNELS_NMODL ? " with NMODL channels"
                  : " with KSChan channels", ours->len, record, diff, peak, n_topo);
  g_assert_cmpfloat (diff, <=, 1e-6);
}

int
main (int argc, char **argv)
{
  static PyCase cases[16];
  guint k = 0;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/python/structure/stylized-cell", test_structure_stylized);
  g_test_add_func ("/io/python/structure/names", test_names);
  g_test_add_func ("/io/python/structure/records", test_records);
  g_test_add_func ("/io/python/structure/channels", test_channels);
  g_test_add_func ("/io/python/structure/empty", test_empty);
  for (const NrtCheckModel *m = nrt_check_models; m->name != NULL; m++)
    for (int ch = 0; ch < (m->channels == NRT_CHECK_CHANNELS ? 2 : 1); ch++)
      {
        g_autofree char *name = g_strdup_printf ("/io/python/neuron/%s%s", m->name,
                                                 !m->channels ? "" : ch ? "/kschan" : "/nmodl");
        g_assert_cmpuint (k, <, G_N_ELEMENTS (cases));
        cases[k] = (PyCase) { m->build, ch ? NRT_PYTHON_CHANNELS_KSCHAN : NRT_PYTHON_CHANNELS_NMODL };
        g_test_add_data_func (name, &cases[k++], test_neuron);
      }
  return g_test_run ();
}

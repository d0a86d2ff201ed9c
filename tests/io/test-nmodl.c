/* test-nmodl.c: ChannelBuilder channels as NMODL (core/io/nrt-nmodl.c): the file's layout for
 * the presets and a NonSpecific channel, exact numbers, refused names, the file writers; and,
 * where NEURON and nrnivmodl are installed, the exported nahh, khh and leak compiled and run in
 * NEURON against Neurite's own trace of the same cell.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "nrt-hoc.h"
#include "nrt-nmodl.h"
#include "nrt-neuroml.h"
#include "nrt-sim.h"

#define PYTHON "/usr/bin/python3"
#define NRN_LIB "/usr/lib/nrn"

static void
assert_contains (const char *text, const char *needle)
{
  for (const char *p = text; *p; p++)  /* nocmodl refuses non-ASCII, even in comments */
    g_assert_cmpint ((unsigned char) *p, <, 128);
  if (strstr (text, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, text);
}

static void
test_hh_na (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) na = nrt_channel_new_hh_na ();
  g_autofree char *text = NULL;

  na->gmax = 0.12;
  text = nrt_nmodl_write_channel (na, &error);
  g_assert_no_error (error);
  assert_contains (text, "SUFFIX nahh\n");
  assert_contains (text, "USEION na READ ena WRITE ina\n");
  assert_contains (text, "RANGE gmax, g, i\n");
  assert_contains (text, "gmax = 0.12 (S/cm2)\n");
  assert_contains (text, "q10 = 1 (1)\n");
  assert_contains (text, "STATE { m h }\n");
  assert_contains (text, "SOLVE states METHOD cnexp\n");
  assert_contains (text, "g = gmax*(m*m*m)*(h)\n");
  assert_contains (text, "i = g*(v - ena)\n  ina = i\n");
  assert_contains (text, "m = inf_m\n  h = inf_h\n");
  assert_contains (text, "m' = (inf_m - m)/tau_m\n");
  assert_contains (text, "ks_f = q10^((celsius - q10_temperature)/10)\n");
  assert_contains (text, "ks_a = ks_linoid(v, ");
  assert_contains (text, "tau_m = 1/((ks_a + ks_b)*ks_f)\n  inf_m = ks_a*ks_f*tau_m\n");
  assert_contains (text, "if (fabs(ks_x) > 1e-6) {\n    ks_linoid = ks_A*ks_x/(1 - ks_exp(-ks_x))\n"
                         "  } else {\n    ks_linoid = ks_A*(1 + ks_x/2)\n");
  assert_contains (text, "if (ks_x > 700) {\n    ks_exp = exp(700)\n"
                         "  } else if (ks_x < -700) {\n    ks_exp = exp(-700)\n");
  g_assert_null (strstr (text, "NONSPECIFIC_CURRENT"));
  g_assert_null (strstr (text, "  e = "));
}

static void
test_hh_k (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) k = nrt_channel_new_hh_k ();
  g_autofree char *text = nrt_nmodl_write_channel (k, &error);

  g_assert_no_error (error);
  assert_contains (text, "SUFFIX khh\n");
  assert_contains (text, "USEION k READ ek WRITE ik\n");
  assert_contains (text, "STATE { n }\n");
  assert_contains (text, "g = gmax*(n*n*n*n)\n");
  assert_contains (text, "i = g*(v - ek)\n  ik = i\n");
}

/* Every number of the text that g_ascii_strtod reads is exactly one of values. */
static void
assert_numbers_exact (const char *text, const double *values, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (buf, sizeof buf, "%.17g", values[i]);
      assert_contains (text, buf);
      g_assert_cmpfloat (g_ascii_strtod (buf, NULL), ==, values[i]);
    }
}

static void
test_nonspecific (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) leak = nrt_channel_new ("leak");
  g_autoptr(NrtChannel) ih = nrt_channel_new ("ih");
  const NrtRate inf = { NRT_RATE_SIGMOID, 1, 0.1 + 0.2, -81.0 / 7 };
  const NrtRate tau = { NRT_RATE_EXP, 1.0 / 3, -0.0125, 1e-5 };
  const NrtRate alpha = { NRT_RATE_CONSTANT, 0.7, 0, 0 };
  const NrtRate beta = { NRT_RATE_LINOID, 2.0 / 3, 1.0 / 11, -20 };
  g_autofree char *t_leak = NULL, *t_ih = NULL;

  leak->gmax = 0.0003;
  leak->erev = -54.3;
  t_leak = nrt_nmodl_write_channel (leak, &error);
  g_assert_no_error (error);
  assert_contains (t_leak, "SUFFIX leak\n  NONSPECIFIC_CURRENT i\n  RANGE gmax, g, e\n");
  assert_contains (t_leak, "gmax = 0.00029999999999999997 (S/cm2)\n");
  assert_contains (t_leak, "e = -54.299999999999997 (mV)\n");
  assert_contains (t_leak, "g = gmax\n  i = g*(v - e)\n}\n");
  g_assert_null (strstr (t_leak, "STATE"));
  g_assert_null (strstr (t_leak, "SOLVE"));
  g_assert_null (strstr (t_leak, "USEION"));

  ih->gmax = 1e-4 / 3;
  ih->erev = -30;
  ih->q10 = 4.5;
  ih->q10_temperature = 36.6;
  nrt_channel_add_gate (ih, "q", 2, NRT_GATE_INF_TAU, &inf, &tau);
  nrt_channel_add_gate (ih, "r", 1, NRT_GATE_ALPHA_BETA, &alpha, &beta);
  t_ih = nrt_nmodl_write_channel (ih, &error);
  g_assert_no_error (error);
  assert_contains (t_ih, "NONSPECIFIC_CURRENT i\n");
  assert_contains (t_ih, "STATE { q r }\n");
  assert_contains (t_ih, "g = gmax*(q*q)*(r)\n");
  assert_contains (t_ih, "q10 = 4.5 (1)\n  q10_temperature = 36.600000000000001 (degC)\n");
  assert_contains (t_ih, "inf_q = 1/(1 + ks_exp(0.30000000000000004*(v - (-11.571428571428571))))\n");
  assert_contains (t_ih, "tau_q = (0.33333333333333331*ks_exp(-0.012500000000000001*(v - "
                         "(1.0000000000000001e-05))))/ks_f\n");
  assert_contains (t_ih, "ks_a = 0.69999999999999996\n");
  assert_contains (t_ih, "ks_b = ks_linoid(v, 0.66666666666666663, 0.090909090909090912, -20)\n");
  {
    const double values[] = { ih->gmax, ih->erev, ih->q10, ih->q10_temperature, inf.k, inf.d,
                              tau.A, tau.k, tau.d, alpha.A, beta.A, beta.k };
    assert_numbers_exact (t_ih, values, G_N_ELEMENTS (values));
  }
}

static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) ch = nrt_channel_new ("chan");
  const NrtRate c = { NRT_RATE_CONSTANT, 1, 0, 0 };
  char *text;

  nrt_channel_add_gate (ch, "m", 1, NRT_GATE_ALPHA_BETA, &c, &c);
  nrt_channel_add_gate (ch, "inf_m", 1, NRT_GATE_ALPHA_BETA, &c, &c);
  text = nrt_nmodl_write_channel (ch, &error);
  g_assert_null (text);
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  g_free (((NrtGate *) ch->gates->pdata[1])->name);
  ((NrtGate *) ch->gates->pdata[1])->name = g_strdup ("v");
  g_assert_null (nrt_nmodl_write_channel (ch, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  ch->gmax = -1;  /* invalid: the model's own error */
  g_assert_null (nrt_nmodl_write_channel (ch, &error));
  g_assert_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE);
}

/* The soma of the NEURON comparison: L = diam = 10 µm, nahh, khh (q10 3 at 6.3 °C) and leak
 * with hh's values, IClamp at 0.5 (2 ms, 0.1 ms, 1 nA), dt 0.025, tstop 10, v_init −65. */
static NrtModel *
channel_soma (double celsius)
{
  g_autoptr(GError) error = NULL;
  NrtModel *m = nrt_model_new ();
  g_autoptr(NrtChannel) na = nrt_channel_new_hh_na ();
  g_autoptr(NrtChannel) k = nrt_channel_new_hh_k ();
  g_autoptr(NrtChannel) leak = nrt_channel_new ("leak");
  NrtRunSettings s;
  int pp;

  na->gmax = 0.12;
  k->gmax = 0.036;
  na->q10 = k->q10 = 3;
  na->q10_temperature = k->q10_temperature = 6.3;
  leak->gmax = 0.0003;
  leak->erev = -54.3;
  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 10, 10, &error), >=, 0);
  g_assert_true (nrt_model_set_section_nseg (m, "soma", 1, &error));
  g_assert_true (nrt_model_set_Ra (m, "soma", 35.4, &error));
  g_assert_true (nrt_model_set_cm (m, "soma", 1, &error));
  g_assert_true (nrt_model_add_channel (m, na, &error));
  g_assert_true (nrt_model_add_channel (m, k, &error));
  g_assert_true (nrt_model_add_channel (m, leak, &error));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "nahh", &error));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "khh", &error));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "leak", &error));
  pp = nrt_model_add_point_process (m, "IClamp", "soma", 0.5, &error);
  g_assert_cmpint (pp, >=, 0);
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "del", 2, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "dur", 0.1, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "amp", 1, &error));
  s = nrt_model_get_data (m)->settings;
  s.tstop = 10;
  s.dt = 0.025;
  s.v_init = -65;
  s.celsius = celsius;
  g_assert_true (nrt_model_set_settings (m, &s, &error));
  g_assert_no_error (error);
  return m;
}

/* Neurite's soma(0.5).v at t = 0 and after every step until tstop. */
static GArray *
neurite_trace_until (NrtModel *m, double tstop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtNetwork) net = nrt_network_compile (m, &error);
  g_autoptr(NrtSim) sim = NULL;
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));
  double x;
  int rec;

  g_assert_no_error (error);
  sim = nrt_sim_new (net);
  rec = nrt_sim_add_record (sim, "soma(0.5).v", &error);
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

/* How far NEURON's columns (one or two numbers per line of out, one line per sample) are from
 * Neurite's trace: max |col0 − v|, |col1 − v| and |col0 − col1|, and the peaks of col0 and v.
 * Asserts rows lines, as many as ours. */
typedef struct {
  double d0, d1, d01, peak0, peak;
} TraceDiff;

static TraceDiff
compare_columns (char *out, GArray *ours, guint rows)
{
  g_auto(GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);
  guint n = g_strv_length (lines);
  TraceDiff d = { 0, 0, 0, -INFINITY, -INFINITY };

  g_assert_cmpuint (n, ==, rows);
  g_assert_cmpuint (ours->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      char *end;
      double c0 = g_ascii_strtod (lines[i], &end);
      double c1 = *end != '\0' ? g_ascii_strtod (end, NULL) : c0;
      double v = g_array_index (ours, double, i);

      d.d0 = MAX (d.d0, fabs (c0 - v));
      d.d1 = MAX (d.d1, fabs (c1 - v));
      d.d01 = MAX (d.d01, fabs (c0 - c1));
      d.peak0 = MAX (d.peak0, c0);
      d.peak = MAX (d.peak, v);
    }
  return d;
}


static gboolean
run (char **argv, const char *cwd, const char *const *envp, char **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL, *ignored = NULL;
  int status = 0;

  /* stdout always captured: nrnivmodl's chatter must not reach the TAP stream. */
  if (!g_spawn_sync (cwd, argv, (char **) envp, G_SPAWN_DEFAULT, NULL, NULL,
                     out ? out : &ignored, &err,
                     &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s failed: %s\n%s", argv[0], error ? error->message : "", err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static char *
find_file (const char *dir, const char *name)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *e;

  if (d == NULL)
    return NULL;
  while ((e = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, e, NULL);
      if (strcmp (e, name) == 0)
        return g_steal_pointer (&p);
      if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        {
          char *found = find_file (p, name);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

static void
rm_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *e;
      while (d != NULL && (e = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *p = g_build_filename (path, e, NULL);
          rm_tree (p);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* The file writers: the same text, one file per library channel, errors reported. */
static void
test_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("nrt-nmodl-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmp, "mods", NULL);
  g_autoptr(NrtModel) m = channel_soma (6.3);
  const NrtModelData *data = nrt_model_get_data (m);

  g_assert_no_error (error);
  g_assert_true (nrt_nmodl_write_model_channels (m, dir, &error));
  g_assert_no_error (error);
  for (guint c = 0; c < data->channels->len; c++)
    {
      const NrtChannel *ch = data->channels->pdata[c];
      g_autofree char *file = g_strdup_printf ("%s.mod", ch->name);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *want = nrt_nmodl_write_channel (ch, &error);
      g_autofree char *got = NULL;
      g_assert_true (g_file_get_contents (path, &got, NULL, &error));
      g_assert_cmpstr (got, ==, want);
    }
  {
    g_autofree char *bad = g_build_filename (tmp, "no", "such", "x.mod", NULL);
    g_assert_false (nrt_nmodl_write_channel_file (data->channels->pdata[0], bad, &error));
    g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE);
  }
  rm_tree (tmp);
}

/* Whether NEURON (python3 with neuron, nrnivmodl, nrnmech_makefile) is installed. */
static gboolean
have_neuron (void)
{
  g_autofree char *nrnivmodl = g_find_program_in_path ("nrnivmodl");
  char *check[] = { PYTHON, "-c", "import neuron", NULL };

  return nrnivmodl != NULL && g_file_test (NRN_LIB "/nrnmech_makefile", G_FILE_TEST_EXISTS)
         && run (check, NULL, NULL, NULL);
}

/* Compiles tmp/<mods> with nrnivmodl; returns libnrnmech.so's path and sets *home to the
 * NRNHOME_EXEC folder made for Debian's nrnivmodl (a neutral working folder for python). */
static char *
compile_mods (const char *tmp, const char *const *mods, char **home)
{
  g_autofree char *nrnivmodl = g_find_program_in_path ("nrnivmodl");
  g_autofree char *bin = NULL, *link = NULL;
  g_auto(GStrv) envp = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  char *lib;

  /* Debian's nrnivmodl looks for $NRNHOME_EXEC/bin/nrnmech_makefile. */
  *home = g_build_filename (tmp, "nrnhome", NULL);
  bin = g_build_filename (*home, "bin", NULL);
  link = g_build_filename (bin, "nrnmech_makefile", NULL);
  g_assert_cmpint (g_mkdir_with_parents (bin, 0755), ==, 0);
  g_assert_cmpint (symlink (NRN_LIB "/nrnmech_makefile", link), ==, 0);
  envp = g_environ_setenv (g_get_environ (), "NRNHOME_EXEC", *home, TRUE);
  g_ptr_array_add (argv, nrnivmodl);
  g_ptr_array_add (argv, "-loadflags");
  g_ptr_array_add (argv, "-L" NRN_LIB " -Wl,-rpath," NRN_LIB);
  for (guint i = 0; mods[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) mods[i]);
  g_ptr_array_add (argv, NULL);
  run ((char **) argv->pdata, tmp, (const char *const *) envp, NULL);  /* special may fail */
  lib = find_file (tmp, "libnrnmech.so");
  if (lib == NULL)
    lib = find_file (tmp, "libnrnmech.so.0");
  g_assert_nonnull (lib);
  return lib;
}

static void
test_neuron (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL, *home = NULL, *lib = NULL;
  g_autofree char *script = g_build_filename (NRT_SOURCE_ROOT, "tests", "io", "nmodl-run.py", NULL);
  const double temps[] = { 6.3, 16.3 };
  const char *const mods[] = { "nahh.mod", "khh.mod", "leak.mod", NULL };
  double worst = 0;

  if (!have_neuron ())
    {
      g_test_skip ("NEURON (python3 -c 'import neuron', nrnivmodl and "
                   NRN_LIB "/nrnmech_makefile) is not installed");
      return;
    }

  tmp = g_dir_make_tmp ("nrt-nmodl-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autoptr(NrtModel) m = channel_soma (6.3);
    g_assert_true (nrt_nmodl_write_model_channels (m, tmp, &error));
    g_assert_no_error (error);
  }
  lib = compile_mods (tmp, mods, &home);

  for (guint c = 0; c < G_N_ELEMENTS (temps); c++)
    {
      g_autoptr(NrtModel) m = channel_soma (temps[c]);
      g_autoptr(GArray) ours = neurite_trace_until (m, 10);
      g_autofree char *out = NULL, *celsius = NULL;
      double diff, peak;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      char *argv[] = { PYTHON, script, lib, NULL, NULL };
      TraceDiff d;

      celsius = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.17g", temps[c]));
      argv[3] = celsius;
      /* Not from tmp: importing neuron there would load its x86_64 mechanisms a first time. */
      g_assert_true (run (argv, home, NULL, &out));
      d = compare_columns (out, ours, 401);
      diff = d.d0;
      peak = d.peak;
      g_test_message ("celsius %g: peak %.6f mV, max |dv| NEURON vs Neurite = %.3g mV",
                      temps[c], peak, diff);
      g_assert_cmpfloat (peak, >, 0);  /* a spike, not a rest */
      g_assert_cmpfloat (diff, <=, 1e-6);
      worst = MAX (worst, diff);
    }
  g_test_message ("worst |dv| %.3g mV", worst);
  rm_tree (tmp);
}

/* ---- kinetic schemes, GHK and point channels ---- */

#define RATE(form, A, k, d) (&(NrtRate) { (form), (A), (k), (d) })

/* The channels of nmodl-ks-run.py (and of tests/reference/generate_ks.py).  kca: density, k,
 * ohmic, 0.002 S/cm2; C1 <-> C2 (linoid a, exp b), C2 + 2 cai <-> O (2000 /ms-mM2, 0.1 /ms),
 * O <-> C1 (inf sigmoid, tau exp). */
static NrtChannel *
channel_kca (void)
{
  NrtChannel *ch = nrt_channel_new ("kca");
  NrtKsScheme *ks;

  ch->ion = NRT_ION_K;
  ch->gmax = 0.002;
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C1", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "C2", 0, 50, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 100, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA, RATE (NRT_RATE_LINOID, 0.1, 0.1, -40),
                                RATE (NRT_RATE_EXP, 0.05, -1.0 / 20, -65), NRT_ION_NONSPECIFIC, 1);
  nrt_ks_scheme_add_transition (ks, 1, 2, NRT_TRANS_LIGAND_INSIDE,
                                RATE (NRT_RATE_CONSTANT, 2000, 0, 0),
                                RATE (NRT_RATE_CONSTANT, 0.1, 0, 0), NRT_ION_CA, 2);
  nrt_ks_scheme_add_transition (ks, 2, 0, NRT_GATE_INF_TAU, RATE (NRT_RATE_SIGMOID, 1, -0.1, -45),
                                RATE (NRT_RATE_EXP, 5, -0.01, -60), NRT_ION_NONSPECIFIC, 1);
  return ch;
}

/* cag / pca: ca, GHK, m^2 with a sigmoid(1, -0.1, -30), b exp(0.2, -1/20, -65). */
static NrtChannel *
channel_ghk (const char *name, NrtChannelKind kind, double pmax)
{
  NrtChannel *ch = nrt_channel_new (name);

  ch->kind = kind;
  ch->ion = NRT_ION_CA;
  ch->conductance = NRT_CONDUCTANCE_GHK;
  ch->gmax = pmax;
  nrt_channel_add_gate (ch, "m", 2, NRT_GATE_ALPHA_BETA, RATE (NRT_RATE_SIGMOID, 1, -0.1, -30),
                        RATE (NRT_RATE_EXP, 0.2, -1.0 / 20, -65));
  return ch;
}

/* pk: point, NonSpecific, 0.005 uS, e -80 mV; C <-> O (exp a, sigmoid b); single channels. */
static NrtChannel *
channel_pk (void)
{
  NrtChannel *ch = nrt_channel_new ("pk");
  NrtKsScheme *ks;

  ch->kind = NRT_CHANNEL_POINT;
  ch->gmax = 0.005;
  ch->erev = -80;
  ch->single = TRUE;
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 50, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA, RATE (NRT_RATE_EXP, 0.2, 0.05, -40),
                                RATE (NRT_RATE_SIGMOID, 0.4, 0.1, -50), NRT_ION_NONSPECIFIC, 1);
  return ch;
}

static void
test_kinetic_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) kca = channel_kca ();
  g_autofree char *text = NULL;
  NrtKsScheme *ks = kca->schemes->pdata[0];

  text = nrt_nmodl_write_channel (kca, &error);
  g_assert_no_error (error);
  assert_contains (text, "SUFFIX kca\n  USEION k READ ek WRITE ik\n  RANGE gmax, g, i\n"
                         "  USEION ca READ cai\n");
  assert_contains (text, "(mM) = (milli/liter)\n");
  assert_contains (text, "STATE { C1 C2 O }\n");
  assert_contains (text, "  SOLVE kin METHOD sparse\n  g = gmax*((O))\n");
  assert_contains (text, "INITIAL {\n  C1 = 1\n  C2 = 0\n  O = 0\n  SOLVE kin STEADYSTATE sparse\n}\n");
  assert_contains (text, "KINETIC kin {\n  ks_rates(v)\n  ~ C1 <-> C2 (kf_C1_C2, kb_C1_C2)\n"
                         "  ~ C2 <-> O (kf_C2_O, kb_C2_O)\n  ~ O <-> C1 (kf_O_C1, kb_O_C1)\n"
                         "  CONSERVE C1 + C2 + O = 1\n}\n");
  assert_contains (text, "kf_C1_C2 = (ks_linoid(v, 0.10000000000000001, 0.10000000000000001, -40))*ks_f\n");
  assert_contains (text, "kb_C1_C2 = (0.050000000000000003*ks_exp(-0.050000000000000003*(v - (-65))))*ks_f\n");
  assert_contains (text, "kf_C2_O = cai*cai*2000*ks_f\n  kb_C2_O = 0.10000000000000001*ks_f\n");
  assert_contains (text, "kf_O_C1 = ks_a/ks_b*ks_f\n  kb_O_C1 = (1 - ks_a)/ks_b*ks_f\n");
  g_assert_null (strstr (text, "DERIVATIVE"));
  g_clear_pointer (&text, g_free);

  /* Ligand of the channel's own ion, outside, stoichiometry 4; a fractional state; power 2;
   * an HH gate beside the scheme. */
  kca->ion = NRT_ION_CA;
  g_array_index (ks->transitions, NrtKsTransition, 1).type = NRT_TRANS_LIGAND_OUTSIDE;
  g_array_index (ks->transitions, NrtKsTransition, 1).stoichiometry = 4;
  ((NrtKsState *) ks->states->pdata[1])->fraction = 0.25;
  ks->power = 2;
  nrt_channel_add_gate (kca, "h", 1, NRT_GATE_ALPHA_BETA, RATE (NRT_RATE_CONSTANT, 0.5, 0, 0),
                        RATE (NRT_RATE_CONSTANT, 0.25, 0, 0));
  text = nrt_nmodl_write_channel (kca, &error);
  g_assert_no_error (error);
  assert_contains (text, "USEION ca READ eca, cao WRITE ica\n");
  assert_contains (text, "STATE { h C1 C2 O }\n");
  assert_contains (text, "SOLVE states METHOD cnexp\n  SOLVE kin METHOD sparse\n"
                         "  g = gmax*(h)*((C2*0.25 + O)*(C2*0.25 + O))\n");
  assert_contains (text, "kf_C2_O = (cao*cao)*(cao*cao)*2000*ks_f\n");
  assert_contains (text, "  rates(v)\n  h = inf_h\n  C1 = 1\n");
  g_clear_pointer (&text, g_free);

  /* A state name the file needs is refused. */
  g_free (((NrtKsState *) ks->states->pdata[0])->name);
  ((NrtKsState *) ks->states->pdata[0])->name = g_strdup ("kin");
  g_assert_null (nrt_nmodl_write_channel (kca, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED);
}

static void
test_ghk_point_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) cag = channel_ghk ("cag", NRT_CHANNEL_DENSITY, 2e-5);
  g_autoptr(NrtChannel) pca = channel_ghk ("pca", NRT_CHANNEL_POINT, 1e-11);
  g_autoptr(NrtChannel) pk = channel_pk ();
  g_autoptr(NrtChannel) pleak = nrt_channel_new ("pleak");
  g_autofree char *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL;

  t1 = nrt_nmodl_write_channel (cag, &error);
  g_assert_no_error (error);
  assert_contains (t1, "SUFFIX cag\n  USEION ca READ cai, cao WRITE ica\n  RANGE pmax, p, i\n");
  assert_contains (t1, "pmax = 2.0000000000000002e-05 (cm/s)\n");
  assert_contains (t1, "p = pmax*(m*m)\n  i = p*ks_ghk(v, cai, cao, 2)\n  ica = i\n");
  assert_contains (t1, "ks_ktf = 1000*8.3144626181532395*(celsius + 273.15)/96485.33212331001\n");
  assert_contains (t1, "ks_ghk = 0.001*ks_z*96485.33212331001*(ks_eci - ks_eco)\n");
  g_assert_null (strstr (t1, "eca"));

  t2 = nrt_nmodl_write_channel (pca, &error);
  g_assert_no_error (error);
  assert_contains (t2, "POINT_PROCESS pca\n  USEION ca READ cai, cao WRITE ica\n");
  assert_contains (t2, "pmax = 9.9999999999999994e-12 (cm3/s)\n");
  assert_contains (t2, "i = p*ks_ghk(v, cai, cao, 2)*1e6\n  ica = i\n");
  assert_contains (t2, "  i (nA)\n");

  t3 = nrt_nmodl_write_channel (pk, &error);
  g_assert_no_error (error);
  assert_contains (t3, "POINT_PROCESS pk\n  NONSPECIFIC_CURRENT i\n  RANGE gmax, g, e\n"
                       "  RANGE Nsingle\n");
  assert_contains (t3, "(nA) = (nanoamp)\n  (uS) = (microsiemens)\n");
  assert_contains (t3, "gmax = 0.0050000000000000001 (uS)\n  e = -80 (mV)\n");
  assert_contains (t3, "no equivalent of KSChan's\n: stochastic mode: this file is the "
                       "deterministic channel, and Nsingle is ignored.\n");
  assert_contains (t3, "g = gmax*((O))\n  i = g*(v - e)\n");

  pleak->kind = NRT_CHANNEL_POINT;
  pleak->ion = NRT_ION_K;
  t4 = nrt_nmodl_write_channel (pleak, &error);
  g_assert_no_error (error);
  assert_contains (t4, "POINT_PROCESS pleak\n  USEION k READ ek WRITE ik\n  RANGE gmax, g, i\n");
  assert_contains (t4, "  g (uS)\n  i (nA)\n  ek (mV)\n  ik (nA)\n");
  g_assert_null (strstr (t4, "STATE"));
}

/* test-nmodl's soma with hh (no tables) and the case's channels; 20 ms, cai 0.01, cao 2 mM. */
static NrtModel *
kinetic_soma (const char *which)
{
  g_autoptr(GError) error = NULL;
  NrtModel *m = nrt_model_new ();
  NrtRunSettings s;
  int pp;

  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 10, 10, &error), >=, 0);
  g_assert_true (nrt_model_set_Ra (m, "soma", 35.4, &error));
  g_assert_true (nrt_model_set_cm (m, "soma", 1, &error));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "hh", &error));
  pp = nrt_model_add_point_process (m, "IClamp", "soma", 0.5, &error);
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "del", 2, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "dur", 0.1, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "amp", 1, &error));
  if (strcmp (which, "scheme") == 0)
    {
      g_autoptr(NrtChannel) kca = channel_kca ();
      g_assert_true (nrt_model_add_channel (m, kca, &error));
      g_assert_true (nrt_model_insert_mechanism (m, "soma", "kca", &error));
    }
  else if (strcmp (which, "mixed") == 0)
    {
      /* kca's scheme after an HH gate: cnexp and sparse in one file */
      g_autoptr(NrtChannel) kcm = channel_kca ();
      NrtGate h = { NULL, 1, NRT_GATE_ALPHA_BETA,
                    { { NRT_RATE_EXP, 0.02, -0.05, -65 }, { NRT_RATE_SIGMOID, 0.3, -0.1, -35 } } };
      g_free (kcm->name);
      kcm->name = g_strdup ("kcm");
      kcm->gmax = 0.0005;
      nrt_channel_add_gate (kcm, "h", h.power, h.type, &h.rate[0], &h.rate[1]);
      g_assert_true (nrt_model_add_channel (m, kcm, &error));
      g_assert_true (nrt_model_insert_mechanism (m, "soma", "kcm", &error));
    }
  else if (strcmp (which, "scheme-q10") == 0)
    {
      /* kca three times as fast at 16.3 degC as at 6.3 */
      g_autoptr(NrtChannel) kcaq = channel_kca ();
      g_free (kcaq->name);
      kcaq->name = g_strdup ("kcaq");
      kcaq->q10 = 3;
      kcaq->q10_temperature = 6.3;
      g_assert_true (nrt_model_add_channel (m, kcaq, &error));
      g_assert_true (nrt_model_insert_mechanism (m, "soma", "kcaq", &error));
    }
  else if (strcmp (which, "ghk") == 0)
    {
      g_autoptr(NrtChannel) cag = channel_ghk ("cag", NRT_CHANNEL_DENSITY, 2e-5);
      g_assert_true (nrt_model_add_channel (m, cag, &error));
      g_assert_true (nrt_model_insert_mechanism (m, "soma", "cag", &error));
    }
  else
    {
      g_autoptr(NrtChannel) pk = channel_pk ();
      g_autoptr(NrtChannel) pca = channel_ghk ("pca", NRT_CHANNEL_POINT, 1e-11);
      g_assert_true (nrt_model_add_channel (m, pk, &error));
      g_assert_true (nrt_model_add_channel (m, pca, &error));
      pp = nrt_model_add_point_process (m, "pk", "soma", 0.5, &error);
      g_assert_cmpint (pp, >=, 0);
      /* deterministic, as the exported file is */
      g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "Nsingle", 0, &error));
      g_assert_cmpint (nrt_model_add_point_process (m, "pca", "soma", 0.5, &error), >=, 0);
    }
  s = nrt_model_get_data (m)->settings;
  s.tstop = 20;
  s.dt = 0.025;
  s.v_init = -65;
  s.celsius = strcmp (which, "scheme-q10") == 0 ? 16.3 : 6.3;
  s.hh_use_table = FALSE;
  s.conc_i[NRT_ION_CA] = 0.01;
  s.conc_o[NRT_ION_CA] = 2;
  g_assert_true (nrt_model_set_settings (m, &s, &error));
  g_assert_no_error (error);
  return m;
}

/* The exported kca (3 states, a ligand transition), cag (GHK) and pk + pca (point channels,
 * pca with GHK) compiled and run in NEURON against NEURON's own KSChan built the same way
 * and against Neurite's trace; kcm (kca's scheme beside an HH gate) against both too; kcaq
 * (kca with a q10 of 3, at 16.3 degC) against Neurite only, as KSChan has no q10. */
static void
test_neuron_kinetic (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL, *home = NULL, *lib = NULL;
  g_autofree char *script = g_build_filename (NRT_SOURCE_ROOT, "tests", "io", "nmodl-ks-run.py",
                                              NULL);
  const char *const cases[] = { "scheme", "ghk", "point", "scheme-q10", "mixed" };
  const char *const mods[] = { "kca.mod", "cag.mod", "pk.mod", "pca.mod", "kcaq.mod", "kcm.mod",
                               NULL };

  if (!have_neuron ())
    {
      g_test_skip ("NEURON (python3 -c 'import neuron', nrnivmodl and "
                   NRN_LIB "/nrnmech_makefile) is not installed");
      return;
    }
  tmp = g_dir_make_tmp ("nrt-nmodl-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(NrtModel) m = kinetic_soma (cases[c]);
      g_assert_true (nrt_nmodl_write_model_channels (m, tmp, &error));
      g_assert_no_error (error);
    }
  lib = compile_mods (tmp, mods, &home);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(NrtModel) m = kinetic_soma (cases[c]);
      g_autoptr(GArray) ours = NULL;
      g_autofree char *out = NULL;
      gboolean q10 = strcmp (cases[c], "scheme-q10") == 0;
      char *argv[] = { PYTHON, script, lib, (char *) cases[c], q10 ? "16.3" : "6.3", NULL };
      double d_ks, d_neurite, peak;
      TraceDiff d;

      g_assert_true (run (argv, home, NULL, &out));
      ours = neurite_trace_until (m, 20);
      /* columns: the exported NMODL, NEURON's KSChan */
      d = compare_columns (out, ours, 801);
      d_ks = d.d01;
      d_neurite = d.d0;
      peak = d.peak0;
      if (q10)
        g_test_message ("%s: peak %.6f mV; max |dv| exported NMODL vs Neurite %.3g mV",
                        cases[c], peak, d_neurite);
      else
        g_test_message ("%s: peak %.6f mV; max |dv| exported NMODL vs NEURON KSChan %.3g mV, "
                        "vs Neurite %.3g mV", cases[c], peak, d_ks, d_neurite);
      g_assert_cmpfloat (q10 ? 0 : d_ks, <=, 1e-6);
      g_assert_cmpfloat (d_neurite, <=, 1e-6);
    }
  rm_tree (tmp);
}

/* ---- Borg-Graham ---- */

/* bgk: density, k, 0.005 S/cm²; n² with KSChan's Borg-Graham pair (K 0.2 /ms, vhalf −45 mV,
 * z 3, gam 0.7, tau0 0.5 ms), named name; with_scheme adds a Borg-Graham C <-> O scheme. */
static NrtChannel *
channel_bgk (const char *name, gboolean with_scheme)
{
  NrtChannel *ch = nrt_channel_new (name);
  NrtRate inf = { 0 }, tau = { 0 };

  ch->ion = NRT_ION_K;
  ch->gmax = 0.005;
  ch->erev = nrt_ion_default_e (NRT_ION_K);
  nrt_rate_set_bg (&inf, &tau, 0.2, -45, 3, 0.7, 0.5);
  nrt_channel_add_gate (ch, "n", 2, NRT_GATE_INF_TAU, &inf, &tau);
  if (with_scheme)
    {
      /* C <-> O with a Borg-Graham inf/τ transition (K 0.05 /ms, vhalf −30 mV, z 2,
       * gam 0.3, tau0 1 ms), as in test-kinetic */
      NrtKsScheme *ks = nrt_channel_add_scheme (ch, 1);
      nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
      nrt_ks_scheme_add_state (ks, "O", 1, 10, 0);
      nrt_rate_set_bg (&inf, &tau, 0.05, -30, 2, 0.3, 1);
      nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_INF_TAU, &inf, &tau, NRT_ION_NONSPECIFIC, 1);
    }
  return ch;
}

static NrtModel *
bg_soma (double celsius)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) ch = channel_bgk ("bgk", TRUE);
  NrtModel *m = nrt_model_new ();
  NrtRunSettings s;
  int pp;

  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 10, 10, &error), >=, 0);
  g_assert_true (nrt_model_set_Ra (m, "soma", 35.4, &error));
  g_assert_true (nrt_model_set_cm (m, "soma", 1, &error));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "hh", &error));
  g_assert_true (nrt_model_add_channel (m, ch, &error));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "bgk", &error));
  pp = nrt_model_add_point_process (m, "IClamp", "soma", 0.5, &error);
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "del", 2, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "dur", 0.1, &error));
  g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, "amp", 1, &error));
  s = nrt_model_get_data (m)->settings;
  s.tstop = 20;
  s.dt = 0.025;
  s.v_init = -65;
  s.celsius = celsius;
  s.hh_use_table = FALSE;
  g_assert_true (nrt_model_set_settings (m, &s, &error));
  g_assert_no_error (error);
  return m;
}

static void
test_bg_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) ch = channel_bgk ("bgk", FALSE);
  g_autofree char *mod = nrt_nmodl_write_channel (ch, &error);
  g_autofree char *hoc = nrt_hoc_write_kschan (ch, 6.3, &error);

  g_assert_no_error (error);
  assert_contains (mod, "inf_n = ks_bg_inf(v, 0.20000000000000001, -45, 3, 0.69999999999999996, 0.5)");
  assert_contains (mod, "FUNCTION ks_bg_tau(");
  assert_contains (mod, "11.604518121550");
  assert_contains (hoc, "tobj_.set_f(0, 5, ksvec_.c.append(0.2, -45, 3, 0.7, 0.5))");
  assert_contains (hoc, "tobj_.set_f(1, 6, ksvec_.c.append(0.2, -45, 3, 0.7, 0.5))");
  {
    /* the text summary names KSChan's classes with the shared vector */
    g_autofree char *text = nrt_channel_describe (ch);
    assert_contains (text, "KSChanBGinf(K=0.2, vhalf=-45, z=3, gam=0.7, tau0=0.5)");
    assert_contains (text, "KSChanBGtau(K=0.2, vhalf=-45, z=3, gam=0.7, tau0=0.5)");
  }
}

/* bgk (HH gate and scheme) exported as NMODL and as Neurite's KSChan hoc file, both run in
 * NEURON at 6.3 and 22 degC against Neurite's trace. */
static void
test_neuron_bg (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL, *home = NULL, *lib = NULL, *hocfile = NULL;
  g_autofree char *script = g_build_filename (NRT_SOURCE_ROOT, "tests", "io", "nmodl-bg-run.py",
                                              NULL);
  const char *const temps[] = { "6.3", "22" };
  const char *const mods[] = { "bgk.mod", NULL };

  if (!have_neuron ())
    {
      g_test_skip ("NEURON (python3 -c 'import neuron', nrnivmodl and "
                   NRN_LIB "/nrnmech_makefile) is not installed");
      return;
    }
  tmp = g_dir_make_tmp ("nrt-nmodl-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autoptr(NrtModel) m = bg_soma (6.3);
    g_autoptr(NrtChannel) ks = channel_bgk ("bgk_ks", TRUE);
    g_autofree char *hoc = nrt_hoc_write_kschan (ks, 6.3, &error);
    g_assert_no_error (error);
    g_assert_true (nrt_nmodl_write_model_channels (m, tmp, &error));
    g_assert_no_error (error);
    hocfile = g_build_filename (tmp, "bgk_ks.hoc", NULL);
    g_assert_true (g_file_set_contents (hocfile, hoc, -1, &error));
  }
  lib = compile_mods (tmp, mods, &home);

  for (guint c = 0; c < G_N_ELEMENTS (temps); c++)
    {
      g_autoptr(NrtModel) m = bg_soma (g_ascii_strtod (temps[c], NULL));
      g_autoptr(GArray) ours = NULL;
      g_autofree char *out = NULL;
      char *argv[] = { PYTHON, script, lib, hocfile, (char *) temps[c], NULL };
      double d_hoc, d_mod, peak;
      TraceDiff d;

      g_assert_true (run (argv, home, NULL, &out));
      ours = neurite_trace_until (m, 20);
      /* columns: the exported NMODL, the exported KSChan hoc */
      d = compare_columns (out, ours, 801);
      d_mod = d.d0;
      d_hoc = d.d1;
      peak = d.peak;
      g_test_message ("bgk at %s degC: peak %.6f mV; max |dv| vs Neurite: exported NMODL %.3g mV, "
                      "exported KSChan hoc %.3g mV", temps[c], peak, d_mod, d_hoc);
      g_assert_cmpfloat (peak, >, 0);
      g_assert_cmpfloat (d_mod, <=, 1e-6);
      g_assert_cmpfloat (d_hoc, <=, 1e-6);
    }
  rm_tree (tmp);
}

/* tabk: density, k, 0.01 S/cm²; KSChan's table form on 21 points from −100 to 50 mV: m³ with
 * α, β sampled from hh's m rates (α at −40 mV its limit 1 /ms), h with inf, τ sampled from
 * hh's h, named name. */
static NrtChannel *
channel_tabk (const char *name)
{
  NrtChannel *ch = nrt_channel_new (name);
  double t[4][21];
  NrtRate r[4];

  for (int i = 0; i < 21; i++)
    {
      double v = -100.0 + i * 7.5;
      double ah = 0.07 * exp (-(v + 65) / 20), bh = 1 / (1 + exp (-(v + 35) / 10));
      t[0][i] = v == -40 ? 1.0 : 0.1 * (v + 40) / (1 - exp (-(v + 40) / 10));
      t[1][i] = 4 * exp (-(v + 65) / 18);
      t[2][i] = ah / (ah + bh);
      t[3][i] = 1 / (ah + bh);
    }
  for (int j = 0; j < 4; j++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NrtRateFunc) f = nrt_rate_func_new_table (t[j], 21, -100, 50, &error);
      g_assert_no_error (error);
      r[j] = nrt_rate_new_func (f);
    }
  ch->ion = NRT_ION_K;
  ch->gmax = 0.01;
  ch->erev = nrt_ion_default_e (NRT_ION_K);
  nrt_channel_add_gate (ch, "m", 3, NRT_GATE_ALPHA_BETA, &r[0], &r[1]);
  nrt_channel_add_gate (ch, "h", 1, NRT_GATE_INF_TAU, &r[2], &r[3]);
  for (int j = 0; j < 4; j++)
    nrt_rate_clear (&r[j]);
  return ch;
}

static void
test_table_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtChannel) ch = channel_tabk ("tabk");
  g_autofree char *mod = nrt_nmodl_write_channel (ch, &error);
  g_autofree char *hoc = nrt_hoc_write_kschan (ch, 6.3, &error);
  g_autofree char *text = nrt_channel_describe (ch);

  g_assert_no_error (error);
  assert_contains (mod, "FUNCTION ks_ramp(");
  assert_contains (mod, "*ks_ramp((v - (-100))*0.13333333333333333 - 19)");
  assert_contains (hoc, "tobj_.set_f(1, 7, ksvec_.c.append(");
  assert_contains (hoc, "), -100, 50)");
  assert_contains (text, "KSChanTable(vmin=-100, vmax=50, [");
}

/* tabk exported as NMODL and as Neurite's KSChan hoc file (set_f ftype 7), both run in
 * NEURON against Neurite's trace. */
static void
test_neuron_table (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL, *home = NULL, *lib = NULL, *hocfile = NULL, *out = NULL;
  g_autofree char *script = g_build_filename (NRT_SOURCE_ROOT, "tests", "io",
                                              "nmodl-table-run.py", NULL);
  const char *const mods[] = { "tabk.mod", NULL };
  g_autoptr(NrtModel) m = NULL;
  g_autoptr(GArray) ours = NULL;
  TraceDiff d;

  if (!have_neuron ())
    {
      g_test_skip ("NEURON (python3 -c 'import neuron', nrnivmodl and "
                   NRN_LIB "/nrnmech_makefile) is not installed");
      return;
    }
  tmp = g_dir_make_tmp ("nrt-nmodl-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autoptr(NrtChannel) ch = channel_tabk ("tabk");
    g_autoptr(NrtChannel) ks = channel_tabk ("tabk_ks");
    g_autofree char *mod = nrt_nmodl_write_channel (ch, &error);
    g_autofree char *hoc = nrt_hoc_write_kschan (ks, 6.3, &error);
    g_autofree char *modfile = g_build_filename (tmp, "tabk.mod", NULL);
    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (modfile, mod, -1, &error));
    hocfile = g_build_filename (tmp, "tabk_ks.hoc", NULL);
    g_assert_true (g_file_set_contents (hocfile, hoc, -1, &error));
  }
  lib = compile_mods (tmp, mods, &home);
  {
    char *argv[] = { PYTHON, script, lib, hocfile, "tabk", "tabk_ks", NULL };
    g_assert_true (run (argv, home, NULL, &out));
  }
  {
    g_autoptr(NrtChannel) ch = channel_tabk ("tabk");
    m = bg_soma (6.3);
    g_assert_true (nrt_model_add_channel (m, ch, &error));
    g_assert_true (nrt_model_uninsert_mechanism (m, "soma", "bgk", &error));
    g_assert_true (nrt_model_insert_mechanism (m, "soma", "tabk", &error));
    g_assert_no_error (error);
  }
  ours = neurite_trace_until (m, 20);
  /* columns: the exported NMODL, the exported KSChan hoc */
  d = compare_columns (out, ours, 801);
  g_test_message ("tabk: peak %.6f mV; max |dv| vs Neurite: exported NMODL %.3g mV, exported "
                  "KSChan hoc %.3g mV", d.peak, d.d0, d.d1);
  g_assert_cmpfloat (d.peak, >, 0);
  g_assert_cmpfloat (d.d0, <=, 1e-6);
  g_assert_cmpfloat (d.d1, <=, 1e-6);
  rm_tree (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/nmodl/hh-na", test_hh_na);
  g_test_add_func ("/io/nmodl/hh-k", test_hh_k);
  g_test_add_func ("/io/nmodl/nonspecific", test_nonspecific);
  g_test_add_func ("/io/nmodl/refused", test_refused);
  g_test_add_func ("/io/nmodl/files", test_files);
  g_test_add_func ("/io/nmodl/neuron", test_neuron);
  g_test_add_func ("/io/nmodl/kinetic-text", test_kinetic_text);
  g_test_add_func ("/io/nmodl/ghk-point-text", test_ghk_point_text);
  g_test_add_func ("/io/nmodl/neuron-kinetic", test_neuron_kinetic);
  g_test_add_func ("/io/nmodl/bg-text", test_bg_text);
  g_test_add_func ("/io/nmodl/neuron-bg", test_neuron_bg);
  g_test_add_func ("/io/nmodl/table-text", test_table_text);
  g_test_add_func ("/io/nmodl/neuron-table", test_neuron_table);
  return g_test_run ();
}

/* bench-sim.c: ns per segment-step of the fixed-step solver, and the ratio to NEURON.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under `meson test --benchmark`; it prints figures and never fails on timing.
 * Each figure is the median of 5 runs of init + the whole run (compile excluded), with v
 * recorded every step, as ../shared/validation timed NEURON's psolve.  When /usr/bin/python3
 * imports neuron, the same models are timed in NEURON in the same run.
 */
#include <stdio.h>
#include <stdlib.h>

#include "nrt-neuroml.h"
#include "nrt-sim.h"
#include "nrt-cases.h"

#define N_RUNS 5

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
time_neurite (NrtModel *model, const char *record, double tstop, guint *nseg, guint *steps)
{
  g_autoptr (GError) error = NULL;
  nrt_case_set_run (model, tstop, NRT_METHOD_IMPLICIT, TRUE);
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  int rec = nrt_sim_add_record (sim, record, &error);
  g_assert_no_error (error);
  guint n = (guint) (tstop / 0.025 + 0.5);
  g_autofree double *trace = g_new (double, n + 1);
  double times[N_RUNS];

  for (int r = 0; r < N_RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      guint k = 0;
      nrt_sim_init (sim);
      trace[k++] = nrt_sim_record_value (sim, (guint) rec);
      while (!nrt_sim_reached (sim, tstop))
        {
          if (!nrt_sim_step (sim, &error))
            g_error ("%s", error->message);
          trace[k++] = nrt_sim_record_value (sim, (guint) rec);
        }
      times[r] = (double) (g_get_monotonic_time () - t0) * 1e-6;
      *steps = k - 1;
    }
  qsort (times, N_RUNS, sizeof (double), cmp_double);
  *nseg = nrt_network_get_n_segments (net);
  return times[N_RUNS / 2];
}

/* NEURON's psolve median (s), or a negative value when NEURON is not available. */
static double
time_neuron (const char *model, double tstop)
{
  const char *root = g_getenv ("NRT_SOURCE_ROOT");
  g_autofree char *script = g_build_filename (root ? root : NRT_SOURCE_ROOT, "tests", "bench",
                                              "neuron-bench.py", NULL);
  g_autofree char *ts = g_strdup_printf ("%g", tstop);
  const char *argv[] = { "/usr/bin/python3", script, model, ts, NULL };
  g_autofree char *out = NULL;
  int status = 0;

  if (g_getenv ("NRT_BENCH_NO_NEURON") != NULL
      || !g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE)
      || !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                        &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    return -1;
  unsigned nseg = 0, steps = 0;
  double med = -1;
  if (sscanf (out, "%u %u %lf", &nseg, &steps, &med) != 3)
    return -1;
  return med;
}

static void
bench (const char *label, const char *neuron_name, NrtModel *model, const char *record,
       double tstop)
{
  guint nseg = 0, steps = 0;
  double t = time_neurite (model, record, tstop, &nseg, &steps);
  double ns = t * 1e9 / ((double) nseg * steps);
  printf ("%-28s nseg %3u  steps %6u  Neurite %9.3f ms  %7.2f ns/seg-step\n", label, nseg,
          steps, t * 1e3, ns);
  double tn = time_neuron (neuron_name, tstop);
  if (tn > 0)
    printf ("%-28s NEURON psolve %9.3f ms  %7.2f ns/seg-step  speed-up ×%.2f\n", "",
            tn * 1e3, tn * 1e9 / ((double) nseg * steps), tn / t);
  else
    printf ("%-28s NEURON not available (/usr/bin/python3 -c 'import neuron')\n", "");
  fflush (stdout);
}

int
main (void)
{
  printf ("Fixed-step backward Euler, dt 0.025 ms, median of %d runs\n", N_RUNS);
  g_autoptr (NrtModel) cell = nrt_case_stylized_cell (1, 0.1, 10);
  bench ("stylized-cell tstop 1000", "stylized_cell", cell, "soma(0.5).v", 1000);
  static const double xs[] = { 0.5 };
  g_autoptr (NrtModel) axon = nrt_case_squid_axon (300, xs, 1);
  bench ("squid-axon tstop 1000", "squid_axon", axon, "axon(0.5).v", 1000);
  g_autoptr (NrtModel) tree = nrt_case_synthetic_tree ();
  bench ("tree-2000 tstop 100", "tree2000", tree, "dend[0](0.5).v", 100);
  /* The squid axon with the 3-state kinetic scheme kca (a ligand transition on cai) in every
   * segment besides hh: the cost of a scheme's backward-Euler solve per segment-step. */
  g_autoptr (NrtModel) ksaxon = nrt_case_squid_axon (300, xs, 1);
  g_autoptr (NrtChannel) kca = nrt_case_channel_kca ();
  g_autoptr (GError) error = NULL;
  NrtRunSettings s = nrt_model_get_data (ksaxon)->settings;
  s.conc_i[NRT_ION_CA] = 0.01;
  if (!nrt_model_add_channel (ksaxon, kca, &error)
      || !nrt_model_insert_mechanism (ksaxon, "axon", "kca", &error)
      || !nrt_model_set_settings (ksaxon, &s, &error))
    g_error ("%s", error->message);
  bench ("kschan-axon tstop 1000", "kschan_axon", ksaxon, "axon(0.5).v", 1000);
  /* The CA1 pyramidal cell imported from SWC (issue 6): 194 sections, 740 segments. */
  {
    const char *root = g_getenv ("NRT_SOURCE_ROOT");
    g_autofree char *path = g_build_filename (root ? root : NRT_SOURCE_ROOT, "models",
                                              "ca1-pyramidal.nml", NULL);
    g_autoptr (NrtModel) ca1 = nrt_neuroml_read_file (path, &error);
    if (ca1 == NULL)
      g_error ("%s", error->message);
    bench ("ca1-pyramidal tstop 1000", "ca1", ca1, "soma[0](0.5).v", 1000);
  }
  return 0;
}

/* bench-sweep.c: `neurite-cli sweep` of 16 values with --jobs 1 and --jobs 2, wall time.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two cases: the stylized cell (96 segments) for 2000 ms of model time per value, and the
 * CA1 cell (740 segments, 194 sections) for 500 ms, where reading the model (once per
 * worker thread) and compiling it (once per job) are a larger share.  IClamp[0].amp takes 16
 * values.  Five alternating rounds each; prints the median wall time of --jobs 1 and
 * --jobs 2 and their ratio (ideal 0.5 on two idle cores), and checks that both summaries
 * are the same bytes.  A benchmark, not a test: nothing is asserted on time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#define ROUNDS 5

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Runs the sweep; returns its wall time in seconds and its summary in *summary. */
static double
run_sweep (const char *cli, const char *model, const char *param, const char *tstop,
           const char *jobs, char **summary)
{
  const char *argv[] = { cli, "sweep", model, "--param", param, "--tstop", tstop,
                         "--jobs", jobs, NULL };
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, summary, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "bench-sweep: %s\n", error->message);
      exit (1);
    }
  return (g_get_monotonic_time () - t0) / 1e6;
}

static int
bench_case (const char *cli, const char *file, const char *param, const char *tstop)
{
  g_autofree char *model = g_build_filename (NRT_SOURCE_ROOT, "models", file, NULL);
  double t1[ROUNDS], t2[ROUNDS];

  printf ("sweep of 16 values: %s, %s ms each, --param %s (%u processors)\n", file, tstop,
          param, g_get_num_processors ());
  for (int r = 0; r < ROUNDS; r++)
    {
      g_autofree char *s1 = NULL, *s2 = NULL;

      t1[r] = run_sweep (cli, model, param, tstop, "1", &s1);
      t2[r] = run_sweep (cli, model, param, tstop, "2", &s2);
      if (strcmp (s1, s2) != 0)
        {
          fprintf (stderr, "bench-sweep: --jobs 1 and --jobs 2 summaries differ\n");
          return 1;
        }
      printf ("  round %d: jobs 1 %.3f s, jobs 2 %.3f s\n", r + 1, t1[r], t2[r]);
    }
  qsort (t1, ROUNDS, sizeof (double), cmp_double);
  qsort (t2, ROUNDS, sizeof (double), cmp_double);
  printf ("  median: jobs 1 %.3f s, jobs 2 %.3f s, ratio jobs 2 / jobs 1 = %.3f "
          "(speed-up %.2f)\n", t1[ROUNDS / 2], t2[ROUNDS / 2], t2[ROUNDS / 2] / t1[ROUNDS / 2],
          t1[ROUNDS / 2] / t2[ROUNDS / 2]);
  return 0;
}

int
main (void)
{
  const char *cli = g_getenv ("NEURITE_CLI");

  if (cli == NULL)
    {
      fprintf (stderr, "bench-sweep: NEURITE_CLI is not set\n");
      return 77;
    }
  if (bench_case (cli, "stylized-cell.nml", "IClamp[0].amp=1:16:16", "2000") != 0
      || bench_case (cli, "ca1-pyramidal.nml", "IClamp[0].amp=0.1:1.6:16", "500") != 0)
    return 1;
  return 0;
}

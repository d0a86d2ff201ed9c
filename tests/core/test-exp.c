/* test-exp.c: nrt_exp() against libm: never more than one ulp away, and rarely even that.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "nrt-exp.h"

static int64_t
ulps_apart (double a, double b)
{
  int64_t ia, ib;
  memcpy (&ia, &a, sizeof ia);
  memcpy (&ib, &b, sizeof ib);
  return ia > ib ? ia - ib : ib - ia;
}

static void
check_range (double lo, double hi, guint n, GRand *rng, double max_fraction_off)
{
  guint off = 0;

  for (guint i = 0; i < n; i++)
    {
      double x = g_rand_double_range (rng, lo, hi);
      double want = exp (x), got = nrt_exp (x);
      int64_t d = ulps_apart (want, got);
      if (d > 1)
        g_error ("nrt_exp(%.17g) = %.17g, libm %.17g: %" G_GINT64_FORMAT " ulps apart",
                 x, got, want, d);
      off += d != 0;
    }
  g_test_message ("[%g, %g]: %u of %u differ from libm by one ulp", lo, hi, off, n);
  g_assert_cmpfloat ((double) off / n, <=, max_fraction_off);
}

static void
test_exp_accuracy (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (20261121);

  nrt_exp_init ();
  /* The range cnexp uses (−dt/τ), then the whole domain. */
  check_range (-2.0, 0.0, 2000000, rng, 0.02);
  check_range (-708.0, 709.0, 2000000, rng, 0.02);
  /* Exact points. */
  g_assert_cmpfloat (nrt_exp (0.0), ==, 1.0);
  g_assert_cmpint (ulps_apart (nrt_exp (1.0), M_E), <=, 1);
  g_assert_cmpint (ulps_apart (nrt_exp (-1.0), 1.0 / M_E), <=, 1);
  /* Clamped ends: tiny but normal, and finite. */
  g_assert_cmpfloat (nrt_exp (-1e6), >, 0.0);
  g_assert_cmpfloat (nrt_exp (-1e6), <, 1e-300);
  g_assert_true (isfinite (nrt_exp (1e6)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/exp/accuracy", test_exp_accuracy);
  return g_test_run ();
}

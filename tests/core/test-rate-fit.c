/* test-rate-fit.c: the Adjust tool's solves (nrt-rate-fit.h) checked by evaluating the
 * solved rate at the target point (the analytic property each solve must satisfy).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "nrt-rate-fit.h"

#define CELSIUS 6.3

static double
rel_err (double got, double want)
{
  return fabs (got - want) / fabs (want);
}

/* A solve: f(v) equals the target to 1e-12 relative, k and d untouched. */
static void
test_scale (void)
{
  const NrtRateForm forms[] = { NRT_RATE_CONSTANT, NRT_RATE_EXP, NRT_RATE_LINOID,
                                NRT_RATE_SIGMOID };
  const double ks[] = { -0.2, -0.0556, 0.1, 0.18 };
  const double vs[] = { -90.0, -65.0, -40.0, -39.9999999, 0.0, 35.0 };
  const double ys[] = { 1e-3, 0.07, 1.0, 4.5 };
  double worst = 0.0;

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    for (guint i = 0; i < G_N_ELEMENTS (ks); i++)
      for (guint j = 0; j < G_N_ELEMENTS (vs); j++)
        for (guint l = 0; l < G_N_ELEMENTS (ys); l++)
          {
            NrtRate r = { forms[f], 0.1, ks[i], -40.0 };

            g_assert_true (nrt_rate_fit_scale (&r, vs[j], ys[l], CELSIUS));
            g_assert_cmpfloat (r.k, ==, ks[i]);
            g_assert_cmpfloat (r.d, ==, -40.0);
            worst = MAX (worst, rel_err (nrt_rate_eval_at (&r, vs[j], CELSIUS), ys[l]));
          }
  g_test_message ("A solve: max relative error %.2e", worst);
  g_assert_cmpfloat (worst, <, 1e-12);

  /* Negative targets clamp A at 0 (a negative rate is refused). */
  NrtRate e = { NRT_RATE_EXP, 0.1, 0.05, -40.0 };
  g_assert_true (nrt_rate_fit_scale (&e, -20.0, -3.0, CELSIUS));
  g_assert_cmpfloat (e.A, ==, 0.0);
  /* Custom forms are refused and left alone. */
  NrtRate x = { NRT_RATE_EXPRESSION, 0.0, 0.0, 0.0 };
  g_assert_false (nrt_rate_fit_scale (&x, 0.0, 1.0, CELSIUS));
}

/* k solve for exp, sigmoid and linoid: f(v) equals the target within 1e-10 relative. */
static void
test_slope (void)
{
  const NrtRateForm forms[] = { NRT_RATE_EXP, NRT_RATE_LINOID, NRT_RATE_SIGMOID };
  const double vs[] = { -95.0, -70.0, -40.5, -39.0, -10.0, 45.0 };
  /* Targets as fractions of A (sigmoid needs < 1, linoid anything > 0). */
  const double rs[] = { 1e-4, 0.01, 0.3, 0.5, 0.97, 1.0 + 1e-9, 1.7, 25.0 };
  double worst[3] = { 0 };
  guint solved = 0;

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    for (guint j = 0; j < G_N_ELEMENTS (vs); j++)
      for (guint l = 0; l < G_N_ELEMENTS (rs); l++)
        {
          NrtRate r = { forms[f], 0.8, 0.1, -40.0 };
          double y = r.A * rs[l];
          gboolean ok = nrt_rate_fit_slope (&r, vs[j], y, CELSIUS);

          if (forms[f] == NRT_RATE_SIGMOID && rs[l] >= 1.0)
            {
              g_assert_false (ok);
              g_assert_cmpfloat (r.k, ==, 0.1);
              continue;
            }
          g_assert_true (ok);
          g_assert_cmpfloat (r.A, ==, 0.8);
          g_assert_cmpfloat (r.d, ==, -40.0);
          worst[f] = MAX (worst[f], rel_err (nrt_rate_eval_at (&r, vs[j], CELSIUS), y));
          solved++;
        }
  g_test_message ("k solve (%u points): max relative error exp %.2e linoid %.2e sigmoid %.2e",
                  solved, worst[0], worst[1], worst[2]);
  for (guint f = 0; f < 3; f++)
    g_assert_cmpfloat (worst[f], <, 1e-10);

  /* No k reaches a point at v = d. */
  NrtRate e = { NRT_RATE_EXP, 0.8, 0.1, -40.0 };
  g_assert_false (nrt_rate_fit_slope (&e, -40.0, 0.5, CELSIUS));
  g_assert_cmpfloat (e.k, ==, 0.1);
}

/* Moving the mark: d follows the pointer and the curve passes through it. */
static void
test_move_mark (void)
{
  const NrtRateForm forms[] = { NRT_RATE_EXP, NRT_RATE_LINOID, NRT_RATE_SIGMOID,
                                NRT_RATE_BG_TAU };
  double worst = 0.0;

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      NrtRate r = { forms[f], 0.1, 0.07, -40.0 };
      double mv, my;

      if (forms[f] == NRT_RATE_BG_TAU)
        {
          r.k = 0.0;
          r.z = 3.0;
          r.gam = 0.3;
          r.tau0 = 0.5;
        }
      g_assert_true (nrt_rate_fit_mark (&r, CELSIUS, &mv, &my));
      g_assert_cmpfloat (mv, ==, -40.0);
      g_assert_true (nrt_rate_fit_move_mark (&r, -25.0, 2.5, CELSIUS));
      g_assert_cmpfloat (r.d, ==, -25.0);
      worst = MAX (worst, rel_err (nrt_rate_eval_at (&r, -25.0, CELSIUS), 2.5));
      g_assert_true (nrt_rate_fit_mark (&r, CELSIUS, &mv, &my));
      g_assert_cmpfloat (rel_err (my, 2.5), <, 1e-12);
    }
  g_test_message ("mark move: max relative error %.2e", worst);
  g_assert_cmpfloat (worst, <, 1e-12);

  NrtRate c = { NRT_RATE_CONSTANT, 0.1, 0.0, 0.0 };
  g_assert_false (nrt_rate_fit_mark (&c, CELSIUS, NULL, NULL));
  g_assert_false (nrt_rate_fit_move_mark (&c, 0.0, 1.0, CELSIUS));
}

/* Borg-Graham inf: the scale solve moves vhalf, the slope solve z. */
static void
test_bg_inf (void)
{
  NrtRate r = { NRT_RATE_BG_INF, 0.02, 0.0, -45.0, NULL, 2.0, 0.4, 1.0 };
  double a, b;

  g_assert_true (nrt_rate_fit_scale (&r, -30.0, 0.8, 22.0));
  a = rel_err (nrt_rate_eval_at (&r, -30.0, 22.0), 0.8);
  g_assert_cmpfloat (r.z, ==, 2.0);
  g_assert_true (nrt_rate_fit_slope (&r, -60.0, 0.1, 22.0));
  b = rel_err (nrt_rate_eval_at (&r, -60.0, 22.0), 0.1);
  g_test_message ("Borg-Graham inf: vhalf solve %.2e, z solve %.2e", a, b);
  g_assert_cmpfloat (a, <, 1e-12);
  g_assert_cmpfloat (b, <, 1e-12);
  g_assert_false (nrt_rate_fit_scale (&r, -30.0, 1.2, 22.0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rate-fit/scale", test_scale);
  g_test_add_func ("/rate-fit/slope", test_slope);
  g_test_add_func ("/rate-fit/move-mark", test_move_mark);
  g_test_add_func ("/rate-fit/bg-inf", test_bg_inf);
  return g_test_run ();
}

/* test-gsl.c: a single hh compartment (rate table off) against GSL's odeiv2 at tight tolerance.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NEURON's fixed step is first order in dt (backward Euler for v, staggered cnexp for the
 * gates), so a single dt cannot be compared with the continuous solution at a tight
 * tolerance.  Instead this test checks what a correct implementation of the continuous
 * Hodgkin–Huxley compartment must show:
 *  1. the error against a reference ODE solution (GSL rk8pd, 1e-12 tolerances) halves
 *     each time dt halves (first order), at every refinement;
 *  2. Richardson extrapolation 2·v(dt/2) − v(dt) cancels that first-order error, leaving a
 *     much smaller residual;
 *  3. the spike time, a continuous-time quantity, converges to the ODE's.
 * A wrong rate constant, current, capacitance or stimulus timing leaves an O(1) model
 * error that does not shrink with dt, and (1) and (2) fail.  The rates below are written
 * independently of core/sim, from hh.mod's equations (neuron-gui.md §7.1).
 */
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "nrt-sim.h"
#include "nrt-cases.h"

#define TSTOP   10.0
#define DEL     1.0
#define DUR     0.5
#define AMP     0.3      /* nA */
#define SAMPLE  0.1      /* ms between compared samples */
#define N_SAMPLES ((int) (TSTOP / SAMPLE + 0.5) + 1)
#define N_DT 5

typedef struct {
  double area;   /* µm² */
  double amp;    /* nA, while the pulse is on */
} Params;

static double
efun (double x, double y)
{
  /* x/(exp(x/y) - 1), continuous at 0 */
  return fabs (x / y) < 1e-6 ? y * (1 - x / y / 2) : x / (exp (x / y) - 1);
}

static void
hh_rates (double v, double *ai, double *bi)
{
  ai[0] = 0.1 * efun (-(v + 40), 10);
  bi[0] = 4 * exp (-(v + 65) / 18);
  ai[1] = 0.07 * exp (-(v + 65) / 20);
  bi[1] = 1 / (exp (-(v + 35) / 10) + 1);
  ai[2] = 0.01 * efun (-(v + 55), 10);
  bi[2] = 0.125 * exp (-(v + 65) / 80);
}

/* y = v (mV), m, h, n; celsius 6.3 so q10 = 1; cm 1 µF/cm²; currents in mA/cm². */
static int
hh_rhs (double t, const double y[], double f[], void *data)
{
  const Params *p = data;
  double a[3], b[3], v = y[0];
  hh_rates (v, a, b);
  double i_ion = 0.12 * y[1] * y[1] * y[1] * y[2] * (v - 50) + 0.036 * pow (y[3], 4) * (v + 77)
                 + 0.0003 * (v + 54.3);
  double i_stim = p->amp * 100.0 / p->area;   /* nA → mA/cm² */
  f[0] = 1e3 * (i_stim - i_ion) / 1.0;
  for (int g = 0; g < 3; g++)
    f[g + 1] = a[g] * (1 - y[g + 1]) - b[g] * y[g + 1];
  return GSL_SUCCESS;
}

/* The reference: v every SAMPLE ms, the pulse's edges integrated as discontinuities. */
static void
solve_ode (double *v_out, double *spike_time)
{
  Params p = { G_PI * 10 * 10, 0.0 };
  gsl_odeiv2_system sys = { hh_rhs, NULL, 4, &p };
  double a[3], b[3], y[4] = { -65, 0, 0, 0 };
  hh_rates (-65, a, b);
  for (int g = 0; g < 3; g++)
    y[g + 1] = a[g] / (a[g] + b[g]);

  gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new (&sys, gsl_odeiv2_step_rk8pd, 1e-6,
                                                          1e-12, 1e-12);
  double t = 0, fine = 0.0005, vprev = y[0];
  int n_fine = (int) (TSTOP / fine + 0.5);
  *spike_time = -1;
  v_out[0] = y[0];
  for (int k = 1; k <= n_fine; k++)
    {
      double t1 = k * fine;
      /* switch the pulse on/off exactly at its edges and restart the stepper there */
      double target = t1;
      p.amp = (t >= DEL - 1e-12 && t < DEL + DUR - 1e-12) ? AMP : 0.0;
      gsl_odeiv2_driver_reset (drv);
      g_assert_cmpint (gsl_odeiv2_driver_apply (drv, &t, target, y), ==, GSL_SUCCESS);
      t = t1;
      if (*spike_time < 0 && vprev < 0 && y[0] >= 0)
        *spike_time = t1 - fine + fine * (0 - vprev) / (y[0] - vprev);
      vprev = y[0];
      if (k % (int) (SAMPLE / fine + 0.5) == 0)
        v_out[k / (int) (SAMPLE / fine + 0.5)] = y[0];
    }
  gsl_odeiv2_driver_free (drv);
}

/* Neurite with the rate table off at dt; v every SAMPLE ms and the interpolated spike. */
static void
solve_neurite (double dt, double *v_out, double *spike_time)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) model = nrt_model_new ();
  g_assert_cmpint (nrt_model_add_section (model, "soma", NULL, 0, 10, 10, &error), ==, 0);
  g_assert_true (nrt_model_insert_mechanism (model, "soma", "hh", &error));
  nrt_case_add_iclamp (model, "soma", 0.5, DEL, DUR, AMP);
  nrt_case_set_run (model, TSTOP, NRT_METHOD_IMPLICIT, FALSE);
  NrtRunSettings s = nrt_model_get_data (model)->settings;
  s.dt = dt;
  g_assert_true (nrt_model_set_settings (model, &s, &error));
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  int rec = nrt_sim_add_record (sim, "soma(0.5).v", &error);
  g_assert_no_error (error);

  int per = (int) (SAMPLE / dt + 0.5), step = 0;
  double vprev = nrt_sim_record_value (sim, (guint) rec);
  *spike_time = -1;
  v_out[0] = vprev;
  while (!nrt_sim_reached (sim, TSTOP))
    {
      g_assert_true (nrt_sim_step (sim, &error));
      step++;
      double v = nrt_sim_record_value (sim, (guint) rec);
      if (*spike_time < 0 && vprev < 0 && v >= 0)
        *spike_time = (step - 1) * dt + dt * (0 - vprev) / (v - vprev);
      vprev = v;
      if (step % per == 0)
        v_out[step / per] = v;
    }
  g_assert_cmpint (step, ==, (int) (TSTOP / dt + 0.5));
}

static void
test_convergence_to_ode (void)
{
  double v_ode[N_SAMPLES], v[N_DT][N_SAMPLES], ts_ode, ts[N_DT], err[N_DT];

  solve_ode (v_ode, &ts_ode);
  g_assert_cmpfloat (ts_ode, >, DEL);   /* the pulse fires a spike */
  for (int k = 0; k < N_DT; k++)
    {
      double dt = 0.025 / (1 << k);
      solve_neurite (dt, v[k], &ts[k]);
      err[k] = 0;
      for (int i = 0; i < N_SAMPLES; i++)
        err[k] = MAX (err[k], fabs (v[k][i] - v_ode[i]));
      g_test_message ("dt %.6g ms: max |v - v_ode| = %.4g mV, spike %.6f ms (ODE %.6f)", dt,
                      err[k], ts[k], ts_ode);
    }
  for (int k = 0; k + 1 < N_DT; k++)
    {
      double ratio = err[k] / err[k + 1];
      g_test_message ("error ratio dt/(dt/2) = %.3f", ratio);
      /* first order: 2, within what the spike's steepness allows */
      g_assert_cmpfloat (ratio, >, 1.6);
      g_assert_cmpfloat (ratio, <, 2.5);
      /* spike time converges, also at first order */
      g_assert_cmpfloat (fabs (ts[k + 1] - ts_ode), <, 0.75 * fabs (ts[k] - ts_ode));
    }
  double rich = 0;
  for (int i = 0; i < N_SAMPLES; i++)
    rich = MAX (rich, fabs (2 * v[N_DT - 1][i] - v[N_DT - 2][i] - v_ode[i]));
  g_test_message ("Richardson 2v(dt/2) - v(dt) at dt %.6g: max |Δ| = %.4g mV",
                  0.025 / (1 << (N_DT - 1)), rich);
  g_assert_cmpfloat (rich, <, 0.05 * err[N_DT - 1]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validation/gsl/hh-compartment-converges-to-ode", test_convergence_to_ode);
  return g_test_run ();
}

/* nrt-hh.c: hh.mod's rate functions and its rate table, evaluated as NEURON's generated C does.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The expressions keep the operand order of nocmodl's translation of hh.mod (NEURON 8.2.2)
 * so that the doubles come out identical to NEURON's, bit for bit where libm agrees.
 */
#include "nrt-sim-private.h"

/* hh.mod FUNCTION vtrap(x, y): traps the 0/0 of the alpha functions at v = -40 and -55. */
static double
vtrap (double x, double y)
{
  if (fabs (x / y) < 1e-6)
    return y * (1.0 - x / y / 2.0);
  return x / (exp (x / y) - 1.0);
}

void
nrt_hh_rates_direct (double v, double q10, NrtHhRates *out)
{
  double alpha, beta, sum;

  /* "m" sodium activation */
  alpha = .1 * vtrap (-(v + 40.0), 10.0);
  beta = 4.0 * exp (-(v + 65.0) / 18.0);
  sum = alpha + beta;
  out->mtau = 1.0 / (q10 * sum);
  out->minf = alpha / sum;
  /* "h" sodium inactivation */
  alpha = .07 * exp (-(v + 65.0) / 20.0);
  beta = 1.0 / (exp (-(v + 35.0) / 10.0) + 1.0);
  sum = alpha + beta;
  out->htau = 1.0 / (q10 * sum);
  out->hinf = alpha / sum;
  /* "n" potassium activation */
  alpha = .01 * vtrap (-(v + 55.0), 10.0);
  beta = .125 * exp (-(v + 65.0) / 80.0);
  sum = alpha + beta;
  out->ntau = 1.0 / (q10 * sum);
  out->ninf = alpha / sum;
}

void
nrt_hh_table_build (NrtHhRates *table, double celsius, double *q10)
{
  /* q10 = 3^((celsius - 6.3)/10); TABLE ... DEPEND celsius FROM -100 TO 100 WITH 200.
   * nocmodl steps x by accumulation (x += dx); dx is exactly 1 here so x is exact. */
  double tmax = 100.0, tmin = NRT_HH_TABLE_VMIN;
  double dx = (tmax - tmin) / (double) NRT_HH_TABLE_N;
  double x = tmin;

  *q10 = pow (3.0, ((celsius - 6.3) / 10.0));
  for (int i = 0; i <= NRT_HH_TABLE_N; i++, x += dx)
    nrt_hh_rates_direct (x, *q10, &table[i]);
}

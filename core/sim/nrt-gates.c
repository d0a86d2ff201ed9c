/* nrt-gates.c: hh's gating-state step (cnexp), built to vectorise.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file is compiled on its own with -O3, no FMA contraction and finite-math (so that
 * nrt_exp's clamps become min/max instructions), and on x86-64 GCC in two clones: AVX2, where
 * four instances advance at once and nrt_exp's table is read by gathers, and the SSE2
 * baseline.  The values stay finite here: every τ is positive and finite, and a blow-up shows
 * in v first, where nrt_sim_step() checks for it.
 */
#include "nrt-sim-private.h"
#include "nrt-exp.h"

/* hh.mod SOLVE states METHOD cnexp, as nocmodl writes it:
 *   m = m + (1 - exp(dt*(-1/mtau)))*(-(minf/mtau)/(-1/mtau) - m). */
static inline double
cnexp (double x, double inf, double tau, double dt)
{
  double a = (-1.0) / tau;
  return x + (1. - nrt_exp (dt * a)) * (-(inf / tau) / a - x);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__ ((target_clones ("avx2", "default")))
#endif
void
nrt_hh_advance_gates (guint nhh, double dt, double *restrict m, double *restrict h,
                      double *restrict n, const double *restrict minf,
                      const double *restrict mtau, const double *restrict hinf,
                      const double *restrict htau, const double *restrict ninf,
                      const double *restrict ntau)
{
  for (guint k = 0; k < nhh; k++)
    {
      m[k] = cnexp (m[k], minf[k], mtau[k], dt);
      h[k] = cnexp (h[k], hinf[k], htau[k], dt);
      n[k] = cnexp (n[k], ninf[k], ntau[k], dt);
    }
}

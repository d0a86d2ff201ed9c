/* nrt-exp.h: an inline exp() for the gating-state update, accurate to about half an ulp.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cnexp's factor 1 − exp(−dt/τ) costs three libm calls per segment per step, a third of the
 * solver's time.  This exp is inlined (and so vectorisable), and rounds almost always as
 * libm does: the argument is split as x = (k·32 + j)·ln2/32 + r with |r| ≤ ln2/64, so that
 * exp(x) = 2^k · 2^(j/32) · e^r.  2^(j/32) is held as a double plus a correction (hi + lo,
 * 64 bits of long double at start-up), and e^r − 1 is a degree-6 Taylor polynomial, whose
 * truncation error (r⁷/7! < 3e-18) is far below an ulp.  The only sizeable rounding is the
 * last addition, so the result is within about 0.51 ulp of the true value: it differs from
 * glibc's correctly-rounded result in roughly one case in a hundred, by one ulp.
 * tests/core/test-exp.c measures exactly that.
 */
#pragma once

#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

G_BEGIN_DECLS

#define NRT_EXP_TABLE_BITS 5
#define NRT_EXP_TABLE_N (1 << NRT_EXP_TABLE_BITS)

typedef struct {
  double hi[NRT_EXP_TABLE_N];   /* 2^(j/32) rounded to double */
  double lo[NRT_EXP_TABLE_N];   /* 2^(j/32) − hi */
} NrtExpTable;

extern NrtExpTable nrt_exp_table;

/* Fills nrt_exp_table; safe to call more than once and from several threads. */
void nrt_exp_init (void);

/* exp(x) for −708 ≤ x ≤ 709; x is clamped to that range (exp(−708) ≈ 3e-308, which is as
 * good as 0 in every use here: 1 − exp(x) is then exactly 1). */
static inline double
nrt_exp (double x)
{
  /* ln2/32 split so that k·LN2_32_HI is exact for |k| < 2^21 (HI has 32 significant bits). */
  const double INV_LN2_32 = 46.16624130844683;             /* 32/ln2 */
  const double LN2_32_HI = 0.021660849390173098;           /* 0x3F962E42FEF00000 */
  const double LN2_32_LO = 2.325192846878874e-12;          /* ln2/32 − HI */
  const double SHIFT = 6755399441055744.0;                 /* 1.5·2^52: round to integer */

  x = x < -708.0 ? -708.0 : x;
  x = x > 709.0 ? 709.0 : x;
  /* Round x·32/ln2 to an integer with the 1.5·2^52 trick, then convert exactly. */
  double kd = (x * INV_LN2_32 + SHIFT) - SHIFT;
  int k = (int) kd;
  double r = (x - kd * LN2_32_HI) - kd * LN2_32_LO;
  int j = k & (NRT_EXP_TABLE_N - 1);
  int e = k >> NRT_EXP_TABLE_BITS;   /* floor(k/32): arithmetic shift */

  /* e^r − 1 = r + r²/2 + … + r⁶/720 */
  double p = r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120
                                                                        + r * (1.0 / 720))))));
  double t_hi = nrt_exp_table.hi[j], t_lo = nrt_exp_table.lo[j];
  double m = t_hi + (t_lo + t_hi * p);

  /* Multiplying by 2^e is exact while the result is normal, which −708 ≤ x ≤ 709 ensures. */
  uint64_t bits = (uint64_t) (int64_t) (e + 1023) << 52;
  double scale;
  memcpy (&scale, &bits, sizeof scale);
  return m * scale;
}

G_END_DECLS

/* nrt-exp.c: the table of 2^(j/32) behind nrt_exp().
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-exp.h"

NrtExpTable nrt_exp_table;

void
nrt_exp_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      /* long double (64-bit mantissa on x86-64) gives the correction 11 bits beyond hi. */
      for (int j = 0; j < NRT_EXP_TABLE_N; j++)
        {
          long double t = exp2l ((long double) j / NRT_EXP_TABLE_N);
          nrt_exp_table.hi[j] = (double) t;
          nrt_exp_table.lo[j] = (double) (t - (long double) nrt_exp_table.hi[j]);
        }
      g_once_init_leave (&done, 1);
    }
}

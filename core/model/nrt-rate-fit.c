/* nrt-rate-fit.c — the Adjust tool's solves (see nrt-rate-fit.h). */
#include "nrt-rate-fit.h"

#include <math.h>

/* ebykt of KSChan's Borg-Graham functions (/mV). */
static double
bg_ebykt (double celsius)
{
  return NRT_E_OVER_K / (273.15 + celsius);
}

static gboolean
is_ks_form (const NrtRate *rate)
{
  switch (rate->form)
    {
    case NRT_RATE_CONSTANT:
    case NRT_RATE_EXP:
    case NRT_RATE_LINOID:
    case NRT_RATE_SIGMOID:
    case NRT_RATE_BG_INF:
    case NRT_RATE_BG_TAU:
      return TRUE;
    default:
      return FALSE;
    }
}

/* x/(1 − Exp(−x)) evaluated exactly as the linoid rate does (A = 1, k = 1, d = 0). */
static double
linoid_unit (double x)
{
  NrtRate r = { NRT_RATE_LINOID, 1.0, 1.0, 0.0 };

  return nrt_rate_eval_at (&r, x, 6.3);
}

gboolean
nrt_rate_fit_scale (NrtRate *rate, double v, double y, double celsius)
{
  NrtRate unit;
  double f1;

  g_return_val_if_fail (rate != NULL, FALSE);
  if (!is_ks_form (rate) || !isfinite (v) || !isfinite (y))
    return FALSE;
  if (rate->form == NRT_RATE_BG_INF)
    {
      /* inf = 1/(1 + exp(−x)), x = ebykt·z·(v − vhalf). */
      double x;

      if (!(y > 0.0 && y < 1.0) || rate->z == 0.0)
        return FALSE;
      x = log (y / (1.0 - y));
      rate->d = v - x / (bg_ebykt (celsius) * rate->z);
      return TRUE;
    }
  if (rate->form == NRT_RATE_BG_TAU)
    {
      /* τ − tau0 = 1/(K·(e^{gam·x} + e^{(gam−1)·x})): K = 1/((τ − tau0)·sum). */
      unit = *rate;
      unit.A = 1.0;
      unit.tau0 = 0.0;
      f1 = nrt_rate_eval_at (&unit, v, celsius);  /* 1/sum */
      if (!(y > rate->tau0) || !(f1 > 0.0) || !isfinite (f1))
        return FALSE;
      rate->A = f1 / (y - rate->tau0);
      return isfinite (rate->A);
    }
  unit = *rate;
  unit.A = 1.0;
  f1 = nrt_rate_eval_at (&unit, v, celsius);
  if (!(f1 > 0.0) || !isfinite (f1))
    return FALSE;
  rate->A = y > 0.0 ? y / f1 : 0.0;
  return TRUE;
}

/* Solves x/(1 − Exp(−x)) = r (> 0) for x; the function increases from 0 to +∞. */
static double
linoid_inverse (double r)
{
  double lo = -1.0, hi = 1.0;

  while (linoid_unit (lo) > r && lo > -700.0)
    lo *= 2.0;
  while (linoid_unit (hi) < r && hi < 1e300)
    hi *= 2.0;
  /* Bisection down to adjacent doubles: at most ~2100 halvings, usually ~60. */
  for (int i = 0; i < 4000; i++)
    {
      double mid = 0.5 * (lo + hi);

      if (mid <= lo || mid >= hi)
        break;
      if (linoid_unit (mid) < r)
        lo = mid;
      else
        hi = mid;
    }
  return fabs (linoid_unit (lo) - r) < fabs (linoid_unit (hi) - r) ? lo : hi;
}

gboolean
nrt_rate_fit_slope (NrtRate *rate, double v, double y, double celsius)
{
  double dv, r, x;

  g_return_val_if_fail (rate != NULL, FALSE);
  if (!is_ks_form (rate) || !isfinite (v) || !isfinite (y))
    return FALSE;
  dv = v - rate->d;
  switch (rate->form)
    {
    case NRT_RATE_CONSTANT:
      return nrt_rate_fit_scale (rate, v, y, celsius);
    case NRT_RATE_BG_TAU:
      return nrt_rate_fit_scale (rate, v, y, celsius);
    case NRT_RATE_BG_INF:
      if (!(y > 0.0 && y < 1.0) || dv == 0.0)
        return FALSE;
      rate->z = log (y / (1.0 - y)) / (bg_ebykt (celsius) * dv);
      return TRUE;
    default:
      break;
    }
  if (dv == 0.0 || !(rate->A > 0.0) || !(y > 0.0))
    return FALSE;
  r = y / rate->A;
  switch (rate->form)
    {
    case NRT_RATE_EXP:          /* r = e^x */
      x = log (r);
      break;
    case NRT_RATE_SIGMOID:      /* r = 1/(1 + e^x), 0 < r < 1 */
      if (!(r < 1.0))
        return FALSE;
      x = log (1.0 / r - 1.0);
      break;
    case NRT_RATE_LINOID:
      x = linoid_inverse (r);
      break;
    default:
      return FALSE;
    }
  if (!isfinite (x) || fabs (x) > 700.0)
    return FALSE;
  rate->k = x / dv;
  return TRUE;
}

gboolean
nrt_rate_fit_mark (const NrtRate *rate, double celsius, double *v, double *y)
{
  g_return_val_if_fail (rate != NULL, FALSE);
  switch (rate->form)
    {
    case NRT_RATE_EXP:
    case NRT_RATE_LINOID:
    case NRT_RATE_SIGMOID:
    case NRT_RATE_BG_INF:
    case NRT_RATE_BG_TAU:
      break;
    default:
      return FALSE;
    }
  if (v)
    *v = rate->d;
  if (y)
    *y = nrt_rate_eval_at (rate, rate->d, celsius);
  return TRUE;
}

gboolean
nrt_rate_fit_move_mark (NrtRate *rate, double v, double y, double celsius)
{
  NrtRate r;

  g_return_val_if_fail (rate != NULL, FALSE);
  if (!nrt_rate_fit_mark (rate, celsius, NULL, NULL) || !isfinite (v))
    return FALSE;
  r = *rate;
  r.d = v;
  if (r.form != NRT_RATE_BG_INF && !nrt_rate_fit_scale (&r, v, y, celsius))
    return FALSE;
  *rate = r;
  return TRUE;
}

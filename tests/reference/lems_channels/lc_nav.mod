: Nav of olm.nml, written by hand: m^3 h, alpha/beta in mV and ms.
NEURON {
  SUFFIX lc_nav
  NONSPECIFIC_CURRENT i
  RANGE gbar, e
}
UNITS { (mA) = (milliamp) (mV) = (millivolt) (S) = (siemens) }
PARAMETER { gbar = 0 (S/cm2) e = 50 (mV) }
ASSIGNED { v (mV) i (mA/cm2) minf mtau (ms) hinf htau (ms) }
STATE { m h }
BREAKPOINT {
  SOLVE states METHOD cnexp
  i = gbar * m * m * m * h * (v - e)
}
INITIAL { rates(v) m = minf h = hinf }
DERIVATIVE states {
  rates(v)
  m' = (minf - m) / mtau
  h' = (hinf - h) / htau
}
PROCEDURE rates(v (mV)) {
  LOCAL a, b, x
  UNITSOFF
  : olm_Nav_m_alpha(rate 1/ms, midpoint -38 mV, scale 10 mV)
  x = (v + 38) / 10
  if (x != 0) { a = x / (1 - exp(-x)) } else { a = 1 }
  : HHExpRate 4/ms, -63 mV, -18 mV
  b = 4 * exp((v + 63) / -18)
  mtau = 1 / (a + b)
  minf = a * mtau
  a = 0.07 * exp(-(v + 63) / 20)
  b = 1 / (1 + exp(-(v + 33) / 10))
  htau = 1 / (a + b)
  hinf = a * htau
  UNITSON
}

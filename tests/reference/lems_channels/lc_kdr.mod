: Kdrfast of olm.nml, written by hand: n^4.
NEURON {
  SUFFIX lc_kdr
  NONSPECIFIC_CURRENT i
  RANGE gbar, e
}
UNITS { (mA) = (milliamp) (mV) = (millivolt) (S) = (siemens) }
PARAMETER { gbar = 0 (S/cm2) e = -77 (mV) }
ASSIGNED { v (mV) i (mA/cm2) ninf ntau (ms) }
STATE { n }
BREAKPOINT {
  SOLVE states METHOD cnexp
  i = gbar * n * n * n * n * (v - e)
}
INITIAL { rates(v) n = ninf }
DERIVATIVE states {
  rates(v)
  n' = (ninf - n) / ntau
}
PROCEDURE rates(v (mV)) {
  LOCAL a, b, x
  UNITSOFF
  : HHExpLinearRate 0.1/ms, -57 mV, 10 mV
  x = (v + 57) / 10
  a = 0.1 * x / (1 - exp(-x))
  : olm_Kdr_n_beta(q 1.5)
  b = 1.5 * 0.125 * exp(-(v + 57) / 80)
  ntau = 1 / (a + b)
  ninf = a * ntau
  UNITSON
}

: HCNolm of olm.nml, written by hand: r, an inf/tau gate.
NEURON {
  SUFFIX lc_hcn
  NONSPECIFIC_CURRENT i
  RANGE gbar, e
}
UNITS { (mA) = (milliamp) (mV) = (millivolt) (S) = (siemens) }
PARAMETER { gbar = 0 (S/cm2) e = -32.9 (mV) }
ASSIGNED { v (mV) i (mA/cm2) rinf rtau (ms) }
STATE { r }
BREAKPOINT {
  SOLVE states METHOD cnexp
  i = gbar * r * (v - e)
}
INITIAL { rates(v) r = rinf }
DERIVATIVE states {
  rates(v)
  r' = (rinf - r) / rtau
}
PROCEDURE rates(v (mV)) {
  UNITSOFF
  rinf = 1 / (1 + exp((v + 84) / 10.2))
  rtau = 1 / (exp(-17.9 - 0.116 * v) + exp(-1.84 + 0.09 * v)) + 100
  UNITSON
}

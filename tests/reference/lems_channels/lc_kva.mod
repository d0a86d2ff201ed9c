: KvAolm of olm.nml, written by hand: a b, inf/tau gates.
NEURON {
  SUFFIX lc_kva
  NONSPECIFIC_CURRENT i
  RANGE gbar, e
}
UNITS { (mA) = (milliamp) (mV) = (millivolt) (S) = (siemens) }
PARAMETER { gbar = 0 (S/cm2) e = -77 (mV) celsius (degC) }
ASSIGNED { v (mV) i (mA/cm2) ainf atau (ms) binf btau (ms) }
STATE { a b }
BREAKPOINT {
  SOLVE states METHOD cnexp
  i = gbar * a * b * (v - e)
}
INITIAL { rates(v) a = ainf b = binf }
DERIVATIVE states {
  rates(v)
  a' = (ainf - a) / atau
  b' = (binf - b) / btau
}
FUNCTION H(x) {
  if (x < 0) { H = 0 } else if (x > 0) { H = 1 } else { H = 0.5 }
}
PROCEDURE rates(v (mV)) {
  LOCAL phi
  UNITSOFF
  : HHSigmoidVariable 1, -14 mV, 16.6 mV
  ainf = 1 / (1 + exp((v + 14) / -16.6))
  : olm_KvA_a_tau
  atau = 0.2 + 27 / (1 + exp((v + 40) / 12)) * exp(-((v + 70) / 30)^2)
  : olm_KvA_b_inf
  binf = 1 / (1 + exp((v + 78) / 6))^2
  : olm_KvA_b_tau, slower below 34 degC (Q10 3)
  phi = 3^((celsius - 34) / 10)
  if (v < -60) {
    btau = (5 + 40 * exp(-(v + 70)^2 / 400)) / phi
  } else {
    btau = (5 + 40 * exp(-(v + 70)^2 / 400) + 10 * H(v + 60)) / phi
  }
  UNITSON
}

/* nrt-sim.c: NEURON's fixed-step integration (backward Euler and Crank–Nicolson) of a network.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One step is NEURON 8.2.2's nrn_fixed_step_thread (fadvance.cpp): deliver events due by
 * t + dt/2; t += dt/2; every current and its di/dv by a 0.001 mV difference at v_n
 * (nrn_rhs/nrn_lhs); the Hines solve (triang/bksub); v += Δv (2Δv for secondorder 2);
 * t += dt/2; the states with the new v (nrn_state, cnexp).  Mechanism kernels run in the
 * order of NEURON's mechanism types (Exp2Syn, ExpSyn, hh, pas, IClamp, AlphaSynapse) so
 * that sums are formed in the same order; SEClamp and VClamp follow.
 */
#include "nrt-sim-private.h"
#include "nrt-exp.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

/* kssingle.cpp: a stochastic instance redraws its pending transition when v moved by vres
 * (KSChan.vres(), 0.1 mV by default) or more since the rates were computed. */
#define NRT_SINGLE_VRES 0.1

/* The event state of a stochastic point channel (KSSingleNodeData): the populations live in
 * the run state (chan_s) as integers. */
typedef struct {
  double   vlast;  /* mV: v at which the pending transition's rates were computed */
  double   t0;     /* ms: the last transition (or redraw) time */
  double   t1;     /* ms: the pending transition's time */
  int      next;   /* the pending transition: 2·j forward, 2·j + 1 backward of scheme trans j */
  gsl_rng *rng;
} SingleChan;

typedef enum {
  REC_PTR,          /* a double in the run state */
  REC_I_CAP,        /* mA/cm² */
  REC_I_MEMBRANE,   /* i_cap + ionic currents, mA/cm² */
  REC_ION_CURRENT,  /* ina, ik, ica: the sum over hh and channels at a segment, mA/cm² */
} RecordKind;

/* Slots of pp_state.  SEClamp: vc, on, tc2, tc3.  VClamp: e, vo, vi, e0, vo0, vi0, stim, tc.
 * APCount: n, firing, time. */
enum {
  SE_VC = 0, SE_ON, SE_TC2, SE_TC3,
  VC_E = 0, VC_VO, VC_VI, VC_E0, VC_VO0, VC_VI0, VC_STIM, VC_TC,
  AP_N = 0, AP_FIRING, AP_TIME,
  PP_N_STATE = 8
};

typedef struct {
  RecordKind    kind;
  const double *ptr;
  int           node;
  int           index;    /* REC_ION_CURRENT: the NrtIon */
  int           section;  /* REC_ION_CURRENT: section and segment */
  guint         seg;
} Record;

typedef struct {
  double t;       /* delivery time, ms */
  guint  target;  /* point process */
  double weight;  /* µS */
} Event;

struct _NrtSim {
  const NrtNetwork *net;
  double t, dt, cj, cfac, new_dt;
  gboolean dt_pending;

  double *v, *rhs, *d, *cap;
  /* hh: states and the ASSIGNED currents of the last current evaluation */
  double *m, *h, *n, *ina, *ik, *il, *gna, *gk;
  /* scratch for the state update: x∞ and τ of m, h, n at every hh instance */
  double *rate_block, *minf, *mtau, *hinf, *htau, *ninf, *ntau;
  double *pas_i;
  /* channels: states (net->chan_state0), and per instance g (S/cm², point µS) and i
   * (mA/cm², point nA) */
  double *chan_s, *chan_g, *chan_i;
  /* scratch for the kinetic schemes: a max_scheme_states² matrix and cumulative rates */
  double *ks_work;
  /* per channel instance; rng non-NULL only for stochastic instances */
  SingleChan *single;
  /* point processes, indexed like net->pp_* */
  double *pp_i, *pp_g, *pp_A, *pp_B, *pp_factor;
  /* per point process, the STATE and ASSIGNED variables of the clamps and APCount */
  double (*pp_state)[PP_N_STATE];
  /* NetStim: next spike time, spikes emitted, on */
  double   *ns_next;
  double   *ns_count;
  gboolean *ns_on;
  /* pending NetCon deliveries, a binary min-heap on t */
  Event *heap;
  guint  n_heap, heap_cap;
  /* per NetStim, the NetCons it drives */
  guint **ns_netcons;
  guint  *ns_n_netcons;

  GArray *records;
};

/* ---------------------------------------------------------------------------------- */
/* Event queue                                                                          */

static void
heap_push (NrtSim *sim, double t, guint target, double weight)
{
  if (sim->n_heap == sim->heap_cap)
    {
      sim->heap_cap = MAX (16, sim->heap_cap * 2);
      sim->heap = g_renew (Event, sim->heap, sim->heap_cap);
    }
  guint i = sim->n_heap++;
  while (i > 0)
    {
      guint p = (i - 1) / 2;
      if (sim->heap[p].t <= t)
        break;
      sim->heap[i] = sim->heap[p];
      i = p;
    }
  sim->heap[i] = (Event) { t, target, weight };
}

static Event
heap_pop (NrtSim *sim)
{
  Event top = sim->heap[0], last = sim->heap[--sim->n_heap];
  guint i = 0, n = sim->n_heap;
  for (;;)
    {
      guint c = 2 * i + 1;
      if (c >= n)
        break;
      if (c + 1 < n && sim->heap[c + 1].t < sim->heap[c].t)
        c++;
      if (last.t <= sim->heap[c].t)
        break;
      sim->heap[i] = sim->heap[c];
      i = c;
    }
  if (n > 0)
    sim->heap[i] = last;
  return top;
}

/* netstim.mod invl() with noise 0: the mean, 0.01 ms if not positive. */
static double
netstim_invl (double mean)
{
  if (mean <= 0.)
    mean = .01;
  return mean;
}

/* NET_RECEIVE of the synapse types (expsyn.mod g += w; exp2syn.mod A, B += w*factor). */
static void
receive (NrtSim *sim, guint pp, double weight)
{
  switch (sim->net->pp_type[pp])
    {
    case NRT_PP_EXPSYN:
      sim->pp_g[pp] = sim->pp_g[pp] + weight;
      break;
    case NRT_PP_EXP2SYN:
      sim->pp_A[pp] = sim->pp_A[pp] + weight * sim->pp_factor[pp];
      sim->pp_B[pp] = sim->pp_B[pp] + weight * sim->pp_factor[pp];
      break;
    case NRT_PP_ICLAMP:
    case NRT_PP_ALPHA_SYNAPSE:
    case NRT_PP_SECLAMP:
    case NRT_PP_VCLAMP:
    case NRT_PP_APCOUNT:
    case NRT_PP_CHANNEL:
    case NRT_N_PP:
    default:
      break;
    }
}

/* NetCvode::deliver_net_events: everything due at or before tm = t + dt/2.  A NetStim's
 * self-event at s emits a spike at exactly s (net_event(t) with t = the event time) and
 * schedules the next at s + interval; each NetCon then delivers at s + delay. */
static void
deliver_events (NrtSim *sim, double tm)
{
  const NrtNetwork *net = sim->net;

  for (;;)
    {
      gboolean any = FALSE;
      for (guint k = 0; k < net->n_netstims; k++)
        while (sim->ns_on[k] && sim->ns_next[k] <= tm)
          {
            double s = sim->ns_next[k];
            for (guint c = 0; c < sim->ns_n_netcons[k]; c++)
              {
                const NrtNetCon *nc = &net->netcons[sim->ns_netcons[k][c]];
                heap_push (sim, s + nc->delay, (guint) nc->target, nc->weight);
              }
            sim->ns_count[k] += 1;
            if (sim->ns_count[k] >= net->netstims[k].number)
              sim->ns_on[k] = FALSE;
            else
              sim->ns_next[k] = s + netstim_invl (net->netstims[k].interval);
            any = TRUE;
          }
      while (sim->n_heap > 0 && sim->heap[0].t <= tm)
        {
          Event e = heap_pop (sim);
          receive (sim, e.target, e.weight);
        }
      if (!any)
        break;
    }
}

/* ---------------------------------------------------------------------------------- */
/* Currents and matrix (nrn_rhs, nrn_lhs)                                               */

/* hh.mod BREAKPOINT current, mA/cm²: _current = ina + ik + il. */
static inline double
hh_current (double v, double gna, double gk, double gl, double el, double ena, double ek,
            double *ina, double *ik, double *il)
{
  *ina = gna * (v - ena);
  *ik = gk * (v - ek);
  *il = gl * (v - el);
  return *ina + *ik + *il;
}

/* KSGateComplex::conductance: x^power formed as KSChan forms it (1 to 4 by products). */
static inline double
gate_power (double x, int power)
{
  switch (power)
    {
    case 1:
      return x;
    case 2:
      return x * x;
    case 3:
      return x * x * x;
    case 4:
      x = x * x;
      return x * x;
    default:
      return pow (x, (double) power);
    }
}

/* KSChan::conductance: g = gmax·Π G_j over the HH gates (G = s^power) and then the schemes
 * (G = (Σ fraction·s)^power), the product formed from 1 in that order. */
static inline double
channel_conductance (const NrtNetChannel *t, double gmax, const double *s)
{
  double g = 1.;
  for (guint j = 0; j < t->n_gates; j++)
    g *= gate_power (s[j], t->gates[j].power);
  for (guint i = 0; i < t->n_schemes; i++)
    {
      const NrtNetScheme *sc = &t->schemes[i];
      double o = 0.;
      for (guint j = 0; j < sc->n_states; j++)
        o += s[sc->offset + j] * sc->fraction[j];
      g *= gate_power (o, sc->power);
    }
  return gmax * g;
}

/* The forward (from → to) and backward rates (/ms) of a scheme transition at v. */
static inline void
trans_rates (const NrtNetChannel *t, const NrtNetTrans *tr, double v, double *a, double *b)
{
  if (tr->ligand)
    {
      *a = tr->alpha;
      *b = tr->beta;
    }
  else
    nrt_ks_transition_rates_at (&tr->t, v, t->celsius, 0.0, t->factor, a, b);
}

/* One backward-Euler step of a scheme, as KSChan's fillmat, mat_dt and solvemat:
 * (M(v) − I/dt)·y_new = −y_old/dt, with M[s][s] −= a, M[s][t] += b, M[t][t] −= b,
 * M[t][s] += a for each transition s → t, in KSChan's transition order.  KSChan solves it
 * with Sparse13, whose arithmetic is reproduced here on a dense work matrix: diagonal pivots
 * in state order (what its Markowitz ordering picks for full and chain schemes; the matrix
 * is column diagonally dominant, so no pivoting is needed), each pivot replaced by its
 * reciprocal, the pivot row scaled by it (unit upper U), A[r][c] −= U[p][c]·A[r][p]; then
 * forward substitution multiplying by the reciprocal pivots and back substitution with U.
 * This gives NEURON's states bit for bit (ks_scheme_soma's initial occupancies to 4e-16).
 * Dense costs 56 ns per fill and solve for 3 states, 187 ns for 8 (gsl_linalg_LU on
 * preallocated views: 231 and 620–680 ns; -O2, this VM).  KSChan::init uses the same step with dt = 1e9 ms from
 * all population in the first state. */
static void
scheme_step (const NrtNetChannel *t, const NrtNetScheme *sc, double v, double dt,
             double *restrict y, double *restrict A)
{
  const guint n = sc->n_states;
  const double dt1 = -1. / dt;

  memset (A, 0, n * n * sizeof (double));
  for (guint j = 0; j < sc->n_trans; j++)
    {
      const NrtNetTrans *tr = &sc->trans[j];
      double a, b;
      trans_rates (t, tr, v, &a, &b);
      A[tr->from * n + tr->from] -= a;
      A[tr->from * n + tr->to] += b;
      A[tr->to * n + tr->to] -= b;
      A[tr->to * n + tr->from] += a;
    }
  for (guint i = 0; i < n; i++)
    {
      A[i * n + i] += dt1;
      y[i] *= dt1;
    }
  /* spFactor (RealRowColElimination) */
  for (guint p = 0; p < n; p++)
    {
      double inv = 1.0 / A[p * n + p];
      A[p * n + p] = inv;
      for (guint c = p + 1; c < n; c++)
        {
          double u = A[p * n + c] *= inv;
          if (u == 0.0)
            continue;
          for (guint r = p + 1; r < n; r++)
            A[r * n + c] -= u * A[r * n + p];
        }
    }
  /* spSolve: L·c = b (skipping zeros, as Sparse13), then U·x = c */
  for (guint i = 0; i < n; i++)
    {
      double temp = y[i];
      if (temp == 0.0)
        continue;
      temp *= A[i * n + i];
      y[i] = temp;
      for (guint r = i + 1; r < n; r++)
        y[r] -= temp * A[r * n + i];
    }
  for (guint i = n; i-- > 0;)
    {
      double temp = y[i];
      for (guint c = i + 1; c < n; c++)
        temp -= A[i * n + c] * y[c];
      y[i] = temp;
    }
}

/* ---- stochastic single channels (kssingle.cpp, N channels of one scheme of power 1) ---- */

/* KSSingle::nextNtrans: the total rate x of every possible move (population × rate, each
 * transition forward then backward), an exponential waiting time from t0 and, by a second
 * uniform number, which move; nothing within 1e9 ms when x ≤ 1e-9. */
static void
single_next (const NrtNetChannel *t, SingleChan *sc, const double *pop, double v,
             double *cum)
{
  const NrtNetScheme *ks = &t->schemes[0];
  double x = 0.;
  guint n = 2 * ks->n_trans;

  for (guint j = 0; j < ks->n_trans; j++)
    {
      const NrtNetTrans *tr = &ks->trans[j];
      double a, b;
      trans_rates (t, tr, v, &a, &b);
      x += pop[tr->from] * a;
      cum[2 * j] = x;
      x += pop[tr->to] * b;
      cum[2 * j + 1] = x;
    }
  if (x > 1e-9)
    {
      /* exprand() = −log(U), U in (0, 1); the branch by U·x against the cumulative sums. */
      sc->t1 = -log (gsl_rng_uniform_pos (sc->rng)) / x + sc->t0;
      double u = gsl_rng_uniform_pos (sc->rng) * x;
      sc->next = (int) n - 1;
      for (guint i = 0; i + 1 < n; i++)
        if (cum[i] >= u)
          {
            sc->next = (int) i;
            break;
          }
    }
  else
    {
      sc->t1 = 1e9 + sc->t0;
      sc->next = 0;
    }
}

/* KSSingle::doNtrans: the pending move happens at t1. */
static void
single_do (const NrtNetChannel *t, SingleChan *sc, double *pop, double v, double *cum)
{
  const NrtNetTrans *tr = &t->schemes[0].trans[sc->next / 2];
  guint src = sc->next % 2 == 0 ? tr->from : tr->to;
  guint dst = sc->next % 2 == 0 ? tr->to : tr->from;

  sc->t0 = sc->t1;
  g_assert (pop[src] >= 1.);
  pop[src] -= 1.;
  pop[dst] += 1.;
  single_next (t, sc, pop, v, cum);
}

/* KSSingle::multi at the end of a step (t the new time): rates are constant within a dt;
 * when v moved by vres or more (or the scheme has ligands) the pending move is redrawn from
 * the step's start with the rates at the new v; then every move due by t happens. */
static void
single_state (const NrtNetChannel *t, SingleChan *sc, double *pop, double v, double tnow,
              double dt, double *cum)
{
  if (t->uses_ligands || !(fabs (v - sc->vlast) < NRT_SINGLE_VRES))
    {
      sc->vlast = v;
      sc->t0 = tnow - dt;
      single_next (t, sc, pop, v, cum);
    }
  while (sc->t1 <= tnow)
    {
      sc->vlast = v;
      single_do (t, sc, pop, v, cum);
    }
}

/* KSSingle::init: each of the nsingle channels is placed independently by the steady-state
 * occupancies s (laid end to end; a uniform number picks the state), then the first move is
 * drawn. */
static void
single_init (const NrtNetChannel *t, SingleChan *sc, int nsingle, double *s, double v,
             double tnow, double *cum)
{
  const NrtNetScheme *ks = &t->schemes[0];
  double x = 0.;

  for (guint j = 0; j < ks->n_states; j++)
    {
      x += s[j];
      cum[j] = x;
    }
  for (guint j = 0; j < ks->n_states; j++)
    s[j] = 0.;
  for (int c = 0; c < nsingle; c++)
    {
      double u = gsl_rng_uniform_pos (sc->rng) * cum[ks->n_states - 1];
      guint j = 0;
      while (j + 1 < ks->n_states && cum[j] < u)
        j++;
      s[j] += 1.;
    }
  sc->t0 = tnow;
  sc->vlast = v;
  single_next (t, sc, s, v, cum);
}

/* svclmp.mod PROCEDURE vstim(): the level at t (the step's midpoint inside a step). */
static inline void
seclamp_vstim (const double *pa, double *st, double t)
{
  /* pa: rs dur1 amp1 dur2 amp2 dur3 amp3 */
  st[SE_ON] = 1;
  if (t < pa[1])
    st[SE_VC] = pa[2];
  else if (t < st[SE_TC2])
    st[SE_VC] = pa[4];
  else if (t < st[SE_TC3])
    st[SE_VC] = pa[6];
  else
    {
      st[SE_VC] = 0;
      st[SE_ON] = 0;
    }
}

/* svclmp.mod PROCEDURE icur(): i = (vc - v)/rs while on (nA, depolarising). */
static inline double
seclamp_icur (const double *pa, const double *st, double v)
{
  return st[SE_ON] != 0.0 ? (st[SE_VC] - v) / pa[0] : 0.0;
}

/* vclmp.mod PROCEDURE vstim(): stim is the level whose interval contains t; tc is its end
 * plus 100 ms while the clamp is on, the total duration once it is off. */
static inline void
vclamp_vstim (const double *pa, double *st, double t)
{
  /* pa: dur0 dur1 dur2 amp0 amp1 amp2 gain rstim tau1 tau2 e0 vo0 vi0 fac */
  st[VC_TC] = 0;
  for (int j = 0; j < 3; j++)
    {
      st[VC_STIM] = pa[3 + j];
      st[VC_TC] = st[VC_TC] + pa[j];
      if (t < st[VC_TC])
        {
          st[VC_TC] = st[VC_TC] + 100;
          break;
        }
    }
}

/* vclmp.mod FUNCTION icur(): off after tc (e0 = vo0 = 0, no current); otherwise SOLVE clamp,
 * the LINEAR block in the states e, vo, vi with t1 = tau1/dt, t2 = tau2/dt:
 *   vi − fac·vo                 = v − fac·v
 *   gain·e + (t2 + 1)·vo        = t2·vo0
 *   −(2 + t1)·e + (1 + t1)·vi   = stim + t1·(vi0 − e0)
 * solved by Gaussian elimination with partial pivoting (nocmodl hands LINEAR blocks to
 * scoplib's simeq), and icur = (vo − v)/rstim. */
static double
vclamp_icur (const double *pa, double *st, double v, double t, double dt)
{
  if (t > st[VC_TC])
    {
      st[VC_E0] = 0;
      st[VC_VO0] = 0;
      return 0.0;
    }
  double gain = pa[6], rstim = pa[7], fac = pa[13];
  double t1 = pa[8] / dt, t2 = pa[9] / dt;
  double m[3][4] = {
    { 0.0, -fac, 1.0, v - fac * v },
    { gain, t2 + 1, 0.0, t2 * st[VC_VO0] },
    { -(2 + t1), 0.0, 1 + t1, st[VC_STIM] + t1 * (st[VC_VI0] - st[VC_E0]) },
  };
  for (int c = 0; c < 3; c++)
    {
      int piv = c;
      for (int r = c + 1; r < 3; r++)
        if (fabs (m[r][c]) > fabs (m[piv][c]))
          piv = r;
      if (piv != c)
        for (int j = 0; j < 4; j++)
          {
            double tmp = m[c][j];
            m[c][j] = m[piv][j];
            m[piv][j] = tmp;
          }
      for (int r = c + 1; r < 3; r++)
        {
          double f = m[r][c] / m[c][c];
          for (int j = c; j < 4; j++)
            m[r][j] -= f * m[c][j];
        }
    }
  double x[3];
  for (int r = 2; r >= 0; r--)
    {
      double sum = m[r][3];
      for (int j = r + 1; j < 3; j++)
        sum -= m[r][j] * x[j];
      x[r] = sum / m[r][r];
    }
  st[VC_E] = x[0];
  st[VC_VO] = x[1];
  st[VC_VI] = x[2];
  return (st[VC_VO] - v) / rstim;
}

/* apcount.mod PROCEDURE check(): count an upward crossing of thresh once; rearm when v falls
 * below it at a later time. */
static inline void
apcount_check (double thresh, double *st, double v, double t)
{
  if (v >= thresh && st[AP_FIRING] == 0.0)
    {
      st[AP_FIRING] = 1;
      st[AP_TIME] = t;
      st[AP_N] += 1.;
    }
  if (st[AP_FIRING] != 0.0 && v < thresh && t > st[AP_TIME])
    st[AP_FIRING] = 0;
}

static void
compute_currents (NrtSim *sim, double t)
{
  const NrtNetwork *net = sim->net;
  double *restrict v = sim->v, *restrict rhs = sim->rhs, *restrict d = sim->d;
  const guint N = net->n_nodes;

  memset (rhs, 0, N * sizeof (double));
  memset (d, 0, N * sizeof (double));

  /* exp2syn.mod: g = B - A; i = g*(v - e); a point process, so scaled by 1e2/area. */
  for (guint k = 0; k < net->n_pp_of[NRT_PP_EXP2SYN]; k++)
    {
      guint p = net->pp_of[NRT_PP_EXP2SYN][k];
      int nd = net->pp_node[p];
      double e = net->pp_param[p][2], g = sim->pp_B[p] - sim->pp_A[p];
      double gv = g * ((v[nd] + .001) - e);
      double i = g * (v[nd] - e);
      double mf = net->pp_mfact[p];
      sim->pp_g[p] = g;
      sim->pp_i[p] = i;
      rhs[nd] -= i * mf;
      d[nd] += ((gv - i) / .001) * mf;
    }
  /* expsyn.mod: i = g*(v - e), g a STATE. */
  for (guint k = 0; k < net->n_pp_of[NRT_PP_EXPSYN]; k++)
    {
      guint p = net->pp_of[NRT_PP_EXPSYN][k];
      int nd = net->pp_node[p];
      double e = net->pp_param[p][1], g = sim->pp_g[p];
      double gv = g * ((v[nd] + .001) - e);
      double i = g * (v[nd] - e);
      double mf = net->pp_mfact[p];
      sim->pp_i[p] = i;
      rhs[nd] -= i * mf;
      d[nd] += ((gv - i) / .001) * mf;
    }
  /* hh: conductances from the states at the step start, current at v+0.001 and v. */
  {
    const int *restrict node = net->hh_node;
    const double *restrict gnabar = net->hh_gnabar, *restrict gkbar = net->hh_gkbar;
    const double *restrict gl = net->hh_gl, *restrict el = net->hh_el;
    const double *restrict ena = net->hh_ena, *restrict ek = net->hh_ek;
    const double *restrict m = sim->m, *restrict h = sim->h, *restrict n = sim->n;
    double *restrict ina = sim->ina, *restrict ik = sim->ik, *restrict il = sim->il;
    double *restrict gna = sim->gna, *restrict gk = sim->gk;
    const guint nhh = net->n_hh;

    for (guint k = 0; k < nhh; k++)
      {
        int nd = node[k];
        double vk = v[nd], a1, a2, a3;
        double gnak = gnabar[k] * m[k] * m[k] * m[k] * h[k];
        double gkk = gkbar[k] * n[k] * n[k] * n[k] * n[k];
        double g = hh_current (vk + .001, gnak, gkk, gl[k], el[k], ena[k], ek[k], &a1, &a2, &a3);
        double i = hh_current (vk, gnak, gkk, gl[k], el[k], ena[k], ek[k], &ina[k], &ik[k],
                               &il[k]);
        gna[k] = gnak;
        gk[k] = gkk;
        rhs[nd] -= i;
        d[nd] += (g - i) / .001;
      }
  }
  /* ChannelBuilder channels, after hh as NEURON orders KSChan types after the built-ins.
   * Ohmic (KSIv, KSPPIv): i = g·(v − e) with di/dv = g exactly.  GHK (KSIvghk, KSPPIvghk):
   * i = g·ghk(v, ci, co, z) (×1e6 for point channels: µS-scaled pmax in cm³/s to nA), di/dv
   * by the forward difference (i(v + 0.001) − i)·1000.  Point channels' nA become mA/cm²
   * by mfact = 1e2/area. */
  for (guint k = 0; k < net->n_chan; k++)
    {
      int nd = net->chan_node[k];
      const NrtNetChannel *t = &net->chan_types[net->chan_type[k]];
      double g = channel_conductance (t, net->chan_gmax[k], &sim->chan_s[net->chan_state0[k]]);
      double mf = net->chan_mfact[k], i, didv;
      if (t->ghk)
        {
          double scale = net->chan_pp[k] >= 0 ? 1e6 : 1.0;
          double celsius = net->settings.celsius;
          i = g * nrt_ghk (v[nd], t->ci, t->co, t->z, celsius) * scale;
          double i1 = g * nrt_ghk (v[nd] + .001, t->ci, t->co, t->z, celsius) * scale;
          didv = (i1 - i) * 1000.;
        }
      else
        {
          i = g * (v[nd] - net->chan_e[k]);
          didv = g;
        }
      sim->chan_g[k] = g;
      sim->chan_i[k] = i;
      if (net->chan_pp[k] >= 0)
        {
          rhs[nd] -= i * mf;
          d[nd] += didv * mf;
        }
      else
        {
          rhs[nd] -= i;
          d[nd] += didv;
        }
    }
  /* passive.mod: i = g*(v - e). */
  for (guint k = 0; k < net->n_pas; k++)
    {
      int nd = net->pas_node[k];
      double g = net->pas_g[k], e = net->pas_e[k];
      double gv = g * ((v[nd] + .001) - e);
      double i = g * (v[nd] - e);
      sim->pas_i[k] = i;
      rhs[nd] -= i;
      d[nd] += (gv - i) / .001;
    }
  /* stim.mod: an ELECTRODE_CURRENT, on for del <= t < del+dur, t the step's midpoint.
   * Its di/dv is exactly 0, so the diagonal is untouched. */
  for (guint k = 0; k < net->n_pp_of[NRT_PP_ICLAMP]; k++)
    {
      guint p = net->pp_of[NRT_PP_ICLAMP][k];
      const double *pa = net->pp_param[p];
      double i = (t < pa[0] + pa[1] && t >= pa[0]) ? pa[2] : 0.0;
      sim->pp_i[p] = i;
      rhs[net->pp_node[p]] += i * net->pp_mfact[p];
    }
  /* syn.mod: g = gmax*alpha((t - onset)/tau), alpha(x) = x*exp(1 - x) on [0, 10]. */
  for (guint k = 0; k < net->n_pp_of[NRT_PP_ALPHA_SYNAPSE]; k++)
    {
      guint p = net->pp_of[NRT_PP_ALPHA_SYNAPSE][k];
      const double *pa = net->pp_param[p];
      int nd = net->pp_node[p];
      double x = (t - pa[0]) / pa[1];
      double alpha = (x < 0 || x > 10) ? 0.0 : x * exp (1 - x);
      double g = pa[2] * alpha;
      double gv = g * ((v[nd] + .001) - pa[3]);
      double i = g * (v[nd] - pa[3]);
      double mf = net->pp_mfact[p];
      sim->pp_g[p] = g;
      sim->pp_i[p] = i;
      rhs[nd] -= i * mf;
      d[nd] += ((gv - i) / .001) * mf;
    }

  /* svclmp.mod BREAKPOINT: vstim() then icur(), an ELECTRODE_CURRENT (rhs += i, d -= di/dv,
   * the di/dv by the same 0.001 mV difference). */
  for (guint k = 0; k < net->n_pp_of[NRT_PP_SECLAMP]; k++)
    {
      guint p = net->pp_of[NRT_PP_SECLAMP][k];
      int nd = net->pp_node[p];
      double *st = sim->pp_state[p];
      double mf = net->pp_mfact[p];
      seclamp_vstim (net->pp_param[p], st, t);
      double gv = seclamp_icur (net->pp_param[p], st, v[nd] + .001);
      double i = seclamp_icur (net->pp_param[p], st, v[nd]);
      sim->pp_i[p] = i;
      rhs[nd] += i * mf;
      d[nd] -= ((gv - i) / .001) * mf;
    }
  /* vclmp.mod BREAKPOINT: vstim(); i = icur(), whose LINEAR clamp block moves the amplifier
   * states; evaluated at v + 0.001 and then at v, so the states left are those at v. */
  for (guint k = 0; k < net->n_pp_of[NRT_PP_VCLAMP]; k++)
    {
      guint p = net->pp_of[NRT_PP_VCLAMP][k];
      int nd = net->pp_node[p];
      double *st = sim->pp_state[p];
      double mf = net->pp_mfact[p];
      vclamp_vstim (net->pp_param[p], st, t);
      double gv = vclamp_icur (net->pp_param[p], st, v[nd] + .001, t, sim->dt);
      double i = vclamp_icur (net->pp_param[p], st, v[nd], t, sim->dt);
      sim->pp_i[p] = i;
      rhs[nd] += i * mf;
      d[nd] -= ((gv - i) / .001) * mf;
    }

  /* nrn_cap_jacob: d += 0.001*cj*cm (zero on zero-area nodes, which adds nothing). */
  {
    const double *restrict cap = sim->cap;
    for (guint i = 0; i < N; i++)
      d[i] += cap[i];
  }
  /* Axial currents and coefficients: the coupling is negative, hence the signs. */
  {
    const int *restrict parent = net->parent;
    const double *restrict a = net->a, *restrict b = net->b;
    for (guint i = net->n_roots; i < N; i++)
      {
        int p = parent[i];
        double dv = v[p] - v[i];
        rhs[i] -= b[i] * dv;
        rhs[p] += a[i] * dv;
        d[i] -= b[i];
        d[p] -= a[i];
      }
  }
}

/* solve.cpp triang + bksub: O(N) Gaussian elimination on the tree, leaves to roots and back. */
static void
hines_solve (NrtSim *sim)
{
  const NrtNetwork *net = sim->net;
  const int *restrict parent = net->parent;
  const double *restrict a = net->a, *restrict b = net->b;
  double *restrict d = sim->d, *restrict rhs = sim->rhs;
  const guint N = net->n_nodes, r = net->n_roots;

  for (guint i = N - 1; i >= r; i--)
    {
      double p = a[i] / d[i];
      d[parent[i]] -= p * b[i];
      rhs[parent[i]] -= p * rhs[i];
    }
  for (guint i = 0; i < r; i++)
    rhs[i] /= d[i];
  for (guint i = r; i < N; i++)
    {
      rhs[i] -= b[i] * rhs[parent[i]];
      rhs[i] /= d[i];
    }
}

/* ---------------------------------------------------------------------------------- */
/* States (nrn_state)                                                                   */

static void
update_states (NrtSim *sim)
{
  const NrtNetwork *net = sim->net;
  const double *restrict v = sim->v;
  const double dt = sim->dt;
  const int *restrict node = net->hh_node;
  const guint nhh = net->n_hh;

  for (guint k = 0; k < nhh; k++)
    {
      NrtHhRates r;
      if (net->settings.hh_use_table)
        nrt_hh_rates_table (net->hh_table, v[node[k]], &r);
      else
        nrt_hh_rates_direct (v[node[k]], net->hh_q10, &r);
      sim->minf[k] = r.minf;
      sim->mtau[k] = r.mtau;
      sim->hinf[k] = r.hinf;
      sim->htau[k] = r.htau;
      sim->ninf[k] = r.ninf;
      sim->ntau[k] = r.ntau;
    }
  nrt_hh_advance_gates (nhh, dt, sim->m, sim->h, sim->n, sim->minf, sim->mtau, sim->hinf,
                        sim->htau, sim->ninf, sim->ntau);

  /* KSChan::state with the new v: HH gates s += (inf − s)·(1 − Exp(−dt/τ)) (α/β converted
   * by KSTransition::inftau, no rate tables: KSChan's default), then each scheme by one
   * backward-Euler step; stochastic instances (Nsingle ≥ 1) by their transitions instead. */
  for (guint k = 0; k < net->n_chan; k++)
    {
      const NrtNetChannel *t = &net->chan_types[net->chan_type[k]];
      double *s = &sim->chan_s[net->chan_state0[k]], vk = v[net->chan_node[k]];
      if (net->chan_nsingle[k] > 0)
        {
          single_state (t, &sim->single[k], s, vk, sim->t, dt, sim->ks_work);
          continue;
        }
      for (guint j = 0; j < t->n_gates; j++)
        {
          double inf, tau, x = -dt;
          nrt_gate_inf_tau_at (&t->gates[j], vk, t->celsius, t->factor, &inf, &tau);
          x /= tau;
          s[j] += (inf - s[j]) * (1.0 - exp (x > 700.0 ? 700.0 : x < -700.0 ? -700.0 : x));
        }
      for (guint i = 0; i < t->n_schemes; i++)
        scheme_step (t, &t->schemes[i], vk, dt, s + t->schemes[i].offset, sim->ks_work);
    }

  /* expsyn.mod g' = -g/tau; exp2syn.mod A' = -A/tau1, B' = -B/tau2 (cnexp, exact decay). */
  for (guint k = 0; k < net->n_pp_of[NRT_PP_EXPSYN]; k++)
    {
      guint p = net->pp_of[NRT_PP_EXPSYN][k];
      double a = (-1.0) / net->pp_param[p][0];
      sim->pp_g[p] = sim->pp_g[p] + (1. - exp (dt * a)) * (-(0.0) / a - sim->pp_g[p]);
    }
  for (guint k = 0; k < net->n_pp_of[NRT_PP_EXP2SYN]; k++)
    {
      guint p = net->pp_of[NRT_PP_EXP2SYN][k];
      double a1 = (-1.0) / sim->pp_factor[p + net->n_pp];   /* the adjusted tau1 */
      double a2 = (-1.0) / net->pp_param[p][1];
      sim->pp_A[p] = sim->pp_A[p] + (1. - exp (dt * a1)) * (-(0.0) / a1 - sim->pp_A[p]);
      sim->pp_B[p] = sim->pp_B[p] + (1. - exp (dt * a2)) * (-(0.0) / a2 - sim->pp_B[p]);
    }

  /* SOLVE ... METHOD after_cvode blocks run here, with the new v at t + dt: svclmp.mod's
   * icur() (vc and on from the midpoint's vstim), vclmp.mod's update() (icur() with the new
   * v, then e0, vo0, vi0 = e, vo, vi) and apcount.mod's check(). */
  for (guint k = 0; k < net->n_pp_of[NRT_PP_SECLAMP]; k++)
    {
      guint p = net->pp_of[NRT_PP_SECLAMP][k];
      sim->pp_i[p] = seclamp_icur (net->pp_param[p], sim->pp_state[p], v[net->pp_node[p]]);
    }
  for (guint k = 0; k < net->n_pp_of[NRT_PP_VCLAMP]; k++)
    {
      guint p = net->pp_of[NRT_PP_VCLAMP][k];
      double *st = sim->pp_state[p];
      sim->pp_i[p] = vclamp_icur (net->pp_param[p], st, v[net->pp_node[p]], sim->t, dt);
      st[VC_E0] = st[VC_E];
      st[VC_VO0] = st[VC_VO];
      st[VC_VI0] = st[VC_VI];
    }
  for (guint k = 0; k < net->n_pp_of[NRT_PP_APCOUNT]; k++)
    {
      guint p = net->pp_of[NRT_PP_APCOUNT][k];
      apcount_check (net->pp_param[p][0], sim->pp_state[p], v[net->pp_node[p]], sim->t);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Public API                                                                           */

static void
set_dt (NrtSim *sim, double dt)
{
  const NrtNetwork *net = sim->net;
  sim->dt = dt;
  /* nrn_fixed_step: cj = 1/dt, or 2/dt for secondorder = 2; nrn_cap_jacob's cfac. */
  sim->cj = net->settings.method == NRT_METHOD_CN ? 2.0 / dt : 1.0 / dt;
  sim->cfac = .001 * sim->cj;
  for (guint i = 0; i < net->n_nodes; i++)
    sim->cap[i] = net->cm[i] != 0.0 ? sim->cfac * net->cm[i] : 0.0;
}

NrtSim *
nrt_sim_new (const NrtNetwork *net)
{
  g_return_val_if_fail (net != NULL, NULL);

  nrt_exp_init ();
  NrtSim *sim = g_new0 (NrtSim, 1);
  guint N = net->n_nodes, nhh = net->n_hh + 1, npp = net->n_pp + 1;
  sim->net = net;
  sim->v = g_new0 (double, N);
  sim->rhs = g_new0 (double, N);
  sim->d = g_new0 (double, N);
  sim->cap = g_new0 (double, N);
  sim->m = g_new0 (double, nhh);
  sim->h = g_new0 (double, nhh);
  sim->n = g_new0 (double, nhh);
  sim->ina = g_new0 (double, nhh);
  sim->ik = g_new0 (double, nhh);
  sim->il = g_new0 (double, nhh);
  sim->gna = g_new0 (double, nhh);
  sim->gk = g_new0 (double, nhh);
  sim->rate_block = g_new0 (double, 6 * nhh);
  sim->minf = sim->rate_block;
  sim->mtau = sim->minf + nhh;
  sim->hinf = sim->mtau + nhh;
  sim->htau = sim->hinf + nhh;
  sim->ninf = sim->htau + nhh;
  sim->ntau = sim->ninf + nhh;
  sim->pas_i = g_new0 (double, net->n_pas + 1);
  sim->chan_s = g_new0 (double, net->n_chan_states + 1);
  sim->chan_g = g_new0 (double, net->n_chan + 1);
  sim->chan_i = g_new0 (double, net->n_chan + 1);
  sim->ks_work = g_new0 (double, net->max_scheme_states * net->max_scheme_states
                                 + 2 * net->max_scheme_states * net->max_scheme_states + 4);
  sim->single = g_new0 (SingleChan, net->n_chan + 1);
  for (guint k = 0; k < net->n_chan; k++)
    if (net->chan_nsingle[k] > 0)
      sim->single[k].rng = gsl_rng_alloc (gsl_rng_mt19937);
  sim->pp_i = g_new0 (double, npp);
  sim->pp_g = g_new0 (double, npp);
  sim->pp_A = g_new0 (double, npp);
  sim->pp_B = g_new0 (double, npp);
  /* factor[p], then the (possibly adjusted) tau1 at factor[n_pp + p] */
  sim->pp_factor = g_new0 (double, 2 * npp);
  sim->pp_state = g_malloc0_n (npp, sizeof *sim->pp_state);
  sim->ns_next = g_new0 (double, net->n_netstims + 1);
  sim->ns_count = g_new0 (double, net->n_netstims + 1);
  sim->ns_on = g_new0 (gboolean, net->n_netstims + 1);
  sim->ns_netcons = g_new0 (guint *, net->n_netstims + 1);
  sim->ns_n_netcons = g_new0 (guint, net->n_netstims + 1);
  for (guint k = 0; k < net->n_netstims; k++)
    {
      sim->ns_netcons[k] = g_new (guint, net->n_netcons + 1);
      for (guint c = 0; c < net->n_netcons; c++)
        if (net->netcons[c].source == (int) k && net->netcons[c].target >= 0
            && (guint) net->netcons[c].target < net->n_pp)
          sim->ns_netcons[k][sim->ns_n_netcons[k]++] = c;
    }
  sim->heap_cap = MAX (16, 4 * net->n_netcons);
  sim->heap = g_new (Event, sim->heap_cap);
  sim->records = g_array_new (FALSE, FALSE, sizeof (Record));
  set_dt (sim, net->settings.dt);
  nrt_sim_init (sim);
  return sim;
}

void
nrt_sim_free (NrtSim *sim)
{
  if (sim == NULL)
    return;
  g_free (sim->v);
  g_free (sim->rhs);
  g_free (sim->d);
  g_free (sim->cap);
  g_free (sim->m);
  g_free (sim->h);
  g_free (sim->n);
  g_free (sim->ina);
  g_free (sim->rate_block);
  g_free (sim->ik);
  g_free (sim->il);
  g_free (sim->gna);
  g_free (sim->gk);
  g_free (sim->pas_i);
  g_free (sim->chan_s);
  g_free (sim->chan_g);
  g_free (sim->chan_i);
  g_free (sim->ks_work);
  for (guint k = 0; k < sim->net->n_chan; k++)
    if (sim->single[k].rng != NULL)
      gsl_rng_free (sim->single[k].rng);
  g_free (sim->single);
  g_free (sim->pp_i);
  g_free (sim->pp_g);
  g_free (sim->pp_A);
  g_free (sim->pp_B);
  g_free (sim->pp_factor);
  g_free (sim->pp_state);
  g_free (sim->ns_next);
  g_free (sim->ns_count);
  g_free (sim->ns_on);
  for (guint k = 0; k < sim->net->n_netstims; k++)
    g_free (sim->ns_netcons[k]);
  g_free (sim->ns_netcons);
  g_free (sim->ns_n_netcons);
  g_free (sim->heap);
  g_array_unref (sim->records);
  g_free (sim);
}

/* The instance's state at v as KSChan::init sets it: HH states at inf(v); each scheme's
 * steady state, from all population in its first state by one backward-Euler step with
 * dt = 1e9 ms; stochastic instances then place their channels by those occupancies,
 * reseeding their generator with settings.seed + the point process's model index. */
static void
channel_init_states (const NrtSim *sim, guint k, double *s, double v)
{
  const NrtNetwork *net = sim->net;
  const NrtNetChannel *t = &net->chan_types[net->chan_type[k]];
  double tau;

  for (guint j = 0; j < t->n_gates; j++)
    nrt_gate_inf_tau_at (&t->gates[j], v, t->celsius, t->factor, &s[j], &tau);
  for (guint i = 0; i < t->n_schemes; i++)
    {
      const NrtNetScheme *sc = &t->schemes[i];
      double sum = 0.;
      for (guint j = 0; j < sc->n_states; j++)
        s[sc->offset + j] = j == 0 ? 1. : 0.;
      scheme_step (t, sc, v, 1e9, s + sc->offset, sim->ks_work);
      /* That system is nearly singular (M is, and 1/dt = 1e-9): its rounding leaves the
       * occupancies' sum off 1 by up to ~1e-8.  Up to here the states are NEURON 8.2.2's
       * bit for bit, sum error included (−8.8e-9 in ks_scheme_soma, where they would match
       * v to 6e-14 mV); backward Euler then keeps that sum, and g, scaled for the whole run.
       * The sum is restored here, once, so that occupancies are fractions (they then sum to
       * 1 within ~1e-15); the price is a relative difference in g of NEURON's sum error
       * (8.9e-7 mV in ks_scheme_soma).  Dropping these lines gives NEURON's numbers. */
      for (guint j = 0; j < sc->n_states; j++)
        sum += s[sc->offset + j];
      for (guint j = 0; j < sc->n_states; j++)
        s[sc->offset + j] /= sum;
    }
}

static void
channel_init (NrtSim *sim, guint k)
{
  const NrtNetwork *net = sim->net;
  const NrtNetChannel *t = &net->chan_types[net->chan_type[k]];
  double *s = &sim->chan_s[net->chan_state0[k]], v = sim->v[net->chan_node[k]];

  channel_init_states (sim, k, s, v);
  if (net->chan_nsingle[k] > 0)
    {
      SingleChan *sc = &sim->single[k];
      gsl_rng_set (sc->rng, net->settings.seed + (guint32) net->chan_pp[k]);
      single_init (t, sc, net->chan_nsingle[k], s, v, sim->t, sim->ks_work);
    }
}

/* finitialize(v_init) (fadvance.cpp nrn_finitialize): t = 0, every node at v_init, INITIAL
 * blocks (hh: x = x∞(v) through the table when it is on; synapses 0; NetStim's first
 * self-event), events due by dt/2 delivered, then one evaluation of the currents at t = 0
 * so that ASSIGNED values (i, Exp2Syn g) hold their t = 0 values. */
void
nrt_sim_init (NrtSim *sim)
{
  g_return_if_fail (sim != NULL);
  const NrtNetwork *net = sim->net;

  if (sim->dt_pending)
    {
      set_dt (sim, sim->new_dt);
      sim->dt_pending = FALSE;
    }
  sim->t = 0.0;
  for (guint i = 0; i < net->n_nodes; i++)
    sim->v[i] = net->settings.v_init;
  for (guint k = 0; k < net->n_hh; k++)
    {
      NrtHhRates r;
      double vk = sim->v[net->hh_node[k]];
      if (net->settings.hh_use_table)
        nrt_hh_rates_table (net->hh_table, vk, &r);
      else
        nrt_hh_rates_direct (vk, net->hh_q10, &r);
      sim->m[k] = r.minf;
      sim->h[k] = r.hinf;
      sim->n[k] = r.ninf;
    }
  for (guint k = 0; k < net->n_chan; k++)
    channel_init (sim, k);
  for (guint p = 0; p < net->n_pp; p++)
    {
      const double *pa = net->pp_param[p];
      double *st = sim->pp_state[p], v0 = sim->v[net->pp_node[p]];
      sim->pp_i[p] = sim->pp_g[p] = sim->pp_A[p] = sim->pp_B[p] = 0.0;
      memset (st, 0, sizeof sim->pp_state[p]);
      switch (net->pp_type[p])
        {
        case NRT_PP_SECLAMP:
          /* svclmp.mod INITIAL: tc2 = dur1 + dur2, tc3 = tc2 + dur3, on = 0. */
          st[SE_TC2] = pa[1] + pa[3];
          st[SE_TC3] = st[SE_TC2] + pa[5];
          break;
        case NRT_PP_VCLAMP:
          /* vclmp.mod INITIAL: e0 = 0, vo = vo0 = v, vi = vi0 = v, e = 0. */
          st[VC_VO] = st[VC_VO0] = st[VC_VI] = st[VC_VI0] = v0;
          break;
        case NRT_PP_APCOUNT:
          /* apcount.mod INITIAL: n = 0, firing = 0, check() at t = 0. */
          apcount_check (pa[0], st, v0, 0.0);
          break;
        case NRT_PP_ICLAMP:
        case NRT_PP_ALPHA_SYNAPSE:
        case NRT_PP_EXPSYN:
        case NRT_PP_EXP2SYN:
        case NRT_PP_CHANNEL:
        case NRT_N_PP:
        default:
          break;
        }
      if (net->pp_type[p] == NRT_PP_EXP2SYN)
        {
          /* exp2syn.mod INITIAL: tau1/tau2 kept in [1e-9, 0.9999], factor normalises the
           * peak of B - A to the weight. */
          double tau1 = net->pp_param[p][0], tau2 = net->pp_param[p][1], tp, factor;
          if (tau1 / tau2 > 0.9999)
            tau1 = 0.9999 * tau2;
          if (tau1 / tau2 < 1e-9)
            tau1 = tau2 * 1e-9;
          tp = (tau1 * tau2) / (tau2 - tau1) * log (tau2 / tau1);
          factor = -exp (-tp / tau1) + exp (-tp / tau2);
          factor = 1 / factor;
          sim->pp_factor[p] = factor;
          sim->pp_factor[net->n_pp + p] = tau1;
        }
    }
  /* netstim.mod INITIAL: first event at start + invl(interval) - interval*(1 - noise),
   * not before 0; none when start < 0 or number <= 0. */
  sim->n_heap = 0;
  for (guint k = 0; k < net->n_netstims; k++)
    {
      const NrtNetStim *ns = &net->netstims[k];
      sim->ns_count[k] = 0;
      sim->ns_on[k] = ns->start >= 0 && ns->number > 0;
      if (sim->ns_on[k])
        {
          double ev = ns->start + netstim_invl (ns->interval) - ns->interval * (1. - 0.0);
          sim->ns_next[k] = ev < 0 ? 0 : ev;
        }
    }
  deliver_events (sim, sim->t + 0.5 * sim->dt);
  compute_currents (sim, sim->t);
  memset (sim->rhs, 0, net->n_nodes * sizeof (double));
}

gboolean
nrt_sim_step (NrtSim *sim, GError **error)
{
  g_return_val_if_fail (sim != NULL, FALSE);
  const NrtNetwork *net = sim->net;
  const guint N = net->n_nodes;

  if (sim->dt_pending)
    {
      set_dt (sim, sim->new_dt);
      sim->dt_pending = FALSE;
    }
  deliver_events (sim, sim->t + 0.5 * sim->dt);
  sim->t += .5 * sim->dt;
  compute_currents (sim, sim->t);
  hines_solve (sim);

  /* update(): v += Δv, or v += 2Δv for Crank–Nicolson (secondorder 2). */
  double *restrict v = sim->v;
  const double *restrict rhs = sim->rhs;
  double sum = 0.0;
  if (net->settings.method == NRT_METHOD_CN)
    for (guint i = 0; i < N; i++)
      {
        v[i] += 2. * rhs[i];
        sum += v[i];
      }
  else
    for (guint i = 0; i < N; i++)
      {
        v[i] += rhs[i];
        sum += v[i];
      }
  sim->t += .5 * sim->dt;
  update_states (sim);

  /* NaN and Inf propagate through the sum, so one test covers every node. */
  if (!isfinite (sum))
    {
      g_set_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_UNSTABLE,
                   "The membrane potential became infinite or NaN at t = %g ms", sim->t);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_sim_reached (const NrtSim *sim, double tstop)
{
  g_return_val_if_fail (sim != NULL, TRUE);
  return !(sim->t < tstop - 0.5 * sim->dt);
}

gboolean
nrt_sim_run_until (NrtSim *sim, double tstop, GError **error)
{
  while (!nrt_sim_reached (sim, tstop))
    if (!nrt_sim_step (sim, error))
      return FALSE;
  return TRUE;
}

double
nrt_sim_get_t (const NrtSim *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->t;
}

const double *
nrt_sim_get_v (const NrtSim *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->v;
}

void
nrt_sim_set_dt (NrtSim *sim, double dt)
{
  g_return_if_fail (sim != NULL);
  g_return_if_fail (dt > 0 && isfinite (dt));
  sim->new_dt = dt;
  sim->dt_pending = TRUE;
}

/* ---------------------------------------------------------------------------------- */
/* Records                                                                              */

static gboolean
bad_record (GError **error, const char *expr, const char *why)
{
  g_set_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_RECORD, "Cannot record “%s”: %s",
               expr, why);
  return FALSE;
}

/* Whether hh or a channel of section is uses ion. */
static gboolean
ion_used_at (const NrtNetwork *net, guint is, int ion)
{
  const NrtNetSection *s = &net->sections[is];

  if (s->hh >= 0 && (ion == NRT_ION_NA || ion == NRT_ION_K))
    return TRUE;
  for (guint c = 0; s->chan >= 0 && c < s->n_chan; c++)
    if ((int) net->chan_types[net->chan_type[s->chan + (int) c]].ion == ion)
      return TRUE;
  for (guint k = net->n_chan_density; k < net->n_chan; k++)
    if ((int) net->chan_types[net->chan_type[k]].ion == ion)
      for (guint j = 0; j < s->nseg; j++)
        if (net->chan_node[k] == s->node[j])
          return TRUE;
  return FALSE;
}

/* The ion current (mA/cm²) at a segment: hh's ina or ik plus every channel of that ion. */
static double
ion_current_at (const NrtSim *sim, guint is, guint seg, int ion)
{
  const NrtNetwork *net = sim->net;
  const NrtNetSection *s = &net->sections[is];
  double i = 0.0;

  if (s->hh >= 0 && ion == NRT_ION_NA)
    i += sim->ina[s->hh + (int) seg];
  if (s->hh >= 0 && ion == NRT_ION_K)
    i += sim->ik[s->hh + (int) seg];
  for (guint c = 0; s->chan >= 0 && c < s->n_chan; c++)
    {
      guint k = (guint) s->chan + seg * s->n_chan + c;
      if ((int) net->chan_types[net->chan_type[k]].ion == ion)
        i += sim->chan_i[k];
    }
  /* Point channels add their i·1e2/area to the ion's current at their node (KSPPIv). */
  for (guint k = net->n_chan_density; k < net->n_chan; k++)
    if ((int) net->chan_types[net->chan_type[k]].ion == ion && net->chan_node[k] == s->node[seg])
      i += sim->chan_i[k] * net->chan_mfact[k];
  return i;
}

/* KSChan's range variables of a density channel: <gate>_<name> (states), gmax_<name>,
 * g_<name>, i_<name> and, for NonSpecific channels, e_<name>. */
static gboolean
parse_channel_record (NrtSim *sim, const NrtNetSection *s, guint seg, const char *var,
                      Record *rec)
{
  const NrtNetwork *net = sim->net;
  const char *us = strrchr (var, '_');

  if (us == NULL || us == var)
    return FALSE;
  for (guint c = 0; c < s->n_chan; c++)
    {
      guint k = (guint) s->chan + seg * s->n_chan + c;
      const NrtNetChannel *t = &net->chan_types[net->chan_type[k]];
      if (strcmp (us + 1, t->name) != 0)
        continue;
      gsize len = (gsize) (us - var);
      /* GHK channels' gmax and g are pmax and p in KSChan; both names are accepted. */
      if ((len == 4 && strncmp (var, "gmax", 4) == 0)
          || (t->ghk && len == 4 && strncmp (var, "pmax", 4) == 0))
        rec->ptr = &net->chan_gmax[k];
      else if (len == 1 && (var[0] == 'g' || (t->ghk && var[0] == 'p')))
        rec->ptr = &sim->chan_g[k];
      else if (len == 1 && var[0] == 'i')
        rec->ptr = &sim->chan_i[k];
      else if (len == 1 && var[0] == 'e' && t->ion == NRT_ION_NONSPECIFIC)
        rec->ptr = &net->chan_e[k];
      for (guint j = 0; rec->ptr == NULL && j < t->n_states; j++)
        if (strlen (t->state_names[j]) == len && strncmp (var, t->state_names[j], len) == 0)
          rec->ptr = &sim->chan_s[net->chan_state0[k] + j];
      return rec->ptr != NULL;
    }
  return FALSE;
}

static gboolean
parse_section_record (NrtSim *sim, const char *expr, Record *rec, GError **error)
{
  const NrtNetwork *net = sim->net;
  const char *lp = strrchr (expr, '(');
  const char *rp = lp ? strchr (lp, ')') : NULL;

  if (lp == NULL || rp == NULL || rp[1] != '.' || rp[2] == '\0')
    return bad_record (error, expr, "expected SECTION(X).VAR or NAME[i].VAR");
  g_autofree char *secname = g_strndup (expr, (gsize) (lp - expr));
  g_autofree char *xs = g_strndup (lp + 1, (gsize) (rp - lp - 1));
  const char *var = rp + 2;
  char *end = NULL;
  double x = g_ascii_strtod (xs, &end);
  if (end == xs || *end != '\0' || !(x >= 0.0 && x <= 1.0))
    return bad_record (error, expr, "the position must be a number from 0 to 1");
  int is = nrt_network_find_section (net, secname);
  if (is < 0)
    return bad_record (error, expr, "no such section");

  const NrtNetSection *s = &net->sections[is];
  guint seg = nrt_network_segment_at (net, (guint) is, x);
  rec->node = s->node[seg];
  if (strcmp (var, "v") == 0)
    {
      rec->node = nrt_network_node_at (net, (guint) is, x);
      rec->ptr = &sim->v[rec->node];
      return TRUE;
    }
  if (strcmp (var, "i_cap") == 0 || strcmp (var, "i_membrane") == 0)
    {
      rec->kind = var[2] == 'c' ? REC_I_CAP : REC_I_MEMBRANE;
      return TRUE;
    }
  /* With channels in the section, ina, ik and ica are sums (hh's part included). */
  if ((s->chan >= 0 || net->n_chan > net->n_chan_density)
      && (strcmp (var, "ina") == 0 || strcmp (var, "ik") == 0 || strcmp (var, "ica") == 0)
      && ion_used_at (net, (guint) is, nrt_ion_lookup (var + 1)))
    {
      rec->kind = REC_ION_CURRENT;
      rec->index = nrt_ion_lookup (var + 1);
      rec->section = is;
      rec->seg = seg;
      return TRUE;
    }
  if (s->hh >= 0)
    {
      int k = s->hh + (int) seg;
      static const char *hh_params[] = { "gnabar_hh", "gkbar_hh", "gl_hh", "el_hh", "ena",
                                         "ek" };
      const double *hh_arrays[] = { net->hh_gnabar, net->hh_gkbar, net->hh_gl, net->hh_el,
                                    net->hh_ena, net->hh_ek };
      struct { const char *name; double *arr; } vars[] = {
        { "m_hh", sim->m }, { "h_hh", sim->h }, { "n_hh", sim->n }, { "ina", sim->ina },
        { "ik", sim->ik }, { "il_hh", sim->il }, { "gna_hh", sim->gna }, { "gk_hh", sim->gk },
      };
      for (guint j = 0; j < G_N_ELEMENTS (vars); j++)
        if (strcmp (var, vars[j].name) == 0)
          {
            rec->ptr = &vars[j].arr[k];
            return TRUE;
          }
      for (guint j = 0; j < G_N_ELEMENTS (hh_params); j++)
        if (strcmp (var, hh_params[j]) == 0)
          {
            rec->ptr = &hh_arrays[j][k];
            return TRUE;
          }
    }
  if (s->chan >= 0 && parse_channel_record (sim, s, seg, var, rec))
    return TRUE;
  if (s->pas >= 0)
    {
      int k = s->pas + (int) seg;
      if (strcmp (var, "i_pas") == 0)
        rec->ptr = &sim->pas_i[k];
      else if (strcmp (var, "g_pas") == 0)
        rec->ptr = &net->pas_g[k];
      else if (strcmp (var, "e_pas") == 0)
        rec->ptr = &net->pas_e[k];
      if (rec->ptr)
        return TRUE;
    }
  return bad_record (error, expr, "no such variable at that location");
}

/* The pp_state slot of a clamp's or APCount's variable, or -1. */
static int
pp_state_slot (NrtPointProcessType type, const char *var)
{
  static const char *const se[] = { "vc", NULL };
  static const char *const vc[] = { "e", "vo", "vi", "e0", "vo0", "vi0", "stim", "tc", NULL };
  static const char *const ap[] = { "n", "firing", "time", NULL };
  const char *const *names = type == NRT_PP_SECLAMP ? se
                             : type == NRT_PP_VCLAMP ? vc
                             : type == NRT_PP_APCOUNT ? ap : NULL;
  for (int j = 0; names && names[j]; j++)
    if (strcmp (names[j], var) == 0)
      return j;
  return -1;
}

/* A point channel's variables (KSChan(1)): g (µS; also p, cm³/s, for GHK), i (nA), its
 * states by plain name, and the parameters gmax (also pmax for GHK), e (NonSpecific) and
 * Nsingle (single channels). */
static gboolean
parse_point_channel_record (NrtSim *sim, guint p, const char *expr, const char *var,
                            Record *rec, GError **error)
{
  const NrtNetwork *net = sim->net;
  guint k = net->n_chan_density;

  while (k < net->n_chan && net->chan_pp[k] != (int) p)
    k++;
  g_assert (k < net->n_chan);
  const NrtNetChannel *t = &net->chan_types[net->chan_type[k]];
  /* GHK channels' g and gmax are p and pmax (cm³/s) in KSChan; both names are accepted. */
  if (strcmp (var, "g") == 0 || (t->ghk && strcmp (var, "p") == 0))
    rec->ptr = &sim->chan_g[k];
  else if (strcmp (var, "i") == 0)
    rec->ptr = &sim->chan_i[k];
  else if (strcmp (var, "gmax") == 0 || (t->ghk && strcmp (var, "pmax") == 0))
    rec->ptr = &net->chan_gmax[k];
  else if (strcmp (var, "e") == 0 && t->ion == NRT_ION_NONSPECIFIC)
    rec->ptr = &net->chan_e[k];
  else if (strcmp (var, "Nsingle") == 0 && t->single)
    rec->ptr = &net->pp_param[p][NRT_PCHAN_NSINGLE];
  for (guint j = 0; rec->ptr == NULL && j < t->n_states; j++)
    if (strcmp (var, t->state_names[j]) == 0)
      rec->ptr = &sim->chan_s[net->chan_state0[k] + j];
  if (rec->ptr == NULL)
    return bad_record (error, expr, "no such variable in that point channel");
  return TRUE;
}

static gboolean
parse_point_record (NrtSim *sim, const char *expr, Record *rec, GError **error)
{
  const NrtNetwork *net = sim->net;
  const char *dot = strrchr (expr, '.');
  if (dot == NULL || dot == expr || dot[1] == '\0')
    return bad_record (error, expr, "expected SECTION(X).VAR or NAME[i].VAR");
  g_autofree char *name = g_strndup (expr, (gsize) (dot - expr));
  const char *var = dot + 1;

  for (guint p = 0; p < net->n_pp; p++)
    {
      if (strcmp (net->pp_name[p], name) != 0)
        continue;
      NrtPointProcessType type = net->pp_type[p];
      if (type == NRT_PP_CHANNEL)
        return parse_point_channel_record (sim, p, expr, var, rec, error);
      int slot = pp_state_slot (type, var);
      if (slot >= 0)
        rec->ptr = &sim->pp_state[p][slot];
      else if (strcmp (var, "i") == 0 && type != NRT_PP_APCOUNT)
        rec->ptr = &sim->pp_i[p];
      else if (strcmp (var, "g") == 0 && nrt_point_process_is_membrane_current (type))
        rec->ptr = &sim->pp_g[p];
      else if (strcmp (var, "A") == 0 && type == NRT_PP_EXP2SYN)
        rec->ptr = &sim->pp_A[p];
      else if (strcmp (var, "B") == 0 && type == NRT_PP_EXP2SYN)
        rec->ptr = &sim->pp_B[p];
      else
        {
          int ip = nrt_param_lookup (nrt_point_process_info (type), var);
          if (ip >= 0)
            rec->ptr = &net->pp_param[p][ip];
        }
      if (rec->ptr == NULL)
        return bad_record (error, expr, "no such variable in that point process");
      return TRUE;
    }
  return bad_record (error, expr, "no such point process");
}

int
nrt_sim_add_record (NrtSim *sim, const char *expr, GError **error)
{
  g_return_val_if_fail (sim != NULL, -1);
  g_return_val_if_fail (expr != NULL, -1);

  Record rec = { REC_PTR, NULL, -1, -1, -1, 0 };
  gboolean ok = strchr (expr, '(') != NULL ? parse_section_record (sim, expr, &rec, error)
                                           : parse_point_record (sim, expr, &rec, error);
  if (!ok)
    return -1;
  g_array_append_val (sim->records, rec);
  return (int) sim->records->len - 1;
}

guint
nrt_sim_get_n_records (const NrtSim *sim)
{
  g_return_val_if_fail (sim != NULL, 0);
  return sim->records->len;
}

/* Membrane ionic current density at a segment node (mA/cm²), point processes included. */
static double
ionic_current (const NrtSim *sim, int node)
{
  const NrtNetwork *net = sim->net;
  double i = 0.0;
  for (guint k = 0; k < net->n_hh; k++)
    if (net->hh_node[k] == node)
      i += sim->ina[k] + sim->ik[k] + sim->il[k];
  for (guint k = 0; k < net->n_pas; k++)
    if (net->pas_node[k] == node)
      i += sim->pas_i[k];
  for (guint k = 0; k < net->n_chan; k++)
    if (net->chan_node[k] == node)
      i += sim->chan_i[k] * net->chan_mfact[k];
  for (guint p = 0; p < net->n_pp; p++)
    if (net->pp_node[p] == node && nrt_point_process_is_membrane_current (net->pp_type[p]))
      i += sim->pp_i[p] * net->pp_mfact[p];
  return i;
}

double
nrt_sim_record_value (const NrtSim *sim, guint record)
{
  g_return_val_if_fail (sim != NULL, NAN);
  g_return_val_if_fail (record < sim->records->len, NAN);
  const Record *rec = &g_array_index (sim->records, Record, record);

  switch (rec->kind)
    {
    case REC_PTR:
      return *rec->ptr;
    case REC_I_CAP:
      /* capac.cpp nrn_capacity_current: i_cap = 0.001*cj*cm*Δv. */
      return sim->cap[rec->node] * sim->rhs[rec->node];
    case REC_I_MEMBRANE:
      return sim->cap[rec->node] * sim->rhs[rec->node] + ionic_current (sim, rec->node);
    case REC_ION_CURRENT:
      return ion_current_at (sim, (guint) rec->section, rec->seg, rec->index);
    default:
      return NAN;
    }
}

/* ---------------------------------------------------------------------------------- */
/* Frames of a range variable at every node                                             */

enum {
  NV_V, NV_M, NV_H, NV_N, NV_INA, NV_IK, NV_IL, NV_GNA, NV_GK,
  NV_GNABAR, NV_GKBAR, NV_GL, NV_EL, NV_ENA, NV_EK,
  NV_I_PAS, NV_G_PAS, NV_E_PAS, NV_I_CAP, NV_I_MEMBRANE, NV_N_VARS
};

static const char *const node_variables[NV_N_VARS] = {
  "v", "m_hh", "h_hh", "n_hh", "ina", "ik", "il_hh", "gna_hh", "gk_hh",
  "gnabar_hh", "gkbar_hh", "gl_hh", "el_hh", "ena", "ek",
  "i_pas", "g_pas", "e_pas", "i_cap", "i_membrane",
};

int
nrt_node_variable_lookup (const char *var)
{
  g_return_val_if_fail (var != NULL, -1);
  for (int i = 0; i < NV_N_VARS; i++)
    if (strcmp (node_variables[i], var) == 0)
      return i;
  return -1;
}

void
nrt_sim_get_node_values (const NrtSim *sim, int var_id, double *out)
{
  g_return_if_fail (sim != NULL && out != NULL);
  g_return_if_fail (var_id >= 0 && var_id < NV_N_VARS);
  const NrtNetwork *net = sim->net;
  const guint N = net->n_nodes;

  if (var_id == NV_V)
    {
      memcpy (out, sim->v, N * sizeof (double));
      return;
    }
  for (guint i = 0; i < N; i++)
    out[i] = NAN;
  if (var_id >= NV_M && var_id <= NV_EK)
    {
      const double *arr[] = {
        [NV_M] = sim->m, [NV_H] = sim->h, [NV_N] = sim->n, [NV_INA] = sim->ina,
        [NV_IK] = sim->ik, [NV_IL] = sim->il, [NV_GNA] = sim->gna, [NV_GK] = sim->gk,
        [NV_GNABAR] = net->hh_gnabar, [NV_GKBAR] = net->hh_gkbar, [NV_GL] = net->hh_gl,
        [NV_EL] = net->hh_el, [NV_ENA] = net->hh_ena, [NV_EK] = net->hh_ek,
      };
      const double *a = arr[var_id];
      for (guint k = 0; k < net->n_hh; k++)
        out[net->hh_node[k]] = a[k];
      return;
    }
  if (var_id >= NV_I_PAS && var_id <= NV_E_PAS)
    {
      const double *a = var_id == NV_I_PAS ? sim->pas_i
                        : var_id == NV_G_PAS ? net->pas_g : net->pas_e;
      for (guint k = 0; k < net->n_pas; k++)
        out[net->pas_node[k]] = a[k];
      return;
    }
  /* i_cap and i_membrane exist at every segment node (capac.cpp: i_cap = 0.001·cj·cm·Δv). */
  for (guint i = 0; i < N; i++)
    {
      guint k = net->node_k[i];
      int is = net->node_section[i];
      if (is >= 0 && k >= 1 && k <= net->sections[is].nseg)
        out[i] = sim->cap[i] * sim->rhs[i];
    }
  if (var_id == NV_I_CAP)
    return;
  for (guint k = 0; k < net->n_hh; k++)
    out[net->hh_node[k]] += sim->ina[k] + sim->ik[k] + sim->il[k];
  for (guint k = 0; k < net->n_pas; k++)
    out[net->pas_node[k]] += sim->pas_i[k];
  for (guint k = 0; k < net->n_chan; k++)
    out[net->chan_node[k]] += sim->chan_i[k] * net->chan_mfact[k];
  for (guint p = 0; p < net->n_pp; p++)
    if (nrt_point_process_is_membrane_current (net->pp_type[p]) && !isnan (out[net->pp_node[p]]))
      out[net->pp_node[p]] += sim->pp_i[p] * net->pp_mfact[p];
}

/* ---------------------------------------------------------------------------------- */
/* Live edits: carrying a run over to a recompiled network                              */

double
nrt_sim_get_dt (const NrtSim *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->dt_pending ? sim->new_dt : sim->dt;
}

static gboolean
same_ints (const int *a, const int *b, guint n)
{
  return n == 0 || memcmp (a, b, n * sizeof (int)) == 0;
}

gboolean
nrt_network_same_layout (const NrtNetwork *a, const NrtNetwork *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  /* Channel instances must be the same (type index and node); the types' gates and schemes
   * may differ: nrt_sim_transfer_state matches their states by name. */
  if (a->n_nodes != b->n_nodes || a->n_roots != b->n_roots || a->n_hh != b->n_hh
      || a->n_pas != b->n_pas || a->n_pp != b->n_pp || a->n_netstims != b->n_netstims
      || a->n_netcons != b->n_netcons || a->n_chan != b->n_chan
      || a->n_chan_density != b->n_chan_density)
    return FALSE;
  if (!same_ints (a->parent, b->parent, a->n_nodes)
      || !same_ints (a->hh_node, b->hh_node, a->n_hh)
      || !same_ints (a->pas_node, b->pas_node, a->n_pas)
      || !same_ints (a->chan_node, b->chan_node, a->n_chan)
      || !same_ints (a->chan_type, b->chan_type, a->n_chan))
    return FALSE;
  for (guint p = 0; p < a->n_pp; p++)
    if (a->pp_type[p] != b->pp_type[p])
      return FALSE;
  return TRUE;
}

static void
copy_doubles (double *dest, const double *src, guint n)
{
  if (n > 0)
    memcpy (dest, src, n * sizeof (double));
}

static int
find_name (char *const *names, guint from, guint to, const char *name)
{
  for (guint j = from; j < to; j++)
    if (strcmp (names[j], name) == 0)
      return (int) j;
  return -1;
}

/* Whether two schemes have the same states by name, in the same order. */
static gboolean
same_scheme_states (const NrtNetChannel *a, const NrtNetScheme *sa, const NrtNetChannel *b,
                    const NrtNetScheme *sb)
{
  if (sa->n_states != sb->n_states)
    return FALSE;
  for (guint j = 0; j < sa->n_states; j++)
    if (strcmp (a->state_names[sa->offset + j], b->state_names[sb->offset + j]) != 0)
      return FALSE;
  return TRUE;
}

/* One channel instance's states across an edit (dest->v already carried over).  KSChan keeps
 * its state array by position when its structure changes, which can leave a scheme whose
 * occupancies do not sum to 1; here states are kept where they still mean the same thing:
 * - an HH gate keeps its value if the new type has a gate of that name, else starts at
 *   inf(v);
 * - a scheme keeps its occupancies if the old type had a scheme with the same state names in
 *   the same order (as fractions of Nsingle if the old instance was stochastic), else starts
 *   at its steady state at v, as at initialisation;
 * - a stochastic instance (Nsingle ≥ 1) that was stochastic with the same Nsingle and kept
 *   its scheme continues exactly (populations, pending transition, generator); otherwise its
 *   channels are placed anew by the kept or steady-state occupancies, with its generator
 *   reseeded as at initialisation. */
static void
transfer_channel (NrtSim *dest, const NrtSim *src, guint k)
{
  const NrtNetwork *nd = dest->net, *ns = src->net;
  const NrtNetChannel *td = &nd->chan_types[nd->chan_type[k]];
  const NrtNetChannel *ts = &ns->chan_types[ns->chan_type[k]];
  double *sd = &dest->chan_s[nd->chan_state0[k]];
  const double *ss = &src->chan_s[ns->chan_state0[k]];
  double v = dest->v[nd->chan_node[k]];
  int n_src = ns->chan_nsingle[k], n_dest = nd->chan_nsingle[k];
  gboolean kept = TRUE;

  channel_init_states (dest, k, sd, v);
  for (guint j = 0; j < td->n_gates; j++)
    {
      int i = find_name (ts->state_names, 0, ts->n_gates, td->state_names[j]);
      if (i >= 0)
        sd[j] = ss[i];
    }
  for (guint i = 0; i < td->n_schemes; i++)
    {
      const NrtNetScheme *scd = &td->schemes[i];
      const NrtNetScheme *scs = NULL;
      for (guint j = 0; j < ts->n_schemes && scs == NULL; j++)
        if (same_scheme_states (td, scd, ts, &ts->schemes[j]))
          scs = &ts->schemes[j];
      if (scs == NULL)
        {
          kept = FALSE;
          continue;
        }
      for (guint j = 0; j < scd->n_states; j++)
        sd[scd->offset + j] = ss[scs->offset + j] / (n_src > 0 ? (double) n_src : 1.0);
    }
  if (n_dest <= 0)
    return;
  SingleChan *scd = &dest->single[k];
  if (kept && n_src == n_dest && src->single[k].rng != NULL
      && td->schemes[0].n_trans == ts->schemes[0].n_trans)
    {
      const SingleChan *scs = &src->single[k];
      /* the populations themselves (a division and a product could round) */
      copy_doubles (sd, ss, td->schemes[0].n_states);
      scd->vlast = scs->vlast;
      scd->t0 = scs->t0;
      scd->t1 = scs->t1;
      scd->next = scs->next;
      gsl_rng_memcpy (scd->rng, scs->rng);
      return;
    }
  gsl_rng_set (scd->rng, nd->settings.seed + (guint32) nd->chan_pp[k]);
  single_init (td, scd, n_dest, sd, v, dest->t, dest->ks_work);
}

/* What NEURON keeps across a parameter change between two fadvance() calls is every STATE
 * and ASSIGNED variable; what the new network brings is every PARAMETER.  Two subtleties:
 * exp2syn.mod's INITIAL computes `factor` once, so it is carried over (NEURON does not re-run
 * INITIAL), while tau1 is the new parameter with INITIAL's clamp; and a pending dt change
 * stays pending. */
gboolean
nrt_sim_transfer_state (NrtSim *dest, const NrtSim *src)
{
  g_return_val_if_fail (dest != NULL && src != NULL, FALSE);
  const NrtNetwork *net = dest->net;

  if (!nrt_network_same_layout (net, src->net))
    return FALSE;

  guint N = net->n_nodes, nhh = net->n_hh, npp = net->n_pp, nns = net->n_netstims;
  dest->t = src->t;
  set_dt (dest, src->dt);
  dest->new_dt = src->new_dt;
  dest->dt_pending = src->dt_pending;

  copy_doubles (dest->v, src->v, N);
  copy_doubles (dest->rhs, src->rhs, N);
  copy_doubles (dest->d, src->d, N);
  copy_doubles (dest->m, src->m, nhh);
  copy_doubles (dest->h, src->h, nhh);
  copy_doubles (dest->n, src->n, nhh);
  copy_doubles (dest->ina, src->ina, nhh);
  copy_doubles (dest->ik, src->ik, nhh);
  copy_doubles (dest->il, src->il, nhh);
  copy_doubles (dest->gna, src->gna, nhh);
  copy_doubles (dest->gk, src->gk, nhh);
  copy_doubles (dest->pas_i, src->pas_i, net->n_pas);
  for (guint k = 0; k < net->n_chan; k++)
    transfer_channel (dest, src, k);
  copy_doubles (dest->chan_g, src->chan_g, net->n_chan);
  copy_doubles (dest->chan_i, src->chan_i, net->n_chan);
  copy_doubles (dest->pp_i, src->pp_i, npp);
  copy_doubles (dest->pp_g, src->pp_g, npp);
  copy_doubles (dest->pp_A, src->pp_A, npp);
  copy_doubles (dest->pp_B, src->pp_B, npp);
  if (npp > 0)
    memcpy (dest->pp_state, src->pp_state, npp * sizeof *dest->pp_state);
  for (guint p = 0; p < npp; p++)
    {
      dest->pp_factor[p] = src->pp_factor[p];
      if (net->pp_type[p] == NRT_PP_EXP2SYN)
        {
          double tau1 = net->pp_param[p][0], tau2 = net->pp_param[p][1];
          if (tau1 / tau2 > 0.9999)
            tau1 = 0.9999 * tau2;
          if (tau1 / tau2 < 1e-9)
            tau1 = tau2 * 1e-9;
          dest->pp_factor[npp + p] = tau1;
        }
    }
  copy_doubles (dest->ns_next, src->ns_next, nns);
  copy_doubles (dest->ns_count, src->ns_count, nns);
  if (nns > 0)
    memcpy (dest->ns_on, src->ns_on, nns * sizeof (gboolean));

  if (dest->heap_cap < src->n_heap)
    {
      dest->heap_cap = src->n_heap;
      dest->heap = g_renew (Event, dest->heap, dest->heap_cap);
    }
  if (src->n_heap > 0)
    memcpy (dest->heap, src->heap, src->n_heap * sizeof (Event));
  dest->n_heap = src->n_heap;
  return TRUE;
}

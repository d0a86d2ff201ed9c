/* nrt-channel.h: ChannelBuilder channels: ion, conductance, HH-style gates and their rates.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A channel is a type in the model's channel library (NrtModelData.channels), inserted in
 * sections like a built-in mechanism.  The forms and formulas are NEURON 8.2.2's KSChan
 * (reference/neuron-gui.md §2.2–§2.6): a density channel with ohmic current
 * i = gmax·Π gate^power·(v − e), HH gates given as α/β (KSChan transition type 0) or inf/τ
 * (type 1), each rate one of KSChan's functions with its parameters A, k, d.  A q10 factor per
 * channel (NeuroML's q10Settings; KSChan has none) scales every rate by
 * q10^((celsius − q10_temperature)/10); q10 = 1 means no temperature dependence.
 *
 * The structs are plain data: build and edit them freely, then hand them to the model's
 * mutators (nrt_model_add_channel …), which validate them and copy them.
 *
 * Units: mV, ms, /ms (α, β), S/cm² (gmax), °C.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* KSChan's rate functions, numbered as its ftype (kschan.h) for types 1–4.  Exp(x) below is
 * exp with x clamped to [−700, 700], as KSChanFunction::Exp.  KSChan's Borg-Graham types 5 and
 * 6 are NRT_RATE_BG_INF and NRT_RATE_BG_TAU here (5 and 6 were taken), its type 7 (table)
 * NRT_RATE_TABLE. */
typedef enum {
  NRT_RATE_CONSTANT = 1,  /* A */
  NRT_RATE_EXP = 2,       /* A·Exp(k·(v − d)) */
  NRT_RATE_LINOID = 3,    /* x = k·(v − d): A·x/(1 − Exp(−x)), or A·(1 + x/2) if |x| ≤ 1e-6 */
  NRT_RATE_SIGMOID = 4,   /* A/(1 + Exp(k·(v − d))) */
  /* Neurite's own forms (not KSChan's), computed by rate->func (NrtRateFunc below); A, k and
   * d are unused (0). */
  NRT_RATE_LEMS = 5,        /* a custom LEMS ComponentType with its parameter values */
  NRT_RATE_EXPRESSION = 6,  /* one LEMS expression in v (mV) and celsius (°C) */
  /* KSChan's Borg-Graham pair (ftype 5 and 6, kschan.h KSChanBGinf/KSChanBGtau), the only
   * KSChan forms that depend on the temperature: x = ebykt·z·(v − vhalf) with
   * ebykt = e/(k·(273.15 + celsius)) = NRT_E_OVER_K/(273.15 + celsius) /mV,
   * a' = K·Exp(gam·x), b' = K·Exp((gam − 1)·x); inf = a'/(a' + b'), τ = 1/(a' + b') + tau0.
   * Parameters: K = A (/ms), vhalf = d (mV), z, gam, tau0 (ms); k is unused (0).  Only inf/τ
   * gates and transitions have them, and always as a pair: rate[0] NRT_RATE_BG_INF and
   * rate[1] NRT_RATE_BG_TAU with the same five parameters (KSChan shares one vector). */
  NRT_RATE_BG_INF = 7,
  NRT_RATE_BG_TAU = 8,
  /* KSChan's ftype 7 (KSChanTable): n ≥ 2 values y[0..n−1] on an even grid from vmin to vmax
   * (mV, vmax > vmin), held by rate->func (nrt_rate_func_new_table); A, k and d are unused.
   * v ≤ vmin gives y[0], v ≥ vmax gives y[n−1], otherwise x = (v − vmin)·(n − 1)/(vmax − vmin),
   * i = ⌊x⌋ and y[i] + (y[i+1] − y[i])·(x − i).  For α, β, inf and τ slots. */
  NRT_RATE_TABLE = 9,
} NrtRateForm;

/* e/k in K/mV from the CODATA 2018 exact e and k, NEURON 8.2.2's _e_over_k_codata2018
 * (checked against KSChan: 11.604518121550 from inf at 6.3 and 22 °C). */
#define NRT_E_OVER_K (1.602176634e-19 / 1.380649e-23 / 1000.0)

/* The function of an NRT_RATE_LEMS, NRT_RATE_EXPRESSION or NRT_RATE_TABLE rate: immutable and reference
 * counted, so that NrtRate stays a small value that can be copied with '='. */
typedef struct _NrtRateFunc NrtRateFunc;

typedef struct {
  NrtRateForm  form;
  double       A;  /* /ms for α, β and τ's inverse; 1 for inf; ms for τ */
  double       k;  /* /mV; unused by NRT_RATE_CONSTANT */
  double       d;  /* mV; unused by NRT_RATE_CONSTANT */
  /* NRT_RATE_LEMS, NRT_RATE_EXPRESSION, NRT_RATE_TABLE: the function, NULL for the other forms.  A channel
   * holds one reference per rate that uses it (nrt_channel_add_gate, nrt_ks_scheme_add_transition
   * and nrt_channel_copy take one; nrt_channel_free drops them).  Plain struct copies
   * (NrtRate r = gate->rate[0]) borrow it for as long as the channel lives. */
  NrtRateFunc *func;
  /* NRT_RATE_BG_INF, NRT_RATE_BG_TAU only (0 otherwise): valence z (1), gam (1, 0..1), tau0
   * (ms, ≥ 0).  Last, so that {form, A, k, d} initialisers keep working. */
  double       z;
  double       gam;
  double       tau0;
} NrtRate;

/* How a gate's or a transition's two rates are read (KSChan's KSTransition type).  HH gates
 * are ALPHA_BETA or INF_TAU; kinetic-scheme transitions may be any of the four. */
typedef enum {
  NRT_GATE_ALPHA_BETA = 0,  /* rate[0] = α, rate[1] = β: s' = α(1 − s) − β·s */
  NRT_GATE_INF_TAU = 1,     /* rate[0] = inf, rate[1] = τ: s' = (inf − s)/τ */
  /* Ligand-gated (transitions only): forward α = A0·[L]^n, backward β = A1, both rates
   * NRT_RATE_CONSTANT; [L] is the ligand ion's outside (type 2) or inside (type 3)
   * concentration in mM, n the stoichiometry; A0 in /ms-mM^n, A1 in /ms. */
  NRT_TRANS_LIGAND_OUTSIDE = 2,
  NRT_TRANS_LIGAND_INSIDE = 3,
} NrtGateType;

typedef struct {
  char       *name;     /* state name, a valid identifier unique in its channel: "m" */
  int         power;    /* ≥ 1: the gate's factor in g is s^power */
  NrtGateType type;
  NrtRate     rate[2];
} NrtGate;

typedef enum {
  NRT_ION_NONSPECIFIC,  /* i = g·(v − e), e a per-instance parameter e_<name> */
  NRT_ION_NA,
  NRT_ION_K,
  NRT_ION_CA,
  NRT_N_ION
} NrtIon;

/* KSChan's iv_type: ohmic i = g·(v − e), or Goldman-Hodgkin-Katz i = p·ghk(v, ci, co, z)
 * (NEURON's nrn_ghk, eion.cpp) for a real ion (na, k, ca) only; z is the ion's charge. */
typedef enum {
  NRT_CONDUCTANCE_OHMIC,
  NRT_CONDUCTANCE_GHK,
} NrtConductanceForm;

/* KSChan(0) or KSChan(1): a density mechanism inserted in sections (gmax S/cm², or pmax cm/s
 * for GHK; i mA/cm²) or a point process placed at section(x) (gmax µS, or pmax cm³/s; i nA,
 * converted to density with 100/area). */
typedef enum {
  NRT_CHANNEL_DENSITY,
  NRT_CHANNEL_POINT,
} NrtChannelKind;

/* One state of a kinetic scheme (KSState). */
typedef struct {
  char   *name;      /* identifier, unique among the channel's gates and states: "C1", "O" */
  double  fraction;  /* 0..1: the state's share in its scheme's conductance (O 1, C 0) */
  double  x, y;      /* position on the ChannelBuilder's scheme canvas (layout only) */
} NrtKsState;

/* One reversible transition between two states of a scheme (KSTransition): forward rate from
 * → to, backward to → from.  For ALPHA_BETA and INF_TAU the rates are functions of v as for
 * HH gates (α/β, or inf/τ converted to α = inf/τ, β = (1 − inf)/τ); for the ligand types see
 * NrtGateType.  New transitions start as constants 0 both ways, as in KSChan. */
typedef struct {
  guint       from, to;       /* state indices in the scheme, distinct */
  NrtGateType type;
  NrtRate     rate[2];        /* forward, backward */
  NrtIon      ligand;         /* ligand types: NA, K or CA ([L] = <ion>o or <ion>i) */
  int         stoichiometry;  /* ligand types: n, 1..4 */
} NrtKsTransition;

/* A kinetic-scheme gate complex (KSGateComplex with states): its conductance factor is
 * (Σ fraction_s · s)^power; the occupancies of its states sum to 1.  KSChan orders all HH
 * gates first, then the schemes, and so does the state vector of an instance. */
typedef struct {
  int        power;        /* ≥ 1 */
  GPtrArray *states;       /* of NrtKsState*, ≥ 2 */
  GArray    *transitions;  /* of NrtKsTransition, ≥ 1, connecting every state */
} NrtKsScheme;

typedef struct {
  char              *name;         /* valid identifier, not "pas" or "hh" */
  NrtChannelKind     kind;
  NrtIon             ion;
  NrtConductanceForm conductance;
  double             gmax;         /* S/cm², default for new instances, ≥ 0 */
  double             erev;         /* mV, default e for new NonSpecific instances */
  double             q10;          /* > 0; 1: no temperature dependence */
  double             q10_temperature;  /* °C, where the rates are as given */
  GPtrArray         *gates;        /* of NrtGate*, in KSChan order */
  GPtrArray         *schemes;      /* of NrtKsScheme*, after the gates in KSChan order */
  /* "Allow Single Channels" (point channels with exactly one scheme of power 1 and no HH
   * gates): instances with Nsingle ≥ 1 simulate that many channels stochastically. */
  gboolean           single;
} NrtChannel;

/* The parameters of a point channel instance (NrtPointProcess of type NRT_PP_CHANNEL, p[]):
 * gmax (µS; pmax cm³/s for GHK), e (mV, NonSpecific only) and Nsingle (single-channel
 * channels only: 0 deterministic, ≥ 1 the number of stochastic channels). */
enum { NRT_PCHAN_GMAX, NRT_PCHAN_E, NRT_PCHAN_NSINGLE, NRT_PCHAN_N_PARAMS };

/* One channel inserted in one section (NEURON's range variables gmax_<name>, e_<name>). */
typedef struct {
  int    channel;  /* index into NrtModelData.channels */
  double gmax;     /* S/cm² */
  double e;        /* mV; used only by NonSpecific channels */
} NrtChannelInstance;

/* "na", "k", "ca", or "NonSpecific" (KSChan's spelling); lookup returns -1 when unknown. */
const char *nrt_ion_name (NrtIon ion);
int         nrt_ion_lookup (const char *name);
/* The ion's charge (na 1, k 1, ca 2; 0 for NonSpecific). */
int         nrt_ion_charge (NrtIon ion);
/* NEURON's default reversal potential (mV) of a real ion: ena 50, ek −77, and
 * eca = 12.5·ln(cao/cai) with the default 2 mM and 5e-5 mM (eion.cpp DEF_eca). */
double      nrt_ion_default_e (NrtIon ion);

/* A NonSpecific ohmic density channel with no gates, gmax 0, e 0 and no q10: the
 * ChannelBuilder's new channel (it names it "leak").  (transfer full) */
NrtChannel *nrt_channel_new (const char *name);
/* The ChannelBuilder's presets (chanbild.hoc nahh, khh): hh's sodium and potassium
 * conductances at 6.3 °C, gmax 0, no q10.  (transfer full) */
NrtChannel *nrt_channel_new_hh_na (void);
NrtChannel *nrt_channel_new_hh_k (void);
NrtChannel *nrt_channel_copy (const NrtChannel *channel);
void        nrt_channel_free (NrtChannel *channel);
gboolean    nrt_channel_equal (const NrtChannel *a, const NrtChannel *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtChannel, nrt_channel_free)

/* Appends a gate (the name is copied); returns it, owned by the channel. */
NrtGate    *nrt_channel_add_gate (NrtChannel *channel, const char *name, int power,
                                  NrtGateType type, const NrtRate *rate0, const NrtRate *rate1);
/* Index of the gate called name, or -1. */
int         nrt_channel_find_gate (const NrtChannel *channel, const char *name);

/* An empty scheme of the given power, appended to the channel; add states and transitions
 * with the functions below.  (transfer none) */
NrtKsScheme *nrt_channel_add_scheme (NrtChannel *channel, int power);
/* Appends a state; returns its index in the scheme. */
guint       nrt_ks_scheme_add_state (NrtKsScheme *scheme, const char *name, double fraction,
                                     double x, double y);
/* Appends a transition (rates copied; ligand fields as given, ignored for v types); returns
 * it, owned by the scheme. */
NrtKsTransition *nrt_ks_scheme_add_transition (NrtKsScheme *scheme, guint from, guint to,
                                               NrtGateType type, const NrtRate *forward,
                                               const NrtRate *backward, NrtIon ligand,
                                               int stoichiometry);
/* The scheme and state index of the state called name, or FALSE. */
gboolean    nrt_channel_find_state (const NrtChannel *channel, const char *name, guint *scheme,
                                    guint *state);
/* Number of state variables of one instance: one per HH gate plus every scheme state. */
guint       nrt_channel_n_states (const NrtChannel *channel);
/* "[L]" name of a ligand transition's concentration: "cai", "cao" … (static string). */
const char *nrt_ks_transition_ligand_name (const NrtKsTransition *transition);
/* The transition's forward and backward rates (/ms) at v with ligand concentration conc (mM,
 * used by ligand types only), each scaled by factor. */
void        nrt_ks_transition_rates (const NrtKsTransition *transition, double v, double conc,
                                     double factor, double *forward, double *backward);
/* NEURON's nrn_ghk(v, ci, co, z) at celsius (mA/cm² per cm/s): 1e-3·z·F·(ci·efun(−x) −
 * co·efun(x)), x = z·v/ktf, ktf = 1000·R·(celsius + 273.15)/F, efun(x) = x/(eˣ − 1)
 * (1 − x/2 for |x| < 1e-4), with NEURON 8.2.2's FARADAY and R. */
double      nrt_ghk (double v, double ci, double co, int z, double celsius);
/* The ChannelBuilder's text summary ("Text to stdout"): name and kind, the current
 * relation, the conductance product, gmax and e, then each gate's and each transition's
 * rate formulas with their numbers.  (transfer full) */
char       *nrt_channel_describe (const NrtChannel *channel);

/* ---- custom rate functions (NRT_RATE_LEMS, NRT_RATE_EXPRESSION) ----
 *
 * A LEMS rate is a ComponentType extending baseVoltageDepRate (α, β: r in 1/s),
 * baseVoltageDepTime (τ: t in s) or baseVoltageDepVariable (inf: x), see nrt-lems-types.h,
 * with its Parameters' values in SI.  The function keeps the ComponentType's XML text exactly
 * as read, so that a NeuroML file is written back unchanged, and the type parsed from it.
 * It evaluates at v (mV) and celsius (°C) as LEMS does in SI (v/1000 V, celsius + 273.15 K)
 * and returns NEURON's units: r/1000 (/ms), t·1000 (ms) or x.
 *
 * An expression rate is the ChannelBuilder's "expression" form: one LEMS expression (the
 * syntax of nrt-expr.h: + − * / ^, exp … H; its value a number, not a condition) in the names
 * v (membrane potential, mV) and celsius (°C), giving the rate directly in the slot's units:
 * /ms for α and β, ms for τ, 1 for inf.  For example the hh m gate's α:
 * "0.1 * (v + 40) / (1 - exp(-(v + 40) / 10))". */

/* (transfer full) A LEMS rate from the text of one <ComponentType> element and its
 * parameter values (SI, in the type's Parameter order; n_params must match).  NULL with an
 * NRT_LEMS_ERROR ("line N: …" within xml) when the type cannot be evaluated;
 * concentration-dependent types (…ConcDep…) are refused. */
NrtRateFunc *nrt_rate_func_new_lems (const char *component_type_xml, const double *params,
                                     guint n_params, GError **error);
/* (transfer full) An expression rate; NULL with an NRT_EXPR_ERROR for bad syntax, unknown
 * names or functions, or a condition (a comparison is not a rate). */
NrtRateFunc *nrt_rate_func_new_expression (const char *text, GError **error);
/* (transfer full) A table rate (NRT_RATE_TABLE): n values in the slot's units on an even grid
 * from vmin to vmax (mV).  NULL with an NRT_MODEL_ERROR_INVALID_VALUE error when n < 2,
 * vmax ≤ vmin or a value or bound is not finite.  The values are the function's parameters
 * (nrt_rate_func_get_n_params/get_params); its text is NULL. */
NrtRateFunc *nrt_rate_func_new_table (const double *values, guint n, double vmin, double vmax,
                                      GError **error);
/* A table rate's grid bounds (mV); FALSE for the other kinds. */
gboolean     nrt_rate_func_get_table_range (const NrtRateFunc *func, double *vmin, double *vmax);
NrtRateFunc *nrt_rate_func_ref (NrtRateFunc *func);
void         nrt_rate_func_unref (NrtRateFunc *func);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtRateFunc, nrt_rate_func_unref)
/* NRT_RATE_LEMS, NRT_RATE_EXPRESSION or NRT_RATE_TABLE. */
NrtRateForm  nrt_rate_func_get_form (const NrtRateFunc *func);
/* Equal text (type XML or expression), table range and bitwise-equal parameters. */
gboolean     nrt_rate_func_equal (const NrtRateFunc *a, const NrtRateFunc *b);
/* The expression as given, or the ComponentType's name. */
const char  *nrt_rate_func_get_text (const NrtRateFunc *func);
/* LEMS rates: the <ComponentType> text as given, its parsed type (an NrtLemsRateType of
 * nrt-lems-types.h), and the parameters (SI).  NULL / 0 for expressions. */
const char  *nrt_rate_func_get_type_xml (const NrtRateFunc *func);
const struct _NrtLemsRateType *nrt_rate_func_get_lems_type (const NrtRateFunc *func);
guint        nrt_rate_func_get_n_params (const NrtRateFunc *func);
const double *nrt_rate_func_get_params (const NrtRateFunc *func);
/* Expressions: the parsed expression (an NrtExpr of nrt-expr.h; slot 0 is v, 1 celsius). */
const struct _NrtExpr *nrt_rate_func_get_expr (const NrtRateFunc *func);
/* TRUE when the value depends on the temperature. */
gboolean     nrt_rate_func_uses_celsius (const NrtRateFunc *func);
/* The value at v (mV) and celsius (°C), in NEURON's units (see above).  Thread-safe. */
double       nrt_rate_func_eval (const NrtRateFunc *func, double v, double celsius);

/* Convenience for editors: KSChan's Borg-Graham pair with parameters K (/ms), vhalf (mV), z,
 * gam and tau0 (ms): *inf becomes NRT_RATE_BG_INF and *tau NRT_RATE_BG_TAU, both holding all
 * five.  Neither may hold a custom function. */
void        nrt_rate_set_bg (NrtRate *inf, NrtRate *tau, double K, double vhalf, double z,
                             double gam, double tau0);
/* TRUE for NRT_RATE_BG_INF and NRT_RATE_BG_TAU. */
gboolean    nrt_rate_is_bg (const NrtRate *rate);

/* Convenience for editors: a rate of the given custom form holding a new reference to func
 * (release it with nrt_rate_clear() once the rate has been handed to a channel, which takes
 * its own). */
NrtRate     nrt_rate_new_func (NrtRateFunc *func);
/* Drops rate->func's reference (if any) and makes the rate the constant 0. */
void        nrt_rate_clear (NrtRate *rate);

/* Checks everything the model requires of a channel (names, ion, finite values, gmax ≥ 0,
 * q10 > 0, powers ≥ 1, rate forms, A ≥ 0 and a positive τ for inf/τ gates as KSChan's
 * editor clamps them; GHK only for na, k, ca; schemes of ≥ 2 states, fractions in [0, 1],
 * transitions between distinct existing states, no pair twice, every state connected,
 * ligand transitions with constant rates and stoichiometry 1..4; single only for point
 * channels with one scheme of power 1 and no HH gates), with NRT_MODEL_ERROR errors. */
gboolean    nrt_channel_validate (const NrtChannel *channel, GError **error);

/* KSChan's rate function at v (mV), or a custom rate's at v and NEURON's default
 * temperature, 6.3 °C.  Pure. */
double      nrt_rate_eval (const NrtRate *rate, double v);
/* The same at celsius (°C): only Borg-Graham rates and custom rates that use the temperature
 * depend on it. */
double      nrt_rate_eval_at (const NrtRate *rate, double v, double celsius);
/* TRUE when some rate of the channel depends on the temperature other than through q10. */
gboolean    nrt_channel_uses_celsius (const NrtChannel *channel);
/* TRUE when some rate of the channel is NRT_RATE_LEMS or NRT_RATE_EXPRESSION. */
gboolean    nrt_channel_has_custom_rates (const NrtChannel *channel);
/* The temperature factor q10^((celsius − q10_temperature)/10); exactly 1 when q10 = 1. */
double      nrt_channel_rate_factor (const NrtChannel *channel, double celsius);
/* The gate's α and β (/ms) or inf and τ (ms) at v, each rate scaled by factor
 * (nrt_channel_rate_factor).  KSTransition: α = inf/τ, β = (1 − inf)/τ for inf/τ gates;
 * inf = α/(α + β), τ = 1/(α + β) for α/β gates; factor multiplies α and β (so it divides τ
 * and leaves inf alone). */
void        nrt_gate_alpha_beta (const NrtGate *gate, double v, double factor, double *alpha,
                                 double *beta);
void        nrt_gate_inf_tau (const NrtGate *gate, double v, double factor, double *inf,
                              double *tau);
/* The same with custom rates evaluated at celsius (°C) instead of 6.3 °C. */
void        nrt_gate_alpha_beta_at (const NrtGate *gate, double v, double celsius, double factor,
                                    double *alpha, double *beta);
void        nrt_gate_inf_tau_at (const NrtGate *gate, double v, double celsius, double factor,
                                 double *inf, double *tau);
void        nrt_ks_transition_rates_at (const NrtKsTransition *transition, double v,
                                        double celsius, double conc, double factor,
                                        double *forward, double *backward);

G_END_DECLS

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

/* KSChan's rate functions, numbered as its ftype (kschan.h).  Exp(x) below is exp with x
 * clamped to [−700, 700], as KSChanFunction::Exp.  Types 5–7 (Borg-Graham inf/τ, table) are
 * not modelled. */
typedef enum {
  NRT_RATE_CONSTANT = 1,  /* A */
  NRT_RATE_EXP = 2,       /* A·Exp(k·(v − d)) */
  NRT_RATE_LINOID = 3,    /* x = k·(v − d): A·x/(1 − Exp(−x)), or A·(1 + x/2) if |x| ≤ 1e-6 */
  NRT_RATE_SIGMOID = 4,   /* A/(1 + Exp(k·(v − d))) */
} NrtRateForm;

typedef struct {
  NrtRateForm form;
  double      A;  /* /ms for α, β and τ's inverse; 1 for inf; ms for τ */
  double      k;  /* /mV; unused by NRT_RATE_CONSTANT */
  double      d;  /* mV; unused by NRT_RATE_CONSTANT */
} NrtRate;

/* How a gate's two rates are read (KSChan's KSTransition type). */
typedef enum {
  NRT_GATE_ALPHA_BETA = 0,  /* rate[0] = α, rate[1] = β: s' = α(1 − s) − β·s */
  NRT_GATE_INF_TAU = 1,     /* rate[0] = inf, rate[1] = τ: s' = (inf − s)/τ */
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

/* Ohmic only for now; NEURON's GHK form would be a second value. */
typedef enum {
  NRT_CONDUCTANCE_OHMIC,
} NrtConductanceForm;

/* Density only for now; point-process channels would be a second value. */
typedef enum {
  NRT_CHANNEL_DENSITY,
} NrtChannelKind;

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
} NrtChannel;

/* One channel inserted in one section (NEURON's range variables gmax_<name>, e_<name>). */
typedef struct {
  int    channel;  /* index into NrtModelData.channels */
  double gmax;     /* S/cm² */
  double e;        /* mV; used only by NonSpecific channels */
} NrtChannelInstance;

/* "na", "k", "ca", or "NonSpecific" (KSChan's spelling); lookup returns -1 when unknown. */
const char *nrt_ion_name (NrtIon ion);
int         nrt_ion_lookup (const char *name);
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

/* Checks everything the model requires of a channel (names, ion, finite values, gmax ≥ 0,
 * q10 > 0, powers ≥ 1, rate forms, A ≥ 0 and a positive τ for inf/τ gates as KSChan's
 * editor clamps them), with NRT_MODEL_ERROR errors. */
gboolean    nrt_channel_validate (const NrtChannel *channel, GError **error);

/* KSChan's rate function at v (mV).  Pure. */
double      nrt_rate_eval (const NrtRate *rate, double v);
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

G_END_DECLS

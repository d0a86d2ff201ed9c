/* nrt-sim-private.h: the compiled network's flat arrays and the hh kernels shared by the solver.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is structs of arrays indexed by node or by mechanism instance, laid out
 * once by nrt_network_compile() so that the step loop never allocates.
 */
#pragma once

#include <math.h>
#include "nrt-sim.h"

G_BEGIN_DECLS

/* hh.mod's TABLE: FROM -100 TO 100 WITH 200, six functions per voltage. */
#define NRT_HH_TABLE_VMIN (-100.0)
#define NRT_HH_TABLE_N 200

typedef struct {
  double minf, mtau, hinf, htau, ninf, ntau;
} NrtHhRates;

typedef struct {
  char  *name;      /* "ap[2]" */
  guint  nseg;
  int    node0;     /* the x = 0 node (the parent's node, or this section's root node) */
  int   *node;      /* nseg + 1 entries: the node of each segment, then the x = 1 node */
  int    hh;        /* index of segment 0's hh instance, or -1 (instances are consecutive) */
  int    pas;       /* same for pas */
  int    chan;      /* first channel instance, or -1; segment j's instance of the section's
                     * c-th channel is chan + j·n_chan + c */
  guint  n_chan;    /* channels inserted in the section */
  int    parent;    /* section index, -1 for a root */
  double parent_x;  /* where on the parent the 0 end attaches, as in the model */
  double L;         /* µm */
} NrtNetSection;

/* One transition of a compiled kinetic scheme.  Ligand transitions have constant rates (the
 * run's concentrations are constant), computed once as KSTransition::alpha/beta do. */
typedef struct {
  guint           from, to;     /* state indices within the scheme */
  gboolean        ligand;
  NrtKsTransition t;            /* the model's transition (rates for v types) */
  double          alpha, beta;  /* /ms, ligand types only, the q10 factor included */
} NrtNetTrans;

/* A kinetic scheme (KSGateComplex with states) of a channel type. */
typedef struct {
  guint        n_states;
  guint        offset;     /* of its first state in the instance's state vector */
  int          power;
  double      *fraction;   /* n_states conductance fractions */
  guint        n_trans;
  NrtNetTrans *trans;      /* voltage-gated first, then ligand-gated (KSChan's order) */
} NrtNetScheme;

/* A channel type as the step loop needs it: its gates, schemes and the q10 factor at the
 * run's temperature.  An instance's state vector is the n_gates HH gates, then every
 * scheme's states (KSChan's order). */
typedef struct {
  char         *name;
  NrtChannelKind kind;
  NrtIon        ion;
  gboolean      ghk;       /* NRT_CONDUCTANCE_GHK */
  int           z;         /* the ion's charge (GHK) */
  double        ci, co;    /* mM, the ion's concentrations (GHK) */
  gboolean      single;    /* Allow Single Channels */
  gboolean      uses_ligands;
  guint         n_gates;
  NrtGate      *gates;     /* copies; names point into the model's strings copied here */
  guint         n_schemes;
  NrtNetScheme *schemes;
  guint         n_states;  /* n_gates + every scheme's states */
  char        **state_names;  /* n_states names, gates first */
  double        factor;    /* nrt_channel_rate_factor at settings.celsius */
  double        celsius;   /* settings.celsius, for custom rates (°C) */
} NrtNetChannel;

struct _NrtNetwork {
  /* Nodes in Hines order: parent[i] < i, roots (parent -1) first. */
  guint   n_nodes;
  guint   n_roots;
  guint   n_segments;
  int    *parent;
  double *a;         /* NEURON's NODEA: this node's voltage in the parent's equation */
  double *b;         /* NEURON's NODEB: the parent's voltage in this node's equation */
  double *area;      /* µm²; 100 for zero-area nodes, as NEURON stores it */
  double *ri;        /* MΩ to the parent node, 0 for roots (seg.ri()) */
  double *cm;        /* µF/cm², 0 on zero-area nodes */
  /* node → (section, position index k): k = 0 the 0 end, 1..nseg the segment centres,
   * nseg + 1 the 1 end.  A node shared by a parent and its children is the parent's. */
  int    *node_section;
  guint  *node_k;

  guint          n_sections;
  NrtNetSection *sections;

  /* hh instances (one per segment where inserted) */
  guint   n_hh;
  int    *hh_node;
  double *hh_gnabar, *hh_gkbar, *hh_gl, *hh_el, *hh_ena, *hh_ek;
  /* pas instances */
  guint   n_pas;
  int    *pas_node;
  double *pas_g, *pas_e;

  /* ChannelBuilder channel types (the model's library, same indices) and their instances:
   * first one per segment and inserted density channel (n_chan_density), then one per point
   * channel (NRT_PP_CHANNEL) in model order.  An instance's states are chan_state0[k] ..
   * chan_state0[k] + types[chan_type[k]].n_states - 1 in the run state. */
  guint           n_chan_types;
  NrtNetChannel  *chan_types;
  guint           n_chan;
  guint           n_chan_density;
  guint           n_chan_states;
  guint           max_scheme_states;  /* the largest scheme, for the solver's workspace */
  int            *chan_node;
  int            *chan_type;
  guint          *chan_state0;
  double         *chan_gmax;   /* S/cm² (pmax cm/s for GHK); point: µS (cm³/s) */
  double         *chan_e;      /* mV: e_<name> for NonSpecific, the section's e<ion> otherwise */
  double         *chan_mfact;  /* 1 for density; 1e2/area for point channels (nA → mA/cm²) */
  int            *chan_pp;     /* the point process of a point channel, or -1 */
  int            *chan_nsingle;  /* ≥ 1: stochastic single channels (int(Nsingle + .5)) */

  /* Point processes, in model order; params as in nrt_point_process_info(). */
  guint                n_pp;
  NrtPointProcessType *pp_type;
  int                 *pp_node;
  double              *pp_mfact;   /* 1e2/area: nA → mA/cm² (NEURON's _mfact) */
  double             (*pp_param)[NRT_MAX_PARAMS];
  char               **pp_name;    /* "IClamp[0]" */
  /* Per-type lists of pp indices, so each kernel is one tight loop. */
  guint  n_pp_of[NRT_N_PP];
  guint *pp_of[NRT_N_PP];

  guint       n_netstims;
  NrtNetStim *netstims;
  guint       n_netcons;
  NrtNetCon  *netcons;

  NrtRunSettings settings;
  /* hh rate table at settings.celsius, 201 rows. */
  NrtHhRates hh_table[NRT_HH_TABLE_N + 1];
  double     hh_q10;
};

/* Direct evaluation of hh.mod's PROCEDURE rates(v), with its q10. */
void nrt_hh_rates_direct (double v, double q10, NrtHhRates *out);
/* Fills the 201-row table the way nocmodl's _check_rates does (x += dx from -100). */
void nrt_hh_table_build (NrtHhRates *table, double celsius, double *q10);

/* hh.mod's table lookup (nocmodl _n_rates): clamped at the ends, linear in between. */
static inline void
nrt_hh_rates_table (const NrtHhRates *table, double v, NrtHhRates *out)
{
  double xi = 1.0 * (v - NRT_HH_TABLE_VMIN);

  if (xi <= 0.0)
    {
      *out = table[0];
      return;
    }
  if (xi >= (double) NRT_HH_TABLE_N)
    {
      *out = table[NRT_HH_TABLE_N];
      return;
    }
  int i = (int) xi;
  double theta = xi - (double) i;
  const NrtHhRates *lo = &table[i], *hi = &table[i + 1];
  out->minf = lo->minf + theta * (hi->minf - lo->minf);
  out->mtau = lo->mtau + theta * (hi->mtau - lo->mtau);
  out->hinf = lo->hinf + theta * (hi->hinf - lo->hinf);
  out->htau = lo->htau + theta * (hi->htau - lo->htau);
  out->ninf = lo->ninf + theta * (hi->ninf - lo->ninf);
  out->ntau = lo->ntau + theta * (hi->ntau - lo->ntau);
}

/* cnexp for m, h and n of nhh instances, given x∞ and τ of each (nrt-gates.c). */
void nrt_hh_advance_gates (guint nhh, double dt, double *restrict m, double *restrict h,
                           double *restrict n, const double *restrict minf,
                           const double *restrict mtau, const double *restrict hinf,
                           const double *restrict htau, const double *restrict ninf,
                           const double *restrict ntau);

/* The node a point process or a record at x of a section refers to: NEURON's node_exact():
 * the 0 end is the section's x = 0 node, the 1 end its zero-area x = 1 node, anything in
 * between the node of segment int(x*nseg). */
int nrt_network_node_at (const NrtNetwork *net, guint isec, double x);
/* The segment index whose membrane a range variable at x reads (0 and 1 map to the end
 * segments, as NEURON's nrn_rangepointer does through node_index). */
guint nrt_network_segment_at (const NrtNetwork *net, guint isec, double x);
int nrt_network_find_section (const NrtNetwork *net, const char *name);

G_END_DECLS

/* nrt-sim.h: compile an NrtModel into flat arrays and integrate it with NEURON's fixed step.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NrtNetwork is immutable once compiled and holds no reference to the model, so the solver
 * thread can own it.  NrtSim is the state of one run of a network.
 */
#pragma once

#include <glib.h>
#include "nrt-model.h"

G_BEGIN_DECLS

#define NRT_SIM_ERROR (nrt_sim_error_quark ())
GQuark nrt_sim_error_quark (void);

typedef enum {
  NRT_SIM_ERROR_EMPTY_MODEL,
  NRT_SIM_ERROR_BAD_RECORD,      /* a --record expression that names nothing */
  NRT_SIM_ERROR_UNSTABLE,        /* v became NaN or Inf */
  NRT_SIM_ERROR_BAD_LOCATION,    /* a section index or x that names no place, or no path */
} NrtSimError;

typedef struct _NrtNetwork NrtNetwork;
typedef struct _NrtSim NrtSim;

/* (transfer full) Compiles the model as it is now, settings included. */
NrtNetwork *nrt_network_compile (NrtModel *model, GError **error);
void        nrt_network_free (NrtNetwork *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtNetwork, nrt_network_free)

/* Nodes, including the zero-area ends. */
guint  nrt_network_get_n_nodes (const NrtNetwork *net);
/* Number of segments (non-zero-area nodes). */
guint  nrt_network_get_n_segments (const NrtNetwork *net);
/* Area (µm²) and ri (MΩ, to the parent node, NEURON's seg.ri()) of segment iseg (0-based,
 * 0 ≤ iseg < nseg) of section isec.  Returns FALSE on bad indices. */
gboolean nrt_network_segment_geometry (const NrtNetwork *net, guint isec, guint iseg,
                                       double *area, double *ri);
/* The run settings the network was compiled with (tstop, dt, method, celsius...). */
const NrtRunSettings *nrt_network_get_settings (const NrtNetwork *net);
/* Index of the node that SECTION(x).v reads (NEURON's node_exact), or -1. */
int    nrt_network_get_node (const NrtNetwork *net, const char *section, double x);
/* Sections, indexed as in the model the network was compiled from. */
guint  nrt_network_get_n_sections (const NrtNetwork *net);
/* Where node lies: its section (model index) and x (0, a segment centre (i + 0.5)/nseg, or
 * 1).  A node shared by a parent and the 0 ends of its children is reported on the parent.
 * O(1).  FALSE for a bad node index. */
gboolean nrt_network_node_location (const NrtNetwork *net, guint node, guint *section,
                                    double *x);

/* One point of a space-plot path (NEURON's RangeVarPlot). */
typedef struct {
  guint    node;           /* the node whose v is plotted */
  guint    section;        /* model section index the point is listed on */
  double   x;              /* the node's position on that section: 0, (i + 0.5)/nseg or 1 */
  double   distance;       /* µm, the plot's abscissa after rvp.origin(rvp.d2root) */
  guint    interior_node;  /* the segment node whose mechanisms sec(x).var reads: the node
                            * itself, or at x = 0 and 1 the section's first or last segment */
  gboolean junction;       /* a section end inside the path (not its first or last point):
                            * NEURON's RangeVarPlot lists these for v only */
} NrtPathPoint;

/* (transfer full) The space-plot path from section_a(x_a) to section_b(x_b) (model section
 * indices), as NEURON 8.2.2's RangeVarPlot("v", a(x_a), b(x_b)) with origin(d2root) lays it
 * out: GArray of NrtPathPoint.
 * - x_a and x_b snap to nodes first: 0 and 1 are the section ends, anything else the centre
 *   of segment int(x·nseg);
 * - the path runs from a up to the point P where it comes nearest the cell's root (the
 *   common ancestor), then down to b; every node on the way is listed once, section ends
 *   included (a child's 0 end is its parent's node);
 * - distance = d2root + s, with d2root the path distance (µm) from the root section's 0 end
 *   to P and s the signed path distance from P: negative on a's side, positive on b's.  So
 *   on b's side it is the distance from the root, and on a's side it is mirrored about P
 *   (it can be negative); NEURON plots exactly that.
 * Nodes on an interior attachment snap like x (a child at parent(0.3), nseg 3, hangs from
 * the node at 1/6).  d2root (may be NULL) receives the offset.  NULL with
 * NRT_SIM_ERROR_BAD_LOCATION when a section index is bad, x is outside [0, 1], or the two
 * sections are in different trees. */
GArray  *nrt_network_path (const NrtNetwork *net, guint section_a, double x_a,
                           guint section_b, double x_b, double *d2root, GError **error);

/* (transfer full) A run of net; net must outlive it. */
NrtSim  *nrt_sim_new (const NrtNetwork *net);
void     nrt_sim_free (NrtSim *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtSim, nrt_sim_free)

/* EXPR is SECTION(X).VAR (v, m_hh, h_hh, n_hh, ina, ik, il_hh, i_pas, i_membrane, a
 * channel's <state>_<chan>, g_/i_/gmax_/e_<chan>...) or POINTPROCESS[i].VAR (IClamp[0].i,
 * ExpSyn[0].g, a point channel's myK[0].g, .i, .gmax, .e, .Nsingle and .<state>; p and pmax
 * for GHK point channels).  Returns the record's index, or -1. */
int      nrt_sim_add_record (NrtSim *sim, const char *expr, GError **error);
guint    nrt_sim_get_n_records (const NrtSim *sim);
/* The current value of a record. */
double   nrt_sim_record_value (const NrtSim *sim, guint record);

/* finitialize(v_init): t = 0, every node at v_init, states at steady state. */
void     nrt_sim_init (NrtSim *sim);
/* One fixed step of dt.  FALSE with NRT_SIM_ERROR_UNSTABLE when v blows up. */
gboolean nrt_sim_step (NrtSim *sim, GError **error);
double   nrt_sim_get_t (const NrtSim *sim);
/* Voltage of every node, in node order (n_nodes values). */
const double *nrt_sim_get_v (const NrtSim *sim);

/* Range variables for frames of every node (shape and space plots): v, m_hh, h_hh, n_hh,
 * ina, ik, il_hh, gna_hh, gk_hh, gnabar_hh, gkbar_hh, gl_hh, el_hh, ena, ek, i_pas, g_pas,
 * e_pas, i_cap, i_membrane.  Returns the variable's id, or -1 for a name that is none of
 * these. */
int      nrt_node_variable_lookup (const char *var);
/* Fills out (n_nodes values, node order) with variable var_id (from
 * nrt_node_variable_lookup) at every node, as sec(x).var reads it at that node's segment:
 * NaN where it does not exist (zero-area nodes for everything but v; segments without the
 * mechanism).  Units as in records: mV, mA/cm², S/cm².  i_membrane is i_cap plus the ionic
 * and synaptic currents (mA/cm²), as the i_membrane record. */
void     nrt_sim_get_node_values (const NrtSim *sim, int var_id, double *out);

/* TRUE once NEURON's stdrun loop would stop: t ≥ tstop − dt/2 (so 10 ms at dt 0.025 is
 * exactly 400 steps). */
gboolean nrt_sim_reached (const NrtSim *sim, double tstop);
/* Steps until nrt_sim_reached (sim, tstop).  FALSE with NRT_SIM_ERROR_UNSTABLE on blow-up. */
gboolean nrt_sim_run_until (NrtSim *sim, double tstop, GError **error);

/* Live parameter edits at the next step boundary. */
void     nrt_sim_set_dt (NrtSim *sim, double dt);
/* The dt (ms) the next step will use (a pending nrt_sim_set_dt included). */
double   nrt_sim_get_dt (const NrtSim *sim);

/* TRUE when a and b have the same layout: the same node tree, the same hh, pas and channel
 * instances (channel type index and node) at the same nodes, the same point-process types in
 * the same order, and as many NetStims and NetCons, so that a run's state can be carried from
 * one to the other by position.  The channel types themselves may differ (an edit in the
 * ChannelBuilder): their states are carried by name (nrt_sim_transfer_state). */
gboolean nrt_network_same_layout (const NrtNetwork *a, const NrtNetwork *b);
/* Carries the whole state of src (t, dt, v, gating and synaptic states, NetStim states,
 * pending events, the ASSIGNED currents) into dest, channel states by name (a gate or a
 * scheme whose states were renamed, added or removed restarts at its steady state at the
 * current v; stochastic instances continue their random run when their scheme and Nsingle
 * are unchanged, else their channels are placed anew), a sim of a network with the same layout,
 * so that dest continues src's run with dest's parameters from the next step on, as an edit
 * in NEURON between two fadvance() calls would.  Records are not touched.  FALSE (dest
 * unchanged) when the layouts differ. */
gboolean nrt_sim_transfer_state (NrtSim *dest, const NrtSim *src);

G_END_DECLS

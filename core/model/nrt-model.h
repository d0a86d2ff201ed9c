/* nrt-model.h: the Neurite document: sections, subsets, mechanisms, point processes, settings.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NrtModel is a GObject owned by the main thread.  Its data lives in a plain struct
 * (NrtModelData) that readers (compile, writers, widgets) may read through
 * nrt_model_get_data(); it must only be changed through the nrt_model_* mutators below.
 * Every mutator validates its input and, on bad input, returns FALSE with a GError in
 * NRT_MODEL_ERROR and leaves the model untouched.  Every successful mutation pushes one
 * undo step and emits ::changed.
 *
 * Units: µm (L, diam, 3-D points), Ω·cm (Ra), µF/cm² (cm), S/cm² (density conductances),
 * mV, ms, nA, µS, °C.
 */
#pragma once

#include <glib-object.h>

#include "nrt-channel.h"

G_BEGIN_DECLS

#define NRT_MODEL_ERROR (nrt_model_error_quark ())
GQuark nrt_model_error_quark (void);

typedef enum {
  NRT_MODEL_ERROR_INVALID_VALUE,   /* NaN, Inf, out of domain, non-positive L/diam, nseg < 1 */
  NRT_MODEL_ERROR_UNKNOWN_SECTION,
  NRT_MODEL_ERROR_DUPLICATE_NAME,
  NRT_MODEL_ERROR_CYCLE,
  NRT_MODEL_ERROR_INVALID_NAME,
  NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
  NRT_MODEL_ERROR_UNKNOWN_PARAMETER,
  NRT_MODEL_ERROR_UNKNOWN_SUBSET,
  NRT_MODEL_ERROR_UNKNOWN_POINT_PROCESS,
  NRT_MODEL_ERROR_NOTHING_TO_UNDO,
} NrtModelError;

typedef enum {
  NRT_NSEG_FIXED,
  NRT_NSEG_D_LAMBDA,  /* nseg = int((L/(d_lambda*lambda_f(100)) + .999)/2)*2 + 1 */
  NRT_NSEG_D_X,       /* nseg = int((L/d_X + .999)/2)*2 + 1 */
} NrtNsegStrategy;

typedef enum {
  NRT_METHOD_IMPLICIT,  /* backward Euler, NEURON secondorder = 0 */
  NRT_METHOD_CN,        /* Crank–Nicolson, NEURON secondorder = 2 */
} NrtMethod;

typedef enum {
  NRT_CHANGE_STRUCTURE,
  NRT_CHANGE_GEOMETRY,
  NRT_CHANGE_PARAMETER,
  NRT_CHANGE_STIMULUS,
  NRT_CHANGE_SETTINGS,
  NRT_CHANGE_VIEW,
} NrtChangeKind;

/* What ::changed reports.  section / point_process are indices or -1 when not specific. */
typedef struct {
  NrtChangeKind kind;
  int section;
  int point_process;
  const char *what;  /* a parameter or field name, or NULL */
} NrtChange;

/* One 3-D point.  Stored in single precision, as NEURON stores pt3d. */
typedef struct {
  float x, y, z, d;
} NrtPt3d;

/* Density mechanisms.  The parameter values are in the order of nrt_mechanism_info(). */
typedef enum {
  NRT_MECH_PAS,
  NRT_MECH_HH,
  NRT_N_MECH
} NrtMechType;

#define NRT_MAX_PARAMS 16

typedef struct {
  gboolean inserted;
  double   p[NRT_MAX_PARAMS];
} NrtMechInstance;

typedef struct {
  char           *name;       /* full name with index: "soma", "dend[2]" */
  int             parent;     /* index into sections, -1 for a root */
  double          parent_x;   /* where on the parent this section's 0 end attaches, 0..1 */
  double          L;          /* µm; derived from pt3d when pt3d is set */
  double          diam;       /* µm; used when there are no pt3d points */
  GArray         *pt3d;       /* of NrtPt3d; NULL or empty when geometry is L/diam */
  int             nseg;       /* current nseg; recomputed from the strategy */
  NrtNsegStrategy nseg_strategy;
  double          d_lambda;   /* fraction of λ(100 Hz), default 0.1 */
  double          d_X;        /* µm, default 50 */
  double          Ra;         /* Ω·cm, default 35.4 */
  double          cm;         /* µF/cm², default 1 */
  NrtMechInstance mech[NRT_N_MECH];
  /* ChannelBuilder channels inserted here, of NrtChannelInstance, in insertion order. */
  GArray         *channels;
  /* Reversal potentials (mV) of the ions, indexed by NrtIon ([NRT_ION_NONSPECIFIC] unused):
   * section values, as NEURON's ena, ek, eca belong to the section's ion, not to a
   * mechanism.  An ion no mechanism of the section uses holds NEURON's default
   * (nrt_ion_default_e).  hh's "ena" and "ek" parameters mirror e_ion[NA] and e_ion[K]
   * whenever hh is inserted (the model keeps them equal). */
  double          e_ion[NRT_N_ION];
} NrtSection;

typedef struct {
  char   *name;      /* "all" is always present, at index 0 */
  GArray *members;   /* of int: section indices, in section order */
} NrtSubset;

typedef enum {
  NRT_PP_ICLAMP,
  NRT_PP_ALPHA_SYNAPSE,
  NRT_PP_EXPSYN,
  NRT_PP_EXP2SYN,
  NRT_PP_SECLAMP,   /* svclmp.mod: single-electrode clamp with series resistance rs */
  NRT_PP_VCLAMP,    /* vclmp.mod: two-electrode clamp with amplifier dynamics */
  NRT_PP_APCOUNT,   /* apcount.mod: counts upward crossings of thresh */
  /* A ChannelBuilder point channel (NrtChannelKind NRT_CHANNEL_POINT): which one is
   * NrtPointProcess.channel; its parameters are NRT_PCHAN_* (nrt-channel.h), and it is named
   * after the channel ("myK[0]").  Last, so the built-in kernels' per-type arrays skip it. */
  NRT_PP_CHANNEL,
  NRT_N_PP
} NrtPointProcessType;

typedef struct {
  NrtPointProcessType type;
  int    section;
  double x;                    /* 0..1 */
  double p[NRT_MAX_PARAMS];    /* in the order of nrt_point_process_info() */
  int    channel;              /* NRT_PP_CHANNEL: index into NrtModelData.channels; else -1 */
} NrtPointProcess;

/* An artificial spike source (NEURON's NetStim, noise = 0 only for now). */
typedef struct {
  double interval;  /* ms, default 10 */
  double number;    /* default 10 */
  double start;     /* ms, default 50 */
  double noise;     /* 0..1, default 0 */
} NrtNetStim;

typedef struct {
  int    source;     /* index into netstims */
  int    target;     /* index into point_processes (ExpSyn or Exp2Syn) */
  double weight;     /* µS */
  double delay;      /* ms, default 1 */
  double threshold;  /* mV, default 10 */
} NrtNetCon;

/* ---- CellBuilder specifications (reference/neuron-gui.md §1.3, §1.4) ----
 *
 * When a model is managed by the CellBuilder, its geometry and biophysics are what these
 * ordered lists say: nrt_model_set_*_specs() first resets every section without 3-D points to
 * NEURON's section defaults (L 100 µm, diam 500 µm, nseg 1; Ra 35.4 Ω·cm, cm 1 µF/cm², no
 * mechanisms), then applies each spec in list order to the sections of its target (a subset
 * or a section), so later entries override earlier ones, as the CellBuilder's exported code
 * does.  nseg rules are applied last, after Ra and cm (geom_nseg() after biophys()).  An
 * empty list leaves that part of the model alone (a model read from a file). */
typedef enum {
  NRT_GEO_L             = 1 << 0,  /* constant L over the target */
  NRT_GEO_DIAM          = 1 << 1,  /* constant diam */
  NRT_GEO_DISTINCT_L    = 1 << 2,  /* one L per member section (subsets only) */
  NRT_GEO_DISTINCT_DIAM = 1 << 3,  /* one diam per member section (subsets only) */
  NRT_GEO_AREA          = 1 << 4,  /* L = diam = sqrt(area/π) */
  NRT_GEO_CIRCUIT       = 1 << 5,  /* area 100 µm²: L = 43.0127.., diam = 100/L/π */
  NRT_GEO_NSEG          = 1 << 6,
  NRT_GEO_D_LAMBDA      = 1 << 7,
  NRT_GEO_D_X           = 1 << 8,
} NrtGeometryKind;

typedef struct {
  char   *target;          /* subset or section name */
  guint   kinds;           /* NrtGeometryKind flags, consistent per NEURON's geo_consist */
  double  L, diam;         /* µm, defaults 100 and 1 (the CellBuilder's editor defaults) */
  double  area;            /* µm², default 100 */
  double  nseg;            /* default 1 */
  double  d_lambda;        /* default 0.1 */
  double  d_X;             /* µm, default 50 */
  GArray *distinct_L;      /* of double, one per member in member order; or NULL */
  GArray *distinct_diam;   /* of double; or NULL */
} NrtGeometrySpec;

/* A ChannelBuilder channel inserted by a biophysics spec, by the channel's name (renamed with
 * the channel, dropped when it leaves the library). */
typedef struct {
  char   *name;  /* NrtChannel name */
  double  gmax;  /* S/cm² */
  double  e;     /* mV, used only by NonSpecific channels */
} NrtBiophysicsChannel;

typedef struct {
  char           *target;  /* subset or section name */
  gboolean        has_Ra, has_cm;
  double          Ra, cm;  /* Ω·cm (default 35.4), µF/cm² (default 1) */
  NrtMechInstance mech[NRT_N_MECH];  /* inserted mechanisms with their values */
  /* Inserted channels, of NrtBiophysicsChannel, each name at most once (never NULL). */
  GArray         *channels;
} NrtBiophysicsSpec;

typedef struct {
  double    tstop;          /* ms, default 5 */
  double    dt;             /* ms, default 0.025 */
  double    v_init;         /* mV, default -65 */
  double    celsius;        /* °C, default 6.3 */
  double    points_per_ms;  /* default 40 */
  NrtMethod method;
  gboolean  hh_use_table;   /* NEURON's usetable_hh, default TRUE */
  /* Ion concentrations (mM) indexed by NrtIon ([NRT_ION_NONSPECIFIC] unused): NEURON's
   * globals nai0_na_ion 10, nao0 140, ki0 54.4, ko0 2.5, cai0 5e-5, cao0 2.  Constant in
   * time (no accumulation); read by GHK channels and ligand-gated transitions. */
  double    conc_i[NRT_N_ION];
  double    conc_o[NRT_N_ION];
  /* Seed of the stochastic channels' gsl_rng (mt19937), saved with the model; default 1. */
  guint32   seed;
} NrtRunSettings;

typedef struct {
  char           *name;          /* the model's (cell's) id, a valid NmlId */
  char           *notes;         /* free text, may be NULL */
  GPtrArray      *sections;      /* of NrtSection*, parents before children not required */
  GPtrArray      *subsets;       /* of NrtSubset*, "all" first */
  GPtrArray      *point_processes; /* of NrtPointProcess* */
  GPtrArray      *channels;      /* of NrtChannel*: the ChannelBuilder's channel types */
  GArray         *netstims;      /* of NrtNetStim */
  GArray         *netcons;       /* of NrtNetCon */
  NrtRunSettings  settings;
  /* XML the reader could not model, kept verbatim and written back (owned strings). */
  GPtrArray      *foreign_xml;
  /* CellBuilder specifications, of NrtGeometrySpec* and NrtBiophysicsSpec*; empty when the
   * CellBuilder does not manage the model. */
  GPtrArray      *geometry_specs;
  GPtrArray      *biophysics_specs;
  /* CellBuilder Management page: class name (default "Cell"), and the spike source of the
   * cell type (connect2target): v at output_x (default 1) of output_section (NULL: the first
   * root section), threshold in mV (default 10). */
  char           *class_name;
  char           *output_section;
  double          output_x;
  double          threshold;
  /* Window layout and open graphs, as the GUI serialises them (GKeyFile text); opaque to the
   * core, saved in the file's annotation.  May be NULL. */
  char           *view_state;
} NrtModelData;

/* Parameter metadata for mechanisms and point processes. */
typedef struct {
  const char *name;     /* NEURON's name: "gnabar_hh", "del", "amp" */
  const char *units;    /* "S/cm2", "mV", "ms", "nA", "uS", "" */
  double      def;      /* default */
  double      min, max; /* inclusive domain */
} NrtParamInfo;

typedef struct {
  const char         *name;    /* "pas", "hh", "IClamp", ... */
  guint               n_params;
  const NrtParamInfo *params;
} NrtMechanismInfo;

const NrtMechanismInfo *nrt_mechanism_info (NrtMechType type);
const NrtMechanismInfo *nrt_point_process_info (NrtPointProcessType type);
/* Returns -1 when not found. */
int nrt_mechanism_lookup (const char *name);
int nrt_point_process_lookup (const char *name);
int nrt_param_lookup (const NrtMechanismInfo *info, const char *param);
/* TRUE for the types whose current is a membrane (synaptic) current, summed into i_membrane;
 * FALSE for electrode currents (IClamp, SEClamp, VClamp) and APCount, which has none. */
gboolean nrt_point_process_is_membrane_current (NrtPointProcessType type);

#define NRT_TYPE_MODEL (nrt_model_get_type ())
G_DECLARE_FINAL_TYPE (NrtModel, nrt_model, NRT, MODEL, GObject)

/* nrt_model_new(): an empty model named "cell" with NEURON's run defaults.
 * nrt_model_new_default(): the CellBuilder's start, one section "soma" with NEURON's section
 * defaults (L 100 µm, diam 500 µm, nseg 1, Ra 35.4 Ω·cm, cm 1 µF/cm²). */
NrtModel *nrt_model_new (void);
NrtModel *nrt_model_new_default (void);

const NrtModelData *nrt_model_get_data (NrtModel *self);

/* Lookups.  Return -1 when not found. */
int nrt_model_find_section (NrtModel *self, const char *name);
int nrt_model_find_subset (NrtModel *self, const char *name);
guint nrt_model_get_n_sections (NrtModel *self);
const NrtSection *nrt_model_get_section (NrtModel *self, guint index);

/* λ at f Hz (µm), CellBuilder/stdlib.hoc lambda_f, integrating along pt3d when present. */
double nrt_section_lambda_f (const NrtSection *sec, double freq_hz);
/* Length (µm) between two 3-D points as NEURON computes it: float differences, summed in
 * double.  Use it wherever arc length along pt3d is needed, so every caller agrees. */
double nrt_pt3d_segment_length (const NrtPt3d *a, const NrtPt3d *b);
/* The nseg the section's strategy gives now. */
int nrt_section_compute_nseg (const NrtSection *sec);

/* ---- mutators: each validates, pushes one undo step and emits ::changed ---- */

gboolean nrt_model_set_name (NrtModel *self, const char *name, GError **error);
gboolean nrt_model_set_notes (NrtModel *self, const char *notes, GError **error);

/* parent may be NULL for a root section.  Returns the new index, or -1 with error. */
int      nrt_model_add_section (NrtModel *self, const char *name, const char *parent,
                                double parent_x, double L, double diam, GError **error);
gboolean nrt_model_remove_section (NrtModel *self, const char *name, GError **error);
gboolean nrt_model_rename_section (NrtModel *self, const char *name, const char *new_name,
                                   GError **error);
gboolean nrt_model_connect_section (NrtModel *self, const char *name, const char *parent,
                                    double parent_x, GError **error);
gboolean nrt_model_set_section_L (NrtModel *self, const char *name, double L, GError **error);
gboolean nrt_model_set_section_diam (NrtModel *self, const char *name, double diam,
                                     GError **error);
/* Replaces the 3-D points (n ≥ 2, every d > 0); L becomes the path length. n = 0 clears them. */
gboolean nrt_model_set_section_pt3d (NrtModel *self, const char *name, const NrtPt3d *pts,
                                     guint n, GError **error);
gboolean nrt_model_set_section_nseg (NrtModel *self, const char *name, int nseg,
                                     GError **error);
/* value is d_lambda for D_LAMBDA, d_X (µm) for D_X, nseg for FIXED. */
gboolean nrt_model_set_nseg_strategy (NrtModel *self, const char *target,
                                      NrtNsegStrategy strategy, double value, GError **error);
/* target is a subset or a section name. */
gboolean nrt_model_set_Ra (NrtModel *self, const char *target, double Ra, GError **error);
gboolean nrt_model_set_cm (NrtModel *self, const char *target, double cm, GError **error);

gboolean nrt_model_insert_mechanism (NrtModel *self, const char *target, const char *mech,
                                     GError **error);
gboolean nrt_model_uninsert_mechanism (NrtModel *self, const char *target, const char *mech,
                                       GError **error);
/* mech may also name a channel of the library: a fresh instance takes the channel's gmax and
 * erev.  Uninserting a section's last user of an ion resets that ion's e to the default. */

/* param is NEURON's name: "gnabar_hh", "e_pas", "gmax_<channel>", "e_<channel>" (NonSpecific
 * channels), or "ena", "ek", "eca" for the section's ions (which some inserted mechanism or
 * channel must use). */
gboolean nrt_model_set_mechanism_param (NrtModel *self, const char *target, const char *param,
                                        double value, GError **error);

gboolean nrt_model_add_subset (NrtModel *self, const char *name, GError **error);
gboolean nrt_model_remove_subset (NrtModel *self, const char *name, GError **error);
gboolean nrt_model_rename_subset (NrtModel *self, const char *name, const char *new_name,
                                  GError **error);
gboolean nrt_model_subset_add_section (NrtModel *self, const char *subset, const char *section,
                                       GError **error);
gboolean nrt_model_subset_remove_section (NrtModel *self, const char *subset,
                                          const char *section, GError **error);

/* Returns the new index, or -1. Parameters start at their defaults. */
int      nrt_model_add_point_process (NrtModel *self, const char *type, const char *section,
                                      double x, GError **error);
gboolean nrt_model_remove_point_process (NrtModel *self, guint index, GError **error);
gboolean nrt_model_move_point_process (NrtModel *self, guint index, const char *section,
                                       double x, GError **error);
gboolean nrt_model_set_point_process_param (NrtModel *self, guint index, const char *param,
                                            double value, GError **error);
/* "IClamp[0]": the index-th point process of that type, as NEURON names them. */
char    *nrt_model_point_process_name (NrtModel *self, guint index);
int      nrt_model_find_point_process (NrtModel *self, const char *name);

int      nrt_model_add_netstim (NrtModel *self, double start, double interval, double number,
                                double noise, GError **error);
int      nrt_model_add_netcon (NrtModel *self, guint netstim, guint target, double weight,
                               double delay, double threshold, GError **error);

/* param: "start" (ms, finite), "interval" (ms, > 0), "number" (≥ 0), "noise" (0..1). */
gboolean nrt_model_set_netstim_param (NrtModel *self, guint index, const char *param,
                                      double value, GError **error);
/* Removes the NetStim and every NetCon it drives; later NetStims move down one index. */
gboolean nrt_model_remove_netstim (NrtModel *self, guint index, GError **error);
/* param: "weight" (µS, finite), "delay" (ms, ≥ 0), "threshold" (mV, -1000..1000). */
gboolean nrt_model_set_netcon_param (NrtModel *self, guint index, const char *param,
                                     double value, GError **error);
gboolean nrt_model_remove_netcon (NrtModel *self, guint index, GError **error);

gboolean nrt_model_set_settings (NrtModel *self, const NrtRunSettings *settings,
                                 GError **error);

/* ---- the channel library (nrt-channel.h) ---- */

/* Index of the channel type called name, or -1. */
int      nrt_model_find_channel (NrtModel *self, const char *name);
/* Adds a copy of channel, which must be valid and named unlike every channel, built-in
 * mechanism and point process. */
gboolean nrt_model_add_channel (NrtModel *self, const NrtChannel *channel, GError **error);
/* Replaces the type called name by a copy of channel (which may rename it); its instances
 * keep their gmax and e. */
gboolean nrt_model_replace_channel (NrtModel *self, const char *name,
                                    const NrtChannel *channel, GError **error);
/* Removes the type and every instance of it. */
gboolean nrt_model_remove_channel (NrtModel *self, const char *name, GError **error);
/* The section's instance of channel index, or NULL. */
const NrtChannelInstance *nrt_section_find_channel (const NrtSection *sec, int channel);
/* Whether some mechanism or channel inserted in sec uses ion (hh uses na and k). */
gboolean nrt_section_uses_ion (const NrtModelData *data, const NrtSection *sec, NrtIon ion);

/* ---- CellBuilder specifications ---- */

/* Fresh specs with the CellBuilder's defaults for target.  (transfer full) */
NrtGeometrySpec   *nrt_geometry_spec_new (const char *target);
NrtBiophysicsSpec *nrt_biophysics_spec_new (const char *target);
NrtGeometrySpec   *nrt_geometry_spec_copy (const NrtGeometrySpec *spec);
NrtBiophysicsSpec *nrt_biophysics_spec_copy (const NrtBiophysicsSpec *spec);
void               nrt_geometry_spec_free (NrtGeometrySpec *spec);
void               nrt_biophysics_spec_free (NrtBiophysicsSpec *spec);
/* The spec's entry for channel name, or NULL. */
NrtBiophysicsChannel *nrt_biophysics_spec_find_channel (const NrtBiophysicsSpec *spec,
                                                        const char *name);
/* Inserts channel name with gmax and e, or updates its entry; returns the entry. */
NrtBiophysicsChannel *nrt_biophysics_spec_set_channel (NrtBiophysicsSpec *spec,
                                                       const char *name, double gmax,
                                                       double e);
/* Removes channel name's entry; FALSE if there was none. */
gboolean           nrt_biophysics_spec_remove_channel (NrtBiophysicsSpec *spec,
                                                       const char *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtGeometrySpec, nrt_geometry_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtBiophysicsSpec, nrt_biophysics_spec_free)
/* Whether kinds may be combined (NEURON's geo_consist: L and diam, constant or distinct, go
 * together; area and circuit exclude every other geometric kind; nseg, d_lambda and d_X
 * exclude each other; distinct kinds only for subsets).  FALSE with a message on conflict. */
gboolean nrt_geometry_kinds_consistent (guint kinds, gboolean target_is_subset, GError **error);

/* Replace the whole list (specs are copied), validate every entry, re-apply all specs: one
 * undo step.  On error nothing changes. */
gboolean nrt_model_set_geometry_specs (NrtModel *self, NrtGeometrySpec *const *specs, guint n,
                                       GError **error);
gboolean nrt_model_set_biophysics_specs (NrtModel *self, NrtBiophysicsSpec *const *specs,
                                         guint n, GError **error);
/* Derives specs from the model's current values, one per section (the CellBuilder's view of
 * a cell it did not build), so that applying them changes nothing.  One undo step. */
gboolean nrt_model_import_specs (NrtModel *self, GError **error);
gboolean nrt_model_set_class_name (NrtModel *self, const char *name, GError **error);
/* section may be NULL (the first root section); 0 ≤ x ≤ 1; threshold in mV. */
gboolean nrt_model_set_cell_output (NrtModel *self, const char *section, double x,
                                    double threshold, GError **error);
/* Moves subset index from to index to (both ≥ 1: "all" stays first).  Order matters to the
 * CellBuilder: specs are listed, and the hoc export writes subsets, in this order. */
gboolean nrt_model_move_subset (NrtModel *self, guint from, guint to, GError **error);

/* Stores the GUI's layout text; no undo step and no change to the modified flag. */
void     nrt_model_set_view_state (NrtModel *self, const char *text);

/* Adds XML kept verbatim (no undo step; readers call it while building a model). */
void     nrt_model_add_foreign_xml (NrtModel *self, const char *xml);

/* ---- grouping: several mutations as one undo step ---- */
void     nrt_model_begin_group (NrtModel *self, const char *label);
void     nrt_model_end_group (NrtModel *self);

/* ---- undo ---- */
gboolean nrt_model_can_undo (NrtModel *self);
gboolean nrt_model_can_redo (NrtModel *self);
gboolean nrt_model_undo (NrtModel *self, GError **error);
gboolean nrt_model_redo (NrtModel *self, GError **error);
/* Forgets all undo history (after loading a file). */
void     nrt_model_clear_history (NrtModel *self);
/* TRUE when changed since the last nrt_model_mark_saved(). */
gboolean nrt_model_is_modified (NrtModel *self);
void     nrt_model_mark_saved (NrtModel *self);

/* Deep copy and deep comparison of the data, for tests and undo. */
NrtModelData *nrt_model_data_copy (const NrtModelData *data);
void          nrt_model_data_free (NrtModelData *data);
gboolean      nrt_model_data_equal (const NrtModelData *a, const NrtModelData *b);

G_END_DECLS

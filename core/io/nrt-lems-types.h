/* nrt-lems-types.h: custom LEMS rate, time-course and steady-state types of NeuroML channels.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A channel file may define its own gate rate forms as LEMS ComponentTypes:
 *
 *   <ComponentType name="Nav_alpha_h" extends="baseVoltageDepRate">
 *     <Constant name="TIME_SCALE" dimension="time" value="1 ms"/>
 *     <Constant name="VOLT_SCALE" dimension="voltage" value="1 mV"/>
 *     <Dynamics>
 *       <DerivedVariable name="V" dimension="none" value="v / VOLT_SCALE"/>
 *       <DerivedVariable name="r" dimension="per_time" exposure="r"
 *                        value="0.07 * exp(-(V + 58) / 20) / TIME_SCALE"/>
 *     </Dynamics>
 *   </ComponentType>
 *
 * and use it as <forwardRate type="Nav_alpha_h"/>.  nrt_lems_rate_type_new() reads such a
 * type into an evaluable form, checking every expression and its dimensions on load.
 *
 * Supported: extends baseVoltageDepRate, baseVoltageDepTime, baseVoltageDepVariable and their
 * baseVoltageConcDep… variants; Constant (value with a LEMS unit), Parameter, Requirement
 * (v, temperature, and caConc for the …ConcDep… types), Exposure, DerivedParameter, Dynamics
 * with DerivedVariable (value=) and ConditionalDerivedVariable/Case (condition=, value=; the first
 * case whose condition holds, a case without condition being the default).  Derived
 * variables may refer to each other in any order (they are evaluated in dependency order);
 * cycles are errors.  Anything else (StateVariable, TimeDerivative, Children, …) is refused
 * with a message: such types are not plain functions of v.  Variables declared without a
 * dimension take their first value's.  Plain DerivedVariables are substituted into the
 * expressions that read them (same bits, fewer evaluations).
 *
 * Units: everything is SI, as LEMS computes: parameters in SI units of their dimension
 * (rate in 1/s, midpoint and scale in V), v in volts, temperature in kelvin (the eval
 * functions take °C and add 273.15), caConc in mol/m³ (= mM).  The result is r in 1/s for a
 * rate (baseVoltageDepRate exposes r, per_time), t in s for a time course, x dimensionless for
 * a variable.  A NeuroML reader working in mV and ms converts: v_V = v_mV / 1000,
 * r_per_ms = r / 1000, t_ms = t · 1000.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>
#include "nrt-expr.h"

G_BEGIN_DECLS

#define NRT_LEMS_ERROR (nrt_lems_error_quark ())
GQuark nrt_lems_error_quark (void);

typedef enum {
  NRT_LEMS_ERROR_UNSUPPORTED,  /* a construct this reader does not evaluate */
  NRT_LEMS_ERROR_INVALID,      /* missing attributes, bad units, bad expressions, cycles */
} NrtLemsError;

typedef enum {
  NRT_LEMS_RATE,      /* exposes r, per_time */
  NRT_LEMS_TIME,      /* exposes t, time */
  NRT_LEMS_VARIABLE,  /* exposes x, none */
} NrtLemsRateKind;

typedef struct _NrtLemsRateType NrtLemsRateType;

/* Reads a <ComponentType> element.  Errors read "line N: message". */
NrtLemsRateType *nrt_lems_rate_type_new (xmlNodePtr component_type, GError **error);
/* The first <ComponentType> in an XML text (for tests and tools). */
NrtLemsRateType *nrt_lems_rate_type_new_from_string (const char *xml, GError **error);
void             nrt_lems_rate_type_free (NrtLemsRateType *type);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtLemsRateType, nrt_lems_rate_type_free)

const char      *nrt_lems_rate_type_get_name (const NrtLemsRateType *type);
const char      *nrt_lems_rate_type_get_extends (const NrtLemsRateType *type);
NrtLemsRateKind  nrt_lems_rate_type_get_kind (const NrtLemsRateType *type);
/* TRUE for the …ConcDep… bases: caConc is available. */
gboolean         nrt_lems_rate_type_uses_conc (const NrtLemsRateType *type);
/* TRUE when the type declares the temperature requirement. */
gboolean         nrt_lems_rate_type_uses_temperature (const NrtLemsRateType *type);

/* The Parameters, in declaration order: the params array of the eval functions. */
guint            nrt_lems_rate_type_get_n_params (const NrtLemsRateType *type);
const char      *nrt_lems_rate_type_get_param_name (const NrtLemsRateType *type, guint i);
NrtExprDim       nrt_lems_rate_type_get_param_dim (const NrtLemsRateType *type, guint i);
/* The index of the Parameter name, or -1. */
int              nrt_lems_rate_type_find_param (const NrtLemsRateType *type, const char *name);

/* Reads the type's Parameters from the attributes of the element that uses it, e.g.
 * <forwardRate type="T" rate="0.1per_ms" midpoint="-40mV" scale="10mV"/>, into params (SI,
 * nrt_lems_rate_type_get_n_params() entries).  Errors read "line N: …" and name the missing or
 * malformed attribute. */
gboolean         nrt_lems_rate_type_read_params (const NrtLemsRateType *type, xmlNodePtr element,
                                                 double *params, GError **error);

/* How many variables an evaluation computes, after plain DerivedVariables have been
 * substituted into their readers (1 for most rate types). */
guint            nrt_lems_rate_type_get_n_steps (const NrtLemsRateType *type);

/* The exposed value (r in 1/s, t in s or x) at v volts and celsius °C, params[i] the i-th
 * Parameter in SI.  A ConditionalDerivedVariable none of whose Cases applies is 0, as in
 * jLEMS.  Thread-safe. */
double           nrt_lems_rate_eval (const NrtLemsRateType *type, const double *params,
                                     double v, double celsius);
/* The same with caConc in mol/m³ (= mM) for the …ConcDep… types. */
double           nrt_lems_rate_eval_conc (const NrtLemsRateType *type, const double *params,
                                          double v, double celsius, double ca_conc);

/* ---- all the custom rate types of a set of documents, by name ---- */

typedef struct _NrtLemsTypeLibrary NrtLemsTypeLibrary;

NrtLemsTypeLibrary    *nrt_lems_type_library_new (void);
void                   nrt_lems_type_library_free (NrtLemsTypeLibrary *library);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtLemsTypeLibrary, nrt_lems_type_library_free)
/* Reads every <ComponentType> among the children of root (a <neuroml> or <Lems> element) that
 * extends one of the supported bases; other ComponentTypes (synapses, cells, …) are left to
 * the caller.  FALSE on the first type that cannot be evaluated or whose name is already in
 * the library; the types read before it stay. */
gboolean               nrt_lems_type_library_add (NrtLemsTypeLibrary *library, xmlNodePtr root,
                                                  GError **error);
/* (transfer none) the type called name, or NULL. */
const NrtLemsRateType *nrt_lems_type_library_lookup (const NrtLemsTypeLibrary *library,
                                                     const char *name);
guint                  nrt_lems_type_library_get_n_types (const NrtLemsTypeLibrary *library);
/* TRUE when extends names one of the supported bases. */
gboolean               nrt_lems_is_rate_base (const char *extends);

/* (transfer full) An NMODL FUNCTION computing the type as nrt_lems_rate_eval() does, in
 * NEURON's units, for .mod files written beside exported models:
 *
 *   FUNCTION <fn_name>(v, <Parameters in SI, in declaration order>[, cai]) {
 *     … the expressions in SI: v / 1000 for v, celsius + 273.15 for temperature, cai for
 *       caConc, Constants as numbers …
 *     <fn_name> = r / 1000 (/ms), t * 1000 (ms) or x
 *   }
 *
 * v in mV; cai (mM) only for the …ConcDep… types; a type that requires temperature reads
 * celsius, which the mod file must declare in its PARAMETER block.  A ConditionalDerivedVariable
 * becomes an if/else chain; with no default Case its value is 0 when no condition holds, as
 * in nrt_lems_rate_eval(). */
char            *nrt_lems_rate_type_to_nmodl (const NrtLemsRateType *type,
                                              const char *fn_name);

/* Parses a LEMS quantity "1 ms", "-40mV", "0.5" into SI, checking it against dimension
 * (a NeuroMLCoreDimensions name); degC converts to kelvin. */
gboolean         nrt_lems_parse_quantity (const char *text, const char *dimension,
                                          double *si, GError **error);

G_END_DECLS
